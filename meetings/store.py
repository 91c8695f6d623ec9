"""Meetings on disk: plans, agendas, replies to convocations, attendance during the session.

Replies and attendance are append-only histories: the latest reply of a member
counts, and presence at any moment is replayed from arrival and departure
events, so the minutes can say who left and when.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from meetings.meeting import (
    AgendaItem,
    AgendaNote,
    Attendance,
    AttendanceEvent,
    Convocation,
    ConvocationDelivery,
    DeliveryFailure,
    EmptyNote,
    InvalidPlan,
    Meeting,
    MeetingNotFound,
    MeetingPlan,
    MeetingState,
    Reply,
    ReplyKind,
    UnknownAgendaItem,
    WrongMeetingState,
)
from meetings.presence import attendance_at, reply_proxy_problem
from meetings.roster import ProxyRefused
from voting.db import (
    Connection,
    Row,
    Store,
    from_db_time,
    inserted_id,
    is_row_id,
    required_db_time,
    to_db_time,
)

COMPONENT = "meetings"

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meetings (
        id INTEGER PRIMARY KEY,
        groupement_id TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        starts_at_utc TEXT NOT NULL,
        duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
        place TEXT,
        video_link TEXT,
        chair TEXT,
        chair_name TEXT,
        secretary TEXT,
        second_convocation_of INTEGER REFERENCES meetings (id),
        state TEXT NOT NULL
            CHECK (state IN ('planned', 'convened', 'in_session', 'closed', 'cancelled')),
        created_by TEXT NOT NULL,
        created_at_utc TEXT NOT NULL,
        convened_at_utc TEXT,
        urgent INTEGER NOT NULL DEFAULT 0,
        urgency_reason TEXT,
        sequence INTEGER NOT NULL DEFAULT 0,
        session_opened_at_utc TEXT,
        session_closed_at_utc TEXT,
        cancelled_at_utc TEXT
    );
    CREATE TABLE agenda_items (
        meeting_id INTEGER NOT NULL REFERENCES meetings (id),
        position INTEGER NOT NULL,
        title TEXT NOT NULL,
        motion TEXT,
        PRIMARY KEY (meeting_id, position)
    );
    CREATE TABLE meeting_replies (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        meeting_id INTEGER NOT NULL REFERENCES meetings (id),
        member_id TEXT NOT NULL,
        reply TEXT NOT NULL CHECK (reply IN ('present', 'video', 'excused', 'proxy')),
        proxy_holder TEXT,
        replied_by TEXT NOT NULL,
        replied_at_utc TEXT NOT NULL
    );
    CREATE INDEX replies_by_member ON meeting_replies (meeting_id, member_id, id);
    CREATE TABLE attendance_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        meeting_id INTEGER NOT NULL REFERENCES meetings (id),
        participant_id TEXT NOT NULL,
        advisory INTEGER NOT NULL DEFAULT 0,
        event TEXT NOT NULL CHECK (event IN ('arrive', 'leave')),
        by_video INTEGER NOT NULL DEFAULT 0,
        recorded_by TEXT NOT NULL,
        at_utc TEXT NOT NULL
    );
    """,
    # Every sending of a convocation (a move sends a new one) and what became of each copy.
    # Meetings convened before this table existed get their convocation on record as it stood.
    """
    CREATE TABLE convocations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        meeting_id INTEGER NOT NULL REFERENCES meetings (id),
        sent_at_utc TEXT NOT NULL,
        starts_at_utc TEXT NOT NULL,
        urgent INTEGER NOT NULL DEFAULT 0,
        urgency_reason TEXT
    );
    CREATE INDEX convocations_by_meeting ON convocations (meeting_id, id);
    CREATE TABLE convocation_deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        convocation_id INTEGER NOT NULL REFERENCES convocations (id),
        participant_id TEXT NOT NULL,
        advisory INTEGER NOT NULL DEFAULT 0,
        person_id TEXT,
        delivered_at_utc TEXT,
        failure TEXT CHECK (failure IN ('unreachable', 'no_representative')),
        CHECK ((delivered_at_utc IS NULL) != (failure IS NULL))
    );
    CREATE INDEX deliveries_by_convocation ON convocation_deliveries (convocation_id, id);
    INSERT INTO convocations (meeting_id, sent_at_utc, starts_at_utc, urgent, urgency_reason)
        SELECT id, convened_at_utc, starts_at_utc, urgent, urgency_reason FROM meetings
        WHERE convened_at_utc IS NOT NULL ORDER BY id;
    """,
    """
    CREATE TABLE agenda_notes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        meeting_id INTEGER NOT NULL REFERENCES meetings (id),
        position INTEGER NOT NULL,
        text TEXT NOT NULL CHECK (length(trim(text)) > 0),
        noted_by TEXT NOT NULL,
        noted_at_utc TEXT NOT NULL
    );
    CREATE INDEX notes_by_item ON agenda_notes (meeting_id, position, id);
    """,
    # The item that approves an earlier meeting's minutes, linked to them.
    """
    ALTER TABLE agenda_items ADD COLUMN approves_minutes_of INTEGER REFERENCES meetings (id);
    """,
)

_LATEST_REPLIES = """
    SELECT * FROM meeting_replies AS r
    WHERE meeting_id = ? AND id = (
        SELECT MAX(id) FROM meeting_replies WHERE meeting_id = r.meeting_id
            AND member_id = r.member_id
    )
    ORDER BY member_id
"""


class MeetingStore(Store):
    COMPONENT = COMPONENT
    MIGRATIONS = MIGRATIONS

    async def _fetch(self, connection: Connection, meeting_id: int) -> Meeting:
        if not is_row_id(meeting_id):
            raise MeetingNotFound(f"no meeting {meeting_id}", meeting=meeting_id)
        cursor = await connection.execute("SELECT * FROM meetings WHERE id = ?", (meeting_id,))
        row = await cursor.fetchone()
        if row is None:
            raise MeetingNotFound(f"no meeting {meeting_id}", meeting=meeting_id)
        cursor = await connection.execute(
            "SELECT title, motion, approves_minutes_of FROM agenda_items WHERE meeting_id = ? "
            "ORDER BY position",
            (meeting_id,),
        )
        agenda = tuple(
            AgendaItem(r["title"], r["motion"], r["approves_minutes_of"])
            for r in await cursor.fetchall()
        )
        return _meeting_from_row(row, agenda)

    async def get(self, meeting_id: int) -> Meeting:
        return await self._fetch(self._reader, meeting_id)

    async def find(
        self,
        *,
        groupement_id: str | None = None,
        instance_id: str | None = None,
        states: tuple[MeetingState, ...] = (),
    ) -> list[Meeting]:
        clauses: list[str] = []
        params: list[Any] = []
        if groupement_id is not None:
            clauses.append("groupement_id = ?")
            params.append(groupement_id)
        if instance_id is not None:
            clauses.append("instance_id = ?")
            params.append(instance_id)
        if states:
            clauses.append(f"state IN ({', '.join('?' for _ in states)})")
            params.extend(state.value for state in states)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        cursor = await self._reader.execute(
            f"SELECT id FROM meetings {where} ORDER BY starts_at_utc, id", params
        )
        return [await self.get(row[0]) for row in await cursor.fetchall()]

    async def plan(self, plan: MeetingPlan, created_by: str) -> Meeting:
        problems = plan.problems()
        if problems:
            raise InvalidPlan(problems)
        async with self.database.transaction() as connection:
            meeting_id = await inserted_id(
                connection,
                """INSERT INTO meetings (groupement_id, instance_id, starts_at_utc,
                       duration_minutes, place, video_link, chair, chair_name, secretary,
                       second_convocation_of, state, created_by, created_at_utc)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?)""",
                (
                    plan.groupement_id,
                    plan.instance_id,
                    to_db_time(plan.starts_at),
                    int(plan.duration.total_seconds() // 60),
                    plan.place,
                    plan.video_link,
                    plan.chair,
                    plan.chair_name,
                    plan.secretary,
                    plan.second_convocation_of,
                    created_by,
                    to_db_time(self._now),
                ),
            )
            await connection.executemany(
                "INSERT INTO agenda_items (meeting_id, position, title, motion, "
                "approves_minutes_of) VALUES (?, ?, ?, ?, ?)",
                [
                    (meeting_id, position, item.title.strip(), item.motion, item.approves)
                    for position, item in enumerate(plan.agenda, start=1)
                ],
            )
            return await self._fetch(connection, meeting_id)

    async def _require(
        self, connection: Connection, meeting_id: int, *allowed: MeetingState
    ) -> Meeting:
        meeting = await self._fetch(connection, meeting_id)
        if meeting.state not in allowed:
            raise WrongMeetingState(f"meeting {meeting_id} is {meeting.state.value}", meeting.state)
        return meeting

    async def move(self, meeting_id: int, starts_at: datetime) -> Meeting:
        async with self.database.transaction() as connection:
            await self._require(connection, meeting_id, MeetingState.PLANNED, MeetingState.CONVENED)
            await connection.execute(
                "UPDATE meetings SET starts_at_utc = ?, sequence = sequence + 1 WHERE id = ?",
                (to_db_time(starts_at), meeting_id),
            )
            return await self._fetch(connection, meeting_id)

    async def cancel(self, meeting_id: int) -> Meeting:
        async with self.database.transaction() as connection:
            await self._require(connection, meeting_id, MeetingState.PLANNED, MeetingState.CONVENED)
            await connection.execute(
                """UPDATE meetings SET state = 'cancelled', cancelled_at_utc = ?,
                       sequence = sequence + 1 WHERE id = ?""",
                (to_db_time(self._now), meeting_id),
            )
            return await self._fetch(connection, meeting_id)

    async def mark_convened(
        self, meeting_id: int, *, urgent: bool, urgency_reason: str | None
    ) -> Meeting:
        """Record a sending of the convocation, for the meeting's date as it now stands.

        The first one convenes the meeting; after a move, the new one is the convocation in
        force, and the meeting's sending time and urgency become its own.
        """
        async with self.database.transaction() as connection:
            meeting = await self._require(
                connection, meeting_id, MeetingState.PLANNED, MeetingState.CONVENED
            )
            now = to_db_time(self._now)
            await connection.execute(
                """INSERT INTO convocations (meeting_id, sent_at_utc, starts_at_utc, urgent,
                       urgency_reason) VALUES (?, ?, ?, ?, ?)""",
                (meeting_id, now, to_db_time(meeting.plan.starts_at), int(urgent), urgency_reason),
            )
            await connection.execute(
                """UPDATE meetings SET state = 'convened', convened_at_utc = ?, urgent = ?,
                       urgency_reason = ? WHERE id = ?""",
                (now, int(urgent), urgency_reason, meeting_id),
            )
            return await self._fetch(connection, meeting_id)

    async def convocations(self, meeting_id: int) -> list[Convocation]:
        """Every sending of the meeting's convocation, the one in force last."""
        cursor = await self._reader.execute(
            "SELECT * FROM convocations WHERE meeting_id = ? ORDER BY id", (meeting_id,)
        )
        return [
            Convocation(
                id=row["id"],
                meeting_id=row["meeting_id"],
                sent_at=required_db_time(row["sent_at_utc"]),
                starts_at=required_db_time(row["starts_at_utc"]),
                urgent=bool(row["urgent"]),
                urgency_reason=row["urgency_reason"],
            )
            for row in await cursor.fetchall()
        ]

    async def record_deliveries(
        self, convocation_id: int, deliveries: Sequence[ConvocationDelivery]
    ) -> None:
        """What became of each copy of a convocation; a later attempt adds to the history."""
        async with self.database.transaction() as connection:
            await connection.executemany(
                """INSERT INTO convocation_deliveries (convocation_id, participant_id, advisory,
                       person_id, delivered_at_utc, failure) VALUES (?, ?, ?, ?, ?, ?)""",
                [
                    (
                        convocation_id,
                        d.participant_id,
                        int(d.advisory),
                        d.person_id,
                        to_db_time(d.delivered_at) if d.delivered_at else None,
                        None if d.failure is None else d.failure.value,
                    )
                    for d in deliveries
                ],
            )

    async def deliveries(self, convocation_id: int) -> list[ConvocationDelivery]:
        """The copies of a convocation, in the order they were attempted."""
        cursor = await self._reader.execute(
            "SELECT * FROM convocation_deliveries WHERE convocation_id = ? ORDER BY id",
            (convocation_id,),
        )
        return [
            ConvocationDelivery(
                participant_id=row["participant_id"],
                advisory=bool(row["advisory"]),
                person_id=row["person_id"],
                delivered_at=from_db_time(row["delivered_at_utc"]),
                failure=None if row["failure"] is None else DeliveryFailure(row["failure"]),
            )
            for row in await cursor.fetchall()
        ]

    # --- replies -------------------------------------------------------------------

    async def replies(self, meeting_id: int) -> dict[str, Reply]:
        cursor = await self._reader.execute(_LATEST_REPLIES, (meeting_id,))
        return {row["member_id"]: _reply_from_row(row) for row in await cursor.fetchall()}

    async def reply(
        self,
        meeting_id: int,
        member_id: str,
        kind: ReplyKind,
        *,
        replied_by: str,
        voting_members: frozenset[str],
        max_proxies_per_holder: int,
        proxy_holder: str | None = None,
    ) -> Reply:
        """Record a member's answer to the convocation; proxies are checked against the others."""
        if (kind is ReplyKind.PROXY) != (proxy_holder is not None):
            raise ValueError("a proxy reply names its holder, and only a proxy reply does")
        async with self.database.transaction() as connection:
            await self._require(connection, meeting_id, MeetingState.PLANNED, MeetingState.CONVENED)
            if kind is ReplyKind.PROXY:
                assert proxy_holder is not None
                # Checked again here, in the transaction: a forged or stale holder button
                # must meet every rule the list of holders applied.
                cursor = await connection.execute(_LATEST_REPLIES, (meeting_id,))
                replies = {
                    row["member_id"]: _reply_from_row(row) for row in await cursor.fetchall()
                }
                problem = reply_proxy_problem(
                    member_id, proxy_holder, replies, voting_members, max_proxies_per_holder
                )
                if problem is not None:
                    raise ProxyRefused(problem)
            cursor = await connection.execute(
                """INSERT INTO meeting_replies (meeting_id, member_id, reply, proxy_holder,
                       replied_by, replied_at_utc) VALUES (?, ?, ?, ?, ?, ?)""",
                (
                    meeting_id,
                    member_id,
                    kind.value,
                    proxy_holder,
                    replied_by,
                    to_db_time(self._now),
                ),
            )
        return Reply(member_id, kind, proxy_holder, replied_by, self._now)

    async def eligible_holders(
        self, meeting_id: int, giver: str, voting_members: Sequence[str], max_per_holder: int
    ) -> list[str]:
        """Members that may still receive ``giver``'s proxy, in the given order."""
        members = frozenset(voting_members)
        replies = await self.replies(meeting_id)
        return [
            holder
            for holder in voting_members
            if reply_proxy_problem(giver, holder, replies, members, max_per_holder) is None
        ]

    # --- the session -----------------------------------------------------------------

    async def open_session(self, meeting_id: int, advisory_ids: frozenset[str]) -> Meeting:
        """Open the session; who replied present (in the room or by video) is taken as arrived."""
        async with self.database.transaction() as connection:
            await self._require(connection, meeting_id, MeetingState.PLANNED, MeetingState.CONVENED)
            now = to_db_time(self._now)
            cursor = await connection.execute(_LATEST_REPLIES, (meeting_id,))
            arrivals = [
                (
                    meeting_id,
                    row["member_id"],
                    int(row["member_id"] in advisory_ids),
                    int(row["reply"] == ReplyKind.VIDEO.value),
                    now,
                )
                for row in await cursor.fetchall()
                if row["reply"] in (ReplyKind.PRESENT.value, ReplyKind.VIDEO.value)
            ]
            await connection.executemany(
                """INSERT INTO attendance_events (meeting_id, participant_id, advisory, event,
                       by_video, recorded_by, at_utc)
                   VALUES (?, ?, ?, 'arrive', ?, 'replies', ?)""",
                arrivals,
            )
            await connection.execute(
                "UPDATE meetings SET state = 'in_session', session_opened_at_utc = ? WHERE id = ?",
                (now, meeting_id),
            )
            return await self._fetch(connection, meeting_id)

    async def record(
        self,
        meeting_id: int,
        participant_id: str,
        *,
        arrived: bool,
        recorded_by: str,
        advisory: bool = False,
        by_video: bool = False,
    ) -> bool:
        """An arrival or a departure during the session; False if it changes nothing."""
        async with self.database.transaction() as connection:
            await self._require(connection, meeting_id, MeetingState.IN_SESSION)
            cursor = await connection.execute(
                """SELECT event FROM attendance_events WHERE meeting_id = ? AND participant_id = ?
                   ORDER BY id DESC LIMIT 1""",
                (meeting_id, participant_id),
            )
            last = await cursor.fetchone()
            is_present = last is not None and last["event"] == "arrive"
            if is_present == arrived:
                return False
            await connection.execute(
                """INSERT INTO attendance_events (meeting_id, participant_id, advisory, event,
                       by_video, recorded_by, at_utc) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (
                    meeting_id,
                    participant_id,
                    int(advisory),
                    "arrive" if arrived else "leave",
                    int(by_video),
                    recorded_by,
                    to_db_time(self._now),
                ),
            )
            return True

    async def attendance_events(self, meeting_id: int) -> list[AttendanceEvent]:
        """Every arrival and departure of the session, in the order they were recorded."""
        cursor = await self._reader.execute(
            "SELECT * FROM attendance_events WHERE meeting_id = ? ORDER BY id", (meeting_id,)
        )
        return [
            AttendanceEvent(
                participant_id=row["participant_id"],
                advisory=bool(row["advisory"]),
                arrived=row["event"] == "arrive",
                by_video=bool(row["by_video"]),
                at=required_db_time(row["at_utc"]),
                recorded_by=row["recorded_by"],
            )
            for row in await cursor.fetchall()
        ]

    async def attendance(self, meeting_id: int, until: datetime | None = None) -> Attendance:
        """Who is in the session now, or was at ``until``."""
        return attendance_at(await self.attendance_events(meeting_id), until)

    # --- notes of the agenda items -------------------------------------------------------

    async def note(self, meeting_id: int, position: int, text: str, noted_by: str) -> AgendaNote:
        """Note what was said of agenda item ``position`` (from 1) during the session.

        A note replaces the item's earlier one in the minutes; every version is kept.
        """
        text = text.strip()
        if not text:
            raise EmptyNote("a note says something", number=meeting_id)
        async with self.database.transaction() as connection:
            meeting = await self._require(connection, meeting_id, MeetingState.IN_SESSION)
            if not 1 <= position <= len(meeting.plan.agenda):
                raise UnknownAgendaItem(meeting_id, position, len(meeting.plan.agenda))
            await connection.execute(
                """INSERT INTO agenda_notes (meeting_id, position, text, noted_by, noted_at_utc)
                   VALUES (?, ?, ?, ?, ?)""",
                (meeting_id, position, text, noted_by, to_db_time(self._now)),
            )
        return AgendaNote(position, text, noted_by, self._now)

    async def notes(self, meeting_id: int) -> dict[int, AgendaNote]:
        """The latest note of each agenda item that has one, by position."""
        cursor = await self._reader.execute(
            """SELECT * FROM agenda_notes AS n WHERE meeting_id = ? AND id = (
                   SELECT MAX(id) FROM agenda_notes
                   WHERE meeting_id = n.meeting_id AND position = n.position
               ) ORDER BY position""",
            (meeting_id,),
        )
        return {
            row["position"]: AgendaNote(
                row["position"], row["text"], row["noted_by"], required_db_time(row["noted_at_utc"])
            )
            for row in await cursor.fetchall()
        }

    async def close_session(self, meeting_id: int) -> Meeting:
        async with self.database.transaction() as connection:
            await self._require(connection, meeting_id, MeetingState.IN_SESSION)
            await connection.execute(
                "UPDATE meetings SET state = 'closed', session_closed_at_utc = ? WHERE id = ?",
                (to_db_time(self._now), meeting_id),
            )
            return await self._fetch(connection, meeting_id)


def _meeting_from_row(row: Row, agenda: tuple[AgendaItem, ...]) -> Meeting:
    return Meeting(
        id=row["id"],
        plan=MeetingPlan(
            groupement_id=row["groupement_id"],
            instance_id=row["instance_id"],
            starts_at=required_db_time(row["starts_at_utc"]),
            duration=timedelta(minutes=row["duration_minutes"]),
            place=row["place"],
            video_link=row["video_link"],
            agenda=agenda,
            chair=row["chair"],
            chair_name=row["chair_name"],
            secretary=row["secretary"],
            second_convocation_of=row["second_convocation_of"],
        ),
        state=MeetingState(row["state"]),
        created_at=required_db_time(row["created_at_utc"]),
        created_by=row["created_by"],
        convened_at=from_db_time(row["convened_at_utc"]),
        urgent=bool(row["urgent"]),
        urgency_reason=row["urgency_reason"],
        sequence=row["sequence"],
        session_opened_at=from_db_time(row["session_opened_at_utc"]),
        session_closed_at=from_db_time(row["session_closed_at_utc"]),
        cancelled_at=from_db_time(row["cancelled_at_utc"]),
    )


def _reply_from_row(row: Row) -> Reply:
    return Reply(
        member_id=row["member_id"],
        kind=ReplyKind(row["reply"]),
        proxy_holder=row["proxy_holder"],
        replied_by=row["replied_by"],
        replied_at=required_db_time(row["replied_at_utc"]),
    )
