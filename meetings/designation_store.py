"""The record of designations: the acts that named members' representatives, and the elections
that ended their mandates. Append-only: a later record supersedes an earlier one, which stays
as history for the minutes of the meetings it covered."""

from __future__ import annotations

from datetime import date, datetime

from meetings.designation import (
    ActKind,
    Designation,
    DesignationAct,
    MandateEnd,
    MemberStanding,
    standing_at,
)
from voting.db import Store, inserted_id, required_db_time, to_db_time

COMPONENT = "designations"

MIGRATIONS: tuple[str, ...] = (
    # One table for acts and elections: their ids give the order in which they were recorded,
    # even within one second, and the latest record before a moment decides a member's seats.
    """
    CREATE TABLE designation_records (
        id INTEGER PRIMARY KEY,
        groupement_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        record TEXT NOT NULL CHECK (record IN ('act', 'election')),
        act_kind TEXT CHECK (act_kind IN ('deliberation', 'arrete', 'decision')),
        act_reference TEXT,
        act_date TEXT,
        election_date TEXT,
        recorded_by TEXT NOT NULL,
        recorded_at_utc TEXT NOT NULL,
        CHECK ((record = 'act') = (act_kind IS NOT NULL AND act_reference IS NOT NULL
                                   AND act_date IS NOT NULL)),
        CHECK ((record = 'election') = (election_date IS NOT NULL))
    );
    CREATE INDEX designation_records_by_member
        ON designation_records (groupement_id, member_id);
    """,
)


class DesignationStore(Store):
    COMPONENT = COMPONENT
    MIGRATIONS = MIGRATIONS

    async def record_designation(
        self, groupement_id: str, member_id: str, act: DesignationAct, recorded_by: str
    ) -> Designation:
        now = self._now
        async with self.database.transaction() as connection:
            row_id = await inserted_id(
                connection,
                """INSERT INTO designation_records (groupement_id, member_id, record, act_kind,
                       act_reference, act_date, recorded_by, recorded_at_utc)
                   VALUES (?, ?, 'act', ?, ?, ?, ?, ?)""",
                (
                    groupement_id,
                    member_id,
                    act.kind.value,
                    act.reference,
                    act.signed_on.isoformat(),
                    recorded_by,
                    to_db_time(now),
                ),
            )
        return Designation(row_id, groupement_id, member_id, act, now, recorded_by)

    async def record_mandate_end(
        self, groupement_id: str, member_id: str, election_day: date, recorded_by: str
    ) -> MandateEnd:
        now = self._now
        async with self.database.transaction() as connection:
            row_id = await inserted_id(
                connection,
                """INSERT INTO designation_records (groupement_id, member_id, record,
                       election_date, recorded_by, recorded_at_utc)
                   VALUES (?, ?, 'election', ?, ?, ?)""",
                (groupement_id, member_id, election_day.isoformat(), recorded_by, to_db_time(now)),
            )
        return MandateEnd(row_id, groupement_id, member_id, election_day, now, recorded_by)

    async def designations(self, groupement_id: str) -> list[Designation]:
        """Every act recorded for the groupement's members, oldest first."""
        cursor = await self._reader.execute(
            """SELECT id, groupement_id, member_id, act_kind, act_reference, act_date,
                   recorded_at_utc, recorded_by
               FROM designation_records WHERE groupement_id = ? AND record = 'act'
               ORDER BY id""",
            (groupement_id,),
        )
        return [
            Designation(
                r[0],
                r[1],
                r[2],
                DesignationAct(ActKind(r[3]), r[4], date.fromisoformat(r[5])),
                required_db_time(r[6]),
                r[7],
            )
            for r in await cursor.fetchall()
        ]

    async def mandate_ends(self, groupement_id: str) -> list[MandateEnd]:
        """Every election recorded as ending the mandates of the groupement's members."""
        cursor = await self._reader.execute(
            """SELECT id, groupement_id, member_id, election_date, recorded_at_utc, recorded_by
               FROM designation_records WHERE groupement_id = ? AND record = 'election'
               ORDER BY id""",
            (groupement_id,),
        )
        return [
            MandateEnd(r[0], r[1], r[2], date.fromisoformat(r[3]), required_db_time(r[4]), r[5])
            for r in await cursor.fetchall()
        ]

    async def standing_of(
        self, groupement_id: str, member_id: str, moment: datetime
    ) -> MemberStanding:
        """What covers the member's seats at ``moment``."""
        return standing_at(
            member_id,
            await self.designations(groupement_id),
            await self.mandate_ends(groupement_id),
            moment,
        )
