"""Designate a chair for the session, in the absence of the planned chair's member.

Permission: a coordinator of the groupement. The chair is a member present (before the
opening: one that replied it will sit), named with the person who presides. Where the
coordinator designates (the default), the designation is recorded at once, before the
opening or during the session (before the opening, a new designation replaces the previous
one; once the session is open, the chair designated presides to its end: it may already have
held the casting vote); where the instance's rules ask for a vote, the session is
opened first and the designation is put to a ballot, recorded when it is adopted
(:func:`settle_ruling`). The acting chair signs the minutes and holds the casting vote of the
ballots opened after its designation.
"""

from __future__ import annotations

from dataclasses import dataclass

from meetings.actions.actor import Actor
from meetings.actions.ballot_open import BallotOpened, open_ballot
from meetings.actions.session_open import open_urgency_ruling
from meetings.meeting import (
    ChairAlreadyDesignated,
    ChairByVote,
    ChairDesignation,
    ChairDesignationRule,
    ChairIsPresent,
    ChairNotPresent,
    Meeting,
    MeetingState,
    RulingSubject,
    SessionRuling,
    WrongMeetingState,
)
from meetings.opening import designation_rule
from meetings.presence import attendance_at, coming
from meetings.presiding import chair_absent
from meetings.services import Services
from meetings.texts import Typed, shows_something, typed
from meetings.wording.formats import name_of
from meetings.wording.i18n import DEFAULT_LANGUAGE, translator
from voting.ballot import Ballot
from voting.refusal import Refused
from voting.tally import Outcome, TallyResult


class ChairNameMissing(Refused):
    """The minutes are signed by a person: its name is part of the designation."""

    code = "chair_name_missing"


@dataclass(frozen=True)
class ChairDesignated:
    meeting: Meeting
    designation: ChairDesignation | None
    """Recorded at once where the coordinator designates."""
    ballot: BallotOpened | None
    """The ballot on the designation, where the instance votes on it."""
    urgency: BallotOpened | None = None
    """The ballot on the urgency, opened once the chair is designated in session."""


async def _check_not_designated(services: Services, meeting: Meeting) -> None:
    """Refuse to replace the chair designated for a session once it is open."""
    standing = await services.sessions.chair_designation(meeting.id)
    if standing is None:
        return
    groupement = services.governance.groupement(meeting.plan.groupement_id)
    raise ChairAlreadyDesignated(
        f"{standing.person_name!r} chairs meeting {meeting.id}",
        person=standing.person_name,
        member=name_of(groupement, standing.member_id),
    )


async def designate_chair(
    services: Services, actor: Actor, meeting_id: int, member_id: str, person_name: str
) -> ChairDesignated:
    person_name = " ".join(person_name.split())
    async with services.database.transaction():
        meeting = await services.meetings.get(meeting_id)
        actor.require_coordinator(meeting.plan.groupement_id)
        if meeting.state not in (MeetingState.CONVENED, MeetingState.IN_SESSION):
            raise WrongMeetingState(f"meeting {meeting_id} is {meeting.state}", meeting.state)
        if not shows_something(person_name):
            raise ChairNameMissing("the person who presides is named")
        person_name = typed(Typed.CHAIR_NAME, person_name)
        groupement = services.governance.groupement(meeting.plan.groupement_id)
        replies = await services.meetings.replies(meeting.id)
        events = await services.meetings.attendance_events(meeting.id)
        in_session = meeting.state is MeetingState.IN_SESSION
        then = attendance_at(events, meeting.session_opened_at).present if in_session else None
        at_opening = coming(replies) if then is None else then
        if not chair_absent(meeting.plan, at_opening):
            assert meeting.plan.chair is not None
            raise ChairIsPresent(
                f"{meeting.plan.chair!r} presides",
                chair=name_of(groupement, meeting.plan.chair),
            )
        if in_session:
            await _check_not_designated(services, meeting)
        present = attendance_at(events).present if in_session else at_opening
        if member_id not in present:
            raise ChairNotPresent(
                f"{member_id!r} is not present", member=name_of(groupement, member_id)
            )
        if designation_rule(services, meeting) is ChairDesignationRule.COORDINATOR:
            designation = await services.sessions.designate_chair(
                meeting.id, member_id, person_name, designated_by=actor.person_id
            )
            result = ChairDesignated(meeting, designation, None)
        elif not in_session:
            raise ChairByVote("the instance votes on its chair, in the session")
        else:
            result = ChairDesignated(meeting, None, None)
    if result.designation is not None:
        urgency = await open_urgency_ruling(services, actor, meeting) if in_session else None
        return ChairDesignated(meeting, result.designation, None, urgency)
    _ = translator(DEFAULT_LANGUAGE)
    question = _("Designation of {person} ({member}) as chair of the session").format(
        person=person_name, member=name_of(groupement, member_id)
    )
    ballot = await open_ballot(
        services,
        actor,
        meeting.plan.groupement_id,
        meeting.plan.instance_id,
        question,
        ruling=SessionRuling(0, RulingSubject.CHAIR, member_id, person_name),
    )
    return ChairDesignated(meeting, None, ballot)


async def settle_ruling(
    services: Services, ballot: Ballot, result: TallyResult, closed_by: str
) -> ChairDesignation | None:
    """Record the chair a ballot of the opening designated, if it was adopted.

    Called inside the transaction that closes the ballot, so the designation and the result
    are one.
    """
    ruling = await services.sessions.ruling_of(ballot.id)
    meeting_id = ballot.draft.meeting_id
    if ruling is None or ruling.subject is not RulingSubject.CHAIR or meeting_id is None:
        return None
    if result.outcome is not Outcome.ADOPTED:
        return None
    assert ruling.member_id is not None and ruling.person_name is not None
    return await services.sessions.designate_chair(
        meeting_id,
        ruling.member_id,
        ruling.person_name,
        designated_by=closed_by,
        ballot_id=ballot.id,
    )
