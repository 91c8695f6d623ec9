"""``/signer``: the chair and the secretary of a session sign its minutes, each in a private
chat, with the button "Je signe le procès-verbal de la séance du …"; ``/secretaire``: a
coordinator is recorded as the secretary of a session."""

from __future__ import annotations

from telegram import Update

from bot.arguments import number
from bot.commands import Access, ButtonRoute, Command, Place
from bot.context import ScrutinContext
from bot.replies import alert, reply
from meetings.actions.minutes_sign import Signed, record_secretary, sign_minutes, signable
from meetings.buttons import SIGN_PATTERN, SignButton, decode_sign
from meetings.notifier import Button
from meetings.wording.i18n import N_
from meetings.wording.messages.minutes import (
    already_signed,
    minutes_sent_text,
    secretary_recorded,
    signed_text,
    signing_prompt,
    signing_question,
)
from meetings.wording.refusals import refusal
from voting.refusal import Refused


def _wanted(context: ScrutinContext) -> int | None:
    args = context.args or []
    return number(args[0]) if len(args) == 1 else None


async def sign_command(update: Update, context: ScrutinContext) -> None:
    """``/signer N``: the button that signs, for the chair or the secretary of session N."""
    caller = context.caller
    wanted = _wanted(context)
    if wanted is None:
        await reply(update, caller._("Usage: {usage}").format(usage=SIGN.usage(caller.language)))
        return
    services = context.services
    try:
        meeting, _roles = await signable(services, caller, wanted)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language, number=wanted))
        return
    zone = services.governance.groupement(meeting.plan.groupement_id).groupement.tzinfo
    label = signing_prompt(meeting, zone, caller.language)
    keyboard = ((Button(label, SignButton(meeting.id).encode()),),)
    await reply(update, signing_question(meeting, zone, caller.language), keyboard)


def _answer(signed: Signed, context: ScrutinContext) -> str:
    caller = context.caller
    meeting = signed.meeting
    zone = context.services.governance.groupement(meeting.plan.groupement_id).groupement.tzinfo
    if not signed.signatures:
        return already_signed(meeting, zone, caller.language)
    lines = [
        signed_text(meeting, s.signatory, s.signed_at, zone, caller.language)
        for s in signed.signatures
    ]
    if signed.sent is not None:
        count = len(signed.sent.reached)
        lines.append(minutes_sent_text(meeting, count, zone, caller.language))
    return "\n".join(lines)


async def sign_pressed(update: Update, context: ScrutinContext) -> None:
    query = update.callback_query
    caller = context.caller
    code = decode_sign(query.data if query is not None else None)
    if query is None or code is None:
        await alert(update, caller._("This button is not valid."))
        return
    try:
        signed = await sign_minutes(context.services, caller, code.meeting_id)
    except Refused as refused:
        await alert(update, refusal(refused, caller.language, number=code.meeting_id))
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await reply(update, _answer(signed, context))


async def secretary_command(update: Update, context: ScrutinContext) -> None:
    """``/secretaire N``: the coordinator who sends it is the secretary of session N."""
    caller = context.caller
    wanted = _wanted(context)
    if wanted is None:
        usage = SECRETARY.usage(caller.language)
        await reply(update, caller._("Usage: {usage}").format(usage=usage))
        return
    services = context.services
    try:
        meeting, _secretary = await record_secretary(services, caller, wanted)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language, number=wanted))
        return
    zone = services.governance.groupement(meeting.plan.groupement_id).groupement.tzinfo
    await reply(update, secretary_recorded(meeting, zone, caller.language))


SIGN = Command(
    "signer",
    "sign",
    Access.KNOWN,
    N_("sign the minutes of a session (its chair, its secretary)"),
    sign_command,
    arguments=N_("NUMBER"),
    place=Place.PRIVATE,
    wrong_place=N_("Sign the minutes in your private chat with the bot."),
    rank=22,
)
SECRETARY = Command(
    "secretaire",
    "secretary",
    Access.COORDINATOR,
    N_("be recorded as the secretary of a session, who signs its minutes"),
    secretary_command,
    arguments=N_("NUMBER"),
    place=Place.PRIVATE,
    wrong_place=N_("Record the secretary in your private chat with the bot."),
    rank=66,
)
COMMANDS = (SIGN, SECRETARY)
BUTTONS = (ButtonRoute(SIGN_PATTERN, sign_pressed),)
