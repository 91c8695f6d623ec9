"""Move a meeting to another date and time.

Permission: a coordinator of the groupement. A convened meeting keeps its convocation: its
reminders are planned again for the new date in the same transaction, and after the commit
everyone convened is told, with the updated .ics (same UID, higher SEQUENCE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from meetings.actions.actor import Actor
from meetings.delivery.meetings import notify_change
from meetings.meeting import Meeting, MeetingState, PlanInThePast
from meetings.notice import Notice, notice_for
from meetings.reminders import meeting_subject
from meetings.scope import scope_of
from meetings.services import Services


@dataclass(frozen=True)
class Moved:
    meeting: Meeting
    was_convened: bool
    told: int
    """People convened who were told (0 for a meeting not yet convened)."""
    notice: Notice
    """The notice the new date leaves, counted from today."""


async def move_meeting(
    services: Services, actor: Actor, meeting_id: int, starts_at: datetime
) -> Moved:
    now = services.clock()
    if starts_at <= now:
        raise PlanInThePast("the meeting must start in the future")
    async with services.database.transaction():
        meeting = await services.meetings.get(meeting_id)
        actor.require_coordinator(meeting.plan.groupement_id)
        was_convened = meeting.state is MeetingState.CONVENED
        meeting = await services.meetings.move(meeting_id, starts_at)
        scope = scope_of(services.governance, meeting)
        if was_convened:
            await services.reminders.drop_subject(meeting_subject(meeting.id), "meeting moved")
            await services.reminders.plan_meeting(
                scope.groupement.id,
                meeting.id,
                starts_at,
                scope.instance.reminder_days_before,
                scope.zone,
            )
    told = await notify_change(services, meeting, moved=True) if was_convened else 0
    return Moved(meeting, was_convened, told, notice_for(scope, starts_at, now))
