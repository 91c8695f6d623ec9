"""Reminders, with the database as the source of truth.

Each reminder is a row with its due time and, once handled, when it was sent
or why it was dropped. Whatever runs the clock (PTB's JobQueue in the bot)
only asks for the rows that are due: after a restart nothing is lost, and a
row is *claimed* in one write before anything is sent, so nothing goes out
twice. A reminder missed while the bot was down is sent at start if it still
serves (:func:`meetings.schedule.reminder_is_still_useful`), else dropped
with a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from config.convention import add_months
from meetings.schedule import (
    Quarter,
    cst_coordinator_reminders,
    expected_quarters,
    reminder_is_still_useful,
    reminder_times,
    wall_clock,
)
from voting.db import Row, Store, from_db_time, required_db_time, to_db_time

COMPONENT = "reminders"

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE reminders (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL
            CHECK (kind IN ('meeting', 'ballot_deadline', 'cst_quarter', 'annual')),
        groupement_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        label TEXT NOT NULL,
        due_at_utc TEXT NOT NULL,
        event_at_utc TEXT NOT NULL,
        sent_at_utc TEXT,
        dropped_at_utc TEXT,
        note TEXT,
        UNIQUE (kind, subject, label)
    );
    CREATE INDEX reminders_due ON reminders (due_at_utc) WHERE sent_at_utc IS NULL
        AND dropped_at_utc IS NULL;
    """,
    # The convention's dates (a term's end, a withdrawal window's close) are reminded too:
    # SQLite cannot widen a CHECK, so the table is copied into one that allows the new kind.
    """
    CREATE TABLE reminders_widened (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL
            CHECK (kind IN ('meeting', 'ballot_deadline', 'cst_quarter', 'annual', 'convention')),
        groupement_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        label TEXT NOT NULL,
        due_at_utc TEXT NOT NULL,
        event_at_utc TEXT NOT NULL,
        sent_at_utc TEXT,
        dropped_at_utc TEXT,
        note TEXT,
        UNIQUE (kind, subject, label)
    );
    INSERT INTO reminders_widened SELECT id, kind, groupement_id, subject, label, due_at_utc,
        event_at_utc, sent_at_utc, dropped_at_utc, note FROM reminders;
    DROP TABLE reminders;
    ALTER TABLE reminders_widened RENAME TO reminders;
    CREATE INDEX reminders_due ON reminders (due_at_utc) WHERE sent_at_utc IS NULL
        AND dropped_at_utc IS NULL;
    """,
)

BALLOT_LEADS: tuple[tuple[str, timedelta], ...] = (
    ("H-24", timedelta(hours=24)),
    ("H-2", timedelta(hours=2)),
)


class ReminderKind(StrEnum):
    MEETING = "meeting"
    """J-7, J-1...: everyone convened; those who have not replied are asked to."""
    BALLOT_DEADLINE = "ballot_deadline"
    """Before a ballot's deadline: only the members that have not voted."""
    CST_QUARTER = "cst_quarter"
    """The coordinators, while no CST is planned in the quarter."""
    ANNUAL = "annual"
    """The coordinators, while no meeting of an annual instance (the AG) is planned that year."""
    CONVENTION = "convention"
    """The coordinators, six months and one month before the convention's term ends or a
    withdrawal window closes."""


@dataclass(frozen=True)
class Reminder:
    id: int
    kind: ReminderKind
    groupement_id: str
    subject: str
    """``meeting:<id>``, ``ballot:<id>`` or ``quarter:<instance>:<yyyy>-Q<n>``."""
    label: str
    due_at: datetime
    event_at: datetime
    sent_at: datetime | None
    dropped_at: datetime | None
    note: str | None

    @property
    def subject_id(self) -> int:
        return int(self.subject.rsplit(":", 1)[1])

    @property
    def quarter(self) -> Quarter:
        _, _instance, code = self.subject.split(":")
        year, number = code.split("-Q")
        return Quarter(int(year), int(number))

    @property
    def period(self) -> tuple[date, date]:
        """First and last day of the quarter or year a recurring reminder is about."""
        if self.kind is ReminderKind.ANNUAL:
            year = int(self.subject.rsplit(":", 1)[1])
            return date(year, 1, 1), date(year, 12, 31)
        return self.quarter.first_day, self.quarter.last_day

    @property
    def instance_id(self) -> str:
        return self.subject.split(":")[1]

    @property
    def convention_event(self) -> tuple[ConventionEvent, date]:
        """What a convention reminder is about, and its day."""
        _prefix, _groupement, what, day = self.subject.split(":")
        return ConventionEvent(what), date.fromisoformat(day)


def meeting_subject(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def ballot_subject(ballot_id: int) -> str:
    return f"ballot:{ballot_id}"


def quarter_subject(instance_id: str, quarter: Quarter) -> str:
    return f"quarter:{instance_id}:{quarter.year}-Q{quarter.number}"


def year_subject(instance_id: str, year: int) -> str:
    return f"year:{instance_id}:{year}"


class ConventionEvent(StrEnum):
    TERM_END = "end"
    WITHDRAWAL_CLOSE = "withdrawal"


def convention_subject(groupement_id: str, event: ConventionEvent, day: date) -> str:
    return f"convention:{groupement_id}:{event.value}:{day.isoformat()}"


CONVENTION_LEADS: tuple[tuple[str, int], ...] = (("M-6", 6), ("M-1", 1))
"""Months ahead of a convention's date at which the coordinators are reminded of it."""


ANNUAL_REMINDER_DAYS = ((1, 2), (10, 1))
"""(month, day): early in the year, and a quarter before its end, while there is time."""


def _reminder(row: Row) -> Reminder:
    return Reminder(
        id=row["id"],
        kind=ReminderKind(row["kind"]),
        groupement_id=row["groupement_id"],
        subject=row["subject"],
        label=row["label"],
        due_at=required_db_time(row["due_at_utc"]),
        event_at=required_db_time(row["event_at_utc"]),
        sent_at=from_db_time(row["sent_at_utc"]),
        dropped_at=from_db_time(row["dropped_at_utc"]),
        note=row["note"],
    )


@dataclass(frozen=True)
class DueWork:
    """What to do now: reminders to send, and the ones dropped (with why) on the way."""

    to_send: list[Reminder]
    dropped: list[Reminder]


class Reminders(Store):
    COMPONENT = COMPONENT
    MIGRATIONS = MIGRATIONS

    async def schedule(
        self,
        kind: ReminderKind,
        groupement_id: str,
        subject: str,
        label: str,
        due_at: datetime,
        event_at: datetime,
    ) -> bool:
        """Add a reminder unless the same one exists; False if it did.

        A same one that was dropped unsent comes back (a meeting moved back to its first
        time needs its reminders again); one sent or still pending is left as it is.
        """
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                """INSERT INTO reminders (kind, groupement_id, subject, label, due_at_utc,
                       event_at_utc) VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (kind, subject, label) DO UPDATE SET
                       due_at_utc = excluded.due_at_utc, event_at_utc = excluded.event_at_utc,
                       dropped_at_utc = NULL, note = NULL
                   WHERE reminders.sent_at_utc IS NULL AND reminders.dropped_at_utc IS NOT NULL""",
                (
                    kind.value,
                    groupement_id,
                    subject,
                    label,
                    to_db_time(due_at),
                    to_db_time(event_at),
                ),
            )
            return cursor.rowcount == 1

    async def plan_meeting(
        self,
        groupement_id: str,
        meeting_id: int,
        starts_at: datetime,
        days_before: Sequence[int],
        zone: ZoneInfo,
    ) -> int:
        """J-n reminders of a convened meeting, those still ahead; returns how many were added.

        A meeting that moved gets fresh reminders: the old ones must be dropped first.
        """
        added = 0
        for days, due in reminder_times(starts_at, days_before, zone):
            if due > self._now:
                added += await self.schedule(
                    ReminderKind.MEETING,
                    groupement_id,
                    meeting_subject(meeting_id),
                    f"J-{days}@{to_db_time(starts_at)}",
                    due,
                    starts_at,
                )
        return added

    async def plan_ballot(self, groupement_id: str, ballot_id: int, deadline: datetime) -> int:
        added = 0
        for label, lead in BALLOT_LEADS:
            due = deadline - lead
            if due > self._now:
                added += await self.schedule(
                    ReminderKind.BALLOT_DEADLINE,
                    groupement_id,
                    ballot_subject(ballot_id),
                    label,
                    due,
                    deadline,
                )
        return added

    async def plan_quarters(
        self,
        groupement_id: str,
        instance_id: str,
        zone: ZoneInfo,
        from_day: date,
        count: int = 4,
        at: time = time(9, 0),
    ) -> int:
        """The coordinators' reminders to hold a quarterly meeting, for the coming quarters."""
        added = 0
        for quarter in expected_quarters(from_day, count):
            start, month_before_end = cst_coordinator_reminders(quarter, zone, at)
            # The event these reminders lead to is the end of the quarter.
            end = cst_coordinator_reminders(quarter.next, zone, at)[0]
            for label, due in (("start", start), ("month-before-end", month_before_end)):
                # Only reminders still ahead are created; a missed one already has its row.
                if due > self._now:
                    added += await self.schedule(
                        ReminderKind.CST_QUARTER,
                        groupement_id,
                        quarter_subject(instance_id, quarter),
                        label,
                        due,
                        end,
                    )
        return added

    async def plan_years(
        self,
        groupement_id: str,
        instance_id: str,
        zone: ZoneInfo,
        from_day: date,
        count: int = 2,
        at: time = time(9, 0),
    ) -> int:
        """The coordinators' reminders to hold an annual meeting (the AG), for coming years."""
        added = 0
        for year in range(from_day.year, from_day.year + count):
            end = wall_clock(date(year + 1, 1, 1), at, zone)
            for month, day in ANNUAL_REMINDER_DAYS:
                due = wall_clock(date(year, month, day), at, zone)
                if due > self._now:
                    added += await self.schedule(
                        ReminderKind.ANNUAL,
                        groupement_id,
                        year_subject(instance_id, year),
                        f"{month:02d}-{day:02d}",
                        due,
                        end,
                    )
        return added

    async def plan_convention(
        self,
        groupement_id: str,
        event: ConventionEvent,
        day: date,
        zone: ZoneInfo,
        at: time = time(9, 0),
    ) -> int:
        """The coordinators' reminders six months and one month before ``day``, those ahead."""
        added = 0
        moment = wall_clock(day, at, zone)
        for label, months in CONVENTION_LEADS:
            due = wall_clock(add_months(day, -months), at, zone)
            if due > self._now:
                added += await self.schedule(
                    ReminderKind.CONVENTION,
                    groupement_id,
                    convention_subject(groupement_id, event, day),
                    label,
                    due,
                    moment,
                )
        return added

    async def drop_subject(self, subject: str, note: str) -> int:
        """Drop the unsent reminders of a meeting or ballot that moved, closed or was cancelled."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                """UPDATE reminders SET dropped_at_utc = ?, note = ?
                   WHERE subject = ? AND sent_at_utc IS NULL AND dropped_at_utc IS NULL""",
                (to_db_time(self._now), note, subject),
            )
            return cursor.rowcount

    async def drop(self, reminder_id: int, note: str) -> None:
        async with self.database.transaction() as connection:
            await connection.execute(
                """UPDATE reminders SET dropped_at_utc = ?, note = ?
                   WHERE id = ? AND sent_at_utc IS NULL AND dropped_at_utc IS NULL""",
                (to_db_time(self._now), note, reminder_id),
            )

    async def claim(self, reminder_id: int) -> bool:
        """Mark a reminder sent before sending it; False if it was already handled."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                """UPDATE reminders SET sent_at_utc = ?
                   WHERE id = ? AND sent_at_utc IS NULL AND dropped_at_utc IS NULL""",
                (to_db_time(self._now), reminder_id),
            )
            return cursor.rowcount == 1

    async def pending(self) -> list[Reminder]:
        cursor = await self._reader.execute(
            """SELECT * FROM reminders WHERE sent_at_utc IS NULL AND dropped_at_utc IS NULL
               ORDER BY due_at_utc, id"""
        )
        return [_reminder(row) for row in await cursor.fetchall()]

    async def all(self, subject: str | None = None) -> list[Reminder]:
        query = "SELECT * FROM reminders"
        params: tuple[str, ...] = ()
        if subject is not None:
            query += " WHERE subject = ?"
            params = (subject,)
        cursor = await self._reader.execute(query + " ORDER BY due_at_utc, id", params)
        return [_reminder(row) for row in await cursor.fetchall()]

    async def due(self) -> DueWork:
        """The reminders to send now; late ones that no longer serve are dropped here.

        When several reminders of one subject are overdue together (the bot was down),
        only the latest is sent: one message saying "tomorrow" beats two contradicting.
        """
        now = self._now
        overdue = [r for r in await self.pending() if r.due_at <= now]
        latest: dict[str, Reminder] = {}
        for reminder in overdue:
            latest[reminder.subject] = reminder
        to_send: list[Reminder] = []
        dropped: list[Reminder] = []
        for reminder in overdue:
            if latest[reminder.subject] is not reminder:
                await self.drop(reminder.id, "superseded by a later reminder")
                dropped.append(reminder)
            elif not reminder_is_still_useful(reminder.due_at, reminder.event_at, now):
                await self.drop(reminder.id, "missed while the bot was down; no longer useful")
                dropped.append(reminder)
            else:
                to_send.append(reminder)
        return DueWork(to_send, dropped)
