"""What the configuration says about one meeting, worked out once.

A meeting belongs to an instance of a groupement. From that follow its wall-clock zone and
day, the weight table in force on that day, the members convened (those with a weight, or
every active member where the instance does not vote), the advisory participants, the
notice its convocation owes and the proxy limit. Everything that needs one of these facts
asks :func:`scope_of`, so the convocation, the session and the minutes agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from config.models import Governance, Groupement, Instance, WeightTable
from meetings.meeting import Meeting
from meetings.schedule import SECOND_CONVOCATION_CLEAR_DAYS, local_day
from voting.rules import BallotRules


@dataclass(frozen=True)
class MeetingScope:
    groupement: Groupement
    instance: Instance
    zone: ZoneInfo
    day: date
    """The meeting's wall-clock day."""
    weight_table: WeightTable | None
    """The table in force on that day; None where the instance does not vote."""
    weights: Mapping[str, Decimal]
    """Each voting member's weight on that day; empty where the instance does not vote."""
    members: tuple[str, ...]
    """The members convened, in the table's order (or the configuration's, without votes)."""
    advisory: tuple[str, ...]
    """The advisory participants convened: heard, never counted."""
    notice_days: int
    """Clear days of notice the convocation owes: the instance's, or 3 on a second one."""

    @property
    def voting(self) -> bool:
        return self.weight_table is not None

    @property
    def rules(self) -> BallotRules:
        return self.instance.voting_rules

    @property
    def proxy_limit(self) -> int:
        """How many proxies one member may hold here; none where the instance does not vote."""
        return self.rules.max_proxies_per_holder if self.voting else 0

    @property
    def total_weight(self) -> Decimal:
        return sum(self.weights.values(), Decimal(0))


def notice_days(instance: Instance, second_convocation: bool) -> int:
    """The notice of a convocation: a second one owes 3 clear days (CGCT L2121-17) at most."""
    if second_convocation:
        return min(instance.notice_clear_days, SECOND_CONVOCATION_CLEAR_DAYS)
    return instance.notice_clear_days


def scope_of(governance: Governance, meeting: Meeting) -> MeetingScope:
    groupement = governance.groupement(meeting.plan.groupement_id)
    instance = groupement.instance(meeting.plan.instance_id)
    zone = groupement.groupement.tzinfo
    day = local_day(meeting.plan.starts_at, zone)
    table: WeightTable | None = None
    weights: dict[str, Decimal] = {}
    if instance.voting and instance.weight_series is not None:
        table, weights = groupement.electorate_weights(instance.weight_series, day)
        members = tuple(weights)
    else:
        members = tuple(m.id for m in groupement.active_members(day))
    return MeetingScope(
        groupement=groupement,
        instance=instance,
        zone=zone,
        day=day,
        weight_table=table,
        weights=weights,
        members=members,
        advisory=tuple(a.id for a in groupement.advisory_for(instance.id)),
        notice_days=notice_days(instance, meeting.second_convocation),
    )
