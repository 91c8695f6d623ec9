"""Record an arrival or a departure during the session.

Permission: a representative for its own member, or a coordinator for anyone (a member or an
advisory participant). After the commit the live quorum is edited in the groups, with a
warning when it is lost or reached again. Departures go to the minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from meetings.actions.actor import Actor
from meetings.delivery.meetings import post_quorum
from meetings.meeting import Meeting, NotInThisMeeting
from meetings.quorum import live_quorum
from meetings.scope import scope_of
from meetings.services import Services
from meetings.wording.formats import name_of


@dataclass(frozen=True)
class PresenceRecorded:
    meeting: Meeting
    participant: str
    changed: bool
    """False when the participant was already in (or already out of) the session."""


async def record_presence(
    services: Services,
    actor: Actor,
    meeting_id: int,
    participant: str,
    *,
    arrived: bool,
    by_video: bool = False,
) -> PresenceRecorded:
    meeting = await services.meetings.get(meeting_id)
    scope = scope_of(services.governance, meeting)
    own = {seat.member_id for seat in actor.seats_in(scope.groupement.id)}
    if participant not in own:
        actor.require_coordinator(scope.groupement.id)
    if participant not in scope.members and participant not in scope.advisory:
        raise NotInThisMeeting(
            f"{participant!r} takes no part in meeting {meeting_id}",
            member=name_of(scope.groupement, participant),
        )
    before = await live_quorum(services, meeting)
    changed = await services.meetings.record(
        meeting_id,
        participant,
        arrived=arrived,
        recorded_by=actor.person_id,
        advisory=participant in scope.advisory,
        by_video=by_video,
    )
    if changed:
        await post_quorum(services, meeting, before.report.met if before else None)
    return PresenceRecorded(meeting, participant, changed)
