"""The forms people are filling in, kept in the database between their messages.

A person's next answer may reach another replica of the bot, or the same one after a restart:
so the form (which step it is at, and what was answered so far, as JSON) is written before the
bot asks the next question, and read back when the answer comes. It is written in a
transaction like any other change, so the Telegram update that caused it is marked handled
with it (:mod:`bot.inbox`): a replay of that update finds the mark and changes nothing.

A form left unfinished is forgotten after :data:`RETENTION`: it is no longer read, and
:meth:`FormStore.forget_old` deletes it.

A confirmed form ends in the same transaction as the change it confirms
(:meth:`FormStore.ended_with_next_commit`): both commit, or neither does, and of two presses
of its confirmation (on two replicas) only one commits its change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

from voting.db import Connection, Store, to_db_time

RETENTION = timedelta(hours=24)


class FormChanged(Exception):
    """The form changed since this update read it (the person's other answer, handled at
    the same time on another replica): this answer is not kept."""


class FormGone(Exception):
    """The form was confirmed meanwhile (the same press, on another replica): what this
    confirmation wrote is rolled back."""


@dataclass
class Ending:
    """A form to delete in the next transaction that commits, and whether it was."""

    person_id: str
    form: str
    done: bool = False


_ENDING: ContextVar[Ending | None] = ContextVar("scrutin-form-ending", default=None)


@dataclass(frozen=True)
class SavedForm:
    """A form as stored: its step (a state of the form), and its answers as JSON."""

    step: int
    payload: str
    version: int
    """How many times it was saved: a save expects the version it read."""


class FormStore(Store):
    COMPONENT = "bot_forms"
    MIGRATIONS = (
        """
        CREATE TABLE bot_forms (
            person_id TEXT NOT NULL,
            form TEXT NOT NULL,
            step INTEGER NOT NULL,
            payload TEXT NOT NULL,
            updated_at_utc TEXT NOT NULL,
            PRIMARY KEY (person_id, form)
        );
        CREATE INDEX bot_forms_updated ON bot_forms (updated_at_utc);
        """,
        "ALTER TABLE bot_forms ADD COLUMN version INTEGER NOT NULL DEFAULT 0;",
    )

    async def migrate(self) -> None:
        await super().migrate()
        self.database.before_commit(self._end_pending)

    @contextmanager
    def ended_with_next_commit(self, person_id: str, form: str) -> Iterator[Ending]:
        """Within this context, the next transaction that commits deletes the form, or rolls
        back with :class:`FormGone` when it is gone already."""
        ending = Ending(person_id, form)
        token = _ENDING.set(ending)
        try:
            yield ending
        finally:
            _ENDING.reset(token)

    async def _end_pending(self, connection: Connection) -> None:
        ending = _ENDING.get()
        if ending is None or ending.done:
            return
        cursor = await connection.execute(
            "DELETE FROM bot_forms WHERE person_id = ? AND form = ?",
            (ending.person_id, ending.form),
        )
        if cursor.rowcount == 0:
            raise FormGone(f"{ending.form} of {ending.person_id} was confirmed meanwhile")
        ending.done = True

    async def save(
        self, person_id: str, form: str, step: int, payload: str, read: int | None = None
    ) -> int:
        """Keep ``person_id``'s ``form`` at ``step``; its new version.

        ``read``: the version this update read, which must still be the one kept, else
        :class:`FormChanged`; None starts the form, replacing whatever was kept of it.
        """
        now = to_db_time(self._now)
        async with self.database.transaction() as connection:
            if read is None:
                cursor = await connection.execute(
                    "INSERT INTO bot_forms (person_id, form, step, payload, updated_at_utc) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (person_id, form) DO UPDATE SET "
                    "step = excluded.step, payload = excluded.payload, "
                    "updated_at_utc = excluded.updated_at_utc, "
                    "version = bot_forms.version + 1 RETURNING version",
                    (person_id, form, step, payload, now),
                )
                row = await cursor.fetchone()
                assert row is not None
                return int(row[0])
            cursor = await connection.execute(
                "UPDATE bot_forms SET step = ?, payload = ?, updated_at_utc = ?, "
                "version = version + 1 WHERE person_id = ? AND form = ? AND version = ?",
                (step, payload, now, person_id, form, read),
            )
            if cursor.rowcount != 1:
                raise FormChanged(f"{form} of {person_id} changed since version {read}")
            return read + 1

    async def of_person(self, person_id: str) -> dict[str, SavedForm]:
        """The forms ``person_id`` is filling in, by name; those older than the retention are
        forgotten already."""
        cursor = await self._reader.execute(
            "SELECT form, step, payload, version FROM bot_forms "
            "WHERE person_id = ? AND updated_at_utc >= ?",
            (person_id, to_db_time(self._now - RETENTION)),
        )
        return {row[0]: SavedForm(row[1], row[2], row[3]) for row in await cursor.fetchall()}

    async def load(self, person_id: str, form: str) -> SavedForm | None:
        return (await self.of_person(person_id)).get(form)

    async def delete(self, person_id: str, form: str) -> bool:
        """Forget the form; False if it was not there (confirmed or cancelled meanwhile)."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                "DELETE FROM bot_forms WHERE person_id = ? AND form = ?", (person_id, form)
            )
            return cursor.rowcount == 1

    async def forget_old(self) -> int:
        """Delete the forms left unfinished longer than :data:`RETENTION`; how many."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                "DELETE FROM bot_forms WHERE updated_at_utc < ?",
                (to_db_time(self._now - RETENTION),),
            )
            return cursor.rowcount
