"""The notice a convocation gives and owes, in clear days (délai franc).

Neither the day of sending nor the day of the meeting counts; the instance owes its own
notice (5 clear days for the ENT), an urgent convocation at least the instance's urgent
notice (1), and a second convocation 3 (CGCT L2121-17).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from meetings.meeting import ConvocationDelivery, LateConvocation, UrgencyWithoutReason
from meetings.schedule import clear_days_between, last_sending_day
from meetings.scope import MeetingScope
from meetings.texts import Typed, shows_something, typed


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


def owed_notice(scope: MeetingScope, urgent: bool) -> int:
    """Clear days a convocation owes: the instance's notice, or its urgent notice if urgent."""
    if urgent:
        return min(scope.instance.urgent_notice_clear_days, scope.notice_days)
    return scope.notice_days


def notice_for(scope: MeetingScope, starts_at: datetime, now: datetime) -> Notice:
    urgent = owed_notice(scope, urgent=True)
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
    if not shows_something(urgency):
        raise UrgencyWithoutReason("an urgent convocation states its reason")
    return typed(Typed.URGENCY_REASON, urgency)


@dataclass(frozen=True)
class LateDelivery:
    """A member first reached by the convocation with fewer clear days than it owes."""

    member: str
    delivered_at: datetime
    clear_days: int
    """Clear days it had before the meeting (0 when reached the day before or the same day)."""


def late_deliveries(
    members: Sequence[str],
    deliveries: Sequence[ConvocationDelivery],
    starts_at: datetime,
    owed: int,
    zone: ZoneInfo,
) -> tuple[LateDelivery, ...]:
    """The members whose first copy of the convocation arrived too late for ``owed`` clear
    days, in ``members`` order.

    A member's notice runs from the first of its people to receive the convocation: a
    re-sending (``/convoquer`` again) reaches the others later, and only the first arrival
    says when the member was convened.
    """
    first: dict[str, datetime] = {}
    for delivery in deliveries:
        at = delivery.delivered_at
        if at is not None and (
            delivery.participant_id not in first or at < first[delivery.participant_id]
        ):
            first[delivery.participant_id] = at
    late = []
    for member in members:
        at = first.get(member)
        if at is None:
            continue
        clear = clear_days_between(at, starts_at, zone)
        if clear < owed:
            late.append(LateDelivery(member, at, max(clear, 0)))
    return tuple(late)
