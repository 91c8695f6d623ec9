"""What the opening and the course of a session add to a meeting, on disk.

The chair designated for the session when the planned chair's member is absent, the ballots
that rule on the opening (the urgency, a proposed chair), and the proxies given or revoked
during the session. All are append-only: the latest designation holds, and the proxies in
force at any moment are replayed by :func:`meetings.presence.proxies_at`.
"""

from __future__ import annotations

from meetings.approval import SecretaryOfSession
from meetings.meeting import ChairDesignation, RulingSubject, SessionProxy, SessionRuling
from voting.db import Row, Store, required_db_time, to_db_time

COMPONENT = "sessions"

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE session_chairs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        meeting_id INTEGER NOT NULL,
        member_id TEXT NOT NULL,
        person_name TEXT NOT NULL,
        designated_by TEXT NOT NULL,
        ballot_id INTEGER,
        designated_at_utc TEXT NOT NULL
    );
    CREATE TABLE session_rulings (
        ballot_id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL,
        subject TEXT NOT NULL CHECK (subject IN ('urgency', 'chair')),
        member_id TEXT,
        person_name TEXT
    );
    CREATE INDEX rulings_by_meeting ON session_rulings (meeting_id, ballot_id);
    CREATE TABLE session_proxies (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        meeting_id INTEGER NOT NULL,
        giver TEXT NOT NULL,
        holder TEXT,
        recorded_by TEXT NOT NULL,
        at_utc TEXT NOT NULL
    );
    CREATE INDEX session_proxies_by_meeting ON session_proxies (meeting_id, id);
    """,
    # The person who is the secretary of the session, and signs its minutes as such.
    """
    CREATE TABLE session_secretaries (
        meeting_id INTEGER PRIMARY KEY,
        person_id TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        at_utc TEXT NOT NULL
    );
    """,
)


class SessionStore(Store):
    COMPONENT = COMPONENT
    MIGRATIONS = MIGRATIONS

    # --- the chair of the session --------------------------------------------------------

    async def designate_chair(
        self,
        meeting_id: int,
        member_id: str,
        person_name: str,
        *,
        designated_by: str,
        ballot_id: int | None = None,
    ) -> ChairDesignation:
        now = self._now
        async with self.database.transaction() as connection:
            await connection.execute(
                """INSERT INTO session_chairs (meeting_id, member_id, person_name,
                       designated_by, ballot_id, designated_at_utc) VALUES (?, ?, ?, ?, ?, ?)""",
                (meeting_id, member_id, person_name, designated_by, ballot_id, to_db_time(now)),
            )
        return ChairDesignation(member_id, person_name, designated_by, now, ballot_id)

    async def chair_designation(self, meeting_id: int) -> ChairDesignation | None:
        """The latest designation of a chair for the session, if any."""
        cursor = await self._reader.execute(
            "SELECT * FROM session_chairs WHERE meeting_id = ? ORDER BY id DESC LIMIT 1",
            (meeting_id,),
        )
        row = await cursor.fetchone()
        if row is None:
            return None
        return ChairDesignation(
            member_id=row["member_id"],
            person_name=row["person_name"],
            designated_by=row["designated_by"],
            at=required_db_time(row["designated_at_utc"]),
            ballot_id=row["ballot_id"],
        )

    # --- the rulings of the opening --------------------------------------------------------

    async def record_ruling(self, meeting_id: int, ruling: SessionRuling) -> None:
        async with self.database.transaction() as connection:
            await connection.execute(
                """INSERT INTO session_rulings (ballot_id, meeting_id, subject, member_id,
                       person_name) VALUES (?, ?, ?, ?, ?)""",
                (
                    ruling.ballot_id,
                    meeting_id,
                    ruling.subject.value,
                    ruling.member_id,
                    ruling.person_name,
                ),
            )

    async def rulings(self, meeting_id: int) -> list[SessionRuling]:
        """The ballots of the opening of a meeting, in the order they were opened."""
        cursor = await self._reader.execute(
            "SELECT * FROM session_rulings WHERE meeting_id = ? ORDER BY ballot_id", (meeting_id,)
        )
        return [_ruling_from_row(row) for row in await cursor.fetchall()]

    async def ruling_of(self, ballot_id: int) -> SessionRuling | None:
        cursor = await self._reader.execute(
            "SELECT * FROM session_rulings WHERE ballot_id = ?", (ballot_id,)
        )
        row = await cursor.fetchone()
        return None if row is None else _ruling_from_row(row)

    # --- proxies during the session ----------------------------------------------------------

    async def record_proxy(
        self, meeting_id: int, giver: str, holder: str | None, *, recorded_by: str
    ) -> SessionProxy:
        """A proxy given to ``holder`` during the session, or revoked (``holder`` None)."""
        now = self._now
        async with self.database.transaction() as connection:
            await connection.execute(
                """INSERT INTO session_proxies (meeting_id, giver, holder, recorded_by, at_utc)
                   VALUES (?, ?, ?, ?, ?)""",
                (meeting_id, giver, holder, recorded_by, to_db_time(now)),
            )
        return SessionProxy(giver, holder, recorded_by, now)

    async def session_proxies(self, meeting_id: int) -> list[SessionProxy]:
        cursor = await self._reader.execute(
            "SELECT * FROM session_proxies WHERE meeting_id = ? ORDER BY id", (meeting_id,)
        )
        return [
            SessionProxy(
                giver=row["giver"],
                holder=row["holder"],
                recorded_by=row["recorded_by"],
                at=required_db_time(row["at_utc"]),
            )
            for row in await cursor.fetchall()
        ]

    # --- the secretary of the session -------------------------------------------------------

    async def record_secretary(
        self, meeting_id: int, person_id: str, *, recorded_by: str
    ) -> SecretaryOfSession:
        """The person who is the secretary of the session; recording the same person again
        writes nothing, another one replaces it."""
        standing = await self.secretary(meeting_id)
        if standing is not None and standing.person_id == person_id:
            return standing
        now = self._now
        async with self.database.transaction() as connection:
            await connection.execute(
                """INSERT INTO session_secretaries (meeting_id, person_id, recorded_by, at_utc)
                   VALUES (?, ?, ?, ?) ON CONFLICT (meeting_id) DO UPDATE SET
                   person_id = excluded.person_id, recorded_by = excluded.recorded_by,
                   at_utc = excluded.at_utc""",
                (meeting_id, person_id, recorded_by, to_db_time(now)),
            )
        return SecretaryOfSession(meeting_id, person_id, recorded_by, now)

    async def secretary(self, meeting_id: int) -> SecretaryOfSession | None:
        cursor = await self._reader.execute(
            "SELECT * FROM session_secretaries WHERE meeting_id = ?", (meeting_id,)
        )
        row = await cursor.fetchone()
        if row is None:
            return None
        return SecretaryOfSession(
            meeting_id, row["person_id"], row["recorded_by"], required_db_time(row["at_utc"])
        )


def _ruling_from_row(row: Row) -> SessionRuling:
    return SessionRuling(
        ballot_id=row["ballot_id"],
        subject=RulingSubject(row["subject"]),
        member_id=row["member_id"],
        person_name=row["person_name"],
    )
