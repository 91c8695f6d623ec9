"""Group chats bound to a groupement, and the messages posted there or to people.

A coordinator binds a group chat to a groupement (optionally to one instance):
announcements and results go there. The bot also remembers the messages it
posted for a ballot (the group's live participation, each voter's paper) so
that it can edit them later, even after a restart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from voting.db import Store, to_db_time

COMPONENT = "bot"

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE chat_bindings (
        chat_id INTEGER PRIMARY KEY,
        groupement_id TEXT NOT NULL,
        instance_id TEXT,
        title TEXT,
        bound_by TEXT NOT NULL,
        bound_at_utc TEXT NOT NULL
    );
    CREATE TABLE ballot_posts (
        ballot_id INTEGER NOT NULL,
        chat_id INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        purpose TEXT NOT NULL CHECK (purpose IN ('participation', 'paper')),
        member_id TEXT,
        PRIMARY KEY (ballot_id, chat_id, message_id)
    );
    """,
    """
    CREATE TABLE meeting_posts (
        meeting_id INTEGER NOT NULL,
        chat_id INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        PRIMARY KEY (meeting_id, chat_id, message_id)
    );
    """,
)


@dataclass(frozen=True)
class ChatBinding:
    chat_id: int
    groupement_id: str
    instance_id: str | None
    title: str | None


@dataclass(frozen=True)
class BallotPost:
    ballot_id: int
    chat_id: int
    message_id: int
    purpose: str
    member_id: str | None


@dataclass(frozen=True)
class MeetingPost:
    meeting_id: int
    chat_id: int
    message_id: int


class Chats(Store):
    COMPONENT = COMPONENT
    MIGRATIONS = MIGRATIONS

    async def bind(
        self,
        chat_id: int,
        groupement_id: str,
        instance_id: str | None,
        title: str | None,
        bound_by: str,
    ) -> None:
        async with self.database.transaction() as connection:
            await connection.execute(
                """INSERT INTO chat_bindings
                       (chat_id, groupement_id, instance_id, title, bound_by, bound_at_utc)
                   VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (chat_id) DO UPDATE SET groupement_id = excluded.groupement_id,
                       instance_id = excluded.instance_id, title = excluded.title,
                       bound_by = excluded.bound_by, bound_at_utc = excluded.bound_at_utc""",
                (
                    chat_id,
                    groupement_id,
                    instance_id,
                    title,
                    bound_by,
                    to_db_time(self._now),
                ),
            )

    async def binding(self, chat_id: int) -> ChatBinding | None:
        cursor = await self._reader.execute(
            "SELECT chat_id, groupement_id, instance_id, title FROM chat_bindings "
            "WHERE chat_id = ?",
            (chat_id,),
        )
        row = await cursor.fetchone()
        return None if row is None else ChatBinding(row[0], row[1], row[2], row[3])

    async def groups_for(self, groupement_id: str, instance_id: str) -> list[ChatBinding]:
        """Group chats that follow this instance: bound to it, or to the whole groupement."""
        cursor = await self._reader.execute(
            """SELECT chat_id, groupement_id, instance_id, title FROM chat_bindings
               WHERE groupement_id = ? AND (instance_id IS NULL OR instance_id = ?)
               ORDER BY chat_id""",
            (groupement_id, instance_id),
        )
        return [ChatBinding(r[0], r[1], r[2], r[3]) for r in await cursor.fetchall()]

    async def remember_post(
        self, ballot_id: int, chat_id: int, message_id: int, purpose: str, member_id: str | None
    ) -> None:
        async with self.database.transaction() as connection:
            await connection.execute(
                """INSERT INTO ballot_posts
                       (ballot_id, chat_id, message_id, purpose, member_id)
                   VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                (ballot_id, chat_id, message_id, purpose, member_id),
            )

    async def remember_posts(
        self, ballot_id: int, purpose: str, posts: Sequence[tuple[int, int, str | None]]
    ) -> None:
        """Many posts of one fan-out, as (chat id, message id, member id), in one transaction:
        one commit (one fsync) for a whole round of papers, not one per person."""
        async with self.database.transaction() as connection:
            await connection.executemany(
                """INSERT INTO ballot_posts
                       (ballot_id, chat_id, message_id, purpose, member_id)
                   VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                [(ballot_id, chat, message, purpose, member) for chat, message, member in posts],
            )

    async def posts(self, ballot_id: int, purpose: str) -> list[BallotPost]:
        cursor = await self._reader.execute(
            """SELECT ballot_id, chat_id, message_id, purpose, member_id FROM ballot_posts
               WHERE ballot_id = ? AND purpose = ? ORDER BY chat_id, message_id""",
            (ballot_id, purpose),
        )
        return [BallotPost(r[0], r[1], r[2], r[3], r[4]) for r in await cursor.fetchall()]

    async def remember_meeting_post(self, meeting_id: int, chat_id: int, message_id: int) -> None:
        """The group message showing a session's live quorum, to edit as people come and go."""
        async with self.database.transaction() as connection:
            await connection.execute(
                "INSERT INTO meeting_posts (meeting_id, chat_id, message_id) "
                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (meeting_id, chat_id, message_id),
            )

    async def meeting_posts(self, meeting_id: int) -> list[MeetingPost]:
        cursor = await self._reader.execute(
            "SELECT meeting_id, chat_id, message_id FROM meeting_posts WHERE meeting_id = ? "
            "ORDER BY chat_id, message_id",
            (meeting_id,),
        )
        return [MeetingPost(r[0], r[1], r[2]) for r in await cursor.fetchall()]
