"""Properties of the tally that must hold for every electorate, vote and rule."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

from voting.electorate import Electorate
from voting.rules import (
    BallotRules,
    Comparison,
    MajorityBase,
    MajorityRule,
    QuorumBasis,
    QuorumCounts,
    QuorumRule,
    Threshold,
    TieRule,
)
from voting.tally import ABSTAIN, MOTION_OPTIONS, Outcome, TallyResult, tally

weights_st = st.decimals(min_value=Decimal("0.5"), max_value=Decimal("50"), places=1)
threshold_st = st.sampled_from(
    [
        Threshold(1, 2, Comparison.MORE_THAN),
        Threshold(1, 2, Comparison.AT_LEAST),
        Threshold(2, 3, Comparison.AT_LEAST),
        Threshold(3, 4, Comparison.AT_LEAST),
        Threshold(1, 3, Comparison.MORE_THAN),
        Threshold(1, 1, Comparison.AT_LEAST),
    ]
)


@st.composite
def rules_st(draw: st.DrawFn, base: MajorityBase | None = None) -> BallotRules:
    basis = draw(st.sampled_from(list(QuorumBasis)))
    return BallotRules(
        quorum=QuorumRule(
            basis,
            None if basis is QuorumBasis.NONE else draw(threshold_st),
            draw(st.sampled_from(list(QuorumCounts))),
        ),
        majority=MajorityRule(
            base if base is not None else draw(st.sampled_from(list(MajorityBase))),
            draw(threshold_st),
            draw(st.booleans()),
        ),
        tie=draw(st.sampled_from(list(TieRule))),
    )


@st.composite
def ballots_st(
    draw: st.DrawFn, base: MajorityBase | None = None
) -> tuple[Electorate, dict[str, str], BallotRules, str | None, bool]:
    size = draw(st.integers(min_value=1, max_value=12))
    members = [f"m{i:02d}" for i in range(size)]
    weights = {m: draw(weights_st) for m in members}
    present: list[str] = draw(st.lists(st.sampled_from(members), unique=True))
    absent = [m for m in members if m not in present]
    givers: list[str] = draw(st.lists(st.sampled_from(absent), unique=True)) if absent else []
    holders: list[str] = draw(st.permutations(present))
    # One proxy at most per holder, as the default limit says.
    proxies = dict(zip(givers, holders, strict=False))
    voters = present + list(proxies)
    voting: list[str] = draw(st.lists(st.sampled_from(voters), unique=True)) if voters else []
    votes = {m: draw(st.sampled_from(MOTION_OPTIONS)) for m in voting}
    chair = draw(st.sampled_from([None, *members]))
    secret = draw(st.booleans())
    return (
        Electorate(weights, frozenset(present), proxies),
        votes,
        draw(rules_st(base)),
        chair,
        secret,
    )


Ballot = tuple[Electorate, dict[str, str], BallotRules, str | None, bool]


def judge(ballot: Ballot) -> TallyResult:
    electorate, votes, rules, chair, secret = ballot
    return tally(electorate, votes, rules, chair=chair, secret=secret)


@settings(max_examples=300)
@given(ballots_st(base=MajorityBase.EXPRESSED), st.data())
def test_adding_an_abstention_never_changes_an_expressed_outcome(
    ballot: Ballot, data: st.DataObject
) -> None:
    electorate, votes, rules, chair, secret = ballot
    silent = [m for m in electorate.members if electorate.can_vote(m) and m not in votes]
    before = judge(ballot)
    if not silent:
        return
    member = data.draw(st.sampled_from(silent))
    after = tally(electorate, {**votes, member: ABSTAIN}, rules, chair=chair, secret=secret)
    assert after.outcome is before.outcome
    assert after.casting_vote_used is before.casting_vote_used
    assert after.expressed == before.expressed


@settings(max_examples=300)
@given(ballots_st(), st.sampled_from([Decimal("2"), Decimal("0.5"), Decimal("3"), Decimal("1.7")]))
def test_scaling_every_weight_never_changes_any_outcome(ballot: Ballot, factor: Decimal) -> None:
    electorate, votes, rules, chair, secret = ballot
    scaled = replace(electorate, weights={m: w * factor for m, w in electorate.weights.items()})
    before = judge(ballot)
    after = tally(scaled, votes, rules, chair=chair, secret=secret)
    assert after.outcome is before.outcome
    assert after.casting_vote_used is before.casting_vote_used
    assert after.quorum.met is before.quorum.met
    assert after.totals["for"].weight == before.totals["for"].weight * factor


@settings(max_examples=300)
@given(ballots_st(), st.randoms())
def test_permuting_members_never_changes_anything(ballot: Ballot, random: Random) -> None:
    electorate, votes, rules, chair, secret = ballot
    order = list(electorate.members)
    random.shuffle(order)
    shuffled = replace(electorate, weights={m: electorate.weights[m] for m in order})
    reordered_votes = dict(sorted(votes.items(), reverse=True))
    assert tally(shuffled, reordered_votes, rules, chair=chair, secret=secret) == judge(ballot)


@settings(max_examples=300)
@given(ballots_st())
def test_options_add_up_to_the_weight_that_voted(ballot: Ballot) -> None:
    electorate, votes, *_ = ballot
    result = judge(ballot)
    total = sum((c.weight for c in result.totals.values()), Decimal(0))
    heads = sum(c.heads for c in result.totals.values())
    assert total == result.voted.weight == sum((electorate.weights[m] for m in votes), Decimal(0))
    assert heads == result.voted.heads == len(votes)


@settings(max_examples=300)
@given(ballots_st())
def test_outcome_is_consistent_with_quorum_and_casting_vote(ballot: Ballot) -> None:
    _electorate, votes, rules, chair, secret = ballot
    result = judge(ballot)
    if result.quorum.required and not result.quorum.met:
        assert result.outcome is Outcome.NO_QUORUM
    if result.casting_vote_used:
        assert not secret and rules.tie is TieRule.CHAIR and chair in votes
    if secret:
        assert not result.casting_vote_used
    if result.outcome is Outcome.ADOPTED:
        assert result.totals["for"].weight > 0
