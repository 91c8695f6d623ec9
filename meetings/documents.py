"""The documents that go with a meeting: a budget, a report, the previous minutes, and the
signed scan of the meeting's own minutes.

A document belongs to a meeting, or to one item of its agenda. Its content is identified by
its SHA-256 and kept on disk (:mod:`meetings.document_files`), so that the record never
depends on Telegram remembering a file. A confidential document (the analysis of bids that
seed 004 communicates "pour information … avant toute décision d'attribution") reaches only
the members' representatives, titulaires and suppléants: never a group, never an advisory
participant.

Telegram tells a bot nothing about whether a private message was read, so the receipt of a
confidential document is its reader's press on "Reçu", recorded with its time.

Pure: no I/O here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from meetings.recipients import Recipient
from voting.refusal import Refused

DOWNLOAD_LIMIT = 20 * 1024 * 1024
"""The largest file the Bot API lets a bot download (``getFile``): 20 MB."""

NAME_LIMIT = 120
"""A file name longer than this is shortened (its extension kept) before it is shown."""


class DocumentKind(StrEnum):
    ANNEX = "annex"
    """A document sent with the convocation, or as a complement."""
    SIGNED_MINUTES = "signed_minutes"
    """The scan of the minutes as signed: kept with the meeting, sent to nobody."""


class DocumentError(Refused):
    code = "document_error"


class DocumentTooLarge(DocumentError):
    code = "document_too_large"


class DocumentNotFound(DocumentError):
    code = "document_not_found"


class DocumentCorrupted(DocumentError):
    """The file on disk no longer has the SHA-256 on record: it is not handed out."""

    code = "document_corrupted"


class NotAReceiver(DocumentError):
    """A press on "Reçu" by someone the document was not delivered to."""

    code = "not_a_receiver"


class MinutesNotHeld(DocumentError):
    """A signed scan of minutes for a meeting whose session was never held."""

    code = "minutes_not_held"


@dataclass(frozen=True)
class NewDocument:
    """A file as received, before it is on record."""

    filename: str
    content: bytes
    mime_type: str | None
    telegram_file_id: str | None = None


@dataclass(frozen=True)
class MeetingDocument:
    id: int
    meeting_id: int
    agenda_position: int | None
    """The agenda item (from 1) it goes with; None for the meeting as a whole."""
    kind: DocumentKind
    confidential: bool
    filename: str
    mime_type: str | None
    size: int
    sha256: str
    added_by: str
    """The person id of the coordinator who sent it."""
    added_at: datetime
    telegram_file_id: str | None = None
    """Telegram's id of the uploaded file: resending by id costs no upload. A cache only."""

    @property
    def sent_to_people(self) -> bool:
        return self.kind is DocumentKind.ANNEX


@dataclass(frozen=True)
class DocumentDelivery:
    """One document delivered to one person, for one member or advisory participant."""

    document_id: int
    person_id: str
    participant_id: str
    sent_at: datetime
    complement: bool
    """Sent after the convocation, on its own."""
    received_at: datetime | None = None
    """When the person pressed "Reçu" (confidential documents only)."""
    chat_id: int | None = None
    message_id: int | None = None


@dataclass(frozen=True)
class StoredDocument:
    """A document and where its content is on disk: for the archive."""

    document: MeetingDocument
    path: Path


def readers(document: MeetingDocument, convened: Sequence[Recipient]) -> list[Recipient]:
    """Who receives ``document`` among the people convened: everyone, or for a confidential
    one the members' representatives only (never an advisory participant). A signed scan of
    minutes is sent to nobody."""
    if not document.sent_to_people:
        return []
    if document.confidential:
        return [r for r in convened if not r.advisory]
    return list(convened)


def complement(document: MeetingDocument, convened_at: datetime | None) -> bool:
    """Whether ``document`` is a complement: added once the convocation was sent."""
    return convened_at is not None and document.added_at > convened_at


def shown_name(filename: str) -> str:
    """The file name as it is shown and sent: no directory, no control character, at most
    :data:`NAME_LIMIT` characters with its extension kept."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip() or "document"
    if len(name) <= NAME_LIMIT:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 10:
        return name[: NAME_LIMIT - 1] + "…"
    return stem[: NAME_LIMIT - len(extension) - 2] + "…." + extension


@dataclass(frozen=True)
class ReceiptStatus:
    """Who received a document and who confirmed it."""

    document: MeetingDocument
    deliveries: tuple[DocumentDelivery, ...]
    not_delivered: tuple[Recipient, ...]
    """People who should have it and whom it has not reached."""

    @property
    def confirmed(self) -> tuple[DocumentDelivery, ...]:
        return tuple(d for d in self.deliveries if d.received_at is not None)

    @property
    def unconfirmed(self) -> tuple[DocumentDelivery, ...]:
        return tuple(d for d in self.deliveries if d.received_at is None)


def receipt_status(
    document: MeetingDocument,
    deliveries: Sequence[DocumentDelivery],
    convened: Sequence[Recipient],
) -> ReceiptStatus:
    mine = tuple(d for d in deliveries if d.document_id == document.id)
    reached = {(d.person_id, d.participant_id) for d in mine}
    missing = tuple(
        r for r in readers(document, convened) if (r.person_id, r.participant_id) not in reached
    )
    return ReceiptStatus(document, mine, missing)
