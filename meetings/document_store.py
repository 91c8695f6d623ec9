"""The documents of meetings on record, and each delivery of one to one person.

The content is on disk (:mod:`meetings.document_files`); these tables hold what it is (name,
type, size, SHA-256), who added it and when, the Telegram ``file_id`` cached to resend it
without an upload, and for each person the time it was sent and, for a confidential one,
the time they pressed "Reçu".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from meetings.documents import (
    DocumentDelivery,
    DocumentKind,
    DocumentNotFound,
    MeetingDocument,
    NewDocument,
)
from voting.db import Store, from_db_time, inserted_id, required_db_time, to_db_time

COMPONENT = "documents"

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meeting_documents (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL,
        agenda_position INTEGER CHECK (agenda_position IS NULL OR agenda_position >= 1),
        kind TEXT NOT NULL CHECK (kind IN ('annex', 'signed_minutes')),
        confidential INTEGER NOT NULL CHECK (confidential IN (0, 1)),
        filename TEXT NOT NULL,
        mime_type TEXT,
        size INTEGER NOT NULL CHECK (size >= 0),
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        added_by TEXT NOT NULL,
        added_at_utc TEXT NOT NULL,
        telegram_file_id TEXT
    );
    CREATE INDEX meeting_documents_by_meeting ON meeting_documents (meeting_id);
    CREATE TABLE document_deliveries (
        document_id INTEGER NOT NULL REFERENCES meeting_documents (id),
        person_id TEXT NOT NULL,
        participant_id TEXT NOT NULL,
        sent_at_utc TEXT NOT NULL,
        complement INTEGER NOT NULL CHECK (complement IN (0, 1)),
        chat_id INTEGER,
        message_id INTEGER,
        received_at_utc TEXT,
        PRIMARY KEY (document_id, person_id, participant_id)
    );
    """,
)

_COLUMNS = (
    "id, meeting_id, agenda_position, kind, confidential, filename, mime_type, size, sha256, "
    "added_by, added_at_utc, telegram_file_id"
)
_DELIVERY_COLUMNS = (
    "d.document_id, d.person_id, d.participant_id, d.sent_at_utc, d.complement, "
    "d.received_at_utc, d.chat_id, d.message_id"
)


def _document(row: Sequence[object]) -> MeetingDocument:
    return MeetingDocument(
        id=int(str(row[0])),
        meeting_id=int(str(row[1])),
        agenda_position=None if row[2] is None else int(str(row[2])),
        kind=DocumentKind(str(row[3])),
        confidential=bool(row[4]),
        filename=str(row[5]),
        mime_type=None if row[6] is None else str(row[6]),
        size=int(str(row[7])),
        sha256=str(row[8]),
        added_by=str(row[9]),
        added_at=required_db_time(str(row[10])),
        telegram_file_id=None if row[11] is None else str(row[11]),
    )


def _delivery(row: Sequence[object]) -> DocumentDelivery:
    return DocumentDelivery(
        document_id=int(str(row[0])),
        person_id=str(row[1]),
        participant_id=str(row[2]),
        sent_at=required_db_time(str(row[3])),
        complement=bool(row[4]),
        received_at=from_db_time(None if row[5] is None else str(row[5])),
        chat_id=None if row[6] is None else int(str(row[6])),
        message_id=None if row[7] is None else int(str(row[7])),
    )


class DocumentStore(Store):
    COMPONENT = COMPONENT
    MIGRATIONS = MIGRATIONS

    async def add(
        self,
        meeting_id: int,
        new: NewDocument,
        sha256: str,
        *,
        kind: DocumentKind,
        agenda_position: int | None,
        confidential: bool,
        added_by: str,
    ) -> MeetingDocument:
        async with self.database.transaction() as connection:
            document_id = await inserted_id(
                connection,
                """INSERT INTO meeting_documents
                       (meeting_id, agenda_position, kind, confidential, filename, mime_type,
                        size, sha256, added_by, added_at_utc, telegram_file_id)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    meeting_id,
                    agenda_position,
                    kind.value,
                    int(confidential),
                    new.filename,
                    new.mime_type,
                    len(new.content),
                    sha256,
                    added_by,
                    to_db_time(self._now),
                    new.telegram_file_id,
                ),
            )
            return await self.get(document_id)

    async def get(self, document_id: int) -> MeetingDocument:
        cursor = await self._reader.execute(
            f"SELECT {_COLUMNS} FROM meeting_documents WHERE id = ?", (document_id,)
        )
        row = await cursor.fetchone()
        if row is None:
            raise DocumentNotFound(f"no document {document_id}", number=document_id)
        return _document(tuple(row))

    async def of_meeting(self, meeting_id: int) -> list[MeetingDocument]:
        """The meeting's documents, in the order they were added."""
        cursor = await self._reader.execute(
            f"SELECT {_COLUMNS} FROM meeting_documents WHERE meeting_id = ? ORDER BY id",
            (meeting_id,),
        )
        return [_document(tuple(row)) for row in await cursor.fetchall()]

    async def remember_file_id(self, document_id: int, file_id: str) -> None:
        async with self.database.transaction() as connection:
            await connection.execute(
                "UPDATE meeting_documents SET telegram_file_id = ? WHERE id = ?",
                (file_id, document_id),
            )

    async def record_delivery(self, delivery: DocumentDelivery) -> None:
        async with self.database.transaction() as connection:
            await connection.execute(
                """INSERT INTO document_deliveries
                       (document_id, person_id, participant_id, sent_at_utc, complement,
                        chat_id, message_id)
                   VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                (
                    delivery.document_id,
                    delivery.person_id,
                    delivery.participant_id,
                    to_db_time(delivery.sent_at),
                    int(delivery.complement),
                    delivery.chat_id,
                    delivery.message_id,
                ),
            )

    async def deliveries(self, meeting_id: int) -> list[DocumentDelivery]:
        """Every delivery of the meeting's documents, in the order they were sent."""
        cursor = await self._reader.execute(
            f"""SELECT {_DELIVERY_COLUMNS} FROM document_deliveries d
                JOIN meeting_documents m ON m.id = d.document_id
                WHERE m.meeting_id = ? ORDER BY d.sent_at_utc, d.document_id, d.person_id""",
            (meeting_id,),
        )
        return [_delivery(tuple(row)) for row in await cursor.fetchall()]

    async def mark_received(self, document_id: int, person_id: str, at: datetime) -> bool:
        """Record ``person_id``'s press on "Reçu" (the first one counts); False if the
        document was never delivered to them."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                "SELECT 1 FROM document_deliveries WHERE document_id = ? AND person_id = ?",
                (document_id, person_id),
            )
            if await cursor.fetchone() is None:
                return False
            await connection.execute(
                """UPDATE document_deliveries SET received_at_utc = ?
                   WHERE document_id = ? AND person_id = ? AND received_at_utc IS NULL""",
                (to_db_time(at), document_id, person_id),
            )
        return True
