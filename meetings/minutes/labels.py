"""Phrases the minutes and the records share: the instance, a time in the session, the mode
of a ballot, the weighting of the votes, the draft warning and the page furniture."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from config.models import InstanceKind
from meetings.minutes.blocks import Banner, PageWords
from meetings.wording.formats import clock, long_date, members, moment, quoted, voices
from meetings.wording.i18n import translator
from voting.tally import Count


def instance_label(name: str, kind: InstanceKind, language: str) -> str:
    """``Comité de gouvernance (COGOUV)``: the kind is added unless the name already says it."""
    _ = translator(language)
    if kind is InstanceKind.OTHER or kind.value.casefold() in name.casefold():
        return name
    return _("{instance} ({kind})").format(instance=name, kind=kind.value)


def session_time(at: datetime, opened_at: datetime, zone: ZoneInfo, language: str) -> str:
    """The time alone on the session's day, the full date otherwise (a session past midnight)."""
    if at.astimezone(zone).date() == opened_at.astimezone(zone).date():
        return clock(at, language, zone)
    return moment(at, language, zone)


def ballot_mode(secret: bool, language: str) -> str:
    _ = translator(language)
    return _("Secret ballot") if secret else _("Public ballot (roll-call vote)")


def weighting(
    total: Count, table_id: str, table_from: date | None, language: str, name: str | None = None
) -> str:
    """``10 membres, 15 voix au total (tableau des voix de l'avenant n° 1, 2022, en vigueur
    depuis le 20 octobre 2022).``: the table by the name the configuration gives it, else by
    its id."""
    _ = translator(language)
    fields = {
        "members": members(total.heads, language),
        "votes": voices(total.weight, language),
    }
    if name is not None:
        if table_from is None:
            return _("{members}, {votes} in all ({table}).").format(table=name, **fields)
        return _("{members}, {votes} in all ({table}, in force since {since}).").format(
            table=name, since=long_date(table_from, language), **fields
        )
    fields["table"] = quoted(table_id, language)
    if table_from is None:
        return _("{members}, {votes} in all (table {table}).").format(**fields)
    return _("{members}, {votes} in all (table {table}, in force since {since}).").format(
        since=long_date(table_from, language), **fields
    )


def draft_banner(detail: str, language: str) -> Banner:
    _ = translator(language)
    return Banner(_("DRAFT — provisional document"), detail)


def page_words(language: str) -> PageWords:
    _ = translator(language)
    return PageWords(
        draft_mark=_.pgettext("watermark", "DRAFT"),
        label=_("{label}:"),
        signature=_("Signature:"),
        page=_("Page {page} / {pages}"),
    )


def generated_text(generated_at: datetime, zone: ZoneInfo, language: str) -> str:
    """The only line that differs between two renderings of the same database."""
    _ = translator(language)
    return _("Document generated on {moment}.").format(moment=moment(generated_at, language, zone))
