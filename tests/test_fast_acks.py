"""A vote is answered as soon as it is on disk, whatever the group's flood limit: through the
real Application, with the rate limiter ``scrutin run`` uses, updates handled concurrently and
each person's in order.

The group's participation message follows at the pace Telegram allows a group (20 messages a
minute), as one pending edit carrying the latest figures. Time is the harness's clock: the
tests move it, and never sleep; a wall-clock bound is there only as a sanity check, far above
what the acknowledgements take and far below what waiting for the group's limit took.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from itertools import zip_longest
from typing import Any

import pytest

from bot.harness import OfflineHarness, button_data
from bot.offline import FailureKind, RecordedCall, UpdateFactory, offline_bot
from bot.ordering import PersonOrder, order_keys
from meetings.delivery.ballots import refresh_open_participations
from meetings.live_edits import GROUP_EDIT_INTERVAL
from meetings.services import Services
from meetings.wording.typography import plain
from tests.clock import FakeClock
from tests.conftest import (
    COORDINATOR,
    COORDINATOR_ID,
    GROUP_CHAT,
    MEMBERS,
    enrol_everyone,
    representative,
)
from tests.test_bot_ballots import bind_group, member_name, open_ballot, paper
from tests.test_bot_meetings import AGENDA, LINK, PLACE, PLANNING_DAY, press_last

PRESSES_PER_MEMBER = 4  # 40 votes from 10 people, each changing their mind
LABELS = ("Pour", "Contre")
WALL_BOUND = 10.0  # seconds; waiting for the group's limit took a minute and more


@pytest.fixture
async def limited(services: Services, clock: FakeClock) -> AsyncIterator[OfflineHarness]:
    """The harness with Telegram's flood limits kept by the rate limiter of ``scrutin run``."""
    async with OfflineHarness(services, clock, rate_limited=True) as driven:
        yield driven


async def ballot_with_group(harness: OfflineHarness) -> tuple[int, dict[str, dict[str, Any]]]:
    await bind_group(harness)
    people = await enrol_everyone(harness)
    ballot_id = await open_ballot(harness)
    papers = {m: paper(harness, people[m], member_name(harness.services, m)) for m in MEMBERS}
    return ballot_id, papers


def presses(harness: OfflineHarness, papers: dict[str, dict[str, Any]], turns: int) -> list[Any]:
    """``turns`` presses per member, Pour then Contre then Pour..., one turn after the other."""
    return [
        harness.press_update(
            representative(member),
            papers[member],
            button_data(papers[member], LABELS[turn % 2]),
        )
        for turn in range(turns)
        for member in MEMBERS
    ]


def group_edits(calls: list[RecordedCall]) -> list[str]:
    return [
        plain(c.params["text"])
        for c in calls
        if c.method == "editMessageText" and c.params["chat_id"] == GROUP_CHAT
    ]


async def test_a_burst_of_votes_is_answered_without_waiting_for_the_group(
    limited: OfflineHarness, clock: FakeClock
) -> None:
    harness = limited
    ballot_id, papers = await ballot_with_group(harness)
    burst = presses(harness, papers, PRESSES_PER_MEMBER)
    answered: list[float] = []
    harness.request.listener = lambda call: (
        answered.append(time.monotonic()) if call.method == "answerCallbackQuery" else None
    )
    started = time.monotonic()
    calls = await asyncio.wait_for(harness.together(burst), WALL_BOUND)

    # Every press answered while the harness's clock stood still: none waited for the group.
    acks = [i for i, c in enumerate(calls) if c.method == "answerCallbackQuery"]
    assert len(acks) == len(burst)
    assert {calls[i].params["text"] for i in acks} == {"Vote enregistré."}
    assert max(answered) - started < WALL_BOUND / 2
    # At most the one edit the group's idle pace let through at once; the rest wait as one.
    assert len(group_edits(calls)) <= 1
    assert harness.services.live.pending == 1

    clock.advance(timedelta(seconds=GROUP_EDIT_INTERVAL))
    later = await harness.settle()
    (final,) = group_edits(later)
    assert final.endswith("10/10 membres ont voté — 15 voix sur 15")

    # Each person's presses were judged in the order they were made.
    history = await harness.services.ballots.history(ballot_id)
    assert len(history) == len(burst)
    for member in MEMBERS:
        chosen = [v.option for v in history if v.member_id == member]
        assert chosen == ["for", "against", "for", "against"], member

    # Each update was marked handled with its own change: the same burst again does nothing.
    inbox = await harness.application.inbox()
    assert inbox is not None
    assert all([await inbox.is_handled(update.update_id) for update in burst])
    assert await harness.together(burst) == []
    assert len(await harness.services.ballots.history(ballot_id)) == len(burst)


async def test_a_group_sees_at_most_twenty_edits_a_minute_and_the_final_figures(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    _ballot_id, papers = await ballot_with_group(harness)
    harness.request.clear()
    # A vote every second for two minutes.
    for second, update in enumerate(presses(harness, papers, 12)):
        if second == 120:
            break
        await harness.together([update])
        clock.advance(timedelta(seconds=1))
    edits = group_edits(harness.request.calls)
    assert len(edits) <= 2 * 20
    # The figures change in the first ten seconds (each member's first vote), then only the
    # choices do, which the group does not see: an edit leaves at each step of the pace while
    # the figures move, and none once the group sees them as they stand.
    assert len(edits) >= 10 // GROUP_EDIT_INTERVAL
    assert len(set(edits)) == len(edits)
    await harness.settle()
    assert group_edits(harness.request.calls)[-1].endswith(
        "10/10 membres ont voté — 15 voix sur 15"
    )


@pytest.mark.parametrize("failure", ["forbidden", "retry_after"])
async def test_a_failed_group_edit_loses_no_vote_and_the_next_one_is_up_to_date(
    harness: OfflineHarness, clock: FakeClock, failure: FailureKind
) -> None:
    ballot_id, papers = await ballot_with_group(harness)
    harness.request.fail_next("editMessageText", failure, chat_id=GROUP_CHAT)
    first = presses(harness, papers, 1)
    calls = await harness.together(first[:1])
    assert [c.failed for c in calls if c.params.get("chat_id") == GROUP_CHAT] == [failure]
    assert [c.method for c in calls].count("answerCallbackQuery") == 1
    await harness.together(first[1:3])
    clock.advance(timedelta(seconds=2 * GROUP_EDIT_INTERVAL))
    (retried,) = group_edits(await harness.settle())
    assert "3/10 membres ont voté" in retried
    assert len(await harness.services.ballots.history(ballot_id)) == 3


async def test_a_restart_brings_the_participation_up_to_date(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    _ballot_id, papers = await ballot_with_group(harness)
    await harness.together(presses(harness, papers, 1))
    await harness.services.live.stop()  # the bot stopped with an edit waiting
    clock.advance(timedelta(minutes=5))
    assert await refresh_open_participations(harness.services) == 1
    assert group_edits(await harness.settle())[-1].endswith(
        "10/10 membres ont voté — 15 voix sur 15"
    )


# --- the order of a person's updates ------------------------------------------------------


async def until(condition: Callable[[], bool]) -> None:
    """Let the other tasks run (no time passes) until ``condition`` holds."""
    for _turn in range(1000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("never happened")


class Gate:
    """Handling of an update that waits until the test opens it, recording when it ran."""

    def __init__(self, log: list[str], name: str) -> None:
        self.log, self.name = log, name
        self.opened = asyncio.Event()

    async def handle(self) -> None:
        self.log.append(f"{self.name} starts")
        await self.opened.wait()
        self.log.append(f"{self.name} ends")


async def test_updates_run_together_but_each_persons_and_each_groups_in_order() -> None:
    bot, _request = offline_bot()
    factory = UpdateFactory(bot)
    alice, bruno = representative("aube"), representative("marne")
    updates = {
        "alice 1": factory.text(alice, "un"),
        "alice 2": factory.text(alice, "deux"),
        "bruno": factory.text(bruno, "trois"),
        "group alice": factory.command(alice, "/aide", chat_id=GROUP_CHAT),
        "group bruno": factory.command(bruno, "/aide", chat_id=GROUP_CHAT),
    }
    processor = PersonOrder(concurrent=8)
    log: list[str] = []
    gates = {name: Gate(log, name) for name in updates}
    tasks = [
        asyncio.create_task(processor.process_update(update, gates[name].handle()))
        for name, update in updates.items()
    ]
    await until(lambda: len(log) >= 2)
    # Alice's first update and Bruno's run together; everything else waits its turn.
    assert sorted(log) == ["alice 1 starts", "bruno starts"]
    gates["alice 1"].opened.set()
    await until(lambda: "alice 2 starts" in log)
    assert log.index("alice 1 ends") < log.index("alice 2 starts")
    assert "group alice starts" not in log  # Alice's second update is not done
    gates["bruno"].opened.set()
    for name in ("alice 2", "group alice", "group bruno"):
        gates[name].opened.set()
    await asyncio.gather(*tasks)
    assert log.index("group alice ends") < log.index("group bruno starts")
    assert log.index("alice 2 ends") < log.index("group alice starts")


async def test_a_forms_answers_arriving_together_are_read_in_order(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    """A form's step is read when an answer comes and saved before the next question: a
    person's updates in order keep it right, while others' updates run beside it."""
    clock.now = PLANNING_DAY
    await harness.say(COORDINATOR, "/planifier")
    await press_last(harness, COORDINATOR, "Comité de gouvernance")
    answers = ["15/12/2026 14:00", PLACE, LINK, *AGENDA]
    others = [harness.updates.command(representative(m), "/aide") for m in MEMBERS]
    mixed = [
        update
        for pair in zip_longest(
            [harness.updates.text(COORDINATOR, text) for text in answers], others
        )
        for update in pair
        if update is not None
    ]
    await harness.together(mixed)
    await press_last(harness, COORDINATOR, "Terminé")
    await press_last(harness, COORDINATOR, "Région Grand Est")
    await harness.together(
        [harness.updates.text(COORDINATOR, name) for name in ("Jean Muller", "Claire Weber")]
    )
    summary = plain(harness.last_message_to(COORDINATOR_ID)["text"])
    assert f"• Lieu : {PLACE}\n• Visioconférence : {LINK}\n" in summary
    assert "• Présidence : Jean Muller (Région Grand Est)\n• Secrétaire : Claire Weber" in summary
    assert "  1. Procès-verbal" in summary and "  2. Marché" in summary
    assert summary.endswith("  3. Questions diverses")


def test_the_keys_of_an_update_are_its_person_and_its_group() -> None:
    bot, _request = offline_bot()
    factory = UpdateFactory(bot)
    alice = representative("aube")
    assert order_keys(factory.text(alice, "bonjour")) == (("user", alice["id"]),)
    assert order_keys(factory.command(COORDINATOR, "/aide", chat_id=GROUP_CHAT)) == (
        ("user", COORDINATOR["id"]),
        ("chat", GROUP_CHAT),
    )
    assert order_keys(object()) == ()


async def test_a_paper_is_edited_off_the_handlers_path_and_never_after_its_close(
    limited: OfflineHarness, clock: FakeClock
) -> None:
    """The press is answered whatever becomes of its paper's edit; an edit still to be made
    when the ballot closes is dropped, so the paper stays as the close left it (no buttons)."""
    harness = limited
    ballot_id, papers = await ballot_with_group(harness)
    chat = representative("cea")["id"]
    harness.request.fail_next("editMessageText", "forbidden", chat_id=chat)
    before = len(harness.request.calls)
    await harness.press(representative("cea"), papers["cea"], button_data(papers["cea"], "Pour"))
    assert "answerCallbackQuery" in [c.method for c in harness.request.calls[before:]]
    assert harness.services.papers.pending == 1  # the failed edit waits for its retry

    await harness.say(COORDINATOR, f"/clore {ballot_id}")
    clock.advance(timedelta(minutes=2))
    await harness.settle()
    assert harness.services.papers.pending == 0
    retried = [
        c
        for c in harness.request.calls[before:]
        if c.method == "editMessageText" and c.params.get("chat_id") == chat and not c.failed
    ]
    assert all("Pour" not in str(c.params.get("reply_markup") or "") for c in retried)
