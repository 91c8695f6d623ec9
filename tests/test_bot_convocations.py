"""Convocations through the real handlers: a second /convoquer reaches only those the first one
missed, and /planifier says plainly when a date can no longer be convened in time."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.harness import OfflineHarness
from meetings.services import Services
from tests.clock import FakeClock
from tests.conftest import COORDINATOR, COORDINATOR_ID, MEMBERS, enrol
from tests.test_bot_meetings import (
    PLANNING_DAY,
    convocation_count,
    documents_to,
    last_text,
    meeting,
    plan,
    prepare,
)


async def test_convening_again_reaches_only_those_not_yet_reached(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, MEMBERS[:-1])  # nobody for the Vosges yet
    await plan(harness)
    harness.request.fail_next("sendDocument", "forbidden", chat_id=people["marne"]["id"])
    await harness.say(COORDINATOR, "/convoquer 1")
    first_sending = (await meeting(services)).convened_at
    assert first_sending == PLANNING_DAY

    # The Vosges' representative is enrolled; the Marne's opens the bot again.
    clock.now = datetime(2026, 12, 9, 8, 0, tzinfo=UTC)
    people["vosges"] = await enrol(harness, "vosges")
    await harness.say(COORDINATOR, "/convoquer 1")

    assert last_text(harness, COORDINATOR_ID) == "\n".join(
        [
            "La réunion n° 1 a été convoquée le mardi 8 décembre 2026 à 9 h 00 ; la convocation "
            "n'a été renvoyée qu'à ceux qu'elle n'avait pas encore atteints.",
            "Envoyée maintenant à 2 personnes ; 8 l'avaient déjà reçue.",
        ]
    )
    for member, person in people.items():
        assert convocation_count(harness, person) == 1, member
        assert documents_to(harness, person["id"]) == ["reunion-1.ics"], member
    # The convocation stays the one sent on the 8th: its notice counts from then.
    assert (await meeting(services)).convened_at == first_sending
    (convocation,) = await services.meetings.convocations(1)
    delivered = {
        d.participant_id: d.delivered_at
        for d in await services.meetings.deliveries(convocation.id)
        if d.delivered
    }
    assert delivered["marne"] == delivered["vosges"] == clock.now
    assert delivered["aube"] == PLANNING_DAY

    # Everyone has it now: nothing is sent again.
    await harness.say(COORDINATOR, "/convoquer 1")
    assert "Envoyée maintenant à 0 personne ; 10 l'avaient déjà reçue." in last_text(
        harness, COORDINATOR_ID
    )


async def test_planning_too_late_for_the_notice_gives_the_urgent_way_or_says_it_is_too_late(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    await prepare(harness, clock, ("aube",))  # Tuesday 8 December, 9:00

    await plan(harness, "12/12/2026 14:00")
    assert last_text(harness, COORDINATOR_ID) == (
        "Réunion n° 1 planifiée, mais le dernier jour pour la convoquer avec le délai ordinaire "
        "(5 jours francs) était le 06/12/2026.\n"
        "Elle peut encore être convoquée en urgence, avec son motif, jusqu'au 10/12/2026 "
        "(1 jour franc de délai) : /convoquer 1 urgence MOTIF ; le procès-verbal le "
        "mentionnera. Sinon, reportez-la avec /reporter."
    )

    await plan(harness, "09/12/2026 18:00")
    assert last_text(harness, COORDINATOR_ID) == (
        "Réunion n° 2 planifiée, mais le dernier jour pour la convoquer avec le délai ordinaire "
        "(5 jours francs) était le 03/12/2026.\n"
        "Elle ne peut plus être convoquée à cette date, même en urgence (1 jour franc de "
        "délai) : reportez-la avec /reporter, ou annulez-la avec /annuler_reunion 2."
    )


async def test_a_resending_too_late_for_the_notice_is_sent_and_the_coordinator_is_warned(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, MEMBERS[:-2])  # nobody for the Meuse and the Vosges
    await plan(harness)  # Tuesday 15 December, 14:00; convened on the 8th, 6 clear days
    await harness.say(COORDINATOR, "/convoquer 1")

    # Monday 14 December, 18:00: the Meuse and the Vosges are reached the day before.
    clock.now = datetime(2026, 12, 14, 17, 0, tzinfo=UTC)
    people["meuse"] = await enrol(harness, "meuse")
    people["vosges"] = await enrol(harness, "vosges")
    await harness.say(COORDINATOR, "/convoquer 1")

    assert last_text(harness, COORDINATOR_ID) == "\n".join(
        [
            "La réunion n° 1 a été convoquée le mardi 8 décembre 2026 à 9 h 00 ; la convocation "
            "n'a été renvoyée qu'à ceux qu'elle n'avait pas encore atteints.",
            "Envoyée maintenant à 2 personnes ; 8 l'avaient déjà reçue.",
            "⚠️ Délai non respecté : Département de la Meuse, Département des Vosges reçoivent "
            "la convocation moins de 5 jours francs avant la réunion.",
            "Le procès-verbal le mentionnera. Pour donner le délai à tous les membres, reportez "
            "la réunion : /reporter 1 JJ/MM/AAAA HH:MM.",
        ]
    )
    # The late convocation is sent all the same.
    for member in ("meuse", "vosges"):
        assert convocation_count(harness, people[member]) == 1, member
        assert documents_to(harness, people[member]["id"]) == ["reunion-1.ics"], member
