"""The membership register and the convention's dates through the bot: the coordinator records
in a private chat and gets the certificate; members read the register and the dates."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import check_register
from bot.harness import OfflineHarness
from config.models import Governance
from meetings.services import Services
from tests.clock import FakeClock
from tests.conftest import COORDINATOR, COORDINATOR_ID, GROUP_CHAT, enrol, representative
from tests.test_bot_meetings import documents_to
from tests.test_config import edit
from tests.test_membership import CRETEIL_LIKE, groupement_from


def last_text(harness: OfflineHarness, chat_id: int = COORDINATOR_ID) -> str:
    return str(harness.last_message_to(chat_id)["text"])


async def test_a_joining_is_recorded_and_its_certificate_sent(harness: OfflineHarness) -> None:
    await harness.say(COORDINATOR, "/adhesion cea 01/01/2021 deliberation 14/12/2020 CP-2020-12")
    assert last_text(harness) == (
        "Adhésion enregistrée au registre sous le n° 1 : Collectivité européenne d'Alsace, "
        "membre depuis le 1er janvier 2021, par délibération du 14 décembre 2020, "
        "référence CP-2020-12."
    )
    assert documents_to(harness, COORDINATOR_ID) == ["certificat-adhesion-cea-1.pdf"]
    await harness.say(COORDINATOR, "/certificat cea")
    assert documents_to(harness, COORDINATOR_ID)[-1] == "certificat-adhesion-cea-1.pdf"
    await harness.say(COORDINATOR, "/adhesion cea 01/02/2021 deliberation 14/12/2020 X")
    assert last_text(harness) == "Ce membre est déjà inscrit au registre, depuis le 01/01/2021."


async def test_a_joining_the_config_does_not_show_names_the_field(
    harness: OfflineHarness,
) -> None:
    await harness.say(COORDINATOR, "/adhesion meuse 02/03/2026 arrete 20/02/2026 A-2026-7")
    assert last_text(harness).endswith(
        "La configuration ne s'accorde pas encore avec le registre : indiquez "
        "joined = 2026-03-02 pour meuse dans son fichier."
    )


async def test_only_the_coordinator_records_and_only_in_private(harness: OfflineHarness) -> None:
    aube = await enrol(harness, "aube")
    await harness.say(aube, "/retrait aube 20/12/2026 recommande AR-1")
    assert last_text(harness, aube["id"]) == "Seul un coordonnateur peut faire cela."
    await harness.say(COORDINATOR, "/lier ent-grand-est", chat_id=GROUP_CHAT)
    await harness.say(COORDINATOR, "/retrait aube 20/12/2026 recommande AR-1", chat_id=GROUP_CHAT)
    assert last_text(harness, GROUP_CHAT) == (
        "Enregistrez les faits du registre dans votre conversation privée avec le bot."
    )
    await harness.say(COORDINATOR, "/retrait aube hier")
    assert last_text(harness).startswith("Utilisation : /retrait MEMBRE JJ/MM/AAAA")


async def test_a_withdrawal_request_then_its_decision(harness: OfflineHarness) -> None:
    await harness.say(COORDINATOR, "/retrait aube 20/12/2026 recommande AR-1")
    assert last_text(harness) == (
        "Demande n° 1 du Département de l'Aube, reçue le 20 décembre 2026 par lettre "
        "recommandée avec accusé de réception (AR-1) : en attente de la décision du "
        "coordonnateur\nDécidez-la avec /decision_retrait 1 accepte JJ/MM/AAAA EFFET, ou "
        "/decision_retrait 1 refuse JJ/MM/AAAA."
    )
    await harness.say(COORDINATOR, "/decision_retrait 1 accepte 05/01/2027 01/09/2027 D-2027-1")
    assert last_text(harness) == (
        "Demande n° 1 du Département de l'Aube, reçue le 20 décembre 2026 par lettre "
        "recommandée avec accusé de réception (AR-1) : acceptée le 5 janvier 2027, avec effet "
        "au 1er septembre 2027 (D-2027-1)\nLa configuration ne s'accorde pas encore avec le "
        "registre : indiquez left = 2027-09-01 pour aube dans son fichier."
    )
    await harness.say(COORDINATOR, "/decision_retrait 1 refuse 06/01/2027")
    assert last_text(harness) == "La demande n° 1 est déjà décidée."

    aube = await enrol(harness, "aube", representative("aube"))
    await harness.say(aube, "/registre")
    register = last_text(harness, aube["id"])
    assert register.startswith("Registre des adhésions du Groupement de commandes ENT Grand Est")
    assert "Adhésions :\n• aucune enregistrée" in register
    assert "acceptée le 5 janvier 2027, avec effet au 1er septembre 2027" in register


async def test_the_convention_s_dates_for_members(harness: OfflineHarness) -> None:
    aube = await enrol(harness, "aube")
    await harness.say(aube, "/convention")
    text = last_text(harness, aube["id"])
    assert "Source : 003_a3d203e7335d2a95.txt" in text
    assert "• Avenant n° 1 du 20 octobre 2022" in text


@pytest.fixture
async def creteil(tmp_path: Path, clock: FakeClock) -> AsyncIterator[OfflineHarness]:
    text = edit(
        CRETEIL_LIKE, 'coordinator = "a"', 'coordinator = "a"\ncoordinator_telegram_ids = [1001]'
    )
    groupement = groupement_from(tmp_path, text)
    services = await Services.open(
        Governance(groupements={groupement.id: groupement}), tmp_path / "c.db", clock
    )
    async with OfflineHarness(services, clock) as driven:
        yield driven
    await services.close()


async def test_after_the_notification_a_joining_needs_its_exception(
    creteil: OfflineHarness,
) -> None:
    harness = creteil
    await harness.say(COORDINATOR, "/notification 01/12/2026 BOAMP-26-123")
    assert last_text(harness) == (
        "Notification du marché enregistrée : 1er décembre 2026 (BOAMP-26-123).\n"
        "Plus aucune adhésion n'est possible, sauf dans les limites des articles R2194-8 ou "
        "R2194-9 : /derogation.\nLa convention prend fin le 1er décembre 2030."
    )
    await harness.say(COORDINATOR, "/adhesion c 05/12/2026 certificat 04/12/2026 CA-1")
    assert last_text(harness).startswith("Le marché a été notifié le 01/12/2026 : plus aucune")
    assert documents_to(harness, COORDINATOR_ID) == []
    await harness.say(COORDINATOR, "/derogation c R2194-8 10/12/2026 DEC-2026-88")
    await harness.say(COORDINATOR, "/adhesion c 05/12/2026 certificat 04/12/2026 CA-1")
    assert documents_to(harness, COORDINATOR_ID) == ["certificat-adhesion-c-1.pdf"]
    await harness.say(COORDINATOR, "/registre")
    assert "dérogation au titre de l'article R2194-8" in last_text(harness)
    await harness.say(COORDINATOR, "/convention")
    assert "En vigueur jusqu'au 1er décembre 2030." in last_text(harness)
    assert "aucune modification durant sa période de validité" in last_text(harness)


async def test_start_up_names_each_disagreement_in_the_log(
    harness: OfflineHarness, caplog: pytest.LogCaptureFixture
) -> None:
    assert await check_register(harness.services) == 0
    await harness.say(COORDINATOR, "/retrait aube 20/12/2026 recommande AR-1")
    await harness.say(COORDINATOR, "/decision_retrait 1 accepte 05/01/2027 01/09/2027")
    with caplog.at_level(logging.WARNING, logger="bot.app"):
        assert await check_register(harness.services) == 1
    assert (
        "configuration and membership register disagree: ent-grand-est: members[aube].left is "
        "none but the register records 2027-09-01"
    ) in caplog.text
