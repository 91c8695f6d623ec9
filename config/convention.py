"""The ``[convention]`` section of a groupement file: the convention's own dates.

A convention is signed, runs for a term, may be extended by amendments (seed 000: avenant
prolonging it to February 2030), and may let members withdraw only before a yearly date
(seed 000: "au plus tard le 1er janvier précédant la rentrée scolaire"). The end in force on
a day is the ``new_end`` of the latest amendment dated on or before it, else the term's end.

A term may also start on an event the file cannot know: seed 004's convention runs from the
notification of its market, for the market's term (48 months at most, renewals included).
``term_start`` is then left out and ``term_months`` given: the start is the notification the
coordinator records in the membership register.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictBool, StrictInt, model_validator

from config.sections import ConfigModel, StrictDate, Text

__all__ = [
    "Amendment",
    "Convention",
    "MonthDay",
    "WithdrawalRule",
    "add_months",
]

_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def _check_month_day(value: str) -> str:
    match = _MONTH_DAY.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not a day of the year written MM-DD, e.g. '01-01'")
    try:
        date(2000, int(match.group(1)), int(match.group(2)))  # 2000: 29 February exists
    except ValueError:
        raise ValueError(f"{value!r} is no day of the year") from None
    return value


MonthDay = Annotated[str, AfterValidator(_check_month_day)]
"""A day that comes back every year, ``MM-DD``: ``"01-01"`` is the first of January."""


def on_day(month_day: str, year: int) -> date:
    """``"01-01"`` in ``year``; 29 February is the 28th in a common year."""
    month, day = (int(part) for part in month_day.split("-"))
    if (month, day) == (2, 29) and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        day = 28
    return date(year, month, day)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), the last of the month where it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = (date(year + (month == 11), (month + 1) % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month + 1, min(day.day, last))


WithdrawalMeans = Literal["recorded_letter", "letter", "any"]


class WithdrawalRule(ConfigModel):
    """``[convention.withdrawal]``: how and when a member may ask to withdraw."""

    means: WithdrawalMeans = "any"
    """``recorded_letter``: a lettre recommandée avec accusé de réception (seed 004)."""
    request_by: MonthDay | None = None
    """A request takes effect only if received on or before this day of the year of its
    effect (seed 000: ``"01-01"``, before the school year it leaves from)."""
    effective_on: MonthDay | None = None
    """The day of the year a withdrawal takes effect (the start of a school year)."""
    source: Text

    @model_validator(mode="after")
    def _window_complete(self) -> WithdrawalRule:
        if (self.request_by is None) != (self.effective_on is None):
            raise ValueError("request_by and effective_on go together: give both or neither")
        closes, effect = self.request_by, self.effective_on
        if (
            closes is not None
            and effect is not None
            and on_day(closes, 2001) > on_day(effect, 2001)
        ):
            raise ValueError("request_by must come before effective_on in the year")
        return self

    @property
    def has_window(self) -> bool:
        return self.request_by is not None

    def window_closes(self, effect_year: int) -> date | None:
        """The last day to ask for a withdrawal effective in ``effect_year``."""
        return None if self.request_by is None else on_day(self.request_by, effect_year)

    def earliest_effect(self, received: date) -> date | None:
        """The first day a request received on ``received`` can take effect; None: any day."""
        if self.request_by is None or self.effective_on is None:
            return None
        year = received.year
        if received > on_day(self.request_by, year):
            year += 1
        effect = on_day(self.effective_on, year)
        return effect if effect > received else on_day(self.effective_on, year + 1)

    def next_closes(self, today: date, count: int) -> list[tuple[date, date]]:
        """The next ``count`` windows as (last day to ask, day of effect), from ``today``."""
        if self.request_by is None or self.effective_on is None:
            return []
        found: list[tuple[date, date]] = []
        year = today.year
        while len(found) < count:
            closes = on_day(self.request_by, year)
            if closes >= today:
                found.append((closes, on_day(self.effective_on, year)))
            year += 1
        return found


class Amendment(ConfigModel):
    """``[[convention.amendments]]``: an avenant, with the end it sets, if it moves it."""

    number: Annotated[StrictInt, Field(gt=0)]
    date: StrictDate
    """The day it takes effect (its signature, else the deliberation that approved it)."""
    source: Text
    new_end: StrictDate | None = None
    summary: Text | None = None


class Convention(ConfigModel):
    """``[convention]``: signature, term, amendments, withdrawal and joining rules."""

    title: Text | None = None
    source: Text
    signed: StrictDate | None = None
    term_start: StrictDate | None = None
    """None: the term starts at the notification of the market, recorded in the register."""
    term_end: StrictDate | None = None
    term_months: Annotated[StrictInt, Field(gt=0)] | None = None
    amendable: StrictBool = True
    """False where the convention forbids any change while in force (seed 004, article 11)."""
    closed_after_notification: StrictBool = False
    """No new member once the market is notified, except under R2194-8 or R2194-9 of the
    code de la commande publique (seed 004, article 10.2)."""
    amendments: list[Amendment] = Field(default_factory=list)
    withdrawal: WithdrawalRule | None = None

    @model_validator(mode="after")
    def _term(self) -> Convention:
        if self.term_end is not None and self.term_months is not None:
            raise ValueError("give term_end or term_months, not both")
        if self.term_start is None and self.term_end is not None:
            raise ValueError("a term_end needs its term_start; without one, give term_months")
        start, end = self.term_start, self.term_end
        if start is not None and end is not None and end <= start:
            raise ValueError("term_end must come after term_start")
        if not self.amendable and self.amendments:
            raise ValueError("this convention is not amendable (amendable = false)")
        numbers = [a.number for a in self.amendments]
        if len(set(numbers)) != len(numbers):
            raise ValueError("two amendments have the same number")
        return self

    def start(self, market_notified: date | None = None) -> date | None:
        return self.term_start or market_notified

    def initial_end(self, market_notified: date | None = None) -> date | None:
        """The end the convention itself sets, before any amendment."""
        if self.term_end is not None:
            return self.term_end
        start = self.start(market_notified)
        if start is None or self.term_months is None:
            return None
        return add_months(start, self.term_months)

    def end_in_force(self, on: date, market_notified: date | None = None) -> date | None:
        """The end as it stands on ``on``: the latest amendment's ``new_end`` dated by then."""
        moving = [a for a in self.amendments if a.new_end is not None and a.date <= on]
        if moving:
            latest = max(moving, key=lambda a: (a.date, a.number))
            return latest.new_end
        return self.initial_end(market_notified)
