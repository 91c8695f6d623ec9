"""The archive's attached documents: each meeting's annexes and signed scans of its minutes,
read from the documents directory and checked against the SHA-256 recorded when they were
added, so that an auditor never receives a file other than the one the members got."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from meetings.actions.attach_document import stored_documents
from meetings.archive.entries import AlteredFile, ArchiveEntry, ArchiveYear, stored_entry
from meetings.documents import DocumentKind, MeetingDocument, shown_name
from meetings.wording.i18n import translator


def _content(path: Path, archived_as: str, recorded: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise AlteredFile(
            f"{archived_as}: no file at {path}", path=archived_as, found="-", recorded=recorded
        ) from None


def _description(document: MeetingDocument, language: str) -> str:
    _ = translator(language)
    if document.kind is DocumentKind.SIGNED_MINUTES:
        text = _("Scan of the signed minutes of meeting no. {number}")
    elif document.agenda_position is None:
        text = (
            _("Confidential document of meeting no. {number}: {name}")
            if document.confidential
            else _("Document of meeting no. {number}: {name}")
        )
    else:
        text = (
            _("Confidential document of meeting no. {number}, item {item}: {name}")
            if document.confidential
            else _("Document of meeting no. {number}, item {item}: {name}")
        )
    return text.format(
        number=document.meeting_id,
        item=document.agenda_position,
        name=shown_name(document.filename),
    )


@dataclass(frozen=True)
class DocumentSource:
    """Every document attached to a meeting of the year, as stored."""

    async def entries(self, year: ArchiveYear) -> Sequence[ArchiveEntry]:
        found = []
        for meeting in year.meetings:
            for stored in await stored_documents(year.services, meeting.id):
                document = stored.document
                name = f"{document.id}-{shown_name(document.filename)}"
                path = f"{year.meeting_folder(meeting)}/documents/{name}"
                found.append(
                    stored_entry(
                        path,
                        _content(stored.path, path, document.sha256),
                        document.sha256,
                        document.kind.value,
                        _description(document, year.language),
                    )
                )
        return found
