"""The composition root: the configuration, the database and its stores, the clock, and the
notifier that tells people.

Built once per process (the bot, the demo, a command of the CLI, a test) and handed to the
actions of :mod:`meetings.actions`. It imports no transport: the bot connects its own
:class:`~meetings.notifier.Notifier` once it has one.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path

from config.models import Governance
from meetings.chart_cache import ChartCache
from meetings.chats import Chats
from meetings.designation_store import DesignationStore
from meetings.document_files import DocumentFiles, documents_directory
from meetings.document_store import DocumentStore
from meetings.live_edits import LiveEdits, SharedEdits
from meetings.membership_store import MembershipStore
from meetings.minutes_store import MinutesStore
from meetings.notifier import Address, Attachment, Delivered, Message, Notifier, Posted
from meetings.reminders import Reminders
from meetings.roster import Roster
from meetings.session_store import SessionStore
from meetings.store import MeetingStore
from voting.db import Clock, Database, utc_now
from voting.store import BallotStore


class NotConnected:
    """The notifier of services that no transport was connected to: it refuses to pretend."""

    async def send(self, to: Address, message: Message) -> Posted | None:
        raise RuntimeError("no transport is connected: nothing can be sent")

    async def edit(self, posted: Posted, message: Message) -> bool:
        raise RuntimeError("no transport is connected: nothing can be edited")

    async def remove_buttons(self, posted: Posted) -> bool:
        raise RuntimeError("no transport is connected: nothing can be edited")

    async def document(self, to: Address, attachment: Attachment) -> bool:
        raise RuntimeError("no transport is connected: nothing can be sent")

    async def photo(self, to: Address, attachment: Attachment) -> bool:
        raise RuntimeError("no transport is connected: nothing can be sent")

    async def file(
        self, to: Address, attachment: Attachment, file_id: str | None
    ) -> Delivered | None:
        raise RuntimeError("no transport is connected: nothing can be sent")


@dataclass
class Services:
    governance: Governance
    database: Database
    ballots: BallotStore
    roster: Roster
    chats: Chats
    meetings: MeetingStore
    reminders: Reminders
    sessions: SessionStore
    designations: DesignationStore
    membership: MembershipStore
    minutes: MinutesStore
    documents: DocumentStore
    files: DocumentFiles
    """The documents directory beside the database: the content of the meetings' documents."""
    notifier: Notifier = field(default_factory=NotConnected)
    charts: ChartCache = field(default_factory=ChartCache)
    """Closed ballots' charts, drawn once for the group, ``/resultats`` and the minutes."""
    papers: LiveEdits = field(init=False)
    """The edits of voters' papers after a press: coalesced per paper, off the handler's
    path, with no pause of their own (the rate limiter keeps the bot's overall pace)."""
    live: LiveEdits = field(init=False)
    """The coalesced edits of live messages (a group's participation), sent through
    :attr:`notifier` at each chat's pace, claimed in the database so that replicas never
    replace newer figures with older ones."""

    def __post_init__(self) -> None:
        # Looked up at each edit: the bot connects its notifier after the services are built.
        def edit(posted: Posted, message: Message) -> Awaitable[bool]:
            return self.notifier.edit(posted, message)

        self.live = LiveEdits(edit, claims=SharedEdits(self.chats))
        self.papers = LiveEdits(edit, interval=0)

    @property
    def clock(self) -> Clock:
        return self.database.clock

    @classmethod
    async def open(
        cls,
        governance: Governance,
        database_path: Path | str,
        clock: Clock = utc_now,
        documents: Path | None = None,
    ) -> Services:
        """Services on the database at ``database_path`` (a SQLite file, or a URL), with
        attached documents in ``documents`` (by default: :func:`documents_directory`)."""
        database = await Database.open(database_path, clock)
        services = cls(
            governance=governance,
            database=database,
            ballots=BallotStore(database),
            roster=Roster(database),
            chats=Chats(database),
            meetings=MeetingStore(database),
            reminders=Reminders(database),
            sessions=SessionStore(database),
            designations=DesignationStore(database),
            membership=MembershipStore(database),
            minutes=MinutesStore(database),
            documents=DocumentStore(database),
            files=DocumentFiles(documents or documents_directory(database_path)),
        )
        for store in (
            services.ballots,
            services.roster,
            services.chats,
            services.meetings,
            services.reminders,
            services.sessions,
            services.designations,
            services.membership,
            services.minutes,
            services.documents,
        ):
            await store.migrate()
        return services

    def connect(self, notifier: Notifier) -> None:
        """Give the services the transport through which they tell people."""
        self.notifier = notifier

    async def close(self) -> None:
        await self.database.close()
