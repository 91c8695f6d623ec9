"""What the handlers work with: configuration, database and domain stores, in one place.

Built once per process and kept in ``application.bot_data``; handlers reach it
through :func:`services_of`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram.ext import CallbackContext

from bot.chats import Chats
from config.models import Governance
from meetings.ballot_desk import BallotDesk
from meetings.reminders import Reminders
from meetings.roster import Roster
from meetings.secretariat import Secretariat
from meetings.store import MeetingStore
from voting.db import Clock, Database, utc_now
from voting.store import BallotStore

SERVICES_KEY = "scrutin.services"


@dataclass
class Services:
    governance: Governance
    database: Database
    ballots: BallotStore
    roster: Roster
    chats: Chats
    desk: BallotDesk
    meetings: MeetingStore
    reminders: Reminders
    secretariat: Secretariat

    @property
    def clock(self) -> Clock:
        return self.database.clock

    @classmethod
    async def open(
        cls, governance: Governance, database_path: Path | str, clock: Clock = utc_now
    ) -> Services:
        database = await Database.open(database_path, clock)
        ballots = BallotStore(database)
        roster = Roster(database)
        chats = Chats(database)
        meetings = MeetingStore(database)
        reminders = Reminders(database)
        for store in (ballots, roster, chats, meetings, reminders):
            await store.migrate()
        return cls(
            governance=governance,
            database=database,
            ballots=ballots,
            roster=roster,
            chats=chats,
            desk=BallotDesk(governance, ballots, roster),
            meetings=meetings,
            reminders=reminders,
            secretariat=Secretariat(governance, meetings, ballots, roster),
        )

    async def close(self) -> None:
        await self.database.close()


def services_of(context: CallbackContext[Any, Any, Any, Any]) -> Services:
    services = context.application.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    return services
