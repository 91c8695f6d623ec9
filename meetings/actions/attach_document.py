"""Attach a document to a meeting (or to one item of its agenda), confirm receiving one, and
see who has received which.

Permission: a coordinator of the groupement attaches and looks; the person a confidential
document was delivered to confirms it. The file is written to the documents directory before
its row, so that no record ever names a missing file; once the meeting is convened, a new
document is sent at once to the people convened, as a complement (after the commit).

A meeting's documents may be attached until its session closes; the signed scan of the
minutes, once it has closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from meetings.actions.actor import Actor
from meetings.delivery.documents import convened_people, deliver_documents
from meetings.documents import (
    DOWNLOAD_LIMIT,
    DocumentKind,
    DocumentTooLarge,
    MeetingDocument,
    MinutesNotHeld,
    NewDocument,
    NotAReceiver,
    ReceiptStatus,
    StoredDocument,
    receipt_status,
    shown_name,
)
from meetings.meeting import Meeting, MeetingState, UnknownAgendaItem, WrongMeetingState
from meetings.scope import scope_of
from meetings.services import Services

OPEN_TO_DOCUMENTS = (MeetingState.PLANNED, MeetingState.CONVENED, MeetingState.IN_SESSION)
CONVENED = (MeetingState.CONVENED, MeetingState.IN_SESSION)


@dataclass(frozen=True)
class Attached:
    document: MeetingDocument
    meeting: Meeting
    sent: int
    """People it was sent to at once, as a complement."""
    convened: bool
    """The meeting was convened already: it went out as a complement, not with the convocation."""


def _check(meeting: Meeting, kind: DocumentKind, agenda_position: int | None) -> None:
    if kind is DocumentKind.SIGNED_MINUTES:
        if meeting.state is not MeetingState.CLOSED:
            raise MinutesNotHeld(f"meeting {meeting.id} is {meeting.state}", number=meeting.id)
    elif meeting.state not in OPEN_TO_DOCUMENTS:
        raise WrongMeetingState(f"meeting {meeting.id} is {meeting.state}", meeting.state)
    items = len(meeting.plan.agenda)
    if agenda_position is not None and not 1 <= agenda_position <= items:
        raise UnknownAgendaItem(meeting.id, agenda_position, items)


async def attach_document(
    services: Services,
    actor: Actor,
    meeting_id: int,
    new: NewDocument,
    *,
    kind: DocumentKind = DocumentKind.ANNEX,
    agenda_position: int | None = None,
    confidential: bool = False,
) -> Attached:
    if len(new.content) > DOWNLOAD_LIMIT:
        raise DocumentTooLarge(f"{len(new.content)} bytes", size=len(new.content))
    async with services.database.transaction():
        meeting = await services.meetings.get(meeting_id)
        actor.require_coordinator(meeting.plan.groupement_id)
        _check(meeting, kind, agenda_position)
        sha256 = services.files.put(new.content)
        document = await services.documents.add(
            meeting.id,
            NewDocument(shown_name(new.filename), new.content, new.mime_type, new.telegram_file_id),
            sha256,
            kind=kind,
            agenda_position=agenda_position,
            confidential=confidential and kind is DocumentKind.ANNEX,
            added_by=actor.person_id,
        )
    convened = meeting.state in CONVENED and document.sent_to_people
    sent = 0
    if convened:
        people = await convened_people(services, meeting)
        sent = await deliver_documents(services, meeting, people, complement=True, only=[document])
    return Attached(document, meeting, sent, convened)


@dataclass(frozen=True)
class Confirmed:
    at: datetime
    """The first press on record: pressing again changes nothing."""
    zone: ZoneInfo
    """The groupement's, to say the time in."""


async def confirm_received(services: Services, person_id: str, document_id: int) -> Confirmed:
    """``person_id`` pressed "Reçu" under document ``document_id``."""
    document = await services.documents.get(document_id)
    at = services.clock()
    if not await services.documents.mark_received(document.id, person_id, at):
        raise NotAReceiver(f"{person_id} never received document {document_id}")
    deliveries = await services.documents.deliveries(document.meeting_id)
    mine = [d for d in deliveries if d.document_id == document.id and d.person_id == person_id]
    first = min((d.received_at for d in mine if d.received_at is not None), default=at)
    meeting = await services.meetings.get(document.meeting_id)
    return Confirmed(first, scope_of(services.governance, meeting).zone)


async def receipts_of(
    services: Services, actor: Actor, meeting_id: int
) -> tuple[Meeting, list[ReceiptStatus], dict[str, str]]:
    """Per document of the meeting: who received it, who pressed "Reçu", who has not; and
    the name of each person concerned, since a member's titulaire and suppléant both read."""
    meeting = await services.meetings.get(meeting_id)
    actor.require_coordinator(meeting.plan.groupement_id)
    deliveries = await services.documents.deliveries(meeting_id)
    people = await convened_people(services, meeting)
    documents = await services.documents.of_meeting(meeting_id)
    names = {}
    for person_id in {p.person_id for p in people} | {d.person_id for d in deliveries}:
        person = await services.roster.person(person_id)
        if person is not None:
            names[person_id] = person.display_name
    return meeting, [receipt_status(d, deliveries, people) for d in documents], names


async def stored_documents(services: Services, meeting_id: int) -> list[StoredDocument]:
    """The meeting's documents and their files on disk (for the archive); read-only, no
    permission: the caller is the command line, run by the operator."""
    return [
        StoredDocument(document, services.files.path_of(document.sha256))
        for document in await services.documents.of_meeting(meeting_id)
    ]
