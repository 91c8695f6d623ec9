"""Move a meeting to another date and time.

Permission: a coordinator of the groupement. Moving a convened meeting is a new convocation:
its notice is checked again from now, the moment it is sent, and a move too late for the
ordinary notice is refused unless it is made urgent with its reason. The new convocation is
recorded and its reminders planned again in the same transaction; after the commit everyone
convened receives the full convocation for the new date, with its buttons and the updated
.ics (same UID, higher SEQUENCE), and the groups are told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from meetings.actions.actor import Actor
from meetings.delivery.audience import DeliveryReport
from meetings.delivery.convocations import deliver_convocation
from meetings.delivery.meetings import notify_groups
from meetings.meeting import DeliveryFailure, Meeting, MeetingState, PlanInThePast
from meetings.notice import Notice, check_notice, notice_for
from meetings.reminders import meeting_subject
from meetings.scope import scope_of
from meetings.services import Services


@dataclass(frozen=True)
class Moved:
    meeting: Meeting
    was_convened: bool
    told: int
    """People convened who received the new convocation (0 for a meeting not yet convened)."""
    notice: Notice
    """The notice the new date leaves, counted from now."""
    delivery: DeliveryReport | None = None
    """How the new convocation was delivered (None for a meeting not yet convened)."""
    unreached: tuple[tuple[str, DeliveryFailure], ...] = ()
    """Members none of whose people received the new convocation, and why."""


async def move_meeting(
    services: Services,
    actor: Actor,
    meeting_id: int,
    starts_at: datetime,
    urgency: str | None = None,
) -> Moved:
    """``urgency``: the stated reason of a move too late for the ordinary notice."""
    now = services.clock()
    if starts_at <= now:
        raise PlanInThePast("the meeting must start in the future")
    async with services.database.transaction():
        meeting = await services.meetings.get(meeting_id)
        actor.require_coordinator(meeting.plan.groupement_id)
        moved_from = meeting.plan.starts_at
        was_convened = meeting.state is MeetingState.CONVENED
        scope = scope_of(services.governance, meeting)
        notice = notice_for(scope, starts_at, now)
        reason = check_notice(notice, urgency) if was_convened else None
        meeting = await services.meetings.move(meeting_id, starts_at)
        if was_convened:
            meeting = await services.meetings.mark_convened(
                meeting_id, urgent=reason is not None, urgency_reason=reason
            )
            await services.reminders.drop_subject(meeting_subject(meeting.id), "meeting moved")
            await services.reminders.plan_meeting(
                scope.groupement.id,
                meeting.id,
                starts_at,
                scope.instance.reminder_days_before,
                scope.zone,
            )
    if not was_convened:
        return Moved(meeting, False, 0, notice)
    sent = await deliver_convocation(services, meeting, moved_from=moved_from)
    await notify_groups(services, meeting, moved=True)
    return Moved(
        meeting,
        True,
        sent.delivery.sent,
        notice,
        sent.delivery,
        sent.unreached,
    )
