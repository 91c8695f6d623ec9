"""A closed secret ballot leaves nothing on disk that links a member or a person to a choice.

Checked on a real SQLite file: every row of every table, the bytes of the database file and of
its write-ahead log, and the audit export. A public ballot keeps its full record.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import aiosqlite

from tests.clock import FakeClock
from tests.test_ballot_store import START, opened
from tests.test_tally import COGOUV, WEIGHTS_2022
from voting.audit import export_mapping
from voting.codec import electorate_to_mapping
from voting.db import Database
from voting.electorate import Electorate
from voting.ledger import chain_problems
from voting.rules import BallotKind, rules_to_mapping
from voting.store import MIGRATIONS, BallotStore

PRESSES = [
    ("region", "for", "tg:501"),
    ("cea", "against", "tg:502"),
    ("moselle", "abstain", "tg:503"),
    ("region", "against", "tg:601"),  # the Région's suppléant changes its vote
    ("aube", "for", "tg:504"),
]
OPTIONS = {"for", "against", "abstain"}


async def _rows(path: Path) -> list[tuple[str, tuple[object, ...]]]:
    async with aiosqlite.connect(path) as raw:
        cursor = await raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = [row[0] for row in await cursor.fetchall()]
        found = []
        for table in tables:
            cursor = await raw.execute(f'SELECT * FROM "{table}"')
            found += [(table, tuple(row)) for row in await cursor.fetchall()]
        return found


async def _voted(tmp_path: Path, kind: BallotKind) -> tuple[Path, BallotStore, int, bytes | None]:
    clock = FakeClock(START)
    path = tmp_path / "secret.db"
    store = BallotStore(await Database.open(path, clock))
    await store.migrate()
    ballot_id = await opened(store, kind=kind)
    for number, (member, option, person) in enumerate(PRESSES, start=1):
        clock.advance(timedelta(minutes=3, seconds=number * 7))
        await store.cast(ballot_id, member, option, person, callback_id=f"977{number:06d}")
    clock.advance(timedelta(minutes=10))
    cursor = await store.database.connection.execute(
        "SELECT pseudonym_key FROM ballot_keys WHERE ballot_id = ?", (ballot_id,)
    )
    row = await cursor.fetchone()
    assert row is not None
    return path, store, ballot_id, row[0]


async def test_a_closed_secret_ballot_links_no_member_and_no_person_to_a_choice(
    tmp_path: Path,
) -> None:
    path, store, ballot_id, key = await _voted(tmp_path, BallotKind.SECRET)
    assert key is not None and len(key) == 32
    times = [vote.cast_at for vote in await store.history(ballot_id)]
    await store.close(ballot_id)
    assert await store.forget()
    # Read while the bot still runs: closing the last connection would checkpoint on its own.
    wal = path.with_name(path.name + "-wal")
    disk = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    ballot = await store.get(ballot_id)
    genesis, chain = await store.chain(ballot_id)
    export = json.dumps(export_mapping(ballot, genesis, chain, await store.voted(ballot_id)))
    await store.database.close()

    people = {person for _, _, person in PRESSES}
    members = {member for member, _, _ in PRESSES}
    for table, row in await _rows(path):
        values = {str(value) for value in row}
        assert not (values & OPTIONS and values & (members | people)), (table, row)
    # The key is gone, so no pseudonym of the box can be traced back to its member ...
    assert key not in disk and key.hex().encode() not in disk
    # ... and neither the times nor the presses line participation up with the box's order.
    for moment in times:
        assert moment is not None and moment.isoformat(timespec="seconds").encode() not in disk
    for number in range(1, len(PRESSES) + 1):
        assert f"977{number:06d}".encode() not in disk
    # Participation keeps who voted, and the person who cast the vote that counts: one row
    # per member, so that it never tells who pressed twice.
    history = await _history_after(path)
    assert history == [
        ("aube", "tg:504"),
        ("cea", "tg:502"),
        ("moselle", "tg:503"),
        ("region", "tg:601"),
    ]
    entries = json.loads(export)["chain"]["entries"]
    assert not {e["voter"] for e in entries} & (members | people)
    assert json.loads(export)["voted"] == sorted(members)
    assert key.hex() not in export


async def _history_after(path: Path) -> list[tuple[str, str]]:
    async with aiosqlite.connect(path) as raw:
        cursor = await raw.execute(
            "SELECT member_id, cast_by, cast_at_utc, callback_id, entry_id FROM participation"
        )
        rows = await cursor.fetchall()
    assert all(row[2:] == (None, None, None) for row in rows)
    return [(row[0], row[1]) for row in rows]


async def test_a_secret_ballot_still_counts_the_latest_vote_and_hides_choices_while_open(
    tmp_path: Path,
) -> None:
    _, store, ballot_id, _ = await _voted(tmp_path, BallotKind.SECRET)
    # Nobody but the tally reads a secret ballot's choices, even while it is open.
    assert set((await store.effective_votes(ballot_id)).values()) == {""}
    _, result = await store.close(ballot_id)
    assert result.totals["against"].weight == 2 + 4.5 and result.totals["for"].weight == 1
    assert sorted(await store.effective_votes(ballot_id)) == ["aube", "cea", "moselle", "region"]
    await store.database.close()


async def test_a_public_ballot_keeps_its_full_record(tmp_path: Path) -> None:
    _, store, ballot_id, key = await _voted(tmp_path, BallotKind.PUBLIC)
    assert key is None
    await store.close(ballot_id)
    history = await store.history(ballot_id)
    assert [(v.member_id, v.option, v.cast_by) for v in history] == PRESSES
    assert all(v.cast_at is not None for v in history)
    assert (await store.effective_votes(ballot_id))["region"] == "against"
    await store.database.close()


async def test_votes_of_a_database_from_before_the_ledger_are_adopted(tmp_path: Path) -> None:
    """The votes in clear of an earlier database become chains; a closed secret ballot's are
    sealed at once, and the old table goes."""
    path = tmp_path / "earlier.db"
    database = await Database.open(path, FakeClock(START))
    await database.migrate("voting", MIGRATIONS[:3])
    terms = (
        json.dumps(rules_to_mapping(COGOUV)),
        json.dumps(electorate_to_mapping(Electorate(WEIGHTS_2022, frozenset(WEIGHTS_2022)))),
    )
    for state, kind in (("open", "public"), ("closed", "secret")):
        await database.connection.execute(
            """INSERT INTO ballots (groupement_id, instance_id, question, kind, mode, options,
                   allow_vote_change, state, created_at_utc, rules, electorate)
               VALUES ('ent-grand-est', 'cogouv', 'Q', ?, 'meeting', '["for", "against"]', 1, ?,
                   '2026-12-15T13:00:00+00:00', ?, ?)""",
            (kind, state, *terms),
        )
    for ballot_id in (1, 2):
        for member, option in (("region", "for"), ("cea", "against"), ("region", "against")):
            await database.connection.execute(
                "INSERT INTO votes (ballot_id, member_id, option, cast_by, cast_at_utc) "
                "VALUES (?, ?, ?, ?, '2026-12-15T13:05:00+00:00')",
                (ballot_id, member, option, f"tg:{member}"),
            )
    store = BallotStore(database)
    await store.migrate()

    assert await store.effective_votes(1) == {"cea": "against", "region": "against"}
    assert [v.cast_by for v in await store.history(1)] == ["tg:region", "tg:cea", "tg:region"]
    for ballot_id in (1, 2):
        genesis, entries = await store.chain(ballot_id)
        assert len(entries) == 3 and chain_problems(ballot_id, genesis, entries) == []
    assert {v.option for v in await store.history(2)} == {""}
    assert all(v.cast_at is None for v in await store.history(2))
    await store.migrate()  # once only
    assert len((await store.chain(1))[1]) == 3
    cursor = await database.connection.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'votes'"
    )
    assert tuple(await cursor.fetchone() or ()) == (0,)
    await database.close()
