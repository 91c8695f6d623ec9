"""A first handler test: a representative joins through a deep link."""

from __future__ import annotations

from bot.harness import OfflineHarness
from tests.conftest import COORDINATOR_ID, enrol, representative


async def test_a_representative_joins_through_a_deep_link(harness: OfflineHarness) -> None:
    person = await enrol(harness, "meuse")
    invitation = harness.messages_to(COORDINATOR_ID)[-1]["text"]
    assert "https://t.me/ScrutinBot?start=" in invitation
    welcome = harness.last_message_to(person["id"])["text"]
    assert "Mandat enregistré : titulaire — Département de la Meuse" in welcome
    assert person == representative("meuse")
