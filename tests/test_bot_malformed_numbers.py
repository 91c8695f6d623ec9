"""A number typed wrong after a command gets the command's usage, never the generic error:
"²" is a digit to Python but no number. A number too large for the database is still a number:
it gets the same answer as any number that is no meeting's or ballot's ("numéro inconnu")."""

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
        (f"/revoquer {SUPERSCRIPT}", "/revoquer [NUMÉRO] [MEMBRE]"),
        (f"/arrivee {SUPERSCRIPT}", "/arrivee [NUMÉRO] [MEMBRE] [visio]"),
        (f"/depart {SUPERSCRIPT} cea", "/depart [NUMÉRO] [MEMBRE]"),
    ],
)
async def test_a_malformed_number_gets_the_usage(
    harness: OfflineHarness, clock: FakeClock, text: str, usage: str
) -> None:
    meeting_id = await session(harness.services, clock)

    await harness.say(COORDINATOR, text.format(meeting=meeting_id))

    answer = plain(harness.last_message_to(COORDINATOR_ID)["text"])
    assert answer.startswith(f"Utilisation : {usage}"), answer


UNKNOWN = "999999"


@pytest.mark.parametrize(
    "text",
    [
        "/noter {number} 1 Rien",
        "/noter {meeting} {number} Rien",
        "/revoquer {number}",
        "/arrivee {number}",
        "/depart {number}",
        "/clore {number}",
        "/annuler_scrutin {number}",
        "/pv scrutin {number}",
        "/pv {number}",
        "/ouvrir {number}",
        "/reconvoquer {number} 10/10/2030 10:00",
        "/tour {number}",
    ],
)
@pytest.mark.parametrize("too_large", [TOO_LARGE, "9223372036854775808"])
async def test_a_number_too_large_for_the_database_is_an_unknown_number(
    harness: OfflineHarness, clock: FakeClock, text: str, too_large: str
) -> None:
    meeting_id = await session(harness.services, clock)

    await harness.say(COORDINATOR, text.format(meeting=meeting_id, number=UNKNOWN))
    unknown = plain(harness.last_message_to(COORDINATOR_ID)["text"])
    await harness.say(COORDINATOR, text.format(meeting=meeting_id, number=too_large))
    answer = plain(harness.last_message_to(COORDINATOR_ID)["text"])

    assert not answer.startswith("Utilisation"), answer
    assert answer == unknown.replace(UNKNOWN, too_large)
