"""``/pv``: the minutes of a meeting, or the record of a written consultation, as a PDF.

Minutes are built from the database alone and rendered in a worker thread (fpdf2 and
matplotlib would block the event loop). A group gets the final minutes once the session
is closed; a coordinator can get a draft, marked as such, during the session.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from io import BytesIO

from telegram import InputFile, Update

from bot.handlers.common import Context, caller_of, in_private_chat, known_caller, reply
from bot.identity import Caller
from bot.services import Services, services_of
from meetings.charts import ballot_chart, quorum_chart
from meetings.meeting import Meeting, MeetingError, MeetingState
from meetings.minutes.builder import (
    MinutesUnavailable,
    build_consultation_record,
    build_minutes,
)
from meetings.minutes.model import ConsultationRecord, Minutes
from meetings.minutes.pdf import render_pdf
from voting.ballot import BallotMode, VotingError

RECORD_WORDS = {"scrutin", "consultation", "ballot"}


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
    return await asyncio.to_thread(
        render_pdf, source, generated_at, True, ballot_chart, quorum_chart
    )


async def minutes_command(update: Update, context: Context) -> None:
    """``/pv [N]`` for a meeting, ``/pv scrutin N`` for a written consultation."""
    caller = await caller_of(update, context)
    if caller is None:
        return
    services = services_of(context)
    chat = update.effective_chat
    binding = await services.chats.binding(chat.id) if chat is not None else None
    groupements = set(caller.groupements) | ({binding.groupement_id} if binding else set())
    if not groupements:
        await known_caller(update, context)
        return
    _ = caller._
    args = [a.lower() for a in context.args or []]
    if args and args[0] in RECORD_WORDS:
        if len(args) != 2 or not args[1].isdigit():
            await reply(update, _("Usage: /pv [NUMBER], or /pv scrutin NUMBER"))
            return
        await _send_record(update, context, caller, int(args[1]), groupements)
        return
    if len(args) > 1 or (args and not args[0].isdigit()):
        await reply(update, _("Usage: /pv [NUMBER], or /pv scrutin NUMBER"))
        return
    meetings = [
        m
        for m in await services.meetings.find(states=(MeetingState.IN_SESSION, MeetingState.CLOSED))
        if m.plan.groupement_id in groupements
    ]
    if args:
        meetings = [m for m in meetings if m.id == int(args[0])]
    if not meetings:
        await reply(update, _("No meeting has held its session yet."))
        return
    await _send_minutes(update, context, caller, meetings[-1])


async def _send_minutes(update: Update, context: Context, caller: Caller, meeting: Meeting) -> None:
    _ = caller._
    services = services_of(context)
    draft = meeting.state is not MeetingState.CLOSED
    if draft and not (in_private_chat(update) and caller.coordinates(meeting.plan.groupement_id)):
        await reply(
            update,
            _(
                "The minutes of meeting no. {number} will be available once the session is "
                "closed. A coordinator can get a draft now in a private chat: /pv {number}"
            ).format(number=meeting.id),
        )
        return
    try:
        pdf = await minutes_pdf(services, meeting.id, services.clock())
    except (MinutesUnavailable, MeetingError, VotingError) as error:
        await reply(update, _("The minutes could not be written: {reason}").format(reason=error))
        return
    name = f"pv-reunion-{meeting.id}{'-projet' if draft else ''}.pdf"
    caption = (
        _("Draft minutes of meeting no. {number} (session in progress).")
        if draft
        else _("Minutes of meeting no. {number}, to be signed by the chair and the secretary.")
    ).format(number=meeting.id)
    await _send_document(update, pdf, name, caption)


async def _send_record(
    update: Update, context: Context, caller: Caller, ballot_id: int, groupements: set[str]
) -> None:
    _ = caller._
    services = services_of(context)
    try:
        ballot = await services.ballots.get(ballot_id)
    except VotingError:
        ballot = None
    if ballot is None or ballot.draft.groupement_id not in groupements:
        await reply(
            update, _("There is no ballot no. {number} among yours.").format(number=ballot_id)
        )
        return
    if ballot.draft.mode is not BallotMode.WRITTEN:
        await reply(
            update,
            _("Ballot no. {number} was held in a meeting: its minutes are /pv {meeting}.").format(
                number=ballot.id, meeting=ballot.draft.meeting_id
            ),
        )
        return
    draft = ballot.closed_at is None
    if draft and not (in_private_chat(update) and caller.coordinates(ballot.draft.groupement_id)):
        await reply(
            update,
            _("The record of ballot no. {number} will be available once it is closed.").format(
                number=ballot.id
            ),
        )
        return
    try:
        pdf = await record_pdf(services, ballot.id, services.clock())
    except (MinutesUnavailable, VotingError) as error:
        await reply(update, _("The minutes could not be written: {reason}").format(reason=error))
        return
    caption = _("Record of the written consultation no. {number}.").format(number=ballot.id)
    await _send_document(update, pdf, f"releve-scrutin-{ballot.id}.pdf", caption)


async def _send_document(update: Update, pdf: bytes, name: str, caption: str) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_document(
            InputFile(BytesIO(pdf), filename=name), caption=caption
        )
