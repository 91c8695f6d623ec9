"""``/pv``: the minutes of a meeting, or the record of a written consultation, as a PDF."""

from __future__ import annotations

from io import BytesIO

from telegram import InputFile, Update

from bot.arguments import number
from bot.commands import Access, Command, Place
from bot.context import ScrutinContext
from bot.replies import in_private_chat, reply
from meetings.actions.documents import Document, minutes_for, record_for
from meetings.actions.extract import extract_pdf
from meetings.approval import Signatory
from meetings.wording.formats import moment
from meetings.wording.i18n import N_
from meetings.wording.messages.minutes import extract_caption
from meetings.wording.refusals import refusal
from voting.refusal import Refused

RECORD_WORDS = {"scrutin", "consultation", "ballot"}


def _caption(document: Document, record: bool, context: ScrutinContext) -> str:
    _ = context.caller._
    if record and document.cancelled_at is not None:
        text = _("Record of the written consultation no. {number}, cancelled on {moment}.")
        cancelled = moment(document.cancelled_at, context.caller.language, document.zone)
        return text.format(number=document.number, moment=cancelled)
    if record:
        text = _("Record of the written consultation no. {number}.")
    elif document.draft:
        text = _("Draft minutes of meeting no. {number} (session in progress).")
    elif not document.approved:
        text = _(
            "Minutes of meeting no. {number}, a draft until the next session of the instance "
            "approves them."
        )
    elif not document.unsigned:
        text = _("Minutes of meeting no. {number}, approved and signed.")
    elif Signatory.CHAIR not in document.unsigned:
        text = _("Minutes of meeting no. {number}, approved; the secretary has yet to sign them.")
    elif Signatory.SECRETARY not in document.unsigned:
        text = _("Minutes of meeting no. {number}, approved; the chair has yet to sign them.")
    else:
        text = _(
            "Minutes of meeting no. {number}, approved; the chair and the secretary have yet to "
            "sign them."
        )
    return text.format(number=document.number)


async def minutes_command(update: Update, context: ScrutinContext) -> None:
    """``/pv [N]`` for a meeting, ``/pv scrutin N`` for a written consultation."""
    caller = context.caller
    args = [arg.lower() for arg in context.args or []]
    record = bool(args) and args[0] in RECORD_WORDS
    wanted = number(args[-1]) if len(args) == (2 if record else 1) else None
    if (record and wanted is None) or (not record and (len(args) > 1 or (args and not wanted))):
        await reply(update, caller._("Usage: {usage}").format(usage=MINUTES.usage(caller.language)))
        return
    # Minutes are given in a private chat only (see MINUTES): the caller's groupements.
    visible = set(caller.groupements)
    private = in_private_chat(update)
    try:
        if record:
            assert wanted is not None
            document = await record_for(context.services, caller, visible, wanted, private)
        else:
            document = await minutes_for(context.services, caller, visible, wanted, private)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language))
        return
    if update.effective_message is not None:
        await update.effective_message.reply_document(
            InputFile(BytesIO(document.pdf), filename=document.filename),
            caption=_caption(document, record, context),
        )


async def extract_command(update: Update, context: ScrutinContext) -> None:
    """``/extrait N``: the extract of the deliberation that ballot N decided, as a PDF."""
    caller = context.caller
    args = context.args or []
    wanted = number(args[0]) if len(args) == 1 else None
    if wanted is None:
        await reply(update, caller._("Usage: {usage}").format(usage=EXTRACT.usage(caller.language)))
        return
    try:
        found = await extract_pdf(context.services, wanted, visible=set(caller.groupements))
    except Refused as refused:
        await reply(update, refusal(refused, caller.language, number=wanted))
        return
    if update.effective_message is not None:
        await update.effective_message.reply_document(
            InputFile(BytesIO(found.pdf), filename=found.filename),
            caption=extract_caption(found.reference, caller.language),
        )


# Minutes are approved at the next meeting of the instance, and then sent to every member:
# until then they name people and record debates that are not public. So they go to the
# members' representatives and the coordinators, each in a private chat, never to a group,
# where anyone its admins let in would read them.
MINUTES = Command(
    "pv",
    "minutes",
    Access.KNOWN,
    N_("the minutes of a meeting (PDF)"),
    minutes_command,
    arguments=N_("[NUMBER]"),
    example=N_("or /pv scrutin NUMBER"),
    place=Place.PRIVATE,
    wrong_place=N_(
        "Ask for the minutes in your private chat with the bot: until they are approved, "
        "they go to the members' representatives, not to a group."
    ),
    rank=21,
)
# An extract names the members present and how they voted in a public ballot: like the
# minutes, it goes to the people of the groupement in their private chats.
EXTRACT = Command(
    "extrait",
    "extract",
    Access.KNOWN,
    N_("the extract of one deliberation from the register (PDF)"),
    extract_command,
    arguments=N_("BALLOT_NUMBER"),
    place=Place.PRIVATE,
    wrong_place=N_("Ask for an extract in your private chat with the bot."),
    rank=23,
)
COMMANDS = (MINUTES, EXTRACT)
