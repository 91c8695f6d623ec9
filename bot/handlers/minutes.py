"""``/pv``: the minutes of a meeting, or the record of a written consultation, as a PDF."""

from __future__ import annotations

from io import BytesIO

from telegram import InputFile, Update

from bot.arguments import number
from bot.commands import Access, Command
from bot.context import ScrutinContext
from bot.replies import in_private_chat, reply
from meetings.actions.documents import Document, minutes_for, record_for
from meetings.wording.formats import moment
from meetings.wording.i18n import N_
from meetings.wording.refusals import refusal
from voting.refusal import Refused

RECORD_WORDS = {"scrutin", "consultation", "ballot"}


async def _visible(update: Update, context: ScrutinContext) -> set[str]:
    """The caller's groupements, and the one the group chat is bound to."""
    chat = update.effective_chat
    binding = await context.services.chats.binding(chat.id) if chat is not None else None
    return set(context.caller.groupements) | ({binding.groupement_id} if binding else set())


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
    else:
        text = _("Minutes of meeting no. {number}, to be signed by the chair and the secretary.")
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
    visible = await _visible(update, context)
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
