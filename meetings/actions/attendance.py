"""Record an arrival or a departure during the session.

Permission: a representative for its own member, or a coordinator for anyone (a member or an
advisory participant). After the commit the live quorum is edited in the groups, with a
warning when it is lost or reached again. Departures go to the minutes.

:func:`sitting_for` finds which session and which participant a check-in is about, from what
the person typed: a meeting's number, a member's id, or nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from meetings.actions.actor import Actor
from meetings.actions.lookups import meetings_in
from meetings.delivery.meetings import post_quorum
from meetings.meeting import Meeting, MeetingState, NotInThisMeeting
from meetings.quorum import live_quorum
from meetings.scope import scope_of
from meetings.services import Services
from meetings.wording.formats import name_of
from voting.refusal import Refused


class NoSessionOpen(Refused):
    code = "no_session_open"


class SeveralSessions(Refused):
    """Checking in to the wrong session would skew its quorum and its minutes: name it."""

    code = "several_sessions"


class UnknownParticipant(Refused):
    code = "unknown_participant"


class NoSeatHere(Refused):
    """The person represents no member of the groupement holding the session."""

    code = "no_seat_here"


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


async def _sessions_for(
    services: Services, actor: Actor, number: int | None, named: str | None
) -> list[Meeting]:
    sessions = await meetings_in(services, actor.groupements, (MeetingState.IN_SESSION,))
    if number is not None:
        return [m for m in sessions if m.id == number]
    if named is not None:
        # A coordinator naming a member: the sessions that member takes part in.
        return [
            m
            for m in sessions
            if actor.coordinates(m.plan.groupement_id) and _takes_part(services, m, named)
        ] or sessions
    seated = {seat.groupement_id for seat in actor.seats}
    return [m for m in sessions if m.plan.groupement_id in seated] or sessions


def _takes_part(services: Services, meeting: Meeting, participant: str) -> bool:
    scope = scope_of(services.governance, meeting)
    return participant in scope.members or participant in scope.advisory


async def sitting_for(
    services: Services, actor: Actor, number: int | None, named: str | None
) -> tuple[Meeting, str]:
    """The open session and the participant a check-in (or a departure) is about.

    ``number`` names the meeting when several sessions are open; ``named`` a participant a
    coordinator checks in for; without it, the person checks in for its own member.
    """
    sessions = await _sessions_for(services, actor, number, named)
    if not sessions:
        raise NoSessionOpen("no session is open")
    if len(sessions) > 1:
        raise SeveralSessions(
            f"{len(sessions)} sessions are open",
            first=sessions[0].id,
            sessions=[m.id for m in sessions],
        )
    meeting = sessions[0]
    groupement = services.governance.groupement(meeting.plan.groupement_id)
    if named is None:
        seats = actor.seats_in(groupement.id)
        if not seats:
            raise NoSeatHere(f"{actor.person_id} sits for no member of {groupement.id!r}")
        return meeting, seats[0].member_id
    known = {m.id for m in groupement.members} | {a.id for a in groupement.advisory}
    if actor.coordinates(groupement.id) and named not in known:
        raise UnknownParticipant(f"no participant {named!r}", member=named)
    return meeting, named
