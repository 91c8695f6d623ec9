"""Through the real handlers: a press that comes twice is recorded once, and answered the same;
each vote's receipt reaches the voter's private chat, and /recu finds it in the chain."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from telegram import Update

from bot.harness import OfflineHarness, as_read, button_data
from meetings.wording.messages.ballots import confirmation
from meetings.wording.messages.results import MESSAGE_LIMIT
from meetings.wording.typography import plain
from tests.conftest import COORDINATOR, enrol
from tests.test_bot_ballots import (
    answers,
    aube_with_a_substitute,
    member_name,
    open_ballot,
    paper,
)

RECEIPT = re.compile(r"Reçu : ([0-9A-F]{4}(?:-[0-9A-F]{4}){3})")


async def _deliver(harness: OfflineHarness, update: Update) -> list[Any]:
    before = len(harness.request.calls)
    await harness.application.process_update(update)
    await harness.settle()  # the paper is edited off the handler's path
    return [as_read(call) for call in harness.request.calls[before:]]


def _edited(calls: list[Any]) -> str:
    return str(next(c.params["text"] for c in calls if c.method == "editMessageText"))


async def test_the_same_press_twice_is_written_once_and_answered_the_same(
    harness: OfflineHarness,
) -> None:
    person = await enrol(harness, "vosges")
    ballot_id = await open_ballot(harness)
    message = paper(harness, person, member_name(harness.services, "vosges"))
    press = harness.updates.callback(person, button_data(message, "Contre"), message)
    first = await _deliver(harness, press)
    # Telegram delivers it again (a webhook retry), under another update id.
    again = Update.de_json({**press.to_dict(), "update_id": press.update_id + 1000}, harness.bot)
    second = await _deliver(harness, again)

    history = await harness.services.ballots.history(ballot_id)
    assert [(v.member_id, v.option) for v in history] == [("vosges", "against")]
    _, entries = await harness.services.ballots.chain(ballot_id)
    assert len(entries) == 1
    assert [a["text"] for a in answers(second)] == [a["text"] for a in answers(first)]
    assert _edited(second) == _edited(first)
    assert "Vote enregistré : Contre" in _edited(first)


async def test_a_change_of_vote_pressed_again_still_says_changed(harness: OfflineHarness) -> None:
    person = await enrol(harness, "vosges")
    await open_ballot(harness)
    message = paper(harness, person, member_name(harness.services, "vosges"))
    await harness.press(person, message, button_data(message, "Contre"))
    press = harness.updates.callback(person, button_data(message, "Pour"), message)
    first = await _deliver(harness, press)
    again = Update.de_json({**press.to_dict(), "update_id": press.update_id + 1000}, harness.bot)
    assert _edited(await _deliver(harness, again)) == _edited(first)
    assert "Vote modifié : Pour" in _edited(first)


async def test_a_voter_checks_its_receipt_with_recu(harness: OfflineHarness) -> None:
    person = await enrol(harness, "vosges")
    ballot_id = await open_ballot(harness)
    message = paper(harness, person, member_name(harness.services, "vosges"))
    calls = await harness.press(person, message, button_data(message, "Pour"))
    edit = next(c.params for c in calls if c.method == "editMessageText")
    assert edit["chat_id"] == person["id"]  # the voter's private chat
    found = RECEIPT.search(plain(edit["text"]))
    assert found is not None, edit["text"]
    code = found.group(1)
    _, entries = await harness.services.ballots.chain(ballot_id)
    assert entries[0].receipt == code

    await harness.say(person, f"/recu {code.lower()}")
    assert plain(harness.last_message_to(person["id"])["text"]) == (
        f"Le reçu {code} figure dans la chaîne du scrutin n° {ballot_id} "
        "(Approuver le budget 2027 de l'ENT) : entrée 1 sur 1."
    )
    await harness.say(person, "/recu 0000-0000-0000-0000")
    assert plain(harness.last_message_to(person["id"])["text"]) == (
        "Aucun vote n'a le reçu 0000-0000-0000-0000."
    )
    await harness.say(person, "/recu pas-un-code")
    assert harness.last_message_to(person["id"])["text"].startswith("Utilisation")


def test_the_vote_and_its_receipt_fit_one_message_whatever_the_paper() -> None:
    text = confirmation("Q" * 5000, "for", Decimal("4.5"), False, "fr", "1A2B-3C4D-5E6F-7A8B")
    assert len(text) == MESSAGE_LIMIT
    assert plain(text).endswith(
        "Vote enregistré : Pour — 4,5 voix\n"
        "Reçu : 1A2B-3C4D-5E6F-7A8B (vérifiable avec /recu 1A2B-3C4D-5E6F-7A8B)"
    )


async def test_after_a_secret_close_both_representatives_who_voted_get_the_result(
    harness: OfflineHarness,
) -> None:
    """The close forgets who pressed before the vote that counts, not whom to tell."""
    titular, substitute = await aube_with_a_substitute(harness)
    ballot_id = await open_ballot(harness, kind="Secret")
    message = harness.papers_to(3005)[-1]
    await harness.press(substitute, message, button_data(message, "Pour"))
    mine = paper(harness, titular, member_name(harness.services, "aube"))
    await harness.press(titular, mine, button_data(mine, "Contre"))

    await harness.say(COORDINATOR, f"/clore {ballot_id}")

    for person_id in (titular["id"], 3005):
        assert "Résultat" in plain(harness.last_message_to(person_id)["text"])
    history = await harness.services.ballots.history(ballot_id)
    assert [(v.member_id, v.cast_by, v.cast_at) for v in history] == [
        ("aube", f"tg:{titular['id']}", None)
    ]
