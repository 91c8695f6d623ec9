"""Ballots and votes on disk (SQLite through aiosqlite).

Every check and the write it guards happen in one ``BEGIN IMMEDIATE``
transaction, so a vote that was acknowledged is on disk and a vote that was
refused changed nothing. Votes are append-only: a change of vote is a new entry,
and the effective vote of a member is its latest one. The votes themselves, participation
apart from the ballot box, live in :mod:`voting.ledger_store`; a secret ballot's link between
them is destroyed in its closing transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from voting.audit import ballot_terms, export_mapping
from voting.ballot import (
    HIDDEN_CHOICE,
    Ballot,
    BallotDraft,
    BallotMode,
    BallotNotFound,
    BallotNotOpen,
    BallotState,
    CastVote,
    DeadlinePassed,
    InvalidElectorate,
    InvalidOption,
    InvalidTransition,
    NotEntitled,
    NotInElectorate,
    VoteChangeNotAllowed,
    VoteReceipt,
    judge,
    takes_a_number,
)
from voting.ballot_rows import ballot_from_row
from voting.codec import (
    electorate_to_mapping,
    result_to_mapping,
)
from voting.db import Connection, Database, Store, from_db_time, inserted_id, is_row_id, to_db_time
from voting.election import elect_the_oldest
from voting.electorate import Electorate
from voting.ledger import ChainEntry
from voting.ledger_store import VoteLedger
from voting.rules import BallotKind, BallotRules, rules_to_mapping
from voting.tally import TallyError, TallyResult

COMPONENT = "voting"

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE ballots (
        id INTEGER PRIMARY KEY,
        groupement_id TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        meeting_id INTEGER,
        question TEXT NOT NULL CHECK (length(trim(question)) > 0),
        kind TEXT NOT NULL CHECK (kind IN ('public', 'secret')),
        mode TEXT NOT NULL CHECK (mode IN ('meeting', 'written')),
        options TEXT NOT NULL,
        allow_vote_change INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('draft', 'open', 'closed', 'cancelled')),
        deadline_utc TEXT,
        created_by TEXT,
        created_at_utc TEXT NOT NULL,
        opened_at_utc TEXT,
        closed_at_utc TEXT,
        cancelled_at_utc TEXT,
        rules TEXT,
        weight_table_id TEXT,
        electorate TEXT,
        chair TEXT,
        second_convocation INTEGER NOT NULL DEFAULT 0,
        result TEXT
    );
    CREATE INDEX ballots_by_state ON ballots (state, deadline_utc);
    CREATE TABLE votes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ballot_id INTEGER NOT NULL REFERENCES ballots (id),
        member_id TEXT NOT NULL,
        option TEXT NOT NULL,
        cast_by TEXT NOT NULL,
        cast_at_utc TEXT NOT NULL
    );
    CREATE INDEX votes_by_member ON votes (ballot_id, member_id, id);
    CREATE TRIGGER votes_are_not_updated BEFORE UPDATE ON votes
    BEGIN SELECT RAISE(ABORT, 'votes are append-only'); END;
    CREATE TRIGGER votes_are_not_deleted BEFORE DELETE ON votes
    BEGIN SELECT RAISE(ABORT, 'votes are append-only'); END;
    """,
    """
    ALTER TABLE ballots ADD COLUMN deliberation_year INTEGER;
    ALTER TABLE ballots ADD COLUMN deliberation_sequence INTEGER;
    CREATE UNIQUE INDEX one_number_per_deliberation
        ON ballots (groupement_id, deliberation_year, deliberation_sequence)
        WHERE deliberation_sequence IS NOT NULL;
    """,
    # An election of a person (CGCT L2122-7) and its round; NULL for any other ballot.
    """
    ALTER TABLE ballots ADD COLUMN election_round INTEGER
        CHECK (election_round IS NULL OR election_round BETWEEN 1 AND 3);
    """,
    # /resultats and /clore read a groupement's (or an instance's) latest ballots in a state:
    # a range of one index, newest first, that stops at the LIMIT.
    """
    CREATE INDEX ballots_by_groupement ON ballots (groupement_id, state, id);
    CREATE INDEX ballots_by_instance ON ballots (groupement_id, instance_id, state, id);
    """,
    # The rule a consultation of all the members was opened with; NULL for an instance's.
    """
    ALTER TABLE ballots ADD COLUMN decision_rule TEXT;
    """,
)


@dataclass(frozen=True)
class ReceiptFound:
    ballot: Ballot
    position: int
    """The entry's place in the ballot's chain, from 1."""
    length: int
    """How many entries the chain holds now."""


class BallotStore(Store):
    COMPONENT = COMPONENT
    MIGRATIONS = MIGRATIONS

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self.ledger = VoteLedger(database)
        # Open ballots as decoded once: while a ballot is open its options, rules and frozen
        # electorate never change, and a press must not decode them from JSON again. Only the
        # state and the deadline are read again, inside each vote's transaction.
        self._open: dict[int, Ballot] = {}

    async def migrate(self) -> None:
        await super().migrate()
        await self.ledger.migrate()
        if await self._adopt_earlier_votes():
            await self.forget()

    async def _adopt_earlier_votes(self) -> bool:
        """A database from before the ledger: each opened ballot gets its chain, its votes in
        clear become entries in their order, a closed secret ballot is sealed, and the old
        table of votes goes. Runs once; False when there was nothing to adopt."""
        async with self.database.transaction() as connection:
            if not await self.database.table_exists("votes"):
                return False
            for ballot in await self.find():
                if ballot.electorate is None or ballot.rules is None:
                    continue
                await self.ledger.start(ballot.id, ballot_terms(ballot), ballot.secret)
                cursor = await connection.execute(
                    "SELECT * FROM votes WHERE ballot_id = ? ORDER BY id", (ballot.id,)
                )
                for row in await cursor.fetchall():
                    weight = ballot.electorate.weights[row["member_id"]]
                    cast_at = from_db_time(row["cast_at_utc"]) or self._now
                    await self.ledger.append(
                        ballot.id, row["member_id"], row["option"], weight, row["cast_by"], cast_at
                    )
                if ballot.secret and ballot.state is not BallotState.OPEN:
                    await self.ledger.seal(ballot.id)
            await connection.execute("DROP TABLE votes")
            return True

    async def _fetch(self, connection: Connection, ballot_id: int) -> Ballot:
        if not is_row_id(ballot_id):
            raise BallotNotFound(f"no ballot {ballot_id}", ballot_id=ballot_id)
        cursor = await connection.execute("SELECT * FROM ballots WHERE id = ?", (ballot_id,))
        row = await cursor.fetchone()
        if row is None:
            raise BallotNotFound(f"no ballot {ballot_id}", ballot_id=ballot_id)
        return ballot_from_row(row)

    async def get(self, ballot_id: int) -> Ballot:
        return await self._fetch(self._reader, ballot_id)

    async def get_for_voting(self, ballot_id: int) -> Ballot:
        """The ballot, decoded once while it is open (then kept); read anew in any other state.

        Its state may be out of date when another process closed it: :meth:`cast` reads the
        state again in its transaction, and forgets the kept ballot when it is no longer open.
        """
        kept = self._open.get(ballot_id)
        if kept is not None:
            return kept
        ballot = await self.get(ballot_id)
        self._keep(ballot)
        return ballot

    def _keep(self, ballot: Ballot) -> None:
        if ballot.state is BallotState.OPEN:
            self._open[ballot.id] = ballot
        else:
            self._open.pop(ballot.id, None)

    async def _as_it_stands(self, connection: Connection, ballot_id: int) -> Ballot:
        """Inside a vote's transaction: the kept open ballot if its state and deadline on disk
        still say so (one narrow read), else the whole row, decoded."""
        kept = self._open.get(ballot_id)
        if kept is not None:
            rows = list(
                await connection.execute_fetchall(
                    "SELECT state, deadline_utc FROM ballots WHERE id = ?", (ballot_id,)
                )
            )
            row = rows[0] if rows else None
            if (
                row is not None
                and row["state"] == BallotState.OPEN.value
                and from_db_time(row["deadline_utc"]) == kept.draft.deadline
            ):
                return kept
        ballot = await self._fetch(connection, ballot_id)
        self._keep(ballot)
        return ballot

    async def create(self, draft: BallotDraft) -> Ballot:
        if not draft.question.strip():
            raise InvalidTransition("a ballot needs a question")
        if len(set(draft.options)) != len(draft.options) or len(draft.options) < 2:
            raise InvalidOption(f"options {list(draft.options)} must be two or more distinct names")
        if draft.election_round is not None and draft.kind is not BallotKind.SECRET:
            raise InvalidTransition("an election of a person is a secret ballot")
        async with self.database.transaction() as connection:
            ballot_id = await inserted_id(
                connection,
                """INSERT INTO ballots (groupement_id, instance_id, meeting_id, question, kind,
                       mode, options, allow_vote_change, state, deadline_utc, created_by,
                       created_at_utc, election_round, decision_rule)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?)""",
                (
                    draft.groupement_id,
                    draft.instance_id,
                    draft.meeting_id,
                    draft.question.strip(),
                    draft.kind.value,
                    draft.mode.value,
                    json.dumps(list(draft.options), ensure_ascii=False),
                    int(draft.allow_vote_change),
                    to_db_time(draft.deadline) if draft.deadline else None,
                    draft.created_by,
                    to_db_time(self._now),
                    draft.election_round,
                    None if draft.decision_rule is None else draft.decision_rule.value,
                ),
            )
            return await self._fetch(connection, ballot_id)

    async def open(
        self,
        ballot_id: int,
        *,
        electorate: Electorate,
        rules: BallotRules,
        weight_table_id: str | None,
        chair: str | None = None,
        second_convocation: bool = False,
    ) -> Ballot:
        """Freeze the electorate and the rules, and start taking votes."""
        problems = electorate.problems(rules.max_proxies_per_holder)
        if chair is not None and chair not in electorate.weights:
            problems.append(f"chair {chair!r} is not in the electorate")
        if problems:
            raise InvalidElectorate("; ".join(problems), problems=problems)
        async with self.database.transaction() as connection:
            ballot = await self._fetch(connection, ballot_id)
            if ballot.state is not BallotState.DRAFT:
                raise InvalidTransition(
                    f"ballot {ballot_id} is {ballot.state.value}, only a draft can be opened",
                    state=ballot.state.value,
                )
            if ballot.draft.deadline is not None and ballot.draft.deadline <= self._now:
                raise DeadlinePassed(f"the deadline of ballot {ballot_id} is already past")
            await connection.execute(
                """UPDATE ballots SET state = 'open', opened_at_utc = ?, rules = ?,
                       weight_table_id = ?, electorate = ?, chair = ?, second_convocation = ?
                   WHERE id = ?""",
                (
                    to_db_time(self._now),
                    json.dumps(rules_to_mapping(rules)),
                    weight_table_id,
                    json.dumps(electorate_to_mapping(electorate), ensure_ascii=False),
                    chair,
                    int(second_convocation),
                    ballot_id,
                ),
            )
            opened = await self._fetch(connection, ballot_id)
            await self.ledger.start(ballot_id, ballot_terms(opened), opened.secret)
            return opened

    async def cast(
        self,
        ballot_id: int,
        member_id: str,
        option: str,
        cast_by: str,
        callback_id: str | None = None,
    ) -> VoteReceipt:
        """Record ``member_id``'s vote, cast by the person ``cast_by``; refuse with a reason.

        ``callback_id`` names the button press: a press already recorded writes nothing and
        gets the receipt it got the first time.
        """
        now = self._now
        if not is_row_id(ballot_id):
            raise BallotNotFound(f"no ballot {ballot_id}", ballot_id=ballot_id)
        async with self.database.transaction() as connection:
            # Two reads: the ledger's tip (with the member's latest choice and the press), and
            # the ballot's state and deadline; the rest of an open ballot never changes.
            tip = await self.ledger.tip(ballot_id, member_id, callback_id)
            if tip is not None and tip.pressed and callback_id is not None:
                repeated = await self._repeated(ballot_id, callback_id)
                if repeated is not None:
                    return repeated
            ballot = await self._as_it_stands(connection, ballot_id)
            self._check_vote(ballot, member_id, option, now)
            assert ballot.electorate is not None and tip is not None
            previous_option = tip.last_option
            if previous_option is not None and not ballot.draft.allow_vote_change:
                raise VoteChangeNotAllowed(
                    f"{member_id!r} has voted and this ballot does not allow a change",
                    option=previous_option,
                )
            weight = ballot.electorate.weights[member_id]
            press = await self.ledger.append(
                ballot_id, member_id, option, weight, cast_by, now, callback_id, tip
            )
        assert press.entry is not None
        vote = CastVote(press.id, ballot_id, member_id, option, cast_by, now)
        return VoteReceipt(vote, weight, previous_option, press.entry.receipt)

    async def _repeated(self, ballot_id: int, callback_id: str) -> VoteReceipt | None:
        press = await self.ledger.pressed(ballot_id, callback_id)
        if press is None or press.entry is None:
            return None
        entry = press.entry
        vote = CastVote(
            press.id, ballot_id, press.member_id, entry.option, press.cast_by, press.cast_at
        )
        return VoteReceipt(vote, entry.weight, press.previous_option, entry.receipt, True)

    def _check_vote(self, ballot: Ballot, member_id: str, option: str, now: datetime) -> None:
        ballot_id = ballot.id
        if ballot.state is not BallotState.OPEN:
            raise BallotNotOpen(
                f"ballot {ballot_id} is {ballot.state.value}", state=ballot.state.value
            )
        if ballot.draft.deadline is not None and now >= ballot.draft.deadline:
            raise DeadlinePassed(f"ballot {ballot_id} closed at its deadline")
        electorate = ballot.electorate
        assert electorate is not None
        if member_id not in electorate.weights:
            raise NotInElectorate(
                f"{member_id!r} is not in the electorate of ballot {ballot_id}",
                member_id=member_id,
            )
        if ballot.draft.mode is BallotMode.MEETING and not electorate.can_vote(member_id):
            raise NotEntitled(
                f"{member_id!r} is neither present nor represented", member_id=member_id
            )
        if option not in ballot.draft.options:
            raise InvalidOption(f"{option!r} is not an option of ballot {ballot_id}", option=option)

    async def effective_votes(self, ballot_id: int) -> dict[str, str]:
        """Each member that voted and its latest choice; in a secret ballot, the members that
        voted, each with :data:`HIDDEN_CHOICE`: only the tally at the close reads the box."""
        ballot = await self.get(ballot_id)
        if ballot.secret:
            return dict.fromkeys(await self.ledger.voted(ballot_id), HIDDEN_CHOICE)
        return await self.ledger.effective(ballot_id)

    async def history(self, ballot_id: int) -> list[CastVote]:
        """Every vote cast, in order. Once a secret ballot closed: one row per member that
        voted, with the person whose vote counts, in the order of the member ids, with no time
        and :data:`HIDDEN_CHOICE`."""
        return [
            CastVote(
                press.id,
                ballot_id,
                press.member_id,
                HIDDEN_CHOICE if press.entry is None else press.entry.option,
                press.cast_by,
                press.cast_at,
            )
            for press in await self.ledger.presses(ballot_id)
        ]

    async def chain(self, ballot_id: int) -> tuple[str, list[ChainEntry]]:
        """Where the ballot's chain starts (the hash of its terms), and its entries."""
        genesis = await self.ledger.genesis(ballot_id)
        if genesis is None:
            raise BallotNotOpen(f"ballot {ballot_id} was never opened", state="draft")
        return genesis, await self.ledger.chain(ballot_id)

    async def voted(self, ballot_id: int) -> list[str]:
        """The members that voted, in the order of their ids."""
        return await self.ledger.voted(ballot_id)

    async def find_receipt(self, code: str) -> ReceiptFound | None:
        """The ballot whose chain holds the entry a receipt code names, and where."""
        found = await self.ledger.receipt(code)
        if found is None:
            return None
        ballot_id, entry = found
        _, entries = await self.chain(ballot_id)
        return ReceiptFound(await self.get(ballot_id), entries.index(entry) + 1, len(entries))

    async def audit_file(self, ballot_id: int) -> dict[str, Any]:
        """A closed ballot's audit file (:mod:`voting.audit`): what ``scrutin export`` writes."""
        ballot = await self.get(ballot_id)
        if ballot.state is not BallotState.CLOSED or ballot.result is None:
            raise BallotNotOpen(
                f"ballot {ballot_id} is {ballot.state.value}: only a closed ballot is exported",
                state=ballot.state.value,
            )
        genesis, entries = await self.chain(ballot_id)
        return export_mapping(ballot, genesis, entries, await self.voted(ballot_id))

    async def forget(self) -> bool:
        """After a secret ballot closed: empty the write-ahead log of its old pages; False if
        a reader kept it from completing."""
        return await self.ledger.checkpoint()

    async def close(
        self, ballot_id: int, zone: tzinfo = UTC, *, numbered: bool = True
    ) -> tuple[Ballot, TallyResult]:
        """Stop taking votes, judge the ballot and keep its result.

        An adopted or rejected motion takes the next number of its groupement's deliberations
        of the year (the year of the close in ``zone``, the groupement's), in the same
        transaction: two closes cannot take one number, and a number is never reused. A
        ballot the caller knows decides no deliberation (``numbered`` False: a ruling on how
        a session is held) takes none.
        """
        self._open.pop(ballot_id, None)
        async with self.database.transaction() as connection:
            ballot = await self._fetch(connection, ballot_id)
            if ballot.state is not BallotState.OPEN:
                raise InvalidTransition(
                    f"ballot {ballot_id} is {ballot.state.value}, only an open ballot closes",
                    state=ballot.state.value,
                )
            votes = await self.ledger.effective(ballot_id)
            try:
                result = judge(ballot, votes)
            except TallyError as error:
                raise InvalidElectorate(str(error)) from None
            await connection.execute(
                "UPDATE ballots SET state = 'closed', closed_at_utc = ?, result = ? WHERE id = ?",
                (
                    to_db_time(self._now),
                    json.dumps(result_to_mapping(result), ensure_ascii=False),
                    ballot_id,
                ),
            )
            if numbered and takes_a_number(result):
                await self._number(connection, ballot, self._now.astimezone(zone).year)
            if ballot.secret:
                await self.ledger.seal(ballot_id)
            return await self._fetch(connection, ballot_id), result

    @staticmethod
    async def _number(connection: Connection, ballot: Ballot, year: int) -> None:
        cursor = await connection.execute(
            """SELECT coalesce(max(deliberation_sequence), 0) + 1 FROM ballots
               WHERE groupement_id = ? AND deliberation_year = ?""",
            (ballot.draft.groupement_id, year),
        )
        row = await cursor.fetchone()
        assert row is not None
        await connection.execute(
            "UPDATE ballots SET deliberation_year = ?, deliberation_sequence = ? WHERE id = ?",
            (year, row[0], ballot.id),
        )

    async def elect_the_oldest(
        self, ballot_id: int, birth_dates: Mapping[str, date]
    ) -> tuple[Ballot, TallyResult]:
        """End a tie at an election's third round: the oldest tied candidate is elected.

        The votes are not judged again: the kept result gains the birth dates and its winner.
        """
        async with self.database.transaction() as connection:
            ballot = await self._fetch(connection, ballot_id)
            if ballot.result is None or not ballot.result.awaiting_ages:
                raise InvalidTransition(
                    f"ballot {ballot_id} is no tied last round of an election",
                    state=ballot.state.value,
                )
            try:
                result = elect_the_oldest(ballot.result, birth_dates)
            except TallyError as error:
                raise InvalidOption(str(error)) from None
            await connection.execute(
                "UPDATE ballots SET result = ? WHERE id = ?",
                (json.dumps(result_to_mapping(result), ensure_ascii=False), ballot_id),
            )
            return await self._fetch(connection, ballot_id), result

    async def cancel(self, ballot_id: int) -> Ballot:
        self._open.pop(ballot_id, None)
        async with self.database.transaction() as connection:
            ballot = await self._fetch(connection, ballot_id)
            if ballot.state not in (BallotState.DRAFT, BallotState.OPEN):
                raise InvalidTransition(
                    f"ballot {ballot_id} is {ballot.state.value} and cannot be cancelled",
                    state=ballot.state.value,
                )
            await connection.execute(
                "UPDATE ballots SET state = 'cancelled', cancelled_at_utc = ? WHERE id = ?",
                (to_db_time(self._now), ballot_id),
            )
            if ballot.secret:
                await self.ledger.seal(ballot_id)
            return await self._fetch(connection, ballot_id)

    async def find(
        self,
        *,
        state: BallotState | None = None,
        groupement_id: str | None = None,
        meeting_id: int | None = None,
    ) -> list[Ballot]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("state", None if state is None else state.value),
            ("groupement_id", groupement_id),
            ("meeting_id", meeting_id),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        cursor = await self._reader.execute(f"SELECT * FROM ballots {where} ORDER BY id", params)
        return [ballot_from_row(row) for row in await cursor.fetchall()]

    async def latest(
        self,
        groupement_id: str,
        state: BallotState,
        *,
        instance_id: str | None = None,
        limit: int,
    ) -> list[Ballot]:
        """The groupement's (or one instance's) ``limit`` latest ballots in ``state``, newest
        first; only those rows are read and decoded."""
        instance = "" if instance_id is None else " AND instance_id = ?"
        params: list[Any] = [groupement_id, state.value]
        if instance_id is not None:
            params.append(instance_id)
        cursor = await self._reader.execute(
            f"SELECT * FROM ballots WHERE groupement_id = ? AND state = ?{instance} "
            "ORDER BY id DESC LIMIT ?",
            [*params, limit],
        )
        return [ballot_from_row(row) for row in await cursor.fetchall()]

    async def due_for_closing(self) -> list[Ballot]:
        """Open ballots whose deadline has passed, for the closing job."""
        cursor = await self._reader.execute(
            "SELECT * FROM ballots WHERE state = 'open' AND deadline_utc IS NOT NULL "
            "AND deadline_utc <= ? ORDER BY deadline_utc",
            (to_db_time(self._now),),
        )
        return [ballot_from_row(row) for row in await cursor.fetchall()]
