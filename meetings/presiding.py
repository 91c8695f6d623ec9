"""Who presides a session, and what its opening must rule on before any other business.

Pure rules over what the stores hold. The planned chair presides only if its member is
present at the opening (a member represented by proxy is absent: the holder of its proxy votes
for it, nobody presides for it); otherwise a chair for the session is designated among the
members present (by the coordinator, or by a vote where the instance's rules ask for one),
and that chair signs the minutes and holds the casting vote. A session convened in urgency
first rules on the urgency (CGCT L2121-11); if the urgency is not recognised, the session can
only be adjourned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from meetings.meeting import (
    ChairDesignation,
    MeetingPlan,
    OpeningRulingPending,
    RulingSubject,
    UrgencyRejected,
)
from voting.ballot import Ballot, BallotState
from voting.tally import Outcome


def chair_absent(plan: MeetingPlan, present: Iterable[str]) -> bool:
    """Whether the planned chair's member is not present (represented is not present)."""
    chair = plan.chair
    return chair is not None and chair not in frozenset(present)


@dataclass(frozen=True)
class ActingChair:
    """Who presides the session: the planned chair, or the one designated in its absence."""

    member_id: str | None
    person_name: str | None
    designation: ChairDesignation | None
    """Set when the chair was designated in the session, in the absence of ``planned``."""
    planned: str | None
    """The planned chair's member."""


def acting_chair(plan: MeetingPlan, designation: ChairDesignation | None) -> ActingChair:
    if designation is None:
        return ActingChair(plan.chair, plan.chair_name, None, plan.chair)
    return ActingChair(designation.member_id, designation.person_name, designation, plan.chair)


class UrgencyRuling(StrEnum):
    """Where the ruling on the urgency stands."""

    NOT_HELD = "not_held"
    OPEN = "open"
    RECOGNISED = "recognised"
    NOT_RECOGNISED = "not_recognised"


def urgency_void(ballot: Ballot) -> bool:
    """A ballot on the urgency closed without quorum: the instance did not rule."""
    closed = ballot.state is BallotState.CLOSED and ballot.result is not None
    return closed and ballot.result is not None and ballot.result.outcome is Outcome.NO_QUORUM


def urgency_ruling(ballot: Ballot | None) -> UrgencyRuling:
    """Where the ruling stands, from the ballot on the urgency (the latest, if any).

    A cancelled ballot, or one void for want of quorum, ruled on nothing: the vote is held
    again."""
    if ballot is None or ballot.state is BallotState.CANCELLED or urgency_void(ballot):
        return UrgencyRuling.NOT_HELD
    if ballot.state is not BallotState.CLOSED or ballot.result is None:
        return UrgencyRuling.OPEN
    if ballot.result.outcome is Outcome.ADOPTED:
        return UrgencyRuling.RECOGNISED
    return UrgencyRuling.NOT_RECOGNISED


class OpeningStep(StrEnum):
    CHAIR = "chair"
    """A chair for the session is to be designated by a vote."""
    URGENCY = "urgency"
    """The instance rules on the urgency."""
    BUSINESS = "business"
    """The agenda."""
    ADJOURN = "adjourn"
    """The urgency was not recognised: nothing else is decided."""


def opening_step(*, chair_pending: bool, urgent: bool, urgency: UrgencyRuling) -> OpeningStep:
    if chair_pending:
        return OpeningStep.CHAIR
    if urgent and urgency is UrgencyRuling.NOT_RECOGNISED:
        return OpeningStep.ADJOURN
    if urgent and urgency is not UrgencyRuling.RECOGNISED:
        return OpeningStep.URGENCY
    return OpeningStep.BUSINESS


def check_ballot_allowed(
    step: OpeningStep,
    subject: RulingSubject | None,
    urgency: UrgencyRuling,
    **details: object,
) -> None:
    """Refuse a ballot that the opening of the session does not allow now."""
    if step is OpeningStep.ADJOURN:
        raise UrgencyRejected("the urgency was not recognised: the session can only be adjourned")
    wanted = {OpeningStep.CHAIR: RulingSubject.CHAIR, OpeningStep.URGENCY: RulingSubject.URGENCY}
    expected = wanted.get(step)
    if step is OpeningStep.URGENCY and subject is None and urgency is UrgencyRuling.NOT_HELD:
        raise OpeningRulingPending(
            "the ruling on the urgency was cancelled", "urgency_again", **details
        )
    if subject is not expected:
        raise OpeningRulingPending(
            f"the opening rules on {step.value} first, not {subject}", step.value, **details
        )
    if subject is RulingSubject.URGENCY and urgency is UrgencyRuling.OPEN:
        raise OpeningRulingPending("the ruling on the urgency is open", step.value, **details)
