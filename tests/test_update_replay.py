"""Telegram delivers at least once: an update delivered again changes nothing and sends nothing.

The scenarios of the handler tests run here through a harness that delivers every update twice,
at once and again at the end of the scenario, as a webhook retry or a poll after a crash
would. After each replay, every table of the database is as it was, and the bot made no new
request. The kinds of updates the scenarios cover are counted, so that the suite keeps
covering commands, form messages and every kind of button.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from telegram import Update

import tests.test_bot_ballots as ballots
import tests.test_bot_elections as elections
import tests.test_bot_meetings as meetings
import tests.test_bot_minutes as minutes
import tests.test_bot_minutes_approval as approval
import tests.test_bot_onboarding as onboarding
import tests.test_bot_opening as opening
from bot.harness import OfflineHarness
from bot.offline import RecordedCall
from meetings.services import Services
from tests.clock import FakeClock
from tests.conftest import COORDINATOR, enrol

Dump = dict[str, list[tuple[Any, ...]]]
Scenario = Callable[..., Awaitable[None]]

SCENARIOS: list[Scenario] = [
    ballots.test_a_full_ballot_with_ten_members_and_a_proxy,
    ballots.test_a_vote_can_change_until_the_close_and_each_change_is_kept,
    ballots.test_the_form_re_asks_on_bad_input_and_can_be_cancelled,
    ballots.test_a_standing_proxy_serves_one_written_consultation,
    meetings.test_planning_a_meeting_end_to_end,
    meetings.test_replies_are_recorded_and_marked_on_the_convocation,
    meetings.test_a_proxy_is_given_from_the_list_of_eligible_holders,
    meetings.test_back_from_the_holders_list_restores_the_reply_buttons,
    meetings.test_the_session_follows_arrivals_departures_and_the_quorum,
    meetings.test_without_quorum_the_meeting_is_convened_again,
    meetings.test_moving_a_convened_meeting_tells_everyone_and_replans_the_reminders,
    meetings.test_cancelling_a_meeting_tells_everyone_and_drops_its_reminders,
    elections.test_an_election_goes_round_by_round_to_the_oldest,
    opening.test_a_member_leaving_gives_its_proxy_with_a_button_and_revokes_it,
    onboarding.test_link_binds_a_group_to_the_groupement,
    onboarding.test_language_en_switches_that_person_only,
    minutes.test_pv_gives_a_draft_to_the_coordinator_and_the_minutes_in_private_only,
    approval.test_the_chair_and_the_secretary_sign_and_the_final_minutes_go_out_once,
]

# What a person can send the bot, by the first part of what it carries.
BUTTON_KINDS = {
    "v1:v": "vote",
    "v1:f": "form button",
    "v1:r": "attendance reply",
    "v1:h": "proxy holder",
    "v1:s": "session proxy",
    "v1:e": "election round",
    "v1:p": "minutes signature",
}


def kind_of(update: Update) -> str:
    if update.callback_query is not None:
        prefix = ":".join(str(update.callback_query.data).split(":")[:2])
        return BUTTON_KINDS.get(prefix, f"button {prefix}")
    message = update.effective_message
    text = message.text if message is not None and message.text else ""
    return text.split()[0].split("@")[0] if text.startswith("/") else "form message"


TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
    "ORDER BY tablename",
}


async def dump(services: Services) -> Dump:
    """Every row of every table, as committed."""
    reader = services.database.reading
    cursor = await reader.execute(TABLES[services.database.dialect])
    tables = [row[0] for row in await cursor.fetchall()]
    everything: Dump = {}
    for table in tables:
        rows = await (await reader.execute(f'SELECT * FROM "{table}"')).fetchall()
        everything[table] = sorted((tuple(row) for row in rows), key=repr)
    return everything


class Replayer:
    """Wraps the harness so that each update is delivered again right after it is handled."""

    def __init__(self, harness: OfflineHarness) -> None:
        self.harness = harness
        self.delivered: list[Update] = []
        self.kinds: set[str] = set()
        self._process = harness._process

    async def process(self, update: Any) -> list[RecordedCall]:
        answered = await self._process(update)
        self.delivered.append(update)
        self.kinds.add(kind_of(update))
        await self.replay(update)
        return answered

    async def replay(self, update: Update) -> None:
        before = await dump(self.harness.services)
        requests = len(self.harness.request.calls)
        await self.harness.application.process_update(update)
        new = self.harness.request.calls[requests:]
        assert new == [], f"{kind_of(update)} replayed sent {[c.method for c in new]}"
        after = await dump(self.harness.services)
        changed = [table for table in before if before[table] != after.get(table)]
        assert changed == [], f"{kind_of(update)} replayed changed {changed}"


@pytest.fixture
def replayer(harness: OfflineHarness, monkeypatch: pytest.MonkeyPatch) -> Replayer:
    replaying = Replayer(harness)
    monkeypatch.setattr(harness, "_process", replaying.process)
    return replaying


async def play(scenario: Scenario, fixtures: dict[str, Any]) -> None:
    wanted = inspect.signature(scenario).parameters
    await scenario(**{name: fixtures[name] for name in wanted})


KINDS_SEEN: set[str] = set()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__[5:45] for s in SCENARIOS])
async def test_every_update_delivered_again_changes_nothing_and_sends_nothing(
    scenario: Scenario,
    replayer: Replayer,
    harness: OfflineHarness,
    services: Services,
    clock: FakeClock,
) -> None:
    await play(scenario, {"harness": harness, "services": services, "clock": clock})
    # Late: the whole scenario delivered again, in order, once it is over.
    for update in list(replayer.delivered):
        await replayer.replay(update)
    assert replayer.delivered
    KINDS_SEEN.update(replayer.kinds)


def test_the_replayed_scenarios_cover_every_kind_of_update() -> None:
    if len(KINDS_SEEN) == 0:
        pytest.skip("runs after the replay scenarios, in the same session")
    assert set(BUTTON_KINDS.values()) <= KINDS_SEEN
    assert "form message" in KINDS_SEEN
    assert len(KINDS_SEEN) >= 18, sorted(KINDS_SEEN)


async def test_a_late_replay_of_an_old_press_does_not_flip_the_vote_back(
    harness: OfflineHarness, replayer: Replayer
) -> None:
    await enrol(harness, "vosges")
    ballot_id = await ballots.open_ballot(harness)
    await ballots.vote(harness, "vosges", "Contre")
    against = replayer.delivered[-1]
    await ballots.vote(harness, "vosges", "Pour")

    await harness.application.process_update(against)

    assert await harness.services.ballots.effective_votes(ballot_id) == {"vosges": "for"}
    history = await harness.services.ballots.history(ballot_id)
    assert [v.option for v in history] == ["against", "for"]


async def test_reconvening_delivered_twice_makes_one_second_convocation(
    harness: OfflineHarness, services: Services, clock: FakeClock, replayer: Replayer
) -> None:
    await meetings.test_without_quorum_the_meeting_is_convened_again(harness, services, clock)
    (reconvening,) = [
        update
        for update in replayer.delivered
        if update.message is not None
        and update.message.text == "/reconvoquer 1 22/12/2026 14:00"
        and update.message.from_user is not None
        and update.message.from_user.id == COORDINATOR["id"]
    ][-1:]
    count = len(await services.meetings.find())

    await harness.application.process_update(reconvening)

    assert len(await services.meetings.find()) == count == 2
