"""What the minutes carry beyond the votes (issue #9): the weight table by its name, the
closing of a session without quorum, the persons who sat, the notes under each agenda item,
questions off the agenda and the numbers of the deliberations. Built from a real SQLite file
through the actions, then rendered and read back."""

from __future__ import annotations

from meetings.actions.session_open import open_session
from meetings.meeting import ReplyKind
from meetings.services import Services
from tests.acting import coordinator
from tests.clock import FakeClock
from tests.test_minutes import (
    answer,
    body_text,
    convened,
    held_meeting,
    minutes_of,
    paris,
    rendered,
)

# --- the weight table by name -------------------------------------------------------------


async def test_the_minutes_name_the_weight_table(services: Services, clock: FakeClock) -> None:
    held = await held_meeting(services, clock)

    text = body_text(rendered(await minutes_of(services, held.meeting.id)))

    assert (
        "10 membres, 15 voix au total (tableau des voix de l'avenant n° 1, 2022, "
        "en vigueur depuis le 20 octobre 2022)."
    ) in text
    assert "ent-2022-avenant-1" not in text


# --- a session without quorum -----------------------------------------------------------------


async def test_a_session_without_quorum_closes_saying_so(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    meeting = await convened(services, clock)
    for member in ("cea", "moselle", "ardennes", "aube", "haute-marne"):
        await answer(services, meeting.id, member, ReplyKind.EXCUSED)
    clock.now = paris(15, 14)
    await open_session(services, actor, meeting.id)
    clock.now = paris(15, 14, 20)
    await services.meetings.close_session(meeting.id)

    minutes = await minutes_of(services, meeting.id)
    text = body_text(rendered(minutes))

    assert minutes.quorum_failed
    assert (
        "Le quorum n'étant pas atteint, le président lève la séance à 14 h 20 ; "
        "l'instance sera convoquée à nouveau."
    ) in text
    assert "L'ordre du jour étant épuisé" not in text


async def test_a_session_with_quorum_closes_on_the_exhausted_agenda(
    services: Services, clock: FakeClock
) -> None:
    held = await held_meeting(services, clock)

    minutes = await minutes_of(services, held.meeting.id)

    assert not minutes.quorum_failed
    assert "L'ordre du jour étant épuisé" in body_text(rendered(minutes))
