"""The inbox on a real SQLite file: an update is kept until handled, marked handled in the same
transaction as its change, and forgotten after the retention window."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.inbox import RETENTION, AlreadyHandled, Inbox, handling
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
