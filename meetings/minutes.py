"""Minutes (procès-verbal) of a meeting, and the record of a written consultation.

Both are built from the database alone: the meeting, its agenda, the replies to the
convocation, the attendance events, and each ballot's frozen electorate and stored result.
Nothing is taken from a bot's memory, so the minutes of a meeting read the same whenever
they are produced, and say what was decided rather than what would be decided today.

The wording lives in one place: :func:`document` turns minutes or a record into a list of
neutral blocks (headings, fields, tables, signatures...). :func:`render_markdown` writes
those blocks as Markdown and :mod:`meetings.minutes_pdf` draws them on A4 pages, so the two
formats cannot disagree. Everything is written in French, with French numbers and dates
("4,5 voix", "mardi 15 décembre 2026 à 14 h 00"), as DOMAIN.md requires of minutes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from config.models import Governance, GovernanceLookupError, Groupement, Instance, InstanceKind
from meetings.meeting import AgendaItem, AttendanceEvent, Meeting, MeetingState, ReplyKind
from meetings.presence import proxies_of, session_electorate
from meetings.schedule import clear_days_between
from meetings.scope import scope_of
from meetings.store import MeetingStore
from meetings.wording.explain import explain, option_label, quorum_line
from meetings.wording.formats import members as members_text
from meetings.wording.formats import moment as format_moment
from meetings.wording.formats import weight as format_weight
from voting.ballot import WRITTEN_CONSULTATION_QUORUM, Ballot, BallotMode, BallotState
from voting.electorate import Electorate
from voting.rules import QuorumCounts
from voting.store import BallotStore
from voting.tally import Count, Outcome, QuorumReport, TallyResult, quorum_report

LANGUAGE = "fr"

BallotChart = Callable[[Ballot, Mapping[str, str], Mapping[str, str], str], bytes]
"""``ballot_chart(ballot, votes, names, language)``: a PNG of one ballot's result."""
QuorumChart = Callable[[QuorumReport, str], bytes]
"""``quorum_chart(report, language)``: a PNG gauge of a quorum report."""


class MinutesUnavailable(Exception):
    """Nothing to write minutes of: the session never opened, or the ballot never did."""

    code = "minutes_unavailable"


# --- the data model ------------------------------------------------------------------------


class Presence(StrEnum):
    PRESENT = "present"
    REPRESENTED = "represented"
    EXCUSED = "excused"
    ABSENT = "absent"


@dataclass(frozen=True)
class Amount:
    """A number of members and the weight they carry."""

    heads: int
    weight: Decimal


@dataclass(frozen=True)
class MemberAttendance:
    member_id: str
    name: str
    weight: Decimal | None
    """None in an instance that does not vote."""
    presence: Presence
    by_video: bool = False
    proxy_holder: str | None = None
    """The name of the member that received this member's proxy."""
    proxy_exercised: bool = True
    """False when the proxy holder never attended: nobody could vote for this member."""
    arrived_at: datetime | None = None
    """Set only for an arrival after the opening of the session."""
    left_at: tuple[datetime, ...] = ()


@dataclass(frozen=True)
class AdvisoryAttendance:
    participant_id: str
    name: str
    by_video: bool


@dataclass(frozen=True)
class Movement:
    """An arrival or a departure after the session opened."""

    participant_id: str
    name: str
    arrived: bool
    at: datetime
    by_video: bool
    advisory: bool


@dataclass(frozen=True)
class OptionTotal:
    option: str
    label: str
    amount: Amount


@dataclass(frozen=True)
class VoteLine:
    """How one member voted in a public ballot (``option`` None: it did not take part)."""

    member_id: str
    name: str
    weight: Decimal
    option: str | None
    proxy_holder: str | None
    """The name of the member whose representative cast this vote by proxy."""


@dataclass(frozen=True)
class BallotResult:
    """A closed ballot's result, read from the mapping the ballot store kept at closing."""

    outcome: Outcome
    is_motion: bool
    totals: tuple[OptionTotal, ...]
    expressed: Amount
    voted: Amount
    electorate: Amount
    casting_vote_used: bool
    tie: bool
    secret: bool
    winner: str | None
    explanation: str
    quorum: QuorumReport
    quorum_text: str


@dataclass(frozen=True)
class Deliberation:
    number: int
    ballot: Ballot
    votes: Mapping[str, str]
    """Effective votes (kept for the chart, which shows only totals of a secret ballot)."""
    names: Mapping[str, str]
    agenda_position: int | None
    agenda_title: str | None
    result: BallotResult | None
    """None while the ballot is open, or when it was cancelled."""
    vote_lines: tuple[VoteLine, ...]
    """Empty for a secret ballot: its minutes give totals and participation only."""
    participation: Amount

    @property
    def question(self) -> str:
        return self.ballot.draft.question

    @property
    def secret(self) -> bool:
        return self.ballot.secret

    @property
    def state(self) -> BallotState:
        return self.ballot.state


@dataclass(frozen=True)
class Minutes:
    meeting_id: int
    draft: bool
    """True while the session is not closed: the document is a provisional project."""
    groupement_name: str
    instance_name: str
    instance_kind: InstanceKind
    voting: bool
    zone: ZoneInfo
    starts_at: datetime
    place: str | None
    video_link: str | None
    convened_at: datetime | None
    notice_days: int
    """The clear days of notice the convocation owed (the instance's, or 3 on a second one)."""
    urgent: bool
    urgency_reason: str | None
    second_convocation: bool
    first_meeting_at: datetime | None
    """For a second convocation: when the meeting without quorum took place."""
    opened_at: datetime
    closed_at: datetime | None
    chair_name: str | None
    secretary: str | None
    weight_table_id: str | None
    weight_table_from: date | None
    total: Amount
    members: tuple[MemberAttendance, ...]
    advisory: tuple[AdvisoryAttendance, ...]
    movements: tuple[Movement, ...]
    opening_quorum: QuorumReport | None
    agenda: tuple[AgendaItem, ...]
    deliberations: tuple[Deliberation, ...]

    def with_presence(self, presence: Presence) -> tuple[MemberAttendance, ...]:
        return tuple(m for m in self.members if m.presence is presence)

    @property
    def departures(self) -> tuple[Movement, ...]:
        return tuple(m for m in self.movements if not m.arrived and not m.advisory)


@dataclass(frozen=True)
class Elector:
    member_id: str
    name: str
    weight: Decimal
    took_part: bool


@dataclass(frozen=True)
class ConsultationRecord:
    """The record of a written consultation (a ballot held without a meeting)."""

    ballot: Ballot
    votes: Mapping[str, str]
    names: Mapping[str, str]
    draft: bool
    """True while the consultation is open."""
    groupement_name: str
    instance_name: str
    instance_kind: InstanceKind
    coordinator_name: str
    zone: ZoneInfo
    weight_table_from: date | None
    electors: tuple[Elector, ...]
    total: Amount
    participation: Amount
    required_members: int
    valid: bool
    result: BallotResult | None
    vote_lines: tuple[VoteLine, ...]

    @property
    def question(self) -> str:
        return self.ballot.draft.question


# --- building from the database -----------------------------------------------------------


def _chair_text(meeting: Meeting, groupement: Groupement) -> str | None:
    """``Marie Dupont (Région Grand Est)``: the person who signs, and the member it sits for."""
    chair = meeting.plan.chair
    member = None if chair is None else _name(groupement, chair)
    if meeting.plan.chair_name and member:
        return f"{meeting.plan.chair_name} ({member})"
    return meeting.plan.chair_name or member


def _name(groupement: Groupement, participant_id: str) -> str:
    try:
        return groupement.participant_name(participant_id)
    except GovernanceLookupError:
        # A participant since removed from the configuration still appears in old minutes.
        return participant_id


def _amount(count: Count) -> Amount:
    return Amount(count.heads, count.weight)


def _result_from(result: TallyResult) -> BallotResult:
    totals = tuple(
        OptionTotal(option, option_label(option, LANGUAGE), _amount(count))
        for option, count in result.totals.items()
    )
    return BallotResult(
        outcome=result.outcome,
        is_motion=result.is_motion,
        totals=totals,
        expressed=_amount(result.expressed),
        voted=_amount(result.voted),
        electorate=_amount(result.electorate),
        casting_vote_used=result.casting_vote_used,
        tie=result.tie,
        secret=result.secret,
        winner=result.winner,
        explanation=explain(result, LANGUAGE),
        quorum=result.quorum,
        quorum_text=quorum_line(result.quorum, LANGUAGE),
    )


def _vote_lines(
    electorate: Electorate,
    votes: Mapping[str, str],
    names: Mapping[str, str],
    *,
    written: bool,
) -> tuple[VoteLine, ...]:
    """Every member entitled to vote, in the weight table's order, and its vote if any.

    In a session, members neither present nor represented were not called and are left out;
    in a written consultation every member was consulted.
    """
    lines = []
    for member in electorate.members:
        if member not in votes and not written and not electorate.can_vote(member):
            continue
        holder = electorate.proxies.get(member)
        lines.append(
            VoteLine(
                member,
                names[member],
                electorate.weights[member],
                votes.get(member),
                None if holder is None else names.get(holder, holder),
            )
        )
    return tuple(lines)


def _agenda_match(agenda: Sequence[AgendaItem], question: str) -> tuple[int | None, str | None]:
    wanted = question.strip().casefold()
    for position, item in enumerate(agenda, start=1):
        if wanted in {(item.motion or "").strip().casefold(), item.title.strip().casefold()}:
            return position, item.title
    return None, None


async def _deliberations(
    meeting: Meeting, groupement: Groupement, ballots: BallotStore, *, draft: bool
) -> tuple[Deliberation, ...]:
    listed = (BallotState.CLOSED, BallotState.CANCELLED, BallotState.OPEN)
    held = [
        b
        for b in await ballots.find(groupement_id=groupement.id)
        if b.draft.meeting_id == meeting.id
        and b.state in listed
        and (draft or b.state is not BallotState.OPEN)
        # A ballot cancelled before it opened never reached the members: nothing to record.
        and b.opened_at is not None
    ]
    found = []
    for number, ballot in enumerate(held, start=1):
        assert ballot.electorate is not None
        votes = await ballots.effective_votes(ballot.id)
        names = {m: _name(groupement, m) for m in ballot.electorate.members}
        result = None
        if ballot.state is BallotState.CLOSED and ballot.result is not None:
            result = _result_from(ballot.result)
        lines: tuple[VoteLine, ...] = ()
        if result is not None and not ballot.secret:
            lines = _vote_lines(ballot.electorate, votes, names, written=False)
        position, title = _agenda_match(meeting.plan.agenda, ballot.draft.question)
        voted = Amount(len(votes), sum((ballot.electorate.weights[m] for m in votes), Decimal(0)))
        found.append(
            Deliberation(number, ballot, votes, names, position, title, result, lines, voted)
        )
    return tuple(found)


async def build_minutes(
    meeting_id: int,
    *,
    governance: Governance,
    meetings: MeetingStore,
    ballots: BallotStore,
) -> Minutes:
    """The minutes of a meeting whose session has opened (a draft until it closes)."""
    meeting = await meetings.get(meeting_id)
    opened_at = meeting.session_opened_at
    if meeting.state not in (MeetingState.IN_SESSION, MeetingState.CLOSED) or opened_at is None:
        raise MinutesUnavailable(
            f"meeting {meeting_id} is {meeting.state.value}: its session never opened"
        )
    groupement = governance.groupement(meeting.plan.groupement_id)
    instance = groupement.instance(meeting.plan.instance_id)
    draft = meeting.state is not MeetingState.CLOSED
    scope = scope_of(governance, meeting)
    in_force = None if scope.weight_table is None else (scope.weight_table.id, dict(scope.weights))
    weights: dict[str, Decimal] | None = None if in_force is None else in_force[1]
    member_ids = list(scope.members)
    replies = await meetings.replies(meeting_id)
    proxies = proxies_of(replies)
    events = await meetings.attendance_events(meeting_id)

    first_arrival: dict[str, AttendanceEvent] = {}
    departures: dict[str, list[datetime]] = {}
    present_at_opening: set[str] = set()
    movements: list[Movement] = []
    for event in events:
        if event.arrived:
            first_arrival.setdefault(event.participant_id, event)
        else:
            departures.setdefault(event.participant_id, []).append(event.at)
        if event.at <= opened_at:
            if event.arrived:
                present_at_opening.add(event.participant_id)
            else:
                present_at_opening.discard(event.participant_id)
        else:
            movements.append(
                Movement(
                    event.participant_id,
                    _name(groupement, event.participant_id),
                    event.arrived,
                    event.at,
                    event.by_video,
                    event.advisory,
                )
            )

    members = []
    for member in member_ids:
        weight = None if weights is None else weights[member]
        name = _name(groupement, member)
        arrival = first_arrival.get(member)
        reply = replies.get(member)
        if arrival is not None and not arrival.advisory:
            members.append(
                MemberAttendance(
                    member,
                    name,
                    weight,
                    Presence.PRESENT,
                    by_video=arrival.by_video,
                    arrived_at=arrival.at if arrival.at > opened_at else None,
                    left_at=tuple(departures.get(member, ())),
                )
            )
        elif (
            reply is not None
            and reply.kind is ReplyKind.PROXY
            and member in proxies
            # A proxy whose holder never sat was never exercised: the member was absent.
            and proxies[member] in first_arrival
        ):
            holder = proxies[member]
            members.append(
                MemberAttendance(
                    member,
                    name,
                    weight,
                    Presence.REPRESENTED,
                    proxy_holder=_name(groupement, holder),
                    proxy_exercised=holder in first_arrival,
                )
            )
        elif reply is not None and reply.kind is ReplyKind.EXCUSED:
            members.append(MemberAttendance(member, name, weight, Presence.EXCUSED))
        else:
            members.append(MemberAttendance(member, name, weight, Presence.ABSENT))

    advisory = tuple(
        AdvisoryAttendance(a.id, a.name, first_arrival[a.id].by_video)
        for a in groupement.advisory_for(instance.id)
        if a.id in first_arrival
    )

    opening_quorum = None
    table_from = None
    if weights is not None and in_force is not None:
        electorate = session_electorate(weights, replies, events, at=opened_at)
        opening_quorum = quorum_report(
            electorate, instance.voting_rules, meeting.second_convocation
        )
        table_from = groupement.weight_table(in_force[0]).effective_from

    first_meeting_at = None
    if meeting.plan.second_convocation_of is not None:
        first_meeting_at = (await meetings.get(meeting.plan.second_convocation_of)).plan.starts_at

    total_weight = sum(weights.values(), Decimal(0)) if weights is not None else Decimal(0)
    return Minutes(
        meeting_id=meeting.id,
        draft=draft,
        groupement_name=groupement.name,
        instance_name=instance.name,
        instance_kind=instance.kind,
        voting=instance.voting,
        zone=groupement.groupement.tzinfo,
        starts_at=meeting.plan.starts_at,
        place=meeting.plan.place,
        video_link=meeting.plan.video_link,
        convened_at=meeting.convened_at,
        notice_days=scope.notice_days,
        urgent=meeting.urgent,
        urgency_reason=meeting.urgency_reason,
        second_convocation=meeting.second_convocation,
        first_meeting_at=first_meeting_at,
        opened_at=opened_at,
        closed_at=meeting.session_closed_at,
        chair_name=_chair_text(meeting, groupement),
        secretary=meeting.plan.secretary,
        weight_table_id=None if in_force is None else in_force[0],
        weight_table_from=table_from,
        total=Amount(len(member_ids), total_weight),
        members=tuple(members),
        advisory=advisory,
        movements=tuple(movements),
        opening_quorum=opening_quorum,
        agenda=meeting.plan.agenda,
        deliberations=await _deliberations(meeting, groupement, ballots, draft=draft),
    )


async def build_consultation_record(
    ballot_id: int, *, governance: Governance, ballots: BallotStore
) -> ConsultationRecord:
    """The record of a written consultation that has opened (a draft until it closes)."""
    ballot = await ballots.get(ballot_id)
    if ballot.draft.mode is not BallotMode.WRITTEN:
        raise MinutesUnavailable(
            f"ballot {ballot_id} was held in a meeting: its record is the meeting's minutes"
        )
    electorate = ballot.electorate
    if electorate is None or ballot.opened_at is None:
        raise MinutesUnavailable(f"ballot {ballot_id} was never opened")
    groupement = governance.groupement(ballot.draft.groupement_id)
    instance: Instance = groupement.instance(ballot.draft.instance_id)
    votes = await ballots.effective_votes(ballot_id)
    names = {m: _name(groupement, m) for m in electorate.members}
    result = None
    if ballot.state is BallotState.CLOSED and ballot.result is not None:
        result = _result_from(ballot.result)
    total = Amount(len(electorate.weights), electorate.total_weight)
    participation = Amount(len(votes), sum((electorate.weights[m] for m in votes), Decimal(0)))
    if result is not None:
        # The validity test as it was judged at the close, from the stored result.
        required = result.quorum.required_members or 0
        valid = result.quorum.met
    else:
        threshold = WRITTEN_CONSULTATION_QUORUM.threshold
        assert threshold is not None
        required = threshold.minimum_heads(total.heads)
        valid = threshold.is_met(participation.heads, total.heads)
    lines: tuple[VoteLine, ...] = ()
    if result is not None and not ballot.secret:
        lines = _vote_lines(electorate, votes, names, written=True)
    table_from = None
    if ballot.weight_table_id is not None:
        try:
            table_from = groupement.weight_table(ballot.weight_table_id).effective_from
        except GovernanceLookupError:
            table_from = None
    return ConsultationRecord(
        ballot=ballot,
        votes=votes,
        names=names,
        draft=ballot.state is BallotState.OPEN,
        groupement_name=groupement.name,
        instance_name=instance.name,
        instance_kind=instance.kind,
        coordinator_name=_name(groupement, groupement.groupement.coordinator),
        zone=groupement.groupement.tzinfo,
        weight_table_from=table_from,
        electors=tuple(
            Elector(m, names[m], electorate.weights[m], m in votes) for m in electorate.members
        ),
        total=total,
        participation=participation,
        required_members=required,
        valid=valid,
        result=result,
        vote_lines=lines,
    )


# --- French wording ---------------------------------------------------------------------------

_BABEL_LOCALE = "fr_FR"


def voices(amount: Decimal) -> str:
    """``4,5 voix``: "voix" is the same in the singular and the plural."""
    return f"{format_weight(amount, LANGUAGE)} voix"


_FIRST_OF_MONTH = re.compile(r"(?<![\d,])1 (?=\w+ \d{4})")


def first_of_month(text: str) -> str:
    """``mardi 1er décembre 2026``: French writes the first day of a month as an ordinal."""
    return _FIRST_OF_MONTH.sub("1er ", text)


def day_text(moment: datetime, zone: ZoneInfo) -> str:
    """``mardi 15 décembre 2026``."""
    return first_of_month(
        format_datetime(moment.astimezone(zone), "EEEE d MMMM y", locale=_BABEL_LOCALE)
    )


def time_text(moment: datetime, zone: ZoneInfo) -> str:
    """``14 h 00``."""
    return format_datetime(moment.astimezone(zone), "H 'h' mm", locale=_BABEL_LOCALE)


def moment_text(moment: datetime, zone: ZoneInfo) -> str:
    """``mardi 15 décembre 2026 à 14 h 00``."""
    return first_of_month(format_moment(moment, LANGUAGE, zone))


def generated_text(generated_at: datetime, zone: ZoneInfo) -> str:
    """The only line that differs between two renderings of the same database."""
    return f"Document généré le {moment_text(generated_at, zone)}."


def _long_date(day: date) -> str:
    return first_of_month(
        format_datetime(
            datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("UTC")),
            "d MMMM y",
            locale=_BABEL_LOCALE,
        )
    )


def _instance_label(name: str, kind: InstanceKind) -> str:
    if kind is InstanceKind.OTHER or kind.value.casefold() in name.casefold():
        return name
    return f"{name} ({kind.value})"


def _quoted(text: str) -> str:
    return f"« {text.strip()} »"


def _heads(count: int) -> str:
    return members_text(count, LANGUAGE)


# --- the neutral document ---------------------------------------------------------------------


@dataclass(frozen=True)
class Title:
    text: str
    subtitles: tuple[str, ...]


@dataclass(frozen=True)
class Banner:
    """The provisional-document warning, printed prominently."""

    text: str
    detail: str


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    note: bool = False
    """A secondary remark, printed smaller."""


@dataclass(frozen=True)
class Fields:
    """Label / value pairs."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]
    """Relative column widths."""
    numeric: frozenset[int] = frozenset()
    """Columns aligned right."""
    bold_rows: frozenset[int] = frozenset()
    width: float = 1.0
    """Share of the line width: short tables of figures read better narrow."""


@dataclass(frozen=True)
class Items:
    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True)
class ChartSlot:
    """Where a chart goes in the PDF; the Markdown has the same figures as tables."""

    caption: str
    deliberation: Deliberation | None = None
    consultation: ConsultationRecord | None = None
    quorum: QuorumReport | None = None


@dataclass(frozen=True)
class Signatures:
    boxes: tuple[tuple[str, str], ...]
    """(role, name) for each signatory."""


@dataclass(frozen=True)
class Generated:
    text: str


Block = (
    Title
    | Banner
    | Heading
    | Paragraph
    | Fields
    | Table
    | Items
    | ChartSlot
    | Signatures
    | Generated
)


@dataclass(frozen=True)
class Document:
    title: str
    running_title: str
    """Printed in the page header: groupement and instance."""
    author: str
    draft: bool
    blocks: tuple[Block, ...]


DRAFT_BANNER = "PROJET — document provisoire"


def document(source: Minutes | ConsultationRecord, generated_at: datetime) -> Document:
    """The blocks both renderers draw, with the same words."""
    if generated_at.tzinfo is None:
        raise ValueError("generated_at must carry a time zone")
    if isinstance(source, Minutes):
        return _minutes_document(source, generated_at)
    return _record_document(source, generated_at)


def _presence_tables(minutes: Minutes) -> list[Block]:
    voting = minutes.voting
    blocks: list[Block] = []

    def weight(member: MemberAttendance) -> tuple[str, ...]:
        return (format_weight(member.weight, LANGUAGE),) if member.weight is not None else ()

    weight_header = ("Voix",) if voting else ()
    numeric = frozenset({1}) if voting else frozenset()

    summary_rows = []
    labels = {
        Presence.PRESENT: "Présents",
        Presence.REPRESENTED: "Représentés",
        Presence.EXCUSED: "Excusés",
        Presence.ABSENT: "Absents",
    }
    for presence, label in labels.items():
        group = minutes.with_presence(presence)
        row: tuple[str, ...] = (label, str(len(group)))
        if voting:
            row += (format_weight(sum((m.weight or 0 for m in group), Decimal(0)), LANGUAGE),)
        summary_rows.append(row)
    total_row: tuple[str, ...] = ("Total des membres", str(minutes.total.heads))
    if voting:
        total_row += (format_weight(minutes.total.weight, LANGUAGE),)
    summary_rows.append(total_row)
    blocks.append(
        Table(
            ("Catégorie", "Membres", *weight_header),
            tuple(summary_rows),
            (3, 1, 1) if voting else (3, 1),
            numeric=frozenset({1, 2}),
            bold_rows=frozenset({len(summary_rows) - 1}),
            width=0.6,
        )
    )

    present = minutes.with_presence(Presence.PRESENT)
    blocks.append(Heading("Membres présents", 2))
    if present:
        rows = []
        for member in present:
            remarks = []
            if member.arrived_at is not None:
                remarks.append(f"arrivée à {_clock(minutes, member.arrived_at)}")
            remarks.extend(f"départ à {_clock(minutes, at)}" for at in member.left_at)
            rows.append(
                (
                    member.name,
                    *weight(member),
                    "en visioconférence" if member.by_video else "en salle",
                    " ; ".join(remarks),
                )
            )
        blocks.append(
            Table(
                ("Membre", *weight_header, "Présence", "Observations"),
                tuple(rows),
                (9, 2, 4, 5) if voting else (9, 4, 5),
                numeric=numeric,
            )
        )
    else:
        blocks.append(Paragraph("Aucun."))

    represented = minutes.with_presence(Presence.REPRESENTED)
    blocks.append(Heading("Membres représentés", 2))
    if represented:
        rows = []
        for member in represented:
            holder = member.proxy_holder or ""
            if not member.proxy_exercised:
                holder += " (pouvoir non exercé : le mandataire n'a pas siégé)"
            rows.append((member.name, *weight(member), holder))
        blocks.append(
            Table(
                ("Membre", *weight_header, "Représenté par (pouvoir donné à)"),
                tuple(rows),
                (9, 2, 9) if voting else (9, 9),
                numeric=numeric,
            )
        )
    else:
        blocks.append(Paragraph("Aucun."))

    for presence, heading in (
        (Presence.EXCUSED, "Membres excusés"),
        (Presence.ABSENT, "Membres absents"),
    ):
        group = minutes.with_presence(presence)
        blocks.append(Heading(heading, 2))
        if group:
            blocks.append(
                Table(
                    ("Membre", *weight_header),
                    tuple((m.name, *weight(m)) for m in group),
                    (9, 2) if voting else (1,),
                    numeric=numeric,
                )
            )
        else:
            blocks.append(Paragraph("Aucun."))

    blocks.append(Heading("Participants à titre consultatif présents", 2))
    if minutes.advisory:
        blocks.append(
            Items(
                tuple(
                    f"{a.name} — {'en visioconférence' if a.by_video else 'en salle'}"
                    for a in minutes.advisory
                )
            )
        )
        blocks.append(
            Paragraph("Ils assistent à la séance sans prendre part aux votes.", note=True)
        )
    else:
        blocks.append(Paragraph("Aucun."))

    blocks.append(Heading("Arrivées et départs en cours de séance", 2))
    if minutes.movements:
        rows = []
        for movement in minutes.movements:
            if movement.arrived:
                what = "arrivée " + ("en visioconférence" if movement.by_video else "en salle")
            else:
                what = "départ"
            rows.append((_clock(minutes, movement.at), movement.name, what))
        blocks.append(Table(("Heure", "Participant", "Mouvement"), tuple(rows), (2, 9, 4)))
    else:
        blocks.append(Paragraph("Aucun mouvement après l'ouverture de la séance."))
    return blocks


def _clock(minutes: Minutes, moment: datetime) -> str:
    """The time alone on the meeting's day, the full date otherwise (a session past midnight)."""
    zone = minutes.zone
    if moment.astimezone(zone).date() == minutes.opened_at.astimezone(zone).date():
        return time_text(moment, zone)
    return moment_text(moment, zone)


def _convocation_fields(minutes: Minutes) -> list[tuple[str, str]]:
    zone = minutes.zone
    which = "Seconde convocation" if minutes.second_convocation else "Première convocation"
    if minutes.convened_at is None:
        rows = [("Convocation", f"{which} : aucune convocation n'est enregistrée.")]
    else:
        # The notice is worked out from the dates on record, not assumed from the state.
        clear = clear_days_between(minutes.convened_at, minutes.starts_at, zone)
        sent = (
            f", adressée le {moment_text(minutes.convened_at, zone)}, "
            f"{clear} jour{'s' if clear > 1 else ''} franc{'s' if clear > 1 else ''} "
            "avant la séance"
        )
        if minutes.urgent:
            delay = (
                " : en urgence (délai abrégé ; délai ordinaire de "
                f"{minutes.notice_days} jours francs)"
            )
        elif clear >= minutes.notice_days:
            delay = f" : délai de {minutes.notice_days} jours francs respecté"
        else:
            delay = f" : délai de {minutes.notice_days} jours francs non respecté"
        rows = [("Convocation", f"{which}{sent}{delay}.")]
    if minutes.urgent:
        reason = minutes.urgency_reason or "non précisé"
        rows.append(
            ("Motif de l'urgence", f"{reason.strip()} (exposé à l'ouverture de la séance).")
        )
    if minutes.second_convocation:
        earlier = (
            f"la réunion du {moment_text(minutes.first_meeting_at, zone)}"
            if minutes.first_meeting_at is not None
            else "la première réunion"
        )
        rows.append(
            (
                "Quorum",
                f"Le quorum n'ayant pas été atteint lors de {earlier}, l'instance, de nouveau "
                "convoquée avec le même ordre du jour, délibère valablement sans condition "
                "de quorum.",
            )
        )
    return rows


def _result_blocks(
    result: BallotResult,
    vote_lines: Sequence[VoteLine],
    chart: ChartSlot,
    *,
    secret: bool,
    written: bool,
) -> list[Block]:
    """Totals, casting vote, decision, who voted what (public ballots only), then the chart."""
    rows = [
        (t.label, str(t.amount.heads), format_weight(t.amount.weight, LANGUAGE))
        for t in result.totals
    ]
    expressed_row = len(rows)
    rows.append(
        (
            "Suffrages exprimés",
            str(result.expressed.heads),
            format_weight(result.expressed.weight, LANGUAGE),
        )
    )
    rows.append(
        (
            "Votants",
            f"{result.voted.heads} sur {result.electorate.heads}",
            f"{format_weight(result.voted.weight, LANGUAGE)} sur "
            f"{format_weight(result.electorate.weight, LANGUAGE)}",
        )
    )
    blocks: list[Block] = [
        Table(
            ("Résultat", "Membres", "Voix"),
            tuple(rows),
            (3, 2, 2),
            numeric=frozenset({1, 2}),
            bold_rows=frozenset({expressed_row}),
            width=0.7,
        )
    ]
    if result.is_motion:
        blocks.append(
            Paragraph(
                "Les abstentions ne sont pas comptées dans les suffrages exprimés.", note=True
            )
        )
    if result.casting_vote_used:
        blocks.append(
            Paragraph(
                "Voix prépondérante : les voix étant également partagées, le président "
                "de séance a fait usage de sa voix prépondérante.",
                bold=True,
            )
        )
    elif result.tie and secret:
        blocks.append(
            Paragraph(
                "Partage égal des voix : la voix prépondérante du président ne s'applique "
                "pas à un scrutin secret."
            )
        )
    elif result.tie:
        blocks.append(Paragraph("Partage égal des voix, sans voix prépondérante."))
    elif written:
        blocks.append(Paragraph("Voix prépondérante : non utilisée."))
    else:
        blocks.append(Paragraph("Voix prépondérante du président : non utilisée."))
    blocks.append(Paragraph(_decision(result, written=written), bold=True))
    if not (written and result.outcome is Outcome.NO_QUORUM):
        # A consultation's validity is stated in figures above, in its own words.
        blocks.append(Paragraph(result.explanation))
    if secret:
        blocks.append(
            Paragraph(
                "Scrutin secret : seuls les totaux et la participation sont consignés.",
                note=True,
            )
        )
    elif vote_lines:
        detail = []
        for line in vote_lines:
            remark = ""
            if line.proxy_holder is not None:
                remark = f"par pouvoir, exercé par : {line.proxy_holder}"
            if line.option is None:
                vote = "—"
                remark = "n'a pas répondu" if written else "ne prend pas part au vote"
            else:
                vote = option_label(line.option, LANGUAGE)
            detail.append((line.name, format_weight(line.weight, LANGUAGE), vote, remark))
        blocks.append(Paragraph("Détail des votes (scrutin public) :", bold=True))
        blocks.append(
            Table(
                ("Membre", "Voix", "Vote", "Observations"),
                tuple(detail),
                (8, 2, 3, 7),
                numeric=frozenset({1}),
            )
        )
    # Last: the chart illustrates figures already recorded above, and a chart that
    # moves to the next page then leaves no gap inside the record itself.
    blocks.append(chart)
    return blocks


def _decision(result: BallotResult, *, written: bool) -> str:
    if result.outcome is Outcome.NO_QUORUM:
        if written:
            return "Consultation non valable : la proposition n'est pas adoptée."
        return "Quorum non atteint : la délibération n'a pas pu être valablement adoptée."
    if not result.is_motion:
        if result.winner is not None:
            return f"Choix retenu : {_quoted(result.winner)}."
        return "Aucun choix n'est retenu."
    subject = "La proposition" if written else "La délibération"
    verdict = "adoptée" if result.outcome is Outcome.ADOPTED else "rejetée"
    return f"{subject} est {verdict}."


def _deliberation_blocks(minutes: Minutes, deliberation: Deliberation) -> list[Block]:
    heading = f"Délibération n° {deliberation.number}"
    if deliberation.agenda_position is not None:
        heading += f" — point {deliberation.agenda_position} de l'ordre du jour"
    blocks: list[Block] = [Heading(heading, 2)]
    ballot = deliberation.ballot
    kind = "Scrutin secret" if deliberation.secret else "Scrutin public (vote nominatif)"
    fields = [("Question", _quoted(deliberation.question)), ("Mode de scrutin", kind)]
    if ballot.opened_at is not None:
        fields.append(("Ouverture du scrutin", _clock(minutes, ballot.opened_at)))
    if deliberation.state is BallotState.CANCELLED:
        when = (
            f" à {_clock(minutes, ballot.cancelled_at)}" if ballot.cancelled_at is not None else ""
        )
        fields.append(("État", f"Scrutin annulé{when} ; il n'a pas de résultat."))
        return [*blocks, Fields(tuple(fields))]
    if deliberation.state is BallotState.OPEN or deliberation.result is None:
        fields.append(
            (
                "État",
                "Scrutin en cours ; votes reçus à ce stade : "
                f"{_heads(deliberation.participation.heads)} "
                f"sur {len(ballot.electorate.weights) if ballot.electorate else 0}. "
                "Le résultat n'est pas encore proclamé.",
            )
        )
        return [*blocks, Fields(tuple(fields))]
    result = deliberation.result
    if ballot.closed_at is not None:
        fields.append(("Clôture du scrutin", _clock(minutes, ballot.closed_at)))
    fields.append(("Vérification du quorum", result.quorum_text + "."))
    blocks.append(Fields(tuple(fields)))
    chart = ChartSlot(
        f"Délibération n° {deliberation.number} : répartition des voix",
        deliberation=deliberation,
    )
    blocks.extend(
        _result_blocks(
            result, deliberation.vote_lines, chart, secret=deliberation.secret, written=False
        )
    )
    return blocks


def _minutes_document(minutes: Minutes, generated_at: datetime) -> Document:
    zone = minutes.zone
    instance = _instance_label(minutes.instance_name, minutes.instance_kind)
    blocks: list[Block] = [
        Title(
            "Procès-verbal de séance",
            (
                minutes.groupement_name,
                instance,
                f"Séance du {moment_text(minutes.starts_at, zone)}",
            ),
        )
    ]
    if minutes.draft:
        blocks.append(
            Banner(
                DRAFT_BANNER,
                "La séance n'est pas levée : ce procès-verbal n'est ni définitif ni signé.",
            )
        )

    blocks.append(Heading("1. La séance"))
    fields: list[tuple[str, str]] = [
        ("Groupement", minutes.groupement_name),
        ("Instance", instance),
        ("Date", day_text(minutes.starts_at, zone)),
        ("Heure", time_text(minutes.starts_at, zone)),
        ("Lieu", minutes.place or "réunion tenue en visioconférence"),
    ]
    if minutes.video_link:
        fields.append(("Visioconférence", minutes.video_link))
    fields.extend(_convocation_fields(minutes))
    fields.append(("Ouverture de la séance", _clock(minutes, minutes.opened_at)))
    fields.append(
        (
            "Levée de la séance",
            _clock(minutes, minutes.closed_at)
            if minutes.closed_at is not None
            else "séance en cours",
        )
    )
    fields.append(("Président de séance", minutes.chair_name or "non désigné"))
    fields.append(("Secrétaire de séance", minutes.secretary or "non désigné"))
    if minutes.voting and minutes.weight_table_id is not None:
        since = (
            f", en vigueur depuis le {_long_date(minutes.weight_table_from)}"
            if minutes.weight_table_from is not None
            else ""
        )
        fields.append(
            (
                "Pondération des voix",
                f"{_heads(minutes.total.heads)}, {voices(minutes.total.weight)} au total "
                f"(table {_quoted(minutes.weight_table_id)}{since}).",
            )
        )
    blocks.append(Fields(tuple(fields)))

    blocks.append(Heading("2. Présences"))
    blocks.extend(_presence_tables(minutes))

    blocks.append(Heading("3. Quorum"))
    if minutes.opening_quorum is not None:
        blocks.append(
            Paragraph(f"À l'ouverture de la séance ({_clock(minutes, minutes.opened_at)}) :")
        )
        blocks.append(Paragraph(quorum_line(minutes.opening_quorum, LANGUAGE) + ".", bold=True))
        if minutes.opening_quorum.counts is QuorumCounts.PRESENT_OR_REPRESENTED:
            blocks.append(
                Paragraph(
                    "Les membres présents en visioconférence comptent comme présents ; "
                    "un membre représenté compte par le pouvoir qu'il a donné.",
                    note=True,
                )
            )
        blocks.append(ChartSlot("Quorum à l'ouverture de la séance", quorum=minutes.opening_quorum))
        if minutes.deliberations:
            blocks.append(
                Paragraph(
                    "Le quorum est vérifié de nouveau à l'ouverture de chaque scrutin "
                    "(voir chaque délibération).",
                    note=True,
                )
            )
    else:
        blocks.append(
            Paragraph(
                f"Sans objet : le {minutes.instance_name} ne délibère pas par vote ; "
                "aucun quorum n'est requis."
            )
        )

    blocks.append(Heading("4. Ordre du jour"))
    if minutes.agenda:
        blocks.append(
            Items(
                tuple(
                    item.title
                    + (f" — mise aux voix : {_quoted(item.motion)}" if item.motion else "")
                    for item in minutes.agenda
                ),
                numbered=True,
            )
        )
    else:
        blocks.append(Paragraph("Aucun point n'a été inscrit à l'ordre du jour."))

    blocks.append(Heading("5. Délibérations"))
    if minutes.deliberations:
        for deliberation in minutes.deliberations:
            blocks.extend(_deliberation_blocks(minutes, deliberation))
    else:
        blocks.append(Paragraph("Aucune question n'a été mise aux voix au cours de la séance."))

    blocks.append(Heading("6. Clôture"))
    if minutes.closed_at is not None:
        blocks.append(
            Paragraph(
                "L'ordre du jour étant épuisé, le président lève la séance à "
                f"{_clock(minutes, minutes.closed_at)}."
            )
        )
    else:
        blocks.append(Paragraph("La séance est en cours ; ce document sera complété à sa levée."))
    blocks.append(
        Signatures(
            (
                ("Le président de séance", minutes.chair_name or ""),
                ("Le secrétaire de séance", minutes.secretary or ""),
            )
        )
    )
    blocks.append(Generated(generated_text(generated_at, zone)))
    day = day_text(minutes.starts_at, zone)
    return Document(
        title=f"Procès-verbal — {minutes.instance_name} du {day}",
        running_title=f"{minutes.groupement_name} — {instance}",
        author=minutes.groupement_name,
        draft=minutes.draft,
        blocks=tuple(blocks),
    )


def _record_document(record: ConsultationRecord, generated_at: datetime) -> Document:
    zone = record.zone
    ballot = record.ballot
    instance = _instance_label(record.instance_name, record.instance_kind)
    blocks: list[Block] = [
        Title(
            "Relevé de consultation écrite",
            (record.groupement_name, instance, f"Consultation n° {ballot.id}"),
        )
    ]
    if record.draft:
        blocks.append(
            Banner(
                DRAFT_BANNER,
                "La consultation est ouverte : ce relevé n'est ni définitif ni signé.",
            )
        )
    blocks.append(Heading("1. La consultation"))
    fields: list[tuple[str, str]] = [
        ("Groupement", record.groupement_name),
        ("Instance", instance),
        ("Question", _quoted(record.question)),
        (
            "Mode de scrutin",
            "Scrutin secret" if ballot.secret else "Scrutin public (vote nominatif)",
        ),
    ]
    assert ballot.opened_at is not None
    fields.append(("Ouverture", moment_text(ballot.opened_at, zone)))
    if ballot.draft.deadline is not None:
        fields.append(("Date limite", moment_text(ballot.draft.deadline, zone)))
    if ballot.closed_at is not None:
        fields.append(("Clôture", moment_text(ballot.closed_at, zone)))
    elif ballot.cancelled_at is not None:
        fields.append(("Annulation", moment_text(ballot.cancelled_at, zone)))
    else:
        fields.append(("Clôture", "consultation en cours"))
    if ballot.weight_table_id is not None:
        since = (
            f", en vigueur depuis le {_long_date(record.weight_table_from)}"
            if record.weight_table_from is not None
            else ""
        )
        fields.append(
            (
                "Pondération des voix",
                f"{_heads(record.total.heads)}, {voices(record.total.weight)} au total "
                f"(table {_quoted(ballot.weight_table_id)}{since}).",
            )
        )
    blocks.append(Fields(tuple(fields)))

    blocks.append(Heading("2. Membres consultés"))
    blocks.append(
        Table(
            ("Membre", "Voix", "A pris part au vote"),
            tuple(
                (e.name, format_weight(e.weight, LANGUAGE), "oui" if e.took_part else "non")
                for e in record.electors
            ),
            (9, 2, 4),
            numeric=frozenset({1}),
        )
    )

    blocks.append(Heading("3. Validité"))
    participation = (
        f"{_heads(record.participation.heads)} sur {record.total.heads} "
        f"({voices(record.participation.weight)} sur "
        f"{format_weight(record.total.weight, LANGUAGE)})"
    )
    rule = (
        "Une consultation écrite n'est valable que si au moins la moitié des membres y "
        f"prennent part, soit au moins {_heads(record.required_members)} sur "
        f"{record.total.heads}."
    )
    blocks.append(Paragraph(rule))
    if record.draft:
        verdict = f"À ce stade, {participation} ont pris part au vote : le seuil est " + (
            "atteint." if record.valid else "non atteint."
        )
    elif ballot.state is BallotState.CANCELLED:
        verdict = (
            f"{participation} avaient pris part au vote lorsque la consultation a été annulée."
        )
    else:
        verdict = f"{participation} ont pris part au vote : la consultation est " + (
            "valable." if record.valid else "non valable."
        )
    blocks.append(Paragraph(verdict[0].upper() + verdict[1:], bold=True))

    blocks.append(Heading("4. Résultat"))
    result = record.result
    if result is not None:
        chart = ChartSlot("Répartition des voix", consultation=record)
        blocks.extend(
            _result_blocks(result, record.vote_lines, chart, secret=ballot.secret, written=True)
        )
    elif ballot.state is BallotState.CANCELLED:
        blocks.append(Paragraph("La consultation a été annulée ; elle n'a pas de résultat."))
    else:
        blocks.append(
            Paragraph("La consultation est en cours ; le résultat sera établi à sa clôture.")
        )
    blocks.append(Signatures((("Pour le coordonnateur du groupement", record.coordinator_name),)))
    blocks.append(Generated(generated_text(generated_at, zone)))
    return Document(
        title=f"Relevé de consultation écrite n° {ballot.id} — {record.instance_name}",
        running_title=f"{record.groupement_name} — {instance}",
        author=record.groupement_name,
        draft=record.draft,
        blocks=tuple(blocks),
    )


# --- Markdown ---------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown_block(block: Block) -> list[str]:
    if isinstance(block, Title):
        return [f"# {block.text}", "", *(f"**{line}**  " for line in block.subtitles), ""]
    if isinstance(block, Banner):
        return [f"> **{block.text}**", ">", f"> {block.detail}", ""]
    if isinstance(block, Heading):
        return [f"{'#' * (block.level + 1)} {block.text}", ""]
    if isinstance(block, Paragraph):
        if block.bold:
            return [f"**{block.text}**", ""]
        return [f"_{block.text}_" if block.note else block.text, ""]
    if isinstance(block, Fields):
        return [*(f"- **{label}** : {value}" for label, value in block.rows), ""]
    if isinstance(block, Table):
        lines = [
            "| " + " | ".join(_cell(h) for h in block.header) + " |",
            "|"
            + "|".join(
                " ---: |" if i in block.numeric else " --- |" for i in range(len(block.header))
            ).replace("||", "|"),
        ]
        for index, row in enumerate(block.rows):
            cells = [_cell(c) for c in row]
            if index in block.bold_rows:
                cells = [f"**{c}**" if c else c for c in cells]
            lines.append("| " + " | ".join(cells) + " |")
        return [*lines, ""]
    if isinstance(block, Items):
        if block.numbered:
            return [*(f"{n}. {item}" for n, item in enumerate(block.items, start=1)), ""]
        return [*(f"- {item}" for item in block.items), ""]
    if isinstance(block, ChartSlot):
        # The figures are already in the tables; a chart adds nothing a text reader needs.
        return []
    if isinstance(block, Signatures):
        roles = " | ".join(_cell(role) for role, _ in block.boxes)
        names = " | ".join(_cell(name) or " " for _, name in block.boxes)
        rules = " | ".join("Signature :" for _ in block.boxes)
        return [
            f"| {roles} |",
            "|" + " --- |" * len(block.boxes),
            f"| {names} |",
            f"| {rules} |",
            "",
        ]
    return [f"_{block.text}_", ""]


def render_markdown(source: Minutes | ConsultationRecord, generated_at: datetime) -> str:
    """The minutes or the record as Markdown (French, headings and tables)."""
    lines: list[str] = []
    for block in document(source, generated_at).blocks:
        lines.extend(_markdown_block(block))
    return "\n".join(lines).rstrip("\n") + "\n"


def render_pdf(
    source: Minutes | ConsultationRecord,
    generated_at: datetime,
    charts: bool = True,
    ballot_chart: BallotChart | None = None,
    quorum_chart: QuorumChart | None = None,
) -> bytes:
    """The minutes or the record as an A4 PDF; see :func:`meetings.minutes_pdf.render_pdf`."""
    # Imported here: minutes_pdf builds on this module's blocks, and only the PDF needs fpdf.
    from meetings import minutes_pdf

    return minutes_pdf.render_pdf(
        source, generated_at, charts=charts, ballot_chart=ballot_chart, quorum_chart=quorum_chart
    )
