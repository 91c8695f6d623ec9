"""Who sat for each member and each advisory participant: the person the record names.

A person sat for a member when it checked that member in itself, or, at the opening, when it
was the one who replied "present" for it; in both cases only while it held one of the
member's seats (titulaire or suppléant), so that a coordinator checking a member in is never
taken for its representative. Pure: the stores' records in, names out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from meetings.meeting import AttendanceEvent, Reply
from meetings.minutes.model import Sitter
from meetings.roster import SeatTerm


def _seat_holder(
    terms: Sequence[SeatTerm], participant: str, person: str, at: datetime
) -> SeatTerm | None:
    for term in terms:
        seat = term.seat
        if seat.member_id == participant and seat.person_id == person and term.held_at(at):
            return term
    return None


def sitting_term(
    participant: str,
    events: Sequence[AttendanceEvent],
    reply: Reply | None,
    terms: Sequence[SeatTerm],
) -> SeatTerm | None:
    """The seat of the person who sat for ``participant``, if the record says who.

    The latest arrival a representative recorded itself comes first; else the reply to the
    convocation, whose author sat when the session opened.
    """
    for event in reversed(events):
        if event.participant_id != participant or not event.arrived:
            continue
        term = _seat_holder(terms, participant, event.recorded_by, event.at)
        if term is not None:
            return term
    arrived = [e for e in events if e.participant_id == participant and e.arrived]
    if reply is None or not arrived:
        return None
    return _seat_holder(terms, participant, reply.replied_by, arrived[0].at)


def sitter_of(
    participant: str,
    events: Sequence[AttendanceEvent],
    reply: Reply | None,
    terms: Sequence[SeatTerm],
    names: Mapping[str, str],
) -> Sitter | None:
    """The person who sat for ``participant``, named as the record names it."""
    term = sitting_term(participant, events, reply, terms)
    if term is None:
        return None
    return Sitter(names.get(term.seat.person_id, term.seat.person_id), term.seat.role)
