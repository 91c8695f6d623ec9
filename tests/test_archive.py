"""``scrutin archive``: a groupement's year as one zip, from the database alone.

Pure (the CSV rows from the domain objects), storage (a real SQLite file holding a year of
meetings with public and secret ballots and a written consultation), the command line, and
``/archive`` through the offline bot.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from telegram.error import NetworkError

from bot.cli import main
from bot.harness import OfflineHarness
from bot.telegram_limits import UPLOAD_BYTES, beyond_limits, upload_too_large
from config.models import Governance
from meetings.actions.attach_document import attach_document, stored_documents
from meetings.actions.ballot_close import close_ballot
from meetings.actions.ballot_open import open_ballot
from meetings.actions.session_adjourn import adjourn
from meetings.approval import Approval
from meetings.archive.build import DuplicatePath, ordered
from meetings.archive.entries import AlteredFile, ArchiveEntry, stored_entry
from meetings.archive.rows import (
    BALLOTS_HEADER,
    BallotFacts,
    ballot_row,
    csv_bytes,
    totals_text,
    vote_rows,
)
from meetings.archive.sources import yearly_archive
from meetings.documents import DocumentKind, NewDocument
from meetings.minutes.model import VoteLine
from meetings.services import Services
from meetings.wording.formats import Name
from meetings.wording.refusals import refusal
from meetings.wording.typography import plain
from tests.acting import GROUPEMENT, RecordingNotifier, coordinator
from tests.clock import FakeClock
from tests.conftest import COORDINATOR, COORDINATOR_ID, GROUP_CHAT, NOW, enrol
from tests.steps import ballot_opened, in_session, paris, vote
from tests.test_minutes import pdf_text
from voting.ballot import Ballot, BallotDraft, BallotState, DeliberationNumber
from voting.electorate import Electorate
from voting.rules import BallotKind
from voting.tally import MOTION_OPTIONS, Count, tally

PARIS = ZoneInfo("Europe/Paris")
SECRET_QUESTION = "Adopter le budget 2027"
PUBLIC_QUESTION = "Approuver le PV du 20 octobre"


def read_zip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def table(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8-sig"))))


SECRET_VOTES = {"region-grand-est": "against", "cea": "for", "moselle": "for", "aube": "for"}
COORD = "tg:1001"


# --- pure: the rows from the domain objects ---------------------------------------------------

WEIGHTS = {"region": Decimal("4.5"), "cea": Decimal(2), "aube": Decimal(1), "marne": Decimal(1)}
VOTES = {"region": "for", "cea": "against", "aube": "for", "marne": "abstain"}


def closed_ballot(governance: Governance, kind: BallotKind) -> BallotFacts:
    rules = governance.instance(GROUPEMENT, "cogouv").voting_rules
    electorate = Electorate(WEIGHTS, frozenset(WEIGHTS), {})
    secret = kind is BallotKind.SECRET
    result = tally(electorate, VOTES, rules, secret=secret)
    opened = paris(2026, 6, 16, 14, 30)
    ballot = Ballot(
        id=7,
        draft=BallotDraft(
            GROUPEMENT, "cogouv", "Adopter le budget", kind, MOTION_OPTIONS, meeting_id=3
        ),
        state=BallotState.CLOSED,
        created_at=opened,
        opened_at=opened,
        closed_at=opened + timedelta(minutes=10),
        cancelled_at=None,
        rules=rules,
        weight_table_id="cogouv-2022",
        electorate=electorate,
        chair=None,
        second_convocation=False,
        result=result,
        deliberation=DeliberationNumber(2026, 4),
    )
    names = {member: Name(member.title()) for member in WEIGHTS}
    lines = tuple(
        VoteLine(m, names[m], WEIGHTS[m], VOTES[m], names["aube"] if m == "marne" else None, "R")
        for m in WEIGHTS
    )
    return BallotFacts(ballot, result, Count(Decimal("8.5"), 4), False, lines, names)


def test_a_public_ballot_gives_its_totals_by_weight_and_head_and_each_vote(
    governance: Governance,
) -> None:
    facts = closed_ballot(governance, BallotKind.PUBLIC)

    row = dict(zip(BALLOTS_HEADER, ballot_row(facts, PARIS), strict=True))
    votes = vote_rows(facts)

    assert row["totals"] == "for=5.5/2 | against=2/1 | abstain=1/1"
    assert (row["deliberation"], row["held_in"], row["meeting"]) == (
        "COGOUV-2026-04",
        "meeting",
        "3",
    )
    assert (row["opened_utc"], row["opened_local"]) == (
        "2026-06-16T12:30:00Z",
        "2026-06-16T14:30:00+02:00",
    )
    assert (row["weight_table"], row["electorate_weight"], row["outcome"]) == (
        "cogouv-2022",
        "8.5",
        "adopted",
    )
    assert [(v[4], v[7], v[6], v[8]) for v in votes] == [
        ("region", "for", "4.5", ""),
        ("cea", "against", "2", ""),
        ("aube", "for", "1", ""),
        ("marne", "abstain", "1", "aube"),
    ]


def test_a_secret_ballot_gives_each_option_s_weight_and_no_vote(governance: Governance) -> None:
    facts = closed_ballot(governance, BallotKind.SECRET)

    row = dict(zip(BALLOTS_HEADER, ballot_row(facts, PARIS), strict=True))

    assert row["totals"] == "for=5.5 | against=2 | abstain=1"
    assert row["kind"] == "secret"
    assert vote_rows(facts) == []
    hidden = dict(
        zip(BALLOTS_HEADER, ballot_row(replace(facts, outcome_only=True), PARIS), strict=True)
    )
    assert (hidden["totals"], hidden["expressed_weight"], hidden["outcome"]) == ("", "", "adopted")
    assert facts.result is not None
    assert totals_text(facts.result) == "for=5.5 | against=2 | abstain=1"


def test_the_tables_open_in_a_spreadsheet_and_the_files_sort_by_number() -> None:
    content = csv_bytes(("a", "b"), [("é", "1,5")])
    assert content == '\ufeffa,b\r\né,"1,5"\r\n'.encode()
    entries = [ArchiveEntry(p, b"", "x", "") for p in ("r/scrutin-10.png", "r/scrutin-9.png")]
    assert [e.path for e in ordered(entries)] == ["r/scrutin-9.png", "r/scrutin-10.png"]
    with pytest.raises(DuplicatePath):
        ordered([*entries, entries[0]])


def test_a_stored_file_is_archived_only_if_it_is_the_one_recorded() -> None:
    recorded = hashlib.sha256(b"budget").hexdigest()

    kept = stored_entry("documents/budget.pdf", b"budget", recorded.upper(), "document", "")

    assert kept.sha256 == recorded
    with pytest.raises(AlteredFile) as altered:
        stored_entry("documents/budget.pdf", b"budget!", recorded, "document", "")
    assert "documents/budget.pdf" in plain(refusal(altered.value, "fr"))


@dataclass
class Year:
    public: int
    secret: int
    consultation: int
    meeting: int
    other_year: int
    other_groupement: int
    draft_meeting: int
    other_year_ballots: tuple[int, ...]


async def _meeting(
    services: Services, clock: FakeClock, year: int, month: int, day: int
) -> tuple[int, int, int]:
    """A COGOUV session: a public ballot, a secret one, closed; the session closed."""
    clock.now = paris(year, month, day) - timedelta(days=10)
    actor = await coordinator(services)
    held = await in_session(
        services,
        clock,
        paris(year, month, day),
        region_grand_est="present",
        cea="present",
        moselle="present",
        ardennes="present",
        aube="present",
        marne="proxy:aube",
        meuse="excused",
    )
    public = (await ballot_opened(services, PUBLIC_QUESTION)).ballot
    for member in ("region-grand-est", "cea", "moselle", "ardennes", "aube"):
        await vote(services, public, member, "for")
    await vote(services, public, "marne", "against", by="aube")
    await close_ballot(services, actor, public.id)
    secret = (await ballot_opened(services, SECRET_QUESTION, kind=BallotKind.SECRET)).ballot
    for member, option in SECRET_VOTES.items():
        await vote(services, secret, member, option)
    await close_ballot(services, actor, secret.id)
    clock.advance(timedelta(hours=1))
    await adjourn(services, actor, held.id)
    return held.id, public.id, secret.id


async def _consultation(services: Services, clock: FakeClock, groupement: str) -> Ballot:
    clock.now = paris(2026, 9, 1, 9)
    actor = await coordinator(services)
    instance = "cogouv" if groupement == GROUPEMENT else "ag"
    ballot = (
        await open_ballot(
            services,
            actor,
            groupement,
            instance,
            "Approuver l'avenant n° 2",
            kind=BallotKind.PUBLIC,
            deadline=paris(2026, 9, 8, 18),
        )
    ).ballot
    assert ballot.electorate is not None
    for member in ballot.electorate.members:
        clock.advance(timedelta(hours=1))
        await services.ballots.cast(ballot.id, member, "for", cast_by=f"tg:{member}")
    return (await close_ballot(services, actor, ballot.id)).ballot


async def a_year(services: Services, clock: FakeClock) -> Year:
    """Two COGOUV meetings of 2026 and one of 2025, a consultation in 2026 and one of another
    groupement, and a meeting of 2026 still in session."""
    await services.roster.add_coordinator("liaisons-internet", COORD, "Claire Test", "tests")
    other_year, *other_year_ballots = await _meeting(services, clock, 2025, 11, 18)
    await _meeting(services, clock, 2026, 3, 10)
    meeting, public, secret = await _meeting(services, clock, 2026, 6, 16)
    consultation = await _consultation(services, clock, GROUPEMENT)
    other_groupement = await _consultation(services, clock, "liaisons-internet")
    clock.now = paris(2026, 12, 1)
    draft = await in_session(services, clock, paris(2026, 12, 15), region_grand_est="present")
    return Year(
        public,
        secret,
        consultation.id,
        meeting,
        other_year,
        other_groupement.id,
        draft.id,
        tuple(other_year_ballots),
    )


def assert_no_secret_choice(files: dict[str, bytes], year: Year) -> None:
    """A secret ballot: its totals, and nothing that links a member to a choice."""
    secret = next(row for row in table(files, "ballots.csv") if row["ballot"] == str(year.secret))
    assert (secret["kind"], secret["outcome"], secret["casting_vote"]) == (
        "secret",
        "rejected",
        "no",
    )
    # Each option's weight, never its headcount.
    assert secret["totals"] == "for=4.5 | against=4.5 | abstain=0"
    assert secret["voted_members"] == "4"
    assert not [row for row in table(files, "votes.csv") if row["ballot"] == str(year.secret)]
    region_against = ("region-grand-est", "against")
    for name, content in files.items():
        if name.endswith(".csv"):
            for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
                linked = str(year.secret) in row[:1] and set(region_against) <= set(row)
                assert not linked, (name, row)


async def test_a_year_holds_its_minutes_charts_and_tables_and_no_secret_choice(
    services: Services, clock: FakeClock
) -> None:
    year = await a_year(services, clock)

    archive = await yearly_archive(services, GROUPEMENT, 2026)
    files = read_zip(archive.content)

    names = list(files)
    assert names[:2] == ["index.txt", "index.csv"]
    folder = f"reunions/2026-06-16-cogouv-{year.meeting}"
    assert f"{folder}/pv-reunion-{year.meeting}.pdf" in files
    assert files[f"{folder}/scrutin-{year.public}.png"].startswith(b"\x89PNG")
    assert files[f"{folder}/scrutin-{year.secret}.png"].startswith(b"\x89PNG")
    draft = f"reunions/2026-12-15-cogouv-{year.draft_meeting}/pv-reunion-{year.draft_meeting}"
    assert f"{draft}-projet.pdf" in files
    record = f"consultations/2026-09-01-cogouv-{year.consultation}"
    assert f"{record}/releve-scrutin-{year.consultation}.pdf" in files
    meetings = {row["meeting"] for row in table(files, "attendance.csv")}
    assert str(year.other_year) not in meetings
    assert len(meetings) == 3
    ballots = {row["ballot"]: row for row in table(files, "ballots.csv")}
    assert str(year.other_groupement) not in ballots
    assert not {str(b) for b in year.other_year_ballots} & set(ballots)
    assert not any(name.endswith(f"-{year.other_year}.pdf") for name in files)
    assert ballots[str(year.consultation)]["held_in"] == "written_consultation"
    public = ballots[str(year.public)]
    assert (public["kind"], public["meeting"], public["outcome"]) == (
        "public",
        str(year.meeting),
        "adopted",
    )
    assert public["totals"] == "for=10/5 | against=1/1 | abstain=0/0"
    assert public["opened_local"].endswith("+02:00") and public["opened_utc"].endswith("Z")
    assert public["deliberation"].startswith("COGOUV-2026-")
    votes = [row for row in table(files, "votes.csv") if row["ballot"] == str(year.public)]
    assert {(row["member_id"], row["option"], row["weight"]) for row in votes} >= {
        ("region-grand-est", "for", "4.5"),
        ("marne", "against", "1"),
    }
    assert next(row for row in votes if row["member_id"] == "marne")["cast_by_proxy_holder_id"] == (
        "aube"
    )
    attendance = [
        row for row in table(files, "attendance.csv") if row["meeting"] == str(year.meeting)
    ]
    by_member = {row["member_id"]: row for row in attendance}
    assert (by_member["marne"]["presence"], by_member["marne"]["proxy_to_id"]) == (
        "represented",
        "aube",
    )
    assert (by_member["meuse"]["reply"], by_member["meuse"]["presence"]) == ("excused", "excused")
    assert by_member["vosges"]["presence"] == "absent"
    assert by_member["cea"]["representative"] == "Cea"

    assert_no_secret_choice(files, year)


async def test_two_runs_give_the_same_bytes_and_the_index_lists_every_file(
    services: Services, clock: FakeClock
) -> None:
    await a_year(services, clock)

    first = await yearly_archive(services, GROUPEMENT, 2026)
    clock.advance(timedelta(days=3))
    services.charts = type(services.charts)()
    second = await yearly_archive(services, GROUPEMENT, 2026)

    assert first.content == second.content
    files = read_zip(first.content)
    listed = table(files, "index.csv")
    assert [row["path"] for row in listed] == list(files)[2:]
    for row in listed:
        content = files[row["path"]]
        assert row["sha256"] == hashlib.sha256(content).hexdigest()
        assert row["size"] == str(len(content))
    text = files["index.txt"].decode("utf-8")
    assert text.startswith("Archives de l'année 2026 — Groupement de commandes ENT Grand Est\n")
    assert "3 réunions tenues, 1 consultation écrite" in text
    assert hashlib.sha256(files["index.csv"]).hexdigest() in text


async def test_each_deliberation_has_its_extract_and_the_minutes_say_whether_approved(
    services: Services, clock: FakeClock
) -> None:
    year = await a_year(services, clock)
    public = await services.ballots.get(year.public)
    approved_at = paris(2027, 1, 12, 15)
    await services.minutes.approve(
        Approval(year.meeting, year.draft_meeting, year.public, "COGOUV-2027-01", approved_at)
    )

    content = (await yearly_archive(services, GROUPEMENT, 2026)).content
    files = read_zip(content)

    # The archive is dated by its latest fact, here the approval of the next January.
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.infolist()[0].date_time[:4] == (2027, 1, 12, 15)

    kinds = {row["path"]: row["kind"] for row in table(files, "index.csv")}
    folder = f"reunions/2026-06-16-cogouv-{year.meeting}"
    assert kinds[f"{folder}/pv-reunion-{year.meeting}.pdf"] == "minutes"
    earlier = next(p for p in kinds if p.startswith("reunions/2026-03-10") and "pv-" in p)
    assert kinds[earlier] == "minutes_unapproved"
    extracts = sorted(p for p, kind in kinds.items() if kind == "extract")
    # Two deliberations in each of the two closed sessions of 2026; none for the open one.
    assert len(extracts) == 4
    assert not any(f"-{year.draft_meeting}/" in p for p in extracts)
    extract = pdf_text(files[f"{folder}/extrait-{public.reference}.pdf"])
    assert "Extrait du registre des délibérations" in extract
    assert PUBLIC_QUESTION in extract


async def test_the_documents_of_a_meeting_are_archived_as_recorded_and_never_altered(
    services: Services, clock: FakeClock
) -> None:
    year = await a_year(services, clock)
    actor = await coordinator(services)
    annex = NewDocument("analyse des offres.pdf", b"%PDF-1.4 analyse", "application/pdf")
    await attach_document(services, actor, year.draft_meeting, annex, confidential=True)
    scan = NewDocument("pv-signe.pdf", b"%PDF-1.4 signed", "application/pdf")
    await attach_document(services, actor, year.meeting, scan, kind=DocumentKind.SIGNED_MINUTES)

    files = read_zip((await yearly_archive(services, GROUPEMENT, 2026)).content)

    listed = {row["path"]: row for row in table(files, "index.csv")}
    kept = {path: row["kind"] for path, row in listed.items() if "/documents/" in path}
    annex_path = next(path for path in kept if path.endswith("analyse des offres.pdf"))
    scan_path = next(path for path in kept if path.endswith("pv-signe.pdf"))
    assert annex_path.startswith(f"reunions/2026-12-15-cogouv-{year.draft_meeting}/documents/")
    assert scan_path.startswith(f"reunions/2026-06-16-cogouv-{year.meeting}/documents/")
    assert (files[annex_path], kept[annex_path]) == (annex.content, "annex")
    assert (files[scan_path], kept[scan_path]) == (scan.content, "signed_minutes")
    assert listed[annex_path]["description"].startswith("Document confidentiel de la réunion")

    stored = (await stored_documents(services, year.draft_meeting))[0].path
    stored.write_bytes(b"%PDF-1.4 another analysis")
    with pytest.raises(AlteredFile):
        await yearly_archive(services, GROUPEMENT, 2026)
    stored.unlink()
    with pytest.raises(AlteredFile):
        await yearly_archive(services, GROUPEMENT, 2026)


# --- the command line ---------------------------------------------------------------------


def test_the_command_line_writes_the_zip_and_refuses_what_it_cannot_archive(
    tmp_path: Path,
    governance: Governance,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    database = tmp_path / "cli.db"

    async def a_consultation() -> int:
        clock = FakeClock(paris(2026, 9, 1))
        services = await Services.open(governance, database, clock)
        services.connect(RecordingNotifier())
        try:
            await services.roster.add_coordinator(GROUPEMENT, COORD, "Claire Test", "tests")
            return (await _consultation(services, clock, GROUPEMENT)).id
        finally:
            await services.close()

    ballot = asyncio.run(a_consultation())
    monkeypatch.setenv("SCRUTIN_DATABASE_PATH", str(database))
    output = tmp_path / "archive.zip"

    assert main(["archive", GROUPEMENT, "--year", "2026", "-o", str(output), "--lang", "en"]) == 0

    assert f"archive of {GROUPEMENT} for 2026 written to {output}" in capsys.readouterr().out
    files = read_zip(output.read_bytes())
    assert f"consultations/2026-09-01-cogouv-{ballot}/releve-scrutin-{ballot}.pdf" in files
    assert files["index.txt"].decode().startswith("Archive of ")
    assert main(["archive", "nowhere", "-o", str(output)]) == 2
    assert "unknown groupement 'nowhere'" in capsys.readouterr().err
    for year in ("1970", "9999"):
        assert main(["archive", GROUPEMENT, "--year", year, "-o", str(output)]) == 2
        assert f"no archive: There is no archive of {year}" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["archive", GROUPEMENT, "--year", "last", "-o", str(output)])
    assert exited.value.code == 2


# --- /archive in Telegram -----------------------------------------------------------------


async def test_a_coordinator_gets_the_year_as_a_document_in_a_private_chat(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    await _consultation(harness.services, clock, GROUPEMENT)
    clock.now = NOW

    calls = await harness.say(COORDINATOR, "/archive 2026")

    sent = [c for c in calls if c.method == "sendDocument"]
    assert sent and sent[0].failed is None
    assert sent[0].params["document"]["filename"] == "archive-ent-grand-est-2026.zip"
    assert plain(sent[0].params["caption"]).startswith(
        "Archives de l'année 2026 — Groupement de commandes ENT Grand Est : 0 réunion, "
        "1 consultation écrite"
    )
    await harness.say(COORDINATOR, "/archive 2026", chat_id=GROUP_CHAT)
    assert "conversation privée" in plain(harness.last_message_to(GROUP_CHAT)["text"])
    await harness.say(COORDINATOR, "/archive 1812")
    assert "de 1980 à 2026" in plain(harness.last_message_to(COORDINATOR_ID)["text"])
    member = await enrol(harness, "aube")
    await harness.say(member, "/archive")
    assert "coordonnateur" in plain(harness.last_message_to(member["id"])["text"])


async def test_an_archive_beyond_what_telegram_accepts_is_not_sent(
    harness: OfflineHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(UPLOAD_BYTES, "sendDocument", 1024)

    calls = await harness.say(COORDINATOR, "/archive")

    assert not [c for c in calls if c.method == "sendDocument"]
    assert "scrutin archive ent-grand-est --year 2026" in plain(
        harness.last_message_to(COORDINATOR_ID)["text"]
    )
    # The offline Bot API refuses it as Telegram does: 413, which PTB raises as a NetworkError.
    with pytest.raises(NetworkError, match="Request Entity Too Large"):
        await harness.bot.send_document(COORDINATOR_ID, b"x" * 2048, filename="big.zip")
    assert harness.transport.calls[-1].failed == "too_large"


def test_a_caption_longer_than_telegram_takes_is_refused() -> None:
    assert beyond_limits("sendDocument", {"caption": "x" * 1025}) is not None
    assert beyond_limits("sendDocument", {"caption": "x" * 1024}) is None
    assert upload_too_large("sendDocument", {"document": {"size": 50 * 1024 * 1024 + 1}})
    assert not upload_too_large("sendDocument", {"document": {"size": 50 * 1024 * 1024}})
