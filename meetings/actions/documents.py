"""The documents of the record: a meeting's minutes and a written consultation's record, as PDF.

Read-only. Who may have which: the minutes go to anyone of the groupement, in a private chat
(``/pv`` is refused in groups), once the session is closed; a draft only to a coordinator.
Built from the database alone and rendered in a worker thread, since fpdf2 and matplotlib
would block the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Set
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from meetings.actions.actor import Actor
from meetings.actions.lookups import meetings_in
from meetings.approval import Signatory
from meetings.meeting import MeetingState
from meetings.minutes.builder import build_consultation_record, build_minutes
from meetings.minutes.designation_lines import with_designations
from meetings.minutes.model import ConsultationRecord, Minutes
from meetings.services import Services
from voting.ballot import Ballot, BallotMode, BallotNotFound
from voting.refusal import Refused

HELD = (MeetingState.IN_SESSION, MeetingState.CLOSED)


class NoMinutesYet(Refused):
    code = "no_minutes_yet"


class MinutesNotYet(Refused):
    """The session is still open: its draft is for a coordinator, in a private chat."""

    code = "minutes_not_yet"


class BallotNotYours(Refused):
    code = "ballot_not_yours"


class HeldInMeeting(Refused):
    """A ballot of a session has no record of its own: the meeting's minutes are its record."""

    code = "held_in_meeting"


class RecordNotYet(Refused):
    code = "record_not_yet"


@dataclass(frozen=True)
class Document:
    number: int
    """The meeting's, or the consultation's."""
    filename: str
    pdf: bytes
    draft: bool
    zone: ZoneInfo
    cancelled_at: datetime | None = None
    """When a written consultation was cancelled: its record is final, and says so."""
    approved: bool = False
    """Closed minutes that a later session of the instance approved."""
    unsigned: tuple[Signatory, ...] = ()
    """Who has yet to sign closed minutes."""


async def source(services: Services, number: int, *, ballot: bool) -> Minutes | ConsultationRecord:
    """The minutes of meeting ``number``, or the record of consultation ``number``."""
    if ballot:
        return await build_consultation_record(
            number, governance=services.governance, ballots=services.ballots
        )
    return await meeting_minutes(services, number)


async def meeting_minutes(services: Services, number: int) -> Minutes:
    """The minutes of meeting ``number`` with everything recorded about them: the members'
    designations, the approval and the signatures."""
    minutes = await build_minutes(
        number,
        governance=services.governance,
        meetings=services.meetings,
        ballots=services.ballots,
        sessions=services.sessions,
        roster=services.roster,
        documents=services.documents,
    )
    minutes = await with_designations(
        minutes, services.governance, services.meetings, services.designations
    )
    return replace(
        minutes,
        approval=await services.minutes.approval(number),
        signatures=tuple(await services.minutes.signatures(number)),
    )


async def render_minutes(
    services: Services, meeting_id: int, at: datetime
) -> tuple[Minutes, bytes]:
    """The minutes of a meeting whose session has opened, and their PDF, as of ``at``."""
    built, pdf = await _rendered(services, meeting_id, ballot=False, at=at)
    assert isinstance(built, Minutes)
    return built, pdf


async def _rendered(
    services: Services, number: int, *, ballot: bool, at: datetime
) -> tuple[Minutes | ConsultationRecord, bytes]:
    # Imported when a PDF is written, not when the bot starts: fpdf2 and the charts it
    # embeds (matplotlib) take most of a start's time and memory (issue #11).
    from meetings.charts.ballot import ballot_chart
    from meetings.minutes.pdf import render_pdf

    built = await source(services, number, ballot=ballot)
    # The charts of closed ballots are those the group got: drawn once, reused here.
    draw = services.charts.ballot(ballot_chart)
    return built, await asyncio.to_thread(render_pdf, built, at, ballot_chart=draw)


async def minutes_for(
    services: Services, actor: Actor, visible: Set[str], wanted: int | None, private: bool
) -> Document:
    """Meeting ``wanted``'s minutes (the latest held by default), among the ``visible``
    groupements (the caller's)."""
    held = await meetings_in(services, visible, HELD)
    if wanted is not None:
        held = [m for m in held if m.id == wanted]
    if not held:
        raise NoMinutesYet("no meeting has held its session")
    meeting = held[-1]
    draft = meeting.state is not MeetingState.CLOSED
    if draft and not (private and actor.coordinates(meeting.plan.groupement_id)):
        raise MinutesNotYet(f"meeting {meeting.id} is in session", number=meeting.id)
    built, pdf = await _rendered(services, meeting.id, ballot=False, at=services.clock())
    assert isinstance(built, Minutes)
    filename = f"pv-reunion-{meeting.id}{'-projet' if draft else ''}.pdf"
    signed = {signature.signatory for signature in built.signatures}
    unsigned = tuple(signatory for signatory in Signatory if signatory not in signed)
    return Document(
        meeting.id, filename, pdf, draft, built.zone, None, built.approval is not None, unsigned
    )


async def _visible_ballot(services: Services, visible: Set[str], ballot_id: int) -> Ballot:
    try:
        found = await services.ballots.get(ballot_id)
    except BallotNotFound:
        found = None
    if found is None or found.draft.groupement_id not in visible:
        raise BallotNotYours(f"no ballot {ballot_id} among {sorted(visible)}", number=ballot_id)
    return found


async def record_for(
    services: Services, actor: Actor, visible: Set[str], ballot_id: int, private: bool
) -> Document:
    """The record of written consultation ``ballot_id``, once it is closed or cancelled."""
    ballot = await _visible_ballot(services, visible, ballot_id)
    if ballot.draft.mode is not BallotMode.WRITTEN:
        raise HeldInMeeting(
            f"ballot {ballot_id} was held in a meeting",
            number=ballot.id,
            meeting=ballot.draft.meeting_id,
        )
    draft = ballot.closed_at is None and ballot.cancelled_at is None
    if draft and not (private and actor.coordinates(ballot.draft.groupement_id)):
        raise RecordNotYet(f"ballot {ballot_id} is open", number=ballot.id)
    built, pdf = await _rendered(services, ballot.id, ballot=True, at=services.clock())
    filename = f"releve-scrutin-{ballot.id}.pdf"
    return Document(ballot.id, filename, pdf, draft, built.zone, ballot.cancelled_at)
