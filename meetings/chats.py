"""Group chats bound to a groupement, and the messages posted there or to people.

A coordinator binds a group chat to a groupement (optionally to one instance):
announcements and results go there. The bot also remembers the messages it
posted for a ballot (the group's live participation, each voter's paper) so
that it can edit them later, even after a restart.

Several replicas may edit one live message: each edit claims the message first
(:meth:`Chats.claim_edit`), with the version of the figures it carries. The claim is a
conditional UPDATE, so that the message only ever moves to newer figures and one replica at a
time sends; its lease expires, so that a replica killed while sending blocks nobody for long.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from voting.db import Connection, Store, to_db_time

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
    """
    CREATE TABLE live_edits (
        chat_id INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        shown_version INTEGER NOT NULL,
        sender TEXT,
        lease_until_utc TEXT,
        PRIMARY KEY (chat_id, message_id)
    );
    """,
)

UNKNOWN_VERSION = -1
"""What a message shows before any edit, or when no one knows: any figures may replace it."""


class EditClaim(Enum):
    """What a replica may do with the edit it rendered."""

    SEND = "send"
    """The message is its to edit until the lease ends."""
    OUTDATED = "outdated"
    """The message already shows these figures or newer ones: the edit is dropped."""
    BUSY = "busy"
    """Another replica is sending an edit: try again shortly, with the figures of then."""


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

    async def posted_showing(self, posts: Sequence[tuple[int, int]], version: int) -> None:
        """Live messages just posted, as (chat id, message id), showing figures of
        ``version``: no edit of the same figures follows."""
        async with self.database.transaction() as connection:
            await connection.executemany(
                "INSERT INTO live_edits (chat_id, message_id, shown_version) VALUES (?, ?, ?) "
                "ON CONFLICT (chat_id, message_id) DO NOTHING",
                [(chat, message, version) for chat, message in posts],
            )

    async def claim_edit(
        self, chat_id: int, message_id: int, version: int, sender: str, lease: timedelta
    ) -> EditClaim:
        """Take the message for ``sender``'s edit showing figures of ``version``, if it shows
        older ones and no other sender's lease runs; the lease ends after ``lease``."""
        now = self._now
        async with self.database.transaction() as connection:
            await connection.execute(
                "INSERT INTO live_edits (chat_id, message_id, shown_version) VALUES (?, ?, ?) "
                "ON CONFLICT (chat_id, message_id) DO NOTHING",
                (chat_id, message_id, UNKNOWN_VERSION),
            )
            cursor = await connection.execute(
                """UPDATE live_edits SET sender = ?, lease_until_utc = ?
                   WHERE chat_id = ? AND message_id = ? AND shown_version < ?
                     AND (sender IS NULL OR sender = ? OR lease_until_utc <= ?)""",
                (
                    sender,
                    to_db_time(now + lease),
                    chat_id,
                    message_id,
                    version,
                    sender,
                    to_db_time(now),
                ),
            )
            if cursor.rowcount == 1:
                return EditClaim.SEND
            shown = await self._shown_version(connection, chat_id, message_id)
            return EditClaim.OUTDATED if shown >= version else EditClaim.BUSY

    async def edit_shown(self, chat_id: int, message_id: int, version: int, sender: str) -> bool:
        """``sender``'s edit reached the chat: record its version and end the lease. False if
        the lease had ended and another sender took the message: which edit landed last is
        then unknown, so the message is marked as showing unknown figures, for the next claim
        to send the newest again."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                """UPDATE live_edits SET shown_version = ?, sender = NULL, lease_until_utc = NULL
                   WHERE chat_id = ? AND message_id = ? AND sender = ?""",
                (version, chat_id, message_id, sender),
            )
            if cursor.rowcount == 1:
                return True
            await connection.execute(
                """UPDATE live_edits SET shown_version = ?, sender = NULL, lease_until_utc = NULL
                   WHERE chat_id = ? AND message_id = ?""",
                (UNKNOWN_VERSION, chat_id, message_id),
            )
            return False

    async def release_edit(self, chat_id: int, message_id: int, sender: str) -> None:
        """``sender``'s edit did not reach the chat: the message is free for the next one."""
        async with self.database.transaction() as connection:
            await connection.execute(
                """UPDATE live_edits SET sender = NULL, lease_until_utc = NULL
                   WHERE chat_id = ? AND message_id = ? AND sender = ?""",
                (chat_id, message_id, sender),
            )

    async def shown_version(self, chat_id: int, message_id: int) -> int:
        """The version of the figures the message was last recorded showing."""
        return await self._shown_version(self._reader, chat_id, message_id)

    @staticmethod
    async def _shown_version(connection: Connection, chat_id: int, message_id: int) -> int:
        cursor = await connection.execute(
            "SELECT shown_version FROM live_edits WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        row = await cursor.fetchone()
        return UNKNOWN_VERSION if row is None else int(row[0])
