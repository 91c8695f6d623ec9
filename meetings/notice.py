"""The notice a convocation gives and owes, in clear days (délai franc).

Neither the day of sending nor the day of the meeting counts; the instance owes its own
notice (5 clear days for the ENT), an urgent convocation at least the instance's urgent
notice (1), and a second convocation 3 (CGCT L2121-17).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from meetings.meeting import LateConvocation, UrgencyWithoutReason
from meetings.schedule import clear_days_between, last_sending_day
from meetings.scope import MeetingScope


@dataclass(frozen=True)
class Notice:
    needed: int
    """Clear days the ordinary convocation owes."""
    given: int
    """Clear days a convocation sent now gives."""
    last_day: date
    """The last day to send it with the ordinary notice."""
    urgent_needed: int
    urgent_last_day: date

    @property
    def on_time(self) -> bool:
        return self.given >= self.needed


def notice_for(scope: MeetingScope, starts_at: datetime, now: datetime) -> Notice:
    urgent = min(scope.instance.urgent_notice_clear_days, scope.notice_days)
    return Notice(
        needed=scope.notice_days,
        given=clear_days_between(now, starts_at, scope.zone),
        last_day=last_sending_day(starts_at, scope.notice_days, scope.zone),
        urgent_needed=urgent,
        urgent_last_day=last_sending_day(starts_at, urgent, scope.zone),
    )


def check_notice(notice: Notice, urgency: str | None) -> str | None:
    """The urgency reason the convocation is recorded with, or why it cannot be sent.

    On time, a convocation is ordinary whatever was asked. Late, it needs the urgency, its
    reason, and the urgent notice.
    """
    if notice.on_time:
        return None
    if urgency is None:
        raise LateConvocation(notice.needed, notice.given, notice.last_day, urgent=False)
    if notice.given < notice.urgent_needed:
        raise LateConvocation(
            notice.urgent_needed, notice.given, notice.urgent_last_day, urgent=True
        )
    if not urgency.strip():
        raise UrgencyWithoutReason("an urgent convocation states its reason")
    return urgency.strip()
