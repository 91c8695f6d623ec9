"""Tally growth: the tally of N members against summing their N weights, N from 10 to 10,000.

Both sides grow linearly; the ratio staying flat as N grows is what shows the tally linear.
"""

from __future__ import annotations

import time
from decimal import Decimal

from bench.measure import Compared, alternate
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
from voting.tally import MOTION_OPTIONS, tally

RULES = BallotRules(
    QuorumRule(
        QuorumBasis.MEMBERS_AND_WEIGHT,
        Threshold(1, 2, Comparison.AT_LEAST),
        QuorumCounts.PRESENT_OR_REPRESENTED,
    ),
    MajorityRule(MajorityBase.EXPRESSED, Threshold(1, 2, Comparison.MORE_THAN)),
    TieRule.CHAIR,
)


async def growth(members: int, repeats: int) -> Compared:
    """Seconds per tally of ``members`` against seconds per sum of their weights."""
    weights = {f"m{i:05d}": Decimal(i % 7 + 1) / 2 for i in range(members)}
    electorate = Electorate(weights, frozenset(weights))
    votes = {m: MOTION_OPTIONS[i % 3] for i, m in enumerate(weights)}
    rounds = max(1, 20_000 // members)

    async def bare() -> float:
        start = time.perf_counter()
        for _ in range(rounds):
            sum(weights.values(), Decimal(0))
        return (time.perf_counter() - start) / rounds

    async def project() -> float:
        start = time.perf_counter()
        for _ in range(rounds):
            tally(electorate, votes, RULES, chair="m00000")
        return (time.perf_counter() - start) / rounds

    return await alternate(bare, project, repeats=repeats)
