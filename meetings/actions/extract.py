"""The extract of one deliberation of a meeting, as a PDF, for a member's own assembly.

Read-only. Who may have it: anyone of the groupement, in a private chat (as the minutes),
once the session that took the deliberation is closed. :func:`extract_pdf` gives it from the
database alone, for the archive and the command line.
"""

from __future__ import annotations

import asyncio
from collections.abc import Set
from dataclasses import dataclass
from datetime import datetime

from meetings.actions.documents import meeting_minutes
from meetings.meeting import MeetingState
from meetings.minutes.extract import Extract, extract_document
from meetings.services import Services
from voting.ballot import BallotNotFound, BallotState
from voting.refusal import Refused


class NoSuchDeliberation(Refused):
    """No ballot of that number decided a motion in a session that is closed."""

    code = "extract.no_deliberation"


@dataclass(frozen=True)
class ExtractFile:
    filename: str
    pdf: bytes
    reference: str


async def build_extract(
    services: Services, ballot_id: int, visible: Set[str] | None = None
) -> Extract:
    """The extract of the deliberation ballot ``ballot_id`` decided, among the ``visible``
    groupements (all of them by default)."""
    try:
        ballot = await services.ballots.get(ballot_id)
    except BallotNotFound:
        raise NoSuchDeliberation(f"no ballot {ballot_id}", number=ballot_id) from None
    meeting_id = ballot.draft.meeting_id
    mine = visible is None or ballot.draft.groupement_id in visible
    decided = ballot.state is BallotState.CLOSED and ballot.deliberation is not None
    if not (mine and decided and meeting_id is not None):
        raise NoSuchDeliberation(f"ballot {ballot_id} is no deliberation", number=ballot_id)
    meeting = await services.meetings.get(meeting_id)
    if meeting.state is not MeetingState.CLOSED:
        raise NoSuchDeliberation(f"meeting {meeting_id} is in session", number=ballot_id)
    minutes = await meeting_minutes(services, meeting_id)
    deliberation = next(d for d in minutes.deliberations if d.ballot.id == ballot_id)
    return Extract(minutes, deliberation)


def render_extract(extract: Extract, at: datetime) -> bytes:
    """The extract's PDF, generated ``at``."""
    # Imported when a PDF is written, not when the bot starts (issue #11).
    from meetings.minutes.pdf import pdf_of

    return pdf_of(extract_document(extract, at), at, None, None)


async def extract_pdf(
    services: Services, ballot_id: int, at: datetime | None = None, visible: Set[str] | None = None
) -> ExtractFile:
    """The extract of deliberation ``ballot_id`` as a PDF, generated ``at`` (now by default)."""
    extract = await build_extract(services, ballot_id, visible)
    pdf = await asyncio.to_thread(render_extract, extract, at or services.clock())
    return ExtractFile(extract.filename, pdf, extract.reference)
