"""A ballot's record and lifecycle: draft -> open -> closed, or cancelled.

Also the refusals a vote can meet. Each refusal has a stable ``code`` so that
an adapter (the Telegram bot, the CLI) can say it in the voter's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from voting.decision_rules import DecisionRule
from voting.election import candidates_of, elect
from voting.electorate import Electorate
from voting.refusal import Refused
from voting.rules import (
    BallotKind,
    BallotRules,
    Comparison,
    QuorumBasis,
    QuorumCounts,
    QuorumRule,
    Threshold,
)
from voting.tally import Outcome, TallyResult, tally


class BallotState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class BallotMode(StrEnum):
    MEETING = "meeting"
    """Held in a session: who is present comes from attendance."""
    WRITTEN = "written"
    """Consultation écrite: no meeting; valid only if half of the members take part."""


class VotingError(Refused):
    """A refused operation on a ballot or a vote. Nothing was written."""

    code = "voting_error"


class BallotNotFound(VotingError):
    code = "ballot_not_found"


class BallotNotOpen(VotingError):
    code = "ballot_not_open"


class DeadlinePassed(VotingError):
    code = "deadline_passed"


class NotInElectorate(VotingError):
    code = "not_in_electorate"


class NotEntitled(VotingError):
    code = "not_entitled"


class InvalidOption(VotingError):
    code = "invalid_option"


class VoteChangeNotAllowed(VotingError):
    code = "vote_change_not_allowed"


class InvalidTransition(VotingError):
    code = "invalid_transition"


class InvalidElectorate(VotingError):
    code = "invalid_electorate"


@dataclass(frozen=True)
class BallotDraft:
    groupement_id: str
    instance_id: str
    question: str
    kind: BallotKind
    options: tuple[str, ...]
    mode: BallotMode = BallotMode.MEETING
    allow_vote_change: bool = True
    deadline: datetime | None = None
    meeting_id: int | None = None
    created_by: str | None = None
    election_round: int | None = None
    """Set for an election of a person (CGCT L2122-7): its round, 1 to 3."""
    decision_rule: DecisionRule | None = None
    """The rule chosen for a consultation of all the members; None for an instance's ballot,
    judged by the rules of its instance."""


@dataclass(frozen=True)
class DeliberationNumber:
    """A decided motion's place among its groupement's deliberations of one (local) year."""

    year: int
    sequence: int

    def reference(self, instance_id: str) -> str:
        return f"{instance_id.upper()}-{self.year}-{self.sequence:02d}"


def takes_a_number(result: TallyResult) -> bool:
    """Only a motion the members decided becomes a deliberation: adopted or rejected. A
    choice between options, or a vote void for want of quorum, decides no motion."""
    return result.is_motion and result.outcome in (Outcome.ADOPTED, Outcome.REJECTED)


@dataclass(frozen=True)
class Ballot:
    id: int
    draft: BallotDraft
    state: BallotState
    created_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None
    cancelled_at: datetime | None
    rules: BallotRules | None
    weight_table_id: str | None
    electorate: Electorate | None
    chair: str | None
    second_convocation: bool
    result: TallyResult | None
    """Set at closing: the figures the ballot was judged with, as the store keeps them."""
    deliberation: DeliberationNumber | None = None
    """Given at the close to an adopted or rejected motion; never to a cancelled ballot."""

    @property
    def secret(self) -> bool:
        return self.draft.kind is BallotKind.SECRET

    @property
    def reference(self) -> str | None:
        """``COGOUV-2026-07``: how the chat, the chart and the minutes name the deliberation."""
        if self.deliberation is None:
            return None
        return self.deliberation.reference(self.draft.instance_id)

    @property
    def is_election(self) -> bool:
        return self.draft.election_round is not None

    def weight_of(self, member: str) -> Decimal:
        if self.electorate is None or member not in self.electorate.weights:
            raise NotInElectorate(f"{member!r} is not in the electorate of ballot {self.id}")
        return self.electorate.weights[member]


@dataclass(frozen=True)
class CastVote:
    """One row of a ballot's vote history."""

    id: int
    ballot_id: int
    member_id: str
    option: str
    """:data:`HIDDEN_CHOICE` once a secret ballot closed: nothing links a member to it."""
    cast_by: str
    cast_at: datetime | None
    """None once a secret ballot closed: times would line participation up with the box."""


HIDDEN_CHOICE = ""
"""The choice of a member in a closed secret ballot, which nothing on disk links it to."""


@dataclass(frozen=True)
class VoteReceipt:
    """What the voter is told once the vote is on disk."""

    vote: CastVote
    weight: Decimal
    previous_option: str | None
    code: str = ""
    """The receipt code of the vote's entry in the ballot's chain (:mod:`voting.ledger`)."""
    repeated: bool = False
    """The same press (callback query) came again: nothing was written, the answer is the
    first one's."""

    @property
    def changed(self) -> bool:
        return self.previous_option is not None and self.previous_option != self.vote.option


WRITTEN_CONSULTATION_QUORUM = QuorumRule(
    QuorumBasis.MEMBERS, Threshold(1, 2, Comparison.AT_LEAST), QuorumCounts.TAKING_PART
)
"""A written consultation is valid only if at least half of the members take part."""


def consultation_terms(
    electorate: Electorate, rules: BallotRules, votes: Mapping[str, str]
) -> tuple[Electorate, BallotRules]:
    """The electorate and rules a written consultation is judged by: taking part is what
    counts, so the voters stand in for the members present."""
    return (
        Electorate(electorate.weights, frozenset(votes), {}),
        replace(rules, quorum=WRITTEN_CONSULTATION_QUORUM, tie=rules.consultation_tie),
    )


def judge(ballot: Ballot, votes: Mapping[str, str]) -> TallyResult:
    """The result of ``ballot`` given its effective votes, from its frozen snapshot alone."""
    if ballot.electorate is None or ballot.rules is None:
        raise BallotNotOpen(f"ballot {ballot.id} was never opened", state=ballot.state.value)
    electorate, rules = ballot.electorate, ballot.rules
    written = ballot.draft.mode is BallotMode.WRITTEN
    if written:
        electorate, rules = consultation_terms(electorate, rules, votes)
    if ballot.draft.election_round is not None:
        return elect(
            electorate,
            votes,
            rules,
            candidates=candidates_of(ballot.draft.options),
            round_number=ballot.draft.election_round,
            second_convocation=ballot.second_convocation,
            written=written,
        )
    return tally(
        electorate,
        votes,
        rules,
        options=ballot.draft.options,
        secret=ballot.secret,
        chair=ballot.chair,
        second_convocation=ballot.second_convocation,
        written=written,
    )
