"""The opening of a session as the stores hold it: who presides, and what is still to rule on.

Reads the meeting's replies, attendance at the opening, the chair designated and the ballots of
the opening, and applies the rules of :mod:`meetings.presiding`. The opening of a ballot, the
closing of a ruling and the minutes ask here, so they agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from meetings.meeting import ChairDesignationRule, Meeting, RulingSubject, SessionRuling
from meetings.presence import attendance_at
from meetings.presiding import (
    ActingChair,
    OpeningStep,
    UrgencyRuling,
    acting_chair,
    chair_absent,
    opening_step,
    urgency_ruling,
)
from meetings.scope import scope_of
from meetings.services import Services
from voting.ballot import Ballot


@dataclass(frozen=True)
class OpeningState:
    chair: ActingChair
    chair_absent: bool
    """The planned chair's member was not present at the opening."""
    chair_pending: bool
    """A chair for the session is still to be designated by a vote."""
    urgency: UrgencyRuling
    urgency_ballot: Ballot | None
    step: OpeningStep


def designation_rule(services: Services, meeting: Meeting) -> ChairDesignationRule:
    instance = scope_of(services.governance, meeting).instance
    return ChairDesignationRule(instance.chair_designation)


async def _latest_ruling(
    services: Services, rulings: list[SessionRuling], subject: RulingSubject
) -> Ballot | None:
    held = [r for r in rulings if r.subject is subject]
    return await services.ballots.get(held[-1].ballot_id) if held else None


async def opening_state(services: Services, meeting: Meeting) -> OpeningState:
    """Where the opening of a session (open or closed) stands."""
    events = await services.meetings.attendance_events(meeting.id)
    present = attendance_at(events, meeting.session_opened_at).present
    absent = chair_absent(meeting.plan, present)
    designation = await services.sessions.chair_designation(meeting.id)
    pending = (
        absent
        and designation is None
        and designation_rule(services, meeting) is ChairDesignationRule.VOTE
    )
    rulings = await services.sessions.rulings(meeting.id)
    ballot = await _latest_ruling(services, rulings, RulingSubject.URGENCY)
    urgency = urgency_ruling(ballot)
    voting = scope_of(services.governance, meeting).voting
    step = opening_step(chair_pending=pending, urgent=meeting.urgent and voting, urgency=urgency)
    return OpeningState(
        # A designation stands only where the planned chair was absent at the opening.
        acting_chair(meeting.plan, designation if absent else None),
        absent,
        pending,
        urgency,
        ballot,
        step,
    )
