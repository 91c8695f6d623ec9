"""Send a meeting's documents to the people convened, and put each delivery on record.

Each person receives each document once: sending again (a convocation sent once more, a
complement) reaches only those who do not have it yet. The content is read from the
documents directory and checked against its SHA-256; Telegram's ``file_id`` is only a cache
that saves the upload, and a file Telegram has forgotten is uploaded again from disk.
A confidential document goes to the members' representatives only, with its "Reçu" button.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from meetings.delivery.audience import language_of
from meetings.delivery.fanout import fan_out
from meetings.documents import DocumentDelivery, MeetingDocument, readers
from meetings.meeting import Meeting
from meetings.notifier import Attachment, Delivered, Private
from meetings.recipients import Recipient, recipients
from meetings.scope import scope_of
from meetings.services import Services
from meetings.wording.messages.documents import document_caption, received_keyboard


@dataclass(frozen=True)
class _Job:
    document: MeetingDocument
    recipient: Recipient


async def convened_people(services: Services, meeting: Meeting) -> list[Recipient]:
    return await recipients(services.roster, scope_of(services.governance, meeting))


async def deliver_documents(
    services: Services,
    meeting: Meeting,
    people: Sequence[Recipient],
    *,
    complement: bool,
    only: Sequence[MeetingDocument] | None = None,
) -> int:
    """Send the meeting's documents (or ``only`` those) to ``people``, each to those who
    should read it and do not have it yet; returns how many files were delivered.

    ``complement``: the documents come on their own, after the convocation."""
    documents = list(only) if only is not None else await services.documents.of_meeting(meeting.id)
    done = {
        (d.document_id, d.person_id, d.participant_id)
        for d in await services.documents.deliveries(meeting.id)
    }
    delivered = 0
    for document in documents:
        jobs = [
            _Job(document, r)
            for r in readers(document, people)
            if (document.id, r.person_id, r.participant_id) not in done
        ]
        delivered += await _send_one_document(services, meeting, jobs, complement)
    return delivered


async def _send_one_document(
    services: Services, meeting: Meeting, jobs: list[_Job], complement: bool
) -> int:
    if not jobs:
        return 0
    document = jobs[0].document
    content = services.files.read(document.sha256)
    groupement = services.governance.groupement(meeting.plan.groupement_id)
    file_id = document.telegram_file_id

    async def send(job: _Job) -> Delivered | None:
        language = await language_of(services, job.recipient.person_id)
        attachment = Attachment(
            document.filename,
            content,
            caption=document_caption(document, meeting, groupement, complement, language),
            keyboard=received_keyboard(document, language) if document.confidential else None,
        )
        return await services.notifier.file(Private(job.recipient.person_id), attachment, file_id)

    # The first one alone: its answer gives the file_id the others are sent by, with no
    # upload (a new file's, or a forgotten one's, uploaded again from disk).
    first = await send(jobs[0])
    if first is not None and first.file_id is not None:
        file_id = first.file_id
    outcomes = [first, *await fan_out(jobs[1:], send)]
    return await _record(services, document, jobs, outcomes, complement)


async def _record(
    services: Services,
    document: MeetingDocument,
    jobs: list[_Job],
    outcomes: list[Delivered | None],
    complement: bool,
) -> int:
    delivered = 0
    new_id = document.telegram_file_id
    for job, outcome in zip(jobs, outcomes, strict=True):
        if outcome is None:
            continue
        delivered += 1
        new_id = outcome.file_id or new_id
        await services.documents.record_delivery(
            DocumentDelivery(
                document.id,
                job.recipient.person_id,
                job.recipient.participant_id,
                services.clock(),
                complement,
                chat_id=outcome.posted.chat_id,
                message_id=outcome.posted.message_id,
            )
        )
    if new_id is not None and new_id != document.telegram_file_id:
        await services.documents.remember_file_id(document.id, new_id)
    return delivered
