"""Reading what people type after a command or in a form: numbers, dates, agenda items.

Shared by the Telegram handlers and the command line, so that "15/12/2026 18:00" and
"Budget ; vote : Approuver le budget" mean the same thing everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from meetings.meeting import AgendaItem
from meetings.schedule import wall_clock

_DAY_AND_TIME = re.compile(
    r"\s*([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\s+([0-9]{1,2})\s*[h:H]\s*([0-9]{2})?\s*"
)
_DAY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_NUMBER = re.compile(r"[0-9]{1,20}")
"""ASCII digits only ("²" is a digit to Python, no number); longer than any row id can be."""
NONE_WORDS = frozenset({"-", "aucun", "aucune", "non", "none", "no"})


class BadArguments(ValueError):
    """What was typed does not match the command's usage."""


def number(text: str) -> int | None:
    """A positive whole number such as a meeting's or a ballot's, else None.

    A number beyond any row id is still a number: looking it up finds nothing, and the person
    is told that this meeting or ballot does not exist."""
    return int(text) if _NUMBER.fullmatch(text) and int(text) > 0 else None


def optional_number(args: Sequence[str]) -> int | None:
    """Nothing, or one number: ``/clore``, ``/clore 3``; anything else is refused."""
    if not args:
        return None
    found = number(args[0]) if len(args) == 1 else None
    if found is None:
        raise BadArguments(" ".join(args))
    return found


def leading_number(args: Sequence[str]) -> tuple[int | None, list[str]]:
    """An optional number ahead of other words (``/revoquer 3 cea``, ``/revoquer cea``) and
    the words after it. A word of digits that is no valid number (``²``, ``٣``, more digits
    than any number has) is refused rather than taken for a name."""
    words = list(args)
    if not words or not words[0].isdigit():
        return None, words
    found = number(words[0])
    if found is None:
        raise BadArguments(words[0])
    return found, words[1:]


def wall_clock_moment(text: str, zone: ZoneInfo) -> datetime | None:
    """``15/12/2026 18:00`` (or ``18h``, ``18h30``) in ``zone``'s wall-clock time, in UTC.

    None when the text is not a date, or names a moment that does not exist (a time skipped
    by the spring change of hour). In the autumn's repeated hour, the first one is meant.
    """
    match = _DAY_AND_TIME.fullmatch(text)
    if match is None:
        return None
    day, month, year, hour = (int(match.group(i)) for i in range(1, 5))
    minute = int(match.group(5) or 0)
    try:
        moment = datetime(year, month, day, hour, minute, tzinfo=zone)
    except ValueError:
        return None
    exact = moment.astimezone(UTC)
    if exact.astimezone(zone).replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return exact


def calendar_day(text: str) -> date | None:
    """``03/02/2025`` (or ``2025-02-03``, as the command line writes it): a day, else None."""
    match = _DAY.fullmatch(text.strip())
    try:
        if match is not None:
            day, month, year = (int(match.group(i)) for i in range(1, 4))
            return date(year, month, day)
        return date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        return None


def future_moment(text: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """A moment as :func:`wall_clock_moment` reads it, if it is still to come."""
    moment = wall_clock_moment(text, zone)
    return moment if moment is not None and moment > now else None


def iso_moment(text: str, zone: ZoneInfo) -> datetime:
    """``2026-12-15 14:00`` in ``zone``'s wall-clock time, as the command line takes it."""
    day_text, _space, time_text = text.strip().partition(" ")
    return wall_clock(date.fromisoformat(day_text), time.fromisoformat(time_text), zone)


def agenda_item(text: str) -> AgendaItem | None:
    """``Budget 2027 ; vote : Approuver le budget 2027``, or just a title."""
    title, separator, rest = text.partition(";")
    motion = None
    if separator:
        label, colon, question = rest.partition(":")
        if not colon or label.strip().lower() not in {"vote", "motion"} or not question.strip():
            return None
        motion = question.strip()
    if not title.strip():
        return None
    return AgendaItem(title.strip(), motion)


def words(text: str | None) -> str:
    """A typed answer with its white space folded."""
    return " ".join((text or "").split())


URGENCY_WORDS = frozenset({"urgence", "urgent", "urgency"})


def urgency(args: Sequence[str]) -> str | None:
    """``urgence MOTIF…`` after a command's other arguments: the stated reason (maybe empty).

    None when nothing follows; anything but the urgency word is refused.
    """
    if not args:
        return None
    if args[0].lower() not in URGENCY_WORDS:
        raise BadArguments(" ".join(args))
    return " ".join(args[1:])


def candidate_names(text: str) -> list[str]:
    """Names one per line, or separated by commas on a single line."""
    lines = [line for line in text.splitlines() if line.strip()]
    parts = lines if len(lines) > 1 else text.split(",")
    return [words(part) for part in parts if words(part)] or [""]
