"""Designations through the real Application: /designation records a member's act and shows
the seats, /moi shows the act, /fin_mandat ends the mandates after an election, and the seats
wait (no invitation, no convocation) until a new act is recorded."""

from __future__ import annotations

from datetime import date, timedelta

from bot.harness import OfflineHarness
from meetings.designation import ActKind, DesignationAct
from tests.clock import FakeClock
from tests.conftest import (
    COORDINATOR,
    COORDINATOR_ID,
    GROUP_CHAT,
    enrol,
    representative,
    user,
)
from tests.steps import planned

GROUPEMENT_NAME = "Groupement de commandes ENT Grand Est"
MEUSE = representative("meuse")
MEUSE_ID = MEUSE["id"]


def last_text(harness: OfflineHarness, chat_id: int) -> str:
    return str(harness.last_message_to(chat_id)["text"])


async def coordinator_says(harness: OfflineHarness, text: str) -> str:
    await harness.say(COORDINATOR, text)
    return last_text(harness, COORDINATOR_ID)


async def test_the_coordinator_records_the_act_and_the_representative_sees_it(
    harness: OfflineHarness,
) -> None:
    person = await enrol(harness, "meuse")
    answer = await coordinator_says(
        harness, "/designation meuse délibération n° CP-2025-112 03/02/2025"
    )
    assert answer == (
        "Enregistré : le titulaire et le suppléant du Département de la Meuse sont désignés "
        "par délibération n° CP-2025-112 du 3 février 2025.\n"
        "Invitez les personnes qu'il désigne, si elles ne siègent pas déjà : /inviter meuse "
        "et /inviter meuse suppleant."
    )
    assert [d.act for d in await harness.services.designations.designations("ent-grand-est")] == [
        DesignationAct(ActKind.DELIBERATION, "CP-2025-112", date(2025, 2, 3))
    ]
    await harness.say(person, "/moi")
    assert last_text(harness, person["id"]) == (
        f"Vous êtes Meuse Test.\n\n{GROUPEMENT_NAME}\n• titulaire — Département de la Meuse\n"
        "  désigné(e) titulaire par délibération n° CP-2025-112 du 3 février 2025"
    )


async def test_an_arrete_for_the_substitute_is_shown_as_such(harness: OfflineHarness) -> None:
    substitute = user(3010, "Solène")
    await harness.say(COORDINATOR, "/inviter meuse suppleant")
    token = last_text(harness, COORDINATOR_ID).split("?start=")[1].split()[0]
    await harness.say(substitute, f"/start {token}")
    await coordinator_says(harness, "/designation meuse arrete 2026-A-17 01/12/2026")
    await harness.say(substitute, "/moi")
    assert last_text(harness, substitute["id"]).endswith(
        "• suppléant — Département de la Meuse\n"
        "  désigné(e) suppléant(e) par arrêté n° 2026-A-17 du 1er décembre 2026"
    )


async def test_a_wrong_act_is_refused_and_nothing_is_recorded(harness: OfflineHarness) -> None:
    usage = (
        "Utilisation : /designation [MEMBRE délibération|arrêté|décision NUMÉRO JJ/MM/AAAA], "
        "par exemple /designation meuse délibération CP-2025-112 03/02/2025"
    )
    assert await coordinator_says(harness, "/designation meuse vote 12 03/02/2025") == usage
    assert await coordinator_says(harness, "/designation meuse decision 12 31/02/2025") == usage
    assert await coordinator_says(harness, "/designation meuse decision 16/12/2026") == usage
    assert await coordinator_says(harness, "/designation meuse decision 12 16/12/2026") == (
        "La date du 16/12/2026 est à venir : enregistrez un acte ou une élection une fois "
        "qu'il a eu lieu."
    )
    too_long = await coordinator_says(harness, f"/designation meuse decision {'x' * 101} 1/12/2026")
    assert too_long.startswith("Texte trop long (référence de l'acte) : 101 caractères")
    assert await harness.services.designations.designations("ent-grand-est") == []


async def test_designations_are_for_coordinators_in_private(harness: OfflineHarness) -> None:
    person = await enrol(harness, "meuse")
    await harness.say(person, "/designation meuse decision 12 01/12/2026")
    assert last_text(harness, MEUSE_ID) == "Seul un coordonnateur peut faire cela."
    await harness.say(COORDINATOR, "/designation", chat_id=GROUP_CHAT)
    assert last_text(harness, GROUP_CHAT) == (
        "Les désignations se gèrent dans votre conversation privée avec le bot."
    )
    assert await harness.services.designations.designations("ent-grand-est") == []


async def test_an_election_ends_the_mandates_and_the_seats_wait(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    await enrol(harness, "meuse")
    aube = await enrol(harness, "aube")
    await coordinator_says(harness, "/designation meuse deliberation 2021-45 01/07/2021")

    answer = await coordinator_says(harness, "/fin_mandat meuse 28/06/2026")

    assert answer == (
        "Enregistré : l'élection du 28 juin 2026 a mis fin aux mandats des représentants du "
        "Département de la Meuse. Ses sièges sont en attente de désignation ; enregistrez le "
        "nouvel acte avec /designation.\n"
        "1 personne ne reçoit plus ses documents et en a été informée."
    )
    assert last_text(harness, MEUSE_ID) == (
        "L'élection du 28 juin 2026 a mis fin à votre mandat de titulaire du Département de la "
        f"Meuse ({GROUPEMENT_NAME}). Vous ne recevez plus ses convocations ni ses bulletins de "
        "vote jusqu'à une nouvelle désignation."
    )
    await harness.say(MEUSE, "/moi")
    assert "Meuse" not in last_text(harness, MEUSE_ID).replace("Meuse Test", "")

    # The coordinator sees which seats wait, first.
    board = await coordinator_says(harness, "/designation")
    assert board.startswith(
        f"{GROUPEMENT_NAME}\n1 membre en attente de désignation.\n"
        "• Département de la Meuse : en attente de désignation depuis l'élection du "
        "28 juin 2026\n"
    )
    assert "• Département de l'Aube : aucun acte de désignation enregistré\n" in board
    assert "   titulaire : Aube Test" in board

    # No invitation for a waiting seat, and no second election on it.
    assert await coordinator_says(harness, "/inviter meuse") == (
        "Les sièges du Département de la Meuse sont en attente de désignation depuis "
        "l'élection du 28/06/2026 : enregistrez d'abord le nouvel acte du membre avec "
        "/designation."
    )
    assert await coordinator_says(harness, "/fin_mandat meuse 28/06/2026") == (
        "Les sièges du Département de la Meuse sont déjà en attente de désignation depuis "
        "l'élection du 28/06/2026."
    )

    # A convocation reaches the Aube, not the former representative of the Meuse.
    before = len(harness.messages_to(MEUSE_ID))
    meeting = await planned(harness.services, clock() + timedelta(days=20))
    await harness.say(COORDINATOR, f"/convoquer {meeting.id}")
    assert len(harness.messages_to(MEUSE_ID)) == before
    assert "Convocation" in last_text(harness, aube["id"])


async def test_only_an_act_after_the_election_fills_the_seats(harness: OfflineHarness) -> None:
    await enrol(harness, "meuse")
    await coordinator_says(harness, "/fin_mandat meuse 28/06/2026")
    assert await coordinator_says(harness, "/designation meuse deliberation 12 27/06/2026") == (
        "Les sièges du Département de la Meuse sont en attente de désignation depuis "
        "l'élection du 28/06/2026 : un acte du 27/06/2026, antérieur à cette élection, ne peut "
        "pas les pourvoir."
    )
    await coordinator_says(harness, "/designation meuse deliberation 2026-88 09/07/2026")
    assert (
        "• Département de la Meuse : désignation par délibération n° 2026-88 du 9 juillet 2026"
        in await coordinator_says(harness, "/designation")
    )
    newcomer = await enrol(harness, "meuse", representative("vosges"))
    await harness.say(newcomer, "/moi")
    assert last_text(harness, newcomer["id"]).endswith(
        "désigné(e) titulaire par délibération n° 2026-88 du 9 juillet 2026"
    )


async def test_an_election_in_the_future_or_on_an_advisory_participant_is_refused(
    harness: OfflineHarness,
) -> None:
    assert await coordinator_says(harness, "/fin_mandat meuse 20/03/2028") == (
        "La date du 20/03/2028 est à venir : enregistrez un acte ou une élection une fois "
        "qu'il a eu lieu."
    )
    assert await coordinator_says(harness, "/fin_mandat meuse") == (
        "Utilisation : /fin_mandat MEMBRE JJ/MM/AAAA, par exemple /fin_mandat meuse 28/06/2026"
    )
    assert await harness.services.designations.mandate_ends("ent-grand-est") == []
