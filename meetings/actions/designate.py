"""Record how members name their representatives, and the elections that end their mandates.

Permission: a coordinator of the groupement; the member is named as for an invitation
(``membre`` or ``groupement/membre``). An act (deliberation, arrêté or decision) covers the
member's titulaire and suppléant from its recording on. An election ends the mandates at once:
the seats end, the member's pending invitations are void, its standing proxies (given or held)
are revoked, and the seats wait for a designation: no invitation for them until an act dated on
or after the election is recorded. The people whose mandate ended are told, after the commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from config.models import Groupement
from meetings.actions.actor import Actor
from meetings.actions.invite import MemberGone, find_participant
from meetings.delivery.audience import language_of
from meetings.designation import (
    ActKind,
    Designation,
    MandateEnd,
    MemberStanding,
    check_election_day,
    check_fills,
    check_may_end,
    checked_act,
    standing_at,
)
from meetings.notifier import Message, Private
from meetings.roster import Seat
from meetings.schedule import local_day
from meetings.services import Services
from meetings.wording.formats import name_of
from meetings.wording.messages.designations import mandate_ended_notice
from voting.refusal import Refused


class AdvisoryNotDesignated(Refused):
    """An advisory participant is convened as it is: it names no titulaire by an act here."""

    code = "designation.advisory"


@dataclass(frozen=True)
class Designated:
    groupement: Groupement
    designation: Designation
    filled: bool
    """The act filled seats that waited since an election."""


@dataclass(frozen=True)
class MandateEnded:
    groupement: Groupement
    end: MandateEnd
    seats: tuple[Seat, ...]
    """The seats that ended: their people were told."""
    pending: bool
    """Whether an invitation is now refused until a designation is recorded (always True)."""


@dataclass(frozen=True)
class Board:
    """A groupement's members and what covers their seats now, for its coordinator."""

    groupement: Groupement
    standings: tuple[MemberStanding, ...]


def _member(services: Services, actor: Actor, reference: str) -> tuple[Groupement, str]:
    groupement, member_id = find_participant(services, actor, reference)
    actor.require_coordinator(groupement.id)
    if groupement.is_advisory(member_id):
        raise AdvisoryNotDesignated(
            f"{member_id!r} is advisory", member=name_of(groupement, member_id)
        )
    today = local_day(services.clock(), groupement.groupement.tzinfo)
    if not groupement.member(member_id).is_active(today):
        raise MemberGone(
            f"{member_id!r} has left {groupement.id!r}",
            member=name_of(groupement, member_id),
            groupement=groupement.name,
        )
    return groupement, member_id


async def designate(
    services: Services,
    actor: Actor,
    reference: str,
    kind: ActKind,
    act_reference: str,
    signed_on: date,
) -> Designated:
    """Record the member's act naming its titulaire and suppléant."""
    groupement, member_id = _member(services, actor, reference)
    today = local_day(services.clock(), groupement.groupement.tzinfo)
    act = checked_act(kind, act_reference, signed_on, today)
    async with services.database.transaction():
        standing = await services.designations.standing_of(
            groupement.id, member_id, services.clock()
        )
        check_fills(standing, act, name_of(groupement, member_id))
        designation = await services.designations.record_designation(
            groupement.id, member_id, act, actor.person_id
        )
    return Designated(groupement, designation, standing.waiting_since is not None)


async def end_mandate(
    services: Services, actor: Actor, reference: str, election_day: date
) -> MandateEnded:
    """Record the election that ended the mandates of the member's representatives."""
    groupement, member_id = _member(services, actor, reference)
    check_election_day(election_day, local_day(services.clock(), groupement.groupement.tzinfo))
    async with services.database.transaction():
        standing = await services.designations.standing_of(
            groupement.id, member_id, services.clock()
        )
        check_may_end(standing, election_day, name_of(groupement, member_id))
        end = await services.designations.record_mandate_end(
            groupement.id, member_id, election_day, actor.person_id
        )
        seats = await services.roster.end_mandates(groupement.id, member_id)
    await _tell_ended(services, groupement, end, seats)
    return MandateEnded(groupement, end, tuple(seats), pending=True)


async def _tell_ended(
    services: Services, groupement: Groupement, end: MandateEnd, seats: Sequence[Seat]
) -> None:
    for seat in seats:
        language = await language_of(services, seat.person_id)
        text = mandate_ended_notice(groupement, seat, end, language)
        await services.notifier.send(Private(seat.person_id), Message(text))


async def board(services: Services, actor: Actor, groupement_ids: Sequence[str]) -> list[Board]:
    """For each groupement the actor coordinates (or the ones named), every active member's
    standing: the act in force, the election its seats wait since, or nothing recorded."""
    wanted = [g for g in actor.coordinated if not groupement_ids or g in groupement_ids]
    boards = []
    for groupement_id in wanted:
        groupement = services.governance.groupement(groupement_id)
        today = local_day(services.clock(), groupement.groupement.tzinfo)
        store = services.designations
        acts = await store.designations(groupement_id)
        ends = await store.mandate_ends(groupement_id)
        now = services.clock()
        standings = tuple(
            standing_at(member.id, acts, ends, now) for member in groupement.active_members(today)
        )
        boards.append(Board(groupement, standings))
    return boards
