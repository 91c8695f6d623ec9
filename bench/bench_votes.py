"""Benchmarks: the cost of recording a vote and of a tally, as ratios to a baseline.

Run with ``.venv/bin/python -m bench.bench_votes``. Each figure is measured in the same run
as its baseline, so the ratios stay meaningful on a noisy machine:

- recording a vote (checks + append-only insert in one ``BEGIN IMMEDIATE`` transaction)
  against a bare ``INSERT`` + ``COMMIT`` on the same database file;
- tallying 300 members against summing their 300 weights.

Goals: a vote costs at most 4 bare inserts; a 300-member tally at most 60 bare sums.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path

from voting.ballot import BallotDraft, BallotMode
from voting.db import Database
from voting.electorate import Electorate
from voting.rules import (
    BallotKind,
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
from voting.store import BallotStore
from voting.tally import MOTION_OPTIONS, tally

VOTES = 400
MEMBERS = 300
RULES = BallotRules(
    QuorumRule(
        QuorumBasis.MEMBERS_AND_WEIGHT,
        Threshold(1, 2, Comparison.AT_LEAST),
        QuorumCounts.PRESENT_OR_REPRESENTED,
    ),
    MajorityRule(MajorityBase.EXPRESSED, Threshold(1, 2, Comparison.MORE_THAN)),
    TieRule.CHAIR,
)


async def _timed(action: Callable[[int], Awaitable[object]], count: int) -> float:
    start = time.perf_counter()
    for index in range(count):
        await action(index)
    return time.perf_counter() - start


async def vote_ratio(directory: Path) -> float:
    database = await Database.open(directory / "bench.db")
    store = BallotStore(database)
    await store.migrate()
    weights = {f"m{i:03d}": Decimal("1.5") for i in range(MEMBERS)}
    draft = await store.create(
        BallotDraft("g", "i", "Question", BallotKind.PUBLIC, MOTION_OPTIONS, BallotMode.WRITTEN)
    )
    await store.open(
        draft.id,
        electorate=Electorate(weights, frozenset(weights)),
        rules=RULES,
        weight_table_id=None,
    )
    members = list(weights)
    await database.connection.execute("CREATE TABLE baseline (a TEXT, b TEXT)")

    async def bare(index: int) -> None:
        await database.connection.execute("BEGIN IMMEDIATE")
        await database.connection.execute(
            "INSERT INTO baseline VALUES (?, ?)", (members[index % MEMBERS], "for")
        )
        await database.connection.execute("COMMIT")

    async def cast(index: int) -> None:
        option = MOTION_OPTIONS[index % 3]
        await store.cast(draft.id, members[index % MEMBERS], option, cast_by="bench")

    baseline = await _timed(bare, VOTES)
    measured = await _timed(cast, VOTES)
    await database.close()
    return measured / baseline


def tally_ratio() -> float:
    weights = {f"m{i:03d}": Decimal(i % 7 + 1) / 2 for i in range(MEMBERS)}
    electorate = Electorate(weights, frozenset(weights))
    votes = {m: MOTION_OPTIONS[i % 3] for i, m in enumerate(weights)}
    rounds = 50
    start = time.perf_counter()
    for _ in range(rounds):
        sum(weights.values(), Decimal(0))
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(rounds):
        tally(electorate, votes, RULES, chair="m000")
    return (time.perf_counter() - start) / baseline


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        ratio = asyncio.run(vote_ratio(Path(directory)))
    print(f"record a vote / bare insert+commit: {ratio:.2f} (goal <= 4)")
    print(f"tally of {MEMBERS} members / sum of their weights: {tally_ratio():.1f} (goal <= 60)")


if __name__ == "__main__":
    main()
