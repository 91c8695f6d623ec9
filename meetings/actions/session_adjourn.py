"""Close (lever) the session of a meeting, once its ballots are closed.

Permission: a coordinator of the groupement. After the commit the groups are told.
"""

from __future__ import annotations

from meetings.actions.actor import Actor
from meetings.delivery.meetings import announce_session_closed
from meetings.meeting import BallotsStillOpen, Meeting
from meetings.services import Services
from voting.ballot import BallotState


async def adjourn(services: Services, actor: Actor, meeting_id: int) -> Meeting:
    async with services.database.transaction():
        meeting = await services.meetings.get(meeting_id)
        actor.require_coordinator(meeting.plan.groupement_id)
        still_open = [
            ballot.id
            for ballot in await services.ballots.find(state=BallotState.OPEN, meeting_id=meeting_id)
        ]
        if still_open:
            raise BallotsStillOpen(
                f"ballots {still_open} of meeting {meeting_id} are open", ballots=still_open
            )
        meeting = await services.meetings.close_session(meeting_id)
    await announce_session_closed(services, meeting)
    return meeting
