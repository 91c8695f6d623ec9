"""The governance of a groupement de commandes, as described by one TOML file.

:class:`Groupement` is a whole file, checked as a whole; :class:`Governance` is every
configured groupement. They answer the questions the rest of the software asks: who is a
member on a date, which weight table is in force, who holds a departed member's voices.

The items of a file live in :mod:`config.sections` and the cross-item checks in
:mod:`config.checks`; both are re-exported here, the one import for code outside config/.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import Field, PrivateAttr, model_validator

from config.checks import Problem, check_groupement, show_value
from config.convention import Convention
from config.sections import (
    AdvisoryKind,
    AdvisoryParticipant,
    Article,
    ConfigModel,
    GovernanceLookupError,
    GroupementHeader,
    Instance,
    InstanceKind,
    Member,
    MemberKind,
    MembersConsultation,
    Recurrence,
    RulesProblem,
    WeightTable,
    format_decimal,
    parse_decimal,
)

__all__ = [
    "AdvisoryKind",
    "AdvisoryParticipant",
    "Article",
    "Convention",
    "Governance",
    "GovernanceLookupError",
    "Groupement",
    "GroupementHeader",
    "Instance",
    "InstanceKind",
    "Member",
    "MemberKind",
    "MembersConsultation",
    "Problem",
    "Recurrence",
    "RulesProblem",
    "WeightTable",
    "check_groupement",
    "format_decimal",
    "parse_decimal",
    "show_value",
]


class _ById:
    """A groupement's members and advisory participants by id, built on the first lookup.

    Never part of a groupement's equality: two groupements with the same items are equal,
    whether or not either was asked for a member yet.
    """

    def __init__(self) -> None:
        self._source: tuple[object, object] | None = None
        self._found: dict[str, Member | AdvisoryParticipant] = {}

    def of(
        self, members: list[Member], advisory: list[AdvisoryParticipant]
    ) -> dict[str, Member | AdvisoryParticipant]:
        source = self._source
        # Rebuilt only for a copy whose lists were replaced (``model_copy(update=...)``).
        if source is None or source[0] is not members or source[1] is not advisory:
            found: dict[str, Member | AdvisoryParticipant] = {a.id: a for a in advisory}
            # A member comes before an advisory participant of the same id, as it always did.
            found.update({member.id: member for member in members})
            self._found, self._source = found, (members, advisory)
        return self._found

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _ById)

    __hash__ = None  # type: ignore[assignment]


class Groupement(ConfigModel):
    """One groupement de commandes: the content of one TOML file, checked as a whole."""

    groupement: GroupementHeader
    members: Annotated[list[Member], Field(min_length=1)]
    # A factory rather than ``= []``: the same empty default, without ruff taking a model
    # whose pydantic base lives in another module for a plain class with a shared list.
    weight_tables: list[WeightTable] = Field(default_factory=list)
    instances: list[Instance] = Field(default_factory=list)
    advisory: list[AdvisoryParticipant] = Field(default_factory=list)
    convention: Convention | None = None
    """The convention's dates (term, amendments, withdrawal window), where the file gives them."""
    consultation: MembersConsultation | None = None
    """Written consultations of all the members, where the file allows them."""
    # Members and advisory participants by id: a ballot of 500 communes looks each one up,
    # and a search through the list each time made publishing a result quadratic.
    _index: _ById = PrivateAttr(default_factory=lambda: _ById())

    @model_validator(mode="after")
    def _consistent(self) -> Groupement:
        problems = check_groupement(
            self.groupement,
            self.members,
            self.weight_tables,
            self.instances,
            self.advisory,
            consultation=self.consultation,
        )
        if problems:
            raise ValueError("\n".join(problem.describe() for problem in problems))
        return self

    @property
    def id(self) -> str:
        return self.groupement.id

    @property
    def name(self) -> str:
        return self.groupement.name

    def _by_id(self) -> dict[str, Member | AdvisoryParticipant]:
        return self._index.of(self.members, self.advisory)

    def member(self, member_id: str) -> Member:
        found = self._by_id().get(member_id)
        if not isinstance(found, Member):
            raise GovernanceLookupError(f"groupement {self.id!r} has no member {member_id!r}")
        return found

    def instance(self, instance_id: str) -> Instance:
        """A body of the file, or the consultation of all the members by its id."""
        for instance in self.instances:
            if instance.id == instance_id:
                return instance
        if self.consultation is not None and self.consultation.id == instance_id:
            return self.consultation.as_instance()
        raise GovernanceLookupError(f"groupement {self.id!r} has no instance {instance_id!r}")

    def consults_members(self, instance_id: str) -> bool:
        """Whether ``instance_id`` is this groupement's consultation of all the members."""
        return self.consultation is not None and self.consultation.id == instance_id

    def consulted_members(self, on: date) -> list[str]:
        """The members in force on ``on`` that a consultation of all the members asks."""
        coordinator = self.groupement.coordinator
        votes = self.consultation is None or self.consultation.coordinator_votes
        return [m.id for m in self.active_members(on) if votes or m.id != coordinator]

    def weight_table(self, table_id: str) -> WeightTable:
        for table in self.weight_tables:
            if table.id == table_id:
                return table
        raise GovernanceLookupError(f"groupement {self.id!r} has no weight table {table_id!r}")

    def participant(self, participant_id: str) -> Member | AdvisoryParticipant:
        """A member or an advisory participant."""
        found = self._by_id().get(participant_id)
        if found is not None:
            return found
        raise GovernanceLookupError(
            f"groupement {self.id!r} has no member or advisory participant {participant_id!r}"
        )

    def participant_name(self, participant_id: str) -> str:
        """The name of a member or of an advisory participant."""
        return self.participant(participant_id).name

    def is_advisory(self, participant_id: str) -> bool:
        return isinstance(self._by_id().get(participant_id), AdvisoryParticipant)

    def active_members(self, on: date) -> list[Member]:
        return [member for member in self.members if member.is_active(on)]

    def advisory_for(self, instance_id: str) -> list[AdvisoryParticipant]:
        return [a for a in self.advisory if instance_id in a.instances]

    def weight_table_in_force(self, series: str, on: date) -> WeightTable:
        """The table of ``series`` with the latest ``effective_from`` on or before ``on``."""
        tables = [t for t in self.weight_tables if t.series == series]
        if not tables:
            raise GovernanceLookupError(
                f"groupement {self.id!r} has no weight table of series {series!r}"
            )
        in_force = [t for t in tables if t.effective_from <= on]
        if not in_force:
            earliest = min(t.effective_from for t in tables)
            raise GovernanceLookupError(
                f"groupement {self.id!r}: no weight table of series {series!r} is in force on "
                f"{on.isoformat()}; the earliest takes effect on {earliest.isoformat()}"
            )
        return max(in_force, key=lambda t: t.effective_from)

    def electorate_weights(self, series: str, on: date) -> tuple[WeightTable, dict[str, Decimal]]:
        """Who votes on ``on``, with which weight, and under which table.

        A member of the table that has not joined yet, or has left, does not vote. When a
        member has left and names a successor, its weight goes to the first active member
        down the chain of successors: a 2021 ballot under the 2017 ENT table gives the CeA
        the 2 voices of the Bas-Rhin plus the 1 of the Haut-Rhin. Successors keep their
        own place in the table's order; one absent from the table takes its first
        predecessor's place.
        """
        table = self.weight_table_in_force(series, on)
        by_id = {m.id: m for m in self.members}
        position = {member_id: index for index, member_id in enumerate(table.weights)}
        shares: list[tuple[int, str, Decimal]] = []
        for index, (member_id, weight) in enumerate(table.weights.items()):
            holder = _holder_on(member_id, by_id, on)
            if holder is not None:
                shares.append((position.get(holder, index), holder, weight))
        weights: dict[str, Decimal] = {}
        for _, holder, weight in sorted(shares, key=lambda share: share[0]):
            weights[holder] = weights.get(holder, Decimal(0)) + weight
        return table, weights


def _holder_on(member_id: str, by_id: Mapping[str, Member], on: date) -> str | None:
    """The member that holds ``member_id``'s weight on ``on``, if any."""
    seen: set[str] = set()
    current = by_id.get(member_id)
    while current is not None and current.id not in seen:
        seen.add(current.id)
        if current.is_active(on):
            return current.id
        if current.left is None or on < current.left or current.succeeded_by is None:
            return None  # not joined yet, or gone without a successor
        current = by_id.get(current.succeeded_by)
    return None


class Governance(ConfigModel):
    """Every configured groupement, by id."""

    groupements: dict[str, Groupement]

    @model_validator(mode="after")
    def _keys_are_ids(self) -> Governance:
        for key, groupement in self.groupements.items():
            if key != groupement.id:
                raise ValueError(f"groupement {groupement.id!r} is filed under {key!r}")
        return self

    def groupement(self, groupement_id: str) -> Groupement:
        try:
            return self.groupements[groupement_id]
        except KeyError:
            raise GovernanceLookupError(f"no groupement {groupement_id!r}") from None

    def instance(self, groupement_id: str, instance_id: str) -> Instance:
        return self.groupement(groupement_id).instance(instance_id)

    def coordinated_by(self, telegram_id: int) -> list[Groupement]:
        """The groupements whose coordinators include this Telegram user."""
        return [
            g
            for g in self.groupements.values()
            if telegram_id in g.groupement.coordinator_telegram_ids
        ]
