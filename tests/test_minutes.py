"""Minutes (procès-verbal) and written-consultation records, built from a real SQLite file.

A COGOUV meeting is driven at the domain level (plan, convene, replies, session, late
arrival, departure, a public ballot decided by the casting vote, a secret one, a
cancelled one), then its minutes are rendered and read back: every field DOMAIN.md asks
for must be in the PDF's text and in the Markdown, with French figures.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pypdf import PdfReader

from config.models import Governance
from meetings.actions.actor import Actor, identify
from meetings.actions.attendance import record_presence
from meetings.actions.ballot_open import open_ballot
from meetings.actions.convene import convene
from meetings.actions.plan import plan_meeting
from meetings.actions.reconvene import reconvene
from meetings.actions.reply import reply
from meetings.actions.session_open import open_session
from meetings.meeting import AgendaItem, Meeting, MeetingPlan, ReplyKind
from meetings.minutes.builder import MinutesUnavailable, build_consultation_record
from meetings.minutes.labels import page_words
from meetings.minutes.markdown import render_markdown
from meetings.minutes.model import ConsultationRecord, Minutes, Presence
from meetings.minutes.pdf import render_pdf
from meetings.roster import Role
from meetings.services import Services
from meetings.wording.formats import Name, quoted, voices
from meetings.wording.formats import clock as clock_text
from meetings.wording.i18n import translator
from meetings.wording.typography import print_apostrophes
from tests.acting import coordinator, seated
from tests.clock import FakeClock
from tests.conftest import GROUPEMENT, MEMBERS
from tests.steps import allowing_off_agenda, chair_for_the_session, minutes_of
from voting.ballot import Ballot
from voting.rules import BallotKind
from voting.tally import QuorumReport

PARIS = ZoneInfo("Europe/Paris")
COORD = "tg:1001"
PLACE = "Hôtel de Région, 5 rue de Jéricho, Châlons-en-Champagne"
VIDEO = "https://visio.grandest.fr/cogouv"
AGENDA = (
    AgendaItem("Approbation du procès-verbal", "Approuver le procès-verbal du 20 octobre"),
    AgendaItem("Budget 2027 de l'ENT", "Adopter le budget 2027 de l'ENT"),
    AgendaItem("Calendrier des réunions", "Fixer le calendrier 2027"),
    AgendaItem("Questions diverses"),
)
GENERATED = datetime(2026, 12, 15, 16, 45, tzinfo=UTC)  # 17 h 45 in Paris


@pytest.fixture
def governance(governance: Governance) -> Governance:
    """The COGOUV votes on a question off its agenda here: the scripted session has one."""
    return allowing_off_agenda(governance)


def paris(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=PARIS).astimezone(UTC)


def tiny_png(colour: str) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (64, 32), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class FakeCharts:
    """Chart renderers that record what they were asked to draw."""

    ballots: list[tuple[int, dict[str, str], dict[str, Name]]] = field(default_factory=list)
    quorums: list[QuorumReport] = field(default_factory=list)

    def ballot_chart(
        self,
        ballot: Ballot,
        votes: Mapping[str, str],
        names: Mapping[str, Name],
        language: str,
        outcome_only: bool = False,
    ) -> bytes:
        assert language == "fr"
        self.ballots.append((ballot.id, dict(votes), dict(names)))
        return tiny_png("navy")

    def quorum_chart(self, report: QuorumReport, language: str) -> bytes:
        assert language == "fr"
        self.quorums.append(report)
        return tiny_png("green")


def pdf_text(pdf: bytes) -> str:
    """The text of every page, with spaces and apostrophes made plain for comparisons."""
    reader = PdfReader(BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return plain(text)


def body_text(pdf: bytes) -> str:
    """The text without each page's running header and footer, on one line: a sentence
    or a table cut by a page break reads whole again."""
    pages = []
    for page in PdfReader(BytesIO(pdf)).pages:
        lines = page.extract_text().splitlines()
        assert re.search(r"Page \d+ / \d+$", lines[-1]), lines[-1]
        pages.append("\n".join(lines[1:-1]))
    return flat(plain("\n".join(pages)))


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")


def flat(text: str) -> str:
    """One line: a table cell or a sentence may wrap anywhere in the PDF."""
    return re.sub(r"\s+", " ", text)


# --- the scripted meeting --------------------------------------------------------------------


@dataclass
class Held:
    meeting: Meeting
    public_ballot: int
    secret_ballot: int
    cancelled_ballot: int


async def person_of(services: Services, member: str) -> Actor:
    """The representative of ``member``, seated the first time it is needed."""
    person = f"person-of-{member}"
    found = await identify(services, person, member, "fr")
    if found.seats:
        return found
    role = Role.ADVISORY if member == "dane" else Role.TITULAIRE
    return await seated(services, member, person, role)


async def answer(
    services: Services,
    meeting_id: int,
    member: str,
    kind: ReplyKind,
    holder: str | None = None,
) -> None:
    await reply(services, await person_of(services, member), meeting_id, member, kind, holder)


async def convened(services: Services, clock: FakeClock) -> Meeting:
    clock.now = paris(7, 10)
    plan = MeetingPlan(
        groupement_id=GROUPEMENT,
        instance_id="cogouv",
        starts_at=paris(15, 14),
        place=PLACE,
        video_link=VIDEO,
        agenda=AGENDA,
        secretary="Claire Weber",
    )
    actor = await coordinator(services)
    meeting = (await plan_meeting(services, actor, plan)).meeting
    # Everyone is registered before the convocation, so that it reaches everyone.
    for member in (*MEMBERS, "dane"):
        await person_of(services, member)
    await convene(services, actor, meeting.id)
    answers = {
        "region-grand-est": ReplyKind.PRESENT,
        "cea": ReplyKind.PRESENT,
        "moselle": ReplyKind.VIDEO,
        "ardennes": ReplyKind.PRESENT,
        "aube": ReplyKind.PRESENT,
        "haute-marne": ReplyKind.PRESENT,
        "vosges": ReplyKind.EXCUSED,
        "dane": ReplyKind.VIDEO,
    }
    for member, kind in answers.items():
        await answer(services, meeting.id, member, kind)
    await answer(services, meeting.id, "meuse", ReplyKind.PROXY, "ardennes")
    # Meurthe-et-Moselle never replies; the Marne comes without having replied.
    return meeting


async def in_session(services: Services, clock: FakeClock) -> Held:
    """Opened at 14 h 00; Marne arrives at 14 h 05; a tie broken by the casting vote at
    14 h 10; Moselle leaves at 14 h 20; a secret ballot; a ballot cancelled."""
    ballots = services.ballots
    actor = await coordinator(services)
    meeting = await convened(services, clock)
    clock.now = paris(15, 14)
    meeting = (await open_session(services, actor, meeting.id)).meeting
    clock.now = paris(15, 14, 5)
    await record_presence(services, actor, meeting.id, "marne", arrived=True)

    clock.now = paris(15, 14, 10)
    public = await opened(services, "Adopter le budget 2027 de l'ENT", BallotKind.PUBLIC)
    # DOMAIN.md's worked example: 4,5 for, 4,5 against, the chair (Région) voted for.
    for member, option in {
        "region-grand-est": "for",
        "moselle": "against",
        "ardennes": "against",
        "aube": "against",
        "marne": "against",
        "cea": "abstain",
        "haute-marne": "abstain",
    }.items():
        await ballots.cast(public.id, member, option, cast_by=f"person-of-{member}")
    await ballots.cast(public.id, "meuse", "abstain", cast_by="person-of-ardennes")
    clock.now = paris(15, 14, 15)
    await ballots.close(public.id)

    clock.now = paris(15, 14, 20)
    await record_presence(services, actor, meeting.id, "moselle", arrived=False)

    clock.now = paris(15, 14, 25)
    secret = await opened(services, "Fixer le calendrier 2027", BallotKind.SECRET)
    for member, option in {
        "region-grand-est": "for",
        "cea": "for",
        "meuse": "for",
        "ardennes": "against",
        "aube": "against",
        "marne": "abstain",
    }.items():
        await ballots.cast(secret.id, member, option, cast_by=f"person-of-{member}")
    clock.now = paris(15, 14, 30)
    await ballots.close(secret.id)

    clock.now = paris(15, 14, 35)
    cancelled = await opened(services, "Question retirée en séance")
    await ballots.cancel(cancelled.id)
    return Held(meeting, public.id, secret.id, cancelled.id)


async def opened(services: Services, question: str, kind: BallotKind | None = None) -> Ballot:
    """A ballot of the session now open, opened by the coordinator."""
    actor = await coordinator(services)
    return (await open_ballot(services, actor, GROUPEMENT, "cogouv", question, kind=kind)).ballot


async def held_meeting(services: Services, clock: FakeClock) -> Held:
    held = await in_session(services, clock)
    clock.now = paris(15, 15, 30)
    await services.meetings.close_session(held.meeting.id)
    return held


def rendered(minutes: Minutes | ConsultationRecord, charts: FakeCharts | None = None) -> bytes:
    charts = charts or FakeCharts()
    return render_pdf(
        minutes, GENERATED, ballot_chart=charts.ballot_chart, quorum_chart=charts.quorum_chart
    )


def section(text: str, start: str, end: str | None) -> str:
    begin = text.index(start)
    return text[begin : text.index(end, begin) if end else None]


# --- the data model ---------------------------------------------------------------------------


async def test_the_minutes_hold_who_was_there_and_how(services: Services, clock: FakeClock) -> None:
    held = await held_meeting(services, clock)

    minutes = await minutes_of(services, held.meeting.id)

    assert not minutes.draft
    by_member = {m.member_id: m for m in minutes.members}
    assert [m.member_id for m in minutes.with_presence(Presence.PRESENT)] == [
        "region-grand-est",
        "cea",
        "moselle",
        "ardennes",
        "aube",
        "marne",
        "haute-marne",
    ]
    assert by_member["moselle"].by_video
    assert by_member["moselle"].left_at == (paris(15, 14, 20),)
    assert by_member["marne"].arrived_at == paris(15, 14, 5)
    assert by_member["region-grand-est"].arrived_at is None
    meuse = by_member["meuse"]
    assert (meuse.presence, str(meuse.proxy_holder)) == (
        Presence.REPRESENTED,
        "Département des Ardennes",
    )
    assert by_member["vosges"].presence is Presence.EXCUSED
    assert by_member["meurthe-et-moselle"].presence is Presence.ABSENT
    assert [a.participant_id for a in minutes.advisory] == ["dane"]
    # The quorum at the opening, before the Marne arrived: 6 present and the Meuse's proxy.
    quorum = minutes.opening_quorum
    assert quorum is not None
    assert (quorum.members, quorum.weight, quorum.met) == (7, Decimal(12), True)
    assert [d.ballot.id for d in minutes.deliberations] == [
        held.public_ballot,
        held.secret_ballot,
        held.cancelled_ballot,
    ]
    assert [d.agenda_position for d in minutes.deliberations] == [2, 3, None]
    assert [str(m.name) for m in minutes.departures] == ["Département de la Moselle"]


async def test_minutes_need_an_opened_session(services: Services, clock: FakeClock) -> None:
    meeting = await convened(services, clock)

    with pytest.raises(MinutesUnavailable):
        await minutes_of(services, meeting.id)


# --- the PDF ----------------------------------------------------------------------------------


async def test_the_pdf_holds_every_mandatory_field(services: Services, clock: FakeClock) -> None:
    held = await held_meeting(services, clock)
    minutes = await minutes_of(services, held.meeting.id)
    charts = FakeCharts()

    pdf = rendered(minutes, charts)

    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    one_line = body_text(pdf)
    # Groupement, instance, date, time, place, video link.
    for expected in (
        "Groupement de commandes ENT Grand Est",
        "Comité de gouvernance (COGOUV)",
        "mardi 15 décembre 2026",
        "14 h 00",
        PLACE,
        VIDEO,
        "Première convocation, adressée le lundi 7 décembre 2026 à 10 h 00, 7 jours francs "
        "avant la séance : délai de 5 jours francs respecté.",
        "Ouverture de la séance : 14 h 00",
        "Levée de la séance : 15 h 30",
    ):
        assert expected in one_line, expected
    # Chair and secretary.
    assert "Président de séance : Région Grand Est" in one_line
    assert "Secrétaire de séance : Claire Weber" in one_line
    # Present (room or video), with their weights, arrivals and departures.
    for row in (
        "Région Grand Est 4,5 en salle",
        "Collectivité européenne d'Alsace 2 en salle",
        "Département de la Moselle 1,5 en visioconférence départ à 14 h 20",
        "Département de la Marne 1 en salle arrivée à 14 h 05",
        "Département des Ardennes 1 en salle",
    ):
        assert row in one_line, row
    # Represented, and by whom; excused; absent.
    presences = section(one_line, "Membres représentés", "Participants à titre consultatif")
    assert "Représenté par" in presences
    assert "Département de la Meuse 1 Département des Ardennes" in presences
    assert "Membres excusés Membre Voix Département des Vosges 1" in presences
    assert "Membres absents Membre Voix Département de Meurthe-et-Moselle 1" in presences
    assert "Présents 7 12 Représentés 1 1 Excusés 1 1 Absents 1 1 Total des membres 10 15" in (
        one_line
    )
    # Advisory participants present.
    assert "Directions académiques au numérique éducatif (DANE) — en visioconférence" in one_line
    # Departures and arrivals with their times.
    movements = section(one_line, "Arrivées et départs en cours de séance", "3. Quorum")
    assert "14 h 05 Département de la Marne arrivée en salle" in movements
    assert "14 h 20 Département de la Moselle départ" in movements
    # The quorum in figures.
    assert (
        "Quorum atteint : 7 membres sur 10, 12 voix sur 15 présents ou représentés "
        "(requis : au moins 5 membres et au moins 7,5 voix)"
    ) in one_line
    # The agenda.
    for number, item in enumerate(AGENDA, start=1):
        assert f"{number}. {item.title}" in one_line
    # Each deliberation.
    first = section(one_line, "Délibération COGOUV-2026-01", "Délibération COGOUV-2026-02")
    second = section(one_line, "Délibération COGOUV-2026-02", "Scrutin n° 3")
    third = section(one_line, "Scrutin n° 3", "6. Clôture")
    assert third.startswith("Scrutin n° 3 — hors ordre du jour")
    assert "point 2 de l'ordre du jour" in first
    assert "« Adopter le budget 2027 de l'ENT »" in first
    assert "Scrutin public" in first
    assert "Vérification du quorum : Quorum atteint : 8 membres sur 10, 13 voix sur 15" in first
    assert "Pour 1 4,5 Contre 4 4,5 Abstention 3 4 Suffrages exprimés 5 9" in first
    assert "Votants 8 sur 10 13 sur 15" in first
    assert "voix prépondérante" in first
    assert "La délibération est adoptée." in first
    assert (
        "Adoptée par la voix prépondérante du président : partage égal, 4,5 voix pour et "
        "4,5 contre sur 9 exprimées."
    ) in first
    # Who voted what, the proxy included, in the public ballot only.
    assert "Détail des votes" in first
    assert "Région Grand Est 4,5 Pour" in first
    assert "Département de la Moselle 1,5 Contre" in first
    assert (
        "Département de la Meuse 1 Abstention par pouvoir, exercé par : Département des Ardennes"
    ) in first
    assert "Scrutin secret" in second
    # The weight of each option, never its headcount: together they would tell who voted what.
    assert "Pour — 7,5 Contre — 2 Abstention — 1 Suffrages exprimés — 9,5" in second
    assert "Détail des votes" not in second
    assert "par pouvoir" not in second
    assert "Région Grand Est 4,5 Pour" not in second
    assert "seuls les totaux et la participation sont consignés" in second
    assert "Voix prépondérante du président : non utilisée." in second
    assert "La délibération est adoptée." in second
    assert "« Question retirée en séance »" in third
    assert "Scrutin annulé" in third
    # The closing, the signatures, the page numbers and the generation time.
    assert "le président lève la séance à 15 h 30" in one_line
    signatures = section(one_line, "Le président de séance", None)
    assert "Région Grand Est" in signatures
    assert "Le secrétaire de séance Claire Weber" in signatures
    assert signatures.count("Signature :") == 2
    assert "Page 1 / " in text
    reader = PdfReader(BytesIO(pdf))
    pages = len(reader.pages)
    assert f"Page {pages} / {pages}" in text
    assert "Document généré le mardi 15 décembre 2026 à 17 h 45." in one_line
    # Closed, not approved yet by the next meeting: still a draft, which says why.
    assert "attend son approbation par la prochaine séance de l'instance" in one_line
    # A chart per closed deliberation and the quorum gauge, all embedded.
    assert [b[0] for b in charts.ballots] == [held.public_ballot, held.secret_ballot]
    assert charts.quorums == [minutes.opening_quorum]
    assert sum(len(page.images) for page in reader.pages) == 3
    # A4 portrait.
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


async def test_accents_and_french_punctuation_survive_extraction(
    services: Services, clock: FakeClock
) -> None:
    held = await held_meeting(services, clock)
    text = pdf_text(rendered(await minutes_of(services, held.meeting.id)))

    for sample in ("é", "è", "à", "ô", "«", "»", "—", "Procès-verbal", "Collectivité"):
        assert sample in text, sample
    # No glyph fell back to a missing-character box.
    assert "\ufffd" not in text


async def test_the_fonts_are_embedded(services: Services, clock: FakeClock) -> None:
    held = await held_meeting(services, clock)
    reader = PdfReader(BytesIO(rendered(await minutes_of(services, held.meeting.id))))

    resources: Any = reader.pages[0]["/Resources"]
    fonts = resources["/Font"]
    for reference in fonts.values():
        font = reference.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]
        assert "DejaVu" in str(font["/BaseFont"])


async def test_only_the_generation_time_differs_between_two_renderings(
    services: Services,
    clock: FakeClock,
    governance: Governance,
    tmp_path: Path,
    database: Path | str,
) -> None:
    held = await held_meeting(services, clock)
    minutes = await minutes_of(services, held.meeting.id)
    later = GENERATED + timedelta(days=40, hours=3, minutes=7)

    first = rendered(minutes)
    again = rendered(minutes)
    other = render_pdf(
        minutes,
        later,
        ballot_chart=FakeCharts().ballot_chart,
        quorum_chart=FakeCharts().quorum_chart,
    )

    assert first == again
    assert first != other

    def without_generation(text: str) -> list[str]:
        return [line for line in text.splitlines() if "Document généré le" not in line]

    assert "Document généré le dimanche 24 janvier 2027 à 20 h 52." in flat(pdf_text(other))
    assert without_generation(pdf_text(first)) == without_generation(pdf_text(other))
    metadata = PdfReader(BytesIO(first)).metadata
    assert metadata is not None
    assert str(metadata["/CreationDate"]).startswith("D:20261215")

    # The same database read by another process, at another time, gives the same bytes.
    clock.advance(timedelta(days=3))
    reopened = await Services.open(
        governance, database, clock, documents=tmp_path / "scrutin-documents"
    )
    try:
        assert rendered(await minutes_of(reopened, held.meeting.id)) == first
    finally:
        await reopened.close()


async def test_the_markdown_says_the_same(services: Services, clock: FakeClock) -> None:
    held = await held_meeting(services, clock)
    minutes = await minutes_of(services, held.meeting.id)

    markdown = plain(render_markdown(minutes, GENERATED))

    assert markdown.startswith("# Procès-verbal de séance\n")
    for expected in (
        "**Groupement** : Groupement de commandes ENT Grand Est",
        "**Instance** : Comité de gouvernance (COGOUV)",
        "**Date** : mardi 15 décembre 2026",
        "**Heure** : 14 h 00",
        f"**Lieu** : {PLACE}",
        "**Président de séance** : Région Grand Est",
        "**Secrétaire de séance** : Claire Weber",
        "| Région Grand Est | 4,5 | en salle |  |",
        "| Département de la Moselle | 1,5 | en visioconférence | départ à 14 h 20 |",
        "| Département de la Meuse | 1 | Département des Ardennes |",
        "| Département des Vosges | 1 |",
        "| Département de Meurthe-et-Moselle | 1 |",
        "- Directions académiques au numérique éducatif (DANE) — en visioconférence",
        "**Quorum atteint : 7 membres sur 10, 12 voix sur 15 présents ou représentés "
        "(requis : au moins 5 membres et au moins 7,5 voix).**",
        "1. Approbation du procès-verbal — mise aux voix : "
        "« Approuver le procès-verbal du 20 octobre »",
        "### Délibération COGOUV-2026-01 — point 2 de l'ordre du jour",
        "- **Mode de scrutin** : Scrutin public (vote nominatif)",
        "- **Mode de scrutin** : Scrutin secret",
        "| **Suffrages exprimés** | **5** | **9** |",
        "| **Suffrages exprimés** | **—** | **9,5** |",
        "| Département de la Meuse | 1 | Abstention | par pouvoir, exercé par : "
        "Département des Ardennes |",
        "voix prépondérante",
        "**La délibération est adoptée.**",
        "| 14 h 20 | Département de la Moselle | départ |",
        "| Le président de séance | Le secrétaire de séance |",
        "| Région Grand Est | Claire Weber |",
        "| Signature : | Signature : |",
        "_Document généré le mardi 15 décembre 2026 à 17 h 45._",
    ):
        assert expected in markdown, expected
    assert "attend son approbation par la prochaine séance" in markdown
    secret = section(markdown, "### Délibération COGOUV-2026-02", "### Scrutin n° 3")
    assert "Détail des votes" not in secret and "| Région Grand Est |" not in secret
    # The same words as the PDF: the body (bar the chart captions) appears there too.
    pdf = body_text(rendered(minutes))
    for line in markdown.splitlines():
        words = re.sub(r"[*_#|>`]|^\s*(-|\d+\.)\s", " ", line)
        words = flat(words).strip()
        if words and not set(words) <= {"-", ":", " "}:
            assert words in pdf or all(cell.strip() in pdf for cell in line.split("|")), words


async def test_a_draft_during_the_session_says_projet(services: Services, clock: FakeClock) -> None:
    held = await in_session(services, clock)
    clock.now = paris(15, 14, 40)
    pending = await opened(services, "Fixer le calendrier 2028")
    await services.ballots.cast(pending.id, "cea", "for", cast_by="person-of-cea")

    minutes = await minutes_of(services, held.meeting.id)

    assert minutes.draft
    text = body_text(rendered(minutes))
    assert "PROJET — document provisoire" in text
    assert "Levée de la séance : séance en cours" in text
    assert "« Fixer le calendrier 2028 »" in text
    assert "Scrutin en cours ; votes reçus à ce stade : 1 membre sur 10." in text
    markdown = render_markdown(minutes, GENERATED)
    assert "> **PROJET — document provisoire**" in markdown

    # Once the session is closed, the open ballot is no longer part of the minutes.
    clock.now = paris(15, 15, 30)
    await services.meetings.close_session(held.meeting.id)
    final = await minutes_of(services, held.meeting.id)
    assert not final.draft
    assert pending.id not in [d.ballot.id for d in final.deliberations]
    closed_text = pdf_text(rendered(final))
    assert "La séance n'est pas close" not in closed_text
    assert "attend son approbation" in flat(closed_text)


async def test_an_urgent_second_convocation_says_so(services: Services, clock: FakeClock) -> None:
    actor = await coordinator(services)
    first = await convened(services, clock)
    # Most members excuse themselves after all: the first meeting lacks its quorum.
    for member in ("cea", "moselle", "ardennes", "aube", "haute-marne"):
        await answer(services, first.id, member, ReplyKind.EXCUSED)
    clock.now = paris(15, 14)
    await chair_for_the_session(services, first)
    await open_session(services, actor, first.id)
    clock.now = paris(15, 16)
    await services.meetings.close_session(first.id)
    second = (await reconvene(services, actor, first.id, paris(21, 9, 30))).meeting
    clock.now = paris(19, 18)
    await convene(services, actor, second.id, "Marché à notifier avant le 31")
    await answer(services, second.id, "aube", ReplyKind.PRESENT)
    clock.now = paris(21, 9, 30)
    await chair_for_the_session(services, second)
    await open_session(services, actor, second.id)

    minutes = await minutes_of(services, second.id)
    text = body_text(rendered(minutes))

    assert minutes.second_convocation and minutes.urgent
    assert (
        "Seconde convocation, adressée le samedi 19 décembre 2026 à 18 h 00, 1 jour franc avant "
        "la séance : en urgence (délai abrégé ; délai ordinaire de 3 jours francs)."
    ) in text
    assert "Motif de l'urgence : Marché à notifier avant le 31" in text
    assert "la réunion du mardi 15 décembre 2026 à 14 h 00" in text
    assert "délibère valablement sans condition de quorum" in text
    assert (
        "Quorum non requis (seconde convocation) : 1 membre sur 10, 1 voix sur 15 présents "
        "ou représentés"
    ) in text


async def test_a_meeting_without_votes_has_no_weights_nor_quorum(
    services: Services, clock: FakeClock
) -> None:
    clock.now = paris(1, 10)
    actor = await coordinator(services)
    plan = MeetingPlan(GROUPEMENT, "cst", paris(15, 10), video_link=VIDEO)
    meeting = (await plan_meeting(services, actor, plan)).meeting
    await convene(services, actor, meeting.id)
    await answer(services, meeting.id, "aube", ReplyKind.PRESENT)
    clock.now = paris(15, 10)
    await chair_for_the_session(services, meeting)
    await open_session(services, actor, meeting.id)

    minutes = await minutes_of(services, meeting.id)
    text = body_text(rendered(minutes))

    assert minutes.opening_quorum is None and not minutes.voting
    assert "Comité de suivi trimestriel (CST)" in text
    assert "Lieu : réunion tenue en visioconférence" in text
    assert "Sans objet" in text and "aucun quorum n'est requis" in text
    assert "Aucune question n'a été mise aux voix" in text
    assert "Membre Présence Observations Département de l'Aube en salle" in text


# --- written consultations ----------------------------------------------------------------------


async def consultation(services: Services, clock: FakeClock, voters: dict[str, str]) -> int:
    clock.now = paris(1, 9)
    actor = await coordinator(services)
    question = "Approuver l'avenant n° 2 à la convention"
    ballot = (
        await open_ballot(
            services,
            actor,
            GROUPEMENT,
            "cogouv",
            question,
            kind=BallotKind.PUBLIC,
            deadline=paris(8, 18),
        )
    ).ballot
    for member, option in voters.items():
        clock.advance(timedelta(hours=1))
        await services.ballots.cast(ballot.id, member, option, cast_by=f"person-of-{member}")
    return ballot.id


async def record_of(services: Services, ballot_id: int) -> ConsultationRecord:
    return await build_consultation_record(
        ballot_id, governance=services.governance, ballots=services.ballots
    )


async def test_a_written_consultation_states_its_validity_in_figures(
    services: Services, clock: FakeClock
) -> None:
    ballot_id = await consultation(
        services,
        clock,
        {
            "region-grand-est": "for",
            "cea": "for",
            "moselle": "against",
            "aube": "abstain",
            "marne": "for",
            "vosges": "for",
        },
    )
    clock.now = paris(8, 18)
    await services.ballots.close(ballot_id)

    record = await record_of(services, ballot_id)
    text = body_text(rendered(record))
    markdown = render_markdown(record, GENERATED)

    assert (record.participation.heads, record.required_members, record.valid) == (6, 5, True)
    for sample in (text, flat(markdown.replace("**", ""))):
        assert "Relevé de consultation écrite" in sample
        assert "Groupement de commandes ENT Grand Est" in sample
        assert "Comité de gouvernance (COGOUV)" in sample
        assert "« Approuver l'avenant n° 2 à la convention »" in sample
        assert "mardi 1er décembre 2026 à 9 h 00" in sample
        assert "mardi 8 décembre 2026 à 18 h 00" in sample
        assert (
            "tableau des voix de l'avenant n° 1, 2022, en vigueur depuis le 20 octobre 2022"
            in sample
        )
        assert (
            "au moins la moitié des membres y prennent part, soit au moins 5 membres sur 10"
        ) in sample
        assert (
            "6 membres sur 10 (11 voix sur 15) ont pris part au vote : la consultation est valable."
        ) in sample
        assert "La proposition est adoptée." in sample
    assert "Département des Ardennes 1 non" in text
    assert "Région Grand Est 4,5 oui" in text
    assert "Pour 4 8,5 Contre 1 1,5 Abstention 1 1 Suffrages exprimés 5 10" in text
    assert "Département de la Moselle 1,5 Contre" in text
    assert "Département des Ardennes 1 — n'a pas répondu" in text
    assert "Pour le coordonnateur du groupement Région Grand Est" in text
    assert "PROJET" not in text


async def test_a_consultation_without_half_of_the_members_is_not_valid(
    services: Services, clock: FakeClock
) -> None:
    ballot_id = await consultation(
        services, clock, {"region-grand-est": "for", "cea": "for", "moselle": "for"}
    )
    open_record = await record_of(services, ballot_id)
    assert open_record.draft
    draft_text = body_text(rendered(open_record))
    assert "PROJET — document provisoire" in draft_text
    assert "À ce stade, 3 membres sur 10 (8 voix sur 15) ont pris part au vote" in draft_text
    assert "Détail des votes" not in draft_text

    clock.now = paris(8, 18)
    await services.ballots.close(ballot_id)
    record = await record_of(services, ballot_id)
    text = body_text(rendered(record))

    assert not record.valid
    assert (
        "3 membres sur 10 (8 voix sur 15) ont pris part au vote : la consultation est non valable."
    ) in text
    assert "Consultation non valable : la proposition n'est pas adoptée." in text
    assert "Quorum non atteint" not in text


async def test_a_meeting_ballot_has_no_consultation_record(
    services: Services, clock: FakeClock
) -> None:
    held = await held_meeting(services, clock)

    with pytest.raises(MinutesUnavailable):
        await record_of(services, held.public_ballot)


# --- charts -------------------------------------------------------------------------------------


async def test_without_charts_the_figures_stay_in_the_tables(
    services: Services, clock: FakeClock
) -> None:
    held = await held_meeting(services, clock)
    minutes = await minutes_of(services, held.meeting.id)
    charts = FakeCharts()

    pdf = render_pdf(
        minutes,
        GENERATED,
        charts=False,
        ballot_chart=charts.ballot_chart,
        quorum_chart=charts.quorum_chart,
    )

    reader = PdfReader(BytesIO(pdf))
    assert sum(len(page.images) for page in reader.pages) == 0
    assert charts.ballots == [] and charts.quorums == []
    assert "Suffrages exprimés 5 9" in flat(pdf_text(pdf))


async def test_the_charts_of_meetings_charts_are_used_by_default(
    services: Services, clock: FakeClock
) -> None:
    held = await held_meeting(services, clock)
    minutes = await minutes_of(services, held.meeting.id)

    pdf = render_pdf(minutes, GENERATED)

    reader = PdfReader(BytesIO(pdf))
    assert sum(len(page.images) for page in reader.pages) == 3
    assert render_pdf(minutes, GENERATED) == pdf


def test_french_spacing_keeps_numbers_with_their_units() -> None:
    # The catalog and the formats give the non-breaking spaces; print adds the apostrophe.
    assert page_words("fr").label.format(label="Quorum") == "Quorum\u00a0:"
    assert translator("fr").pgettext("list separator", "; ") == "\u00a0; "
    assert voices(Decimal("4.5")) == "4,5\u00a0voix"
    assert clock_text(paris(15, 14), "fr", PARIS) == "14\u00a0h\u00a000"
    assert quoted("oui") == "«\u00a0oui\u00a0»"
    assert print_apostrophes("l'an") == "l’an"
    assert print_apostrophes("https://example.org/l'acte") == "https://example.org/l'acte"


async def test_the_minutes_print_each_chain_s_final_hash_and_a_public_ballot_s_receipts(
    services: Services, clock: FakeClock
) -> None:
    held = await held_meeting(services, clock)
    markdown = plain(render_markdown(await minutes_of(services, held.meeting.id), GENERATED))
    public = section(markdown, "### Délibération COGOUV-2026-01", "### Délibération COGOUV-2026-02")
    secret = section(markdown, "### Délibération COGOUV-2026-02", "### Scrutin n° 3")
    for ballot_id, text in ((held.public_ballot, public), (held.secret_ballot, secret)):
        _, entries = await services.ballots.chain(ballot_id)
        last = entries[-1].hash
        grouped = " ".join(last[i : i + 16] for i in range(0, 64, 16))
        assert f"Empreinte finale de la chaîne des votes : {grouped}." in text
    _, entries = await services.ballots.chain(held.public_ballot)
    region = [e for e in entries if e.voter == "region-grand-est"][-1]
    assert f"| Région Grand Est | 4,5 | Pour |  | {region.receipt} |" in public
    assert "Reçu" not in secret
