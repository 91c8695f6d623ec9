"""What the minutes carry beyond the votes (issue #9): the weight table by its name, the
closing of a session without quorum, the persons who sat, the notes under each agenda item,
questions off the agenda and the numbers of the deliberations. Built from a real SQLite file
through the actions, then rendered and read back. Here the COGOUV allows a question off its
agenda (the scripted session of test_minutes has one)."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from config.models import Governance
from meetings.actions.ballot_close import close_ballot
from meetings.actions.convene import convene
from meetings.actions.reconvene import reconvene
from meetings.actions.reply import reply
from meetings.actions.session_adjourn import adjourn
from meetings.actions.session_open import open_session
from meetings.meeting import (
    AttendanceEvent,
    Meeting,
    OffAgendaOnSecondConvocation,
    Reply,
    ReplyKind,
)
from meetings.minutes.markdown import render_markdown
from meetings.minutes.model import Minutes, Sitter
from meetings.minutes.sitters import sitter_of
from meetings.roster import Role, Seat, SeatTerm
from meetings.services import Services
from meetings.wording.refusals import refusal
from meetings.wording.typography import plain
from tests.acting import RecordingNotifier, coordinator, seated
from tests.clock import FakeClock
from tests.conftest import GROUPEMENT
from tests.steps import (
    allowing_off_agenda,
    ballot_opened,
    chair_for_the_session,
    in_session,
    minutes_of,
)
from tests.steps import answer as answered
from tests.steps import convened as convened_on
from tests.steps import paris as paris_on
from tests.test_minutes import (
    COORD,
    GENERATED,
    answer,
    body_text,
    consultation,
    convened,
    held_meeting,
    paris,
    record_of,
    rendered,
)
from voting.ballot import BallotState


@pytest.fixture
def governance(governance: Governance) -> Governance:
    return allowing_off_agenda(governance)


# --- a question off the agenda ------------------------------------------------------------


async def test_an_instance_that_allows_it_votes_off_the_agenda(
    services: Services, clock: FakeClock
) -> None:
    await in_session(services, clock, paris_on(2026, 12, 22), region_grand_est="present")

    opened = await ballot_opened(services, "Renouveler le marché")

    assert opened.ballot.state is BallotState.OPEN


async def test_a_second_convocation_never_votes_off_the_agenda(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    first = await in_session(services, clock, paris_on(2026, 12, 22), aube="present")
    clock.advance(timedelta(hours=2))
    await adjourn(services, actor, first.id)
    second = (await reconvene(services, actor, first.id, paris_on(2027, 1, 5))).meeting
    await convene(services, actor, second.id)
    await answered(services, second, aube="present")
    clock.now = paris_on(2027, 1, 5)
    await chair_for_the_session(services, second)
    await open_session(services, actor, second.id)

    with pytest.raises(OffAgendaOnSecondConvocation) as refused:
        await ballot_opened(services, "Renouveler le marché")

    assert await services.ballots.find(meeting_id=second.id) == []
    assert "seconde convocation" in plain(refusal(refused.value, "fr"))
    assert (await ballot_opened(services, "Budget 2027")).ballot.second_convocation


async def test_the_minutes_mark_a_question_off_the_agenda(
    services: Services, clock: FakeClock
) -> None:
    held = await held_meeting(services, clock)

    minutes = await minutes_of(services, held.meeting.id)
    text = body_text(rendered(minutes))

    assert [d.off_agenda for d in minutes.deliberations] == [False, False, True]
    assert f"Scrutin n° {held.cancelled_ballot} — hors ordre du jour" in text


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


# --- the Markdown links to its charts -------------------------------------------------------


async def test_the_markdown_links_each_chart_to_the_file_named_for_it(
    services: Services, clock: FakeClock
) -> None:
    held = await held_meeting(services, clock)
    minutes = await minutes_of(services, held.meeting.id)

    linked = render_markdown(minutes, GENERATED, charts="pv-1")
    unlinked = render_markdown(minutes, GENERATED)

    assert "![Quorum à l'ouverture de la séance](pv-1-quorum.png)" in plain(linked)
    assert (
        f"![Délibération COGOUV-2026-01 : répartition des voix](pv-1-scrutin-{held.public_ballot}"
        ".png)"
    ) in plain(linked)
    # The cancelled ballot has no result, hence no chart.
    assert f"scrutin-{held.cancelled_ballot}.png" not in linked
    assert "![" not in unlinked


def test_scrutin_minutes_writes_the_charts_the_markdown_links_to(
    tmp_path: Path,
    governance: Governance,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    database = tmp_path / "cli.db"
    clock = FakeClock(paris(7, 10))

    async def a_held_meeting() -> int:
        services = await Services.open(governance, database, clock)
        services.connect(RecordingNotifier())
        try:
            await services.roster.add_coordinator(GROUPEMENT, COORD, "Claire Test", "tests")
            return (await held_meeting(services, clock)).meeting.id
        finally:
            await services.close()

    meeting_id = asyncio.run(a_held_meeting())
    monkeypatch.setenv("SCRUTIN_DATABASE_PATH", str(database))
    pdf, markdown = tmp_path / "out" / "pv.pdf", tmp_path / "out" / "pv.md"
    pdf.parent.mkdir()

    assert main(["minutes", str(meeting_id), "-o", str(pdf), "--markdown", str(markdown)]) == 0

    out = capsys.readouterr().out
    text = markdown.read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links == ["pv-quorum.png", "pv-scrutin-1.png", "pv-scrutin-2.png"]
    for link in links:
        assert (markdown.parent / link).read_bytes().startswith(b"\x89PNG")
        assert f"chart written to {markdown.parent / link}" in out
    assert (
        main(
            ["minutes", str(meeting_id), "-o", str(pdf), "--markdown", str(markdown), "--no-charts"]
        )
        == 0
    )
    assert "![" not in markdown.read_text(encoding="utf-8")


# --- the persons who sat ----------------------------------------------------------------------


async def named_minutes(services: Services, meeting_id: int) -> Minutes:
    return await minutes_of(services, meeting_id, named=True)


def test_the_person_who_sat_is_the_one_who_checked_in_or_replied() -> None:
    opened = paris(15, 14)
    titulaire = SeatTerm(Seat(GROUPEMENT, "aube", "tg:1", Role.TITULAIRE), paris(1, 9), None)
    former = SeatTerm(Seat(GROUPEMENT, "aube", "tg:2", Role.SUPPLEANT), paris(1, 9), paris(10, 9))
    suppleant = SeatTerm(Seat(GROUPEMENT, "aube", "tg:3", Role.SUPPLEANT), paris(10, 9), None)
    terms = (titulaire, former, suppleant)
    names = {"tg:1": "Anne Titulaire", "tg:2": "Bruno Ancien", "tg:3": "Chloé Suppléante"}

    def arrival(by: str, at: datetime = opened) -> AttendanceEvent:
        return AttendanceEvent("aube", False, True, False, at, by)

    def replied(by: str) -> Reply:
        return Reply("aube", ReplyKind.PRESENT, None, by, paris(8, 9))

    # At the opening, the author of the reply sat.
    assert sitter_of("aube", [arrival("replies")], replied("tg:1"), terms, names) == Sitter(
        "Anne Titulaire", Role.TITULAIRE
    )
    # A representative who checks in itself is the one who sat.
    late = arrival("tg:3", paris(15, 14, 30))
    assert sitter_of("aube", [late], None, terms, names) == Sitter(
        "Chloé Suppléante", Role.SUPPLEANT
    )
    # A coordinator checking a member in did not sit for it; a seat no longer held names no one.
    assert sitter_of("aube", [arrival("tg:1001")], None, terms, names) is None
    assert sitter_of("aube", [arrival("replies")], replied("tg:2"), terms, names) is None
    # Nobody arrived: nobody sat, whatever the reply said.
    assert sitter_of("aube", [], replied("tg:1"), terms, names) is None


async def test_the_minutes_name_the_persons_who_sat(services: Services, clock: FakeClock) -> None:
    held = await held_meeting(services, clock)
    await services.roster.remember("person-of-region-grand-est", "Marie Dupont")
    await services.roster.remember("person-of-dane", "Paul Martin")

    minutes = await named_minutes(services, held.meeting.id)
    text = body_text(rendered(minutes))
    by_member = {m.member_id: m for m in minutes.members}

    assert by_member["region-grand-est"].sitter == Sitter("Marie Dupont", Role.TITULAIRE)
    # The coordinator checked the Marne in: the record does not say who sat for it.
    assert by_member["marne"].sitter is None
    assert by_member["meuse"].sitter is None  # represented, its proxy holder sat
    assert minutes.advisory[0].sitter == Sitter("Paul Martin", Role.ADVISORY)
    assert "Membre Siégeant Voix Présence Observations" in text
    assert "Région Grand Est Marie Dupont (titulaire) 4,5 en salle" in text
    assert (
        "Directions académiques au numérique éducatif (DANE), en la personne de Paul Martin "
        "— en visioconférence"
    ) in text


async def test_a_substitute_who_sits_is_named_as_such(services: Services, clock: FakeClock) -> None:
    meeting = await convened_meeting(services)
    substitute = await seated(services, "aube", "tg:aube-suppleant", Role.SUPPLEANT)
    await services.roster.remember("tg:aube-suppleant", "Chloé Martin")
    await reply(services, substitute, meeting.id, "aube", ReplyKind.PRESENT)
    clock.now = paris_on(2026, 12, 22)
    await chair_for_the_session(services, meeting)
    await open_session(services, await coordinator(services), meeting.id)

    minutes = await named_minutes(services, meeting.id)
    markdown = plain(render_markdown(minutes, GENERATED))

    assert "| Département de l'Aube | Chloé Martin (suppléant) | 1 | en salle |  |" in markdown


async def convened_meeting(services: Services) -> Meeting:
    return await convened_on(services, paris_on(2026, 12, 22))


async def test_a_consultation_record_gives_its_deliberation_number(
    services: Services, clock: FakeClock
) -> None:
    voters = {m: "for" for m in ("region-grand-est", "cea", "moselle", "aube", "marne", "vosges")}
    ballot_id = await consultation(services, clock, voters)
    clock.now = paris(8, 18)
    await close_ballot(services, await coordinator(services), ballot_id)

    text = body_text(rendered(await record_of(services, ballot_id)))

    assert "Délibération : COGOUV-2026-01" in text
