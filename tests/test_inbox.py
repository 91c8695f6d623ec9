"""The inbox on a real SQLite file: an update is kept until handled, marked handled in the same
transaction as its change, and forgotten after the retention window."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.inbox import LEASE, RETENTION, AlreadyHandled, Inbox, handling
from tests.clock import FakeClock
from voting.db import Database


async def inbox_on(database: Path | str, clock: FakeClock) -> Inbox:
    opened = await Database.open(database, clock)
    await opened.connection.execute("CREATE TABLE effects (note TEXT)")
    store = Inbox(opened)
    await store.migrate()
    return store


@pytest.fixture
async def inbox(database: Path | str, clock: FakeClock) -> AsyncIterator[Inbox]:
    store = await inbox_on(database, clock)
    yield store
    await store.database.close()


async def effects(inbox: Inbox) -> list[str]:
    cursor = await inbox.database.reading.execute("SELECT note FROM effects")
    return [row[0] for row in await cursor.fetchall()]


async def test_an_update_is_admitted_once_and_waits_until_handled(inbox: Inbox) -> None:
    assert await inbox.admit(7, '{"update_id": 7}')
    assert await inbox.admit(5, '{"update_id": 5}')
    assert not await inbox.admit(7, '{"update_id": 7}')
    assert [w.update_id for w in await inbox.waiting()] == [5, 7]

    with handling(5) as current:
        await inbox.finish(current)

    assert await inbox.is_handled(5)
    assert not await inbox.is_handled(7)
    assert [w.payload for w in await inbox.waiting()] == ['{"update_id": 7}']
    # Handled, it is not admitted again.
    assert not await inbox.admit(5, '{"update_id": 5}')


async def test_the_mark_is_written_with_the_change_or_not_at_all(inbox: Inbox) -> None:
    await inbox.admit(1, "{}")
    with handling(1):
        with pytest.raises(RuntimeError):
            async with inbox.database.transaction() as connection:
                await connection.execute("INSERT INTO effects VALUES ('refused')")
                raise RuntimeError("a refusal rolls the change back")
        assert not await inbox.is_handled(1)
        async with inbox.database.transaction() as connection:
            await connection.execute("INSERT INTO effects VALUES ('done')")
    assert await inbox.is_handled(1)
    assert await effects(inbox) == ["done"]


async def test_a_second_copy_cannot_commit_its_change(inbox: Inbox) -> None:
    with handling(3):
        async with inbox.database.transaction() as connection:
            await connection.execute("INSERT INTO effects VALUES ('first')")
    with handling(3), pytest.raises(AlreadyHandled):
        async with inbox.database.transaction() as connection:
            await connection.execute("INSERT INTO effects VALUES ('second')")
    assert await effects(inbox) == ["first"]


async def test_outside_an_update_transactions_mark_nothing(inbox: Inbox) -> None:
    async with inbox.database.transaction() as connection:
        await connection.execute("INSERT INTO effects VALUES ('a job')")
    assert await inbox.next_update_id() == 1


async def test_handled_ids_are_kept_for_the_retention_window(
    inbox: Inbox, clock: FakeClock
) -> None:
    for update_id in (1, 2):
        with handling(update_id) as current:
            await inbox.finish(current)
        clock.now += timedelta(hours=1)
    await inbox.admit(3, "{}")  # never handled: never forgotten

    clock.now += RETENTION - timedelta(hours=1, minutes=30)
    assert await inbox.forget_old() == 1
    assert not await inbox.is_handled(1) and await inbox.is_handled(2)
    clock.now += timedelta(days=30)
    assert await inbox.forget_old() == 1
    assert [w.update_id for w in await inbox.waiting()] == [3]
    assert timedelta(hours=24) <= RETENTION  # Telegram keeps an update 24 hours


def bytes_on_disk(path: Path) -> bytes:
    return path.read_bytes() + Path(f"{path}-wal").read_bytes()


async def test_a_handled_press_leaves_no_trace_of_its_payload_on_disk(
    tmp_path: Path, clock: FakeClock
) -> None:
    # A vote press names the member and the option; once handled only its id may remain.
    # SQLite's files: PostgreSQL's dead rows are the vacuum's (README, Storage).
    inbox = await inbox_on(tmp_path / "inbox.db", clock)
    press = '{"update_id": 9, "callback_query": {"data": "v1:v:4:2:1", "from": {"id": 97531}}}'
    await inbox.admit(9, press)
    with handling(9):
        async with inbox.database.transaction() as connection:
            await connection.execute("INSERT INTO effects VALUES ('voted')")
    assert await inbox.is_handled(9)
    cursor = await inbox.database.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    row = await cursor.fetchone()
    assert row is not None and row[0] == 0
    on_disk = bytes_on_disk(tmp_path / "inbox.db")
    await inbox.database.close()
    assert b"v1:v:4:2:1" not in on_disk
    assert b"97531" not in on_disk


# --- several replicas on one inbox, on both engines -------------------------------------------


@pytest.fixture
async def replicas(database: Path | str, clock: FakeClock) -> AsyncIterator[tuple[Inbox, Inbox]]:
    """Two bots' inboxes on one database, each through its own connections."""
    opened = [await Database.open(database, clock) for _ in range(2)]
    stores = tuple(Inbox(each) for each in opened)
    for store in stores:
        await store.migrate()
    yield stores[0], stores[1]
    for each in opened:
        await each.close()


async def test_an_update_left_by_a_replica_that_died_is_adopted_once_its_lease_ran_out(
    replicas: tuple[Inbox, Inbox], clock: FakeClock
) -> None:
    first, second = replicas
    assert await first.admit(11, '{"update_id": 11}')
    # Telegram's retry, landing on the other replica, finds it in the inbox.
    assert not await second.admit(11, '{"update_id": 11}')
    assert await second.adopt() == []  # the first replica still holds it

    clock.now += LEASE + timedelta(seconds=1)
    adopted, too_late = await second.adopt(), await first.adopt()
    assert [w.update_id for w in adopted] == [11] and too_late == []
    assert await first.adopt() == []  # the adoption is a lease of its own

    with handling(11) as current:
        await second.finish(current)
    clock.now += LEASE * 3
    assert await first.adopt() == [] and await second.adopt() == []


async def test_a_replica_that_renews_its_lease_keeps_its_updates(
    replicas: tuple[Inbox, Inbox], clock: FakeClock
) -> None:
    first, second = replicas
    for update_id in (21, 22):
        await first.admit(update_id, "{}")
    clock.now += LEASE * 3 / 4
    assert await first.renew([21]) == 1
    clock.now += LEASE * 3 / 4
    assert [w.update_id for w in await second.adopt()] == [22]
    clock.now += LEASE
    assert [w.update_id for w in await second.adopt()] == [21]


async def test_a_lone_bot_at_start_takes_every_waiting_update(
    replicas: tuple[Inbox, Inbox],
) -> None:
    first, _ = replicas
    await first.admit(31, "{}")
    await first.admit(32, "{}")
    assert [w.update_id for w in await first.adopt(every_waiting=True)] == [31, 32]


async def test_two_replicas_adopting_together_claim_each_update_once(
    replicas: tuple[Inbox, Inbox], clock: FakeClock
) -> None:
    first, second = replicas
    for update_id in range(100, 160):
        await first.admit(update_id, "{}")
    clock.now += LEASE * 2
    claims = await asyncio.gather(*(store.adopt() for store in (first, second, first, second)))
    adopted = [w.update_id for claim in claims for w in claim]
    assert sorted(adopted) == list(range(100, 160))
