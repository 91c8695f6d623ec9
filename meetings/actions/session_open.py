"""Open the session of a convened meeting, on the day it was convened for.

Permission: a coordinator of the groupement. Attendance starts from the replies (present, by
video); after the commit the live quorum is posted to the groups that follow the instance. A
meeting nobody was convened to, or held on another day, could not deliberate validly: its
minutes would state a convocation that did not happen.

The planned chair presides only if its member is present (represented by proxy, it is
absent). Otherwise, where
the coordinator designates the chair, the session opens only once a member present has been
designated (:mod:`meetings.actions.session_chair`); where the instance votes on it, the
session opens and its first ballot designates the chair. A session convened in urgency then
rules on the urgency: its ballot is opened at once, and nothing else opens until it closes.
"""

from __future__ import annotations

from dataclasses import dataclass

from meetings.actions.actor import Actor
from meetings.actions.ballot_open import BallotOpened, open_ballot
from meetings.delivery.meetings import post_quorum
from meetings.meeting import (
    ChairDesignationRule,
    ChairNotPresent,
    ChairToDesignate,
    Meeting,
    MeetingState,
    NotConvened,
    NotItsDay,
    RulingSubject,
    SessionRuling,
    WrongMeetingState,
)
from meetings.opening import designation_rule, opening_state
from meetings.presence import coming
from meetings.presiding import OpeningStep, UrgencyRuling, chair_absent
from meetings.quorum import LiveQuorum
from meetings.schedule import local_day
from meetings.scope import scope_of
from meetings.services import Services
from meetings.wording.formats import name_of
from meetings.wording.i18n import DEFAULT_LANGUAGE, translator


@dataclass(frozen=True)
class SessionOpened:
    meeting: Meeting
    quorum: LiveQuorum | None
    """None for an instance that does not vote."""
    urgency: BallotOpened | None = None
    """The ballot on the urgency, opened with the session of a meeting convened in urgency."""
    chair_vote_pending: bool = False
    """The planned chair is absent and the instance designates the session's chair by a vote."""


async def _check_chair(services: Services, meeting: Meeting) -> bool:
    """Refuse to open without a chair; True when the instance is to vote on one."""
    replies = await services.meetings.replies(meeting.id)
    present = coming(replies)
    if not chair_absent(meeting.plan, present):
        return False
    if designation_rule(services, meeting) is ChairDesignationRule.VOTE:
        return True
    groupement = services.governance.groupement(meeting.plan.groupement_id)
    designation = await services.sessions.chair_designation(meeting.id)
    if designation is None:
        assert meeting.plan.chair is not None
        raise ChairToDesignate(
            f"the chair {meeting.plan.chair!r} is not present",
            chair=name_of(groupement, meeting.plan.chair),
        )
    if designation.member_id not in present:
        raise ChairNotPresent(
            f"the designated chair {designation.member_id!r} is not present",
            member=name_of(groupement, designation.member_id),
        )
    return False


async def open_urgency_ruling(
    services: Services, actor: Actor, meeting: Meeting
) -> BallotOpened | None:
    """Open the ballot on the urgency, if the opening has come to it and it is not yet held."""
    opening = await opening_state(services, meeting)
    if opening.step is not OpeningStep.URGENCY or opening.urgency is not UrgencyRuling.NOT_HELD:
        return None
    _ = translator(DEFAULT_LANGUAGE)
    reason = (meeting.urgency_reason or "").strip() or _("not stated")
    question = _("Recognition of the urgency of the session ({reason})").format(reason=reason)
    return await open_ballot(
        services,
        actor,
        meeting.plan.groupement_id,
        meeting.plan.instance_id,
        question,
        ruling=SessionRuling(0, RulingSubject.URGENCY),
    )


async def open_session(services: Services, actor: Actor, meeting_id: int) -> SessionOpened:
    """Open the session; on a session already open whose ballot on the urgency was
    cancelled, open that ballot again (the opening goes on where it stopped)."""
    meeting = await services.meetings.get(meeting_id)
    if meeting.state is MeetingState.IN_SESSION:
        actor.require_coordinator(meeting.plan.groupement_id)
        resumed = await open_urgency_ruling(services, actor, meeting)
        if resumed is not None:
            return SessionOpened(meeting, None, resumed)
        raise WrongMeetingState(f"meeting {meeting_id} is in session", meeting.state)
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
        chair_vote = await _check_chair(services, meeting)
        meeting = await services.meetings.open_session(meeting_id, frozenset(scope.advisory))
    quorum = await post_quorum(services, meeting, None)
    urgency = await open_urgency_ruling(services, actor, meeting)
    return SessionOpened(meeting, quorum, urgency, chair_vote)
