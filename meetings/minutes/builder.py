"""From the database to the minutes: what was decided, read back from what the stores kept.

The meeting, its agenda, the replies to the convocation, the attendance events and each
ballot's frozen electorate and stored result: nothing is taken from a bot's memory, so the
minutes of a meeting read the same whenever they are produced, and say what was decided
rather than what would be decided today. Who was there is worked out by
:mod:`meetings.presence` and what the configuration says by :mod:`meetings.scope`, as for
the session itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from config.models import Governance, GovernanceLookupError, Groupement, WeightTable
from meetings.disclosure import outcome_only
from meetings.document_store import DocumentStore
from meetings.meeting import (
    AgendaItem,
    AttendanceEvent,
    ChairDesignation,
    Convocation,
    Meeting,
    MeetingState,
    Reply,
    ReplyKind,
    RulingSubject,
    SessionProxy,
    agenda_position,
    unreached_members,
)
from meetings.minutes.documents_sent import documents_sent
from meetings.minutes.model import (
    AdvisoryAttendance,
    Chair,
    ChairDesignated,
    ConsultationRecord,
    Deliberation,
    Elector,
    LateConvened,
    MemberAttendance,
    Minutes,
    Movement,
    Presence,
    ProxyChange,
    Sitter,
    Undelivered,
    UrgencyRuled,
    VoteLine,
)
from meetings.minutes.seals import seal_of, with_receipts
from meetings.minutes.sitters import sitter_of
from meetings.notice import late_deliveries, owed_notice
from meetings.presence import attendance_at, proxies_of, session_electorate
from meetings.presiding import UrgencyRuling, chair_absent, urgency_ruling, urgency_void
from meetings.roster import Roster
from meetings.scope import MeetingScope, scope_of
from meetings.session_store import SessionStore
from meetings.store import MeetingStore
from meetings.wording.formats import Name, name_of
from voting.ballot import WRITTEN_CONSULTATION_QUORUM, Ballot, BallotMode, BallotState
from voting.electorate import Electorate
from voting.refusal import Refused
from voting.store import BallotStore
from voting.tally import Count, QuorumReport, count_of, quorum_report


class MinutesUnavailable(Refused):
    """Nothing to write minutes of: the session never opened, or the ballot never did."""

    code = "minutes_unavailable"


# --- who was there ------------------------------------------------------------------------


def _first_arrivals(events: Sequence[AttendanceEvent]) -> dict[str, AttendanceEvent]:
    arrivals: dict[str, AttendanceEvent] = {}
    for event in events:
        if event.arrived:
            arrivals.setdefault(event.participant_id, event)
    return arrivals


def _departures(events: Sequence[AttendanceEvent]) -> dict[str, tuple[datetime, ...]]:
    found: dict[str, list[datetime]] = {}
    for departure in attendance_at(events).departures:
        found.setdefault(departure.member_id, []).append(departure.at)
    return {member: tuple(times) for member, times in found.items()}


def _proxies_given(
    replies: Mapping[str, Reply], session_proxies: Sequence[SessionProxy]
) -> dict[str, tuple[str, datetime, bool]]:
    """giver -> (holder, when, during the session): the latest proxy each member gave.

    A proxy revoked during the session still represented its giver until then: the
    arrivals and departures table gives the times.
    """
    given = {
        member: (holder, replies[member].replied_at, False)
        for member, holder in proxies_of(replies).items()
    }
    for change in session_proxies:
        if change.holder is not None:
            given[change.giver] = (change.holder, change.at, True)
    return given


def _members(
    scope: MeetingScope,
    replies: Mapping[str, Reply],
    events: Sequence[AttendanceEvent],
    opened_at: datetime,
    sitters: Mapping[str, Sitter | None],
    session_proxies: Sequence[SessionProxy] = (),
) -> tuple[MemberAttendance, ...]:
    """Each member convened: present if it ever sat, else represented, excused or absent."""
    arrivals = _first_arrivals(events)
    departures = _departures(events)
    proxies = _proxies_given(replies, session_proxies)
    found = []
    for member in scope.members:
        weight = scope.weights[member] if scope.voting else None
        name = name_of(scope.groupement, member)
        absent = MemberAttendance(member, name, weight, Presence.ABSENT)
        arrival = arrivals.get(member)
        holder, given_at, in_session = proxies.get(member, (None, None, False))
        reply = replies.get(member)
        if arrival is not None and not arrival.advisory:
            sat = replace(
                absent,
                presence=Presence.PRESENT,
                by_video=arrival.by_video,
                arrived_at=arrival.at if arrival.at > opened_at else None,
                left_at=departures.get(member, ()),
                sitter=sitters.get(member),
            )
        # A proxy whose holder never sat was never exercised: the member was absent.
        elif holder is not None and holder in arrivals:
            holder_name = name_of(scope.groupement, holder)
            sat = replace(
                absent,
                presence=Presence.REPRESENTED,
                proxy_holder=holder_name,
                proxy_given_at=given_at,
                proxy_in_session=in_session,
            )
        elif reply is not None and reply.kind is ReplyKind.EXCUSED:
            sat = replace(absent, presence=Presence.EXCUSED)
        else:
            sat = absent
        found.append(sat)
    return tuple(found)


def _advisory(
    scope: MeetingScope,
    events: Sequence[AttendanceEvent],
    sitters: Mapping[str, Sitter | None],
) -> tuple[AdvisoryAttendance, ...]:
    arrivals = _first_arrivals(events)
    return tuple(
        AdvisoryAttendance(a, name_of(scope.groupement, a), arrivals[a].by_video, sitters.get(a))
        for a in scope.advisory
        if a in arrivals
    )


async def _sitters(
    roster: Roster | None,
    scope: MeetingScope,
    replies: Mapping[str, Reply],
    events: Sequence[AttendanceEvent],
) -> dict[str, Sitter | None]:
    """The person who sat for each member and advisory participant, where the roster says."""
    if roster is None:
        return {}
    terms = await roster.seat_terms(scope.groupement.id)
    names: dict[str, str] = {}
    for person_id in {term.seat.person_id for term in terms}:
        person = await roster.person(person_id)
        if person is not None:
            names[person_id] = person.display_name
    return {
        p: sitter_of(p, events, replies.get(p), terms, names)
        for p in (*scope.members, *scope.advisory)
    }


def _movements(
    groupement: Groupement, events: Sequence[AttendanceEvent], opened_at: datetime
) -> tuple[Movement, ...]:
    return tuple(
        Movement(
            e.participant_id,
            name_of(groupement, e.participant_id),
            e.arrived,
            e.at,
            e.by_video,
            e.advisory,
        )
        for e in events
        if e.at > opened_at
    )


# --- deliberations ----------------------------------------------------------------------------


def _vote_lines(
    electorate: Electorate, votes: Mapping[str, str], names: Mapping[str, Name], *, written: bool
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
                None if holder is None else names.get(holder, Name(holder)),
            )
        )
    return tuple(lines)


def _agenda_match(agenda: Sequence[AgendaItem], question: str) -> tuple[int | None, str | None]:
    position = agenda_position(agenda, question)
    return position, None if position is None else agenda[position - 1].title


def _names(groupement: Groupement, electorate: Electorate) -> dict[str, Name]:
    return {m: name_of(groupement, m) for m in electorate.members}


async def _deliberation(
    number: int,
    ballot: Ballot,
    meeting: Meeting,
    groupement: Groupement,
    ballots: BallotStore,
    ruling: RulingSubject | None,
) -> Deliberation:
    assert ballot.electorate is not None
    votes = await ballots.effective_votes(ballot.id)
    names = _names(groupement, ballot.electorate)
    result = ballot.result if ballot.state is BallotState.CLOSED else None
    lines: tuple[VoteLine, ...] = ()
    if result is not None and not ballot.secret:
        lines = _vote_lines(ballot.electorate, votes, names, written=False)
    position, title = _agenda_match(meeting.plan.agenda, ballot.draft.question)
    voted = count_of(votes, ballot.electorate.weights)
    if ruling is not None:
        position, title = None, None
    hidden = outcome_only(groupement, ballot)
    seal = await seal_of(ballots, ballot)
    lines = with_receipts(lines, seal)
    return Deliberation(
        number,
        ballot,
        votes,
        names,
        position,
        title,
        result,
        lines,
        voted,
        ruling,
        hidden,
        seal.final_hash,
    )


async def _deliberations(
    meeting: Meeting,
    groupement: Groupement,
    ballots: BallotStore,
    sessions: SessionStore,
    *,
    draft: bool,
) -> tuple[Deliberation, ...]:
    listed = (BallotState.CLOSED, BallotState.CANCELLED, BallotState.OPEN)
    held = [
        b
        for b in await ballots.find(groupement_id=groupement.id, meeting_id=meeting.id)
        if b.state in listed
        and (draft or b.state is not BallotState.OPEN)
        # A ballot cancelled before it opened never reached the members: nothing to record.
        and b.opened_at is not None
    ]
    rulings = {r.ballot_id: r.subject for r in await sessions.rulings(meeting.id)}
    return tuple(
        [
            await _deliberation(
                number, ballot, meeting, groupement, ballots, rulings.get(ballot.id)
            )
            for number, ballot in enumerate(held, start=1)
        ]
    )


# --- the minutes of a meeting -----------------------------------------------------------------


def _opening_quorum(
    scope: MeetingScope,
    meeting: Meeting,
    replies: Mapping[str, Reply],
    events: Sequence[AttendanceEvent],
    opened_at: datetime,
) -> QuorumReport | None:
    """The quorum as it stood when the session opened, by the rule the session itself uses."""
    if not scope.voting:
        return None
    electorate = session_electorate(scope.weights, replies, events, at=opened_at)
    return quorum_report(electorate, scope.rules, meeting.second_convocation)


def _chair(
    meeting: Meeting, groupement: Groupement, absent: bool, designation: ChairDesignation | None
) -> Chair:
    """The planned chair, if its member sat at the opening; else the chair
    designated in the session; else nobody (an absent chair neither presides nor signs)."""
    chair = meeting.plan.chair
    if not absent:
        return Chair(
            person=meeting.plan.chair_name or None,
            member=None if chair is None else name_of(groupement, chair),
        )
    if designation is None or chair is None:
        return Chair(person=None, member=None)
    return Chair(
        person=designation.person_name,
        member=name_of(groupement, designation.member_id),
        designated=ChairDesignated(
            designation.at,
            name_of(groupement, chair),
            designation.ballot_id,
        ),
    )


async def _urgency(
    sessions: SessionStore, ballots: BallotStore, meeting: Meeting
) -> UrgencyRuled | None:
    """The ruling on the urgency, where a ballot on it was opened (the latest one), after the
    ballots on it void for want of quorum."""
    held = [r for r in await sessions.rulings(meeting.id) if r.subject is RulingSubject.URGENCY]
    if not meeting.urgent or not held:
        return None
    voted = [await ballots.get(r.ballot_id) for r in held]
    without_quorum = tuple(b.id for b in voted if urgency_void(b))
    ballot = voted[-1]
    ruling = urgency_ruling(ballot)
    if ruling is UrgencyRuling.NOT_HELD:
        return UrgencyRuled(None, None, without_quorum) if without_quorum else None
    recognised = None if ruling is UrgencyRuling.OPEN else ruling is UrgencyRuling.RECOGNISED
    return UrgencyRuled(ballot.id, recognised, without_quorum)


def _proxy_changes(
    groupement: Groupement, session_proxies: Sequence[SessionProxy]
) -> tuple[ProxyChange, ...]:
    return tuple(
        ProxyChange(
            change.giver,
            name_of(groupement, change.giver),
            None if change.holder is None else name_of(groupement, change.holder),
            change.at,
        )
        for change in session_proxies
    )


async def _opened_meeting(meetings: MeetingStore, meeting_id: int) -> tuple[Meeting, datetime]:
    meeting = await meetings.get(meeting_id)
    opened_at = meeting.session_opened_at
    if meeting.state not in (MeetingState.IN_SESSION, MeetingState.CLOSED) or opened_at is None:
        raise MinutesUnavailable(
            f"meeting {meeting_id} is {meeting.state.value}: its session never opened"
        )
    return meeting, opened_at


async def _convocation_record(
    meetings: MeetingStore, meeting: Meeting, scope: MeetingScope
) -> tuple[Meeting, tuple[Convocation, ...], tuple[Undelivered, ...]]:
    """The meeting with the sending and urgency of the convocation in force, the convocations
    a move replaced, and the members the one in force did not reach."""
    convocations = await meetings.convocations(meeting.id)
    if not convocations:
        return meeting, (), ()
    in_force = convocations[-1]
    meeting = replace(
        meeting,
        convened_at=in_force.sent_at,
        urgent=in_force.urgent,
        urgency_reason=in_force.urgency_reason,
    )
    deliveries = await meetings.deliveries(in_force.id)
    undelivered = tuple(
        Undelivered(name_of(scope.groupement, member), failure)
        for member, failure in unreached_members(scope.members, deliveries)
    )
    return meeting, tuple(convocations[:-1]), undelivered


async def _late_convened(
    meetings: MeetingStore, meeting_id: int, scope: MeetingScope
) -> tuple[LateConvened, ...]:
    """The members the convocation in force first reached after the last day to convene."""
    convocations = await meetings.convocations(meeting_id)
    if not convocations:
        return ()
    in_force = convocations[-1]
    late = late_deliveries(
        scope.members,
        await meetings.deliveries(in_force.id),
        in_force.starts_at,
        owed_notice(scope, in_force.urgent),
        scope.zone,
    )
    return tuple(
        LateConvened(name_of(scope.groupement, item.member), item.delivered_at, item.clear_days)
        for item in late
    )


async def _first_meeting_at(meetings: MeetingStore, meeting: Meeting) -> datetime | None:
    """For a second convocation: when the meeting that lacked its quorum took place."""
    if meeting.plan.second_convocation_of is None:
        return None
    return (await meetings.get(meeting.plan.second_convocation_of)).plan.starts_at


async def _session_chair(
    sessions: SessionStore,
    meeting: Meeting,
    scope: MeetingScope,
    events: Sequence[AttendanceEvent],
    opened_at: datetime,
) -> Chair:
    """The planned chair if its member sat at the opening, else the one designated."""
    absent = chair_absent(meeting.plan, attendance_at(events, opened_at).present)
    designation = await sessions.chair_designation(meeting.id)
    return _chair(meeting, scope.groupement, absent, designation)


async def build_minutes(
    meeting_id: int,
    *,
    governance: Governance,
    meetings: MeetingStore,
    ballots: BallotStore,
    sessions: SessionStore,
    roster: Roster | None = None,
    documents: DocumentStore | None = None,
) -> Minutes:
    """The minutes of a meeting whose session has opened (a draft until it closes); with the
    roster, they name the person who sat for each member; with the documents, when each was sent."""
    meeting, opened_at = await _opened_meeting(meetings, meeting_id)
    scope = scope_of(governance, meeting)
    meeting, earlier, undelivered = await _convocation_record(meetings, meeting, scope)
    draft = meeting.state is not MeetingState.CLOSED
    replies = await meetings.replies(meeting_id)
    events = await meetings.attendance_events(meeting_id)
    session_proxies = await sessions.session_proxies(meeting_id)
    table = scope.weight_table
    sitters = await _sitters(roster, scope, replies, events)
    return Minutes(
        meeting_id=meeting.id,
        draft=draft,
        groupement_name=scope.groupement.name,
        instance_name=scope.instance.name,
        instance_kind=scope.instance.kind,
        voting=scope.instance.voting,
        zone=scope.zone,
        starts_at=meeting.plan.starts_at,
        place=meeting.plan.place,
        video_link=meeting.plan.video_link,
        convened_at=meeting.convened_at,
        notice_days=scope.notice_days,
        urgent=meeting.urgent,
        urgency_reason=meeting.urgency_reason,
        second_convocation=meeting.second_convocation,
        first_meeting_at=await _first_meeting_at(meetings, meeting),
        opened_at=opened_at,
        closed_at=meeting.session_closed_at,
        chair=await _session_chair(sessions, meeting, scope, events, opened_at),
        secretary=meeting.plan.secretary,
        weight_table_id=None if table is None else table.id,
        weight_table_from=None if table is None else table.effective_from,
        total=Count(scope.total_weight, len(scope.members)),
        members=_members(scope, replies, events, opened_at, sitters, session_proxies),
        advisory=_advisory(scope, events, sitters),
        movements=_movements(scope.groupement, events, opened_at),
        opening_quorum=_opening_quorum(scope, meeting, replies, events, opened_at),
        agenda=meeting.plan.agenda,
        deliberations=await _deliberations(
            meeting, scope.groupement, ballots, sessions, draft=draft
        ),
        earlier_convocations=earlier,
        undelivered=undelivered,
        urgency_ruling=await _urgency(sessions, ballots, meeting),
        proxy_changes=_proxy_changes(scope.groupement, session_proxies),
        weight_table_name=None if table is None else table.name,
        notes={p: note.text for p, note in (await meetings.notes(meeting_id)).items()},
        late_convened=await _late_convened(meetings, meeting_id, scope),
        documents=await documents_sent(documents, meeting_id) if documents else (),
    )


# --- the record of a written consultation ---------------------------------------------------


def _validity(ballot: Ballot, total: Count, participation: Count) -> tuple[int, bool]:
    """(members required, valid): as judged at the close, or as it stands while open."""
    if ballot.state is BallotState.CLOSED and ballot.result is not None:
        quorum = ballot.result.quorum
        return quorum.required_members or 0, quorum.met
    threshold = WRITTEN_CONSULTATION_QUORUM.threshold
    assert threshold is not None
    return (
        threshold.minimum_heads(total.heads),
        threshold.is_met(participation.heads, total.heads),
    )


def _table(groupement: Groupement, table_id: str | None) -> WeightTable | None:
    if table_id is None:
        return None
    try:
        return groupement.weight_table(table_id)
    except GovernanceLookupError:
        return None


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
    votes = await ballots.effective_votes(ballot_id)
    names = _names(groupement, electorate)
    result = ballot.result if ballot.state is BallotState.CLOSED else None
    total = Count(electorate.total_weight, len(electorate.weights))
    participation = count_of(votes, electorate.weights)
    required, valid = _validity(ballot, total, participation)
    lines: tuple[VoteLine, ...] = ()
    if result is not None and not ballot.secret:
        lines = _vote_lines(electorate, votes, names, written=True)
    seal = await seal_of(ballots, ballot)
    instance = groupement.instance(ballot.draft.instance_id)
    table = _table(groupement, ballot.weight_table_id)
    return ConsultationRecord(
        ballot=ballot,
        votes=votes,
        names=names,
        draft=ballot.state is BallotState.OPEN,
        groupement_name=groupement.name,
        instance_name=instance.name,
        instance_kind=instance.kind,
        coordinator=name_of(groupement, groupement.groupement.coordinator),
        zone=groupement.groupement.tzinfo,
        weight_table_from=None if table is None else table.effective_from,
        electors=tuple(
            Elector(m, names[m], electorate.weights[m], m in votes) for m in electorate.members
        ),
        total=total,
        participation=participation,
        required_members=required,
        valid=valid,
        result=result,
        vote_lines=with_receipts(lines, seal),
        weight_table_name=None if table is None else table.name,
        outcome_only=outcome_only(groupement, ballot),
        final_hash=seal.final_hash,
        shares_table=table if table is not None and table.from_shares else None,
    )
