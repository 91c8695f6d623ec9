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
