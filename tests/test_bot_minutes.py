"""The minutes and charts where people get them: /pv in Telegram, the CLI, and the demo."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from bot.cli import main
from bot.demo import run_demo
from bot.harness import OfflineHarness
from meetings.actions.actor import identify
from meetings.actions.ballot_open import open_ballot
from meetings.actions.convene import convene
from meetings.actions.documents import record_for
from meetings.actions.plan import plan_meeting
from meetings.actions.reply import reply
from meetings.actions.session_open import open_session
from meetings.meeting import AgendaItem, MeetingPlan, ReplyKind
from meetings.wording.typography import plain
from tests.acting import coordinator
from tests.clock import FakeClock
from tests.conftest import (
    COORDINATOR,
    COORDINATOR_ID,
    GROUP_CHAT,
    GROUPEMENT,
    enrol,
    representative,
    user,
)

PNG = b"\x89PNG\r\n\x1a\n"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def documents(calls: list[Any]) -> list[dict[str, Any]]:
    return [c.params for c in calls if c.method == "sendDocument"]


@pytest.fixture(scope="module")
def demo_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("demo") / "scrutin-demo"
    transcript = io.StringIO()
    run_demo(directory, transcript)
    (directory / "transcript.txt").write_text(transcript.getvalue(), encoding="utf-8")
    return directory


def test_the_demo_leaves_its_charts_and_minutes_and_says_where(demo_directory: Path) -> None:
    transcript = (demo_directory / "transcript.txt").read_text(encoding="utf-8")
    for name in ("scrutin-1.png", "scrutin-2.png", "pv-reunion-1.pdf", "pv-reunion-1.md"):
        assert (demo_directory / name).exists()
        assert str(demo_directory / name) in transcript
    chart = (demo_directory / "scrutin-2.png").read_bytes()
    assert chart.startswith(PNG)
    assert int.from_bytes(chart[16:20], "big") == 1280  # width from the IHDR chunk
    text = pdf_text((demo_directory / "pv-reunion-1.pdf").read_bytes())
    for expected in (
        "Groupement de commandes ENT Grand Est",
        "Comité de gouvernance",
        "mardi 15 décembre 2026",
        "Maison de la Région",
        "Claire Weber",
        "Département des Ardennes",
        "Quorum atteint : 8 membres sur 10, 9,5 voix sur 15",
        "Approuver le lancement de la consultation pour le marché ENT 2027-2031",
        "Adoptée : 5 voix pour sur 8,5 exprimées",
        "Page 1 / ",
    ):
        assert expected in " ".join(text.split()), expected
    markdown = (demo_directory / "pv-reunion-1.md").read_text(encoding="utf-8")
    assert "Adoptée : 5 voix pour sur 8,5 exprimées" in plain(markdown)
    # The Région, planned to preside, is excused: the acting chair presides and signs.
    assert (
        "- **Président de séance** : Sophie Klein (Collectivité européenne d'Alsace) (désigné(e) "
        "avant l'ouverture de la séance, le mardi 15 décembre 2026 à 14 h 00, par le "
        "coordonnateur, en l'absence de la Région Grand Est)"
    ) in plain(markdown)
    assert "| Sophie Klein (Collectivité européenne d'Alsace) | Claire Weber |" in plain(markdown)
    # The Moselle, leaving, gave its proxy to the CeA, which voted for it in the second ballot.
    assert "pouvoir donné à la Collectivité européenne d'Alsace" in plain(markdown)
    # The item without a vote is noted, and each motion is a numbered deliberation.
    assert (
        "3. Questions diverses\n\n   _La DANE présente les nouveaux services de l'ENT ; aucune "
        "autre question n'est soulevée._"
    ) in plain(markdown)
    assert "### Délibération COGOUV-2026-01 — point 1 de l'ordre du jour" in plain(markdown)
    # An item put to the vote points to its deliberation rather than to "no observation".
    assert (
        "2. Marché ENT 2027-2031 — mise aux voix : « Approuver le lancement de la consultation "
        "pour le marché ENT 2027-2031 »\n\n   _Voir la délibération COGOUV-2026-02._"
    ) in plain(markdown)
    assert "### Délibération COGOUV-2026-02 — point 2 de l'ordre du jour" in plain(markdown)
    assert "📎 pv-reunion-1.pdf → Claire Weber — Procès-verbal de la réunion n° 1" in transcript


def test_the_demo_approves_signs_and_sends_the_minutes(demo_directory: Path) -> None:
    transcript = plain((demo_directory / "transcript.txt").read_text(encoding="utf-8"))
    caption = " — Le procès-verbal de la séance du mardi 15 décembre 2026, approuvé"
    receivers = re.findall(rf"📎 pv-reunion-1\.pdf → ([^—\n]+){caption}", transcript)
    # Each of the ten representatives (titulaires and suppléants of the members), once.
    assert len(receivers) == len(set(receivers)) == 10
    sent = f"📎 pv-reunion-1.pdf → {receivers[0]}{caption}"
    # The last scene: the next meeting approves them, and they go out.
    assert transcript.index("La séance suivante approuve") < transcript.index(sent)
    assert "est approuvé et signé. Il a été envoyé à 10 représentants des membres sur 10" in (
        transcript
    )
    assert "Le point 1 est proposé : Approbation du procès-verbal de la séance du mardi 15" in (
        transcript
    )
    text = " ".join(pdf_text((demo_directory / "pv-reunion-1.pdf").read_bytes()).split())
    assert "Procès-verbal approuvé le 12 janvier 2027, délibération n° COGOUV-2027-01." in plain(
        text
    )
    assert "PROJET" not in text
    signed = re.findall(r"Signé par (.+?) dans Scrutin le mardi 15 décembre 2026", plain(text))
    assert len(signed) == 2


def test_the_command_line_writes_an_extract(
    demo_directory: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SCRUTIN_DATABASE_PATH", str(demo_directory / "scrutin.db"))
    extract = tmp_path / "extrait.pdf"
    assert main(["extract", "2", "-o", str(extract)]) == 0
    assert "extract of deliberation COGOUV-2026-02 written to" in capsys.readouterr().out
    text = " ".join(pdf_text(extract.read_bytes()).split())
    assert "Extrait du registre des délibérations" in text
    assert "Approuver le lancement de la consultation pour le marché ENT 2027-2031" in text
    assert main(["extract", "42", "-o", str(extract)]) == 2
    assert "no extract: Ballot no. 42 took no deliberation" in capsys.readouterr().err


def test_the_command_line_proposes_approving_the_previous_minutes(
    demo_directory: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCRUTIN_DATABASE_PATH", str(demo_directory / "scrutin.db"))
    plan = ["meeting", "add", "--groupement", GROUPEMENT, "--instance", "cogouv"]
    plan += ["--place", "Metz", "--agenda", "Questions diverses"]
    assert main([*plan, "--at", "2030-02-12 14:00", "--no-approval"]) == 0
    assert "proposed" not in capsys.readouterr().out
    assert main([*plan, "--at", "2030-02-19 14:00"]) == 0
    assert (
        "item 1 proposed: Approbation du procès-verbal de la séance du mardi 12 janvier 2027 "
        "(leave it out with --no-approval)"
    ) in plain(capsys.readouterr().out)


def test_the_command_line_writes_minutes_and_charts(
    demo_directory: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SCRUTIN_DATABASE_PATH", str(demo_directory / "scrutin.db"))
    pdf, markdown, chart = tmp_path / "pv.pdf", tmp_path / "pv.md", tmp_path / "c.png"
    assert main(["minutes", "1", "-o", str(pdf), "--markdown", str(markdown)]) == 0
    assert "minutes of meeting 1 written to" in capsys.readouterr().out
    assert "Procès-verbal de séance" in pdf_text(pdf.read_bytes())
    assert "Département de la Meuse" in markdown.read_text(encoding="utf-8")
    assert main(["chart", "1", "-o", str(chart)]) == 0
    assert chart.read_bytes().startswith(PNG)
    assert main(["minutes", "9", "-o", str(pdf)]) == 2
    assert main(["minutes", "1", "--ballot", "-o", str(pdf)]) == 2
    assert main(["chart", "42", "-o", str(chart)]) == 2
    assert "no ballot 42" in capsys.readouterr().err


async def held_meeting(harness: OfflineHarness, clock: FakeClock) -> int:
    """A COGOUV session with five members present, opened and not yet closed."""
    services = harness.services
    clock.now = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
    await harness.say(COORDINATOR, "/lier ent-grand-est cogouv", chat_id=GROUP_CHAT)
    members = ("region-grand-est", "cea", "moselle", "ardennes", "aube")
    for member in members:
        await enrol(harness, member)
    actor = await coordinator(services)
    plan = MeetingPlan(
        GROUPEMENT,
        "cogouv",
        datetime(2026, 12, 15, 13, 0, tzinfo=UTC),
        place="Metz",
        agenda=(AgendaItem("Budget 2027", "Approuver le budget"),),
        secretary="Claire Weber",
    )
    meeting = (await plan_meeting(services, actor, plan)).meeting
    await convene(services, actor, meeting.id)
    for member in members:
        person = await identify(services, f"tg:{representative(member)['id']}", member, "fr")
        await reply(services, person, meeting.id, member, ReplyKind.PRESENT)
    clock.now = datetime(2026, 12, 15, 13, 0, tzinfo=UTC)
    await open_session(services, actor, meeting.id)
    return meeting.id


NOT_IN_A_GROUP = (
    "Demandez le procès-verbal dans votre conversation privée avec le bot : tant qu'il n'est "
    "pas approuvé, il va aux représentants des membres, pas à un groupe."
)


async def test_pv_gives_a_draft_to_the_coordinator_and_the_minutes_in_private_only(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    meeting_id = await held_meeting(harness, clock)
    await harness.say(COORDINATOR, "/pv", chat_id=GROUP_CHAT)
    assert plain(harness.last_message_to(GROUP_CHAT)["text"]) == NOT_IN_A_GROUP
    # A member's representative waits for the close; the coordinator may have a draft.
    await harness.say(representative("aube"), "/pv")
    assert harness.last_message_to(representative("aube")["id"])["text"].startswith(
        f"Le procès-verbal de la réunion n° {meeting_id} sera disponible à la levée de la séance."
    )
    calls = await harness.say(COORDINATOR, f"/pv {meeting_id}")
    (draft,) = documents(calls)
    assert draft["chat_id"] == COORDINATOR_ID
    assert draft["document"]["filename"] == f"pv-reunion-{meeting_id}-projet.pdf"
    assert draft["caption"].startswith("Projet de procès-verbal")

    clock.advance(timedelta(hours=1))
    await harness.say(COORDINATOR, "/lever")
    # Closed, the minutes are still not for a group: not for a member's representative there,
    # nor for someone the group's admins let in.
    aube = representative("aube")
    for person in (aube, user(4444, "Inconnu")):
        calls = await harness.say(person, "/pv", chat_id=GROUP_CHAT)
        assert not documents(calls)
    assert plain(harness.last_message_to(GROUP_CHAT)["text"]).startswith(
        "Aucun mandat n'est encore enregistré"
    )
    calls = await harness.say(aube, "/pv")
    (final,) = documents(calls)
    assert final["chat_id"] == aube["id"]
    assert final["document"]["filename"] == f"pv-reunion-{meeting_id}.pdf"
    assert final["document"]["size"] > 20_000
    assert "projet jusqu'à son approbation par la prochaine séance" in plain(final["caption"])


async def test_pv_refusals(harness: OfflineHarness, clock: FakeClock) -> None:
    stranger = user(4444, "Inconnu")
    await harness.say(stranger, "/pv")
    assert "Aucun mandat n'est encore enregistré" in harness.last_message_to(4444)["text"]
    await harness.say(COORDINATOR, "/pv")
    assert harness.last_message_to(COORDINATOR_ID)["text"] == (
        "Aucune réunion n'a encore tenu sa séance."
    )
    for wrong in ("/pv un", "/pv 1 2", "/pv scrutin", "/pv scrutin x"):
        await harness.say(COORDINATOR, wrong)
        assert harness.last_message_to(COORDINATOR_ID)["text"] == (
            "Utilisation : /pv [NUMÉRO], ou /pv scrutin NUMÉRO"
        )
    await harness.say(COORDINATOR, "/pv scrutin 7")
    assert harness.last_message_to(COORDINATOR_ID)["text"] == (
        "Il n'y a pas de scrutin n° 7 parmi les vôtres."
    )


async def test_a_written_consultation_gets_its_record(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    services = harness.services
    person = await enrol(harness, "aube")
    opened = await open_ballot(
        services,
        await coordinator(services),
        GROUPEMENT,
        "cogouv",
        "Approuver le rapport d'activité 2026",
    )
    ballot = opened.ballot
    await harness.say(person, f"/pv scrutin {ballot.id}")
    assert harness.last_message_to(person["id"])["text"] == (
        f"Le relevé du scrutin n° {ballot.id} sera disponible après sa clôture."
    )
    await services.ballots.cast(ballot.id, "aube", "for", f"tg:{person['id']}")
    await services.ballots.close(ballot.id)
    calls = await harness.say(person, f"/pv scrutin {ballot.id}")
    (record,) = documents(calls)
    assert record["document"]["filename"] == f"releve-scrutin-{ballot.id}.pdf"
    assert record["caption"] == f"Relevé de la consultation écrite n° {ballot.id}."


async def test_a_cancelled_consultation_has_a_record_that_says_so(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    services = harness.services
    person = await enrol(harness, "aube")
    opened = await open_ballot(
        services, await coordinator(services), GROUPEMENT, "cogouv", "Approuver le rapport 2026"
    )
    ballot = opened.ballot
    await services.ballots.cast(ballot.id, "aube", "for", f"tg:{person['id']}")
    clock.advance(timedelta(hours=1))
    await harness.say(COORDINATOR, f"/annuler_scrutin {ballot.id}")
    for asker in (COORDINATOR, person):
        (record,) = documents(await harness.say(asker, f"/pv scrutin {ballot.id}"))
        assert record["document"]["filename"] == f"releve-scrutin-{ballot.id}.pdf"
        assert plain(record["caption"]) == (
            f"Relevé de la consultation écrite n° {ballot.id}, annulée le mardi "
            "15 décembre 2026 à 15 h 00."
        )
    document = await record_for(
        services, await coordinator(services), {GROUPEMENT}, ballot.id, private=True
    )
    assert not document.draft
    text = " ".join(plain(pdf_text(document.pdf)).replace("’", "'").split())
    assert "PROJET" not in text and "provisoire" not in text
    assert "Annulation : mardi 15 décembre 2026 à 15 h 00" in text
    assert "lorsque la consultation a été annulée" in text
    assert "La consultation a été annulée ; elle n'a pas de résultat." in text


async def test_a_session_ballot_points_to_the_meeting_minutes(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    meeting_id = await held_meeting(harness, clock)
    services = harness.services
    opened = await open_ballot(
        services, await coordinator(services), GROUPEMENT, "cogouv", "Approuver le budget"
    )
    ballot = opened.ballot
    assert ballot.draft.meeting_id == meeting_id
    await harness.say(COORDINATOR, f"/pv scrutin {ballot.id}")
    assert harness.last_message_to(COORDINATOR_ID)["text"] == (
        f"Le scrutin n° {ballot.id} s'est tenu en séance : son procès-verbal est /pv {meeting_id}."
    )
