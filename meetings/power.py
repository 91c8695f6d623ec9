"""The power of each voting instance's weight table, from the configuration.

:mod:`voting.power` works on a table and a rule; this module picks them for an instance on
a date: the weights in force (successors holding a departed member's voices), the
instance's rules, its ballot kind (a secret ballot has no casting vote) and the chair's
member, the coordinator's, as a meeting has by default.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from config.models import Governance, GovernanceLookupError, Groupement, Instance
from voting.power import PowerError, PowerReport, game_of, power_of
from voting.rules import BallotKind

__all__ = ["InstancePower", "instance_power", "instances_power"]


@dataclass(frozen=True)
class InstancePower:
    groupement: Groupement
    instance: Instance
    table_id: str
    chair: str
    """The member whose representative presides by default: the coordinator."""
    report: PowerReport | None
    problem: str | None
    """Why the power was not worked out (weights too fine to count exactly), or None."""


def instance_power(groupement: Groupement, instance: Instance, on: date) -> InstancePower:
    """The power of ``instance``'s table in force on ``on``; it must be a voting instance
    whose series has a table in force (:class:`GovernanceLookupError` otherwise)."""
    if instance.weight_series is None:
        raise GovernanceLookupError(f"instance {instance.id!r} does not vote")
    table, weights = groupement.electorate_weights(instance.weight_series, on)
    chair = groupement.groupement.coordinator
    secret = instance.ballot_kind is BallotKind.SECRET
    game = game_of(weights, instance.voting_rules, chair=chair, secret=secret)
    try:
        report, problem = power_of(game), None
    except PowerError as error:
        report, problem = None, str(error)
    return InstancePower(groupement, instance, table.id, chair, report, problem)


def instances_power(
    governance: Governance,
    on: date,
    *,
    groupement_id: str | None = None,
    instance_id: str | None = None,
) -> list[InstancePower]:
    """Every voting instance with a table in force on ``on``, or the ones asked for.

    Asking for a groupement or an instance that does not exist, or does not vote, raises
    :class:`GovernanceLookupError`.
    """
    groupements = (
        [governance.groupement(groupement_id)]
        if groupement_id is not None
        else [governance.groupements[key] for key in sorted(governance.groupements)]
    )
    found: list[InstancePower] = []
    for groupement in groupements:
        if instance_id is not None:
            found.append(instance_power(groupement, groupement.instance(instance_id), on))
            continue
        for instance in groupement.instances:
            if not instance.voting or instance.weight_series is None:
                continue
            try:
                found.append(instance_power(groupement, instance, on))
            except GovernanceLookupError:
                continue  # no table in force yet: the summary above says so
    return found
