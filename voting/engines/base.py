"""What the stores see of a database engine, whichever it is.

A store writes its SQL once, with ``?`` placeholders, and runs it through a
:class:`Connection`; rows answer both ``row[0]`` and ``row["column"]``. An :class:`Engine`
holds two connections: the writer, used inside transactions, and the reader, which sees
only what is committed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

Parameters = Sequence[Any]


class DatabaseUnavailable(Exception):
    """The database cannot be opened; the message names why, never a password."""


class Row(Protocol):
    def __getitem__(self, key: int | str, /) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    async def fetchone(self) -> Row | None: ...

    async def fetchall(self) -> list[Row]: ...


class Connection(Protocol):
    async def execute(self, sql: str, parameters: Parameters = ()) -> Cursor: ...

    async def executemany(self, sql: str, rows: Iterable[Parameters]) -> None: ...

    async def execute_fetchall(self, sql: str, parameters: Parameters = ()) -> list[Row]: ...


class Engine(Protocol):
    dialect: str
    """``"sqlite"`` or ``"postgresql"``."""
    table_exists_sql: str
    """One row when the table named by its one parameter exists."""

    @property
    def writer(self) -> Connection: ...

    @property
    def reader(self) -> Connection: ...

    async def begin(self) -> None:
        """Open a write transaction on the writer that no other writer interleaves with."""

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...

    async def run_script(self, script: str) -> None:
        """Run a migration script (SQLite's dialect) inside the open transaction."""

    async def forget_deleted(self, tables: Sequence[str]) -> bool:
        """Make rows of ``tables`` deleted by committed transactions unrecoverable from the
        database's files; outside any transaction. False when it could not complete (a reader
        still holds an older snapshot): the next call finishes it."""

    async def close(self) -> None: ...
