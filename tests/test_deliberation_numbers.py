"""Numbered deliberations: each adopted or rejected motion takes, at its close and in the same
transaction, the next number of its groupement's deliberations of the year; on a real SQLite
file, read back by a second connection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.clock import FakeClock
from tests.test_ballot_store import draft, opened
from tests.test_charts import NAMES_2022, render_ballot_figure, texts_of, worked_example
from tests.test_tally import WEIGHTS_2022
from voting.ballot import DeliberationNumber, takes_a_number
from voting.db import Database
from voting.electorate import Electorate
from voting.store import BallotStore
from voting.tally import Outcome

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def opened_database(database: Path | str, clock: FakeClock) -> AsyncIterator[Database]:
    opened = await Database.open(database, clock)
    yield opened
    await opened.close()


@pytest.fixture
async def store(opened_database: Database) -> BallotStore:
    ballots = BallotStore(opened_database)
    await ballots.migrate()
    return ballots


async def decided(store: BallotStore, option: str = "for", **changes: str) -> int:
    ballot_id = await opened(store, None, **changes)
    await store.cast(ballot_id, "region", option, cast_by="tg:1")
    await store.close(ballot_id, PARIS)
    return ballot_id


async def test_decided_motions_are_numbered_in_their_groupement_and_year(
    store: BallotStore, clock: FakeClock
) -> None:
    first = await decided(store, "for")
    second = await decided(store, "against")
    elsewhere = await decided(store, groupement_id="liaisons-internet", instance_id="ag")

    assert (await store.get(first)).deliberation == DeliberationNumber(2026, 1)
    assert (await store.get(second)).reference == "COGOUV-2026-02"
    assert (await store.get(elsewhere)).reference == "AG-2026-01"


async def test_the_year_is_the_groupements_local_year(store: BallotStore, clock: FakeClock) -> None:
    await decided(store)
    # 23 h 30 UTC on 31 December is already 1 January 2027 in Paris.
    clock.now = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    new_year = await decided(store)

    assert (await store.get(new_year)).reference == "COGOUV-2027-01"


async def test_cancelled_ballots_and_choices_take_no_number(
    store: BallotStore, clock: FakeClock
) -> None:
    cancelled = await opened(store)
    await store.cancel(cancelled)
    choice = await opened(store, options=("Option A", "Option B"))
    await store.cast(choice, "region", "Option A", cast_by="tg:1")
    await store.close(choice, PARIS)
    motion = await decided(store)

    assert (await store.get(cancelled)).deliberation is None
    assert (await store.get(choice)).deliberation is None
    assert (await store.get(motion)).reference == "COGOUV-2026-01"


async def test_a_motion_without_quorum_takes_no_number(
    store: BallotStore, clock: FakeClock
) -> None:
    nobody = Electorate(WEIGHTS_2022, frozenset({"region"}))
    ballot_id = await opened(store, nobody)
    await store.cast(ballot_id, "region", "for", cast_by="tg:1")
    ballot, result = await store.close(ballot_id, PARIS)

    assert result.outcome is Outcome.NO_QUORUM and not takes_a_number(result)
    assert ballot.deliberation is None


async def test_the_number_is_on_disk(store: BallotStore, database: Path | str) -> None:
    ballot_id = await decided(store)

    reopened = await Database.open(database)
    try:
        again = BallotStore(reopened)
        assert (await again.get(ballot_id)).reference == "COGOUV-2026-01"
        assert draft().instance_id == "cogouv"
    finally:
        await reopened.close()


def test_the_chart_names_the_deliberation() -> None:
    ballot, votes = worked_example()
    numbered = replace(ballot, deliberation=DeliberationNumber(2026, 7))

    texts = texts_of(render_ballot_figure(numbered, votes, NAMES_2022))
    unnumbered = texts_of(render_ballot_figure(ballot, votes, NAMES_2022))

    assert any(t.startswith("Délibération COGOUV-2026-07 — Scrutin public") for t in texts)
    assert not any("Délibération" in t for t in unnumbered)
