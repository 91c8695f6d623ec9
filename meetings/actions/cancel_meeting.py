"""Cancel a meeting that has not held its session.

Permission: a coordinator of the groupement. Its reminders are dropped in the same
transaction; after the commit everyone convened is told, with a cancelling .ics.
"""

from __future__ import annotations

from dataclasses import dataclass

from meetings.actions.actor import Actor
from meetings.delivery.meetings import notify_change
from meetings.meeting import Meeting, MeetingState
from meetings.reminders import meeting_subject
from meetings.services import Services


@dataclass(frozen=True)
class MeetingCancelled:
    meeting: Meeting
    told: int


async def cancel_meeting(services: Services, actor: Actor, meeting_id: int) -> MeetingCancelled:
    async with services.database.transaction():
        meeting = await services.meetings.get(meeting_id)
        actor.require_coordinator(meeting.plan.groupement_id)
        was_convened = meeting.state is MeetingState.CONVENED
        meeting = await services.meetings.cancel(meeting_id)
        await services.reminders.drop_subject(meeting_subject(meeting.id), "meeting cancelled")
    told = await notify_change(services, meeting, moved=False) if was_convened else 0
    return MeetingCancelled(meeting, told)
