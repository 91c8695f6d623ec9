"""``scrutin run`` as a real process loses nothing it fetched, handles nothing twice, and stops
promptly: killed with SIGKILL during a burst of votes with a bound group, and stopped with
SIGTERM while a group's flood limit holds its answers back.

The database is prepared in this process through the offline harness (a coordinator, the
enrolled members, a bound group, an open ballot); the bot then runs against the Bot API double
of :mod:`tests.botapi`, which hands out updates as Telegram does: again and again, until an
offset confirms them.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tests.test_bot_ballots as ballots
from bot.harness import OfflineHarness, button_data
from config.loader import default_config_dir, load_config_dir
from meetings.services import Services
from meetings.wording.typography import plain
from tests.botapi import (
    Bot,
    FakeBotApi,
    child_environment,
    posix_only,
)
from tests.clock import FakeClock
from tests.conftest import COORDINATOR, COORDINATOR_ID, GROUP_CHAT, GROUPEMENT, MEMBERS, enrol

FIRST_UPDATE = 10_000  # above the harness's own updates, as Telegram's ids only grow
StartBot = Callable[[list[str], dict[str, str]], Bot]


@dataclass(frozen=True)
class Prepared:
    ballot_id: int
    people: dict[str, dict[str, Any]]
    papers: dict[str, dict[str, Any]]


async def _prepare(database: Path, with_ballot: bool) -> Prepared:
    """With a ballot, a bound group follows its participation: the votes' acknowledgements
    must not wait for the group's flood limit (20 a minute), which paces only its edits."""
    clock = FakeClock(datetime.now(UTC))
    services = await Services.open(load_config_dir(default_config_dir()), database, clock)
    await services.roster.add_coordinator(
        GROUPEMENT, f"tg:{COORDINATOR_ID}", "Claire Test", added_by="tests"
    )
    try:
        async with OfflineHarness(services, clock) as harness:
            await ballots.bind_group(harness)
            if not with_ballot:
                return Prepared(0, {}, {})
            people = {member: await enrol(harness, member) for member in MEMBERS}
            ballot_id = await ballots.open_ballot(harness)
            papers = {
                member: ballots.paper(
                    harness, people[member], ballots.member_name(services, member)
                )
                for member in MEMBERS
            }
            return Prepared(ballot_id, people, papers)
    finally:
        await services.close()


def prepare(database: Path, with_ballot: bool = True) -> Prepared:
    return asyncio.run(_prepare(database, with_ballot))


async def _history(database: Path, ballot_id: int) -> list[tuple[str, str]]:
    services = await Services.open(load_config_dir(default_config_dir()), database)
    try:
        return [(v.member_id, v.option) for v in await services.ballots.history(ballot_id)]
    finally:
        await services.close()


def history(database: Path, prepared: Prepared) -> list[tuple[str, str]]:
    """Every vote recorded in the ballot, as (member, option), oldest first."""
    return asyncio.run(_history(database, prepared.ballot_id))


def handled_ids(database: Path) -> set[int]:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        rows = connection.execute(
            "SELECT update_id FROM bot_updates WHERE handled_at_utc IS NOT NULL"
        ).fetchall()
    return {row[0] for row in rows}


def waiting_ids(database: Path) -> set[int]:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        rows = connection.execute(
            "SELECT update_id FROM bot_updates WHERE handled_at_utc IS NULL AND payload IS NOT NULL"
        ).fetchall()
    return {row[0] for row in rows}


def press(update_id: int, person: dict[str, Any], paper: dict[str, Any], label: str) -> Any:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"press-{update_id}",
            "from": person,
            "chat_instance": "1",
            "data": button_data(paper, label),
            "message": paper,
        },
    }


def group_help(update_id: int) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": GROUP_CHAT, "type": "supergroup", "title": "COGOUV"},
            "from": COORDINATOR,
            "text": "/aide",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }


def acknowledged(api: FakeBotApi) -> set[int]:
    return {
        int(call.params["callback_query_id"].removeprefix("press-"))
        for call in api.calls_to("answerCallbackQuery")
    }


def at_least(count: int, api: FakeBotApi) -> Callable[[], bool]:
    return lambda: len(acknowledged(api)) >= count


OPTIONS = {"Pour": "for", "Contre": "against"}
PRESSES_PER_MEMBER = 6
KILL_AFTER_ACKNOWLEDGED = (4, 18, 34)


@posix_only
def test_sigkill_during_a_burst_of_votes_loses_no_press_and_repeats_none(
    tmp_path: Path, fake_api: FakeBotApi, start_bot: StartBot
) -> None:
    database = tmp_path / "scrutin.db"
    prepared = prepare(database)
    # Each member alternates Pour and Contre: every press handled once adds one vote, and a
    # press handled twice, or lost, breaks the member's alternation.
    expected: list[tuple[str, str]] = []
    fake_api.batch = 20
    for turn in range(PRESSES_PER_MEMBER):
        for index, member in enumerate(MEMBERS):
            label = "Pour" if turn % 2 == 0 else "Contre"
            update_id = FIRST_UPDATE + turn * len(MEMBERS) + index
            paper = prepared.papers[member]
            fake_api.queue_update(press(update_id, prepared.people[member], paper, label))
            expected.append((member, OPTIONS[label]))
    burst = set(range(FIRST_UPDATE, FIRST_UPDATE + len(expected)))
    environment = child_environment(database)

    for threshold in KILL_AFTER_ACKNOWLEDGED:
        bot = start_bot(["--api-url", fake_api.url], environment)
        bot.wait_for(f"{threshold} votes", at_least(threshold, fake_api))
        bot.process.kill()
        bot.process.wait(timeout=5)
    bot = start_bot(["--api-url", fake_api.url], environment)

    def all_cast() -> bool:
        return len(history(database, prepared)) >= len(burst)

    bot.wait_for("a vote for every press", all_cast)

    def group_up_to_date() -> bool:
        edits = [
            call.params.get("text", "")
            for call in fake_api.calls_to("editMessageText")
            if call.params.get("chat_id") == str(GROUP_CHAT)
        ]
        return bool(edits) and plain(edits[-1]).endswith("10/10 membres ont voté — 15 voix sur 15")

    bot.wait_for("the group's participation, up to date", group_up_to_date)
    assert bot.stop(signal.SIGTERM) == 0, bot.output()

    assert fake_api.handed_out == burst
    assert acknowledged(fake_api) <= burst
    assert burst <= handled_ids(database)
    votes = history(database, prepared)
    for member in MEMBERS:
        cast = [option for voter, option in votes if voter == member]
        assert cast == [option for voter, option in expected if voter == member], member


GROUP_BURST = 26


@posix_only
def test_sigterm_under_a_group_flood_limit_stops_within_seconds_and_loses_nothing(
    tmp_path: Path, fake_api: FakeBotApi, start_bot: StartBot
) -> None:
    database = tmp_path / "scrutin.db"
    prepare(database, with_ballot=False)
    burst = set(range(FIRST_UPDATE, FIRST_UPDATE + GROUP_BURST))
    for update_id in sorted(burst):
        fake_api.queue_update(group_help(update_id))
    environment = child_environment(database)

    def answered() -> int:
        return len(fake_api.messages_to(GROUP_CHAT))

    bot = start_bot(["--api-url", fake_api.url], environment)
    # Telegram allows a group 20 messages a minute: the rest waits in the rate limiter.
    bot.wait_for("the group's first answers", lambda: answered() >= 20)
    time.sleep(0.5)
    asked_to_stop = time.monotonic()
    assert bot.stop(signal.SIGTERM) == 0, bot.output()
    assert time.monotonic() - asked_to_stop < 8, bot.output()
    assert "Traceback" not in bot.output()
    handled = handled_ids(database) & burst
    assert len(handled) < GROUP_BURST
    assert len(handled) <= answered()

    # What was not handled waits in the inbox, for the next start.
    assert waiting_ids(database) == burst - handled
