"""Fan-out: a convocation to every commune, through the offline Bot API that enforces
Telegram's flood limits with a 50 ms round trip, paced by the limiter ``scrutin run`` builds.

The baseline is the ideal: N messages at Telegram's 30 a second take N/30 s.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from telegram.ext import Defaults

from bench.population import COORDINATOR, COORDINATOR_ID, GROUPEMENT, INSTANCE, open_services
from bot.app import rate_limiter
from bot.flood import flood_controlled_bot
from bot.harness import OfflineHarness
from bot.offline import UpdateFactory
from meetings.actions.actor import identify
from meetings.actions.plan import plan_meeting
from meetings.meeting import AgendaItem, MeetingPlan
from meetings.wording.formats import PARIS
from voting.db import utc_now

OVERALL_RATE = 30
ROUND_TRIP = 0.05


@dataclass(frozen=True)
class FanOut:
    people: int
    seconds: float
    requests: int
    """Requests that reached the server for the people (the coordinator's reply aside)."""
    refused: int

    @property
    def ideal(self) -> float:
        return self.people / OVERALL_RATE


async def convocation(directory: Path, people: int) -> FanOut:
    services = await open_services(directory, people, utc_now)
    bot = flood_controlled_bot(
        round_trip=ROUND_TRIP, defaults=Defaults(tzinfo=PARIS), rate_limiter=rate_limiter()
    )
    try:
        async with OfflineHarness(services, utc_now, bot=bot) as harness:
            actor = await identify(services, COORDINATOR, "Coordination", "fr")
            starts = (utc_now() + timedelta(days=10)).astimezone(PARIS).replace(hour=14, minute=0)
            plan = MeetingPlan(
                GROUPEMENT,
                INSTANCE,
                starts,
                place="Salle du conseil",
                agenda=(AgendaItem("Budget 2027", "Approuver le budget 2027"),),
            )
            meeting = (await plan_meeting(services, actor, plan)).meeting
            harness.request.clear()
            coordinator = UpdateFactory.user(COORDINATOR_ID, "Coordination")
            start = time.perf_counter()
            await harness.say(coordinator, f"/convoquer {meeting.id}")
            seconds = time.perf_counter() - start
            calls = [
                c
                for c in harness.request.calls
                if c.params.get("chat_id") not in (None, COORDINATOR_ID)
            ]
            refused = len(bot[1].report.refused)
    finally:
        await services.close()
    return FanOut(people, seconds, len(calls), refused)
