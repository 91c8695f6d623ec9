"""Fan-out at Telegram's flood limits: a convocation to hundreds of people goes out at the pace
the limiter allows, one request per person, and the server never answers 429.

The server is the offline Bot API with Telegram's limits enforced (:mod:`bot.flood`), the bot
is paced by PTB's ``AIORateLimiter`` as ``scrutin run`` builds it, and the event loop runs in
virtual time (:mod:`tests.virtual_time`): the ten seconds the fan-out takes pass instantly.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, Defaults

from bench.population import COORDINATOR, COORDINATOR_ID, GROUPEMENT, INSTANCE, open_services
from bot.app import rate_limiter
from bot.flood import FloodControlledRequest, flood_controlled_bot
from bot.harness import OfflineHarness
from meetings.actions.actor import identify
from meetings.actions.convene import convene
from meetings.actions.plan import plan_meeting
from meetings.meeting import AgendaItem, MeetingPlan
from meetings.notifier import Private
from meetings.services import Services
from meetings.wording.formats import PARIS
from meetings.wording.typography import plain
from tests.acting import coordinator, seated
from tests.clock import FakeClock
from tests.conftest import user
from tests.steps import PLACE, make_plan, notifier_of
from tests.virtual_time import run_in_virtual_time

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
PEOPLE = 300
ROUND_TRIP = 0.05


async def _convene_everyone(directory: Path) -> tuple[FloodControlledRequest, float]:
    clock = FakeClock(NOW)
    services = await open_services(directory, PEOPLE, clock)
    bot = flood_controlled_bot(
        clock,
        round_trip=ROUND_TRIP,
        defaults=Defaults(tzinfo=PARIS),
        rate_limiter=rate_limiter(),
    )
    try:
        async with OfflineHarness(services, clock, bot=bot) as harness:
            actor = await identify(services, COORDINATOR, "Coordination", "fr")
            plan = MeetingPlan(
                GROUPEMENT,
                INSTANCE,
                datetime(2026, 12, 15, 14, 0, tzinfo=PARIS),
                place="Salle du conseil",
                agenda=(AgendaItem("Budget 2027", "Approuver le budget 2027"),),
            )
            planned = await plan_meeting(services, actor, plan)
            harness.request.clear()
            loop = asyncio.get_running_loop()
            start = loop.time()
            await harness.say(user(COORDINATOR_ID, "Claire"), f"/convoquer {planned.meeting.id}")
            elapsed = loop.time() - start
    finally:
        await services.close()
    return bot[1], elapsed


def test_a_convocation_to_300_people_is_one_request_each_and_never_refused(
    tmp_path: Path,
) -> None:
    server, elapsed = run_in_virtual_time(_convene_everyone(tmp_path))

    assert server.report.refused == []
    to_people = [
        call
        for call in server.calls
        if isinstance(call.params.get("chat_id"), int) and call.params["chat_id"] != COORDINATOR_ID
    ]
    assert len(to_people) == PEOPLE
    assert {call.method for call in to_people} == {"sendDocument"}
    assert all(call.params["caption"].startswith("📅 Convocation") for call in to_people)
    assert all(call.params["reply_markup"]["inline_keyboard"] for call in to_people)
    # At Telegram's 30 a second, 300 people take 10 s: the fan-out keeps up with that pace.
    assert elapsed < PEOPLE / 30 / 0.9


async def _beyond_the_limits() -> list[tuple[str, int | str, int]]:
    bot, server = flood_controlled_bot(round_trip=ROUND_TRIP)
    await bot.initialize()
    await bot.send_message(42, "one")
    with pytest.raises(RetryAfter):
        await bot.send_message(42, "right behind")
    await asyncio.sleep(1.0)
    await bot.send_message(42, "a second later")
    for number in range(20):
        await bot.send_message(-100, f"group message {number + 1}")
    with pytest.raises(RetryAfter):
        await bot.send_message(-100, "the 21st within a minute")
    return server.report.refused


def test_the_offline_server_answers_429_beyond_telegrams_limits() -> None:
    refused = run_in_virtual_time(_beyond_the_limits())
    # One a second in a private chat; 20 a minute in a group: 20 sent in one second (at
    # 50 ms each) have leaked a third of a place, the 21st must wait 2 s for the rest.
    assert refused == [("sendMessage", 42, 1), ("sendMessage", -100, 2)]


async def test_a_long_convocation_still_rides_on_its_ics_with_the_essentials(
    services: Services,
) -> None:
    """The caption has room for 1,024 characters: a long agenda shows its first items and
    says where the rest is; the date, the place and the reply buttons are always there."""
    await seated(services, "moselle", "tg:moselle")
    agenda = tuple(
        AgendaItem(f"Point n° {n} : délibération sur la convention de l'ENT avec la commune {n}")
        for n in range(1, 21)
    )
    plan = replace(make_plan(datetime(2026, 12, 22, 14, 0, tzinfo=PARIS)), agenda=agenda)
    meeting = (await plan_meeting(services, await coordinator(services), plan)).meeting
    await convene(services, await coordinator(services), meeting.id)

    (letter,) = [s for s in notifier_of(services).sent if s.to == Private("tg:moselle")]
    assert letter.attachment is not None and letter.attachment.keyboard is not None
    caption = plain(letter.attachment.caption or "")
    # Room is left under it for the reply a press writes there.
    assert len(caption) <= 1024 - 200
    assert caption.startswith("📅 Convocation — Réunion n° 1")
    assert f"Lieu : {PLACE}" in caption
    assert "1. Point n° 1 : délibération" in caption
    assert "20. Point n° 20" not in caption
    shown = sum(bool(re.match(r"\d+\. ", line)) for line in caption.splitlines())
    assert shown >= 5
    assert (
        f"… et {20 - shown} autres points : l'ordre du jour complet est dans le fichier "
        "d'agenda joint."
    ) in caption
    assert caption.endswith("Merci d'indiquer votre présence :")
    # The calendar file carries the whole agenda.
    assert "20. Point n° 20" in letter.attachment.content.decode().replace("\r\n ", "")


async def _one_chat_refused_while_others_go_on(limiter: AIORateLimiter) -> dict[int, float]:
    bot, _server = flood_controlled_bot(round_trip=ROUND_TRIP, rate_limiter=limiter)
    await bot.initialize()
    loop = asyncio.get_running_loop()
    done: dict[int, float] = {}

    async def send(chat: int, after: float) -> None:
        await asyncio.sleep(after)
        await bot.send_message(chat, "bonjour")
        done[chat] = max(done.get(chat, 0.0), loop.time())

    # Two messages to chat 42 at once: the second is refused (one a second in a private chat).
    # The other chats write once that refusal is known.
    await asyncio.gather(send(42, 0), send(42, 0), *(send(100 + n, 0.1) for n in range(10)))
    await bot.shutdown()
    return done


def test_a_429_for_one_chat_holds_back_that_chat_only() -> None:
    done = run_in_virtual_time(_one_chat_refused_while_others_go_on(rate_limiter()))
    assert done[42] >= 1.0  # waited out its retry_after, then delivered
    assert all(done[100 + n] < 0.5 for n in range(10)), done
    # PTB's own limiter holds every chat back for the one refused.
    held = run_in_virtual_time(_one_chat_refused_while_others_go_on(AIORateLimiter(max_retries=3)))
    assert all(held[100 + n] >= 1.0 for n in range(10)), held
