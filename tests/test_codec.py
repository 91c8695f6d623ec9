"""The stored result reads back as the result that was stored."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_tally_properties import Ballot, ballots_st
from voting.codec import result_from_mapping, result_to_mapping
from voting.electorate import Electorate
from voting.rules import (
    BallotRules,
    Comparison,
    MajorityBase,
    MajorityRule,
    QuorumBasis,
    QuorumRule,
    Threshold,
    TieRule,
)
from voting.tally import ABSTAIN, AGAINST, FOR, MOTION_OPTIONS, TallyResult, tally

# The same ballots as a motion, as a choice with abstention, and as a choice without.
OPTION_SETS: tuple[tuple[tuple[str, ...], dict[str, str]], ...] = (
    (MOTION_OPTIONS, {}),
    (("lot-a", "lot-b", ABSTAIN), {FOR: "lot-a", AGAINST: "lot-b"}),
    (("lot-a", "lot-b", "lot-c"), {FOR: "lot-a", AGAINST: "lot-b", ABSTAIN: "lot-c"}),
)


def judged(ballot: Ballot, option_set: int, second_convocation: bool) -> TallyResult:
    electorate, votes, rules, chair, secret = ballot
    options, renamed = OPTION_SETS[option_set]
    return tally(
        electorate,
        {member: renamed.get(option, option) for member, option in votes.items()},
        rules,
        options=options,
        chair=chair,
        secret=secret,
        second_convocation=second_convocation,
    )


def stored_and_read_back(result: TallyResult) -> TallyResult:
    # Through JSON text, as the ballot store keeps it.
    text = json.dumps(result_to_mapping(result), ensure_ascii=False)
    return result_from_mapping(json.loads(text))


def at_most_ten_places(value: Decimal | None) -> bool:
    if value is None:
        return True
    exponent = value.normalize().as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -10


@settings(max_examples=400)
@given(ballots_st(), st.integers(min_value=0, max_value=len(OPTION_SETS) - 1), st.booleans())
def test_a_stored_result_reads_back_equal(
    ballot: Ballot, option_set: int, second_convocation: bool
) -> None:
    result = judged(ballot, option_set, second_convocation)
    back = stored_and_read_back(result)
    boundaries = (result.required, result.quorum.required_weight)
    if all(at_most_ten_places(boundary) for boundary in boundaries):
        assert back == result
        return
    # A boundary such as 2/3 of 16 does not end; the stored text keeps 10 places of it.
    for read, exact in zip((back.required, back.quorum.required_weight), boundaries, strict=True):
        assert (read is None) == (exact is None)
        if read is not None and exact is not None:
            assert abs(read - exact) <= Decimal("1e-10")
    unrounded = replace(
        back,
        required=result.required,
        quorum=replace(back.quorum, required_weight=result.quorum.required_weight),
    )
    assert unrounded == result


def test_a_non_terminating_boundary_is_stored_to_ten_places() -> None:
    weights = {f"m{index:02d}": Decimal(1) for index in range(16)}
    electorate = Electorate(weights, frozenset(weights), {})
    rules = BallotRules(
        quorum=QuorumRule(QuorumBasis.NONE, None),
        majority=MajorityRule(
            MajorityBase.ALL_MEMBERS, Threshold(2, 3, Comparison.AT_LEAST), double=False
        ),
        tie=TieRule.REJECTED,
    )
    result = tally(electorate, dict.fromkeys(weights, FOR), rules)
    assert result_to_mapping(result)["required"] == "10.6666666667"
    assert stored_and_read_back(result).required == Decimal("10.6666666667")
