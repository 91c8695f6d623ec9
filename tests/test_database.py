"""The shared database, on a real SQLite file and on a real PostgreSQL server: a transaction
opened inside another joins it, so an action's writes to several stores commit or roll back
together; transactions take turns, within a process and between processes."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import psycopg
import pytest

from voting.db import Database, Store
from voting.engines.base import DatabaseUnavailable


class Notes(Store):
    COMPONENT = "notes"
    MIGRATIONS = ("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);",)

    async def add(self, text: str) -> None:
        async with self.database.transaction() as connection:
            await connection.execute("INSERT INTO notes (text) VALUES (?)", (text,))

    async def texts(self) -> list[str]:
        cursor = await self._reader.execute("SELECT text FROM notes ORDER BY id")
        return [row[0] for row in await cursor.fetchall()]


async def notes_on(path: Path | str) -> Notes:
    notes = Notes(await Database.open(path))
    await notes.migrate()
    return notes


async def test_a_nested_transaction_joins_the_outer_one(database: Path | str) -> None:
    notes = await notes_on(database)
    async with notes.database.transaction():
        await notes.add("convocation")
        await notes.add("reminder")
        assert notes.database.in_transaction
    assert not notes.database.in_transaction
    assert await notes.texts() == ["convocation", "reminder"]
    await notes.database.close()


async def test_a_failure_rolls_back_every_joined_write(database: Path | str) -> None:
    notes = await notes_on(database)
    with pytest.raises(RuntimeError):
        async with notes.database.transaction():
            await notes.add("convocation")
            await notes.add("reminder")
            raise RuntimeError("the check after the writes failed")
    assert await notes.texts() == []
    await notes.database.close()


async def test_concurrent_transactions_take_turns(database: Path | str) -> None:
    notes = await notes_on(database)
    started = asyncio.Event()

    async def slow() -> None:
        async with notes.database.transaction():
            await notes.add("first")
            started.set()
            await asyncio.sleep(0)
            await notes.add("second")

    async def other() -> None:
        await started.wait()
        # Another task is not inside the first one's transaction: it waits for its turn.
        await notes.add("third")

    await asyncio.gather(slow(), other())
    assert await notes.texts() == ["first", "second", "third"]
    await notes.database.close()


async def test_migrations_run_once(database: Path | str) -> None:
    path = database
    notes = await notes_on(path)
    await notes.add("kept")
    await notes.database.close()
    reopened = await notes_on(path)
    assert await reopened.texts() == ["kept"]
    await reopened.database.close()


async def test_other_tasks_read_only_what_is_committed(database: Path | str) -> None:
    notes = await notes_on(database)
    written = asyncio.Event()
    seen: list[list[str]] = []

    async def writer() -> None:
        with pytest.raises(RuntimeError):
            async with notes.database.transaction():
                await notes.add("uncommitted")
                # Inside its transaction, a task reads its own writes.
                assert await notes.texts() == ["uncommitted"]
                written.set()
                await asyncio.sleep(0)
                raise RuntimeError("rolled back after another task read")

    async def reader() -> None:
        await written.wait()
        seen.append(await notes.texts())

    await asyncio.gather(writer(), reader())
    assert seen == [[]]
    assert await notes.texts() == []
    await notes.database.close()


async def test_two_processes_check_and_write_in_turns(database: Path | str) -> None:
    """Two replicas on one database: each reads how many notes there are and writes the
    next number; a transaction that read the count is never interleaved with the other's."""
    replicas = [await notes_on(database), await notes_on(database)]

    async def next_number(notes: Notes) -> None:
        for _ in range(5):
            async with notes.database.transaction() as connection:
                cursor = await connection.execute("SELECT count(*) FROM notes")
                row = await cursor.fetchone()
                assert row is not None
                await asyncio.sleep(0)
                await connection.execute("INSERT INTO notes (text) VALUES (?)", (str(row[0]),))

    await asyncio.gather(*(next_number(notes) for notes in replicas))
    assert sorted(await replicas[0].texts(), key=int) == [str(n) for n in range(10)]
    for notes in replicas:
        await notes.database.close()


async def test_a_session_the_server_closed_is_opened_again(postgres_url: str) -> None:
    """A server restart ends every session: the next read and the next write go on."""
    notes = await notes_on(postgres_url)
    await notes.add("before")
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    assert await notes.texts() == ["before"]
    await notes.add("after")
    assert await notes.texts() == ["before", "after"]
    await notes.database.close()


async def test_a_transaction_abandoned_while_it_waits_leaves_the_next_one_whole(
    database: Path | str,
) -> None:
    """A stop cancels what waits for the write lock: that process's next write still works."""
    holder, waiter = await notes_on(database), await notes_on(database)
    held, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with holder.database.transaction():
            await holder.add("held")
            held.set()
            await release.wait()

    holding = asyncio.create_task(hold())
    await held.wait()
    waiting = asyncio.create_task(waiter.add("abandoned"))
    for _ in range(20):  # let it reach the lock
        await asyncio.sleep(0)
    waiting.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await waiting
    release.set()
    await holding
    await waiter.add("next")
    assert await waiter.texts() == ["held", "next"]
    for notes in (holder, waiter):
        await notes.database.close()


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("postgresql://scrutin:hunter2 secret@127.0.0.1:1/scrutin", "hunter2"),
        ("postgresql://scrutin:pa@ss-word@127.0.0.1:1/scrutin", "ss-word"),
        ("postgresql://scrutin:s3cr3t@127.0.0.1:1/scrutin", "s3cr3t"),
    ],
)
async def test_a_database_that_cannot_be_reached_is_named_without_its_password(
    url: str, secret: str
) -> None:
    with pytest.raises(DatabaseUnavailable, match="cannot connect to PostgreSQL") as refused:
        await Database.open(url)
    assert secret not in str(refused.value)
