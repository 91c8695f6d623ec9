"""The shared database on a real SQLite file: a transaction opened inside another joins it,
so an action's writes to several stores commit or roll back together."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from voting.db import Database, Store


class Notes(Store):
    COMPONENT = "notes"
    MIGRATIONS = ("CREATE TABLE notes (text TEXT NOT NULL);",)

    async def add(self, text: str) -> None:
        async with self.database.transaction() as connection:
            await connection.execute("INSERT INTO notes (text) VALUES (?)", (text,))

    async def texts(self) -> list[str]:
        cursor = await self._reader.execute("SELECT text FROM notes ORDER BY rowid")
        return [row[0] for row in await cursor.fetchall()]


async def notes_on(path: Path) -> Notes:
    notes = Notes(await Database.open(path))
    await notes.migrate()
    return notes


async def test_a_nested_transaction_joins_the_outer_one(tmp_path: Path) -> None:
    notes = await notes_on(tmp_path / "db.sqlite")
    async with notes.database.transaction():
        await notes.add("convocation")
        await notes.add("reminder")
        assert notes.database.in_transaction
    assert not notes.database.in_transaction
    assert await notes.texts() == ["convocation", "reminder"]
    await notes.database.close()


async def test_a_failure_rolls_back_every_joined_write(tmp_path: Path) -> None:
    notes = await notes_on(tmp_path / "db.sqlite")
    with pytest.raises(RuntimeError):
        async with notes.database.transaction():
            await notes.add("convocation")
            await notes.add("reminder")
            raise RuntimeError("the check after the writes failed")
    assert await notes.texts() == []
    await notes.database.close()


async def test_concurrent_transactions_take_turns(tmp_path: Path) -> None:
    notes = await notes_on(tmp_path / "db.sqlite")
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


async def test_migrations_run_once(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    notes = await notes_on(path)
    await notes.add("kept")
    await notes.database.close()
    reopened = await notes_on(path)
    assert await reopened.texts() == ["kept"]
    await reopened.database.close()


async def test_other_tasks_read_only_what_is_committed(tmp_path: Path) -> None:
    notes = await notes_on(tmp_path / "db.sqlite")
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
