"""What an archive holds: entries (a path, bytes, what they are) produced by sources.

A source is anything with ``async def entries(self, year: ArchiveYear) -> Sequence[ArchiveEntry]``
(:class:`ArchiveSource`): it reads what it needs from the :class:`ArchiveYear` (the minutes and
records already built from the database, and the services for anything else) and returns its
files. The archive sorts every entry by path, so a source need not care where its files land
among the others'.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from config.models import Groupement
from meetings.meeting import Meeting, Reply
from meetings.minutes.model import ConsultationRecord, Minutes
from meetings.services import Services
from voting.ballot import Ballot
from voting.refusal import Refused


@dataclass(frozen=True)
class ArchiveEntry:
    path: str
    """Its place in the zip, ``/`` between folders: ``reunions/…/pv-reunion-3.pdf``."""
    content: bytes
    kind: str
    """A stable code for machines (``minutes``, ``chart``, ``attendance``…), in index.csv."""
    description: str
    """What the file is, for a person, in the archive's language."""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size(self) -> int:
        return len(self.content)


class AlteredFile(Refused):
    """A stored file whose bytes no longer match the SHA-256 recorded when it was added: the
    archive is not written rather than hand an auditor a file that is not the one recorded."""

    code = "archive.altered_file"


def stored_entry(
    path: str, content: bytes, recorded_sha256: str, kind: str, description: str
) -> ArchiveEntry:
    """The entry of a file kept on disk (an attached document, a signed scan), checked
    against the SHA-256 recorded when it was stored."""
    entry = ArchiveEntry(path, content, kind, description)
    if entry.sha256 != recorded_sha256.lower():
        raise AlteredFile(
            f"{path}: SHA-256 {entry.sha256}, recorded {recorded_sha256}",
            path=path,
            found=entry.sha256,
            recorded=recorded_sha256,
        )
    return entry


@dataclass(frozen=True)
class ArchiveYear:
    """One groupement's year, as every source sees it: read from the database once."""

    services: Services
    groupement: Groupement
    year: int
    language: str
    """The language of the index and of the descriptions; the documents stay in French."""
    stamp: datetime
    """The moment the archive speaks as of: the latest moment the year's records hold. The
    documents are dated with it and the zip's entries carry it, so the same database gives
    the same bytes."""
    meetings: tuple[Meeting, ...]
    """The meetings whose session opened, held in ``year`` (local dates), in date order."""
    minutes: tuple[Minutes, ...]
    """Their minutes, in the same order (a draft while the session is open)."""
    replies: Mapping[int, Mapping[str, Reply]]
    """Each meeting's replies to its convocation, by meeting id."""
    records: tuple[ConsultationRecord, ...]
    """The written consultations decided (or, still open, opened) in ``year``."""

    @property
    def zone(self) -> ZoneInfo:
        return self.groupement.groupement.tzinfo

    def meeting_folder(self, meeting: Meeting) -> str:
        """``reunions/2026-12-15-cogouv-3``: where a meeting's files go."""
        day = meeting.plan.starts_at.astimezone(self.zone).date()
        return f"reunions/{day.isoformat()}-{meeting.plan.instance_id}-{meeting.id}"

    def consultation_folder(self, ballot: Ballot) -> str:
        """``consultations/2026-05-04-ag-12``: where a written consultation's files go."""
        opened = ballot.opened_at or ballot.created_at
        day = opened.astimezone(self.zone).date()
        return f"consultations/{day.isoformat()}-{ballot.draft.instance_id}-{ballot.id}"

    def folder_of(self, ballot: Ballot) -> str:
        """The folder of the meeting that held ``ballot``, or of the consultation it is."""
        for meeting in self.meetings:
            if meeting.id == ballot.draft.meeting_id:
                return self.meeting_folder(meeting)
        return self.consultation_folder(ballot)


class ArchiveSource(Protocol):
    """Something that contributes files to a groupement's yearly archive."""

    async def entries(self, year: ArchiveYear) -> Sequence[ArchiveEntry]: ...
