"""``scrutin export`` and ``scrutin verify``: a closed ballot anyone can recount and check.

The export is a ``scrutin tally`` input plus the chain; verifying recomputes the chain and the
result from the file alone, and any edit of a vote, a weight or a rule makes it fail.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from meetings.wording.typography import plain
from tests.clock import FakeClock
from tests.test_ballot_store import START, opened
from voting.ballot import BallotMode
from voting.db import Database
from voting.rules import BallotKind
from voting.store import BallotStore
from voting.tally import BLANK

ROOT = Path(__file__).resolve().parent.parent

VOTES = [
    ("region", "for"),
    ("cea", "against"),
    ("moselle", "against"),
    ("ardennes", "for"),
    ("cea", "for"),  # a change of vote: the later entry counts
    ("aube", "abstain"),
]


@pytest.fixture
async def store(database: Path | str) -> AsyncIterator[BallotStore]:
    opened = await Database.open(database, FakeClock(START))
    ballots = BallotStore(opened)
    await ballots.migrate()
    yield ballots
    await opened.close()


async def exported(store: BallotStore, tmp_path: Path, **changes: Any) -> dict[str, Any]:
    ballot_id = await opened(store, **changes)
    for member, option in VOTES:
        await store.cast(ballot_id, member, option, cast_by=f"tg:{member}")
    await store.close(ballot_id)
    data: dict[str, Any] = await store.audit_file(ballot_id)
    return data


def run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: Any, command: str, *extra: str
) -> tuple[int, str]:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    status = main([command, str(path), *extra])
    captured = capsys.readouterr()
    return status, plain(captured.out + captured.err)


def verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: Any, *extra: str
) -> tuple[int, str]:
    return run(tmp_path, capsys, data, "verify", *extra)


@pytest.mark.parametrize("kind", [BallotKind.PUBLIC, BallotKind.SECRET])
async def test_an_export_is_verified_and_scrutin_tally_takes_it_as_it_is(
    store: BallotStore, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: BallotKind
) -> None:
    data = await exported(store, tmp_path, kind=kind)
    assert verify(tmp_path, capsys, data) == (0, "vérifié\n")
    assert verify(tmp_path, capsys, data, "--lang", "en") == (0, "verified\n")
    status, out = run(tmp_path, capsys, data, "tally")
    assert status == 0, out
    assert json.loads(out)["outcome"] == data["result"]["outcome"]
    assert len(data["chain"]["entries"]) == len(VOTES)


async def test_a_secret_export_holds_the_box_and_who_voted_never_who_chose_what(
    store: BallotStore, tmp_path: Path
) -> None:
    data = await exported(store, tmp_path, kind=BallotKind.SECRET)
    assert "votes" not in data
    assert data["voted"] == sorted({member for member, _ in VOTES})
    assert data["box"] == [
        {"option": "abstain", "weight": "1"},
        {"option": "against", "weight": "1.5"},
        {"option": "for", "weight": "1"},
        {"option": "for", "weight": "2"},
        {"option": "for", "weight": "4.5"},
    ]
    voters = {entry["voter"] for entry in data["chain"]["entries"]}
    assert not voters & set(data["weights"])


async def test_a_written_consultation_is_verified(
    store: BallotStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = await exported(store, tmp_path, kind=BallotKind.SECRET, mode=BallotMode.WRITTEN)
    assert data["written"] is True
    assert verify(tmp_path, capsys, data) == (0, "vérifié\n")


async def test_an_edited_vote_fails(
    store: BallotStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = await exported(store, tmp_path)
    data["votes"]["region"] = "against"
    status, out = verify(tmp_path, capsys, data)
    assert status == 1
    assert out.startswith("non vérifié :\n")
    assert "- votes.region: the file says 'against', the chain 'for'" in out
    assert "- result.totals.against.weight: the file says '1.5', the recount '6'" in out


async def test_an_edited_entry_of_the_chain_fails(
    store: BallotStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = await exported(store, tmp_path, kind=BallotKind.SECRET)
    data["chain"]["entries"][2]["option"] = "for"
    status, out = verify(tmp_path, capsys, data)
    assert status == 1
    assert "- chain[3]: hash " in out and "- box: its choices differ from the chain's" in out


async def test_an_edited_weight_fails(
    store: BallotStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = await exported(store, tmp_path)
    data["weights"]["region"] = "5"
    status, out = verify(tmp_path, capsys, data)
    assert status == 1
    assert "- chain.start: the terms" in out
    assert "- result.totals.for.weight: the file says '7.5', the recount '8'" in out


async def test_an_edited_rule_fails_even_where_the_result_stays_the_same(
    store: BallotStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = await exported(store, tmp_path)
    data["rules"]["max_proxies_per_holder"] = 3
    status, out = verify(tmp_path, capsys, data)
    assert (status, out.splitlines()[1:]) == (
        1,
        [
            "- chain.start: the terms (ballot, weights, present, proxies, rules, options, ...) "
            "do not hash to the chain's start"
        ],
    )


async def test_a_receipt_is_found_in_the_chain_or_said_missing(
    store: BallotStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = await exported(store, tmp_path, kind=BallotKind.SECRET)
    _, entries = await store.chain(data["ballot"])
    code = entries[3].receipt
    status, out = verify(tmp_path, capsys, data, "--receipt", code)
    assert (status, out) == (0, f"Le reçu {code} est l'entrée 4 de la chaîne.\n")
    status, out = verify(tmp_path, capsys, data, "--receipt", "0000-0000-0000-0000")
    assert (status, out) == (1, "Le reçu 0000-0000-0000-0000 ne figure pas dans cette chaîne.\n")
    status, out = verify(tmp_path, capsys, data, "--receipt", "pas un code")
    assert status == 2 and "expected a code like" in out


async def _one_open_one_closed(path: Path) -> tuple[int, dict[str, Any]]:
    database = await Database.open(path, FakeClock(START))
    store = BallotStore(database)
    await store.migrate()
    open_id = await opened(store)
    closed = await exported(store, path.parent)
    await database.close()
    return open_id, closed


def test_scrutin_export_writes_the_file_of_a_closed_ballot_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cli.db"
    open_id, closed = asyncio.run(_one_open_one_closed(path))
    monkeypatch.setenv("SCRUTIN_DATABASE_PATH", str(path))
    monkeypatch.chdir(tmp_path)
    output = tmp_path / "out.json"
    assert main(["export", str(closed["ballot"]), "-o", str(output)]) == 0
    assert json.loads(output.read_text(encoding="utf-8")) == closed
    assert main(["verify", str(output)]) == 0
    capsys.readouterr()
    assert main(["export", str(open_id), "-o", str(output)]) == 2
    assert "only a closed ballot is exported" in capsys.readouterr().err


async def test_an_election_round_is_verified(
    store: BallotStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ballot_id = await opened(
        store,
        kind=BallotKind.SECRET,
        election_round=1,
        options=("Mme Durand", "M. Martin", BLANK),
    )
    for member, option in (("region", "Mme Durand"), ("cea", "M. Martin"), ("aube", BLANK)):
        await store.cast(ballot_id, member, option, cast_by=f"tg:{member}")
    await store.close(ballot_id)
    data = await store.audit_file(ballot_id)
    assert (data["kind"], data["round"], data["options"]) == (
        "election",
        1,
        ["Mme Durand", "M. Martin"],
    )
    assert verify(tmp_path, capsys, data) == (0, "vérifié\n")
    assert run(tmp_path, capsys, data, "tally")[0] == 0


def test_a_tally_input_with_who_voted_but_no_box_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads((ROOT / "examples" / "cogouv-worked-example.json").read_text("utf-8"))
    status, out = run(tmp_path, capsys, {**data, "voted": ["cea"]}, "tally")
    assert status == 2 and "voted: only a file with a ballot box (box) has one" in out
