"""Open the session of a convened meeting, on the day it was convened for.

Permission: a coordinator of the groupement. Attendance starts from the replies (present, by
video); after the commit the live quorum is posted to the groups that follow the instance. A
meeting nobody was convened to, or held on another day, could not deliberate validly: its
minutes would state a convocation that did not happen.
"""

from __future__ import annotations

from dataclasses import dataclass

from meetings.actions.actor import Actor
from meetings.delivery.meetings import post_quorum
from meetings.meeting import Meeting, MeetingState, NotConvened, NotItsDay
from meetings.quorum import LiveQuorum
from meetings.schedule import local_day
from meetings.scope import scope_of
from meetings.services import Services


@dataclass(frozen=True)
class SessionOpened:
    meeting: Meeting
    quorum: LiveQuorum | None
    """None for an instance that does not vote."""


async def open_session(services: Services, actor: Actor, meeting_id: int) -> SessionOpened:
    async with services.database.transaction():
        meeting = await services.meetings.get(meeting_id)
        actor.require_coordinator(meeting.plan.groupement_id)
        if meeting.state is not MeetingState.CONVENED:
            raise NotConvened(f"meeting {meeting_id} is {meeting.state}, not convened")
        scope = scope_of(services.governance, meeting)
        if local_day(services.clock(), scope.zone) != scope.day:
            raise NotItsDay(
                f"meeting {meeting_id} is convened for {scope.day}",
                starts_at=meeting.plan.starts_at,
                zone=scope.zone,
            )
        meeting = await services.meetings.open_session(meeting_id, frozenset(scope.advisory))
    return SessionOpened(meeting, await post_quorum(services, meeting, None))
