"""The bot's inbox: each Telegram update, kept until it is handled, and handled once.

Telegram delivers at least once: a webhook is retried, and long polling hands an update out
again when the bot stopped before confirming it. So every update fetched is committed here
before Telegram is told it arrived (:meth:`Inbox.admit`), and it is marked handled in the
same transaction as the change it causes: while an update is handled, :func:`handling` names
it, and :meth:`Inbox.record_handled`, run by the database just before each commit, writes the
mark into the first transaction that commits. An update that changes nothing is marked at the
end of its handling (:meth:`Inbox.finish`). A replay, or an update fetched again, then finds
its mark and is ignored.

An update's JSON is kept only while it waits; once handled, only its id and times remain, and
those are forgotten after :data:`RETENTION` (Telegram itself keeps an update 24 hours).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

from voting.db import Connection, Store, to_db_time

RETENTION = timedelta(hours=48)


class AlreadyHandled(Exception):
    """The update was handled by someone else meanwhile: what this copy wrote is rolled back."""

    def __init__(self, update_id: int) -> None:
        super().__init__(f"update {update_id} was already handled")
        self.update_id = update_id


@dataclass
class Handling:
    """The update being handled in this task, and whether its mark is already written."""

    update_id: int
    recorded: bool = False


_HANDLING: ContextVar[Handling | None] = ContextVar("scrutin-update", default=None)


@contextmanager
def handling(update_id: int) -> Iterator[Handling]:
    """Name the update whose handling runs in this context (and the tasks it starts)."""
    current = Handling(update_id)
    token = _HANDLING.set(current)
    try:
        yield current
    finally:
        _HANDLING.reset(token)


@dataclass(frozen=True)
class Waiting:
    update_id: int
    payload: str


class Inbox(Store):
    COMPONENT = "bot_inbox"
    MIGRATIONS = (
        """
        CREATE TABLE bot_updates (
            update_id INTEGER PRIMARY KEY,
            payload TEXT,
            received_at_utc TEXT NOT NULL,
            handled_at_utc TEXT
        );
        CREATE INDEX bot_updates_handled ON bot_updates (handled_at_utc);
        """,
    )

    async def migrate(self) -> None:
        await super().migrate()
        self.database.before_commit(self.record_handled)

    async def admit(self, update_id: int, payload: str) -> bool:
        """Commit an update fetched from Telegram; False if it is already here."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                "INSERT INTO bot_updates (update_id, payload, received_at_utc) VALUES (?, ?, ?) "
                "ON CONFLICT (update_id) DO NOTHING",
                (update_id, payload, to_db_time(self._now)),
            )
            return cursor.rowcount == 1

    async def is_handled(self, update_id: int) -> bool:
        cursor = await self._reader.execute(
            "SELECT 1 FROM bot_updates WHERE update_id = ? AND handled_at_utc IS NOT NULL",
            (update_id,),
        )
        return await cursor.fetchone() is not None

    async def waiting(self) -> list[Waiting]:
        """Updates committed but not handled yet, oldest first."""
        cursor = await self._reader.execute(
            "SELECT update_id, payload FROM bot_updates "
            "WHERE handled_at_utc IS NULL AND payload IS NOT NULL ORDER BY update_id"
        )
        return [Waiting(row[0], row[1]) for row in await cursor.fetchall()]

    async def next_update_id(self) -> int:
        """An update id above every one this inbox remembers."""
        cursor = await self._reader.execute("SELECT MAX(update_id) FROM bot_updates")
        row = await cursor.fetchone()
        return (row[0] or 0) + 1 if row else 1

    async def record_handled(self, connection: Connection) -> None:
        """Before a commit: mark the update being handled, once, in the same transaction."""
        current = _HANDLING.get()
        if current is None or current.recorded:
            return
        now = to_db_time(self._now)
        cursor = await connection.execute(
            "INSERT INTO bot_updates (update_id, received_at_utc, handled_at_utc) "
            "VALUES (?, ?, ?) ON CONFLICT (update_id) DO UPDATE "
            "SET handled_at_utc = excluded.handled_at_utc, payload = NULL "
            "WHERE bot_updates.handled_at_utc IS NULL",
            (current.update_id, now, now),
        )
        if cursor.rowcount == 0:
            raise AlreadyHandled(current.update_id)
        current.recorded = True

    async def finish(self, current: Handling) -> None:
        """At the end of handling: mark an update that changed nothing."""
        if current.recorded:
            return
        token = _HANDLING.set(current)
        try:
            async with self.database.transaction():
                pass  # record_handled writes the mark before the commit
        except AlreadyHandled:
            pass  # a concurrent copy of the update finished first: nothing more to say
        finally:
            _HANDLING.reset(token)

    async def forget_old(self) -> int:
        """Forget the ids of updates handled longer ago than :data:`RETENTION`."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                "DELETE FROM bot_updates WHERE handled_at_utc < ?",
                (to_db_time(self._now - RETENTION),),
            )
            return cursor.rowcount
