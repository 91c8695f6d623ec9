"""Which of a meeting's documents were sent, and when: read from the deliveries on record,
never from the plan, so the minutes say what happened."""

from __future__ import annotations

from meetings.document_store import DocumentStore
from meetings.minutes.model import DocumentSent


async def documents_sent(store: DocumentStore, meeting_id: int) -> tuple[DocumentSent, ...]:
    deliveries = await store.deliveries(meeting_id)
    found = []
    for document in await store.of_meeting(meeting_id):
        if not document.sent_to_people:
            continue
        mine = [d for d in deliveries if d.document_id == document.id]
        first = min((d.sent_at for d in mine), default=None)
        complement = any(d.complement for d in mine if d.sent_at == first)
        found.append(DocumentSent(document, first, complement, len(mine)))
    return tuple(found)
