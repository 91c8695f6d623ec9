"""What minutes and consultation records hold: plain frozen values, no I/O, no wording.

A :class:`Minutes` says who was convened and who came, when the session opened and closed,
the quorum at the opening and each deliberation with the result stored at its closing. A
:class:`ConsultationRecord` says the same of a written consultation. Names are
:class:`~meetings.wording.formats.Name` values so that the wording can give them their
article; results are the :class:`~voting.tally.TallyResult` the ballot store kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from config.models import InstanceKind, WeightTable
from meetings.approval import Approval, Signature
from meetings.designation import DesignationAct
from meetings.documents import MeetingDocument
from meetings.meeting import AgendaItem, Convocation, DeliveryFailure, RulingSubject
from meetings.roster import Role
from meetings.wording.formats import Name
from voting.ballot import Ballot, BallotState
from voting.tally import Count, Outcome, QuorumReport, TallyResult


class Presence(StrEnum):
    PRESENT = "present"
    REPRESENTED = "represented"
    EXCUSED = "excused"
    ABSENT = "absent"


@dataclass(frozen=True)
class Sitter:
    """A person who sat for a member or an advisory participant, and in which capacity."""

    name: str
    role: Role


@dataclass(frozen=True)
class MemberAttendance:
    member_id: str
    name: Name
    weight: Decimal | None
    """None in an instance that does not vote."""
    presence: Presence
    by_video: bool = False
    proxy_holder: Name | None = None
    """The member that received this member's proxy, and sat."""
    arrived_at: datetime | None = None
    """Set only for an arrival after the opening of the session."""
    left_at: tuple[datetime, ...] = ()
    proxy_given_at: datetime | None = None
    """When the proxy was recorded: the reply to the convocation, or during the session."""
    proxy_in_session: bool = False
    """The proxy was given during the session (``proxy_given_at`` is then a session time)."""
    sitter: Sitter | None = None
    """The person who sat for a member present, where the record says who."""


@dataclass(frozen=True)
class AdvisoryAttendance:
    participant_id: str
    name: Name
    by_video: bool
    sitter: Sitter | None = None


@dataclass(frozen=True)
class Movement:
    """An arrival or a departure after the session opened."""

    participant_id: str
    name: Name
    arrived: bool
    at: datetime
    by_video: bool
    advisory: bool


@dataclass(frozen=True)
class VoteLine:
    """How one member voted in a public ballot (``option`` None: it did not take part)."""

    member_id: str
    name: Name
    weight: Decimal
    option: str | None
    proxy_holder: Name | None
    """The member whose representative cast this vote by proxy."""
    receipt: str | None = None
    """The receipt code of the vote that counts, in the ballot's chain."""


@dataclass(frozen=True)
class Deliberation:
    number: int
    ballot: Ballot
    votes: Mapping[str, str]
    """Effective votes (kept for the chart, which shows only totals of a secret ballot)."""
    names: Mapping[str, Name]
    agenda_position: int | None
    agenda_title: str | None
    result: TallyResult | None
    """None while the ballot is open, or when it was cancelled."""
    vote_lines: tuple[VoteLine, ...]
    """Empty for a secret ballot: its minutes give totals and participation only."""
    participation: Count
    ruling: RulingSubject | None = None
    """What the ballot ruled on at the opening (the urgency, the chair): no deliberation."""
    outcome_only: bool = False
    """A secret ballot whose instance publishes its outcome only (:mod:`meetings.disclosure`)."""
    final_hash: str | None = None
    """The last hash of the closed ballot's vote chain."""

    @property
    def reference(self) -> str | None:
        """``COGOUV-2026-07``: the number an adopted or rejected motion took at its close."""
        return self.ballot.reference

    @property
    def off_agenda(self) -> bool:
        return self.agenda_position is None

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
class ChairDesignated:
    """How a chair for the session was designated, in the absence of the planned chair."""

    at: datetime
    in_absence_of: Name
    """The planned chair's member."""
    by_ballot: int | None
    """The ballot that designated it; None where the coordinator did."""


@dataclass(frozen=True)
class Chair:
    """Who chairs the session: the person who signs, and the member it sits for."""

    person: str | None
    member: Name | None
    designated: ChairDesignated | None = None
    """Set for a chair designated in the session."""


@dataclass(frozen=True)
class UrgencyRuled:
    """The instance's ruling on the urgency, at the opening of the session."""

    ballot_id: int | None
    """The ballot that ruled (or is ruling); None while the vote is to be held again."""
    recognised: bool | None
    """None while its ballot is open (or to be held again)."""
    without_quorum: tuple[int, ...] = ()
    """The earlier ballots on the urgency, void for want of quorum: they ruled on nothing."""


@dataclass(frozen=True)
class ProxyChange:
    """A proxy given (``holder`` set) or revoked during the session."""

    giver_id: str
    giver: Name
    holder: Name | None
    at: datetime


@dataclass(frozen=True)
class Undelivered:
    """A member none of whose people received the convocation in force, and why."""

    member: Name
    failure: DeliveryFailure


@dataclass(frozen=True)
class LateConvened:
    """A member the convocation in force first reached with fewer clear days than it owed
    (a re-sending after the last day to convene)."""

    member: Name
    delivered_at: datetime
    clear_days: int


@dataclass(frozen=True)
class DesignationLine:
    """A member convened, and what designated its representatives at the opening: the act in
    force, or the election since which its seats waited."""

    member_id: str
    member: Name
    act: DesignationAct | None
    waiting_since: date | None = None


@dataclass(frozen=True)
class DocumentSent:
    """A document of the meeting and when it went out, from the deliveries on record."""

    document: MeetingDocument
    first_sent_at: datetime | None
    """The first delivery on record; None if it reached nobody."""
    complement: bool
    """Sent on its own after the convocation, not with it."""
    people: int


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
    chair: Chair
    secretary: str | None
    weight_table_id: str | None
    weight_table_from: date | None
    total: Count
    members: tuple[MemberAttendance, ...]
    advisory: tuple[AdvisoryAttendance, ...]
    movements: tuple[Movement, ...]
    opening_quorum: QuorumReport | None
    agenda: tuple[AgendaItem, ...]
    deliberations: tuple[Deliberation, ...]
    earlier_convocations: tuple[Convocation, ...] = ()
    """Convocations a move replaced, oldest first: their dates are mentioned, not their notice."""
    undelivered: tuple[Undelivered, ...] = ()
    """Members the convocation in force could not be delivered to."""
    urgency_ruling: UrgencyRuled | None = None
    """The vote on the urgency, where the instance held one."""
    proxy_changes: tuple[ProxyChange, ...] = ()
    """Proxies given or revoked during the session, in the order they were recorded."""
    weight_table_name: str | None = None
    notes: Mapping[int, str] = field(default_factory=dict)
    """What the secretary noted under each agenda item, by its position (from 1)."""
    late_convened: tuple[LateConvened, ...] = ()
    """Members the convocation in force reached too late for its notice, in the table's order."""
    designations: tuple[DesignationLine, ...] = ()
    """The members convened whose designation is on record, in the table's order."""
    approval: Approval | None = None
    """The approval by a later meeting of the instance: until then the minutes are a draft."""
    signatures: tuple[Signature, ...] = ()
    """The chair's and the secretary's confirmations, as recorded."""

    @property
    def final(self) -> bool:
        """Closed and approved: no draft mark."""
        return not self.draft and self.approval is not None

    documents: tuple[DocumentSent, ...] = ()
    """The documents sent to the people convened, and when (signed scans of minutes aside)."""

    @property
    def quorum_failed(self) -> bool:
        """The session lacked its quorum at the opening and never decided anything: it could
        only be closed, and the instance convened again."""
        if self.opening_quorum is None or self.opening_quorum.met:
            return False
        return not any(
            d.result is not None and d.result.outcome is not Outcome.NO_QUORUM
            for d in self.deliberations
        )

    def with_presence(self, presence: Presence) -> tuple[MemberAttendance, ...]:
        return tuple(m for m in self.members if m.presence is presence)

    @property
    def departures(self) -> tuple[Movement, ...]:
        return tuple(m for m in self.movements if not m.arrived and not m.advisory)


@dataclass(frozen=True)
class Elector:
    member_id: str
    name: Name
    weight: Decimal
    took_part: bool


@dataclass(frozen=True)
class ConsultationRecord:
    """The record of a written consultation (a ballot held without a meeting)."""

    ballot: Ballot
    votes: Mapping[str, str]
    names: Mapping[str, Name]
    draft: bool
    """True while the consultation is open."""
    groupement_name: str
    instance_name: str
    instance_kind: InstanceKind
    coordinator: Name
    zone: ZoneInfo
    weight_table_from: date | None
    electors: tuple[Elector, ...]
    total: Count
    participation: Count
    required_members: int
    valid: bool
    result: TallyResult | None
    vote_lines: tuple[VoteLine, ...]
    weight_table_name: str | None = None
    outcome_only: bool = False
    """A secret consultation whose instance publishes its outcome only."""
    final_hash: str | None = None
    """The last hash of the closed consultation's vote chain."""
    shares_table: WeightTable | None = None
    """The weight table, where it is declared as shares: the record says how it derives."""

    @property
    def question(self) -> str:
        return self.ballot.draft.question
