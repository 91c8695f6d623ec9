"""What happens to a meeting's minutes after the session, on disk: their approval by a later
meeting, the signatures of the chair and the secretary, and their sending to the members.

Each is written once: a second approval, signature or sending of the same minutes writes
nothing, so an update that arrives twice changes nothing the second time.
"""

from __future__ import annotations

from datetime import datetime

from meetings.approval import Approval, Signatory, Signature
from voting.db import Row, Store, from_db_time, required_db_time, to_db_time

COMPONENT = "minutes"

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE minutes_approvals (
        meeting_id INTEGER PRIMARY KEY,
        approving_meeting_id INTEGER NOT NULL,
        ballot_id INTEGER NOT NULL,
        reference TEXT,
        approved_at_utc TEXT NOT NULL
    );
    CREATE TABLE minutes_signatures (
        meeting_id INTEGER NOT NULL,
        signatory TEXT NOT NULL CHECK (signatory IN ('chair', 'secretary')),
        person_id TEXT NOT NULL,
        name TEXT NOT NULL,
        signed_at_utc TEXT NOT NULL,
        PRIMARY KEY (meeting_id, signatory)
    );
    CREATE TABLE minutes_sendings (
        meeting_id INTEGER PRIMARY KEY,
        sent_at_utc TEXT NOT NULL
    );
    """,
)


class MinutesStore(Store):
    COMPONENT = COMPONENT
    MIGRATIONS = MIGRATIONS

    async def approve(self, approval: Approval) -> bool:
        """Record the approval; False if the minutes were approved already."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                """INSERT INTO minutes_approvals (meeting_id, approving_meeting_id,
                       ballot_id, reference, approved_at_utc) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT DO NOTHING""",
                (
                    approval.minutes_of,
                    approval.meeting_id,
                    approval.ballot_id,
                    approval.reference,
                    to_db_time(approval.approved_at),
                ),
            )
            return cursor.rowcount == 1

    async def approval(self, meeting_id: int) -> Approval | None:
        cursor = await self._reader.execute(
            "SELECT * FROM minutes_approvals WHERE meeting_id = ?", (meeting_id,)
        )
        row = await cursor.fetchone()
        return None if row is None else _approval(row)

    async def approved(self) -> set[int]:
        """The meetings whose minutes are approved."""
        cursor = await self._reader.execute("SELECT meeting_id FROM minutes_approvals")
        return {row[0] for row in await cursor.fetchall()}

    async def sign(
        self, meeting_id: int, signatory: Signatory, person_id: str, name: str
    ) -> Signature | None:
        """Record a signature; None if this signatory has signed already."""
        now = self._now
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                """INSERT INTO minutes_signatures (meeting_id, signatory, person_id,
                       name, signed_at_utc) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                (meeting_id, signatory.value, person_id, name, to_db_time(now)),
            )
            if cursor.rowcount != 1:
                return None
        return Signature(meeting_id, signatory, person_id, name, now)

    async def signatures(self, meeting_id: int) -> list[Signature]:
        """The signatures of a meeting's minutes: the chair's first, then the secretary's."""
        cursor = await self._reader.execute(
            """SELECT * FROM minutes_signatures WHERE meeting_id = ?
               ORDER BY signatory = 'secretary'""",
            (meeting_id,),
        )
        return [
            Signature(
                meeting_id=row["meeting_id"],
                signatory=Signatory(row["signatory"]),
                person_id=row["person_id"],
                name=row["name"],
                signed_at=required_db_time(row["signed_at_utc"]),
            )
            for row in await cursor.fetchall()
        ]

    async def claim_sending(self, meeting_id: int) -> bool:
        """Mark the final minutes as sent; False if they were already: they go out once."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                "INSERT INTO minutes_sendings (meeting_id, sent_at_utc) VALUES (?, ?) "
                "ON CONFLICT DO NOTHING",
                (meeting_id, to_db_time(self._now)),
            )
            return cursor.rowcount == 1

    async def sent_at(self, meeting_id: int) -> datetime | None:
        cursor = await self._reader.execute(
            "SELECT sent_at_utc FROM minutes_sendings WHERE meeting_id = ?", (meeting_id,)
        )
        row = await cursor.fetchone()
        return None if row is None else from_db_time(row[0])


def _approval(row: Row) -> Approval:
    return Approval(
        minutes_of=row["meeting_id"],
        meeting_id=row["approving_meeting_id"],
        ballot_id=row["ballot_id"],
        reference=row["reference"],
        approved_at=required_db_time(row["approved_at_utc"]),
    )
