"""Sign the minutes of a session, and record who is its secretary.

Permission: the minutes are signed by the person who presided the session (the person who sat
for the member whose chair presided, the planned chair's or the one designated in its absence,
see :mod:`meetings.presiding`, as the minutes' attendance names it) and by the secretary of
the session, once it is closed. The secretary is the person recorded as such (``/secretaire
N``, by a coordinator of the groupement: the secretary takes the minutes through a
coordinator's account, or is one). Each signature is recorded once, with its time, under the
signer's own name; the last of the signatures and the approval makes
the minutes final, and they are then sent to the members (:mod:`meetings.actions.minutes_send`).
"""

from __future__ import annotations

from dataclasses import dataclass

from meetings.actions.actor import Actor
from meetings.actions.minutes_send import MinutesSent, send_final_minutes
from meetings.approval import SecretaryOfSession, Signatory, Signature
from meetings.meeting import Meeting, MeetingState, WrongMeetingState
from meetings.minutes.sitters import sitting_term
from meetings.presence import attendance_at
from meetings.presiding import acting_chair, chair_absent
from meetings.roster import Role
from meetings.services import Services
from voting.refusal import Refused


class SessionNotClosed(Refused):
    code = "minutes.session_not_closed"


class NotASignatory(Refused):
    """Neither the person who presided nor the recorded secretary of the session."""

    code = "minutes.not_signatory"


class SecretaryHasSigned(Refused):
    code = "minutes.secretary_signed"


@dataclass(frozen=True)
class Signed:
    meeting: Meeting
    signatures: tuple[Signature, ...]
    """What this confirmation recorded: none if the person had signed already."""
    sent: MinutesSent | None = None
    """The final minutes, sent to the members if this signature completed them."""


@dataclass(frozen=True)
class _Presiding:
    """The member whose chair presided the session, and the person the record says sat for
    it (``None`` where it does not say: a coordinator checked the member in)."""

    member_id: str | None
    sitter_id: str | None


async def _presided(services: Services, meeting: Meeting) -> _Presiding:
    events = await services.meetings.attendance_events(meeting.id)
    absent = chair_absent(meeting.plan, attendance_at(events, meeting.session_opened_at).present)
    designation = await services.sessions.chair_designation(meeting.id) if absent else None
    member = acting_chair(meeting.plan, designation).member_id
    if member is None:
        return _Presiding(None, None)
    replies = await services.meetings.replies(meeting.id)
    terms = await services.roster.seat_terms(meeting.plan.groupement_id)
    term = sitting_term(member, events, replies.get(member), terms)
    return _Presiding(member, None if term is None else term.seat.person_id)


def _sat_for(actor: Actor, meeting: Meeting, presiding: _Presiding) -> bool:
    """Whether ``actor`` is the person who sat for the presiding member: the one the minutes
    name; where they name nobody, a representative of that member."""
    if presiding.member_id is None:
        return False
    if presiding.sitter_id is not None:
        return presiding.sitter_id == actor.person_id
    return any(
        s.member_id == presiding.member_id and s.role is not Role.ADVISORY
        for s in actor.seats_in(meeting.plan.groupement_id)
    )


async def signatory_roles(services: Services, actor: Actor, meeting: Meeting) -> list[Signatory]:
    """What ``actor`` signs the minutes of ``meeting`` as: chair, secretary, both or nothing."""
    roles = []
    if _sat_for(actor, meeting, await _presided(services, meeting)):
        roles.append(Signatory.CHAIR)
    secretary = await services.sessions.secretary(meeting.id)
    if secretary is not None and secretary.person_id == actor.person_id:
        roles.append(Signatory.SECRETARY)
    return roles


async def signable(
    services: Services, actor: Actor, meeting_id: int
) -> tuple[Meeting, list[Signatory]]:
    """The meeting whose minutes ``actor`` may sign, and as what; refused otherwise."""
    meeting = await services.meetings.get(meeting_id)
    if meeting.state is not MeetingState.CLOSED:
        raise SessionNotClosed(f"meeting {meeting_id} is {meeting.state}", number=meeting_id)
    roles = await signatory_roles(services, actor, meeting)
    if not roles:
        raise NotASignatory(
            f"{actor.person_id} signs no minutes of {meeting_id}", number=meeting_id
        )
    return meeting, roles


async def sign_minutes(services: Services, actor: Actor, meeting_id: int) -> Signed:
    async with services.database.transaction():
        meeting, roles = await signable(services, actor, meeting_id)
        # The name printed with the signature is the signer's own, as the roster knows it.
        person = await services.roster.person(actor.person_id)
        name = actor.display_name if person is None else person.display_name
        recorded = []
        for role in roles:
            signature = await services.minutes.sign(meeting.id, role, actor.person_id, name)
            if signature is not None:
                recorded.append(signature)
    sent = await send_final_minutes(services, meeting.id) if recorded else None
    return Signed(meeting, tuple(recorded), sent)


async def record_secretary(
    services: Services, actor: Actor, meeting_id: int
) -> tuple[Meeting, SecretaryOfSession]:
    """``actor``, a coordinator of the groupement, is the secretary of the session: it signs
    the minutes as such. Until the secretary has signed, another coordinator may take over."""
    async with services.database.transaction():
        meeting = await services.meetings.get(meeting_id)
        actor.require_coordinator(meeting.plan.groupement_id)
        if meeting.state is MeetingState.CANCELLED:
            raise WrongMeetingState(f"meeting {meeting_id} is cancelled", meeting.state)
        signed = {s.signatory for s in await services.minutes.signatures(meeting.id)}
        standing = await services.sessions.secretary(meeting.id)
        if Signatory.SECRETARY in signed and (
            standing is None or standing.person_id != actor.person_id
        ):
            raise SecretaryHasSigned(
                f"meeting {meeting_id}'s secretary has signed", number=meeting_id
            )
        secretary = await services.sessions.record_secretary(
            meeting.id, actor.person_id, recorded_by=actor.person_id
        )
    return meeting, secretary
