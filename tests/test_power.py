"""The power of a weight table: indices, blocking minorities, vetoes, against hand counts,
textbook games, brute force and the tally itself."""

from __future__ import annotations

import time
from decimal import Decimal
from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.electorate import Electorate
from voting.power import PowerError, WeightedGame, game_of, power_of
from voting.rules import (
    NO_QUORUM,
    SIMPLE_MAJORITY,
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
from voting.tally import AGAINST, FOR, Outcome, tally

SIMPLE = BallotRules(NO_QUORUM, SIMPLE_MAJORITY, tie=TieRule.REJECTED)
CHAIR_DECIDES = BallotRules(NO_QUORUM, SIMPLE_MAJORITY, tie=TieRule.CHAIR)

ENT_2022 = {
    "region": Decimal("4.5"),
    "cea": Decimal("2"),
    "moselle": Decimal("1.5"),
    **{d: Decimal("1") for d in ("ardennes", "aube", "marne", "hmarne", "mm", "meuse", "vosges")},
}


def _table(*weights: str) -> dict[str, Decimal]:
    return {chr(ord("a") + index): Decimal(w) for index, w in enumerate(weights)}


def test_three_two_two_quota_four_shares_power_equally() -> None:
    # 3 + 2 + 2 = 7, more than half is 4: any two members win, so each swings twice.
    report = power_of(game_of(_table("3", "2", "2"), SIMPLE, chair=None, secret=False))
    assert [p.swings for p in report.powers] == [2, 2, 2]
    assert [p.banzhaf for p in report.powers] == [Fraction(1, 3)] * 3
    assert [p.shapley_shubik for p in report.powers] == [Fraction(1, 3)] * 3
    assert report.blocking_size == 2 and report.blocking_count == 3
    assert report.vetoes == () and report.dictator is None


def test_textbook_game_51_of_49_48_3() -> None:
    # [51; 49, 48, 3]: the tiny member is as powerful as the two large ones.
    rules = BallotRules(
        NO_QUORUM, MajorityRule(MajorityBase.EXPRESSED, Threshold(51, 100, Comparison.AT_LEAST))
    )
    report = power_of(game_of(_table("49", "48", "3"), rules, chair=None, secret=False))
    assert [p.banzhaf for p in report.powers] == [Fraction(1, 3)] * 3
    assert [p.shapley_shubik for p in report.powers] == [Fraction(1, 3)] * 3


def test_a_member_with_half_the_weight_vetoes_and_with_the_casting_vote_decides() -> None:
    # 4, 2, 1, 1 (8), more than 4 to win. The 4 is in every winning coalition: it swings
    # for each of the 7 non-empty coalitions of the others; each other member swings only
    # with the 4 alone (6 > 4). Banzhaf 7/10 and 1/10; Shapley-Shubik: a small member is
    # pivotal right after the 4, in 1! 2! of 4! orderings = 1/12, the 4 has the rest, 3/4.
    table = _table("4", "2", "1", "1")
    report = power_of(game_of(table, SIMPLE, chair="a", secret=False))
    assert [p.swings for p in report.powers] == [7, 1, 1, 1]
    assert [p.banzhaf for p in report.powers] == [Fraction(7, 10)] + [Fraction(1, 10)] * 3
    assert [p.shapley_shubik for p in report.powers] == [Fraction(3, 4)] + [Fraction(1, 12)] * 3
    assert report.vetoes == ("a",) and report.dictator is None
    assert report.blocking_size == 1 and report.blocking_count == 1
    assert [c.members for c in report.blocking] == [("a",)]
    # With the chair's casting vote the 4 alone ties 4 to 4 and carries the motion.
    casting = power_of(game_of(table, CHAIR_DECIDES, chair="a", secret=False))
    assert casting.dictator == "a"
    assert [p.banzhaf for p in casting.powers] == [
        Fraction(1),
        Fraction(0),
        Fraction(0),
        Fraction(0),
    ]
    # A secret ballot has no casting vote: the 4 is back to a veto.
    secret = power_of(game_of(table, CHAIR_DECIDES, chair="a", secret=True))
    assert secret.dictator is None and secret.vetoes == ("a",)


def test_the_2022_ent_table_with_the_region_s_casting_vote() -> None:
    # 15 voices, more than 7.5 to win, the Région (chair) breaks a 7.5 to 7.5 tie.
    report = power_of(game_of(ENT_2022, CHAIR_DECIDES, chair="region", secret=False))
    by_member = {p.member: p for p in report.powers}
    assert by_member["region"].swings == 436
    assert by_member["region"].banzhaf == Fraction(109, 215)
    assert by_member["region"].shapley_shubik == Fraction(4, 9)
    assert by_member["cea"].banzhaf == Fraction(18, 215)
    assert by_member["cea"].shapley_shubik == Fraction(1, 9)
    assert by_member["moselle"].banzhaf == by_member["aube"].banzhaf == Fraction(11, 215)
    assert by_member["moselle"].shapley_shubik == Fraction(1, 18)
    assert report.vetoes == () and report.dictator is None
    # The Région, the CeA and one more member: 8 with the Moselle, 7.5 with the chair's
    # casting vote on the side of the against with any department of 1.
    assert report.blocking_size == 3 and report.blocking_count == 8
    assert report.blocking[0].members == ("region", "cea", "moselle")
    assert report.blocking[0].weight == Decimal("8")
    assert {c.weight for c in report.blocking[1:]} == {Decimal("7.5")}


def test_the_2022_ent_table_agrees_with_the_enumeration_of_its_1024_coalitions() -> None:
    for secret in (False, True):
        game = game_of(ENT_2022, CHAIR_DECIDES, chair="region", secret=secret)
        report = power_of(game)
        swings, shares, smallest, count = _brute_force(game)
        assert [p.swings for p in report.powers] == swings
        assert [p.shapley_shubik for p in report.powers] == shares
        assert (report.blocking_size, report.blocking_count) == (smallest, count)


def test_the_2022_ent_table_in_a_secret_ballot_has_no_casting_vote() -> None:
    report = power_of(game_of(ENT_2022, CHAIR_DECIDES, chair="region", secret=True))
    by_member = {p.member: p for p in report.powers}
    assert by_member["region"].banzhaf == Fraction(197, 479)
    assert by_member["region"].shapley_shubik == Fraction(23, 60)
    assert sum(p.shapley_shubik for p in report.powers) == 1


def test_weights_are_scaled_to_coprime_integers() -> None:
    game = game_of(ENT_2022, SIMPLE, chair=None, secret=False)
    assert game.units[:3] == (9, 4, 3) and game.total == 30 and game.unit == Decimal("0.5")
    with pytest.raises(PowerError):
        game_of({"a": Decimal("0")}, SIMPLE, chair=None, secret=False)


def test_five_hundred_communes_in_seconds() -> None:
    table = {f"commune-{i}": Decimal(1 + i % 3) for i in range(500)}
    started = time.perf_counter()
    report = power_of(game_of(table, CHAIR_DECIDES, chair="commune-0", secret=False))
    assert time.perf_counter() - started < 60
    assert sum(p.shapley_shubik for p in report.powers) == 1
    assert len(report.blocking) == 12


# --- against brute force and against the tally --------------------------------------------

THRESHOLDS = [
    Threshold(1, 2, Comparison.MORE_THAN),
    Threshold(1, 2, Comparison.AT_LEAST),
    Threshold(2, 3, Comparison.AT_LEAST),
    Threshold(2, 3, Comparison.MORE_THAN),
    Threshold(1, 3, Comparison.MORE_THAN),
    Threshold(1, 1, Comparison.AT_LEAST),
]


@st.composite
def games_st(draw: st.DrawFn) -> tuple[dict[str, Decimal], BallotRules, str | None, bool]:
    size = draw(st.integers(min_value=1, max_value=6))
    weights = draw(
        st.lists(
            st.sampled_from(["0.5", "1", "1.5", "2", "3", "4.5"]), min_size=size, max_size=size
        )
    )
    table = _table(*weights)
    basis = draw(st.sampled_from(list(QuorumBasis)))
    rules = BallotRules(
        quorum=QuorumRule(
            basis,
            None if basis is QuorumBasis.NONE else draw(st.sampled_from(THRESHOLDS)),
            draw(st.sampled_from([QuorumCounts.PRESENT, QuorumCounts.PRESENT_OR_REPRESENTED])),
        ),
        majority=MajorityRule(
            draw(st.sampled_from(list(MajorityBase))),
            draw(st.sampled_from(THRESHOLDS)),
            draw(st.booleans()),
        ),
        tie=draw(st.sampled_from([TieRule.REJECTED, TieRule.CHAIR])),
    )
    chair = draw(st.none() | st.sampled_from(sorted(table)))
    return table, rules, chair, draw(st.booleans())


def _coalitions(members: tuple[str, ...]) -> list[frozenset[str]]:
    return [frozenset(c) for size in range(len(members) + 1) for c in combinations(members, size)]


@settings(max_examples=150, deadline=None)
@given(games_st(), st.data())
def test_a_coalition_wins_exactly_when_the_tally_adopts(
    drawn: tuple[dict[str, Decimal], BallotRules, str | None, bool], data: st.DataObject
) -> None:
    table, rules, chair, secret = drawn
    game = game_of(table, rules, chair=chair, secret=secret)
    coalition = data.draw(st.sets(st.sampled_from(sorted(table))))
    everyone = Electorate(weights=table, present=frozenset(table))
    votes = {m: FOR if m in coalition else AGAINST for m in table}
    result = tally(everyone, votes, rules, chair=chair, secret=secret)
    assert game.coalition_wins(coalition) == (result.outcome is Outcome.ADOPTED)


def _brute_force(game: WeightedGame) -> tuple[list[int], list[Fraction], int, int]:
    members, n = game.members, game.size
    wins = {c: game.coalition_wins(c) for c in _coalitions(members)}
    swings, shares = [], []
    for member in members:
        raw, share = 0, Fraction(0)
        for coalition, won in wins.items():
            if member not in coalition and not won and wins[coalition | {member}]:
                raw += 1
                s = len(coalition)
                share += Fraction(_fact(s) * _fact(n - s - 1), _fact(n))
        swings.append(raw)
        shares.append(share)
    everyone = frozenset(members)
    blocking = [c for c in wins if not wins[everyone - c]]
    smallest = min(len(c) for c in blocking)
    return swings, shares, smallest, sum(1 for c in blocking if len(c) == smallest)


def _fact(n: int) -> int:
    result = 1
    for k in range(2, n + 1):
        result *= k
    return result


@settings(max_examples=150, deadline=None)
@given(games_st())
def test_the_counts_agree_with_brute_force(
    drawn: tuple[dict[str, Decimal], BallotRules, str | None, bool],
) -> None:
    table, rules, chair, secret = drawn
    game = game_of(table, rules, chair=chair, secret=secret)
    report = power_of(game)
    swings, shares, smallest, count = _brute_force(game)
    assert [p.swings for p in report.powers] == swings
    assert [p.shapley_shubik for p in report.powers] == shares
    assert (report.blocking_size, report.blocking_count) == (smallest, count)
    assert len(report.blocking) == min(count, 12)
    for coalition in report.blocking:
        assert not game.coalition_wins(set(table) - set(coalition.members))
        assert coalition.weight == sum(table[m] for m in coalition.members)
