"""Vote burst: every commune presses its button within a second, through the real Application.

The bot is the offline Bot API with Telegram's flood limits enforced (no round trip), paced
by the limiter ``scrutin run`` builds; the ballot's group is bound, so each vote may edit its
participation message; the database is a file with the project's PRAGMAs. Updates are handled
as the Application would: at most ``concurrent_updates`` at a time.

The baseline is what the disk allows: single-row inserts, each in its own ``BEGIN IMMEDIATE``
and ``COMMIT``, on a file database opened the same way. On PostgreSQL, the same burst runs on
a database of a server on this machine, against single-row inserts, each in its own
``BEGIN`` and ``COMMIT``, through the same driver on the same server.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from telegram.ext import Defaults

from bench.measure import percentile
from bench.population import (
    COORDINATOR,
    GROUP_CHAT,
    GROUPEMENT,
    INSTANCE,
    open_services,
    user_id,
)
from bot.app import rate_limiter
from bot.flood import flood_controlled_bot
from bot.harness import OfflineHarness, vote_buttons
from bot.offline import RecordedCall, UpdateFactory
from meetings.actions.actor import identify
from meetings.actions.ballot_open import open_ballot
from meetings.actions.link_chat import link_chat
from meetings.live_edits import GROUP_EDIT_INTERVAL, LoopScheduler
from meetings.services import Services
from meetings.wording.formats import PARIS
from voting.db import Database, utc_now

PATIENCE = 120.0
"""Seconds a burst may take before the acks still missing are counted as lost."""


@dataclass(frozen=True)
class Burst:
    votes: int
    acked: int
    seconds: float
    """From the first press to the last acknowledgement."""
    ack_p50: float
    ack_p99: float
    group_edits: int
    group_settled: float
    """Seconds after the last press until the group's last edit."""
    refused: int
    """429s from the server."""


async def _papers(services: Services, people: int) -> list[dict[str, Any]]:
    """Open the ballot (papers sent by a plain offline bot: the burst is what is measured)."""
    async with OfflineHarness(services, utc_now) as harness:
        actor = await identify(services, COORDINATOR, "Coordination", "fr")
        await link_chat(services, actor, GROUP_CHAT, "Communes", GROUPEMENT, INSTANCE)
        await open_ballot(
            services,
            actor,
            GROUPEMENT,
            INSTANCE,
            "Approuver le budget 2027 ?",
            deadline=utc_now() + timedelta(days=3),
        )
        return [harness.papers_to(user_id(i))[-1] for i in range(people)]


async def burst(
    directory: Path, people: int, rounds: int, database: str | None = None
) -> tuple[list[Burst], list[float]]:
    """``rounds`` bursts on one ballot (each commune votes, then changes its vote), each
    after a baseline burst of bare inserts: the bursts, and the baseline's inserts/s.
    On the SQLite file by default, or on the PostgreSQL ``database`` URL."""
    services = await open_services(directory, people, utc_now, database)
    bare = database or directory / "bare.db"
    try:
        papers = await _papers(services, people)
        await bare_inserts(bare, people)  # warm-up
        results: list[Burst] = []
        baseline: list[float] = []
        for round_number in range(rounds):
            baseline.append(await bare_inserts(bare, people))
            results.append(await _one_burst(services, papers, round_number))
        return results, baseline
    finally:
        await services.close()


async def _one_burst(services: Services, papers: list[dict[str, Any]], number: int) -> Burst:
    acks: dict[str, float] = {}
    group: list[float] = []

    def heard(call: RecordedCall) -> None:
        if call.method == "answerCallbackQuery":
            acks[str(call.params["callback_query_id"])] = time.perf_counter()
        elif call.method.startswith("edit") and call.params.get("chat_id") == GROUP_CHAT:
            group.append(time.perf_counter())

    bot = flood_controlled_bot(
        round_trip=0.0, defaults=Defaults(tzinfo=PARIS), rate_limiter=rate_limiter()
    )
    async with OfflineHarness(services, utc_now, heard, bot=bot) as harness:
        # The group's live edits paced in real time, as scrutin run paces them.
        services.live.scheduler = LoopScheduler()
        factory = UpdateFactory(harness.bot)
        factory.continue_from(1_000_000 * (number + 1))
        processor = harness.application.update_processor
        pressed: dict[str, float] = {}

        async def press(index: int, paper: dict[str, Any]) -> None:
            await asyncio.sleep(index / len(papers))
            option = vote_buttons(paper)[number % 2][1]
            person = factory.user(user_id(index), f"Maire {index + 1}")
            update = factory.callback(person, option, paper)
            assert update.callback_query is not None
            pressed[update.callback_query.id] = time.perf_counter()
            # Through the update processor, as scrutin run does: each person's in order.
            await processor.process_update(update, harness.application.process_update(update))

        tasks = [asyncio.create_task(press(i, p)) for i, p in enumerate(papers)]
        _done, late = await asyncio.wait(tasks, timeout=PATIENCE)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
        # The group sees the final figures once its last coalesced edit has gone out.
        for _ in range(int(PATIENCE / GROUP_EDIT_INTERVAL)):
            await services.live.settle()
            if not services.live.pending:
                break
            await asyncio.sleep(GROUP_EDIT_INTERVAL / 10)
        refused = len(bot[1].report.refused)
    # An ack still missing after the patience counts as that long: a lower bound, said so.
    waits = [acks.get(q, at + PATIENCE) - at for q, at in pressed.items()]
    waits += [PATIENCE] * (len(papers) - len(pressed))
    last_press = max(pressed.values(), default=0.0)
    return Burst(
        votes=len(papers),
        acked=len(acks),
        seconds=max(acks.values(), default=last_press) - min(pressed.values(), default=0.0),
        ack_p50=percentile(waits, 0.5),
        ack_p99=percentile(waits, 0.99),
        group_edits=len(group),
        group_settled=max(group, default=last_press) - last_press,
        refused=refused,
    )


async def bare_inserts(target: Path | str, count: int) -> float:
    """Single-row inserts arriving as the presses do (``count`` within a second), each in
    its own transaction (``BEGIN IMMEDIATE`` on a file database with the project's PRAGMAs,
    ``BEGIN`` on PostgreSQL) and ``COMMIT``, one at a time: inserts per second from the
    first arrival to the last commit."""
    database = await Database.open(target)
    begin = "BEGIN IMMEDIATE" if database.dialect == "sqlite" else "BEGIN"
    turn = asyncio.Lock()
    try:
        connection = database.connection
        await connection.execute("CREATE TABLE IF NOT EXISTS bare (member TEXT, option TEXT)")
        start = time.perf_counter()
        finished: list[float] = []

        async def insert(index: int) -> None:
            await asyncio.sleep(index / count)
            async with turn:
                await connection.execute(begin)
                await connection.execute("INSERT INTO bare VALUES (?, ?)", (f"m{index}", "pour"))
                await connection.execute("COMMIT")
            finished.append(time.perf_counter())

        await asyncio.gather(*(insert(i) for i in range(count)))
        return count / (max(finished) - start)
    finally:
        await database.close()
