"""Items without a vote: the notes taken under each agenda item during the session, on a real
SQLite file, through /noter and ``scrutin meeting note``, and printed by the minutes under their
item ("Sans observation" where nothing was noted)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.harness import OfflineHarness
from config.models import Governance
from meetings.actions.agenda_note import note_agenda_item
from meetings.meeting import (
    AgendaItem,
    EmptyNote,
    MeetingPlan,
    UnknownAgendaItem,
    WrongMeetingState,
)
from meetings.minutes.markdown import render_markdown
from meetings.services import Services
from meetings.wording.typography import plain
from tests.acting import coordinator
from tests.clock import FakeClock
from tests.conftest import COORDINATOR, COORDINATOR_ID, GROUPEMENT, enrol
from tests.steps import AGENDA, convened, in_session, minutes_of, paris
from voting.db import Database

START = paris(2026, 12, 22)
SESSION_AGENDA = (*AGENDA, AgendaItem("Questions diverses"))


async def session(services: Services, clock: FakeClock) -> int:
    """A COGOUV session whose agenda ends with "Questions diverses", an item without a vote."""
    meeting = await in_session(services, clock, START, region_grand_est="present")
    # The steps' agenda has two items; "Questions diverses" is added below the store, the
    # agenda being fixed once the meeting is planned.
    async with services.database.transaction() as connection:
        await connection.execute(
            "INSERT INTO agenda_items (meeting_id, position, title) VALUES (?, 3, ?)",
            (meeting.id, "Questions diverses"),
        )
    return meeting.id


# --- the store --------------------------------------------------------------------------------


async def test_the_latest_note_of_an_item_counts_and_every_one_is_kept(
    services: Services, clock: FakeClock, database: Path | str
) -> None:
    meeting_id = await session(services, clock)
    store = services.meetings

    await store.note(meeting_id, 3, "  La DANE présente les nouveaux services.  ", "tg:1001")
    clock.advance(timedelta(minutes=5))
    await store.note(meeting_id, 3, "La DANE présente les services 2027.", "tg:1001")
    await store.note(meeting_id, 1, "Le procès-verbal est approuvé sans remarque.", "tg:1001")

    notes = await store.notes(meeting_id)
    assert {p: n.text for p, n in notes.items()} == {
        1: "Le procès-verbal est approuvé sans remarque.",
        3: "La DANE présente les services 2027.",
    }
    assert notes[3].noted_at == START + timedelta(minutes=5)
    # Read back by another connection: on disk, and both versions of item 3 are kept.
    other = await Database.open(database)
    try:
        cursor = await other.connection.execute(
            "SELECT count(*) FROM agenda_notes WHERE position = 3"
        )
        assert (await cursor.fetchone())[0] == 2  # type: ignore[index]
    finally:
        await other.close()


async def test_a_note_needs_an_item_of_the_agenda_a_text_and_an_open_session(
    services: Services, clock: FakeClock
) -> None:
    meeting_id = await session(services, clock)
    store = services.meetings

    with pytest.raises(UnknownAgendaItem) as unknown:
        await store.note(meeting_id, 4, "Rien", "tg:1001")
    with pytest.raises(EmptyNote):
        await store.note(meeting_id, 1, "   ", "tg:1001")
    later = await convened(services, paris(2027, 1, 12))
    with pytest.raises(WrongMeetingState):
        await store.note(later.id, 1, "Trop tôt", "tg:1001")

    assert unknown.value.details == {"number": meeting_id, "position": 4, "items": 3}
    assert await store.notes(meeting_id) == {}


# --- the minutes ------------------------------------------------------------------------------


async def test_the_minutes_print_each_note_under_its_item_or_sans_observation(
    services: Services, clock: FakeClock
) -> None:
    meeting_id = await session(services, clock)
    actor = await coordinator(services)
    await note_agenda_item(services, actor, meeting_id, 3, "La DANE présente les services 2027.")
    draft = render_markdown(await minutes_of(services, meeting_id), START)
    clock.advance(timedelta(hours=1))
    await services.meetings.close_session(meeting_id)

    minutes = await minutes_of(services, meeting_id)
    text = plain(render_markdown(minutes, START))

    assert minutes.notes == {3: "La DANE présente les services 2027."}
    assert (
        "1. Approbation du procès-verbal — mise aux voix : « Approuver le PV du 20 octobre »\n\n"
        "   _Sans observation._\n\n"
        "2. Budget 2027 — mise aux voix : « Adopter le budget 2027 »\n\n"
        "   _Sans observation._\n\n"
        "3. Questions diverses\n\n"
        "   _La DANE présente les services 2027._\n"
    ) in text
    # While the session is open, an item not noted yet is not said to be without observation.
    assert "Sans observation" not in draft
    assert "La DANE présente les services 2027." in draft


# --- /noter -------------------------------------------------------------------------------------


async def test_noter_notes_an_item_for_the_minutes(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    services = harness.services
    meeting_id = await session(services, clock)

    await harness.say(COORDINATOR, f"/noter {meeting_id} 3 La DANE présente les services 2027.")
    first = plain(harness.last_message_to(COORDINATOR_ID)["text"])
    await harness.say(COORDINATOR, f"/noter {meeting_id} 3 La DANE présente le bilan.")
    second = plain(harness.last_message_to(COORDINATOR_ID)["text"])

    assert first == (
        f"Noté sous le point 3 (Questions diverses) de la réunion n° {meeting_id}.\n"
        "Le procès-verbal l'imprimera sous ce point."
    )
    assert second.endswith("Cette note remplace la précédente de ce point dans le procès-verbal.")
    notes = await services.meetings.notes(meeting_id)
    assert (notes[3].text, notes[3].noted_by) == (
        "La DANE présente le bilan.",
        f"tg:{COORDINATOR_ID}",
    )


async def test_noter_says_what_is_wrong(harness: OfflineHarness, clock: FakeClock) -> None:
    services = harness.services
    meeting_id = await session(services, clock)
    member = await enrol(harness, "aube")

    await harness.say(COORDINATOR, f"/noter {meeting_id} trois Rien")
    usage = plain(harness.last_message_to(COORDINATOR_ID)["text"])
    await harness.say(COORDINATOR, f"/noter {meeting_id} 7 Rien")
    unknown = plain(harness.last_message_to(COORDINATOR_ID)["text"])
    await harness.say(member, f"/noter {meeting_id} 1 Rien")
    refused = plain(harness.last_message_to(member["id"])["text"])

    assert usage == (
        "Utilisation : /noter NUMÉRO POINT TEXTE, par exemple /noter 12 4 La DANE présente les "
        "nouveaux services"
    )
    assert unknown == (
        f"L'ordre du jour de la réunion n° {meeting_id} n'a pas de point 7 : ses points sont "
        "numérotés de 1 à 3."
    )
    assert refused == "Seul un coordonnateur peut faire cela."
    assert await services.meetings.notes(meeting_id) == {}


async def test_aide_lists_noter_for_a_coordinator(harness: OfflineHarness) -> None:
    await harness.say(COORDINATOR, "/aide")

    help_text = plain(harness.last_message_to(COORDINATOR_ID)["text"])
    assert (
        "/noter NUMÉRO POINT TEXTE — noter ce qui a été dit d'un point de l'ordre du jour, "
        "pour le procès-verbal"
    ) in help_text


# --- scrutin meeting note ---------------------------------------------------------------------


def test_scrutin_meeting_note_notes_an_item(
    tmp_path: Path,
    governance: Governance,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    database = tmp_path / "cli.db"
    monkeypatch.setenv("SCRUTIN_DATABASE_PATH", str(database))
    now = datetime.now(UTC)

    async def a_session() -> int:
        services = await Services.open(governance, database)
        try:
            plan = MeetingPlan(GROUPEMENT, "cogouv", now, place="Metz", agenda=SESSION_AGENDA)
            meeting = await services.meetings.plan(plan, "tests")
            await services.meetings.mark_convened(meeting.id, urgent=False, urgency_reason=None)
            await services.meetings.open_session(meeting.id, frozenset())
            return meeting.id
        finally:
            await services.close()

    async def notes(meeting_id: int) -> dict[int, str]:
        services = await Services.open(governance, database)
        try:
            return {p: n.text for p, n in (await services.meetings.notes(meeting_id)).items()}
        finally:
            await services.close()

    meeting_id = asyncio.run(a_session())
    assert main(["meeting", "note", str(meeting_id), "3", "Aucune question diverse."]) == 0
    assert capsys.readouterr().out == (
        f"noted under item 3 (Questions diverses) of meeting {meeting_id}; "
        "the minutes print it under the item\n"
    )
    assert main(["meeting", "note", str(meeting_id), "9", "Rien"]) == 2
    assert "has no item 9" in capsys.readouterr().err
    assert asyncio.run(notes(meeting_id)) == {3: "Aucune question diverse."}
