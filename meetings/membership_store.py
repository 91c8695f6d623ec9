"""The membership register in the database: joinings, withdrawal requests and decisions, the
market's notification and the R2194-8/9 exceptions (see :mod:`meetings.membership`).

Records are only added, and a withdrawal request only gains its decision: the register is a
history, never rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from meetings.membership import (
    Act,
    ActKind,
    ExceptionArticle,
    Joining,
    JoiningException,
    MarketNotification,
    Recorded,
    Register,
    WithdrawalDecision,
    WithdrawalMeans,
    WithdrawalRequest,
)
from voting.db import Row, Store, inserted_id, required_db_time, to_db_time

COMPONENT = "membership"

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE membership_exceptions (
        id INTEGER PRIMARY KEY,
        groupement_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        article TEXT NOT NULL CHECK (article IN ('R2194-8', 'R2194-9')),
        decided_on TEXT NOT NULL,
        reference TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        recorded_at_utc TEXT NOT NULL
    );
    CREATE TABLE membership_joinings (
        id INTEGER PRIMARY KEY,
        groupement_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        joined_on TEXT NOT NULL,
        act_kind TEXT NOT NULL
            CHECK (act_kind IN ('deliberation', 'decree', 'decision', 'certificate')),
        act_date TEXT NOT NULL,
        act_reference TEXT NOT NULL,
        exception_id INTEGER UNIQUE REFERENCES membership_exceptions (id),
        recorded_by TEXT NOT NULL,
        recorded_at_utc TEXT NOT NULL
    );
    CREATE TABLE membership_withdrawals (
        id INTEGER PRIMARY KEY,
        groupement_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        received_on TEXT NOT NULL,
        means TEXT NOT NULL CHECK (means IN ('recorded_letter', 'letter', 'email', 'other')),
        reference TEXT NOT NULL,
        earliest_effect TEXT,
        recorded_by TEXT NOT NULL,
        recorded_at_utc TEXT NOT NULL,
        accepted INTEGER CHECK (accepted IN (0, 1)),
        decided_on TEXT,
        effective_on TEXT,
        decision_reference TEXT,
        decided_by TEXT,
        decided_at_utc TEXT
    );
    CREATE TABLE membership_notifications (
        groupement_id TEXT PRIMARY KEY,
        notified_on TEXT NOT NULL,
        reference TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        recorded_at_utc TEXT NOT NULL
    );
    """,
)


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _required_day(text: str) -> date:
    return date.fromisoformat(text)


def _recorded(row: Row, prefix: str = "recorded") -> Recorded:
    return Recorded(row[f"{prefix}_by"], required_db_time(row[f"{prefix}_at_utc"]))


def _exception(row: Row, used_by: int | None) -> JoiningException:
    return JoiningException(
        id=row["id"],
        groupement_id=row["groupement_id"],
        member_id=row["member_id"],
        article=ExceptionArticle(row["article"]),
        decided_on=_required_day(row["decided_on"]),
        reference=row["reference"],
        recorded=_recorded(row),
        used_by=used_by,
    )


def _withdrawal(row: Row) -> WithdrawalRequest:
    decision = None
    if row["accepted"] is not None:
        decision = WithdrawalDecision(
            accepted=bool(row["accepted"]),
            decided_on=_required_day(row["decided_on"]),
            effective_on=_day(row["effective_on"]),
            reference=row["decision_reference"],
            recorded=_recorded(row, "decided"),
        )
    return WithdrawalRequest(
        id=row["id"],
        groupement_id=row["groupement_id"],
        member_id=row["member_id"],
        received_on=_required_day(row["received_on"]),
        means=WithdrawalMeans(row["means"]),
        reference=row["reference"],
        earliest_effect=_day(row["earliest_effect"]),
        recorded=_recorded(row),
        decision=decision,
    )


class MembershipStore(Store):
    COMPONENT = COMPONENT
    MIGRATIONS = MIGRATIONS

    async def register(self, groupement_id: str) -> Register:
        reader = self._reader
        cursor = await reader.execute(
            """SELECT e.*, j.id AS used_by FROM membership_exceptions e
               LEFT JOIN membership_joinings j ON j.exception_id = e.id
               WHERE e.groupement_id = ? ORDER BY e.id""",
            (groupement_id,),
        )
        exceptions = [_exception(row, row["used_by"]) for row in await cursor.fetchall()]
        by_id = {exception.id: exception for exception in exceptions}
        cursor = await reader.execute(
            "SELECT * FROM membership_joinings WHERE groupement_id = ? ORDER BY id",
            (groupement_id,),
        )
        joinings = [
            Joining(
                id=row["id"],
                groupement_id=groupement_id,
                member_id=row["member_id"],
                joined_on=_required_day(row["joined_on"]),
                act=Act(
                    ActKind(row["act_kind"]), _required_day(row["act_date"]), row["act_reference"]
                ),
                recorded=_recorded(row),
                exception=by_id.get(row["exception_id"]),
            )
            for row in await cursor.fetchall()
        ]
        cursor = await reader.execute(
            "SELECT * FROM membership_withdrawals WHERE groupement_id = ? ORDER BY id",
            (groupement_id,),
        )
        withdrawals = [_withdrawal(row) for row in await cursor.fetchall()]
        cursor = await reader.execute(
            "SELECT * FROM membership_notifications WHERE groupement_id = ?", (groupement_id,)
        )
        row = await cursor.fetchone()
        notification = None
        if row is not None:
            notification = MarketNotification(
                groupement_id,
                _required_day(row["notified_on"]),
                row["reference"],
                _recorded(row),
            )
        return Register(groupement_id, joinings, withdrawals, exceptions, notification)

    async def registers(self, groupement_ids: Iterable[str]) -> dict[str, Register]:
        return {
            groupement_id: await self.register(groupement_id) for groupement_id in groupement_ids
        }

    async def add_joining(
        self,
        groupement_id: str,
        member_id: str,
        joined_on: date,
        act: Act,
        recorded_by: str,
        exception_id: int | None,
    ) -> int:
        async with self.database.transaction() as connection:
            return await inserted_id(
                connection,
                """INSERT INTO membership_joinings (groupement_id, member_id, joined_on, act_kind,
                       act_date, act_reference, exception_id, recorded_by, recorded_at_utc)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    groupement_id,
                    member_id,
                    joined_on.isoformat(),
                    act.kind.value,
                    act.day.isoformat(),
                    act.reference,
                    exception_id,
                    recorded_by,
                    to_db_time(self._now),
                ),
            )

    async def add_exception(
        self,
        groupement_id: str,
        member_id: str,
        article: ExceptionArticle,
        decided_on: date,
        reference: str,
        recorded_by: str,
    ) -> int:
        async with self.database.transaction() as connection:
            return await inserted_id(
                connection,
                """INSERT INTO membership_exceptions (groupement_id, member_id, article,
                       decided_on, reference, recorded_by, recorded_at_utc)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (
                    groupement_id,
                    member_id,
                    article.value,
                    decided_on.isoformat(),
                    reference,
                    recorded_by,
                    to_db_time(self._now),
                ),
            )

    async def add_withdrawal(
        self,
        groupement_id: str,
        member_id: str,
        received_on: date,
        means: WithdrawalMeans,
        reference: str,
        earliest_effect: date | None,
        recorded_by: str,
    ) -> int:
        async with self.database.transaction() as connection:
            return await inserted_id(
                connection,
                """INSERT INTO membership_withdrawals (groupement_id, member_id, received_on,
                       means, reference, earliest_effect, recorded_by, recorded_at_utc)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    groupement_id,
                    member_id,
                    received_on.isoformat(),
                    means.value,
                    reference,
                    None if earliest_effect is None else earliest_effect.isoformat(),
                    recorded_by,
                    to_db_time(self._now),
                ),
            )

    async def withdrawal(self, request_id: int) -> WithdrawalRequest | None:
        cursor = await self._reader.execute(
            "SELECT * FROM membership_withdrawals WHERE id = ?", (request_id,)
        )
        row = await cursor.fetchone()
        return None if row is None else _withdrawal(row)

    async def decide_withdrawal(
        self,
        request_id: int,
        accepted: bool,
        decided_on: date,
        effective_on: date | None,
        reference: str,
        decided_by: str,
    ) -> bool:
        """Record the decision of a request still undecided; False if it was decided."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                """UPDATE membership_withdrawals SET accepted = ?, decided_on = ?,
                       effective_on = ?, decision_reference = ?, decided_by = ?,
                       decided_at_utc = ?
                   WHERE id = ? AND accepted IS NULL""",
                (
                    int(accepted),
                    decided_on.isoformat(),
                    None if effective_on is None else effective_on.isoformat(),
                    reference,
                    decided_by,
                    to_db_time(self._now),
                    request_id,
                ),
            )
            return cursor.rowcount == 1

    async def set_notification(
        self, groupement_id: str, notified_on: date, reference: str, recorded_by: str
    ) -> bool:
        """Record the market's notification once; False if one is already recorded."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                """INSERT INTO membership_notifications (groupement_id, notified_on, reference,
                       recorded_by, recorded_at_utc) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (groupement_id) DO NOTHING""",
                (
                    groupement_id,
                    notified_on.isoformat(),
                    reference,
                    recorded_by,
                    to_db_time(self._now),
                ),
            )
            return cursor.rowcount == 1
