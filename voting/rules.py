"""The rules a ballot is judged by: quorum, majority, tie and proxy limits.

These are plain immutable values. The configuration builds them from TOML, the
``scrutin tally`` command from JSON, and a ballot freezes them at opening.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, Inexact, localcontext
from enum import StrEnum
from typing import TypeVar


class RuleError(ValueError):
    """A rule that is malformed or can never be met."""


class Comparison(StrEnum):
    AT_LEAST = "at_least"
    MORE_THAN = "more_than"


class QuorumBasis(StrEnum):
    NONE = "none"
    MEMBERS = "members"
    WEIGHT = "weight"
    MEMBERS_AND_WEIGHT = "members_and_weight"


class QuorumCounts(StrEnum):
    PRESENT = "present"
    PRESENT_OR_REPRESENTED = "present_or_represented"
    TAKING_PART = "taking_part"
    """A written consultation: the members that replied, since nobody is present."""


class MajorityBase(StrEnum):
    EXPRESSED = "expressed"
    PRESENT_OR_REPRESENTED = "present_or_represented"
    ALL_MEMBERS = "all_members"


class TieRule(StrEnum):
    REJECTED = "rejected"
    CHAIR = "chair"
    COORDINATOR = "coordinator"
    """Written consultations only: the coordinator's own vote breaks a tie (no séance, no chair)."""


SESSION_TIE_RULES = (TieRule.REJECTED, TieRule.CHAIR)
CONSULTATION_TIE_RULES = (TieRule.REJECTED, TieRule.COORDINATOR)


class BallotKind(StrEnum):
    PUBLIC = "public"
    SECRET = "secret"


_E = TypeVar("_E", bound=StrEnum)

# ASCII digits only, bounded: "\d" would read "٢/٣" as 2/3, and a huge numerator is no rule.
_FRACTION = re.compile(r" *([0-9]{1,6}) */ *([0-9]{1,6}) *")


@dataclass(frozen=True)
class Threshold:
    """A share of a base, such as "more than 1/2" or "at least 2/3".

    Kept as two integers so that every comparison is a cross-multiplication
    and no division ever rounds a weight.
    """

    numerator: int
    denominator: int
    comparison: Comparison

    def __post_init__(self) -> None:
        if self.denominator <= 0 or self.numerator <= 0:
            raise RuleError(f"fraction {self.fraction_text} must be positive")
        if self.numerator > self.denominator:
            raise RuleError(f"fraction {self.fraction_text} is above 1 and can never be met")
        if self.numerator == self.denominator and self.comparison is Comparison.MORE_THAN:
            raise RuleError(f"'more than {self.fraction_text}' of a total can never be met")

    @classmethod
    def parse(cls, fraction: str, comparison: str) -> Threshold:
        match = _FRACTION.fullmatch(fraction)
        if match is None:
            raise RuleError(f"fraction {fraction!r} is not of the form 'n/d'")
        try:
            kind = Comparison(comparison)
        except ValueError:
            choices = ", ".join(c.value for c in Comparison)
            raise RuleError(f"comparison {comparison!r} is not one of {choices}") from None
        return cls(int(match.group(1)), int(match.group(2)), kind)

    @property
    def fraction_text(self) -> str:
        return f"{self.numerator}/{self.denominator}"

    def is_met(self, amount: Decimal | int, base: Decimal | int) -> bool:
        """Whether ``amount`` reaches this share of ``base``, exactly."""
        left, right = self._sides(amount, base)
        return left > right if self.comparison is Comparison.MORE_THAN else left >= right

    def is_boundary(self, amount: Decimal | int, base: Decimal | int) -> bool:
        """Whether ``amount`` is exactly this share of ``base``."""
        left, right = self._sides(amount, base)
        return left == right

    def _sides(self, amount: Decimal | int, base: Decimal | int) -> tuple[Decimal, Decimal]:
        # Trapping Inexact turns any rounding into an error instead of a wrong verdict.
        with localcontext() as context:
            context.prec = 200
            context.traps[Inexact] = True
            return Decimal(amount) * self.denominator, Decimal(base) * self.numerator

    def boundary(self, base: Decimal | int) -> Decimal:
        """The share of ``base`` that the comparison is made against, for display.

        Only shown to people; decisions use :meth:`is_met`.
        """
        return Decimal(base) * self.numerator / self.denominator

    def minimum_heads(self, base: int) -> int:
        """The smallest headcount that meets this threshold out of ``base`` heads."""
        floor, remainder = divmod(base * self.numerator, self.denominator)
        if self.comparison is Comparison.MORE_THAN or remainder:
            return floor + 1
        return floor


@dataclass(frozen=True)
class QuorumRule:
    basis: QuorumBasis
    threshold: Threshold | None
    counts: QuorumCounts = QuorumCounts.PRESENT_OR_REPRESENTED

    def __post_init__(self) -> None:
        if self.basis is not QuorumBasis.NONE and self.threshold is None:
            raise RuleError(f"quorum basis {self.basis.value!r} needs a fraction")

    @property
    def checks_members(self) -> bool:
        return self.basis in (QuorumBasis.MEMBERS, QuorumBasis.MEMBERS_AND_WEIGHT)

    @property
    def checks_weight(self) -> bool:
        return self.basis in (QuorumBasis.WEIGHT, QuorumBasis.MEMBERS_AND_WEIGHT)


@dataclass(frozen=True)
class MajorityRule:
    base: MajorityBase
    threshold: Threshold
    double: bool = False
    """Double majority: the threshold must be met in weight AND in heads."""


@dataclass(frozen=True)
class BallotRules:
    quorum: QuorumRule
    majority: MajorityRule
    tie: TieRule = TieRule.REJECTED
    max_proxies_per_holder: int = 1
    consultation_tie: TieRule = TieRule.REJECTED
    """The tie rule of a written consultation: there is no séance whose chair could decide."""

    def __post_init__(self) -> None:
        if self.max_proxies_per_holder < 0:
            raise RuleError("max_proxies_per_holder cannot be negative")
        if self.consultation_tie not in CONSULTATION_TIE_RULES:
            raise RuleError(f"consultation_tie: {self.consultation_tie.value!r} is not allowed")


SIMPLE_MAJORITY = MajorityRule(
    MajorityBase.EXPRESSED, Threshold(1, 2, Comparison.MORE_THAN), double=False
)
NO_QUORUM = QuorumRule(QuorumBasis.NONE, None)


def _choice(enum: type[_E], value: object, field: str) -> _E:
    try:
        return enum(str(value))
    except ValueError:
        choices = ", ".join(repr(c.value) for c in enum)
        raise RuleError(f"{field}: {value!r} is not one of {choices}") from None


def _tie(value: object, field: str, allowed: tuple[TieRule, ...]) -> TieRule:
    rule = _choice(TieRule, value, field)
    if rule not in allowed:
        choices = ", ".join(repr(c.value) for c in allowed)
        raise RuleError(f"{field}: {value!r} is not one of {choices}")
    return rule


def _session_counts(value: object) -> QuorumCounts:
    """Who a quorum counts; ``taking_part`` belongs to written consultations alone."""
    counts = _choice(QuorumCounts, value, "quorum.counts")
    if counts is QuorumCounts.TAKING_PART:
        allowed = "'present', 'present_or_represented'"
        raise RuleError(f"quorum.counts: {value!r} is not one of {allowed}")
    return counts


def _threshold(section: dict[str, object], field: str) -> Threshold:
    try:
        return Threshold.parse(str(section.get("fraction", "")), str(section.get("comparison", "")))
    except RuleError as error:
        raise RuleError(f"{field}: {error}") from None


RULE_KEYS: dict[str, frozenset[str]] = {
    "": frozenset({"quorum", "majority", "tie", "max_proxies_per_holder", "consultation_tie"}),
    "quorum": frozenset({"basis", "fraction", "comparison", "counts"}),
    "majority": frozenset({"base", "fraction", "comparison", "double"}),
}
"""The keys each table of rules may hold: any other is a mistake, never a default."""


def _refuse_unknown_keys(data: dict[str, object]) -> None:
    for section, allowed in RULE_KEYS.items():
        table = data if not section else data.get(section)
        if not isinstance(table, dict):
            continue
        for key in table:
            if key not in allowed:
                shown = key if isinstance(key, str) and key.isprintable() else repr(key)
                where = f"{section}.{shown}" if section else shown
                expected = ", ".join(sorted(allowed))
                raise RuleError(f"{where}: unknown key; expected one of {expected}")


def rules_from_mapping(data: dict[str, object]) -> BallotRules:
    """Build rules from the JSON/TOML shape used by configs and ``scrutin tally``.

    ``{"quorum": {"basis", "fraction", "comparison", "counts"},
    "majority": {"base", "fraction", "comparison", "double"},
    "tie": "rejected"|"chair", "max_proxies_per_holder": int,
    "consultation_tie": "rejected"|"coordinator"}``
    """
    _refuse_unknown_keys(data)
    quorum_data = data.get("quorum", {"basis": "none"})
    majority_data = data.get("majority")
    if not isinstance(quorum_data, dict):
        raise RuleError("quorum: expected a table")
    if not isinstance(majority_data, dict):
        raise RuleError("majority: expected a table")
    basis = _choice(QuorumBasis, quorum_data.get("basis", "none"), "quorum.basis")
    quorum = QuorumRule(
        basis=basis,
        threshold=None if basis is QuorumBasis.NONE else _threshold(quorum_data, "quorum"),
        counts=_session_counts(
            quorum_data.get("counts", QuorumCounts.PRESENT_OR_REPRESENTED.value)
        ),
    )
    double = majority_data.get("double", False)
    if not isinstance(double, bool):
        raise RuleError(f"majority.double: {double!r} is not true or false")
    majority = MajorityRule(
        base=_choice(MajorityBase, majority_data.get("base", "expressed"), "majority.base"),
        threshold=_threshold(majority_data, "majority"),
        double=double,
    )
    max_proxies = data.get("max_proxies_per_holder", 1)
    if not isinstance(max_proxies, int) or isinstance(max_proxies, bool) or max_proxies < 0:
        raise RuleError(f"max_proxies_per_holder: {max_proxies!r} is not a whole number >= 0")
    return BallotRules(
        quorum=quorum,
        majority=majority,
        tie=_tie(data.get("tie", "rejected"), "tie", SESSION_TIE_RULES),
        max_proxies_per_holder=max_proxies,
        consultation_tie=_tie(
            data.get("consultation_tie", "rejected"), "consultation_tie", CONSULTATION_TIE_RULES
        ),
    )


def rules_to_mapping(rules: BallotRules) -> dict[str, object]:
    """The inverse of :func:`rules_from_mapping`, for freezing rules in a ballot."""
    quorum: dict[str, object] = {"basis": rules.quorum.basis.value}
    if rules.quorum.threshold is not None:
        quorum["fraction"] = rules.quorum.threshold.fraction_text
        quorum["comparison"] = rules.quorum.threshold.comparison.value
    quorum["counts"] = rules.quorum.counts.value
    majority = rules.majority
    return {
        "quorum": quorum,
        "majority": {
            "base": majority.base.value,
            "fraction": majority.threshold.fraction_text,
            "comparison": majority.threshold.comparison.value,
            "double": majority.double,
        },
        "tie": rules.tie.value,
        "max_proxies_per_holder": rules.max_proxies_per_holder,
        "consultation_tie": rules.consultation_tie.value,
    }
