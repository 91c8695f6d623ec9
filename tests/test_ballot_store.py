"""The ballot store on a real SQLite file: lifecycle, votes, refusals, durability."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tests.clock import FakeClock
from tests.test_tally import COGOUV, WEIGHTS_2022
from voting.ballot import (
    BallotDraft,
    BallotMode,
    BallotNotFound,
    BallotNotOpen,
    BallotState,
    DeadlinePassed,
    InvalidElectorate,
    InvalidOption,
    InvalidTransition,
    NotEntitled,
    NotInElectorate,
    VoteChangeNotAllowed,
)
from voting.db import INTEGRITY_ERRORS, Database
from voting.electorate import Electorate
from voting.rules import BallotKind
from voting.store import MIGRATIONS, BallotStore
from voting.tally import MOTION_OPTIONS, Count, Outcome

START = datetime(2026, 12, 15, 13, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def store(database: Path | str, clock: FakeClock) -> AsyncIterator[BallotStore]:
    opened = await Database.open(database, clock)
    ballots = BallotStore(opened)
    await ballots.migrate()
    yield ballots
    await opened.close()


def draft(**changes: object) -> BallotDraft:
    fields: dict[str, object] = {
        "groupement_id": "ent-grand-est",
        "instance_id": "cogouv",
        "question": "Approuver le budget 2027 de l'ENT",
        "kind": BallotKind.PUBLIC,
        "options": MOTION_OPTIONS,
    }
    fields.update(changes)
    return BallotDraft(**fields)  # type: ignore[arg-type]


async def opened(
    store: BallotStore, electorate: Electorate | None = None, **changes: object
) -> int:
    ballot = await store.create(draft(**changes))
    return await opened_after(store, ballot.id, electorate)


async def opened_after(
    store: BallotStore, ballot_id: int, electorate: Electorate | None = None
) -> int:
    await store.open(
        ballot_id,
        electorate=electorate or Electorate(WEIGHTS_2022, frozenset(WEIGHTS_2022)),
        rules=COGOUV,
        weight_table_id="ent-2022-avenant-1",
        chair="region",
    )
    return ballot_id


async def test_lifecycle_freezes_rules_and_electorate_and_keeps_the_result(
    store: BallotStore, clock: FakeClock
) -> None:
    ballot = await store.create(draft())
    assert ballot.state is BallotState.DRAFT and ballot.electorate is None
    ballot_id = await opened_after(store, ballot.id)
    reopened = await store.get(ballot_id)
    assert reopened.state is BallotState.OPEN
    assert reopened.rules == COGOUV
    assert reopened.weight_table_id == "ent-2022-avenant-1"
    assert reopened.electorate is not None
    assert reopened.electorate.weights["region"] == Decimal("4.5")
    assert reopened.opened_at == START

    for member, option in [
        ("region", "for"),
        ("moselle", "against"),
        ("ardennes", "against"),
        ("aube", "against"),
        ("marne", "against"),
    ]:
        await store.cast(ballot_id, member, option, cast_by=f"tg:{member}")
    clock.advance(timedelta(minutes=30))
    closed, result = await store.close(ballot_id)
    assert closed.state is BallotState.CLOSED
    assert closed.closed_at == START + timedelta(minutes=30)
    assert result.outcome is Outcome.ADOPTED and result.casting_vote_used
    assert closed.result is not None
    assert closed.result == result
    assert closed.result.outcome is Outcome.ADOPTED
    assert closed.result.totals["for"] == Count(Decimal("4.5"), 1)


async def test_a_change_of_vote_is_a_new_row_and_the_last_one_counts(store: BallotStore) -> None:
    ballot_id = await opened(store)
    first = await store.cast(ballot_id, "meuse", "for", cast_by="tg:1")
    second = await store.cast(ballot_id, "meuse", "against", cast_by="tg:2")
    assert first.previous_option is None and not first.changed
    assert second.previous_option == "for" and second.changed
    assert second.weight == Decimal("1")
    history = await store.history(ballot_id)
    assert [(v.member_id, v.option, v.cast_by) for v in history] == [
        ("meuse", "for", "tg:1"),
        ("meuse", "against", "tg:2"),
    ]
    assert await store.effective_votes(ballot_id) == {"meuse": "against"}


async def test_refusals_change_nothing(store: BallotStore, clock: FakeClock) -> None:
    electorate = Electorate(WEIGHTS_2022, frozenset({"region", "cea", "moselle", "aube", "marne"}))
    ballot_id = await opened(store, electorate, allow_vote_change=False)
    await store.cast(ballot_id, "region", "for", cast_by="tg:1")
    with pytest.raises(NotInElectorate):
        await store.cast(ballot_id, "paris", "for", cast_by="tg:9")
    with pytest.raises(NotEntitled):
        await store.cast(ballot_id, "vosges", "for", cast_by="tg:9")
    with pytest.raises(InvalidOption):
        await store.cast(ballot_id, "cea", "peut-être", cast_by="tg:2")
    with pytest.raises(VoteChangeNotAllowed):
        await store.cast(ballot_id, "region", "against", cast_by="tg:1")
    with pytest.raises(BallotNotFound):
        await store.cast(999, "region", "for", cast_by="tg:1")
    await store.close(ballot_id)
    with pytest.raises(BallotNotOpen):
        await store.cast(ballot_id, "cea", "for", cast_by="tg:2")
    assert [v.option for v in await store.history(ballot_id)] == ["for"]


async def test_a_vote_after_the_deadline_is_refused_before_the_close(
    store: BallotStore, clock: FakeClock
) -> None:
    ballot_id = await opened(store, deadline=START + timedelta(hours=1))
    assert await store.due_for_closing() == []
    clock.advance(timedelta(hours=1))
    with pytest.raises(DeadlinePassed):
        await store.cast(ballot_id, "region", "for", cast_by="tg:1")
    assert [b.id for b in await store.due_for_closing()] == [ballot_id]
    assert await store.history(ballot_id) == []


async def test_only_legal_transitions(store: BallotStore) -> None:
    ballot = await store.create(draft())
    with pytest.raises(InvalidTransition):
        await store.close(ballot.id)
    await opened_after(store, ballot.id)
    with pytest.raises(InvalidTransition):
        await opened_after(store, ballot.id)
    cancelled = await store.cancel(ballot.id)
    assert cancelled.state is BallotState.CANCELLED and cancelled.cancelled_at == START
    with pytest.raises(InvalidTransition):
        await store.cancel(ballot.id)


async def test_an_electorate_that_breaks_the_proxy_limit_cannot_open(store: BallotStore) -> None:
    ballot = await store.create(draft())
    too_many = Electorate(WEIGHTS_2022, frozenset({"region"}), {"cea": "region", "aube": "region"})
    with pytest.raises(InvalidElectorate, match="more than the limit of 1"):
        await store.open(ballot.id, electorate=too_many, rules=COGOUV, weight_table_id=None)
    assert (await store.get(ballot.id)).state is BallotState.DRAFT


async def test_written_consultation_needs_half_the_members_to_take_part(
    store: BallotStore,
) -> None:
    everyone = Electorate(WEIGHTS_2022, frozenset(WEIGHTS_2022))
    few = await opened(store, everyone, mode=BallotMode.WRITTEN)
    for member in ("region", "cea", "moselle", "aube"):
        await store.cast(few, member, "for", cast_by=f"tg:{member}")
    _, result = await store.close(few)
    assert result.outcome is Outcome.NO_QUORUM and result.quorum.members == 4

    enough = await opened(store, everyone, mode=BallotMode.WRITTEN)
    for member in ("region", "cea", "moselle", "aube", "marne"):
        await store.cast(enough, member, "for", cast_by=f"tg:{member}")
    _, result = await store.close(enough)
    assert result.outcome is Outcome.ADOPTED and result.quorum.required_members == 5


async def test_votes_are_on_disk_and_append_only(database: Path | str, clock: FakeClock) -> None:
    first = await Database.open(database, clock)
    store = BallotStore(first)
    await store.migrate()
    ballot_id = await opened(store)
    await store.cast(ballot_id, "region", "for", cast_by="tg:1")
    await first.close()

    # A second, independent connection sees the acknowledged vote.
    second = await Database.open(database, clock)
    try:
        cursor = await second.reading.execute(
            "SELECT p.member_id, b.option FROM participation AS p "
            "JOIN ballot_box AS b ON b.id = p.entry_id"
        )
        assert [tuple(row) for row in await cursor.fetchall()] == [("region", "for")]
        for change in ("UPDATE ballot_box SET option = 'against'", "DELETE FROM ballot_box"):
            with pytest.raises(INTEGRITY_ERRORS, match="append-only"):
                async with second.transaction() as connection:
                    await connection.execute(change)
    finally:
        await second.close()


async def test_migrations_run_once(postgres_url: str, tmp_path: Path, clock: FakeClock) -> None:
    for target in (tmp_path / "twice.db", postgres_url):
        for expected in (list(range(1, len(MIGRATIONS) + 1)), []):
            database = await Database.open(target, clock)
            assert await database.migrate("voting", MIGRATIONS) == expected
            await database.close()


async def test_sqlite_runs_in_wal_mode(tmp_path: Path, clock: FakeClock) -> None:
    database = await Database.open(tmp_path / "wal.db", clock)
    cursor = await database.connection.execute("PRAGMA journal_mode")
    assert (await cursor.fetchone())[0] == "wal"  # type: ignore[index]
    await database.close()


async def test_concurrent_votes_and_a_close_take_turns(store: BallotStore) -> None:
    import asyncio

    ballot_id = await opened(store)
    members = ["region", "cea", "moselle", "ardennes", "aube", "marne"]
    results = await asyncio.gather(
        *(store.cast(ballot_id, m, "for", cast_by=f"tg:{m}") for m in members),
        return_exceptions=True,
    )
    assert not [r for r in results if isinstance(r, BaseException)]
    voting = asyncio.gather(
        store.cast(ballot_id, "vosges", "against", cast_by="tg:v"),
        store.close(ballot_id),
        return_exceptions=True,
    )
    late_vote, closing = await voting
    assert not isinstance(closing, BaseException)
    # Either the vote came first and counts, or the close came first and refused it.
    history = [v.member_id for v in await store.history(ballot_id)]
    assert isinstance(late_vote, BallotNotOpen) or "vosges" in history
    assert len(history) == len(members) + (0 if isinstance(late_vote, BallotNotOpen) else 1)


async def test_votes_on_one_replica_racing_the_close_on_another(
    database: Path | str, clock: FakeClock
) -> None:
    """Two processes on one database: each vote is counted in the closed ballot, or
    refused because the ballot is closed; never acknowledged and left out."""
    voting = BallotStore(await Database.open(database, clock))
    closing = BallotStore(await Database.open(database, clock))
    for store in (voting, closing):
        await store.migrate()
    ballot_id = await opened(voting)

    async def vote(member: str) -> str | None:
        try:
            await voting.cast(ballot_id, member, "for", cast_by=f"tg:{member}")
        except BallotNotOpen:
            return None
        return member

    presses = [asyncio.create_task(vote(member)) for member in WEIGHTS_2022]
    # The close comes once a few votes are in, while the others are on their way.
    await asyncio.wait(presses[:3])
    _ballot, result = await closing.close(ballot_id)
    acknowledged = {member for member in await asyncio.gather(*presses) if member}
    assert {v.member_id for v in await closing.history(ballot_id)} == acknowledged
    assert result.totals["for"].heads == len(acknowledged)
    assert result.totals["for"].weight == sum(WEIGHTS_2022[m] for m in acknowledged)
    for store in (voting, closing):
        await store.database.close()
