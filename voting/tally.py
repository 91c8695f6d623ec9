"""The weighted tally: from an electorate, its votes and the rules, to an outcome.

Pure functions only. Every amount is a :class:`~decimal.Decimal` and every
threshold is checked by cross-multiplication (:meth:`Threshold.is_met`), so a
result never depends on how a division rounds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from voting.electorate import Electorate, ElectorateError
from voting.rules import (
    BallotRules,
    Comparison,
    MajorityBase,
    MajorityRule,
    QuorumCounts,
    Threshold,
    TieRule,
)

FOR = "for"
AGAINST = "against"
ABSTAIN = "abstain"
BLANK = "blank"
"""An election's blank or spoilt vote: cast, but not expressed."""
NOT_EXPRESSED = frozenset({ABSTAIN, BLANK})
MOTION_OPTIONS: tuple[str, ...] = (FOR, AGAINST, ABSTAIN)


class TallyError(ValueError):
    """Votes that cannot be counted against this electorate."""


class Outcome(StrEnum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    NO_QUORUM = "no_quorum"


@dataclass(frozen=True)
class Count:
    """An amount of votes, in weight and in heads."""

    weight: Decimal = Decimal(0)
    heads: int = 0

    def __add__(self, other: Count) -> Count:
        return Count(self.weight + other.weight, self.heads + other.heads)


def count_of(members: Iterable[str], weights: Mapping[str, Decimal]) -> Count:
    chosen = list(members)
    return Count(sum((weights[m] for m in chosen), Decimal(0)), len(chosen))


@dataclass(frozen=True)
class QuorumReport:
    required: bool
    """False when the rule asks for none, or on a second convocation."""
    met: bool
    members: int
    weight: Decimal
    total_members: int
    total_weight: Decimal
    required_members: int | None
    required_weight: Decimal | None
    threshold: Threshold | None
    counts: QuorumCounts
    second_convocation: bool

    @property
    def short_of_members(self) -> bool:
        """The headcount was required and not reached."""
        return (
            self.required
            and self.threshold is not None
            and self.required_members is not None
            and not self.threshold.is_met(self.members, self.total_members)
        )

    @property
    def short_of_weight(self) -> bool:
        """The weight was required and not reached."""
        return (
            self.required
            and self.threshold is not None
            and self.required_weight is not None
            and not self.threshold.is_met(self.weight, self.total_weight)
        )


@dataclass(frozen=True)
class TallyResult:
    outcome: Outcome
    options: tuple[str, ...]
    totals: Mapping[str, Count]
    expressed: Count
    voted: Count
    electorate: Count
    present: Count
    represented: Count
    majority_base: Count
    majority_base_kind: MajorityBase
    threshold: Threshold
    required: Decimal
    """The weight the "for" total is compared against (for display; see ``threshold``)."""
    required_heads: int | None
    """The headcount a double majority needs, else None."""
    double_majority: bool
    quorum: QuorumReport
    tie: bool
    casting_vote_used: bool
    chair: str | None
    winner: str | None
    """The option carried: ``for`` for an adopted motion, the chosen name for a choice."""
    secret: bool
    written: bool = False
    """A written consultation: members take part, nobody is present and nobody presides."""
    election_round: int | None = None
    """The round (1, 2 or 3) of an election of a person; None for any other ballot."""
    tied: tuple[str, ...] = ()
    """The candidates tied for the most votes at an election's last round."""
    birth_dates: Mapping[str, date] = field(default_factory=dict)
    """The tied candidates' birth dates, once given: the oldest is elected."""
    decided_by_age: bool = False

    @property
    def is_motion(self) -> bool:
        return is_motion(self.options)

    @property
    def is_election(self) -> bool:
        return self.election_round is not None

    @property
    def candidates(self) -> tuple[str, ...]:
        return tuple(o for o in self.options if o not in NOT_EXPRESSED)

    @property
    def awaiting_ages(self) -> bool:
        """A tie at an election's last round, whose candidates' ages are not known yet."""
        return bool(self.tied) and self.winner is None and self.outcome is not Outcome.NO_QUORUM


def is_motion(options: Sequence[str]) -> bool:
    return set(options) == set(MOTION_OPTIONS)


def _check_votes(electorate: Electorate, votes: Mapping[str, str], options: Sequence[str]) -> None:
    problems: list[str] = []
    for member, option in votes.items():
        if member not in electorate.weights:
            problems.append(f"{member!r} is not in the electorate")
        elif not electorate.can_vote(member):
            problems.append(f"{member!r} is neither present nor represented")
        if option not in options:
            problems.append(f"{member!r} voted {option!r}, which is not among {list(options)}")
    if problems:
        raise TallyError("; ".join(problems))


def quorum_report(
    electorate: Electorate, rules: BallotRules, second_convocation: bool
) -> QuorumReport:
    """Quorum in figures for an electorate: also used live during a session."""
    rule = rules.quorum
    counted = set(electorate.present)
    if rule.counts is QuorumCounts.PRESENT_OR_REPRESENTED:
        counted |= electorate.represented
    amount = count_of(counted, electorate.weights)
    total_members = len(electorate.weights)
    total_weight = electorate.total_weight
    threshold = rule.threshold
    required = threshold is not None and not second_convocation
    met = True
    if threshold is not None and required:
        if rule.checks_members:
            met = met and threshold.is_met(amount.heads, total_members)
        if rule.checks_weight:
            met = met and threshold.is_met(amount.weight, total_weight)
    return QuorumReport(
        required=required,
        met=met,
        members=amount.heads,
        weight=amount.weight,
        total_members=total_members,
        total_weight=total_weight,
        required_members=(
            threshold.minimum_heads(total_members)
            if threshold is not None and rule.checks_members
            else None
        ),
        required_weight=(
            threshold.boundary(total_weight)
            if threshold is not None and rule.checks_weight
            else None
        ),
        threshold=threshold,
        counts=rule.counts,
        second_convocation=second_convocation,
    )


def _majority_base(kind: MajorityBase, expressed: Count, electorate: Electorate) -> Count:
    if kind is MajorityBase.EXPRESSED:
        return expressed
    if kind is MajorityBase.PRESENT_OR_REPRESENTED:
        return count_of(electorate.present | electorate.represented, electorate.weights)
    return count_of(electorate.members, electorate.weights)


def _passes(threshold: Threshold, carried: Count, base: Count, double: bool) -> bool:
    if carried.weight <= 0:
        return False
    weight_ok = threshold.is_met(carried.weight, base.weight)
    return weight_ok and (not double or threshold.is_met(carried.heads, base.heads))


def _splits_evenly(
    threshold: Threshold, leaders: Sequence[Count], base: Count, double: bool
) -> bool:
    """Whether the leading options share the votes equally and miss only by equality.

    That is the "partage égal des voix" that a casting vote may break; a motion
    that simply lacks votes is not a tie.
    """
    if len(leaders) < 2 or leaders[0].weight <= 0:
        return False
    if any(count.weight != leaders[0].weight for count in leaders):
        return False
    if threshold.comparison is not Comparison.MORE_THAN:
        return False
    if not threshold.is_boundary(leaders[0].weight, base.weight):
        return False
    if double:
        heads_split = all(count.heads == leaders[0].heads for count in leaders)
        heads_ok = threshold.is_met(leaders[0].heads, base.heads)
        return heads_ok or (heads_split and threshold.is_boundary(leaders[0].heads, base.heads))
    return True


def tally(
    electorate: Electorate,
    votes: Mapping[str, str],
    rules: BallotRules,
    *,
    options: Sequence[str] = MOTION_OPTIONS,
    secret: bool = False,
    chair: str | None = None,
    second_convocation: bool = False,
    written: bool = False,
) -> TallyResult:
    """Judge one ballot.

    ``votes`` maps each member (not each person) to its effective option. For a
    motion the options are ``for``/``against``/``abstain``; otherwise each
    option is a named choice and ``abstain`` is the only one not expressed.
    """
    _check_ballot(electorate, votes, rules, options)
    weights = electorate.weights
    totals = _option_totals(votes, options, weights)
    expressed = sum((totals[o] for o in _expressed_options(options)), Count())
    quorum = quorum_report(electorate, rules, second_convocation)
    majority = rules.majority
    base = _majority_base(majority.base, expressed, electorate)
    # Only a chair who sits presides: one represented by proxy, or absent, casts no deciding
    # vote, whoever passes it (the bot, ``scrutin tally``).
    sitting_chair = chair if chair in electorate.present else None
    decision = _decide(totals, options, base, rules, votes, secret=secret, chair=sitting_chair)
    outcome, decision = _apply_quorum(quorum, decision)
    return TallyResult(
        outcome=outcome,
        options=tuple(options),
        totals=totals,
        expressed=expressed,
        voted=count_of(votes, weights),
        electorate=count_of(electorate.members, weights),
        present=count_of(electorate.present, weights),
        represented=count_of(electorate.represented, weights),
        majority_base=base,
        majority_base_kind=majority.base,
        threshold=majority.threshold,
        required=majority.threshold.boundary(base.weight),
        required_heads=majority.threshold.minimum_heads(base.heads) if majority.double else None,
        double_majority=majority.double,
        quorum=quorum,
        tie=decision.tie,
        casting_vote_used=decision.casting_vote_used,
        chair=sitting_chair,
        winner=decision.winner,
        secret=secret,
        written=written,
    )


def _check_ballot(
    electorate: Electorate, votes: Mapping[str, str], rules: BallotRules, options: Sequence[str]
) -> None:
    try:
        electorate.check(rules.max_proxies_per_holder)
    except ElectorateError as error:
        raise TallyError(str(error)) from None
    if len(set(options)) != len(options) or len(options) < 2:
        raise TallyError(f"options {list(options)} must be at least two distinct names")
    _check_votes(electorate, votes, options)


def _option_totals(
    votes: Mapping[str, str], options: Sequence[str], weights: Mapping[str, Decimal]
) -> dict[str, Count]:
    return {
        option: count_of((m for m, v in votes.items() if v == option), weights)
        for option in options
    }


def _expressed_options(options: Sequence[str]) -> list[str]:
    """The options that count as expressed: all but ``abstain`` and ``blank``, in order."""
    if is_motion(options):
        return [FOR, AGAINST]
    return [o for o in options if o not in NOT_EXPRESSED]


@dataclass(frozen=True)
class _Decision:
    """What the votes alone decide, before the quorum has its say."""

    winner: str | None
    tie: bool
    casting_vote_used: bool


def _decide(
    totals: Mapping[str, Count],
    options: Sequence[str],
    base: Count,
    rules: BallotRules,
    votes: Mapping[str, str],
    *,
    secret: bool,
    chair: str | None,
) -> _Decision:
    majority = rules.majority
    expressed_options = _expressed_options(options)
    candidates = [FOR] if is_motion(options) else expressed_options
    winner = _majority_winner(candidates, totals, base, majority)
    if winner is not None:
        return _Decision(winner, tie=False, casting_vote_used=False)
    leaders = _leaders(expressed_options, totals)
    tie = _splits_evenly(majority.threshold, [totals[o] for o in leaders], base, majority.double)
    # Only an open ballot lets the chair's own vote be seen, and so break a tie; a written
    # consultation's coordinator stands in for the chair only where its rules say so.
    casting = rules.tie in (TieRule.CHAIR, TieRule.COORDINATOR)
    if tie and casting and not secret and chair is not None:
        chair_choice = votes.get(chair)
        if chair_choice in leaders:
            carried = chair_choice if chair_choice != AGAINST else None
            return _Decision(carried, tie=True, casting_vote_used=True)
    return _Decision(None, tie=tie, casting_vote_used=False)


def _majority_winner(
    candidates: Sequence[str], totals: Mapping[str, Count], base: Count, majority: MajorityRule
) -> str | None:
    """The one option that reaches the majority, if exactly one leads among those that do."""
    passing = [
        o for o in candidates if _passes(majority.threshold, totals[o], base, majority.double)
    ]
    # Several choices can pass a threshold below one half; the largest carries it.
    passing.sort(key=lambda o: (totals[o].weight, totals[o].heads), reverse=True)
    if not passing or (len(passing) > 1 and totals[passing[0]] == totals[passing[1]]):
        return None
    return passing[0]


def _leaders(expressed_options: Sequence[str], totals: Mapping[str, Count]) -> list[str]:
    """The expressed options with the most weight, in the options' order."""
    if not expressed_options:
        return []
    top = max(totals[o].weight for o in expressed_options)
    return [o for o in expressed_options if totals[o].weight == top]


def _apply_quorum(quorum: QuorumReport, decision: _Decision) -> tuple[Outcome, _Decision]:
    """Without the quorum nothing is carried, whatever the votes and the chair said."""
    if quorum.required and not quorum.met:
        return Outcome.NO_QUORUM, replace(decision, winner=None, casting_vote_used=False)
    return (Outcome.ADOPTED if decision.winner is not None else Outcome.REJECTED), decision
