"""How a member names its representatives: by an act of its own, until an election ends them.

Each member designates its titulaire and its suppléant by a deliberation, a decree (arrêté)
or a decision, with the act's date and reference. The act covers whoever holds the member's
seats from its recording on, until a later act replaces it or an election ends the mandates.
An election (departmental, regional, municipal) that ends the mandates leaves the member's
seats vacant, "waiting for a designation", until an act dated on or after the election is
recorded. Pure: the records in, the member's standing out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from meetings.texts import Typed, typed
from voting.refusal import Refused


class ActKind(StrEnum):
    DELIBERATION = "deliberation"
    DECREE = "arrete"
    DECISION = "decision"


ACT_WORDS: dict[str, ActKind] = {
    "deliberation": ActKind.DELIBERATION,
    "délibération": ActKind.DELIBERATION,
    "arrete": ActKind.DECREE,
    "arrêté": ActKind.DECREE,
    "decree": ActKind.DECREE,
    "decision": ActKind.DECISION,
    "décision": ActKind.DECISION,
}
"""The words a coordinator may type for each kind of act, French and English."""


class DesignationRefused(Refused):
    code = "designation_refused"


class DateInFuture(DesignationRefused):
    """An act or an election dated after today: nothing is recorded ahead of its time."""

    code = "designation.date_in_future"


class ElectionBeforeAct(DesignationRefused):
    """The act in force was taken after the election: the mandates it gave did not end."""

    code = "designation.election_before_act"


class ActBeforeElection(DesignationRefused):
    """The seat waits since an election: only an act taken on or after it fills it."""

    code = "designation.act_before_election"


class AlreadyWaiting(DesignationRefused):
    """The mandates already ended by an earlier election, and no act has been recorded since."""

    code = "designation.already_waiting"


class SeatWaiting(DesignationRefused):
    """Nobody may take a seat that waits for a designation: the act comes first."""

    code = "designation.seat_waiting"


@dataclass(frozen=True)
class DesignationAct:
    """The member's own act: its kind, its reference (``n° 2025-CP-112``) and its date."""

    kind: ActKind
    reference: str
    signed_on: date


@dataclass(frozen=True)
class Designation:
    """An act as recorded for a member: it covers the member's seats from ``recorded_at``."""

    id: int
    """In the sequence that acts and elections share: the order in which they were recorded."""
    groupement_id: str
    member_id: str
    act: DesignationAct
    recorded_at: datetime
    recorded_by: str


@dataclass(frozen=True)
class MandateEnd:
    """An election that ended the mandates of a member's representatives."""

    id: int
    groupement_id: str
    member_id: str
    election_day: date
    recorded_at: datetime
    recorded_by: str


class Standing(StrEnum):
    DESIGNATED = "designated"
    """An act covers the member's seats."""
    WAITING = "waiting"
    """An election ended the mandates; no act since: the seats wait for a designation."""
    UNRECORDED = "unrecorded"
    """No act and no election recorded: the seats are as the invitations made them."""


@dataclass(frozen=True)
class MemberStanding:
    """A member's seats at a moment: the act in force, or the election they wait since."""

    member_id: str
    standing: Standing
    designation: Designation | None = None
    waiting_since: MandateEnd | None = None


def checked_act(kind: ActKind, reference: str, signed_on: date, today: date) -> DesignationAct:
    """The act as recorded: a reference that shows something within its bound, a past date."""
    if signed_on > today:
        raise DateInFuture(f"act dated {signed_on}", day=signed_on)
    return DesignationAct(kind, typed(Typed.ACT_REFERENCE, reference), signed_on)


def check_election_day(election_day: date, today: date) -> None:
    if election_day > today:
        raise DateInFuture(f"election on {election_day}", day=election_day)


def standing_at(
    member_id: str,
    designations: Iterable[Designation],
    ends: Iterable[MandateEnd],
    moment: datetime,
) -> MemberStanding:
    """What covered ``member_id``'s seats at ``moment``: the latest record before it decides."""
    acts = [d for d in designations if d.member_id == member_id and d.recorded_at <= moment]
    ended = [e for e in ends if e.member_id == member_id and e.recorded_at <= moment]
    # Acts and elections share one sequence of ids: the order in which they were recorded.
    act = max(acts, key=lambda d: d.id, default=None)
    end = max(ended, key=lambda e: e.id, default=None)
    if end is not None and (act is None or act.id < end.id):
        return MemberStanding(member_id, Standing.WAITING, waiting_since=end)
    if act is not None:
        return MemberStanding(member_id, Standing.DESIGNATED, designation=act)
    return MemberStanding(member_id, Standing.UNRECORDED)


def check_fills(standing: MemberStanding, act: DesignationAct, member: object = None) -> None:
    """An act for a seat that waits since an election must be taken on or after it."""
    end = standing.waiting_since
    if end is not None and act.signed_on < end.election_day:
        raise ActBeforeElection(
            f"act of {act.signed_on} before the election of {end.election_day}",
            day=act.signed_on,
            election=end.election_day,
            member=member,
        )


def check_may_end(
    standing: MemberStanding, election_day: date | None = None, member: object = None
) -> None:
    """An election ends the mandates in force: not seats that already wait, nor those an act
    taken on or after the election's day filled (as :func:`check_fills` counts an act of
    that day as the new one): recorded late, the election would end a newer mandate."""
    end = standing.waiting_since
    if end is not None:
        raise AlreadyWaiting(
            f"{standing.member_id!r} waits since the election of {end.election_day}",
            election=end.election_day,
            member=member,
        )
    act = None if standing.designation is None else standing.designation.act
    if act is not None and election_day is not None and act.signed_on >= election_day:
        raise ElectionBeforeAct(
            f"act of {act.signed_on} after the election of {election_day}",
            day=act.signed_on,
            election=election_day,
            member=member,
        )


def check_may_sit(standing: MemberStanding, member: object = None) -> None:
    end = standing.waiting_since
    if end is not None:
        raise SeatWaiting(
            f"{standing.member_id!r} waits for a designation",
            election=end.election_day,
            member=member,
        )
