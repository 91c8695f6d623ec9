"""The governance of a groupement de commandes, as described by one TOML file.

A file has five sections: ``[groupement]``, ``[[members]]``, ``[[weight_tables]]``,
``[[instances]]`` and ``[[advisory]]``. Each section item is validated on its own by the
models below; what ties items together (references, totals, duplicates) is checked by
:func:`check_groupement`, so that the loader can report every problem of a file at once
instead of stopping at the first section that fails.

Weights are exact decimals written as TOML strings. A TOML number would be read as a
binary float (``4.5`` happens to be exact, ``0.1`` is not), so numbers are refused.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    Strict,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from voting.rules import BallotKind, BallotRules, RuleError, rules_from_mapping, rules_to_mapping

__all__ = [
    "AdvisoryKind",
    "AdvisoryParticipant",
    "Article",
    "Governance",
    "GovernanceLookupError",
    "Groupement",
    "GroupementHeader",
    "Instance",
    "InstanceKind",
    "Member",
    "MemberKind",
    "Problem",
    "Recurrence",
    "RulesProblem",
    "WeightTable",
    "check_groupement",
    "format_decimal",
    "parse_decimal",
    "show_value",
]


class GovernanceLookupError(LookupError):
    """An id or a date that the configuration has nothing for.

    A ``LookupError`` rather than a ``KeyError`` so that ``str()`` gives the sentence
    instead of its quoted repr.
    """


# --- scalar types -------------------------------------------------------------------

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _check_slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(
            f"{value!r} is not a valid id: use lowercase letters, digits and single dashes"
        )
    return value


Slug = Annotated[StrictStr, AfterValidator(_check_slug)]
Text = Annotated[StrictStr, Field(min_length=1)]
StrictDate = Annotated[date, Strict()]
NonNegativeInt = Annotated[StrictInt, Field(ge=0)]
TelegramId = Annotated[StrictInt, Field(gt=0)]


def parse_decimal(value: object) -> Decimal:
    """A strictly positive, finite decimal from a string (or an existing ``Decimal``).

    Numbers are refused on purpose: TOML would already have turned them into floats.
    """
    if isinstance(value, int | float):  # bool is an int too
        raise ValueError(
            f'write the number as a quoted decimal string, e.g. "{value}", so that it is '
            "read exactly and not as a binary float"
        )
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            hint = " (use a dot as decimal separator)" if "," in value else ""
            raise ValueError(f"{value!r} is not a decimal number{hint}") from None
    else:
        raise ValueError(f"expected a quoted decimal string, got {type(value).__name__}")
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite decimal number")
    if number <= 0:
        raise ValueError(f"{value!r} must be greater than 0")
    return number


def format_decimal(value: Decimal) -> str:
    """``Decimal("15.0")`` as ``15`` and ``Decimal("4.50")`` as ``4.5``, never ``1E+1``."""
    return f"{value.normalize():f}"


PositiveDecimal = Annotated[
    Decimal, PlainValidator(parse_decimal), PlainSerializer(format_decimal, return_type=str)
]

_RULE_KEYS: dict[str, frozenset[str]] = {
    "": frozenset({"quorum", "majority", "tie", "max_proxies_per_holder"}),
    "quorum": frozenset({"basis", "fraction", "comparison", "counts"}),
    "majority": frozenset({"base", "fraction", "comparison", "double"}),
}

_NO_VALUE: Any = object()


class RulesProblem(ValueError):
    """A rule that cannot be used, located inside the ``rules`` table.

    Pydantic can only place a validator's error on the field itself; the loader reads
    ``subpath`` and ``value`` to point at ``rules.majority.fraction`` and its value
    instead of dumping the whole table.
    """

    def __init__(self, subpath: tuple[str, ...], message: str, value: object = _NO_VALUE):
        where = ".".join(subpath)
        super().__init__(f"{where}: {message}" if where else message)
        self.subpath = subpath
        self.message = message
        self.value = value


def _lookup(table: Mapping[str, object], path: Sequence[str]) -> object:
    current: object = table
    for key in path:
        if not isinstance(current, Mapping) or key not in current:
            return _NO_VALUE
        current = current[key]
    return current


def _locate_rule_error(error: RuleError, data: Mapping[str, object]) -> RulesProblem:
    # rules_from_mapping prefixes its messages with the field at fault ("majority: ...",
    # "quorum.basis: ..."); threshold messages then start with the sub-key they blame.
    head, separator, rest = str(error).partition(": ")
    path = tuple(head.split(".")) if separator else ()
    if not path or path[0] not in _RULE_KEYS[""]:
        return RulesProblem((), str(error))
    if len(path) == 1 and path[0] in ("quorum", "majority") and rest != "expected a table":
        path += ("comparison" if rest.startswith("comparison") else "fraction",)
    return RulesProblem(path, rest, _lookup(data, path))


def _parse_rules(value: object) -> BallotRules:
    if isinstance(value, BallotRules):
        return value
    if not isinstance(value, dict):
        raise ValueError("expected a table of rules (quorum, majority, tie, ...)")
    # rules_from_mapping ignores keys it does not know, so a misspelt "dobule" would
    # silently fall back to the default; a configuration must not.
    for section, allowed in _RULE_KEYS.items():
        table = value if not section else value.get(section)
        if not isinstance(table, dict):
            continue
        for key in table:
            if key not in allowed:
                path = (section, str(key)) if section else (str(key),)
                raise RulesProblem(
                    path, f"unknown key; expected one of {', '.join(sorted(allowed))}", table[key]
                )
    try:
        return rules_from_mapping(value)
    except RuleError as error:
        raise _locate_rule_error(error, value) from None


Rules = Annotated[
    BallotRules,
    PlainValidator(_parse_rules),
    PlainSerializer(rules_to_mapping, return_type=dict[str, object]),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- sections ------------------------------------------------------------------------


class GroupementHeader(_Model):
    """The ``[groupement]`` table."""

    id: Slug
    name: Text
    coordinator: Slug
    timezone: StrictStr = "Europe/Paris"
    locale: StrictStr = "fr_FR"
    coordinator_telegram_ids: list[TelegramId] = []

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}, e.g. 'Europe/Paris'") from None
        return value

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        try:
            Locale.parse(value)
        except (ValueError, TypeError, UnknownLocaleError):
            raise ValueError(f"unknown locale {value!r}, e.g. 'fr_FR'") from None
        return value

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


MemberKind = Literal["region", "departement", "collectivite", "commune", "rectorat", "other"]

Article = Literal["le", "la", "l'", "les"]
"""The French article of a body's name: "le Département de la Meuse", "l'Académie"."""


class Member(_Model):
    """A ``[[members]]`` item: a public body that belongs, or belonged, to the groupement."""

    id: Slug
    name: Text
    article: Article | None = None
    """So that French reads "donne pouvoir au Département des Ardennes"; none: the bare name."""
    kind: MemberKind
    joined: StrictDate | None = None
    """First day of membership; ``None`` when it predates anything the software needs."""
    left: StrictDate | None = None
    """First day the body is no longer a member (exclusive end)."""
    succeeded_by: Slug | None = None
    """The member that takes over this one's weight after it leaves (a merger)."""

    def is_active(self, on: date) -> bool:
        return (self.joined is None or self.joined <= on) and (self.left is None or on < self.left)


class WeightTable(_Model):
    """A ``[[weight_tables]]`` item: one version of the voices, from an effective date."""

    id: Slug
    series: Slug
    effective_from: StrictDate
    source: Text
    weights: Annotated[dict[StrictStr, PositiveDecimal], Field(min_length=1)]
    declared_total: PositiveDecimal | None = None
    """The total a source states, checked against the weights, never used instead of them."""

    @property
    def total(self) -> Decimal:
        return sum(self.weights.values(), Decimal(0))


class InstanceKind(StrEnum):
    AG = "AG"
    COSTRAT = "COSTRAT"
    COGOUV = "COGOUV"
    CST = "CST"
    RL = "RL"
    COPIL = "COPIL"
    OTHER = "OTHER"


Recurrence = Literal["none", "annual", "quarterly"]


class Instance(_Model):
    """An ``[[instances]]`` item: a body that meets, and may vote.

    Inside a validated :class:`Groupement`, a voting instance always has
    ``weight_series`` (with at least one table) and ``rules``.
    """

    id: Slug
    kind: InstanceKind
    name: Text
    voting: StrictBool
    weight_series: Slug | None = None
    rules: Rules | None = None
    ballot_kind: BallotKind = BallotKind.PUBLIC
    allow_vote_change: StrictBool = True
    notice_clear_days: NonNegativeInt = 5
    urgent_notice_clear_days: NonNegativeInt = 1
    recurrence: Recurrence = "none"
    reminder_days_before: list[NonNegativeInt] = [7, 1]

    @field_validator("kind", mode="before")
    @classmethod
    def _known_kind(cls, value: object) -> InstanceKind:
        if isinstance(value, InstanceKind):
            return value
        try:
            return InstanceKind(str(value))
        except ValueError:
            choices = ", ".join(kind.value for kind in InstanceKind)
            raise ValueError(
                f"unknown instance kind {value!r}; expected one of {choices}"
            ) from None

    @property
    def voting_rules(self) -> BallotRules:
        """The rules of a voting instance; asking a non-voting one is a programming error."""
        if not self.voting or self.rules is None:
            raise GovernanceLookupError(f"instance {self.id!r} does not vote")
        return self.rules


AdvisoryKind = Literal["autorite_academique", "dane", "other"]


class AdvisoryParticipant(_Model):
    """An ``[[advisory]]`` item: convened and heard, never counted in a vote."""

    id: Slug
    name: Text
    article: Article | None = None
    kind: AdvisoryKind
    instances: list[Slug] = []


# --- cross-item checks ----------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a configuration, located by a dotted path such as
    ``weight_tables[ent-2017].weights.bas-rhn``."""

    path: str
    message: str
    value: object = _NO_VALUE

    @property
    def has_value(self) -> bool:
        return self.value is not _NO_VALUE

    def describe(self, source: str | None = None) -> str:
        where = f"{source}: " if source else ""
        shown = f" (value: {show_value(self.value)})" if self.has_value else ""
        return f"{where}{self.path}: {self.message}{shown}"


def show_value(value: object) -> str:
    """A value as the author wrote it in TOML, as near as can be told."""
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, date):
        return value.isoformat()
    return repr(value)


def _suggest(value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _duplicates(
    section: str, noun: str, ids: Iterable[str], also: Sequence[str], problems: list[Problem]
) -> None:
    counts = Counter([*ids, *also])
    for item_id, count in counts.items():
        if count > 1:
            problems.append(
                Problem(
                    f"{section}[{item_id}].id", f"duplicate {noun} id, used {count} times", item_id
                )
            )


def check_groupement(
    header: GroupementHeader | None,
    members: Sequence[Member],
    weight_tables: Sequence[WeightTable],
    instances: Sequence[Instance],
    advisory: Sequence[AdvisoryParticipant],
    *,
    unvalidated: Mapping[str, Sequence[str]] | None = None,
) -> list[Problem]:
    """Every inconsistency between the items of one groupement, one problem each.

    ``unvalidated`` gives, per section name (and ``"series"``), the ids of items that
    exist in the file but failed their own validation: they still count as known, so a
    mistake in one member is not echoed by every table that names it.
    """
    pending: Mapping[str, Sequence[str]] = unvalidated or {}
    problems: list[Problem] = []

    _duplicates("members", "member", (m.id for m in members), pending.get("members", ()), problems)
    _duplicates(
        "weight_tables",
        "weight table",
        (t.id for t in weight_tables),
        pending.get("weight_tables", ()),
        problems,
    )
    _duplicates(
        "instances", "instance", (i.id for i in instances), pending.get("instances", ()), problems
    )
    _duplicates(
        "advisory",
        "advisory participant",
        (a.id for a in advisory),
        pending.get("advisory", ()),
        problems,
    )

    member_ids = {m.id for m in members} | set(pending.get("members", ()))
    by_id = {m.id: m for m in members}

    if header is not None and header.coordinator not in member_ids:
        problems.append(
            Problem(
                "groupement.coordinator",
                "the coordinator is not a member" + _suggest(header.coordinator, member_ids),
                header.coordinator,
            )
        )

    for member in members:
        where = f"members[{member.id}]"
        if member.joined is not None and member.left is not None and member.left <= member.joined:
            problems.append(
                Problem(
                    f"{where}.left",
                    f"left {member.left.isoformat()} is not after joined "
                    f"{member.joined.isoformat()}",
                    member.left,
                )
            )
        successor = member.succeeded_by
        if successor is None:
            continue
        if successor == member.id:
            problems.append(
                Problem(f"{where}.succeeded_by", "a member cannot succeed itself", successor)
            )
        elif successor not in member_ids:
            problems.append(
                Problem(
                    f"{where}.succeeded_by",
                    "unknown member" + _suggest(successor, member_ids),
                    successor,
                )
            )
        elif member.left is None:
            problems.append(
                Problem(
                    f"{where}.succeeded_by",
                    "a successor only takes over after the member leaves; set 'left' too",
                    successor,
                )
            )
        elif _succession_loops(member.id, by_id):
            problems.append(
                Problem(f"{where}.succeeded_by", "the chain of successors loops back", successor)
            )

    seen_dates: dict[tuple[str, date], str] = {}
    for table in weight_tables:
        where = f"weight_tables[{table.id}]"
        for member_id in table.weights:
            if member_id not in member_ids:
                problems.append(
                    Problem(
                        f"{where}.weights.{member_id}",
                        "unknown member" + _suggest(member_id, member_ids),
                        member_id,
                    )
                )
        if table.declared_total is not None and table.declared_total != table.total:
            problems.append(
                Problem(
                    f"{where}.declared_total",
                    f"declared_total {format_decimal(table.declared_total)} disagrees with "
                    f"the sum of the weights, {format_decimal(table.total)}",
                    table.declared_total,
                )
            )
        key = (table.series, table.effective_from)
        if key in seen_dates:
            problems.append(
                Problem(
                    f"{where}.effective_from",
                    f"weight table {seen_dates[key]!r} of series {table.series!r} already takes "
                    "effect on that date",
                    table.effective_from,
                )
            )
        else:
            seen_dates[key] = table.id

    series = {t.series for t in weight_tables} | set(pending.get("series", ()))
    for instance in instances:
        where = f"instances[{instance.id}]"
        if instance.voting:
            if instance.weight_series is None:
                problems.append(
                    Problem(f"{where}.weight_series", "a voting instance needs a weight_series")
                )
            elif instance.weight_series not in series:
                problems.append(
                    Problem(
                        f"{where}.weight_series",
                        "no weight table has this series"
                        + _suggest(instance.weight_series, series),
                        instance.weight_series,
                    )
                )
            if instance.rules is None:
                problems.append(
                    Problem(
                        f"{where}.rules",
                        "a voting instance needs rules (quorum, majority, tie)",
                    )
                )
        if instance.urgent_notice_clear_days > instance.notice_clear_days:
            problems.append(
                Problem(
                    f"{where}.urgent_notice_clear_days",
                    f"an urgent notice cannot be longer than the normal one "
                    f"({instance.notice_clear_days} clear days)",
                    instance.urgent_notice_clear_days,
                )
            )

    instance_ids = {i.id for i in instances} | set(pending.get("instances", ()))
    for participant in advisory:
        for position, instance_id in enumerate(participant.instances):
            if instance_id not in instance_ids:
                problems.append(
                    Problem(
                        f"advisory[{participant.id}].instances[{position}]",
                        "unknown instance" + _suggest(instance_id, instance_ids),
                        instance_id,
                    )
                )
    return problems


def _succession_loops(start: str, by_id: Mapping[str, Member]) -> bool:
    seen = {start}
    current = by_id.get(start)
    while current is not None and current.succeeded_by is not None:
        if current.succeeded_by in seen:
            return True
        seen.add(current.succeeded_by)
        current = by_id.get(current.succeeded_by)
    return False


# --- the whole file ---------------------------------------------------------------------


class Groupement(_Model):
    """One groupement de commandes: the content of one TOML file, checked as a whole."""

    groupement: GroupementHeader
    members: Annotated[list[Member], Field(min_length=1)]
    weight_tables: list[WeightTable] = []
    instances: list[Instance] = []
    advisory: list[AdvisoryParticipant] = []

    @model_validator(mode="after")
    def _consistent(self) -> Groupement:
        problems = check_groupement(
            self.groupement, self.members, self.weight_tables, self.instances, self.advisory
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

    def member(self, member_id: str) -> Member:
        for member in self.members:
            if member.id == member_id:
                return member
        raise GovernanceLookupError(f"groupement {self.id!r} has no member {member_id!r}")

    def instance(self, instance_id: str) -> Instance:
        for instance in self.instances:
            if instance.id == instance_id:
                return instance
        raise GovernanceLookupError(f"groupement {self.id!r} has no instance {instance_id!r}")

    def weight_table(self, table_id: str) -> WeightTable:
        for table in self.weight_tables:
            if table.id == table_id:
                return table
        raise GovernanceLookupError(f"groupement {self.id!r} has no weight table {table_id!r}")

    def participant(self, participant_id: str) -> Member | AdvisoryParticipant:
        """A member or an advisory participant."""
        for member in self.members:
            if member.id == participant_id:
                return member
        for advisory in self.advisory:
            if advisory.id == participant_id:
                return advisory
        raise GovernanceLookupError(
            f"groupement {self.id!r} has no member or advisory participant {participant_id!r}"
        )

    def participant_name(self, participant_id: str) -> str:
        """The name of a member or of an advisory participant."""
        return self.participant(participant_id).name

    def is_advisory(self, participant_id: str) -> bool:
        return any(a.id == participant_id for a in self.advisory)

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


class Governance(_Model):
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
