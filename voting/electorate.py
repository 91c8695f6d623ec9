"""Who may vote in one ballot, and with what weight.

An :class:`Electorate` is a snapshot: the weights in force on the ballot date,
the members present (in the room, by video or by phone) and the proxies given
for this meeting. It is frozen when a ballot opens and never recomputed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal


class ElectorateError(ValueError):
    """A snapshot that breaks the rules of who may vote."""


@dataclass(frozen=True)
class Electorate:
    weights: Mapping[str, Decimal]
    present: frozenset[str] = field(default_factory=frozenset)
    proxies: Mapping[str, str] = field(default_factory=dict)
    """giver -> holder"""

    @property
    def members(self) -> tuple[str, ...]:
        return tuple(self.weights)

    @property
    def total_weight(self) -> Decimal:
        return sum(self.weights.values(), Decimal(0))

    @property
    def represented(self) -> frozenset[str]:
        return frozenset(self.proxies)

    def can_vote(self, member: str) -> bool:
        return member in self.present or member in self.proxies

    def voter_for(self, member: str) -> str | None:
        """The member whose representative casts ``member``'s vote."""
        if member in self.present:
            return member
        return self.proxies.get(member)

    def problems(self, max_proxies_per_holder: int) -> list[str]:
        """Every way this snapshot breaks the rules, one sentence each."""
        found: list[str] = []
        for member, weight in self.weights.items():
            if not isinstance(weight, Decimal) or not weight.is_finite() or weight <= 0:
                found.append(f"weight of {member!r} must be a positive decimal, not {weight!r}")
        for member in sorted(self.present - set(self.weights)):
            found.append(f"present member {member!r} is not in the electorate")
        for giver, holder in self.proxies.items():
            if giver not in self.weights:
                found.append(f"proxy giver {giver!r} is not in the electorate")
            if holder not in self.weights:
                found.append(f"proxy holder {holder!r} is not in the electorate")
            if giver == holder:
                found.append(f"{giver!r} cannot give a proxy to itself")
            elif giver in self.present:
                found.append(f"{giver!r} is present and cannot also give a proxy")
            elif holder in self.proxies:
                found.append(
                    f"{holder!r} gave its own proxy and cannot hold the proxy of {giver!r}"
                )
            elif holder not in self.present:
                found.append(f"proxy holder {holder!r} of {giver!r} is not present")
        carried = Counter(self.proxies.values())
        for holder, count in sorted(carried.items()):
            if count > max_proxies_per_holder:
                found.append(
                    f"{holder!r} holds {count} proxies, more than the limit of "
                    f"{max_proxies_per_holder}"
                )
        return found

    def check(self, max_proxies_per_holder: int) -> None:
        found = self.problems(max_proxies_per_holder)
        if found:
            raise ElectorateError("; ".join(found))
