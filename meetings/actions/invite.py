"""Invite a representative: a single-use token, valid 7 days, for a member's titulaire or
suppléant, or for an advisory participant.

Permission: a coordinator of the groupement. The member is named by its id, or by
``groupement/member`` when the coordinator runs several groupements. A new invitation voids
the pending one for the same seat.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.models import GovernanceLookupError, Groupement
from meetings.actions.actor import Actor
from meetings.designation import check_may_sit
from meetings.roster import Invitation, Role
from meetings.schedule import local_day
from meetings.services import Services
from meetings.wording.formats import name_of
from voting.refusal import Refused


class UnknownMember(Refused):
    """No member or advisory participant of that id among the actor's groupements."""

    code = "unknown_member"


class AmbiguousMember(Refused):
    """Several of the actor's groupements have a participant of that id: ``choices`` holds
    the ``groupement/member`` reference of each."""

    code = "ambiguous_member"


class MemberGone(Refused):
    """The member has left the groupement: nobody may speak for it any more."""

    code = "member_gone"


@dataclass(frozen=True)
class Invited:
    groupement: Groupement
    invitation: Invitation


def find_participant(services: Services, actor: Actor, reference: str) -> tuple[Groupement, str]:
    """``membre`` or ``groupement/membre`` among the groupements the actor coordinates."""
    groupement_part, _, member_part = reference.lower().rpartition("/")
    found = []
    for groupement_id in actor.coordinated:
        if groupement_part and groupement_part != groupement_id:
            continue
        groupement = services.governance.groupement(groupement_id)
        try:
            groupement.participant(member_part)
        except GovernanceLookupError:
            continue
        found.append((groupement, member_part))
    if len(found) > 1:
        raise AmbiguousMember(
            f"member {reference!r} is in several groupements",
            member=reference,
            choices=[f"{groupement.id}/{member_id}" for groupement, member_id in found],
        )
    if not found:
        raise UnknownMember(
            f"unknown member {reference!r}", member=reference, example=_example(services, actor)
        )
    return found[0]


def _example(services: Services, actor: Actor) -> str:
    """A reference that names exactly one participant, to show how it is done."""
    if not actor.coordinated:
        return ""
    groupement = services.governance.groupement(actor.coordinated[0])
    member_id = groupement.members[0].id
    return member_id if len(actor.coordinated) == 1 else f"{groupement.id}/{member_id}"


async def invite(services: Services, actor: Actor, reference: str, substitute: bool) -> Invited:
    groupement, member_id = find_participant(services, actor, reference)
    actor.require_coordinator(groupement.id)
    role = Role.SUPPLEANT if substitute else Role.TITULAIRE
    if groupement.is_advisory(member_id):
        role = Role.ADVISORY
    else:
        today = local_day(services.clock(), groupement.groupement.tzinfo)
        if not groupement.member(member_id).is_active(today):
            raise MemberGone(
                f"{member_id!r} has left {groupement.id!r}",
                member=name_of(groupement, member_id),
                groupement=groupement.name,
            )
        standing = await services.designations.standing_of(
            groupement.id, member_id, services.clock()
        )
        check_may_sit(standing, name_of(groupement, member_id))
    invitation = await services.roster.invite(groupement.id, member_id, role, actor.person_id)
    return Invited(groupement, invitation)
