"""Reminders on disk: planning (J-n, H-n, quarters), claiming exactly once, dropping, and what
happens when the bot comes back after a downtime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from config.models import Governance
from meetings.meeting import MeetingPlan
from meetings.reminders import (
    Reminder,
    ReminderKind,
    Reminders,
    ballot_subject,
    meeting_subject,
    quarter_subject,
)
from meetings.schedule import Quarter
from meetings.services import Services
from tests.clock import FakeClock
from tests.conftest import GROUPEMENT, NOW
from voting.ballot import BallotDraft, BallotMode
from voting.rules import BallotKind
from voting.tally import MOTION_OPTIONS

PARIS = ZoneInfo("Europe/Paris")
DAYS = (7, 1)
SUPERSEDED = "superseded by a later reminder"
USELESS = "missed while the bot was down; no longer useful"


def paris(year: int, month: int, day: int, hour: int = 14, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS).astimezone(UTC)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def reminders(services: Services) -> Reminders:
    return services.reminders


async def rows(reminders: Reminders, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    cursor = await reminders.database.connection.execute(sql, params)
    return [tuple(row) for row in await cursor.fetchall()]


def due_times(found: list[Reminder]) -> list[tuple[str, datetime]]:
    return [(r.label.split("@")[0], r.due_at) for r in found]


# --- meetings: J-n ----------------------------------------------------------------------


async def test_meeting_reminders_come_at_nine_in_paris(reminders: Reminders) -> None:
    starts = paris(2026, 12, 28)

    assert await reminders.plan_meeting(GROUPEMENT, 7, starts, DAYS, PARIS) == 2

    found = await reminders.all(meeting_subject(7))
    assert due_times(found) == [("J-7", utc(2026, 12, 21, 8)), ("J-1", utc(2026, 12, 27, 8))]
    assert all(r.kind is ReminderKind.MEETING for r in found)
    assert all(r.event_at == starts and r.groupement_id == GROUPEMENT for r in found)
    assert all(r.sent_at is None and r.dropped_at is None for r in found)
    assert found[0].subject_id == 7
    assert await rows(
        reminders, "SELECT label, due_at_utc, event_at_utc FROM reminders ORDER BY due_at_utc"
    ) == [
        ("J-7@2026-12-28T13:00:00+00:00", "2026-12-21T08:00:00+00:00", "2026-12-28T13:00:00+00:00"),
        ("J-1@2026-12-28T13:00:00+00:00", "2026-12-27T08:00:00+00:00", "2026-12-28T13:00:00+00:00"),
    ]


async def test_meeting_reminders_follow_summer_time(reminders: Reminders) -> None:
    # The clocks go forward on Sunday 28 March 2027: J-7 is in winter, J-1 in summer.
    await reminders.plan_meeting(GROUPEMENT, 1, paris(2027, 4, 2), DAYS, PARIS)

    assert due_times(await reminders.all(meeting_subject(1))) == [
        ("J-7", utc(2027, 3, 26, 8)),
        ("J-1", utc(2027, 4, 1, 7)),
    ]


async def test_only_the_reminders_still_ahead_are_planned(
    reminders: Reminders, clock: FakeClock
) -> None:
    # J-7 (13 December) is past.
    assert await reminders.plan_meeting(GROUPEMENT, 1, paris(2026, 12, 20), DAYS, PARIS) == 1
    assert due_times(await reminders.all(meeting_subject(1))) == [("J-1", utc(2026, 12, 19, 8))]
    # J-1 is this morning at 09:00, already past at 14:00.
    assert await reminders.plan_meeting(GROUPEMENT, 2, paris(2026, 12, 16), DAYS, PARIS) == 0
    # Exactly at the due time is not ahead either.
    clock.now = utc(2026, 12, 21, 8)
    assert await reminders.plan_meeting(GROUPEMENT, 3, paris(2026, 12, 28), DAYS, PARIS) == 1
    assert await reminders.all(meeting_subject(2)) == []


async def test_planning_twice_adds_nothing(reminders: Reminders) -> None:
    starts = paris(2026, 12, 28)
    await reminders.plan_meeting(GROUPEMENT, 7, starts, DAYS, PARIS)
    before = await reminders.all()

    assert await reminders.plan_meeting(GROUPEMENT, 7, starts, DAYS, PARIS) == 0
    assert await reminders.plan_meeting(GROUPEMENT, 7, starts, (1, 7, 7), PARIS) == 0
    assert await reminders.all() == before
    assert await rows(reminders, "SELECT COUNT(*) FROM reminders") == [(2,)]


async def test_a_moved_meeting_gets_fresh_reminders(reminders: Reminders) -> None:
    first, second = paris(2026, 12, 28), paris(2027, 1, 5)
    await reminders.plan_meeting(GROUPEMENT, 7, first, DAYS, PARIS)

    assert await reminders.drop_subject(meeting_subject(7), "meeting moved") == 2
    assert await reminders.plan_meeting(GROUPEMENT, 7, second, DAYS, PARIS) == 2

    pending = await reminders.pending()
    assert due_times(pending) == [("J-7", utc(2026, 12, 29, 8)), ("J-1", utc(2027, 1, 4, 8))]
    assert all(r.event_at == second for r in pending)


async def test_a_meeting_moved_back_gets_its_reminders_again(reminders: Reminders) -> None:
    first, second = paris(2026, 12, 28), paris(2027, 1, 5)
    await reminders.plan_meeting(GROUPEMENT, 7, first, DAYS, PARIS)
    await reminders.drop_subject(meeting_subject(7), "meeting moved")
    await reminders.plan_meeting(GROUPEMENT, 7, second, DAYS, PARIS)

    await reminders.drop_subject(meeting_subject(7), "meeting moved")
    assert await reminders.plan_meeting(GROUPEMENT, 7, first, DAYS, PARIS) == 2

    pending = await reminders.pending()
    assert due_times(pending) == [("J-7", utc(2026, 12, 21, 8)), ("J-1", utc(2026, 12, 27, 8))]
    assert all(r.event_at == first and r.note is None for r in pending)
    assert await rows(reminders, "SELECT COUNT(*) FROM reminders") == [(4,)]


# --- ballots: H-24, H-2 --------------------------------------------------------------------


async def test_ballot_reminders_before_the_deadline(reminders: Reminders) -> None:
    deadline = utc(2026, 12, 20, 18)

    assert await reminders.plan_ballot(GROUPEMENT, 3, deadline) == 2
    assert await reminders.plan_ballot(GROUPEMENT, 3, deadline) == 0

    found = await reminders.all(ballot_subject(3))
    assert [(r.label, r.due_at) for r in found] == [
        ("H-24", utc(2026, 12, 19, 18)),
        ("H-2", utc(2026, 12, 20, 16)),
    ]
    assert all(r.kind is ReminderKind.BALLOT_DEADLINE and r.event_at == deadline for r in found)
    assert found[0].subject_id == 3


async def test_a_close_deadline_gets_only_the_reminders_still_ahead(reminders: Reminders) -> None:
    # Deadline in three hours: H-24 is past, H-2 in one hour.
    assert await reminders.plan_ballot(GROUPEMENT, 4, NOW + timedelta(hours=3)) == 1
    assert [r.label for r in await reminders.all(ballot_subject(4))] == ["H-2"]
    # Deadline in two hours: H-2 is now, not ahead.
    assert await reminders.plan_ballot(GROUPEMENT, 5, NOW + timedelta(hours=2)) == 0


# --- quarters (CST) ----------------------------------------------------------------------


async def test_quarter_reminders_for_the_coming_quarters(
    reminders: Reminders, clock: FakeClock
) -> None:
    added = await reminders.plan_quarters(GROUPEMENT, "cst", PARIS, date(2026, 12, 15))

    # Q4 2026's reminders (1 October, 1 December) are past: only Q1 to Q3 2027.
    assert added == 6
    found = await reminders.all()
    assert [(r.subject, r.label, r.due_at, r.event_at) for r in found] == [
        ("quarter:cst:2027-Q1", "start", utc(2027, 1, 1, 8), utc(2027, 4, 1, 7)),
        ("quarter:cst:2027-Q1", "month-before-end", utc(2027, 3, 1, 8), utc(2027, 4, 1, 7)),
        ("quarter:cst:2027-Q2", "start", utc(2027, 4, 1, 7), utc(2027, 7, 1, 7)),
        ("quarter:cst:2027-Q2", "month-before-end", utc(2027, 6, 1, 7), utc(2027, 7, 1, 7)),
        ("quarter:cst:2027-Q3", "start", utc(2027, 7, 1, 7), utc(2027, 10, 1, 7)),
        ("quarter:cst:2027-Q3", "month-before-end", utc(2027, 9, 1, 7), utc(2027, 10, 1, 7)),
    ]
    assert all(r.kind is ReminderKind.CST_QUARTER for r in found)
    assert found[0].quarter == Quarter(2027, 1)
    assert found[0].instance_id == "cst"
    assert found[0].subject == quarter_subject("cst", Quarter(2027, 1))

    assert await reminders.plan_quarters(GROUPEMENT, "cst", PARIS, date(2026, 12, 15)) == 0

    # A month later the window reaches Q4 2027; Q1's start is past and not created again.
    clock.now = paris(2027, 1, 15, 9)
    assert await reminders.plan_quarters(GROUPEMENT, "cst", PARIS, date(2027, 1, 15)) == 2
    q4 = await reminders.all(quarter_subject("cst", Quarter(2027, 4)))
    assert [(r.label, r.due_at) for r in q4] == [
        ("start", utc(2027, 10, 1, 7)),
        ("month-before-end", utc(2027, 12, 1, 8)),
    ]
    assert len(await reminders.all()) == 8


async def test_the_month_before_end_is_still_planned_within_the_quarter(
    reminders: Reminders, clock: FakeClock
) -> None:
    clock.now = paris(2027, 2, 10, 12)

    assert await reminders.plan_quarters(GROUPEMENT, "cst", PARIS, date(2027, 2, 10), count=1) == 1
    assert [r.label for r in await reminders.all()] == ["month-before-end"]


# --- claiming and dropping -----------------------------------------------------------------


async def test_a_reminder_is_claimed_exactly_once(reminders: Reminders, clock: FakeClock) -> None:
    await reminders.plan_ballot(GROUPEMENT, 3, utc(2026, 12, 20, 18))
    first, second = await reminders.pending()
    clock.now = first.due_at

    assert await reminders.claim(first.id)
    assert not await reminders.claim(first.id)
    assert not await reminders.claim(9999)

    assert await rows(
        reminders, "SELECT label, sent_at_utc, dropped_at_utc FROM reminders ORDER BY id"
    ) == [
        ("H-24", "2026-12-19T18:00:00+00:00", None),
        ("H-2", None, None),
    ]
    assert [r.id for r in await reminders.pending()] == [second.id]

    await reminders.drop(second.id, "ballot closed")
    assert not await reminders.claim(second.id)
    assert await reminders.pending() == []


async def test_drop_subject_drops_only_what_was_not_sent(
    reminders: Reminders, clock: FakeClock
) -> None:
    await reminders.plan_meeting(GROUPEMENT, 7, paris(2026, 12, 28), DAYS, PARIS)
    await reminders.plan_meeting(GROUPEMENT, 8, paris(2026, 12, 29), DAYS, PARIS)
    clock.now = utc(2026, 12, 21, 8, 1)
    j7 = (await reminders.due()).to_send[0]
    assert j7.subject == meeting_subject(7)
    assert await reminders.claim(j7.id)

    clock.advance(timedelta(hours=1))
    assert await reminders.drop_subject(meeting_subject(7), "meeting cancelled") == 1
    assert await reminders.drop_subject(meeting_subject(7), "meeting cancelled") == 0

    assert await rows(
        reminders,
        "SELECT subject, label, sent_at_utc, dropped_at_utc, note FROM reminders "
        "ORDER BY subject, due_at_utc",
    ) == [
        (
            "meeting:7",
            "J-7@2026-12-28T13:00:00+00:00",
            "2026-12-21T08:01:00+00:00",
            None,
            None,
        ),
        (
            "meeting:7",
            "J-1@2026-12-28T13:00:00+00:00",
            None,
            "2026-12-21T09:01:00+00:00",
            "meeting cancelled",
        ),
        ("meeting:8", "J-7@2026-12-29T13:00:00+00:00", None, None, None),
        ("meeting:8", "J-1@2026-12-29T13:00:00+00:00", None, None, None),
    ]


async def test_nothing_is_due_before_its_time(reminders: Reminders, clock: FakeClock) -> None:
    await reminders.plan_meeting(GROUPEMENT, 7, paris(2026, 12, 28), DAYS, PARIS)
    clock.now = utc(2026, 12, 21, 7, 59)

    work = await reminders.due()
    assert work.to_send == [] and work.dropped == []

    clock.now = utc(2026, 12, 21, 8)
    assert [r.label.split("@")[0] for r in (await reminders.due()).to_send] == ["J-7"]


async def test_a_late_reminder_that_still_serves_is_sent(
    reminders: Reminders, clock: FakeClock
) -> None:
    await reminders.plan_meeting(GROUPEMENT, 7, paris(2026, 12, 28), DAYS, PARIS)
    # J-7 was due on the 21st; two days late it still announces a meeting five days away.
    clock.now = utc(2026, 12, 23, 10)

    work = await reminders.due()

    assert due_times(work.to_send) == [("J-7", utc(2026, 12, 21, 8))]
    assert work.dropped == []


# --- the restart -----------------------------------------------------------------------------


@pytest.fixture
async def first_run(
    database: Path | str, tmp_path: Path, governance: Governance, clock: FakeClock
) -> AsyncIterator[Services]:
    opened = await Services.open(governance, database, clock, documents=tmp_path)
    try:
        yield opened
    finally:
        await opened.close()


async def meeting_at(services: Services, starts_at: datetime) -> int:
    meeting = await services.meetings.plan(
        MeetingPlan(GROUPEMENT, "cogouv", starts_at, place="Metz"), created_by="tg:1001"
    )
    return meeting.id


async def ballot_until(services: Services, deadline: datetime) -> int:
    ballot = await services.ballots.create(
        BallotDraft(
            groupement_id=GROUPEMENT,
            instance_id="cogouv",
            question="Adopter le budget 2027",
            kind=BallotKind.PUBLIC,
            options=MOTION_OPTIONS,
            mode=BallotMode.WRITTEN,
            deadline=deadline,
        )
    )
    return ballot.id


def handled_once(reminder: Reminder) -> bool:
    return (reminder.sent_at is None) != (reminder.dropped_at is None)


async def test_each_reminder_is_handled_exactly_once_across_a_restart(
    database: Path | str,
    tmp_path: Path,
    governance: Governance,
    clock: FakeClock,
    first_run: Services,
) -> None:
    services = first_run
    reminders = services.reminders
    # Meeting A, 28 December at 14:00: J-7 on the 21st, J-1 on the 27th.
    a = await meeting_at(services, paris(2026, 12, 28))
    # Meeting B, 19 December at 10:00: only J-1 (18th) is still ahead.
    b = await meeting_at(services, paris(2026, 12, 19, 10))
    # Meeting D, 27 December at 10:30: J-7 on the 20th, J-1 on the 26th.
    d = await meeting_at(services, paris(2026, 12, 27, 10, 30))
    # Ballot F closes tomorrow at 15:00, ballot C on the 23rd, ballot E on the 28th.
    f = await ballot_until(services, utc(2026, 12, 16, 14))
    c = await ballot_until(services, utc(2026, 12, 23, 12))
    e = await ballot_until(services, utc(2026, 12, 28, 12))
    for meeting_id, starts in ((a, paris(2026, 12, 28)), (b, paris(2026, 12, 19, 10))):
        await reminders.plan_meeting(GROUPEMENT, meeting_id, starts, DAYS, PARIS)
    await reminders.plan_meeting(GROUPEMENT, d, paris(2026, 12, 27, 10, 30), DAYS, PARIS)
    for ballot_id, deadline in (
        (f, utc(2026, 12, 16, 14)),
        (c, utc(2026, 12, 23, 12)),
        (e, utc(2026, 12, 28, 12)),
    ):
        await reminders.plan_ballot(GROUPEMENT, ballot_id, deadline)
    assert await reminders.plan_quarters(GROUPEMENT, "cst", PARIS, date(2026, 12, 15)) == 6
    assert len(await reminders.all()) == 17

    # The bot runs one more hour and sends ballot F's H-24.
    clock.advance(timedelta(hours=1))
    work = await reminders.due()
    assert [(r.subject, r.label) for r in work.to_send] == [(ballot_subject(f), "H-24")]
    assert await reminders.claim(work.to_send[0].id)

    # The bot stops; it comes back on Sunday 27 December at 10:00 in Paris.
    await services.close()
    restart = utc(2026, 12, 27, 9)
    clock.now = restart
    second_run = await Services.open(governance, database, clock, documents=tmp_path)
    try:
        reminders = second_run.reminders
        work = await reminders.due()

        def named(found: list[Reminder]) -> list[tuple[str, str]]:
            return [(r.subject, r.label.split("@")[0]) for r in found]

        # A's J-1 announces tomorrow's meeting: sent. Its J-7 is superseded.
        assert named(work.to_send) == [(meeting_subject(a), "J-1")]
        assert named(work.dropped) == [
            (ballot_subject(f), "H-2"),
            (meeting_subject(b), "J-1"),
            (meeting_subject(d), "J-7"),
            (meeting_subject(a), "J-7"),
            (ballot_subject(c), "H-24"),
            (ballot_subject(c), "H-2"),
            (meeting_subject(d), "J-1"),
        ]
        notes = {
            (r.subject, r.label.split("@")[0]): (r.note, r.dropped_at)
            for r in await reminders.all()
            if r.dropped_at is not None
        }
        assert notes == {
            # The event is over.
            (ballot_subject(f), "H-2"): (USELESS, restart),
            (meeting_subject(b), "J-1"): (USELESS, restart),
            (ballot_subject(c), "H-2"): (USELESS, restart),
            # Meeting D starts in half an hour: those who come are on their way.
            (meeting_subject(d), "J-1"): (USELESS, restart),
            # Earlier reminders of one subject give way to its latest.
            (meeting_subject(d), "J-7"): (SUPERSEDED, restart),
            (meeting_subject(a), "J-7"): (SUPERSEDED, restart),
            (ballot_subject(c), "H-24"): (SUPERSEDED, restart),
        }

        (to_send,) = work.to_send
        assert await reminders.claim(to_send.id)
        assert not await reminders.claim(to_send.id)
        again = await reminders.due()
        assert again.to_send == [] and again.dropped == []

        everything = await reminders.all()
        assert all(handled_once(r) for r in everything if r.due_at <= restart)
        assert [r.sent_at for r in everything if r.sent_at is not None] == [
            utc(2026, 12, 15, 14),
            restart,
        ]
        # Still to come: ballot E and the quarters.
        assert [r.subject for r in await reminders.pending()] == [
            ballot_subject(e),
            ballot_subject(e),
            "quarter:cst:2027-Q1",
            "quarter:cst:2027-Q1",
            "quarter:cst:2027-Q2",
            "quarter:cst:2027-Q2",
            "quarter:cst:2027-Q3",
            "quarter:cst:2027-Q3",
        ]
    finally:
        await second_run.close()

    # Reopening once more, a minute later, changes nothing.
    clock.advance(timedelta(minutes=1))
    third_run = await Services.open(governance, database, clock, documents=tmp_path)
    try:
        work = await third_run.reminders.due()
        assert work.to_send == [] and work.dropped == []
        assert await third_run.reminders.all() == everything
    finally:
        await third_run.close()


async def test_a_sent_reminder_is_never_planned_again(reminders: Reminders) -> None:
    subject, due, event = meeting_subject(9), utc(2026, 12, 20, 8), utc(2026, 12, 21, 13)
    assert await reminders.schedule(ReminderKind.MEETING, GROUPEMENT, subject, "J-1", due, event)
    (sent,) = await reminders.pending()
    assert await reminders.claim(sent.id)

    assert not await reminders.schedule(
        ReminderKind.MEETING, GROUPEMENT, subject, "J-1", due, event
    )
    assert [(r.sent_at, r.dropped_at) for r in await reminders.all()] == [(NOW, None)]
