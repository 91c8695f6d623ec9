"""Give (or revoke) a member's proxy for the next written consultation of an instance.

Permission: the representative of the giving member. For a meeting, a proxy is given in reply
to the convocation instead (:mod:`meetings.actions.reply`). A standing proxy serves once: the
consultation that freezes it consumes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.models import GovernanceLookupError, Groupement
from meetings.actions.actor import Actor
from meetings.roster import Seat, StandingProxy
from meetings.schedule import local_day
from meetings.services import Services
from voting.refusal import Refused


class NoVotingSeat(Refused):
    """The person represents no member of a voting instance of that name."""

    code = "no_voting_seat"


@dataclass(frozen=True)
class ProxyChange:
    groupement: Groupement
    instance_id: str
    giver: str
    holder: str | None
    """None when a proxy was revoked."""
    changed: bool
    """False when there was no proxy to revoke."""


def _seat(services: Services, actor: Actor, instance_id: str) -> Seat:
    seats = []
    for seat in actor.seats:
        try:
            instance = services.governance.instance(seat.groupement_id, instance_id)
        except GovernanceLookupError:
            continue
        # The consultation of all the members takes no proxy: each member answers itself.
        consults = services.governance.groupement(seat.groupement_id).consults_members(instance_id)
        if instance.voting and not consults:
            seats.append(seat)
    if len(seats) != 1:
        raise NoVotingSeat(f"no single voting seat for {instance_id!r}", instance=instance_id)
    return seats[0]


async def give_standing_proxy(
    services: Services, actor: Actor, instance_id: str, holder: str
) -> ProxyChange:
    seat = _seat(services, actor, instance_id)
    groupement = services.governance.groupement(seat.groupement_id)
    instance = groupement.instance(instance_id)
    assert instance.weight_series is not None
    today = local_day(services.clock(), groupement.groupement.tzinfo)
    _table, weights = groupement.electorate_weights(instance.weight_series, today)
    await services.roster.give_proxy(
        StandingProxy(seat.groupement_id, instance_id, seat.member_id, holder),
        actor.person_id,
        frozenset(weights),
        instance.voting_rules.max_proxies_per_holder,
    )
    return ProxyChange(groupement, instance_id, seat.member_id, holder, changed=True)


async def revoke_standing_proxy(services: Services, actor: Actor, instance_id: str) -> ProxyChange:
    seat = _seat(services, actor, instance_id)
    groupement = services.governance.groupement(seat.groupement_id)
    revoked = await services.roster.revoke_proxy(seat.groupement_id, instance_id, seat.member_id)
    return ProxyChange(groupement, instance_id, seat.member_id, None, changed=revoked)
