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
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.cli import main
from config.models import Governance
from meetings.actions.archive import YearOutOfRange, archive_of
from meetings.actions.ballot_close import close_ballot
from meetings.actions.ballot_open import open_ballot
from meetings.actions.session_adjourn import adjourn
from meetings.archive.rows import (
    BALLOTS_HEADER,
    BallotFacts,
    ballot_row,
    totals_text,
    vote_rows,
)
from meetings.archive.sources import yearly_archive
from meetings.services import Services
from tests.acting import GROUPEMENT, RecordingNotifier, coordinator
from tests.clock import FakeClock
from tests.steps import ballot_opened, in_session, paris, vote
from voting.ballot import Ballot
from voting.rules import BallotKind
from voting.tally import Count

SECRET_QUESTION = "Adopter le budget 2027"
PUBLIC_QUESTION = "Approuver le PV du 20 octobre"


def read_zip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def table(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8-sig"))))


SECRET_VOTES = {"region-grand-est": "against", "cea": "for", "moselle": "for", "aube": "for"}
COORD = "tg:1001"


@dataclass
class Year:
    public: int
    secret: int
    consultation: int
    meeting: int
    other_year: int
    other_groupement: int
    draft_meeting: int


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
    other_year = (await _meeting(services, clock, 2025, 11, 18))[0]
    await _meeting(services, clock, 2026, 3, 10)
    meeting, public, secret = await _meeting(services, clock, 2026, 6, 16)
    consultation = await _consultation(services, clock, GROUPEMENT)
    other_groupement = await _consultation(services, clock, "liaisons-internet")
    clock.now = paris(2026, 12, 1)
    draft = await in_session(services, clock, paris(2026, 12, 15), region_grand_est="present")
    return Year(public, secret, consultation.id, meeting, other_year, other_groupement.id, draft.id)


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

    # A secret ballot: its totals, and nothing that links a member to a choice.
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
    assert "Archive du Groupement" in text or "Archive" in text
    assert hashlib.sha256(files["index.csv"]).hexdigest() in text
