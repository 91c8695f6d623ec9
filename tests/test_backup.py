"""``scrutin backup PATH``: a consistent online copy of the database, taken with SQLite's backup
API while the bot holds its connections open and another transaction is writing."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from tests.clock import FakeClock
from tests.test_ballot_store import START, draft, opened
from voting.audit import verify_export
from voting.ballot import Ballot, BallotNotFound
from voting.db import Database
from voting.engines.sqlite_backup import BackupError, backup_database
from voting.rules import BallotKind
from voting.store import BallotStore

VOTES = (("region", "for"), ("cea", "against"), ("moselle", "abstain"), ("aube", "for"))


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[BallotStore]:
    """The bot's database, open (a writer and a reader connection), with closed ballots."""
    database = await Database.open(tmp_path / "scrutin.db", FakeClock(START))
    ballots = BallotStore(database)
    await ballots.migrate()
    yield ballots
    await database.close()


async def closed_ballots(store: BallotStore) -> list[Ballot]:
    """A public and a secret ballot, voted and closed: their results are stored."""
    found = []
    for kind in (BallotKind.PUBLIC, BallotKind.SECRET):
        ballot_id = await opened(store, kind=kind)
        for member, option in VOTES:
            await store.cast(ballot_id, member, option, cast_by=f"tg:{member}")
        closed, _result = await store.close(ballot_id)
        found.append(closed)
    return found


def integrity(path: Path) -> tuple[str, str]:
    with closing(sqlite3.connect(path)) as copy:
        return (
            copy.execute("PRAGMA integrity_check").fetchone()[0],
            copy.execute("PRAGMA journal_mode").fetchone()[0],
        )


async def read_back(path: Path, ballot_ids: list[int]) -> list[Ballot]:
    database = await Database.open(path, FakeClock(START + timedelta(days=1)))
    try:
        ballots = BallotStore(database)
        await ballots.migrate()  # nothing left to apply: the copy has the schema
        return [await ballots.get(ballot_id) for ballot_id in ballot_ids]
    finally:
        await database.close()


async def test_a_copy_taken_during_a_write_holds_what_was_committed(
    live: BallotStore, tmp_path: Path
) -> None:
    before = await closed_ballots(live)
    copy = tmp_path / "copies" / "scrutin-copy.db"
    copy.parent.mkdir()
    async with live.database.transaction():
        # Another transaction is writing, and has not committed, while the copy is taken.
        pending = await live.create(draft(question="Pas encore validé"))
        taken = await asyncio.to_thread(backup_database, tmp_path / "scrutin.db", copy)
    assert taken.path == copy and taken.size == copy.stat().st_size > 0
    assert integrity(copy) == ("ok", "delete")
    assert sorted(p.name for p in copy.parent.iterdir()) == ["scrutin-copy.db"]

    assert await read_back(copy, [b.id for b in before]) == before
    assert [b.result for b in await read_back(copy, [b.id for b in before])] == [
        b.result for b in before
    ]
    # The write in progress is not in the copy (it committed after); it is in the database.
    with pytest.raises(BallotNotFound):
        await read_back(copy, [pending.id])
    assert (await live.get(pending.id)).draft.question == "Pas encore validé"
    # And the live database goes on.
    later = await opened(live)
    await live.cast(later, "region", "for", cast_by="tg:region")


async def test_a_restored_copy_exports_ballots_that_verify(
    live: BallotStore, tmp_path: Path
) -> None:
    ballots = await closed_ballots(live)
    copy = tmp_path / "restored.db"
    backup_database(tmp_path / "scrutin.db", copy)
    database = await Database.open(copy, FakeClock(START + timedelta(days=1)))
    try:
        restored = BallotStore(database)
        await restored.migrate()
        for ballot in ballots:
            exported = json.loads(json.dumps(await restored.audit_file(ballot.id)))
            assert verify_export(exported) == []
            assert exported == json.loads(json.dumps(await live.audit_file(ballot.id)))
    finally:
        await database.close()


async def test_a_second_copy_replaces_the_first_whole(live: BallotStore, tmp_path: Path) -> None:
    first = await closed_ballots(live)
    copy = tmp_path / "copy.db"
    backup_database(tmp_path / "scrutin.db", copy)
    second = await closed_ballots(live)
    backup_database(tmp_path / "scrutin.db", copy)
    ids = [b.id for b in first + second]
    assert await read_back(copy, ids) == first + second


async def test_the_copy_never_overwrites_the_database(live: BallotStore, tmp_path: Path) -> None:
    source = tmp_path / "scrutin.db"
    for target in (source, Path(f"{source}-wal"), tmp_path / "." / "scrutin.db"):
        with pytest.raises(BackupError, match="the database itself"):
            backup_database(source, target)
    with pytest.raises(BackupError, match="no database"):
        backup_database(tmp_path / "absent.db", tmp_path / "copy.db")
    with pytest.raises(BackupError, match="no directory"):
        backup_database(source, tmp_path / "nowhere" / "copy.db")


async def test_scrutin_backup_on_the_command_line(
    live: BallotStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ballots = await closed_ballots(live)
    monkeypatch.setenv("SCRUTIN_DATABASE_PATH", str(tmp_path / "scrutin.db"))
    copy = tmp_path / "nightly.db"
    assert await asyncio.to_thread(main, ["backup", str(copy)]) == 0
    assert f"written to {copy}" in capsys.readouterr().out
    assert await read_back(copy, [b.id for b in ballots]) == ballots
    assert await asyncio.to_thread(main, ["backup", str(tmp_path / "scrutin.db")]) == 2
    assert capsys.readouterr().err == (
        f"scrutin: backup: {tmp_path / 'scrutin.db'} is the database itself; choose another path\n"
    )


def test_scrutin_backup_names_pg_dump_for_postgresql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "nightly.db"
    status = main(
        ["--database-url", "postgresql://scrutin@127.0.0.1:1/scrutin", "backup", str(copy)]
    )
    assert status == 2
    assert "back up PostgreSQL with pg_dump" in capsys.readouterr().err
    assert not copy.exists()


def test_a_sqlite_url_is_backed_up_like_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "by-url.db"
    sqlite3.connect(database).close()
    copy = tmp_path / "copy.db"
    assert main(["--database-url", f"sqlite:///{database}", "backup", str(copy)]) == 0
    assert f"backup of {database} written to {copy}" in capsys.readouterr().out


def test_an_unknown_database_url_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", "mysql://root@localhost/scrutin", "backup", "x.db"]) == 2
    assert "expected sqlite:///path/scrutin.db or postgresql://" in capsys.readouterr().err


def test_the_option_does_not_outlive_its_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCRUTIN_DATABASE_URL", raising=False)
    main(["--database-url", "postgresql://scrutin@127.0.0.1:1/scrutin", "backup", "x.db"])
    assert "SCRUTIN_DATABASE_URL" not in os.environ
