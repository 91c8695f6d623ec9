"""The opening of a session in Telegram: /presider where the planned chair is absent, the
ballot on the urgency opened with an urgent session, and the proxy a member leaving gives to
a member present (/depart, its buttons, /revoquer)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.harness import OfflineHarness, button_data
from meetings.services import Services
from meetings.wording.typography import plain
from tests.clock import FakeClock
from tests.conftest import COORDINATOR, COORDINATOR_ID
from tests.test_bot_meetings import (
    last_text,
    open_session,
    plan,
    prepare,
    reply_all,
)
from voting.ballot import BallotState

SEVEN = ("cea", "moselle", "ardennes", "aube", "marne", "haute-marne", "vosges")


async def test_a_session_without_its_planned_chair_opens_once_a_chair_is_designated(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock)
    await plan(harness)
    await harness.say(COORDINATOR, "/convoquer 1")
    await reply_all(harness, people, **dict.fromkeys(SEVEN, "Présent"))

    refused = await open_session(harness, clock)
    assert refused == (
        "Le membre qui devait présider, la Région Grand Est, n'est pas présent : "
        "désignez d'abord un président de séance parmi les membres présents : "
        '/presider 1 MEMBRE "Prénom Nom". Si son représentant est finalement là, '
        "qu'il réponde « Présent » à sa convocation avant l'ouverture."
    )
    await harness.say(COORDINATOR, '/presider 1 meuse "Jean Dupont"')
    assert last_text(harness, COORDINATOR_ID) == (
        "Le Département de la Meuse n'est pas présent : un président de séance est désigné "
        "parmi les membres présents."
    )
    await harness.say(COORDINATOR, '/presider 1 cea "Paul Martin"')
    assert last_text(harness, COORDINATOR_ID) == (
        "Paul Martin (Collectivité européenne d'Alsace) préside la séance, désigné(e) à "
        "14 h 00. Il ou elle signe le procès-verbal et a voix prépondérante dans les scrutins "
        "ouverts désormais.\nLa séance peut s'ouvrir : /ouvrir 1"
    )
    opened = await open_session(harness, clock)
    assert opened.startswith("Séance de la réunion n° 1 ouverte.")
    designation = await services.sessions.chair_designation(1)
    assert designation is not None
    assert (designation.member_id, designation.person_name) == ("cea", "Paul Martin")

    # Once the session is open, its chair presides to the end.
    await harness.say(COORDINATOR, '/presider 1 moselle "Jeanne Moselle"')
    assert plain(last_text(harness, COORDINATOR_ID)) == (
        "Paul Martin (Collectivité européenne d'Alsace) préside déjà cette séance, désigné(e) "
        "pour elle : il ou elle la préside jusqu'à sa clôture, et a pu déjà user de sa voix "
        "prépondérante."
    )
    designation = await services.sessions.chair_designation(1)
    assert designation is not None and designation.member_id == "cea"


async def test_an_urgent_session_opens_with_its_ballot_on_the_urgency(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock)
    clock.now = datetime(2026, 12, 13, 8, 0, tzinfo=UTC)
    await plan(harness)
    await harness.say(COORDINATOR, "/convoquer 1 urgence Marché à notifier avant le 31")
    await reply_all(harness, people, region_grand_est="Présent", **dict.fromkeys(SEVEN, "Présent"))

    opened = await open_session(harness, clock)
    ballots = await services.ballots.find(state=BallotState.OPEN)
    assert len(ballots) == 1
    assert ballots[0].draft.question == (
        "Reconnaissance de l'urgence de la séance (Marché à notifier avant le 31)"
    )
    assert opened.endswith(
        "La séance a été convoquée en urgence : l'instance statue d'abord sur l'urgence. "
        f"Le scrutin n° {ballots[0].id} sur l'urgence est ouvert ; aucun autre scrutin ne "
        f"s'ouvre avant sa clôture (/clore {ballots[0].id}). Si l'urgence n'est pas reconnue, "
        "la séance ne peut qu'être levée."
    )


async def test_a_member_leaving_gives_its_proxy_with_a_button_and_revokes_it(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock)
    await plan(harness)
    await harness.say(COORDINATOR, "/convoquer 1")
    await reply_all(harness, people, region_grand_est="Présent", **dict.fromkeys(SEVEN, "Présent"))
    await open_session(harness, clock)

    clock.now = datetime(2026, 12, 15, 13, 20, tzinfo=UTC)
    moselle = people["moselle"]
    await harness.say(moselle, "/depart")
    offer = harness.last_message_to(moselle["id"])
    assert offer["text"] == (
        "Le Département de la Moselle peut donner pouvoir à un membre présent, pour les "
        "scrutins ouverts désormais :"
    )
    labels = [row[0]["text"] for row in offer["reply_markup"]["inline_keyboard"]]
    assert "Département des Ardennes" in labels and "Département de la Moselle" not in labels
    assert "Département de la Meuse" not in labels  # absent: never a holder
    await harness.press(moselle, offer, button_data(offer, "Département des Ardennes"))
    edits = harness.request.calls_to("editMessageText")
    assert plain(edits[-1].params["text"]) == (
        "Le Département de la Moselle donne pouvoir au Département des Ardennes à 14 h 20 ; il "
        "vaut pour les scrutins ouverts désormais. /revoquer le retire."
    )
    changes = await services.sessions.session_proxies(1)
    assert [(c.giver, c.holder) for c in changes] == [("moselle", "ardennes")]
    await harness.say(COORDINATOR, "/presences 1")
    assert "• Département de la Moselle → Département des Ardennes" in last_text(
        harness, COORDINATOR_ID
    )

    clock.now = datetime(2026, 12, 15, 13, 30, tzinfo=UTC)
    await harness.say(moselle, "/revoquer")
    assert last_text(harness, moselle["id"]) == (
        "Le Département de la Moselle révoque son pouvoir à 14 h 30 ; il ne vaut plus pour les "
        "scrutins ouverts désormais."
    )
    await harness.say(moselle, "/revoquer")
    assert last_text(harness, moselle["id"]) == (
        "Le Département de la Moselle n'a pas de pouvoir en cours à révoquer."
    )
