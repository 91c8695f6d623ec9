"""Convene a meeting: check the notice (or the urgency and its reason), record the convocation,
plan its J-n reminders, then send each person convened the convocation, its buttons and .ics,
and put on record who received it and when.

Convening a meeting already convened sends the convocation in force again, only to those it
has not reached yet: its date and notice stay those of the first sending, and it is not made
urgent afterwards (a move to another date sends a new convocation, urgent if need be). It is
sent even when too late for the notice (a late convocation is better than none), and the
outcome names the members it reaches with fewer clear days than the convocation owes: the
minutes say so.

Permission: a coordinator of the groupement. The state change and the reminders are one
transaction; the sending follows the commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from meetings.actions.actor import Actor
from meetings.delivery.audience import DeliveryReport
from meetings.delivery.convocations import deliver_convocation
from meetings.meeting import (
    ConvenedWithoutUrgency,
    DeliveryFailure,
    Meeting,
    MeetingState,
    WrongMeetingState,
)
from meetings.notice import LateDelivery, check_notice, late_deliveries, notice_for, owed_notice
from meetings.scope import scope_of
from meetings.services import Services


@dataclass(frozen=True)
class Convened:
    meeting: Meeting
    delivery: DeliveryReport
    unrepresented: tuple[str, ...]
    """Members convened that nobody represents yet: no convocation could reach them."""
    again: bool = False
    """The meeting was already convened: only those not yet reached were sent it."""
    already_reached: int = 0
    """People who had the convocation already and were not sent it again."""
    unreached: tuple[tuple[str, DeliveryFailure], ...] = ()
    """Members none of whose people has received the convocation, and why."""
    late: tuple[LateDelivery, ...] = ()
    """Members this re-sending reached first, too late for the notice the convocation owes."""
    notice_owed: int = 0
    """Clear days the convocation in force owes (the urgent notice if it is urgent)."""


async def convene(
    services: Services, actor: Actor, meeting_id: int, urgency: str | None = None
) -> Convened:
    """``urgency`` is the stated reason of an urgent convocation, None for an ordinary one."""
    async with services.database.transaction():
        meeting = await services.meetings.get(meeting_id)
        actor.require_coordinator(meeting.plan.groupement_id)
        if meeting.state not in (MeetingState.PLANNED, MeetingState.CONVENED):
            raise WrongMeetingState(f"meeting {meeting_id} is {meeting.state}", meeting.state)
        again = meeting.state is MeetingState.CONVENED and bool(
            await services.meetings.convocations(meeting_id)
        )
        if again and urgency is not None and not meeting.urgent:
            raise ConvenedWithoutUrgency(
                f"meeting {meeting_id} is convened already, without urgency", number=meeting_id
            )
        if not again:
            scope = scope_of(services.governance, meeting)
            notice = notice_for(scope, meeting.plan.starts_at, services.clock())
            reason = check_notice(notice, urgency)
            meeting = await services.meetings.mark_convened(
                meeting_id, urgent=reason is not None, urgency_reason=reason
            )
            await services.reminders.plan_meeting(
                scope.groupement.id,
                meeting.id,
                meeting.plan.starts_at,
                scope.instance.reminder_days_before,
                scope.zone,
            )
    reached_before = await _reached_members(services, meeting_id) if again else set()
    sent = await deliver_convocation(services, meeting, only_unreached=again)
    unrepresented = tuple(
        m for m, why in sent.unreached if why is DeliveryFailure.NO_REPRESENTATIVE
    )
    scope = scope_of(services.governance, meeting)
    owed = owed_notice(scope, sent.convocation.urgent)
    late = late_deliveries(
        scope.members,
        await services.meetings.deliveries(sent.convocation.id),
        sent.convocation.starts_at,
        owed,
        scope.zone,
    )
    return Convened(
        meeting,
        sent.delivery,
        unrepresented,
        again=again,
        already_reached=sent.already_reached,
        unreached=sent.unreached,
        late=tuple(item for item in late if item.member not in reached_before),
        notice_owed=owed,
    )


async def _reached_members(services: Services, meeting_id: int) -> set[str]:
    """The members the convocation in force has reached already."""
    in_force = (await services.meetings.convocations(meeting_id))[-1]
    return {
        d.participant_id for d in await services.meetings.deliveries(in_force.id) if d.delivered
    }
