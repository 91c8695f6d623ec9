"""The archive's tables as rows of text, from the domain objects alone: pure, no I/O.

Values are stable codes (``present``, ``secret``, ``adopted``), ids beside names, amounts as
plain decimals (``4.5``) and times in ISO 8601, in UTC and in the groupement's local time, so
that a spreadsheet and a script read the same thing. A secret ballot gives its totals (each
option's weight, never its headcount, and nothing at all where its instance publishes the
outcome only) and no row that names a member beside a choice.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from meetings.meeting import Meeting, Reply
from meetings.minutes.model import (
    ConsultationRecord,
    Deliberation,
    MemberAttendance,
    Minutes,
    Presence,
    VoteLine,
)
from meetings.wording.formats import Name
from voting.ballot import Ballot, BallotMode
from voting.tally import Count, TallyResult

Row = tuple[str, ...]

ATTENDANCE_HEADER: Row = (
    "meeting",
    "date",
    "instance",
    "member_id",
    "member",
    "capacity",
    "weight",
    "representative",
    "representative_role",
    "reply",
    "presence",
    "by_video",
    "proxy_to_id",
    "proxy_to",
)
BALLOTS_HEADER: Row = (
    "ballot",
    "deliberation",
    "held_in",
    "meeting",
    "instance",
    "question",
    "kind",
    "election_round",
    "state",
    "opened_utc",
    "opened_local",
    "closed_utc",
    "closed_local",
    "cancelled_utc",
    "weight_table",
    "electorate_members",
    "electorate_weight",
    "voted_members",
    "voted_weight",
    "quorum_met",
    "expressed_weight",
    "totals",
    "outcome",
    "winner",
    "casting_vote",
)
VOTES_HEADER: Row = (
    "ballot",
    "deliberation",
    "held_in",
    "meeting",
    "member_id",
    "member",
    "weight",
    "option",
    "cast_by_proxy_holder_id",
    "receipt",
)


@dataclass(frozen=True)
class BallotFacts:
    """A ballot with what its minutes or its record say of it."""

    ballot: Ballot
    result: TallyResult | None
    participation: Count
    outcome_only: bool
    vote_lines: tuple[VoteLine, ...]
    names: Mapping[str, Name]


def facts_of(item: Deliberation | ConsultationRecord) -> BallotFacts:
    return BallotFacts(
        item.ballot,
        item.result,
        item.participation,
        item.outcome_only,
        item.vote_lines,
        item.names,
    )


def amount(value: Decimal) -> str:
    """``4.5``, ``15``: the decimal as written, without exponent or trailing zeros."""
    return format(value.normalize(), "f")


def utc_text(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_text(moment: datetime | None, zone: ZoneInfo) -> str:
    return "" if moment is None else moment.astimezone(zone).isoformat(timespec="seconds")


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _member_row(
    head: Row, member: MemberAttendance, reply: Reply | None, ids: Mapping[Name, str]
) -> Row:
    sitter = member.sitter
    holder = member.proxy_holder
    return (
        *head,
        member.member_id,
        str(member.name),
        "member",
        "" if member.weight is None else amount(member.weight),
        "" if sitter is None else sitter.name,
        "" if sitter is None else sitter.role.value,
        "" if reply is None else reply.kind.value,
        member.presence.value,
        _yes_no(member.by_video) if member.presence is Presence.PRESENT else "",
        "" if holder is None else ids.get(holder, ""),
        "" if holder is None else str(holder),
    )


def attendance_rows(
    meeting: Meeting, minutes: Minutes, replies: Mapping[str, Reply], zone: ZoneInfo
) -> list[Row]:
    """One row per member convened, then one per advisory participant who came."""
    day = meeting.plan.starts_at.astimezone(zone).date().isoformat()
    ids = {m.name: m.member_id for m in minutes.members}
    rows = []
    for member in minutes.members:
        head = (str(meeting.id), day, meeting.plan.instance_id)
        rows.append(_member_row(head, member, replies.get(member.member_id), ids))
    for advisory in minutes.advisory:
        sitter = advisory.sitter
        rows.append(
            (
                str(meeting.id),
                day,
                meeting.plan.instance_id,
                advisory.participant_id,
                str(advisory.name),
                "advisory",
                "",
                "" if sitter is None else sitter.name,
                "" if sitter is None else sitter.role.value,
                "",
                "present",
                _yes_no(advisory.by_video),
                "",
                "",
            )
        )
    return rows


def _held_in(ballot: Ballot) -> Row:
    if ballot.draft.mode is BallotMode.WRITTEN:
        return ("written_consultation", "")
    meeting = ballot.draft.meeting_id
    return ("meeting", "" if meeting is None else str(meeting))


def totals_text(result: TallyResult) -> str:
    """``for=4.5/1 | against=4.5/4``: weight/headcount; a secret ballot's weight alone."""
    parts = []
    for option in result.options:
        count = result.totals.get(option, Count())
        heads = "" if result.secret else f"/{count.heads}"
        parts.append(f"{option}={amount(count.weight)}{heads}")
    return " | ".join(parts)


def _result_cells(facts: BallotFacts) -> Row:
    result = facts.result
    if result is None:
        return ("",) * 6
    figures = not facts.outcome_only
    return (
        _yes_no(result.quorum.met),
        amount(result.expressed.weight) if figures else "",
        totals_text(result) if figures else "",
        result.outcome.value,
        result.winner or "",
        _yes_no(result.casting_vote_used),
    )


def ballot_row(facts: BallotFacts, zone: ZoneInfo) -> Row:
    ballot = facts.ballot
    electorate = ballot.electorate
    round_number = ballot.draft.election_round
    return (
        str(ballot.id),
        ballot.reference or "",
        *_held_in(ballot),
        ballot.draft.instance_id,
        ballot.draft.question,
        ballot.draft.kind.value,
        "" if round_number is None else str(round_number),
        ballot.state.value,
        utc_text(ballot.opened_at),
        local_text(ballot.opened_at, zone),
        utc_text(ballot.closed_at),
        local_text(ballot.closed_at, zone),
        utc_text(ballot.cancelled_at),
        ballot.weight_table_id or "",
        "" if electorate is None else str(len(electorate.weights)),
        "" if electorate is None else amount(electorate.total_weight),
        str(facts.participation.heads),
        amount(facts.participation.weight),
        *_result_cells(facts),
    )


def vote_rows(facts: BallotFacts) -> list[Row]:
    """Who voted what in a closed public ballot; nothing for a secret one."""
    ballot = facts.ballot
    if ballot.secret or facts.result is None:
        return []
    ids = {name: member for member, name in facts.names.items()}
    return [
        (
            str(ballot.id),
            ballot.reference or "",
            *_held_in(ballot),
            line.member_id,
            str(line.name),
            amount(line.weight),
            line.option,
            "" if line.proxy_holder is None else ids.get(line.proxy_holder, ""),
            line.receipt or "",
        )
        for line in facts.vote_lines
        if line.option is not None
    ]


def csv_bytes(header: Row, rows: Sequence[Row]) -> bytes:
    """UTF-8 with a byte-order mark (so a spreadsheet reads the accents), CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
