"""The life of a meeting's minutes after the session: approved, signed, sent.

Pure rules over what the stores hold. The minutes of a session are a draft until the next
meeting of the same instance adopts the motion approving them; the chair of the session and
its secretary each sign them; once approved and signed by both, they are final and are sent
to every member, once.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from meetings.meeting import AgendaItem, Meeting, MeetingState
from meetings.wording.formats import day
from meetings.wording.i18n import translator


class Signatory(StrEnum):
    CHAIR = "chair"
    """The person who presided the session: the planned chair's, or the one designated."""
    SECRETARY = "secretary"
    """The secretary of the session, as recorded."""


@dataclass(frozen=True)
class Approval:
    """The approval of a meeting's minutes by a later meeting of its instance."""

    minutes_of: int
    """The meeting whose minutes are approved."""
    meeting_id: int
    """The meeting that approved them."""
    ballot_id: int
    reference: str | None
    """The deliberation that approved them: ``COGOUV-2027-01``."""
    approved_at: datetime


@dataclass(frozen=True)
class Signature:
    meeting_id: int
    signatory: Signatory
    person_id: str
    name: str
    """The name printed under the signature."""
    signed_at: datetime


@dataclass(frozen=True)
class SecretaryOfSession:
    """The person recorded as the secretary of a session: the one who signs as such."""

    meeting_id: int
    person_id: str
    recorded_by: str
    at: datetime


def is_final(
    meeting: Meeting, approval: Approval | None, signatures: Collection[Signature]
) -> bool:
    """Approved, and signed by the chair and the secretary: the minutes may be sent."""
    signed = {signature.signatory for signature in signatures}
    return (
        meeting.state is MeetingState.CLOSED
        and approval is not None
        and signed >= {Signatory.CHAIR, Signatory.SECRETARY}
    )


def minutes_to_approve(
    held: Sequence[Meeting], approved: Collection[int], on_an_agenda: Collection[int]
) -> Meeting | None:
    """The minutes the next meeting of an instance approves: those of the instance's oldest
    closed session that are neither approved nor on the agenda of a meeting not yet closed.

    One at a time: minutes left behind (a meeting planned before the previous one closed, a
    motion rejected) come first, and the next planning proposes the ones after them."""
    closed = sorted(
        (meeting for meeting in held if meeting.state is MeetingState.CLOSED),
        key=lambda meeting: meeting.plan.starts_at,
    )
    waiting = (m for m in closed if m.id not in approved and m.id not in on_an_agenda)
    return next(waiting, None)


def approval_item(minutes_of: Meeting, zone: ZoneInfo, language: str) -> AgendaItem:
    """The agenda item that approves ``minutes_of``'s minutes, with its motion."""
    _ = translator(language)
    held_on = day(minutes_of.plan.starts_at, language, zone)
    return AgendaItem(
        _("Approval of the minutes of the session of {day}").format(day=held_on),
        _("Approve the minutes of the session of {day}").format(day=held_on),
        approves=minutes_of.id,
    )
