"""Reply to a convocation: present, by video, excused, or a proxy given to another member.

Permission: a representative of the member (or of the advisory participant) replying. A reply
can change until the session opens; a proxy goes only to a member that may still receive one
(not itself, not an excused member, not a member that gave its own, not a holder at the
instance's limit), and only in an instance that votes.
"""

from __future__ import annotations

from dataclasses import dataclass

from meetings.actions.actor import Actor
from meetings.meeting import (
    Meeting,
    MeetingState,
    NotAVotingInstance,
    NotInThisMeeting,
    Reply,
    ReplyKind,
    WrongMeetingState,
)
from meetings.roster import ProxyProblem, ProxyRefused
from meetings.scope import MeetingScope, scope_of
from meetings.services import Services
from meetings.wording.formats import name_of
from voting.refusal import Refused


class NotYourMember(Refused):
    code = "not_your_member"


class RepliesClosed(Refused):
    """The session has opened: who sits is now recorded by check-ins."""

    code = "replies_closed"


class MeetingWasCancelled(Refused):
    code = "meeting_cancelled"


class NoHolderLeft(Refused):
    code = "no_proxy_holder_left"


class ForgedButton(Refused):
    """A button naming a position the meeting does not have: forged, or from another age."""

    code = "invalid_button"


@dataclass(frozen=True)
class ReplyRecorded:
    meeting: Meeting
    scope: MeetingScope
    reply: Reply


@dataclass(frozen=True)
class HolderChoice:
    """The members that may still receive ``giver``'s proxy, in the meeting's order."""

    meeting: Meeting
    scope: MeetingScope
    giver: str
    holders: tuple[str, ...]


async def participant_at(
    services: Services, meeting_id: int, index: int, *, advisory: bool = False
) -> tuple[Meeting, MeetingScope, str]:
    """The participant a convocation's button names by its position among the members (or
    the advisory participants) convened."""
    meeting = await services.meetings.get(meeting_id)
    scope = scope_of(services.governance, meeting)
    group = scope.advisory if advisory else scope.members
    if index >= len(group):
        raise ForgedButton(f"meeting {meeting_id} has no participant at {index}")
    return meeting, scope, group[index]


async def _answering_for(
    services: Services, actor: Actor, meeting: Meeting, participant: str
) -> MeetingScope:
    """The meeting's scope, once the actor is known to answer for a participant convened."""
    seats = await services.roster.representatives_of(meeting.plan.groupement_id, participant)
    if not any(seat.person_id == actor.person_id for seat in seats):
        raise NotYourMember(f"{actor.person_id} does not answer for {participant!r}")
    scope = scope_of(services.governance, meeting)
    if participant not in scope.members and participant not in scope.advisory:
        # A member gone, or an advisory participant of another instance: not convened here.
        raise NotInThisMeeting(
            f"{participant!r} takes no part in meeting {meeting.id}",
            member=name_of(scope.groupement, participant),
        )
    return scope


def _still_open(meeting: Meeting) -> None:
    if meeting.state in (MeetingState.IN_SESSION, MeetingState.CLOSED):
        raise RepliesClosed(f"meeting {meeting.id} is {meeting.state}")
    if meeting.state is MeetingState.CANCELLED:
        raise MeetingWasCancelled(f"meeting {meeting.id} is cancelled")


async def reply(
    services: Services,
    actor: Actor,
    meeting_id: int,
    participant: str,
    kind: ReplyKind,
    holder: str | None = None,
) -> ReplyRecorded:
    meeting = await services.meetings.get(meeting_id)
    scope = await _answering_for(services, actor, meeting, participant)
    if kind is ReplyKind.PROXY and not scope.voting:
        raise NotAVotingInstance(f"{scope.instance.name} does not vote: no proxy to give")
    _still_open(meeting)
    try:
        recorded = await services.meetings.reply(
            meeting_id,
            participant,
            kind,
            replied_by=actor.person_id,
            voting_members=frozenset(scope.members),
            max_proxies_per_holder=scope.proxy_limit,
            proxy_holder=holder,
        )
    except WrongMeetingState:
        # The session opened or the meeting was cancelled between the read and the write.
        _still_open(await services.meetings.get(meeting_id))
        raise
    return ReplyRecorded(meeting, scope, recorded)


async def proxy_holders(
    services: Services, actor: Actor, meeting_id: int, giver: str
) -> HolderChoice:
    """Who may carry ``giver``'s proxy now; refused if it holds one, or if nobody can."""
    meeting = await services.meetings.get(meeting_id)
    scope = await _answering_for(services, actor, meeting, giver)
    if not scope.voting:
        raise NotAVotingInstance(f"{scope.instance.name} does not vote: no proxy to give")
    _still_open(meeting)
    replies = await services.meetings.replies(meeting_id)
    if any(r.proxy_holder == giver for r in replies.values()):
        raise ProxyRefused(ProxyProblem.GIVER_HOLDS_ONE)
    holders = await services.meetings.eligible_holders(
        meeting_id, giver, scope.members, scope.proxy_limit
    )
    if not holders:
        raise NoHolderLeft(f"no member can receive the proxy of {giver!r}")
    return HolderChoice(meeting, scope, giver, tuple(holders))


async def current_reply(
    services: Services, actor: Actor, meeting_id: int, participant: str
) -> tuple[Meeting, MeetingScope, Reply | None]:
    """The participant's reply as it stands, for its representative to see its buttons again."""
    meeting = await services.meetings.get(meeting_id)
    scope = await _answering_for(services, actor, meeting, participant)
    replies = await services.meetings.replies(meeting_id)
    return meeting, scope, replies.get(participant)
