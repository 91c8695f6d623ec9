"""Notes of the agenda items in Telegram: ``/noter N POINT TEXTE`` during the session."""

from __future__ import annotations

from telegram import Update

from bot.arguments import number
from bot.commands import Access, Command
from bot.context import ScrutinContext
from bot.replies import reply
from meetings.actions.agenda_note import note_agenda_item
from meetings.wording.i18n import N_
from meetings.wording.refusals import refusal
from voting.refusal import Refused


def _parsed(words: list[str]) -> tuple[int, int, str] | None:
    """(meeting, item, text) from ``N POINT TEXTE``, or None if the message says otherwise."""
    if len(words) < 3:
        return None
    meeting, position = number(words[0]), number(words[1])
    if meeting is None or position is None:
        return None
    return meeting, position, " ".join(words[2:])


async def note_command(update: Update, context: ScrutinContext) -> None:
    """``/noter N POINT TEXTE``: what was said of an agenda item, for the minutes."""
    caller = context.caller
    _ = caller._
    parsed = _parsed(list(context.args or []))
    if parsed is None:
        await reply(update, _("Usage: {usage}").format(usage=NOTE.usage(caller.language)))
        return
    number, position, text = parsed
    try:
        noted = await note_agenda_item(context.services, caller, number, position, text)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language, number=number))
        return
    lines = [
        _("Noted under item {position} ({title}) of meeting no. {number}.").format(
            position=position, title=noted.item.title, number=number
        ),
        _("The minutes will print it under the item."),
    ]
    if noted.replaced:
        lines[1] = _("It replaces the earlier note of this item in the minutes.")
    await reply(update, "\n".join(lines))


NOTE = Command(
    "noter",
    "note",
    Access.COORDINATOR,
    N_("note what was said of an agenda item, for the minutes"),
    note_command,
    arguments=N_("NUMBER ITEM TEXT"),
    example=N_("e.g. /noter 12 4 The DANE presented the new services"),
    rank=64,
)
COMMANDS = (NOTE,)
