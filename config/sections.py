"""The items of a groupement file, each validated on its own.

A file has five sections: ``[groupement]``, ``[[members]]``, ``[[weight_tables]]``,
``[[instances]]`` and ``[[advisory]]``. The models below check one item at a time; what
ties items together is left to :mod:`config.checks`, so that the loader can report every
problem of a file at once instead of stopping at the first section that fails.

Weights are exact decimals written as TOML strings. A TOML number would be read as a
binary float (``4.5`` happens to be exact, ``0.1`` is not), so numbers are refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
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

from voting.decimal_text import (
    SHAPE,
    DecimalTextError,
    plain_positive_decimal,
    plain_text_of,
)
from voting.rules import (
    RULE_KEYS,
    BallotKind,
    BallotRules,
    RuleError,
    rules_from_mapping,
    rules_to_mapping,
)
from voting.shares import Derivation, ShareUnit, derive_weights

__all__ = [
    "NO_VALUE",
    "AdvisoryKind",
    "AdvisoryParticipant",
    "Article",
    "ConfigModel",
    "GovernanceLookupError",
    "GroupementHeader",
    "Instance",
    "InstanceKind",
    "LocaleTag",
    "Member",
    "MemberKind",
    "MembersConsultation",
    "Recurrence",
    "RulesProblem",
    "WeightTable",
    "format_decimal",
    "parse_decimal",
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


def _check_locale(value: str) -> str:
    try:
        Locale.parse(value)
    except (ValueError, TypeError, UnknownLocaleError):
        raise ValueError(f"unknown locale {value!r}, e.g. 'fr' or 'fr_FR'") from None
    return value


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}, e.g. 'Europe/Paris'") from None
    return value


Slug = Annotated[StrictStr, AfterValidator(_check_slug)]
LocaleTag = Annotated[StrictStr, AfterValidator(_check_locale)]
TimeZoneName = Annotated[StrictStr, AfterValidator(_check_timezone)]
Text = Annotated[StrictStr, Field(min_length=1)]
StrictDate = Annotated[date, Strict()]
NonNegativeInt = Annotated[StrictInt, Field(ge=0)]
TelegramId = Annotated[StrictInt, Field(gt=0)]


def parse_decimal(value: object) -> Decimal:
    """A strictly positive decimal written plainly (see :mod:`voting.decimal_text`).

    Numbers are refused on purpose: TOML would already have turned them into floats.
    """
    if isinstance(value, int | float):  # bool is an int too
        raise ValueError(
            f'write the number as a quoted decimal string, e.g. "{value}", so that it is '
            "read exactly and not as a binary float"
        )
    if isinstance(value, Decimal):
        text = plain_text_of(value)
        if text is None:
            raise ValueError(f"{value!r} is not a decimal written as {SHAPE}")
        value = text
    if not isinstance(value, str):
        raise ValueError(f"expected a quoted decimal string, got {type(value).__name__}")
    try:
        return plain_positive_decimal(value)
    except DecimalTextError as error:
        hint = " (use a dot as decimal separator)" if "," in value else ""
        raise ValueError(f"{error}{hint}") from None


def format_decimal(value: Decimal) -> str:
    """``Decimal("15.0")`` as ``15`` and ``Decimal("4.50")`` as ``4.5``, never ``1E+1``."""
    return f"{value.normalize():f}"


PositiveDecimal = Annotated[
    Decimal, PlainValidator(parse_decimal), PlainSerializer(format_decimal, return_type=str)
]

NO_VALUE: Any = object()
"""Stands for "no value to show" in a problem, where ``None`` may be the value at fault."""


class RulesProblem(ValueError):
    """A rule that cannot be used, located inside the ``rules`` table.

    Pydantic can only place a validator's error on the field itself; the loader reads
    ``subpath`` and ``value`` to point at ``rules.majority.fraction`` and its value
    instead of dumping the whole table.
    """

    def __init__(self, subpath: tuple[str, ...], message: str, value: object = NO_VALUE):
        where = ".".join(subpath)
        super().__init__(f"{where}: {message}" if where else message)
        self.subpath = subpath
        self.message = message
        self.value = value


def _lookup(table: Mapping[str, object], path: Sequence[str]) -> object:
    current: object = table
    for key in path:
        if not isinstance(current, Mapping) or key not in current:
            return NO_VALUE
        current = current[key]
    return current


def _locate_rule_error(error: RuleError, data: Mapping[str, object]) -> RulesProblem:
    # rules_from_mapping prefixes its messages with the field at fault ("majority: ...",
    # "quorum.basis: ..."); threshold messages then start with the sub-key they blame.
    head, separator, rest = str(error).partition(": ")
    path = tuple(head.split(".")) if separator else ()
    if not path or path[0] not in RULE_KEYS[""]:
        return RulesProblem((), str(error))
    if len(path) == 1 and path[0] in ("quorum", "majority") and rest != "expected a table":
        path += ("comparison" if rest.startswith("comparison") else "fraction",)
    return RulesProblem(path, rest, _lookup(data, path))


def _parse_rules(value: object) -> BallotRules:
    if isinstance(value, BallotRules):
        return value
    if not isinstance(value, dict):
        raise ValueError("expected a table of rules (quorum, majority, tie, ...)")
    # rules_from_mapping refuses unknown keys too; checking here first places the problem
    # on the misspelt key with its value ("rules.majority.dobule").
    for section, allowed in RULE_KEYS.items():
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


class ConfigModel(BaseModel):
    """A configuration item: unknown keys are mistakes, and nothing changes once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- sections ------------------------------------------------------------------------


class GroupementHeader(ConfigModel):
    """The ``[groupement]`` table."""

    id: Slug
    name: Text
    coordinator: Slug
    timezone: TimeZoneName = "Europe/Paris"
    locale: LocaleTag = "fr_FR"
    coordinator_telegram_ids: list[TelegramId] = []

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


MemberKind = Literal["region", "departement", "collectivite", "commune", "rectorat", "other"]

Article = Literal["le", "la", "l'", "les"]
"""The French article of a body's name: "le Département de la Meuse", "l'Académie"."""


class Member(ConfigModel):
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


class WeightTable(ConfigModel):
    """A ``[[weight_tables]]`` item: one version of the voices, from an effective date."""

    id: Slug
    series: Slug
    effective_from: StrictDate
    source: Text
    name: Text | None = None
    """How a record names the table ("tableau des voix de l'avenant n° 1, 2022"); else its id."""
    weights: dict[StrictStr, PositiveDecimal] = Field(default_factory=dict)
    """Written by hand, or derived from ``shares`` (then never written)."""
    declared_total: PositiveDecimal | None = None
    """The total a source states, checked against the weights, never used instead of them."""
    shares: dict[StrictStr, PositiveDecimal] | None = None
    """Each member's share (pupils, schools, euros): the weights are derived from them."""
    share_unit: ShareUnit | None = None
    shares_source: Text | None = None
    """Where the shares come from (a census, the market's amounts)."""
    derivation: Derivation = Derivation.SHARES
    """How the weights follow from the shares (:mod:`voting.shares`)."""

    @model_validator(mode="after")
    def _derived(self) -> WeightTable:
        if self.shares is None:
            if not self.weights:
                raise ValueError("a weight table needs weights, or shares to derive them from")
            if self.share_unit is not None or self.shares_source is not None:
                raise ValueError("share_unit and shares_source describe shares: add shares")
            return self
        if not self.shares:
            raise ValueError("shares: at least one member")
        if self.share_unit is None or self.shares_source is None:
            raise ValueError("shares need their share_unit and their shares_source")
        derived = derive_weights(self.shares, self.derivation)
        if self.weights == derived:
            return self  # a table validated again inside its groupement
        if self.weights:
            raise ValueError("declare either weights or shares, not both")
        # Frozen model: the derived weights are set once, here, as if they had been written.
        object.__setattr__(self, "weights", derived)
        return self

    @property
    def from_shares(self) -> bool:
        return self.shares is not None

    @property
    def total(self) -> Decimal:
        return sum(self.weights.values(), Decimal(0))

    @property
    def total_shares(self) -> Decimal | None:
        return None if self.shares is None else sum(self.shares.values(), Decimal(0))


class InstanceKind(StrEnum):
    AG = "AG"
    COSTRAT = "COSTRAT"
    COGOUV = "COGOUV"
    CST = "CST"
    RL = "RL"
    COPIL = "COPIL"
    OTHER = "OTHER"


Recurrence = Literal["none", "annual", "quarterly"]
ChairDesignation = Literal["coordinator", "vote"]
"""Who designates a chair for the session when the planned chair's member is absent."""
SecretResults = Literal["weights", "outcome"]
"""What a secret ballot publishes: each option's weight (never its headcount), or only the
outcome, with the quorum and whether the required majority was reached."""


class Instance(ConfigModel):
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
    off_agenda_ballots: StrictBool = False
    """Whether a session may vote on a question that is no motion of its agenda."""
    notice_clear_days: NonNegativeInt = 5
    urgent_notice_clear_days: NonNegativeInt = 1
    recurrence: Recurrence = "none"
    reminder_days_before: list[NonNegativeInt] = [7, 1]
    chair_designation: ChairDesignation = "coordinator"
    secret_results: SecretResults = "weights"

    @property
    def outcome_only(self) -> bool:
        """Whether this instance's secret ballots publish their outcome and no figure of any
        option (see :data:`SecretResults`)."""
        return self.secret_results == "outcome"

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


class MembersConsultation(ConfigModel):
    """The ``[consultation]`` table: written consultations of all the members, outside any body.

    A groupement with this table lets its coordinator consult every member in writing with
    the rule chosen at the opening (:mod:`voting.decision_rules`). Its ballots belong to a
    body of that ``id`` that never meets: :meth:`as_instance`.
    """

    id: Slug = "membres"
    name: Text
    """How the papers, results and records name the consultation ("Consultation des membres")."""
    weight_series: Slug | None = None
    """The series whose table in force gives "the weights in force"; none: by head only."""
    coordinator_votes: StrictBool = True
    """False where the coordinator asks the members and is not itself consulted (seed 004)."""
    ballot_kind: BallotKind = BallotKind.PUBLIC
    allow_vote_change: StrictBool = True

    def as_instance(self) -> Instance:
        """The body the consultation's ballots belong to: it votes, in writing, never meets."""
        return Instance(
            id=self.id,
            kind=InstanceKind.OTHER,
            name=self.name,
            voting=True,
            weight_series=self.weight_series,
            ballot_kind=self.ballot_kind,
            allow_vote_change=self.allow_vote_change,
            reminder_days_before=[],
        )


AdvisoryKind = Literal["autorite_academique", "dane", "other"]


class AdvisoryParticipant(ConfigModel):
    """An ``[[advisory]]`` item: convened and heard, never counted in a vote."""

    id: Slug
    name: Text
    article: Article | None = None
    kind: AdvisoryKind
    instances: list[Slug] = []
