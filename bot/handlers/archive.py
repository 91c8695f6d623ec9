"""``/archive [YEAR] [GROUPEMENT]``: a groupement's year as a zip, for its coordinator."""

from __future__ import annotations

import re
from io import BytesIO

from telegram import InputFile, Update

from bot.commands import Access, Command, Place
from bot.context import ScrutinContext
from bot.replies import reply
from bot.telegram_limits import UPLOAD_BYTES
from meetings.actions.archive import archive_for
from meetings.archive.build import Archive
from meetings.wording.formats import weight
from meetings.wording.i18n import N_, Translator
from meetings.wording.refusals import refusal
from voting.refusal import Refused

YEAR = re.compile(r"\d{4}")
MEGABYTE = 1024 * 1024


def _caption(archive: Archive, _: Translator) -> str:
    year = archive.year
    meetings = _.ngettext("{n} meeting", "{n} meetings", len(year.meetings)).format(
        n=len(year.meetings)
    )
    consultations = _.ngettext(
        "{n} written consultation", "{n} written consultations", len(year.records)
    ).format(n=len(year.records))
    return _(
        "Archive of {groupement}, {year}: {meetings}, {consultations}, {files} files. "
        "index.txt lists each one with its SHA-256."
    ).format(
        groupement=year.groupement.name,
        year=year.year,
        meetings=meetings,
        consultations=consultations,
        files=len(archive.entries),
    )


def _arguments(words: list[str]) -> tuple[int | None, str | None] | None:
    """(year, groupement) from ``2026 ent-grand-est`` in any order; None if unreadable."""
    years = [int(w) for w in words if YEAR.fullmatch(w)]
    others = [w.lower() for w in words if not YEAR.fullmatch(w)]
    if len(years) > 1 or len(others) > 1:
        return None
    return (years[0] if years else None), (others[0] if others else None)


async def archive_command(update: Update, context: ScrutinContext) -> None:
    caller = context.caller
    _ = caller._
    parsed = _arguments(list(context.args or []))
    if parsed is None:
        await reply(update, _("Usage: {usage}").format(usage=ARCHIVE.usage(caller.language)))
        return
    year, groupement = parsed
    try:
        built = await archive_for(context.services, caller, groupement, year)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language))
        return
    limit = UPLOAD_BYTES["sendDocument"]
    if len(built.content) > limit:
        text = _(
            "The archive weighs {size} MB, more than the {limit} MB Telegram accepts: ask for it "
            "on the server, with scrutin archive {groupement} --year {year}."
        )
        await reply(
            update,
            text.format(
                size=weight(-(-len(built.content) // MEGABYTE), caller.language),
                limit=limit // MEGABYTE,
                groupement=built.year.groupement.id,
                year=built.year.year,
            ),
        )
        return
    if update.effective_message is not None:
        await update.effective_message.reply_document(
            InputFile(BytesIO(built.content), filename=built.filename),
            caption=_caption(built, _),
        )


# The archive names people and holds the draft minutes: its coordinator gets it, in a private
# chat, never a group.
ARCHIVE = Command(
    "archive",
    "archive",
    Access.COORDINATOR,
    N_("a groupement's year as a zip: minutes, records, charts, tables"),
    archive_command,
    arguments=N_("[YEAR] [GROUPEMENT]"),
    example=N_("e.g. /archive 2026 ent-grand-est"),
    place=Place.PRIVATE,
    wrong_place=N_(
        "Ask for the archive in your private chat with the bot: it holds draft minutes and "
        "names people."
    ),
    rank=80,
)
COMMANDS = (ARCHIVE,)
