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

Several replicas share one inbox. The replica that admits an update holds it for a
:data:`LEASE`, renewed while it is queued or handled there (:meth:`Inbox.renew`); an update
whose lease ran out was left by a replica that died, and any replica adopts it
(:meth:`Inbox.adopt`), each claim a conditional UPDATE that only one replica wins. Should the
first replica still handle its copy, the mark keeps the change to one of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

from voting.db import Connection, Database, Store, to_db_time

RETENTION = timedelta(hours=48)
LEASE = timedelta(seconds=20)
"""How long an admitted update stays with its replica without a renewal."""
RENEW_BATCH = 500
ADOPT_BATCH = 100
"""Updates adopted at once at most: the claims hold every replica's writes back meanwhile."""


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
        # Until when the replica that admitted (or adopted) an update holds it.
        "ALTER TABLE bot_updates ADD COLUMN claimed_until_utc TEXT;",
    )

    def __init__(self, database: Database, lease: timedelta = LEASE) -> None:
        super().__init__(database)
        self.lease = lease

    def _lease_end(self) -> str:
        return to_db_time(self._now + self.lease)

    async def migrate(self) -> None:
        await super().migrate()
        self.database.before_commit(self.record_handled)

    async def admit(self, update_id: int, payload: str) -> bool:
        """Commit an update fetched from Telegram; False if it is already here."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                "INSERT INTO bot_updates (update_id, payload, received_at_utc, claimed_until_utc) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (update_id) DO NOTHING",
                (update_id, payload, to_db_time(self._now), self._lease_end()),
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

    async def renew(self, update_ids: Iterable[int]) -> int:
        """Extend the lease of the updates this replica still holds; how many were waiting."""
        ids = sorted(set(update_ids))
        renewed = 0
        async with self.database.transaction() as connection:
            for start in range(0, len(ids), RENEW_BATCH):
                batch = ids[start : start + RENEW_BATCH]
                cursor = await connection.execute(
                    "UPDATE bot_updates SET claimed_until_utc = ? WHERE handled_at_utc IS NULL "
                    f"AND update_id IN ({', '.join('?' * len(batch))})",
                    (self._lease_end(), *batch),
                )
                renewed += cursor.rowcount
        return renewed

    async def adopt(self, every_waiting: bool = False) -> list[Waiting]:
        """Claim the waiting updates whose lease ran out, :data:`ADOPT_BATCH` at most, oldest
        first; each is claimed by one replica only. ``every_waiting``: all of them, leases or
        not, for a bot that is the only one to fetch updates (long polling)."""
        now = to_db_time(self._now)
        bounds: tuple[str, ...]
        if every_waiting:
            expired, bounds, limit = "", (), ""
        else:
            expired = "AND (claimed_until_utc IS NULL OR claimed_until_utc < ?)"
            bounds, limit = (now,), f"LIMIT {ADOPT_BATCH}"
        cursor = await self._reader.execute(
            "SELECT update_id, payload FROM bot_updates WHERE handled_at_utc IS NULL "
            f"AND payload IS NOT NULL {expired} ORDER BY update_id {limit}",
            bounds,
        )
        candidates = [Waiting(row[0], row[1]) for row in await cursor.fetchall()]
        claimed: list[Waiting] = []
        async with self.database.transaction() as connection:
            for candidate in candidates:
                cursor = await connection.execute(
                    "UPDATE bot_updates SET claimed_until_utc = ? WHERE update_id = ? "
                    f"AND handled_at_utc IS NULL AND payload IS NOT NULL {expired}",
                    (self._lease_end(), candidate.update_id, *bounds),
                )
                if cursor.rowcount == 1:
                    claimed.append(candidate)
        return claimed

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
