"""The database every part of Scrutin shares, its numbered migrations, and the base of its stores.

Each store owns its tables and ships an ordered list of SQL scripts; a script runs once, in
its own transaction, and is recorded in ``schema_migrations``. The connection runs in
autocommit mode so that every write opens its transaction explicitly with
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

Reads outside a transaction go through a second, read-only connection: in WAL mode it sees
only what is committed, so a task never reads what another task's transaction may still
roll back. Only files that define a :class:`Store` (and this one) run SQL.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager, closing
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import aiosqlite

Clock = Callable[[], datetime]
CommitHook = Callable[[aiosqlite.Connection], Awaitable[None]]


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


async def _connect(path: Path | str) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(str(path), isolation_level=None)
    connection.row_factory = aiosqlite.Row
    await connection.execute("PRAGMA busy_timeout=5000")
    return connection


LARGEST_ROW_ID = 2**63 - 1
"""SQLite's largest integer: a larger id is no row's, and binding it raises OverflowError."""


def is_row_id(value: int) -> bool:
    """Whether ``value`` can be some row's id; a typed number beyond that finds nothing."""
    return 0 < value <= LARGEST_ROW_ID


class Database:
    """One aiosqlite connection in WAL mode, with explicit transactions."""

    def __init__(
        self,
        connection: aiosqlite.Connection,
        clock: Clock = utc_now,
        reader: aiosqlite.Connection | None = None,
    ) -> None:
        self.connection = connection
        self.clock = clock
        self._reader = reader or connection
        # One connection serves handlers and background jobs alike: transactions take turns.
        self._writing = asyncio.Lock()
        # Set while this task holds the transaction, so that nested ones join it.
        self._current: ContextVar[bool] = ContextVar(f"transaction-{id(self)}", default=False)
        self._commit_hooks: list[CommitHook] = []

    @classmethod
    async def open(cls, path: Path | str, clock: Clock = utc_now) -> Database:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection = await _connect(path)
        await connection.execute("PRAGMA journal_mode=WAL")
        await connection.execute("PRAGMA foreign_keys=ON")
        # A deleted or overwritten row (a handled update's payload, a secret ballot's link)
        # must not survive in a page's free space once the write-ahead log is emptied.
        await connection.execute("PRAGMA secure_delete=ON")
        await connection.execute(_BOOKKEEPING)
        if str(path) == ":memory:":
            # A second connection to ":memory:" would be another, empty database.
            return cls(connection, clock)
        reader = await _connect(path)
        await reader.execute("PRAGMA query_only=ON")
        return cls(connection, clock, reader)

    async def close(self) -> None:
        if self._reader is not self.connection:
            await self._reader.close()
        await self.connection.close()

    @property
    def reading(self) -> aiosqlite.Connection:
        """Inside a transaction, its own connection (it reads its writes); else the reader."""
        return self.connection if self._current.get() else self._reader

    async def migrate(self, component: str, scripts: Sequence[str]) -> list[int]:
        """Run the scripts of ``component`` not yet applied; return their numbers (1-based)."""
        if not component.isidentifier():
            raise ValueError(f"component name {component!r} must be an identifier")
        cursor = await self.connection.execute(
            "SELECT version FROM schema_migrations WHERE component = ?", (component,)
        )
        done = {row[0] for row in await cursor.fetchall()}
        applied: list[int] = []
        for version, script in enumerate(scripts, start=1):
            if version in done:
                continue
            # executescript cannot take parameters, and component names are ours, not users'.
            record = (
                "INSERT INTO schema_migrations (component, version, applied_at_utc) "
                f"VALUES ('{component}', {version}, '{to_db_time(self.clock())}');"
            )
            await self.connection.executescript(f"BEGIN IMMEDIATE;\n{script}\n{record}\nCOMMIT;")
            applied.append(version)
        return applied

    def before_commit(self, hook: CommitHook) -> None:
        """Run ``hook`` in every outermost transaction, after its body, before its COMMIT."""
        if hook not in self._commit_hooks:
            self._commit_hooks.append(hook)

    @property
    def in_transaction(self) -> bool:
        return self._current.get()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction that takes the lock at once, so checks and writes agree.

        Concurrent callers (a vote while the deadline job closes the ballot) wait for their
        turn instead of failing with "cannot start a transaction within a transaction". Inside
        a transaction of the same task, this joins it: the outer one commits or rolls back all.
        """
        if self._current.get():
            yield self.connection
            return
        async with self._writing:
            token = self._current.set(True)
            try:
                await self.connection.execute("BEGIN IMMEDIATE")
                try:
                    yield self.connection
                    for hook in self._commit_hooks:
                        await hook(self.connection)
                except BaseException:
                    await self.connection.execute("ROLLBACK")
                    raise
                await self.connection.execute("COMMIT")
            finally:
                self._current.reset(token)


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
    def _reader(self) -> aiosqlite.Connection:
        """The connection to read with: committed data only, unless inside a transaction."""
        return self.database.reading

    async def migrate(self) -> None:
        await self.database.migrate(self.COMPONENT, self.MIGRATIONS)


class BackupError(Exception):
    """A copy that could not be taken, or that would overwrite the database itself."""


@dataclass(frozen=True)
class BackupCopy:
    path: Path
    size: int
    """In bytes: one self-contained file, with no WAL beside it."""


def backup_database(source: Path, target: Path) -> BackupCopy:
    """A consistent copy of the database at ``source``, taken with SQLite's online backup API
    while the bot may be writing: the copy is one read transaction's snapshot, so it holds
    every transaction committed before it began and nothing of one still in progress.

    The copy is written beside ``target`` and renamed onto it only once ``PRAGMA
    integrity_check`` passes, so ``target`` is never a partial file. It is switched out of WAL
    mode, so that the single file is the whole database.
    """
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    live_files = {source.resolve(), *(Path(f"{source.resolve()}{x}") for x in ("-wal", "-shm"))}
    if target.resolve() in live_files:
        raise BackupError(f"{target} is the database itself; choose another path")
    if not target.parent.is_dir():
        raise BackupError(f"no directory {target.parent}")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(partial)) as copy:
            live.execute("PRAGMA busy_timeout=5000")
            live.execute("PRAGMA query_only=ON")
            # One step (pages=-1): a single read transaction, never restarted by a writer.
            live.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")
            (integrity,) = copy.execute("PRAGMA integrity_check").fetchone()
        if integrity != "ok":
            raise BackupError(f"the copy fails its integrity check: {integrity}")
        os.replace(partial, target)
    except sqlite3.Error as error:
        raise BackupError(f"cannot copy {source}: {error}") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupCopy(target, target.stat().st_size)
