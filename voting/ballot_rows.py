"""A row of the ``ballots`` table read back as a :class:`~voting.ballot.Ballot`: the one place
that knows how each column is stored (JSON, UTC text, integers for flags)."""

from __future__ import annotations

import json

from voting.ballot import Ballot, BallotDraft, BallotMode, BallotState, DeliberationNumber
from voting.codec import electorate_from_mapping, result_from_mapping
from voting.db import Row, from_db_time
from voting.decision_rules import DecisionRule
from voting.rules import BallotKind, rules_from_mapping


def ballot_from_row(row: Row) -> Ballot:
    deadline = from_db_time(row["deadline_utc"])
    created_at = from_db_time(row["created_at_utc"])
    assert created_at is not None
    return Ballot(
        id=row["id"],
        draft=BallotDraft(
            groupement_id=row["groupement_id"],
            instance_id=row["instance_id"],
            question=row["question"],
            kind=BallotKind(row["kind"]),
            options=tuple(json.loads(row["options"])),
            mode=BallotMode(row["mode"]),
            allow_vote_change=bool(row["allow_vote_change"]),
            deadline=deadline,
            meeting_id=row["meeting_id"],
            created_by=row["created_by"],
            election_round=row["election_round"],
            decision_rule=None
            if row["decision_rule"] is None
            else DecisionRule(row["decision_rule"]),
        ),
        state=BallotState(row["state"]),
        created_at=created_at,
        opened_at=from_db_time(row["opened_at_utc"]),
        closed_at=from_db_time(row["closed_at_utc"]),
        cancelled_at=from_db_time(row["cancelled_at_utc"]),
        rules=rules_from_mapping(json.loads(row["rules"])) if row["rules"] else None,
        weight_table_id=row["weight_table_id"],
        electorate=electorate_from_mapping(json.loads(row["electorate"]))
        if row["electorate"]
        else None,
        chair=row["chair"],
        second_convocation=bool(row["second_convocation"]),
        result=result_from_mapping(json.loads(row["result"])) if row["result"] else None,
        deliberation=None
        if row["deliberation_sequence"] is None
        else DeliberationNumber(row["deliberation_year"], row["deliberation_sequence"]),
    )
