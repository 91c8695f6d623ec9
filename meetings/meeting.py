"""A meeting of an instance: its plan, its lifecycle, the replies to its convocation.

planned -> convened -> in_session -> closed, or cancelled before the session.
Replies (present, by video, excused, proxy given) may change until the
session opens; then attendance is taken from them and corrected by check-ins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from meetings.wording.i18n import N_
from voting.refusal import Refused


class MeetingState(StrEnum):
    PLANNED = "planned"
    CONVENED = "convened"
    IN_SESSION = "in_session"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class ReplyKind(StrEnum):
    PRESENT = "present"
    VIDEO = "video"
    EXCUSED = "excused"
    PROXY = "proxy"


class MeetingError(Refused):
    """A refused meeting operation; nothing was written. ``code`` names the reason."""

    code = "meeting_error"


class MeetingNotFound(MeetingError):
    code = "meeting_not_found"


class WrongMeetingState(MeetingError):
    code = "wrong_meeting_state"

    def __init__(self, message: str, state: MeetingState) -> None:
        super().__init__(message, state=state.value)
        self.state = state


class InvalidPlan(MeetingError):
    code = "invalid_plan"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems), problems=problems)


class PlanInThePast(MeetingError):
    code = "plan_in_the_past"


class UnknownChair(MeetingError):
    code = "unknown_chair"


class UrgencyWithoutReason(MeetingError):
    """An urgent convocation states its reason, which the minutes record."""

    code = "urgency_without_reason"


class LateConvocation(MeetingError):
    """The convocation would not give the notice the instance requires."""

    code = "late_convocation"

    def __init__(self, needed: int, actual: int, last_day: date, urgent: bool) -> None:
        super().__init__(
            f"{actual} clear day(s) before the meeting, {needed} needed "
            f"(last day to convene: {last_day.isoformat()})",
            needed=needed,
            actual=actual,
            last_day=last_day,
        )
        if urgent:
            self.code = "late_urgent_convocation"
        self.needed = needed
        self.actual = actual
        self.last_day = last_day
        self.urgent = urgent


class QuorumWasMet(MeetingError):
    """Only a meeting that lacked its quorum is followed by a second convocation."""

    code = "quorum_was_met"


class AlreadyReconvened(MeetingError):
    """A meeting without quorum has one second convocation, not two."""

    code = "already_reconvened"


class SecondConvocationTooEarly(MeetingError):
    code = "second_convocation_too_early"

    def __init__(self, earliest: date) -> None:
        super().__init__(
            f"a second convocation meets on {earliest.isoformat()} at the earliest",
            earliest=earliest,
        )
        self.earliest = earliest


class NotConvened(MeetingError):
    code = "not_convened"


class ConvenedWithoutUrgency(MeetingError):
    """A convocation sent is not made urgent afterwards: only a move sends a new one."""

    code = "convened_without_urgency"


class NotItsDay(MeetingError):
    code = "not_its_day"


class NotAVotingInstance(MeetingError):
    code = "instance_does_not_vote"


class NotInThisMeeting(MeetingError):
    """The participant is neither a member convened nor an advisory participant of it."""

    code = "not_in_this_meeting"


class OffAgenda(MeetingError):
    """A question that is no motion of the agenda, where the instance does not allow one."""

    code = "off_agenda"


class OffAgendaOnSecondConvocation(MeetingError):
    """A second convocation deliberates without quorum on the agenda of the first, only."""

    code = "off_agenda_second_convocation"


class UnknownAgendaItem(MeetingError):
    """A note for an item the agenda does not have."""

    code = "unknown_agenda_item"

    def __init__(self, meeting_id: int, position: int, items: int) -> None:
        super().__init__(
            f"meeting {meeting_id} has {items} agenda item(s), not {position}",
            number=meeting_id,
            position=position,
            items=items,
        )


class EmptyNote(MeetingError):
    code = "empty_note"


class BallotsStillOpen(MeetingError):
    """A session closes once its ballots are closed."""

    code = "ballots_still_open"


@dataclass(frozen=True)
class AgendaItem:
    title: str
    motion: str | None = None
    """The question put to the vote under this item, if any."""
    approves: int | None = None
    """The meeting whose minutes this item's motion approves, once adopted."""


def agenda_position(agenda: Sequence[AgendaItem], question: str) -> int | None:
    """The item (from 1) whose motion, or title, is the question put to the vote; None for a
    question off the agenda. Case and surrounding spaces do not count."""
    wanted = question.strip().casefold()
    for position, item in enumerate(agenda, start=1):
        if wanted in {(item.motion or "").strip().casefold(), item.title.strip().casefold()}:
            return position
    return None


@dataclass(frozen=True)
class MeetingPlan:
    groupement_id: str
    instance_id: str
    starts_at: datetime
    duration: timedelta = timedelta(hours=2)
    place: str | None = None
    video_link: str | None = None
    agenda: tuple[AgendaItem, ...] = ()
    chair: str | None = None
    """The member whose representative chairs (casting vote)."""
    chair_name: str | None = None
    """The chair's own name, as it will be signed."""
    secretary: str | None = None
    """The secretary's name, as it will be signed."""
    second_convocation_of: int | None = None
    """The meeting whose failed quorum this one follows: it decides without quorum."""

    def problems(self) -> list[str]:
        """What makes the plan unusable, each an English sentence that the catalog translates."""
        found = []
        if self.starts_at.tzinfo is None:
            found.append(N_("the start time carries no time zone"))
        if not (self.place or self.video_link):
            found.append(N_("a meeting needs a place or a video link"))
        if self.duration <= timedelta(0):
            found.append(N_("the duration must be positive"))
        if any(not item.title.strip() for item in self.agenda):
            found.append(N_("an agenda item has no title"))
        return found


@dataclass(frozen=True)
class Meeting:
    id: int
    plan: MeetingPlan
    state: MeetingState
    created_at: datetime
    created_by: str
    convened_at: datetime | None
    urgent: bool
    urgency_reason: str | None
    sequence: int
    """Calendar revision: a move or a cancellation increments it, so phones update the event."""
    session_opened_at: datetime | None
    session_closed_at: datetime | None
    cancelled_at: datetime | None

    @property
    def second_convocation(self) -> bool:
        return self.plan.second_convocation_of is not None

    @property
    def ends_at(self) -> datetime:
        return self.plan.starts_at + self.plan.duration


@dataclass(frozen=True)
class Reply:
    member_id: str
    kind: ReplyKind
    proxy_holder: str | None
    replied_by: str
    replied_at: datetime


@dataclass(frozen=True)
class AgendaNote:
    """What the secretary noted of an agenda item during the session (the latest counts)."""

    position: int
    text: str
    noted_by: str
    noted_at: datetime


@dataclass(frozen=True)
class AttendanceEvent:
    """An arrival or a departure during the session, as recorded (append-only)."""

    participant_id: str
    advisory: bool
    arrived: bool
    by_video: bool
    at: datetime
    recorded_by: str


@dataclass(frozen=True)
class Departure:
    member_id: str
    at: datetime


@dataclass(frozen=True)
class Attendance:
    """Who is in the room (or on the video call) right now, and who left during the session."""

    present: frozenset[str]
    by_video: frozenset[str]
    departures: tuple[Departure, ...]
    advisory_present: frozenset[str]


@dataclass(frozen=True)
class Convocation:
    """One sending of a meeting's convocation: the first one, or a new one after a move.

    The latest is the convocation in force; its sending time is where the notice counts from.
    """

    id: int
    meeting_id: int
    sent_at: datetime
    starts_at: datetime
    """The date and time the meeting was convened for by this sending."""
    urgent: bool
    urgency_reason: str | None


class DeliveryFailure(StrEnum):
    UNREACHABLE = "unreachable"
    """Telegram refused the message: the person blocked the bot or never started it."""
    NO_REPRESENTATIVE = "no_representative"
    """Nobody is registered for the member: there was no one to send it to."""


@dataclass(frozen=True)
class ConvocationDelivery:
    """Whether one person's copy of a convocation arrived (person None: nobody to send it to)."""

    participant_id: str
    advisory: bool
    person_id: str | None
    delivered_at: datetime | None
    failure: DeliveryFailure | None

    @property
    def delivered(self) -> bool:
        return self.delivered_at is not None


def unreached_members(
    members: Sequence[str], deliveries: Sequence[ConvocationDelivery]
) -> list[tuple[str, DeliveryFailure]]:
    """The members none of whose people received the convocation, and why, in ``members`` order.

    A member is reached once one of its people is; otherwise its latest failure says why. A
    member with no delivery on record (a convocation sent before deliveries were recorded) is
    not listed: nothing is known of it.
    """
    reached = {d.participant_id for d in deliveries if d.delivered}
    failures = {d.participant_id: d.failure for d in deliveries if d.failure is not None}
    return [
        (member, failure)
        for member in members
        if member not in reached and (failure := failures.get(member)) is not None
    ]


class ChairToDesignate(MeetingError):
    """The planned chair's member is not present: someone else presides."""

    code = "chair_to_designate"


class ChairNotPresent(MeetingError):
    """A chair for the session is designated among the members present, and only there."""

    code = "chair_not_present"


class OpeningRulingPending(MeetingError):
    """The session first rules on what its opening requires: the chair, then the urgency."""

    code = "opening_ruling_pending"

    def __init__(self, message: str, step: str, **details: object) -> None:
        super().__init__(message, step=step, **details)
        # One sentence per step: what is to be ruled on first.
        self.code = f"opening_ruling_pending.{step}"


class UrgencyRejected(MeetingError):
    """The instance did not recognise the urgency: the session can only be adjourned."""

    code = "urgency_rejected"


class ChairIsPresent(MeetingError):
    """The planned chair's member is present: its chair presides."""

    code = "chair_is_present"


class ChairAlreadyDesignated(MeetingError):
    """Once the session is open, its designated chair presides to the end: it may already have
    held the casting vote, and the minutes are signed by one chair."""

    code = "chair_already_designated"


class ChairByVote(MeetingError):
    """The instance designates a chair for the session by a vote, held in the session."""

    code = "chair_by_vote"


class ProxyNotHeld(MeetingError):
    """There is no proxy of this member in force to revoke."""

    code = "proxy_not_held"


class ChairDesignationRule(StrEnum):
    """How a chair for the session is designated when the planned chair's member is absent."""

    COORDINATOR = "coordinator"
    VOTE = "vote"


class RulingSubject(StrEnum):
    """What a ballot of the opening rules on."""

    URGENCY = "urgency"
    CHAIR = "chair"


@dataclass(frozen=True)
class ChairDesignation:
    """A chair for the session, designated in the absence of the planned chair's member."""

    member_id: str
    person_name: str
    designated_by: str
    """The person who designated it; for a vote, the coordinator who closed the ballot."""
    at: datetime
    ballot_id: int | None
    """The ballot that designated it, where the instance's rules ask for a vote."""


@dataclass(frozen=True)
class SessionRuling:
    """A ballot of the opening: on the urgency, or on a proposed chair for the session."""

    ballot_id: int
    subject: RulingSubject
    member_id: str | None = None
    person_name: str | None = None


@dataclass(frozen=True)
class SessionProxy:
    """A proxy given (``holder``) or revoked (``holder`` None) during the session."""

    giver: str
    holder: str | None
    recorded_by: str
    at: datetime


class GiverSits(MeetingError):
    """A member in the session votes itself: it gives its proxy when it leaves."""

    code = "proxy.giver_sits"


class HolderAbsent(MeetingError):
    """A proxy given during the session goes to a member present, never to an absent one."""

    code = "proxy.holder_absent"
