"""The votes on disk: participation apart from the ballot box, and the box as a hash chain.

- ``participation``: who voted, for which member, through which person, when, and with which
  button press (Telegram's callback query id). While the ballot is open, each row also points
  to the box entry that press wrote: a change of vote needs to know the member's last choice.
- ``ballot_box``: the choices with their weight, each one an entry of the ballot's hash chain
  (:mod:`voting.ledger`). Append-only.
- ``ballot_keys``: the hash of the ballot's terms, where the chain starts, and, for a secret
  ballot while it is open, the random key of its pseudonyms.

A public ballot keeps all of it. When a secret ballot closes (or is cancelled), :meth:`seal`
destroys the link in the closing transaction: the key is dropped, and the participation rows
become one row per member (with the person who cast the vote that counts), with no time, no
press and no box entry, in the order of the member ids. :meth:`checkpoint`, run after the
commit, makes the deleted rows unrecoverable: on SQLite (``secure_delete``) it empties the
write-ahead log, which still holds the old pages; on PostgreSQL it vacuums the dead rows
(but for any a snapshot still running sees, which a later vacuum takes; README, Storage).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from voting.db import Row, Store, from_db_time, inserted_id, to_db_time
from voting.ledger import (
    KEY_BYTES,
    NONCE_BYTES,
    ChainEntry,
    next_entry,
    normalized_receipt,
    pseudonym,
    terms_hash,
    weight_text,
)

COMPONENT = "ledger"

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE ballot_keys (
        ballot_id INTEGER PRIMARY KEY REFERENCES ballots (id),
        terms_hash TEXT NOT NULL,
        pseudonym_key BLOB
    );
    CREATE TABLE ballot_box (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ballot_id INTEGER NOT NULL REFERENCES ballots (id),
        voter TEXT NOT NULL,
        option TEXT NOT NULL,
        weight TEXT NOT NULL,
        nonce TEXT NOT NULL,
        previous TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE
    );
    CREATE INDEX box_by_ballot ON ballot_box (ballot_id, id);
    CREATE TRIGGER box_is_not_updated BEFORE UPDATE ON ballot_box
    BEGIN SELECT RAISE(ABORT, 'the ballot box is append-only'); END;
    CREATE TRIGGER box_is_not_deleted BEFORE DELETE ON ballot_box
    BEGIN SELECT RAISE(ABORT, 'the ballot box is append-only'); END;
    CREATE TABLE participation (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ballot_id INTEGER NOT NULL REFERENCES ballots (id),
        member_id TEXT NOT NULL,
        cast_by TEXT NOT NULL,
        cast_at_utc TEXT,
        callback_id TEXT,
        entry_id INTEGER REFERENCES ballot_box (id)
    );
    CREATE INDEX participation_by_member ON participation (ballot_id, member_id, id);
    CREATE UNIQUE INDEX one_row_per_press ON participation (callback_id)
        WHERE callback_id IS NOT NULL;
    """,
)


@dataclass(frozen=True)
class Press:
    """One recorded vote of a member, as participation and the box hold it while linked."""

    id: int
    member_id: str
    cast_by: str
    cast_at: datetime | None
    entry: ChainEntry | None
    """None once a secret ballot closed: nothing links the member to its choice any more."""
    previous_option: str | None = None


def _entry(row: Row) -> ChainEntry:
    return ChainEntry(
        row["voter"],
        row["option"],
        Decimal(row["weight"]),
        row["nonce"],
        row["previous"],
        row["hash"],
    )


_PRESSES = """
    SELECT p.id, p.member_id, p.cast_by, p.cast_at_utc, b.voter, b.option, b.weight, b.nonce,
           b.previous, b.hash
    FROM participation AS p LEFT JOIN ballot_box AS b ON b.id = p.entry_id
"""


def _press(row: Row) -> Press:
    return Press(
        row["id"],
        row["member_id"],
        row["cast_by"],
        from_db_time(row["cast_at_utc"]),
        None if row["hash"] is None else _entry(row),
    )


@dataclass(frozen=True)
class ChainTip:
    """What the next vote of a member needs: where the chain ends, the ballot's pseudonym key,
    the member's latest choice, and whether its press was recorded already."""

    last_hash: str
    """The last entry's hash, or the terms' hash while the chain is empty."""
    pseudonym_key: bytes | None
    last_option: str | None
    pressed: bool


_TIP = """
    SELECT k.terms_hash, k.pseudonym_key,
        (SELECT hash FROM ballot_box WHERE ballot_id = k.ballot_id
         ORDER BY id DESC LIMIT 1) AS last_hash,
        (SELECT b.option FROM participation AS p LEFT JOIN ballot_box AS b ON b.id = p.entry_id
         WHERE p.ballot_id = k.ballot_id AND p.member_id = ?
         ORDER BY p.id DESC LIMIT 1) AS last_option,
        (SELECT 1 FROM participation WHERE callback_id = ? AND ballot_id = k.ballot_id) AS pressed
    FROM ballot_keys AS k WHERE k.ballot_id = ?
"""


class VoteLedger(Store):
    """Participation and the ballot box of every ballot; the ballot store drives it."""

    COMPONENT = COMPONENT
    MIGRATIONS = MIGRATIONS

    async def start(self, ballot_id: int, terms: Mapping[str, Any], secret: bool) -> None:
        """At the opening: where the chain starts, and a secret ballot's pseudonym key."""
        key = secrets.token_bytes(KEY_BYTES) if secret else None
        async with self.database.transaction() as connection:
            await connection.execute(
                "INSERT INTO ballot_keys (ballot_id, terms_hash, pseudonym_key) VALUES (?, ?, ?)",
                (ballot_id, terms_hash(terms), key),
            )

    async def genesis(self, ballot_id: int) -> str | None:
        cursor = await self._reader.execute(
            "SELECT terms_hash FROM ballot_keys WHERE ballot_id = ?", (ballot_id,)
        )
        row = await cursor.fetchone()
        return None if row is None else str(row["terms_hash"])

    async def pressed(self, ballot_id: int, callback_id: str) -> Press | None:
        """The vote a press already recorded, with the option its member had before it."""
        cursor = await self._reader.execute(
            f"{_PRESSES} WHERE p.callback_id = ? AND p.ballot_id = ?", (callback_id, ballot_id)
        )
        row = await cursor.fetchone()
        if row is None or row["hash"] is None:
            return None
        press = _press(row)
        before = await self._last_option(ballot_id, press.member_id, before=press.id)
        return replace(press, previous_option=before)

    async def last_option(self, ballot_id: int, member_id: str) -> str | None:
        """The member's effective choice while the ballot is linked; None if it has not voted."""
        return await self._last_option(ballot_id, member_id, before=None)

    async def _last_option(self, ballot_id: int, member_id: str, before: int | None) -> str | None:
        earlier, params = "", [ballot_id, member_id]
        if before is not None:
            earlier, params = " AND p.id < ?", [ballot_id, member_id, before]
        cursor = await self._reader.execute(
            f"{_PRESSES} WHERE p.ballot_id = ? AND p.member_id = ?{earlier} "
            "ORDER BY p.id DESC LIMIT 1",
            params,
        )
        row = await cursor.fetchone()
        return None if row is None or row["option"] is None else str(row["option"])

    async def tip(
        self, ballot_id: int, member_id: str, callback_id: str | None = None
    ) -> ChainTip | None:
        """In one read, what a vote's transaction needs of the ledger; None for a ballot that
        was never opened. Run inside the transaction that appends: the tip must not move."""
        # One trip to the database's thread, not two: execute and fetch together.
        rows = list(await self._reader.execute_fetchall(_TIP, (member_id, callback_id, ballot_id)))
        if not rows:
            return None
        row = rows[0]
        return ChainTip(
            row["last_hash"] or row["terms_hash"],
            row["pseudonym_key"],
            row["last_option"],
            row["pressed"] is not None,
        )

    async def append(
        self,
        ballot_id: int,
        member_id: str,
        option: str,
        weight: Decimal,
        cast_by: str,
        at: datetime,
        callback_id: str | None = None,
        tip: ChainTip | None = None,
    ) -> Press:
        """A new entry at the end of the chain, and the participation row of its press.

        ``tip`` is the chain's end as :meth:`tip` read it in the same transaction."""
        async with self.database.transaction() as connection:
            if tip is None:
                tip = await self.tip(ballot_id, member_id)
            assert tip is not None, f"ballot {ballot_id} was opened without its ledger"
            key = tip.pseudonym_key
            voter = member_id if key is None else pseudonym(key, member_id)
            previous = tip.last_hash
            nonce = secrets.token_hex(NONCE_BYTES)
            entry = next_entry(ballot_id, voter, option, weight, nonce, previous)
            entry_id = await inserted_id(
                connection,
                """INSERT INTO ballot_box (ballot_id, voter, option, weight, nonce, previous, hash)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (ballot_id, voter, option, weight_text(weight), nonce, previous, entry.hash),
            )
            press_id = await inserted_id(
                connection,
                """INSERT INTO participation
                       (ballot_id, member_id, cast_by, cast_at_utc, callback_id, entry_id)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                (ballot_id, member_id, cast_by, to_db_time(at), callback_id, entry_id),
            )
            return Press(press_id, member_id, cast_by, at, entry)

    async def presses(self, ballot_id: int) -> list[Press]:
        """Every participation row in order; a sealed secret ballot's have no entry or time."""
        cursor = await self._reader.execute(
            f"{_PRESSES} WHERE p.ballot_id = ? ORDER BY p.id", (ballot_id,)
        )
        return [_press(row) for row in await cursor.fetchall()]

    async def effective(self, ballot_id: int) -> dict[str, str]:
        """Each member's latest choice, while the link exists (always, for a public ballot)."""
        latest: dict[str, str] = {}
        for press in await self.presses(ballot_id):
            if press.entry is not None:
                latest[press.member_id] = press.entry.option
        return dict(sorted(latest.items()))

    async def voted(self, ballot_id: int) -> list[str]:
        """The members that voted, in the order of their ids."""
        cursor = await self._reader.execute(
            "SELECT DISTINCT member_id FROM participation WHERE ballot_id = ? ORDER BY member_id",
            (ballot_id,),
        )
        return [row["member_id"] for row in await cursor.fetchall()]

    async def chain(self, ballot_id: int) -> list[ChainEntry]:
        cursor = await self._reader.execute(
            "SELECT * FROM ballot_box WHERE ballot_id = ? ORDER BY id", (ballot_id,)
        )
        return [_entry(row) for row in await cursor.fetchall()]

    async def receipt(self, code: str) -> tuple[int, ChainEntry] | None:
        """The ballot and entry whose hash a receipt code starts; None if none does."""
        prefix = normalized_receipt(code)
        if prefix is None:
            return None
        cursor = await self._reader.execute(
            "SELECT * FROM ballot_box WHERE hash >= ? AND hash < ? ORDER BY id LIMIT 1",
            (prefix, prefix + "g"),
        )
        row = await cursor.fetchone()
        return None if row is None else (int(row["ballot_id"]), _entry(row))

    async def seal(self, ballot_id: int) -> None:
        """Destroy the link between the members and their choices in a secret ballot.

        Kept: who voted, and the person who cast the vote that counts. Gone: the pseudonym key,
        the times, the press ids, the pointer to each press's entry, the order of the presses,
        and how many there were: two persons kept for one member would say it pressed twice,
        and so which pseudonym of the box, with its several entries, is that member's. Runs
        inside the closing (or cancelling) transaction.
        """
        async with self.database.transaction() as connection:
            await connection.execute(
                "UPDATE ballot_keys SET pseudonym_key = NULL WHERE ballot_id = ?", (ballot_id,)
            )
            cursor = await connection.execute(
                """SELECT member_id, cast_by FROM participation AS p
                   WHERE ballot_id = ? AND id = (
                       SELECT max(id) FROM participation
                       WHERE ballot_id = p.ballot_id AND member_id = p.member_id
                   )
                   ORDER BY member_id""",
                (ballot_id,),
            )
            kept = [(row["member_id"], row["cast_by"]) for row in await cursor.fetchall()]
            await connection.execute("DELETE FROM participation WHERE ballot_id = ?", (ballot_id,))
            await connection.executemany(
                "INSERT INTO participation (ballot_id, member_id, cast_by) VALUES (?, ?, ?)",
                [(ballot_id, member, person) for member, person in kept],
            )

    async def checkpoint(self) -> bool:
        """Make the rows a seal deleted unrecoverable from the database's files (after the
        commit): SQLite's write-ahead log is emptied, PostgreSQL's dead rows vacuumed.

        False inside a transaction, where it cannot run; the next checkpoint does it.
        """
        return await self.database.forget_deleted(("participation", "ballot_keys"))
