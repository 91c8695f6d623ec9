"""Proxies during the session: a member that leaves gives its proxy to a member present, and a
giver revokes it.

Permission: a representative of the giver, or a coordinator. A proxy is given or revoked
until the ballot opens: ballots freeze their electorate when they open, so a change applies
to the ballots opened afterwards only. The holder is a member present that may still carry
one (the instance's limit, not a member that gave its own); both changes are recorded with
their time for the minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from meetings.actions.actor import Actor
from meetings.delivery.meetings import post_quorum
from meetings.meeting import (
    GiverSits,
    HolderAbsent,
    Meeting,
    MeetingState,
    NotAVotingInstance,
    NotInThisMeeting,
    ProxyNotHeld,
    SessionProxy,
    WrongMeetingState,
)
from meetings.presence import attendance_at, proxies_at
from meetings.quorum import live_quorum
from meetings.roster import ProxyProblem, ProxyRefused, proxy_problem
from meetings.scope import MeetingScope, scope_of
from meetings.services import Services
from meetings.wording.formats import name_of


@dataclass(frozen=True)
class SessionHolders:
    """The members present that may carry ``giver``'s proxy now, in the meeting's order."""

    meeting: Meeting
    scope: MeetingScope
    giver: str
    holders: tuple[str, ...]


@dataclass(frozen=True)
class SessionProxyRecorded:
    meeting: Meeting
    scope: MeetingScope
    change: SessionProxy


@dataclass(frozen=True)
class _Now:
    present: frozenset[str]
    proxies: dict[str, str]
    """The proxies in force that are exercised or may be: their giver does not sit."""


async def _session(
    services: Services, actor: Actor, meeting_id: int, giver: str
) -> tuple[Meeting, MeetingScope, _Now]:
    meeting = await services.meetings.get(meeting_id)
    scope = scope_of(services.governance, meeting)
    own = {seat.member_id for seat in actor.seats_in(scope.groupement.id)}
    if giver not in own:
        actor.require_coordinator(scope.groupement.id)
    if meeting.state is not MeetingState.IN_SESSION:
        raise WrongMeetingState(f"meeting {meeting_id} is {meeting.state}", meeting.state)
    if not scope.voting:
        raise NotAVotingInstance(f"{scope.instance.name} does not vote: no proxy to give")
    if giver not in scope.members:
        raise NotInThisMeeting(
            f"{giver!r} takes no part in meeting {meeting_id}",
            member=name_of(scope.groupement, giver),
        )
    replies = await services.meetings.replies(meeting_id)
    present = attendance_at(await services.meetings.attendance_events(meeting_id)).present
    changes = await services.sessions.session_proxies(meeting_id)
    proxies = {g: h for g, h in proxies_at(replies, changes).items() if g not in present}
    return meeting, scope, _Now(present, proxies)


def _problem(scope: MeetingScope, now: _Now, giver: str, holder: str) -> ProxyProblem | None:
    others = {g: h for g, h in now.proxies.items() if g != giver}
    return proxy_problem(giver, holder, others, frozenset(scope.members), scope.proxy_limit)


def _check_giver(scope: MeetingScope, now: _Now, giver: str) -> None:
    if giver in now.present:
        raise GiverSits(f"{giver!r} is in the session")
    if giver in now.proxies.values():
        raise ProxyRefused(ProxyProblem.GIVER_HOLDS_ONE)


async def session_holders(
    services: Services, actor: Actor, meeting_id: int, giver: str
) -> SessionHolders:
    """Who may carry ``giver``'s proxy now: members present, within the limit."""
    meeting, scope, now = await _session(services, actor, meeting_id, giver)
    _check_giver(scope, now, giver)
    holders = tuple(
        m for m in scope.members if m in now.present and _problem(scope, now, giver, m) is None
    )
    return SessionHolders(meeting, scope, giver, holders)


async def _quorum_was_met(services: Services, meeting_id: int) -> bool | None:
    live = await live_quorum(services, await services.meetings.get(meeting_id))
    return None if live is None else live.report.met


async def give_session_proxy(
    services: Services, actor: Actor, meeting_id: int, giver: str, holder: str
) -> SessionProxyRecorded:
    """Record the proxy; after the commit the groups' live quorum counts the giver again."""
    was_met = await _quorum_was_met(services, meeting_id)
    async with services.database.transaction():
        meeting, scope, now = await _session(services, actor, meeting_id, giver)
        _check_giver(scope, now, giver)
        if holder not in now.present:
            raise HolderAbsent(
                f"{holder!r} is not in the session", holder=name_of(scope.groupement, holder)
            )
        problem = _problem(scope, now, giver, holder)
        if problem is not None:
            raise ProxyRefused(problem)
        change = await services.sessions.record_proxy(
            meeting_id, giver, holder, recorded_by=actor.person_id
        )
    await post_quorum(services, meeting, was_met)
    return SessionProxyRecorded(meeting, scope, change)


async def revoke_session_proxy(
    services: Services, actor: Actor, meeting_id: int, giver: str
) -> SessionProxyRecorded:
    """Revoke the proxy ``giver`` gave (in writing or in the session) for the ballots to come;
    after the commit the groups' live quorum no longer counts the giver."""
    was_met = await _quorum_was_met(services, meeting_id)
    async with services.database.transaction():
        meeting, scope, now = await _session(services, actor, meeting_id, giver)
        if giver not in now.proxies:
            raise ProxyNotHeld(
                f"{giver!r} has no proxy in force", member=name_of(scope.groupement, giver)
            )
        change = await services.sessions.record_proxy(
            meeting_id, giver, None, recorded_by=actor.person_id
        )
    await post_quorum(services, meeting, was_met)
    return SessionProxyRecorded(meeting, scope, change)
