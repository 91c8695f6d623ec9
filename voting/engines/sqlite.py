"""SQLite through aiosqlite: the embedded default engine.

One writer connection in WAL mode, whose transactions start with ``BEGIN IMMEDIATE`` so
that a check and the write it allows see the same data, and a read-only second connection
that sees only what is committed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import aiosqlite

from voting.engines.base import Cursor, DatabaseUnavailable, Parameters, Row

DIALECT = "sqlite"
OLDEST_SQLITE = (3, 35, 0)


class SqliteCursor:
    def __init__(self, cursor: aiosqlite.Cursor) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    async def fetchone(self) -> Row | None:
        return await self._cursor.fetchone()

    async def fetchall(self) -> list[Row]:
        return list(await self._cursor.fetchall())


class SqliteConnection:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.raw = connection

    async def execute(self, sql: str, parameters: Parameters = ()) -> Cursor:
        return SqliteCursor(await self.raw.execute(sql, parameters))

    async def executemany(self, sql: str, rows: Iterable[Parameters]) -> None:
        await self.raw.executemany(sql, rows)

    async def execute_fetchall(self, sql: str, parameters: Parameters = ()) -> list[Row]:
        return list(await self.raw.execute_fetchall(sql, parameters))


def statements(script: str) -> Iterator[str]:
    """The statements of a script, one by one: a trigger's body keeps its own semicolons."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement at the end of a script: {pending.strip()!r}")


async def _connect(path: str) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(path, isolation_level=None)
    connection.row_factory = aiosqlite.Row
    await connection.execute("PRAGMA busy_timeout=5000")
    return connection


class SqliteEngine:
    dialect = DIALECT
    table_exists_sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"

    def __init__(self, writer: aiosqlite.Connection, reader: aiosqlite.Connection) -> None:
        self._writer = SqliteConnection(writer)
        self._reader = self._writer if reader is writer else SqliteConnection(reader)

    @classmethod
    async def open(cls, path: Path | str) -> SqliteEngine:
        if sqlite3.sqlite_version_info < OLDEST_SQLITE:
            raise DatabaseUnavailable(
                f"SQLite {sqlite3.sqlite_version} is too old: Scrutin needs "
                f"{'.'.join(map(str, OLDEST_SQLITE))} or newer (INSERT … RETURNING)"
            )
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        writer = await _connect(str(path))
        await writer.execute("PRAGMA journal_mode=WAL")
        await writer.execute("PRAGMA foreign_keys=ON")
        # A deleted or overwritten row (a handled update's payload, a secret ballot's link)
        # must not survive in a page's free space once the write-ahead log is emptied.
        await writer.execute("PRAGMA secure_delete=ON")
        if str(path) == ":memory:":
            # A second connection to ":memory:" would be another, empty database.
            return cls(writer, writer)
        reader = await _connect(str(path))
        await reader.execute("PRAGMA query_only=ON")
        return cls(writer, reader)

    @property
    def writer(self) -> SqliteConnection:
        return self._writer

    @property
    def reader(self) -> SqliteConnection:
        return self._reader

    async def begin(self) -> None:
        await self._writer.raw.execute("BEGIN IMMEDIATE")

    async def commit(self) -> None:
        await self._writer.raw.execute("COMMIT")

    async def rollback(self) -> None:
        # Queued behind a BEGIN its caller stopped waiting for: then it ends that one.
        try:
            await self._writer.raw.execute("ROLLBACK")
        except sqlite3.OperationalError as error:
            if "no transaction is active" not in str(error):
                raise

    async def run_script(self, script: str) -> None:
        # executescript would commit the open transaction first.
        for statement in statements(script):
            await self._writer.raw.execute(statement)

    async def forget_deleted(self, tables: Sequence[str]) -> bool:
        # secure_delete zeroes a deleted row in its page, but the pages written before lie
        # in the write-ahead log until a checkpoint copies them back and truncates it.
        cursor = await self._writer.raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        row = await cursor.fetchone()
        await cursor.close()
        return row is not None and row[0] == 0

    async def close(self) -> None:
        if self._reader is not self._writer:
            await self._reader.raw.close()
        await self._writer.raw.close()
