"""Free text a person types: how long each field may be, and what counts as empty.

Every limit is checked when the text is typed, so that the person can send it again at once,
and again where the text is written down (the actions), so that no way in skips it. The
limits are chosen so that every later use fits: a convocation repeats the place, the link,
the whole agenda and the urgency reason in one Telegram message (4,096 characters at most);
a motion of the agenda becomes a ballot's question and a button's label; the minutes print
names, notes and reasons in table rows that must fit on a page.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from enum import StrEnum

from voting.refusal import Refused


class Typed(StrEnum):
    PLACE = "place"
    VIDEO_LINK = "video_link"
    AGENDA_TITLE = "agenda_title"
    MOTION = "motion"
    CHAIR_NAME = "chair_name"
    SECRETARY = "secretary"
    URGENCY_REASON = "urgency_reason"
    QUESTION = "question"
    CANDIDATE = "candidate"
    NOTE = "note"
    ACT_REFERENCE = "act_reference"


QUESTION_LIMIT = 500
"""A ballot's question: the paper, the result and the minutes repeat it."""

LIMITS: dict[Typed, int] = {
    Typed.PLACE: 200,
    Typed.VIDEO_LINK: 300,
    Typed.AGENDA_TITLE: 200,
    # A motion is put to the vote as it is: it must be a question the ballot form accepts.
    Typed.MOTION: QUESTION_LIMIT,
    Typed.CHAIR_NAME: 100,
    Typed.SECRETARY: 100,
    Typed.URGENCY_REASON: 300,
    Typed.QUESTION: QUESTION_LIMIT,
    Typed.CANDIDATE: 100,
    Typed.NOTE: 1000,
    # A designation act's reference ("n° 2025-CP-112") is quoted in a table row of the minutes.
    Typed.ACT_REFERENCE: 100,
}

AGENDA_LIMIT = 2000
"""Titles and motions of one agenda together: with the place, the link, the urgency reason
and the convocation's own sentences, a convocation stays within one Telegram message."""
AGENDA_ITEMS_LIMIT = 20
COMMAND_LIMIT = 1200
"""A whole command as typed: the longest argument, a note, with its command and numbers.
A command that echoes its argument then always sends a message Telegram accepts."""

# Characters that show nothing though they are not white space: fillers and blank signs.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})


class TextEmpty(Refused):
    code = "text_empty"


class TextTooLong(Refused):
    code = "text_too_long"


class AgendaTooLong(Refused):
    code = "agenda_too_long"


def shows_something(text: str) -> bool:
    """Whether a reader would see anything: zero-width and filler characters alone are empty."""
    return any(
        unicodedata.category(char) not in _INVISIBLE_CATEGORIES and char not in _BLANK_LETTERS
        for char in text
    )


def folded(text: str | None) -> str:
    """White space folded to single spaces, as a one-line field keeps it."""
    return " ".join((text or "").split())


def typed(field: Typed, text: str | None) -> str:
    """``text`` folded, refused when it shows nothing or is longer than the field's limit."""
    value = folded(text)
    if not shows_something(value):
        raise TextEmpty(f"empty {field.value}", field=field.value)
    limit = LIMITS[field]
    if len(value) > limit:
        raise TextTooLong(
            f"{field.value} of {len(value)} characters",
            field=field.value,
            limit=limit,
            length=len(value),
        )
    return value


def optional_typed(field: Typed, text: str | None) -> str | None:
    """Like :func:`typed`, for a field that may be left out: an empty text is None."""
    return typed(field, text) if shows_something(folded(text)) else None


def check_agenda(items: Iterable[tuple[str, str | None]]) -> None:
    """Each title and motion within its limit, and the whole within :data:`AGENDA_LIMIT`."""
    total = count = 0
    for title, motion in items:
        typed(Typed.AGENDA_TITLE, title)
        total += len(title)
        if motion is not None:
            typed(Typed.MOTION, motion)
            total += len(motion)
        count += 1
    if count > AGENDA_ITEMS_LIMIT or total > AGENDA_LIMIT:
        raise AgendaTooLong(
            f"agenda of {count} items, {total} characters",
            limit=AGENDA_LIMIT,
            items=AGENDA_ITEMS_LIMIT,
        )
