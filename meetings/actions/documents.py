"""The documents of the record: a meeting's minutes and a written consultation's record, as PDF.

Read-only. Built from the database alone and rendered in a worker thread, since fpdf2 and
matplotlib would block the event loop.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from meetings.minutes.builder import build_consultation_record, build_minutes
from meetings.minutes.model import ConsultationRecord, Minutes
from meetings.minutes.pdf import render_pdf
from meetings.services import Services


async def minutes_pdf(services: Services, meeting_id: int, generated_at: datetime) -> bytes:
    """The minutes of a meeting as a PDF, with their charts."""
    minutes = await build_minutes(
        meeting_id,
        governance=services.governance,
        meetings=services.meetings,
        ballots=services.ballots,
    )
    return await _render(minutes, generated_at)


async def record_pdf(services: Services, ballot_id: int, generated_at: datetime) -> bytes:
    """The record of a written consultation as a PDF, with its chart."""
    record = await build_consultation_record(
        ballot_id, governance=services.governance, ballots=services.ballots
    )
    return await _render(record, generated_at)


async def _render(source: Minutes | ConsultationRecord, generated_at: datetime) -> bytes:
    return await asyncio.to_thread(render_pdf, source, generated_at)
