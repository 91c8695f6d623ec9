"""Who is who: people, the members they represent, coordinators, invitations, proxies.

A *person* is an opaque id given by an adapter (the Telegram bot uses
``tg:<user id>``). A person represents a member as its *titulaire* or its
*suppléant*; a coordinator may invite people and run ballots for a
groupement. Invitations are one-time tokens that expire. Standing proxies
(a member gives its vote to another member for the instance's next ballots)
are recorded here until a ballot freezes them.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from voting.db import Connection, Store, from_db_time, required_db_time, to_db_time
from voting.refusal import Refused

COMPONENT = "roster"

INVITATION_LIFETIME = timedelta(days=7)

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE people (
        id TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        language TEXT,
        client_language TEXT,
        created_at_utc TEXT NOT NULL
    );
    CREATE TABLE representatives (
        id INTEGER PRIMARY KEY,
        groupement_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        person_id TEXT NOT NULL REFERENCES people (id),
        role TEXT NOT NULL CHECK (role IN ('titulaire', 'suppleant', 'advisory')),
        bound_at_utc TEXT NOT NULL,
        ended_at_utc TEXT
    );
    CREATE UNIQUE INDEX one_person_per_seat ON representatives (groupement_id, member_id, role)
        WHERE ended_at_utc IS NULL;
    CREATE TABLE coordinators (
        groupement_id TEXT NOT NULL,
        person_id TEXT NOT NULL,
        added_at_utc TEXT NOT NULL,
        added_by TEXT,
        PRIMARY KEY (groupement_id, person_id)
    );
    CREATE TABLE invitations (
        token TEXT PRIMARY KEY,
        groupement_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('titulaire', 'suppleant', 'advisory')),
        created_by TEXT NOT NULL,
        created_at_utc TEXT NOT NULL,
        expires_at_utc TEXT NOT NULL,
        used_at_utc TEXT,
        used_by TEXT
    );
    CREATE TABLE standing_proxies (
        id INTEGER PRIMARY KEY,
        groupement_id TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        giver TEXT NOT NULL,
        holder TEXT NOT NULL,
        given_by TEXT NOT NULL,
        given_at_utc TEXT NOT NULL,
        revoked_at_utc TEXT
    );
    CREATE UNIQUE INDEX one_proxy_per_giver ON standing_proxies (groupement_id, instance_id, giver)
        WHERE revoked_at_utc IS NULL;
    """,
    # Read on every update (who is asking): by person, in the order the queries want.
    """
    CREATE INDEX seats_by_person ON representatives (person_id, groupement_id, member_id)
        WHERE ended_at_utc IS NULL;
    CREATE INDEX coordinators_by_person ON coordinators (person_id, groupement_id);
    """,
)


class Role(StrEnum):
    TITULAIRE = "titulaire"
    SUPPLEANT = "suppleant"
    ADVISORY = "advisory"
    """A person for an advisory participant (autorité académique, DANE): convened, never votes."""


class RosterError(Refused):
    """A refused roster operation; ``code`` names the reason for adapters."""

    code = "roster_error"


class InvitationUnknown(RosterError):
    code = "invitation_unknown"


class InvitationUsed(RosterError):
    code = "invitation_used"


class InvitationExpired(RosterError):
    code = "invitation_expired"


class SeatConflict(RosterError):
    code = "seat_conflict"

    def __init__(self, member_id: str) -> None:
        super().__init__(f"already represents {member_id!r} in this groupement", member=member_id)
        self.member_id = member_id


class ProxyRefused(RosterError):
    code = "proxy_refused"

    def __init__(self, problem: ProxyProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem
        # One reason per problem, so that each is told in its own words.
        self.code = f"proxy.{problem.value}"


@dataclass(frozen=True)
class Person:
    id: str
    display_name: str
    language: str | None
    """The language the person chose, if any."""
    client_language: str | None
    """The language of the person's app, as last seen."""


@dataclass(frozen=True)
class Seat:
    """A person's mandate: representing ``member_id`` of ``groupement_id``."""

    groupement_id: str
    member_id: str
    person_id: str
    role: Role


@dataclass(frozen=True)
class SeatTerm:
    """A seat as the record keeps it: from when, and until when, the person held it."""

    seat: Seat
    bound_at: datetime
    ended_at: datetime | None

    def held_at(self, moment: datetime) -> bool:
        return self.bound_at <= moment and (self.ended_at is None or moment < self.ended_at)


@dataclass(frozen=True)
class Invitation:
    token: str
    groupement_id: str
    member_id: str
    role: Role
    expires_at: datetime


@dataclass(frozen=True)
class StandingProxy:
    groupement_id: str
    instance_id: str
    giver: str
    holder: str


class Roster(Store):
    COMPONENT = COMPONENT
    MIGRATIONS = MIGRATIONS

    async def _remember(
        self,
        connection: Connection,
        person_id: str,
        display_name: str,
        client_language: str | None = None,
    ) -> None:
        await connection.execute(
            """INSERT INTO people (id, display_name, client_language, created_at_utc)
               VALUES (?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name,
                   client_language = coalesce(excluded.client_language, people.client_language)""",
            (person_id, display_name, client_language, to_db_time(self._now)),
        )

    async def remember(
        self, person_id: str, display_name: str, client_language: str | None = None
    ) -> None:
        async with self.database.transaction() as connection:
            await self._remember(connection, person_id, display_name, client_language)

    async def person(self, person_id: str) -> Person | None:
        # Read on every update: execute and fetch in one trip to the database's thread.
        rows = list(
            await self._reader.execute_fetchall(
                "SELECT id, display_name, language, client_language FROM people WHERE id = ?",
                (person_id,),
            )
        )
        if not rows:
            return None
        row = rows[0]
        return Person(row["id"], row["display_name"], row["language"], row["client_language"])

    async def set_language(self, person_id: str, display_name: str, language: str) -> None:
        async with self.database.transaction() as connection:
            await self._remember(connection, person_id, display_name)
            await connection.execute(
                "UPDATE people SET language = ? WHERE id = ?", (language, person_id)
            )

    # --- coordinators -------------------------------------------------------------

    async def add_coordinator(
        self, groupement_id: str, person_id: str, display_name: str, added_by: str | None
    ) -> bool:
        """Make ``person_id`` a coordinator; False if it already was."""
        async with self.database.transaction() as connection:
            await self._remember(connection, person_id, display_name)
            cursor = await connection.execute(
                """INSERT INTO coordinators (groupement_id, person_id, added_at_utc, added_by)
                   VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                (groupement_id, person_id, to_db_time(self._now), added_by),
            )
            return cursor.rowcount == 1

    async def coordinated_groupements(self, person_id: str) -> list[str]:
        rows = await self._reader.execute_fetchall(
            "SELECT groupement_id FROM coordinators WHERE person_id = ? ORDER BY groupement_id",
            (person_id,),
        )
        return [row[0] for row in rows]

    async def coordinators(self) -> list[tuple[str, str]]:
        """Every (groupement, person) pair, for scoping the coordinators' command list."""
        cursor = await self._reader.execute(
            "SELECT groupement_id, person_id FROM coordinators ORDER BY groupement_id, person_id"
        )
        return [(row[0], row[1]) for row in await cursor.fetchall()]

    # --- invitations and seats ----------------------------------------------------

    async def invite(
        self, groupement_id: str, member_id: str, role: Role, created_by: str
    ) -> Invitation:
        # 16 random bytes: unguessable, and short enough for a deep link (64 chars at most).
        token = secrets.token_urlsafe(16)
        expires_at = self._now + INVITATION_LIFETIME
        async with self.database.transaction() as connection:
            # A new link for a seat voids the older ones: a leaked link cannot oust anyone.
            await connection.execute(
                """UPDATE invitations SET expires_at_utc = ?
                   WHERE groupement_id = ? AND member_id = ? AND role = ?
                     AND used_at_utc IS NULL AND expires_at_utc > ?""",
                (
                    to_db_time(self._now),
                    groupement_id,
                    member_id,
                    role.value,
                    to_db_time(self._now),
                ),
            )
            await connection.execute(
                """INSERT INTO invitations (token, groupement_id, member_id, role, created_by,
                       created_at_utc, expires_at_utc) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (
                    token,
                    groupement_id,
                    member_id,
                    role.value,
                    created_by,
                    to_db_time(self._now),
                    to_db_time(expires_at),
                ),
            )
        return Invitation(token, groupement_id, member_id, role, expires_at)

    async def accept(
        self, token: str, person_id: str, display_name: str, client_language: str | None = None
    ) -> Seat:
        """Bind ``person_id`` to the invitation's seat; the token can never serve again."""
        now = self._now
        async with self.database.transaction() as connection:
            cursor = await connection.execute("SELECT * FROM invitations WHERE token = ?", (token,))
            row = await cursor.fetchone()
            if row is None:
                raise InvitationUnknown("no such invitation")
            seat = Seat(row["groupement_id"], row["member_id"], person_id, Role(row["role"]))
            if row["used_at_utc"] is not None:
                # Opening one's own link twice is harmless while the seat is still theirs.
                if row["used_by"] == person_id and await self._holds(connection, seat):
                    return seat
                raise InvitationUsed("this invitation has already been used")
            expires_at = from_db_time(row["expires_at_utc"])
            if expires_at is not None and now >= expires_at:
                raise InvitationExpired("this invitation has expired")
            other = await self._other_member(connection, seat)
            if other is not None:
                raise SeatConflict(other)
            await self._remember(connection, person_id, display_name, client_language)
            await connection.execute(
                "UPDATE invitations SET used_at_utc = ?, used_by = ? WHERE token = ?",
                (to_db_time(now), person_id, token),
            )
            # The seat's previous holder (a replaced representative) steps down.
            await connection.execute(
                """UPDATE representatives SET ended_at_utc = ?
                   WHERE groupement_id = ? AND member_id = ? AND role = ?
                     AND ended_at_utc IS NULL""",
                (to_db_time(now), seat.groupement_id, seat.member_id, seat.role.value),
            )
            await connection.execute(
                """INSERT INTO representatives
                       (groupement_id, member_id, person_id, role, bound_at_utc)
                   VALUES (?, ?, ?, ?, ?)""",
                (seat.groupement_id, seat.member_id, person_id, seat.role.value, to_db_time(now)),
            )
        return seat

    @staticmethod
    async def _other_member(connection: Connection, seat: Seat) -> str | None:
        """Another member the person already represents in this groupement, if any.

        One person speaking for two members would carry two votes without a proxy, beyond
        the proxy limit; advisory seats are not votes and do not count.
        """
        if seat.role is Role.ADVISORY:
            return None
        cursor = await connection.execute(
            """SELECT member_id FROM representatives
               WHERE groupement_id = ? AND person_id = ? AND member_id != ?
                 AND role != 'advisory' AND ended_at_utc IS NULL""",
            (seat.groupement_id, seat.person_id, seat.member_id),
        )
        row = await cursor.fetchone()
        return None if row is None else str(row[0])

    @staticmethod
    async def _holds(connection: Connection, seat: Seat) -> bool:
        cursor = await connection.execute(
            """SELECT 1 FROM representatives WHERE groupement_id = ? AND member_id = ?
                 AND role = ? AND person_id = ? AND ended_at_utc IS NULL""",
            (seat.groupement_id, seat.member_id, seat.role.value, seat.person_id),
        )
        return await cursor.fetchone() is not None

    async def seats_of(self, person_id: str) -> list[Seat]:
        rows = await self._reader.execute_fetchall(
            """SELECT groupement_id, member_id, person_id, role FROM representatives
               WHERE person_id = ? AND ended_at_utc IS NULL
               ORDER BY groupement_id, member_id""",
            (person_id,),
        )
        return [Seat(r[0], r[1], r[2], Role(r[3])) for r in rows]

    async def representatives_of(self, groupement_id: str, member_id: str) -> list[Seat]:
        cursor = await self._reader.execute(
            """SELECT groupement_id, member_id, person_id, role FROM representatives
               WHERE groupement_id = ? AND member_id = ? AND ended_at_utc IS NULL
               ORDER BY role DESC""",
            (groupement_id, member_id),
        )
        return [Seat(r[0], r[1], r[2], Role(r[3])) for r in await cursor.fetchall()]

    async def seat_terms(self, groupement_id: str) -> list[SeatTerm]:
        """Every seat of the groupement ever held, ended ones too: who sat for whom, when."""
        cursor = await self._reader.execute(
            """SELECT groupement_id, member_id, person_id, role, bound_at_utc, ended_at_utc
               FROM representatives WHERE groupement_id = ? ORDER BY id""",
            (groupement_id,),
        )
        return [
            SeatTerm(
                Seat(r[0], r[1], r[2], Role(r[3])),
                required_db_time(r[4]),
                from_db_time(r[5]),
            )
            for r in await cursor.fetchall()
        ]

    async def seats(self, groupement_id: str) -> list[Seat]:
        cursor = await self._reader.execute(
            """SELECT groupement_id, member_id, person_id, role FROM representatives
               WHERE groupement_id = ? AND ended_at_utc IS NULL
               ORDER BY member_id, role DESC""",
            (groupement_id,),
        )
        return [Seat(r[0], r[1], r[2], Role(r[3])) for r in await cursor.fetchall()]

    async def end_mandates(self, groupement_id: str, member_id: str) -> list[Seat]:
        """An election ended the mandates of ``member_id``'s representatives: their seats end,
        the member's pending invitations are void, and the standing proxies it gave or holds
        are revoked (the person who gave one no longer speaks for the member, and nobody
        sits to carry one). The seats that ended are returned."""
        now = to_db_time(self._now)
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                """SELECT groupement_id, member_id, person_id, role FROM representatives
                   WHERE groupement_id = ? AND member_id = ? AND role != 'advisory'
                     AND ended_at_utc IS NULL ORDER BY role DESC""",
                (groupement_id, member_id),
            )
            ended = [Seat(r[0], r[1], r[2], Role(r[3])) for r in await cursor.fetchall()]
            await connection.execute(
                """UPDATE representatives SET ended_at_utc = ?
                   WHERE groupement_id = ? AND member_id = ? AND role != 'advisory'
                     AND ended_at_utc IS NULL""",
                (now, groupement_id, member_id),
            )
            await connection.execute(
                """UPDATE invitations SET expires_at_utc = ?
                   WHERE groupement_id = ? AND member_id = ? AND used_at_utc IS NULL
                     AND expires_at_utc > ?""",
                (now, groupement_id, member_id, now),
            )
            await connection.execute(
                """UPDATE standing_proxies SET revoked_at_utc = ?
                   WHERE groupement_id = ? AND (giver = ? OR holder = ?)
                     AND revoked_at_utc IS NULL""",
                (now, groupement_id, member_id, member_id),
            )
        return ended

    # --- standing proxies ---------------------------------------------------------

    async def standing_proxies(self, groupement_id: str, instance_id: str) -> dict[str, str]:
        """giver -> holder, for the instance's next ballot."""
        cursor = await self._reader.execute(
            """SELECT giver, holder FROM standing_proxies
               WHERE groupement_id = ? AND instance_id = ? AND revoked_at_utc IS NULL
               ORDER BY giver""",
            (groupement_id, instance_id),
        )
        return {row[0]: row[1] for row in await cursor.fetchall()}

    async def give_proxy(
        self,
        proxy: StandingProxy,
        given_by: str,
        members: frozenset[str],
        max_per_holder: int,
    ) -> None:
        """Record a proxy after checking it against the ones already given."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                """SELECT giver, holder FROM standing_proxies
                   WHERE groupement_id = ? AND instance_id = ? AND revoked_at_utc IS NULL""",
                (proxy.groupement_id, proxy.instance_id),
            )
            current = {row[0]: row[1] for row in await cursor.fetchall()}
            current.pop(proxy.giver, None)
            problem = proxy_problem(proxy.giver, proxy.holder, current, members, max_per_holder)
            if problem is not None:
                raise ProxyRefused(problem)
            await connection.execute(
                """UPDATE standing_proxies SET revoked_at_utc = ?
                   WHERE groupement_id = ? AND instance_id = ? AND giver = ?
                     AND revoked_at_utc IS NULL""",
                (to_db_time(self._now), proxy.groupement_id, proxy.instance_id, proxy.giver),
            )
            await connection.execute(
                """INSERT INTO standing_proxies (groupement_id, instance_id, giver, holder,
                       given_by, given_at_utc) VALUES (?, ?, ?, ?, ?, ?)""",
                (
                    proxy.groupement_id,
                    proxy.instance_id,
                    proxy.giver,
                    proxy.holder,
                    given_by,
                    to_db_time(self._now),
                ),
            )

    async def consume_proxies(self, groupement_id: str, instance_id: str) -> int:
        """A ballot froze the standing proxies: they served once, as a proxy does."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                """UPDATE standing_proxies SET revoked_at_utc = ?
                   WHERE groupement_id = ? AND instance_id = ? AND revoked_at_utc IS NULL""",
                (to_db_time(self._now), groupement_id, instance_id),
            )
            return cursor.rowcount

    async def revoke_proxy(self, groupement_id: str, instance_id: str, giver: str) -> bool:
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                """UPDATE standing_proxies SET revoked_at_utc = ?
                   WHERE groupement_id = ? AND instance_id = ? AND giver = ?
                     AND revoked_at_utc IS NULL""",
                (to_db_time(self._now), groupement_id, instance_id, giver),
            )
            return cursor.rowcount > 0


class ProxyProblem(StrEnum):
    GIVER_NOT_VOTING = "giver_not_voting"
    HOLDER_NOT_VOTING = "holder_not_voting"
    TO_ITSELF = "to_itself"
    HOLDER_GAVE_ITS_OWN = "holder_gave_its_own"
    GIVER_HOLDS_ONE = "giver_holds_one"
    HOLDER_AT_LIMIT = "holder_at_limit"
    HOLDER_EXCUSED = "holder_excused"


def proxy_problem(
    giver: str,
    holder: str,
    others: dict[str, str],
    members: frozenset[str],
    max_per_holder: int,
) -> ProxyProblem | None:
    """Why ``giver`` may not give its proxy to ``holder``, given the ``others`` in force."""
    if giver not in members:
        return ProxyProblem.GIVER_NOT_VOTING
    if holder not in members:
        return ProxyProblem.HOLDER_NOT_VOTING
    if giver == holder:
        return ProxyProblem.TO_ITSELF
    if holder in others:
        return ProxyProblem.HOLDER_GAVE_ITS_OWN
    if giver in others.values():
        return ProxyProblem.GIVER_HOLDS_ONE
    if Counter(others.values())[holder] >= max_per_holder:
        return ProxyProblem.HOLDER_AT_LIMIT
    return None
