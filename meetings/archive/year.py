"""A groupement's year read from the database: the meetings held, their minutes and replies,
the written consultations, and the moment the record stands at."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from config.models import Groupement
from meetings.actions.documents import meeting_minutes
from meetings.archive.entries import ArchiveYear
from meetings.meeting import Meeting, MeetingState
from meetings.minutes.builder import build_consultation_record
from meetings.minutes.model import ConsultationRecord, Minutes
from meetings.services import Services
from voting.ballot import Ballot, BallotMode

HELD = (MeetingState.IN_SESSION, MeetingState.CLOSED)


def decided_at(ballot: Ballot) -> datetime | None:
    """When a consultation counts for a year: its close (when its deliberation takes its
    number), its cancellation, or, while it is open, its opening."""
    return ballot.closed_at or ballot.cancelled_at or ballot.opened_at


async def held_meetings(services: Services, groupement: Groupement, year: int) -> list[Meeting]:
    zone = groupement.groupement.tzinfo
    return [
        meeting
        for meeting in await services.meetings.find(groupement_id=groupement.id, states=HELD)
        if meeting.session_opened_at is not None
        and meeting.plan.starts_at.astimezone(zone).year == year
    ]


async def consultations(services: Services, groupement: Groupement, year: int) -> list[Ballot]:
    zone = groupement.groupement.tzinfo
    found = []
    for ballot in await services.ballots.find(groupement_id=groupement.id):
        moment = decided_at(ballot)
        if ballot.draft.mode is not BallotMode.WRITTEN or ballot.opened_at is None:
            continue
        if moment is not None and moment.astimezone(zone).year == year:
            found.append(ballot)
    return found


def _ballot_moments(ballot: Ballot) -> list[datetime]:
    return [m for m in (ballot.opened_at, ballot.closed_at, ballot.cancelled_at) if m is not None]


def latest_moment(
    minutes: tuple[Minutes, ...], records: tuple[ConsultationRecord, ...]
) -> datetime | None:
    """The latest moment the year's documents record: a session opened or closed, an arrival
    or a departure, a ballot opened, closed or cancelled, a document added or sent, minutes
    signed or approved (perhaps the next year: the archive's minutes say so)."""
    moments: list[datetime] = []
    for held in minutes:
        moments += [held.opened_at, *([held.closed_at] if held.closed_at else [])]
        moments += [movement.at for movement in held.movements]
        moments += [signature.signed_at for signature in held.signatures]
        moments += [held.approval.approved_at] if held.approval else []
        for sent in held.documents:
            moments.append(sent.document.added_at)
            moments += [sent.first_sent_at] if sent.first_sent_at else []
        for deliberation in held.deliberations:
            moments += _ballot_moments(deliberation.ballot)
    for record in records:
        moments += _ballot_moments(record.ballot)
    return max(moments, default=None)


def new_year(year: int, zone: ZoneInfo) -> datetime:
    return datetime(year, 1, 1, tzinfo=zone)


async def read_year(
    services: Services, groupement_id: str, year: int, language: str
) -> ArchiveYear:
    """Everything the sources share, read once. ``groupement_id`` must be configured
    (:class:`~config.models.GovernanceLookupError` otherwise)."""
    groupement = services.governance.groupement(groupement_id)
    meetings = tuple(await held_meetings(services, groupement, year))
    minutes = tuple([await meeting_minutes(services, meeting.id) for meeting in meetings])
    records = tuple(
        [
            await build_consultation_record(
                ballot.id, governance=services.governance, ballots=services.ballots
            )
            for ballot in await consultations(services, groupement, year)
        ]
    )
    replies = {meeting.id: await services.meetings.replies(meeting.id) for meeting in meetings}
    zone = groupement.groupement.tzinfo
    return ArchiveYear(
        services=services,
        groupement=groupement,
        year=year,
        language=language,
        stamp=latest_moment(minutes, records) or new_year(year, zone),
        meetings=meetings,
        minutes=minutes,
        replies=replies,
        records=records,
    )
