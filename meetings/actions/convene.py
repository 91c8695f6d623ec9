"""Convene a meeting: check the notice (or the urgency and its reason), record the convocation,
plan its J-n reminders, then send each person convened the convocation, its buttons and .ics.

Permission: a coordinator of the groupement. The state change and the reminders are one
transaction; the sending follows the commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from meetings.actions.actor import Actor
from meetings.delivery.audience import DeliveryReport
from meetings.delivery.meetings import send_convocations
from meetings.meeting import Meeting, MeetingState, WrongMeetingState
from meetings.notice import check_notice, notice_for
from meetings.recipients import recipients, unrepresented
from meetings.scope import scope_of
from meetings.services import Services


@dataclass(frozen=True)
class Convened:
    meeting: Meeting
    delivery: DeliveryReport
    unrepresented: tuple[str, ...]
    """Members convened that nobody represents yet: no convocation could reach them."""


async def convene(
    services: Services, actor: Actor, meeting_id: int, urgency: str | None = None
) -> Convened:
    """``urgency`` is the stated reason of an urgent convocation, None for an ordinary one."""
    async with services.database.transaction():
        meeting = await services.meetings.get(meeting_id)
        actor.require_coordinator(meeting.plan.groupement_id)
        if meeting.state not in (MeetingState.PLANNED, MeetingState.CONVENED):
            raise WrongMeetingState(f"meeting {meeting_id} is {meeting.state}", meeting.state)
        scope = scope_of(services.governance, meeting)
        reason = check_notice(notice_for(scope, meeting.plan.starts_at, services.clock()), urgency)
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
    found = await recipients(services.roster, scope)
    delivery = await send_convocations(services, meeting, found)
    return Convened(meeting, delivery, tuple(unrepresented(scope, found)))
