"""``/pv``: the minutes of a meeting, or the record of a written consultation, as a PDF.

A group gets the final minutes once the session is closed; a coordinator can get a draft,
marked as such, in a private chat during the session.
"""

from __future__ import annotations

from io import BytesIO

from telegram import InputFile, Update

from bot.arguments import number
from bot.commands import Access, Command
from bot.context import ScrutinContext
from bot.replies import in_private_chat, reply
from meetings.actions.documents import minutes_pdf, record_pdf
from meetings.actions.lookups import meetings_in, visible_ballot
from meetings.meeting import Meeting, MeetingState
from meetings.wording.i18n import N_
from meetings.wording.refusals import refusal
from voting.ballot import BallotMode
from voting.refusal import Refused

RECORD_WORDS = {"scrutin", "consultation", "ballot"}


async def _groupements(update: Update, context: ScrutinContext) -> set[str]:
    """The caller's groupements, and the one the group chat is bound to."""
    chat = update.effective_chat
    binding = await context.services.chats.binding(chat.id) if chat is not None else None
    return set(context.caller.groupements) | ({binding.groupement_id} if binding else set())


async def minutes_command(update: Update, context: ScrutinContext) -> None:
    """``/pv [N]`` for a meeting, ``/pv scrutin N`` for a written consultation."""
    caller = context.caller
    _ = caller._
    args = [arg.lower() for arg in context.args or []]
    usage = _("Usage: {usage}").format(usage=MINUTES.usage(caller.language))
    groupements = await _groupements(update, context)
    if args and args[0] in RECORD_WORDS:
        wanted = number(args[1]) if len(args) == 2 else None
        if wanted is None:
            await reply(update, usage)
            return
        await _send_record(update, context, wanted, groupements)
        return
    wanted = number(args[0]) if len(args) == 1 else None
    if len(args) > 1 or (args and wanted is None):
        await reply(update, usage)
        return
    held = await meetings_in(
        context.services, groupements, (MeetingState.IN_SESSION, MeetingState.CLOSED)
    )
    if wanted is not None:
        held = [m for m in held if m.id == wanted]
    if not held:
        await reply(update, _("No meeting has held its session yet."))
        return
    await _send_minutes(update, context, held[-1])


async def _send_minutes(update: Update, context: ScrutinContext, meeting: Meeting) -> None:
    caller = context.caller
    _ = caller._
    draft = meeting.state is not MeetingState.CLOSED
    if draft and not (in_private_chat(update) and caller.coordinates(meeting.plan.groupement_id)):
        await reply(
            update,
            _(
                "The minutes of meeting no. {number} will be available once the session is "
                "closed. A coordinator can get a draft now in a private chat: /pv {number}"
            ).format(number=meeting.id),
        )
        return
    try:
        pdf = await minutes_pdf(context.services, meeting.id, context.services.clock())
    except Refused as refused:
        await reply(update, refusal(refused, caller.language))
        return
    caption = (
        _("Draft minutes of meeting no. {number} (session in progress).")
        if draft
        else _("Minutes of meeting no. {number}, to be signed by the chair and the secretary.")
    ).format(number=meeting.id)
    name = f"pv-reunion-{meeting.id}{'-projet' if draft else ''}.pdf"
    await _send_document(update, pdf, name, caption)


async def _send_record(
    update: Update, context: ScrutinContext, ballot_id: int, groupements: set[str]
) -> None:
    caller = context.caller
    _ = caller._
    ballot = await visible_ballot(context.services, groupements, ballot_id)
    if ballot is None:
        await reply(
            update, _("There is no ballot no. {number} among yours.").format(number=ballot_id)
        )
        return
    if ballot.draft.mode is not BallotMode.WRITTEN:
        await reply(
            update,
            _("Ballot no. {number} was held in a meeting: its minutes are /pv {meeting}.").format(
                number=ballot.id, meeting=ballot.draft.meeting_id
            ),
        )
        return
    draft = ballot.closed_at is None and ballot.cancelled_at is None
    if draft and not (in_private_chat(update) and caller.coordinates(ballot.draft.groupement_id)):
        await reply(
            update,
            _("The record of ballot no. {number} will be available once it is closed.").format(
                number=ballot.id
            ),
        )
        return
    try:
        pdf = await record_pdf(context.services, ballot.id, context.services.clock())
    except Refused as refused:
        await reply(update, refusal(refused, caller.language))
        return
    caption = _("Record of the written consultation no. {number}.").format(number=ballot.id)
    await _send_document(update, pdf, f"releve-scrutin-{ballot.id}.pdf", caption)


async def _send_document(update: Update, pdf: bytes, name: str, caption: str) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_document(
            InputFile(BytesIO(pdf), filename=name), caption=caption
        )


MINUTES = Command(
    "pv",
    "minutes",
    Access.KNOWN_OR_GROUP,
    N_("the minutes of a meeting (PDF)"),
    minutes_command,
    arguments=N_("[NUMBER]"),
    example=N_("or /pv scrutin NUMBER"),
    rank=21,
)
COMMANDS = (MINUTES,)
