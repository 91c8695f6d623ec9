"""The database every part of Scrutin shares, its numbered migrations, and the base of its stores.

The engine is SQLite by default, or PostgreSQL for a URL ``postgresql://…``
(:mod:`voting.engines`); the stores see only :class:`Connection` and write their SQL once,
for both. Each store owns its tables and ships an ordered list of SQL scripts; a script
runs once, in its own transaction, and is recorded in ``schema_migrations``. The connections
run in autocommit mode so that every write opens its transaction explicitly with
:meth:`Database.transaction`.

A transaction opened while another is in progress in the same task joins it: an action of
the application layer wraps several stores' writes (a convocation and its reminders) in one
``async with database.transaction()``, and each store's own transaction becomes part of it.
A joined transaction has no savepoint of its own: a refusal raised inside must reach the
outermost one, which then rolls everything back; catching it inside would keep what was
written before it.

Hooks registered with :meth:`Database.before_commit` run inside every outermost transaction,
just before it commits: whoever drives the stores can write its own bookkeeping in the same
transaction as the change (the bot records there which Telegram update caused it). A hook
that raises rolls the whole transaction back.

Reads outside a transaction go through a second, read-only connection that sees only what
is committed, so a task never reads what another task's transaction may still roll back.
Only files that define a :class:`Store` (and the engines) run SQL.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import psycopg

from voting.engines.base import Connection, Cursor, Engine, Parameters, Row
from voting.engines.postgres import PostgresEngine, is_postgres_url
from voting.engines.sqlite import SqliteEngine

__all__ = ["INTEGRITY_ERRORS", "Connection", "Cursor", "Database", "Row", "Store"]

INTEGRITY_ERRORS: tuple[type[Exception], ...] = (sqlite3.IntegrityError, psycopg.IntegrityError)
"""What either engine raises for a broken constraint (a unique key, an append-only table)."""

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
CommitHook = Callable[[Connection], Awaitable[None]]


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_db_time(moment: datetime) -> str:
    """An aware datetime as the UTC ISO text the database stores."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: times must carry a time zone")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_db_time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).astimezone(UTC)


def required_db_time(text: str | None) -> datetime:
    """A stored time that a NOT NULL column guarantees."""
    moment = from_db_time(text)
    if moment is None:
        raise ValueError("a required time is missing from the database")
    return moment


_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    component TEXT NOT NULL,
    version INTEGER NOT NULL,
    applied_at_utc TEXT NOT NULL,
    PRIMARY KEY (component, version)
)
"""


LARGEST_ROW_ID = 2**63 - 1
"""The largest 64-bit integer (SQLite's INTEGER, PostgreSQL's BIGINT): a larger id is no
row's, and binding it raises OverflowError."""


def is_row_id(value: int) -> bool:
    """Whether ``value`` can be some row's id; a typed number beyond that finds nothing."""
    return 0 < value <= LARGEST_ROW_ID


SQLITE_URL = "sqlite:///"


def sqlite_path(target: Path | str) -> Path | str:
    """The file a ``sqlite:///path`` URL (or a plain path) names; ``sqlite:////abs`` too."""
    text = str(target)
    return text[len(SQLITE_URL) :] if text.startswith(SQLITE_URL) else target


async def open_engine(target: Path | str) -> Engine:
    """The engine a database URL (``postgresql://…``, ``sqlite:///…``) or a file path names."""
    if is_postgres_url(str(target)):
        return await PostgresEngine.open(str(target))
    return await SqliteEngine.open(sqlite_path(target))


class Database:
    """The engine's two connections, with explicit transactions that take turns."""

    def __init__(self, engine: Engine, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock
        # One connection serves handlers and background jobs alike: transactions take turns.
        self._writing = asyncio.Lock()
        # Set while this task holds the transaction, so that nested ones join it.
        self._current: ContextVar[bool] = ContextVar(f"transaction-{id(self)}", default=False)
        self._commit_hooks: list[CommitHook] = []

    @classmethod
    async def open(cls, target: Path | str, clock: Clock = utc_now) -> Database:
        database = cls(await open_engine(target), clock)
        try:
            async with database.transaction() as connection:
                await connection.execute(_BOOKKEEPING)
        except BaseException:
            await database.close()
            raise
        return database

    async def close(self) -> None:
        await self.engine.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect

    @property
    def connection(self) -> Connection:
        """The writer: what runs inside transactions."""
        return self.engine.writer

    @property
    def reading(self) -> Connection:
        """Inside a transaction, its own connection (it reads its writes); else the reader."""
        return self.engine.writer if self._current.get() else self.engine.reader

    async def table_exists(self, name: str) -> bool:
        cursor = await self.reading.execute(self.engine.table_exists_sql, (name,))
        return await cursor.fetchone() is not None

    async def migrate(self, component: str, scripts: Sequence[str]) -> list[int]:
        """Run the scripts of ``component`` not yet applied; return their numbers (1-based).

        Each script runs in its own write transaction, which checks again that it is not
        applied: two replicas starting together apply it once.
        """
        applied: list[int] = []
        for version, script in enumerate(scripts, start=1):
            async with self.transaction() as connection:
                cursor = await connection.execute(
                    "SELECT 1 FROM schema_migrations WHERE component = ? AND version = ?",
                    (component, version),
                )
                if await cursor.fetchone() is not None:
                    continue
                await self.engine.run_script(script)
                await connection.execute(
                    "INSERT INTO schema_migrations (component, version, applied_at_utc) "
                    "VALUES (?, ?, ?)",
                    (component, version, to_db_time(self.clock())),
                )
            applied.append(version)
        return applied

    async def forget_deleted(self, tables: Sequence[str]) -> bool:
        """Make what committed transactions deleted from ``tables`` unrecoverable from the
        files; False inside a transaction, where it cannot run (the next call does it)."""
        if self.in_transaction:
            return False
        async with self._writing:
            return await self.engine.forget_deleted(tables)

    def before_commit(self, hook: CommitHook) -> None:
        """Run ``hook`` in every outermost transaction, after its body, before its COMMIT."""
        if hook not in self._commit_hooks:
            self._commit_hooks.append(hook)

    @property
    def in_transaction(self) -> bool:
        return self._current.get()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """A write transaction that takes the write lock at once, so checks and writes agree.

        Concurrent callers (a vote while the deadline job closes the ballot) wait for their
        turn instead of failing with "cannot start a transaction within a transaction"; on
        PostgreSQL, so do the other replicas' transactions. Inside a transaction of the same
        task, this joins it: the outer one commits or rolls back all.
        """
        if self._current.get():
            yield self.engine.writer
            return
        async with self._writing:
            token = self._current.set(True)
            try:
                try:
                    # Inside: a BEGIN that failed or was cancelled half-way is rolled back too.
                    await self.engine.begin()
                    yield self.engine.writer
                    for hook in self._commit_hooks:
                        await hook(self.engine.writer)
                except BaseException:
                    await self._roll_back()
                    raise
                await self.engine.commit()
            finally:
                self._current.reset(token)

    async def _roll_back(self) -> None:
        """Roll back; the error being raised is the one to report, not this one's."""
        try:
            await self.engine.rollback()
        except Exception:
            log.exception("the rollback failed as well")


async def inserted_id(connection: Connection, insert: str, parameters: Parameters) -> int:
    """Run the INSERT of one row into a table with an ``id`` column; return the row's id."""
    cursor = await connection.execute(f"{insert} RETURNING id", parameters)
    row = await cursor.fetchone()
    assert row is not None, "an INSERT … RETURNING gave no row"
    return int(row[0])


class Store:
    """The base of every store: its database, its clock, and its own numbered migrations.

    A subclass names its ``COMPONENT`` and its ``MIGRATIONS``, and keeps all the SQL that
    touches its tables.
    """

    COMPONENT: ClassVar[str]
    MIGRATIONS: ClassVar[tuple[str, ...]]

    def __init__(self, database: Database) -> None:
        self.database = database

    @property
    def _now(self) -> datetime:
        return self.database.clock()

    @property
    def _reader(self) -> Connection:
        """The connection to read with: committed data only, unless inside a transaction."""
        return self.database.reading

    async def migrate(self) -> None:
        await self.database.migrate(self.COMPONENT, self.MIGRATIONS)
