"""What a vote costs the database: an open ballot decoded once, two reads in the vote's
transaction, indexed lookups on every update, and /resultats that reads only what it shows."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

import voting.ballot_rows
import voting.store
from bot.harness import OfflineHarness, button_data
from meetings.actions.lookups import LATEST_RESULTS, results_seen
from meetings.services import Services
from tests.clock import FakeClock
from tests.conftest import COORDINATOR, COORDINATOR_ID, GROUP_CHAT, enrol_everyone, representative
from tests.test_ballot_store import opened
from tests.test_bot_ballots import bind_group, member_name, open_ballot, paper
from voting.ballot import BallotNotOpen, BallotState
from voting.db import Database
from voting.engines.sqlite import SqliteEngine
from voting.store import BallotStore


def _untraced(statement: str) -> None:
    """No tracing (aiosqlite's types take no None)."""


@asynccontextmanager
async def traced(database: Database) -> AsyncIterator[list[str]]:
    """Every statement both connections run meanwhile, as SQLite expands it."""
    statements: list[str] = []
    engine = database.engine
    assert isinstance(engine, SqliteEngine), "statements are traced on SQLite"
    connections = {id(c): c.raw for c in (engine.writer, engine.reader)}.values()
    for connection in connections:
        await connection.set_trace_callback(statements.append)
    try:
        yield statements
    finally:
        for connection in connections:
            await connection.set_trace_callback(_untraced)


def selects(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


async def plan(database: Database, statement: str) -> str:
    rows = await database.connection.execute_fetchall(f"EXPLAIN QUERY PLAN {statement}")
    return "\n".join(str(row[3]) for row in rows)


async def full_scans(database: Database, statements: list[str]) -> dict[str, str]:
    """The statements whose plan reads a whole table or sorts, with that plan."""
    found: dict[str, str] = {}
    for statement in selects(statements):
        steps = await plan(database, statement)
        if any(step.startswith("SCAN") or "TEMP B-TREE" in step for step in steps.splitlines()):
            found[" ".join(statement.split())] = steps
    return found


@pytest.fixture
def engine() -> str:
    """Statement traces and query plans are SQLite's."""
    return "sqlite"


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], int]]:
    """How many ballot rows the store has decoded from the database since the test began."""
    count = 0
    original = voting.ballot_rows.ballot_from_row

    def counting(row: object) -> object:
        nonlocal count
        count += 1
        return original(row)  # type: ignore[arg-type]

    monkeypatch.setattr(voting.store, "ballot_from_row", counting)
    yield lambda: count


async def press(harness: OfflineHarness, member: str, label: str) -> None:
    person = representative(member)
    message = paper(harness, person, member_name(harness.services, member))
    await harness.press(person, message, button_data(message, label))


def until_commit(statements: list[str]) -> list[str]:
    return statements[: statements.index("COMMIT") + 1]


async def test_a_press_reads_six_rows_before_its_vote_is_committed(
    harness: OfflineHarness, decodes: Callable[[], int]
) -> None:
    """Who asks (the update's inbox row, the person, what it coordinates, its seats), then in
    the vote's transaction the ledger's tip and the ballot's state: nothing else, and the open
    ballot's frozen electorate is not decoded again."""
    await bind_group(harness)
    await enrol_everyone(harness)
    await open_ballot(harness)
    await press(harness, "cea", "Pour")
    decoded = decodes()
    database = harness.services.database
    async with traced(database) as statements:
        await press(harness, "moselle", "Contre")
    recorded = until_commit(statements)
    assert "BEGIN IMMEDIATE" in recorded
    assert len(selects(recorded)) == 6, "\n".join(selects(recorded))
    # The participation shown to the group after the commit may read the ballot; the vote not.
    assert decodes() - decoded <= 1
    assert await full_scans(database, recorded) == {}


async def test_a_vote_decodes_its_open_ballot_once(
    store: BallotStore, decodes: Callable[[], int]
) -> None:
    ballot_id = await opened(store)
    await store.get_for_voting(ballot_id)
    decoded = decodes()
    async with traced(store.database) as statements:
        for member, option in (("cea", "for"), ("moselle", "against"), ("cea", "abstain")):
            await store.get_for_voting(ballot_id)
            await store.cast(ballot_id, member, option, cast_by=f"tg:{member}")
    assert decodes() == decoded
    # Per vote: the ledger's tip and the ballot's state and deadline, nothing more.
    assert len(selects(statements)) == 2 * 3, "\n".join(selects(statements))
    assert (await store.effective_votes(ballot_id)) == {"cea": "abstain", "moselle": "against"}


async def test_a_ballot_closed_elsewhere_refuses_the_next_vote(
    store: BallotStore, tmp_path: Path, clock: FakeClock
) -> None:
    """Another process (another connection) closes the ballot this store kept as open."""
    ballot_id = await opened(store)
    await store.cast(ballot_id, "cea", "for", cast_by="tg:1")
    assert (await store.get_for_voting(ballot_id)).state is BallotState.OPEN
    elsewhere = await Database.open(tmp_path / "scrutin.db", clock)
    try:
        await BallotStore(elsewhere).close(ballot_id)
    finally:
        await elsewhere.close()
    with pytest.raises(BallotNotOpen):
        await store.cast(ballot_id, "moselle", "for", cast_by="tg:2")
    assert (await store.get_for_voting(ballot_id)).state is BallotState.CLOSED
    assert await store.effective_votes(ballot_id) == {"cea": "for"}


async def test_a_closed_or_cancelled_ballot_is_no_longer_kept_open(store: BallotStore) -> None:
    closing = await opened(store)
    cancelling = await opened(store)
    for ballot_id in (closing, cancelling):
        await store.get_for_voting(ballot_id)
    await store.close(closing)
    await store.cancel(cancelling)
    assert (await store.get_for_voting(closing)).state is BallotState.CLOSED
    assert (await store.get_for_voting(cancelling)).state is BallotState.CANCELLED


async def test_the_lookups_of_every_update_use_an_index(services: Services) -> None:
    roster = services.roster
    async with traced(services.database) as statements:
        await roster.person("tg:1")
        await roster.coordinated_groupements("tg:1")
        await roster.seats_of("tg:1")
        await roster.representatives_of("ent-grand-est", "cea")
    assert len(selects(statements)) == 4
    assert await full_scans(services.database, statements) == {}


async def test_results_read_only_the_ballots_shown(
    services: Services, harness: OfflineHarness, decodes: Callable[[], int]
) -> None:
    """Many closed ballots: /resultats reads the three latest through an index, newest first,
    and stops there; a number asked for is read alone."""
    store = services.ballots
    await bind_group(harness)
    ids = []
    for number in range(40):
        ballot_id = await opened(store, question=f"Question {number}")
        await store.close(ballot_id)
        ids.append(ballot_id)
    other = await opened(store, groupement_id="liaisons-internet", instance_id="ag")
    await store.close(other)
    newest_open = await opened(store)
    decoded = decodes()
    async with traced(services.database) as statements:
        latest = await results_seen(services, ["ent-grand-est", "liaisons-internet"], None)
    assert [b.id for b in latest or []] == [ids[-2], ids[-1], other]
    assert newest_open not in [b.id for b in latest or []]
    assert decodes() - decoded <= 2 * LATEST_RESULTS
    assert await full_scans(services.database, statements) == {}

    decoded = decodes()
    in_group = await results_seen(services, [], GROUP_CHAT)
    assert [b.id for b in in_group or []] == ids[-LATEST_RESULTS:]
    assert decodes() - decoded == LATEST_RESULTS
    assert [b.id for b in await results_seen(services, [], GROUP_CHAT, ids[0]) or []] == [ids[0]]
    assert await results_seen(services, [], GROUP_CHAT, other) == []
    assert await results_seen(services, [], GROUP_CHAT, newest_open) == []
    assert await results_seen(services, [], GROUP_CHAT, 10**30) == []

    await harness.say(COORDINATOR, "/resultats", chat_id=GROUP_CHAT)
    shown = harness.last_message_to(GROUP_CHAT)["text"]
    assert "Question 39" in shown
    await harness.say(COORDINATOR, f"/resultats {ids[0]}")
    assert "Question 0" in harness.last_message_to(COORDINATOR_ID)["text"]


@pytest.fixture
async def store(tmp_path: Path, clock: FakeClock) -> AsyncIterator[BallotStore]:
    database = await Database.open(tmp_path / "scrutin.db", clock)
    ballots = BallotStore(database)
    await ballots.migrate()
    yield ballots
    await database.close()
