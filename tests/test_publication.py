"""Publishing a result at the scale of an academy's communes: in time linear in the
electorate, within Telegram's limits, the chart drawn once, and the coordinator told what
actually failed."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
from telegram import Update

import meetings.charts.ballot as charts
import meetings.delivery.results as delivery
from bot.harness import OfflineHarness, button_data
from bot.replies import alert
from bot.telegram_limits import ALERT_LIMIT, TEXT_LIMITS
from config.models import Groupement
from meetings.actions.ballot_close import close_ballot
from meetings.actions.ballot_open import open_ballot
from meetings.services import Services
from meetings.wording.messages.results import (
    MESSAGE_LIMIT,
    ResultWords,
    listed,
    telegram_length,
)
from meetings.wording.typography import plain
from tests.academy import (
    COORDINATOR_USER,
    FIRST_USER,
    GROUPEMENT,
    INSTANCE,
    academy_coordinator,
    academy_governance,
    seat_everyone,
)
from tests.acting import RecordingNotifier
from tests.clock import FakeClock
from tests.conftest import COORDINATOR, COORDINATOR_ID, GROUP_CHAT, enrol_everyone
from tests.test_bot_ballots import bind_group, vote
from tests.test_bot_ballots import open_ballot as open_by_form
from voting.tally import MOTION_OPTIONS

ACADEMY_GROUP = -1002000000001
COORDINATOR_USER_DICT = {
    "id": COORDINATOR_USER,
    "is_bot": False,
    "first_name": "Claire",
    "last_name": "Test",
    "language_code": "fr",
}
QUESTION = "Adopter le budget 2027 de l'ENT école"


async def _voted(services: Services, size: int, seed: int = 2026) -> tuple[int, dict[str, str]]:
    """A public written consultation of ``size`` members, nine in ten of whom vote; its
    number and each voter's option."""
    people = await seat_everyone(services, size)
    actor = await academy_coordinator(services)
    ballot = (await open_ballot(services, actor, GROUPEMENT, INSTANCE, QUESTION)).ballot
    rng = random.Random(seed)
    chosen: dict[str, str] = {}
    assert ballot.electorate is not None
    for member in ballot.electorate.members:
        if rng.random() < 0.1:
            continue
        option = rng.choices(MOTION_OPTIONS, weights=[6, 3, 1])[0]
        await services.ballots.cast(ballot.id, member, option, cast_by=people[member])
        chosen[member] = option
    return ballot.id, chosen


def _counting(
    monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, counts: dict[str, int]
) -> None:
    original: Callable[..., Any] = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        counts[name] = counts.get(name, 0) + 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)


async def _closing_counts(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    clock: FakeClock,
    size: int,
    english: int = 0,
) -> dict[str, int]:
    """What closing a ``size``-member ballot costs, counted: texts written, members looked up.
    ``english``: how many of the first voters read English."""
    services = await Services.open(academy_governance(size), tmp_path / f"{size}.db", clock)
    services.connect(RecordingNotifier())
    try:
        ballot_id, chosen = await _voted(services, size)
        for index in range(english):
            person = f"tg:{FIRST_USER + index}"
            await services.roster.set_language(person, f"Élu{index} Test", "en")
        counts: dict[str, int] = {}
        with monkeypatch.context() as patch:
            _counting(patch, delivery, "result_words", counts)
            _counting(patch, Groupement, "member", counts)
            _counting(patch, Groupement, "participant", counts)
            # The chart is counted elsewhere: here it would only slow the test down.
            patch.setattr(charts, "png_bytes", lambda figure: b"PNG")
            closed = await close_ballot(services, await academy_coordinator(services), ballot_id)
        assert closed.publication is not None and closed.publication.complete
        assert len(closed.publication.reached) == len(chosen)
        return counts
    finally:
        await services.close()


async def test_closing_costs_grow_linearly_with_the_electorate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    small = await _closing_counts(tmp_path, monkeypatch, clock, 50)
    large = await _closing_counts(tmp_path, monkeypatch, clock, 500, english=3)
    # The result is written once per language, whatever the electorate: French for the group
    # and most voters, English for the three who chose it.
    assert small["result_words"] == 1
    assert large["result_words"] == 2
    lookups_small = small.get("member", 0) + small.get("participant", 0)
    lookups_large = large.get("member", 0) + large.get("participant", 0)
    # Ten times the members, about ten times the lookups per language (it was a hundred times).
    assert lookups_large / 2 <= 12 * lookups_small, (lookups_small, lookups_large)


def test_a_member_is_found_by_id_without_a_search(monkeypatch: pytest.MonkeyPatch) -> None:
    groupement = academy_governance(500).groupement(GROUPEMENT)
    assert groupement.member("commune-497").name == "Commune de Champigny-sur-Marne 34"
    # A search through the list would compare ids: a lookup by id compares none.
    compared: list[str] = []
    member_type = type(groupement.members[0])
    original = member_type.__getattribute__

    def watched(self: Any, name: str) -> Any:
        if name == "id":
            compared.append(name)
        return original(self, name)

    groupement.member("commune-001")  # the index is built on the first lookup
    monkeypatch.setattr(member_type, "__getattribute__", watched)
    for member in ("commune-497", "val-de-marne", "commune-250"):
        groupement.member(member)
    assert compared == []


def test_a_list_of_names_stops_at_ten_and_counts_the_rest() -> None:
    names = [f"Élu{n} Test" for n in range(15)]
    assert listed(names[:3], "fr") == "Élu0 Test, Élu1 Test, Élu2 Test"
    assert plain(listed(names, "fr")).endswith("Élu9 Test et 5 autres")
    assert listed(names, "en").endswith("Élu9 Test and 5 others")


def _roll_call_names(parts: list[str]) -> list[str]:
    return [
        re.sub(r" \(\d+\)$", "", line[2:])
        for part in parts
        for line in part.splitlines()
        if line.startswith("• ")
    ]


@pytest.mark.parametrize("size", [300, 500])
async def test_a_large_public_result_fits_telegram_limits(
    tmp_path: Path, clock: FakeClock, size: int
) -> None:
    services = await Services.open(academy_governance(size), tmp_path / "academy.db", clock)
    try:
        async with OfflineHarness(services, clock) as harness:
            ballot_id, chosen = await _voted(services, size)
            await harness.say(
                COORDINATOR_USER_DICT,
                f"/lier {GROUPEMENT} {INSTANCE}",
                chat_id=ACADEMY_GROUP,
                chat_title="ENT école Créteil",
            )
            before = len(harness.request.calls)
            await harness.say(COORDINATOR_USER_DICT, "/clore")
            closing = harness.request.calls[before:]
            # The offline bot refuses what Telegram refuses: nothing was.
            assert [c.failed for c in closing if c.failed] == []
            for call in closing:
                for name, limit in TEXT_LIMITS.items():
                    value = call.params.get(name)
                    assert value is None or telegram_length(value) <= limit

            posted = [m["text"] for m in harness.messages_to(ACADEMY_GROUP)]
            result, parts = _result_and_roll_call(posted, ballot_id)
            assert "Adoptée" in result and "Pour : " in result
            assert f"en {len(parts)} messages ci-dessous" in result
            assert 2 <= len(parts) <= (size * 45) // MESSAGE_LIMIT + 1
            for index, part in enumerate(parts, start=1):
                assert part.startswith(
                    f"📋 Scrutin n° {ballot_id} — vote de chaque membre ({index}/{len(parts)})"
                )
            # Every voter is named once, under its option.
            group = services.governance.groupement(GROUPEMENT)
            names = _roll_call_names(parts)
            assert sorted(names) == sorted(group.member(m).name for m in chosen)
            assert "Pour — " in parts[0] and "Abstention — " in "\n".join(parts[1:])
            (photo,) = [c for c in closing if c.method == "sendPhoto"]
            assert photo.params["chat_id"] == ACADEMY_GROUP

            report = harness.last_message_to(COORDINATOR_USER)["text"]
            assert report.startswith(f"Le scrutin n° {ballot_id} est clos ; le résultat a été")
            assert "Publié dans le groupe « ENT école Créteil »." in report
            assert f"Envoyé en privé à {len(chosen)} votants sur {len(chosen)}." in report

            voter = FIRST_USER + 3  # a commune: the first three are départements
            brief = harness.last_message_to(voter)["text"]
            assert brief.startswith(f"📊 Résultat du scrutin n° {ballot_id}")
            assert f"/resultats {ballot_id}" in brief and "• " not in brief
            asked = len(harness.request.calls)
            await harness.say(harness_user(voter), f"/resultats {ballot_id}")
            answers = [
                plain(c.result["text"])
                for c in harness.request.calls[asked:]
                if c.method == "sendMessage"
            ]
            assert answers[1:] == parts
    finally:
        await services.close()


def harness_user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Élu", "language_code": "fr"}


def _result_and_roll_call(posted: list[str], ballot_id: int) -> tuple[str, list[str]]:
    start = next(i for i, text in enumerate(posted) if text.startswith("📊 Résultat"))
    parts = [text for text in posted[start + 1 :] if text.startswith("📋 ")]
    return plain(posted[start]), parts


def test_a_short_roll_call_stays_in_the_result() -> None:
    words = ResultWords("résultat", (), "résultat")
    assert words.messages == ("résultat",)


async def test_the_coordinator_is_told_who_did_not_get_the_result(
    harness: OfflineHarness,
) -> None:
    await bind_group(harness)
    people = await enrol_everyone(harness)
    await open_by_form(harness)
    for member in ("region-grand-est", "aube", "marne", "meuse", "vosges", "cea"):
        await vote(harness, member, "Pour")
    harness.request.fail_next("sendMessage", "forbidden", chat_id=GROUP_CHAT, times=5)
    for member in ("aube", "marne"):
        harness.request.fail_next("sendMessage", "forbidden", chat_id=people[member]["id"])
    await harness.say(COORDINATOR, "/clore")
    report = harness.last_message_to(COORDINATOR_ID)["text"]
    assert report.splitlines()[0] == (
        "Le scrutin n° 1 est clos, mais son résultat n'a pas atteint tout le monde."
    )
    assert "a été publié" not in report
    assert "Refusé par le groupe" in report
    assert "Envoyé en privé à 4 votants sur 6." in report
    assert "Non joints (2) : Aube Test, Marne Test." in report


async def test_a_closed_ballot_s_chart_is_drawn_once(
    harness: OfflineHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: dict[str, int] = {}
    _counting(monkeypatch, charts, "render_ballot_figure", drawn)
    await bind_group(harness)
    people = await enrol_everyone(harness)
    ballot_id = await open_by_form(harness)
    for member in ("region-grand-est", "aube", "marne", "meuse", "vosges", "cea"):
        await vote(harness, member, "Pour")
    closing = await harness.say(COORDINATOR, "/clore")
    (group_chart,) = [c for c in closing if c.method == "sendPhoto"]
    person = people["aube"]
    asked = await harness.say(person, f"/resultats {ballot_id}")
    (asked_chart,) = [c for c in asked if c.method == "sendPhoto"]
    record = await harness.say(person, f"/pv scrutin {ballot_id}")
    assert [c.method for c in record] == ["sendDocument"]
    assert drawn == {"render_ballot_figure": 1}
    assert asked_chart.params["caption"] == group_chart.params["caption"]
    # The group's text came before its chart.
    group_calls = [c.method for c in closing if c.params.get("chat_id") == GROUP_CHAT]
    assert group_calls[-2:] == ["sendMessage", "sendPhoto"]


class _Query:
    def __init__(self) -> None:
        self.answered: list[str] = []

    async def answer(self, text: str, show_alert: bool = False) -> None:
        self.answered.append(text)


class _Pressed:
    def __init__(self) -> None:
        self.callback_query = _Query()


async def test_a_refusal_at_a_press_fits_telegram_s_200_characters() -> None:
    pressed = _Pressed()
    long_refusal = "Ce scrutin " + "de la Commune de Saint-Maur-des-Fossés " * 8 + "est clos."
    await alert(cast(Update, pressed), long_refusal)
    (answered,) = pressed.callback_query.answered
    assert len(answered) <= ALERT_LIMIT and answered.endswith("…")
    assert long_refusal.startswith(answered[:-1])
    await alert(cast(Update, pressed), "Ce scrutin est clos.")
    assert pressed.callback_query.answered[-1] == "Ce scrutin est clos."


async def test_opening_for_300_members_with_nobody_enrolled_fits_one_message(
    tmp_path: Path, clock: FakeClock
) -> None:
    services = await Services.open(academy_governance(300), tmp_path / "academy.db", clock)
    try:
        await services.roster.add_coordinator(GROUPEMENT, f"tg:{COORDINATOR_USER}", "Claire", "t")
        async with OfflineHarness(services, clock) as harness:

            async def press(label: str) -> None:
                message = harness.last_message_to(COORDINATOR_USER)
                await harness.press(COORDINATOR_USER_DICT, message, button_data(message, label))

            # One instance votes: the form asks for the question straight away.
            await harness.say(COORDINATOR_USER_DICT, "/scrutin")
            await harness.say(COORDINATOR_USER_DICT, QUESTION)
            await press("Public (appel nominal)")
            await press("Sans date limite")
            before = len(harness.request.calls)
            await press("Ouvrir le scrutin")
            assert [c.failed for c in harness.request.calls[before:] if c.failed] == []
            opened = harness.last_message_to(COORDINATOR_USER)["text"]
            assert "est ouvert" in opened
            assert opened.endswith("et 290 autres. Invitez-les avec /inviter.")
    finally:
        await services.close()
