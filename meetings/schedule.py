"""When things happen: quarters, convocation notice, reminders, across the DST switches.

Pure functions, no I/O and no clock reads: callers pass ``now``. Instants are
aware datetimes (stored in UTC); the rules themselves are stated in the
groupement's wall-clock zone (``Europe/Paris``), because "five clear days" and
"J-1 at 09:00" mean calendar days and clock times as people in that zone live
them, not multiples of 24 hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

REMINDER_TIME = time(9, 0)
# CGCT L2121-17, which comparable bodies follow: a meeting that failed quorum
# is reconvened at least 3 clear days later.
SECOND_CONVOCATION_CLEAR_DAYS = 3
MIN_REMINDER_LEAD = timedelta(hours=1)


def _require_aware(**moments: datetime) -> None:
    for name, moment in moments.items():
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{name}={moment!r} is naive: times must carry a time zone")


def _require_non_negative(name: str, value: int) -> None:
    if value < 0:
        raise ValueError(f"{name} must be 0 or more, not {value}")


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The wall-clock calendar day of an aware instant in ``zone``."""
    _require_aware(moment=moment)
    return moment.astimezone(zone).date()


def wall_clock(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The aware UTC instant at which clocks in ``zone`` show ``at`` on ``day``.

    A time that does not exist (the spring gap, 02:30 on the last Sunday of
    March in Paris) is read with the offset in force before the gap, so it
    lands as far past the gap as it was into it: 02:30 becomes 03:30 CEST. A
    time that happens twice (the autumn repeated hour) means its first
    occurrence, still in summer time.
    """
    if at.tzinfo is not None:
        raise ValueError(f"at={at!r} must be a naive wall-clock time, the zone is given apart")
    # fold=0 gives exactly both rules above (PEP 495): before-transition offset.
    local = datetime.combine(day, at.replace(fold=0), tzinfo=zone)
    return local.astimezone(UTC)


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: the period in which one CST (comité de suivi) is held."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"a quarter is numbered 1 to 4, not {self.number}")

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter that contains ``day``."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    @property
    def last_day(self) -> date:
        return self.next.first_day - timedelta(days=1)


def expected_quarters(from_day: date, count: int) -> list[Quarter]:
    """The quarter containing ``from_day`` and the ``count - 1`` following ones."""
    _require_non_negative("count", count)
    quarters: list[Quarter] = []
    quarter = Quarter.of(from_day)
    for _ in range(count):
        quarters.append(quarter)
        quarter = quarter.next
    return quarters


def cst_coordinator_reminders(
    quarter: Quarter, zone: ZoneInfo, at: time = REMINDER_TIME
) -> tuple[datetime, datetime]:
    """When the coordinators are reminded to plan the quarter's CST, if none is planned.

    First on the quarter's first day, then one month before its end (the first
    day of its last month: 1 March, 1 June, 1 September, 1 December), both at
    ``at`` wall-clock time.
    """
    last_month_first_day = date(quarter.year, 3 * quarter.number, 1)
    return (
        wall_clock(quarter.first_day, at, zone),
        wall_clock(last_month_first_day, at, zone),
    )


def clear_days_between(sent: datetime, meeting: datetime, zone: ZoneInfo) -> int:
    """The clear days (jours francs) a convocation sent at ``sent`` gives.

    Whole wall-clock days strictly between the day of sending and the day of
    the meeting, both excluded: the hour of either does not matter. Zero or
    negative when sent the day before, the same day, or after.
    """
    return (local_day(meeting, zone) - local_day(sent, zone)).days - 1


def notice_is_met(sent: datetime, meeting: datetime, clear_days: int, zone: ZoneInfo) -> bool:
    """Whether a convocation sent at ``sent`` gives at least ``clear_days`` clear days."""
    _require_non_negative("clear_days", clear_days)
    return clear_days_between(sent, meeting, zone) >= clear_days


def last_sending_day(meeting: datetime, clear_days: int, zone: ZoneInfo) -> date:
    """The last wall-clock day on which a convocation still gives ``clear_days`` clear days.

    A meeting on Tuesday 15 December 2026 with 5 clear days must be convened by
    Wednesday 9 December: the 10th to the 14th are the five clear days.
    """
    _require_non_negative("clear_days", clear_days)
    return local_day(meeting, zone) - timedelta(days=clear_days + 1)


def second_convocation_earliest(
    first_meeting: datetime, zone: ZoneInfo, clear_days: int = SECOND_CONVOCATION_CLEAR_DAYS
) -> date:
    """The earliest wall-clock day for the second meeting after quorum failed.

    ``clear_days`` whole days must lie between the failed meeting's day and the
    second meeting's day, both excluded.
    """
    _require_non_negative("clear_days", clear_days)
    return local_day(first_meeting, zone) + timedelta(days=clear_days + 1)


def reminder_times(
    meeting: datetime, days_before: Sequence[int], zone: ZoneInfo, at: time = REMINDER_TIME
) -> list[tuple[int, datetime]]:
    """When the J-n reminders of a meeting are due, as ``(n, UTC instant)``, earliest first.

    J-n is the wall-clock day ``n`` days before the meeting's wall-clock day,
    at ``at``; across a DST switch this is not ``n * 24`` hours. A reminder that
    would come at or after the start (J-0 at 09:00 for a 08:30 meeting) is
    dropped, and a repeated ``n`` counts once.
    """
    meeting_day = local_day(meeting, zone)
    due: list[tuple[int, datetime]] = []
    for n in sorted(set(days_before), reverse=True):
        _require_non_negative("days_before", n)
        moment = wall_clock(meeting_day - timedelta(days=n), at, zone)
        if moment < meeting:
            due.append((n, moment))
    return due


def reminder_is_still_useful(
    due: datetime, event: datetime, now: datetime, min_lead: timedelta = MIN_REMINDER_LEAD
) -> bool:
    """Whether a reminder found overdue (the bot was down) is still worth sending now.

    The rule: useful iff it was due before the event and the event is still
    more than ``min_lead`` ahead (``now < event - min_lead``). However late the
    reminder is, it still tells people about something to come: a J-7 reminder
    found two days late announces a meeting five days away. A reminder for a
    meeting starting within the hour, or already started, is noise: those who
    will come are on their way.

    When several reminders of one event are overdue together, the caller should
    send only the latest of them.
    """
    _require_aware(due=due, event=event, now=now)
    # In UTC, because subtracting from a Paris-aware time ignores a DST switch.
    event = event.astimezone(UTC)
    return due < event and now < event - min_lead
