"""A number typed wrong after a session command gets the command's usage, never the generic
error: "²" is a digit to Python but no number, and a number too large for the database is no
meeting's."""

from __future__ import annotations

import pytest

from bot.harness import OfflineHarness
from meetings.wording.typography import plain
from tests.clock import FakeClock
from tests.conftest import COORDINATOR, COORDINATOR_ID
from tests.test_agenda_notes import session

SUPERSCRIPT = "²"
TOO_LARGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("text", "usage"),
    [
        (f"/noter {SUPERSCRIPT} 1 Rien", "/noter NUMÉRO POINT TEXTE"),
        (f"/noter {TOO_LARGE} 1 Rien", "/noter NUMÉRO POINT TEXTE"),
        ("/noter {meeting} " + TOO_LARGE + " Rien", "/noter NUMÉRO POINT TEXTE"),
        (f"/revoquer {SUPERSCRIPT}", "/revoquer [NUMÉRO] [MEMBRE]"),
        (f"/revoquer {TOO_LARGE}", "/revoquer [NUMÉRO] [MEMBRE]"),
        (f"/arrivee {SUPERSCRIPT}", "/arrivee [NUMÉRO] [MEMBRE] [visio]"),
        (f"/arrivee {TOO_LARGE}", "/arrivee [NUMÉRO] [MEMBRE] [visio]"),
        (f"/depart {SUPERSCRIPT} cea", "/depart [NUMÉRO] [MEMBRE]"),
        (f"/depart {TOO_LARGE}", "/depart [NUMÉRO] [MEMBRE]"),
    ],
)
async def test_a_malformed_number_gets_the_usage(
    harness: OfflineHarness, clock: FakeClock, text: str, usage: str
) -> None:
    meeting_id = await session(harness.services, clock)

    await harness.say(COORDINATOR, text.format(meeting=meeting_id))

    answer = plain(harness.last_message_to(COORDINATOR_ID)["text"])
    assert answer.startswith(f"Utilisation : {usage}"), answer
