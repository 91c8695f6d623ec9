"""The power of a weight table: who decides, who blocks, with every member voting.

A voting instance's weight table and majority rule define a *weighted voting game*: every
member is present and votes for or against (nobody abstains), and a coalition *wins* when
the motion is adopted with its members voting for and all the others against. Each of the
three majority bases (suffrages exprimés, present or represented, all members) is then the
whole table, in weight and in heads. The coalition wins when:

- its weight meets the threshold of the total weight (``2 * for > total`` for "more than
  1/2", by cross-multiplication) and, for a double majority, its headcount meets the same
  threshold of the members;
- or the vote is an equal split that only a casting vote can break (the tally's own rule:
  the for and the against weigh the same, exactly on a "more than" threshold, see
  :func:`voting.tally.tally`), the instance's tie rule gives the chair a casting vote, the
  ballot is public, and the chair's member is in the coalition. In a secret ballot, or
  under the tie rule "rejected", a tie rejects.

:meth:`WeightedGame.wins` says this for a weight and a headcount; the tests check it
against :func:`voting.tally.tally` itself.

The indices are exact (:class:`fractions.Fraction`). Weights are exact decimals, scaled
to integers (by the power of ten of their finest decimal, then divided by their greatest
common divisor): ``W`` below is the total in those units (30 for the 2022 ENT table of
15 voices in halves). Counts come from pseudo-polynomial dynamic programming, never from
enumerating the 2^n coalitions: the number of coalitions of each size and each weight,
kept as one Python integer per size in which each weight has a slot of ``n + 2`` bits
(a slot's sum of counts stays below ``2^(n+2) - 1`` so that the sum of a window of slots
is the window modulo ``2^(n+2) - 1``). Adding a member is a shift and an add per size;
leaving one out is the inverse recurrence ``Q[k] = P[k] - Q[k-1] x^w``. Members of equal
weight have equal power, so the counts without one member are computed once per distinct
weight. Time: O(n^2 + d * n) big-integer operations on numbers of O(W * n) bits, where d
is the number of distinct weights, so O((n + d) * n^2 * W) bit operations; memory
O(n^2 * W) bits. 500 members with weights 1 to 5 (W = 1500) take under five seconds;
weights with many decimals make W, and so the time, grow (see :data:`WORK_LIMIT`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import gcd

from voting.rules import BallotRules, Comparison, Threshold, TieRule

__all__ = [
    "BLOCKING_LIST_LIMIT",
    "WORK_LIMIT",
    "Coalition",
    "MemberPower",
    "PowerError",
    "PowerReport",
    "WeightedGame",
    "game_of",
    "power_of",
]

BLOCKING_LIST_LIMIT = 12
"""How many smallest blocking minorities are listed by name; all are counted."""

_SEARCH_BUDGET = 200_000
"""Nodes the search for named blocking minorities may visit before it stops listing."""


class PowerError(ValueError):
    """A table whose power cannot be worked out: no member, or a weight that is not positive."""


@dataclass(frozen=True)
class WeightedGame:
    """The members in table order, their weights in integer units, and the winning rule."""

    members: tuple[str, ...]
    decimal_weights: tuple[Decimal, ...]
    units: tuple[int, ...]
    """Each weight in units of :attr:`unit`: exact integers, proportional to the weights."""
    unit: Decimal
    threshold: Threshold
    double: bool
    casting: str | None
    """The member whose vote breaks an equal split (the chair's), or None when a tie rejects."""

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def total(self) -> int:
        return sum(self.units)

    @property
    def total_weight(self) -> Decimal:
        return sum(self.decimal_weights, Decimal(0))

    def weight_of(self, member: str) -> Decimal:
        return self.decimal_weights[self.members.index(member)]

    def heads_suffice(self, heads: int) -> bool:
        """Whether ``heads`` members meet the headcount a double majority asks for."""
        return not self.double or self.threshold.is_met(heads, self.size)

    def least_winning_weight(self) -> int:
        """The smallest positive weight, in units, that meets the threshold of the total."""
        top = self.total * self.threshold.numerator
        floor, remainder = divmod(top, self.threshold.denominator)
        if self.threshold.comparison is Comparison.MORE_THAN or remainder:
            floor += 1
        return max(floor, 1)

    def splits_evenly(self, weight: int, heads: int) -> bool:
        """Whether a coalition of this weight and headcount ties with the rest, as the tally
        counts a tie: equal weights, exactly on a "more than" threshold."""
        threshold = self.threshold
        if weight <= 0 or 2 * weight != self.total:
            return False
        if threshold.comparison is not Comparison.MORE_THAN:
            return False
        if not threshold.is_boundary(weight, self.total):
            return False
        if not self.double:
            return True
        even_heads = 2 * heads == self.size and threshold.is_boundary(heads, self.size)
        return threshold.is_met(heads, self.size) or even_heads

    def wins(self, weight: int, heads: int, with_casting: bool) -> bool:
        """Whether a coalition of this weight (units) and headcount adopts the motion."""
        if weight > 0 and weight >= self.least_winning_weight() and self.heads_suffice(heads):
            return True
        return with_casting and self.casting is not None and self.splits_evenly(weight, heads)

    def coalition_wins(self, coalition: Collection[str]) -> bool:
        """Whether the motion is adopted with ``coalition`` for and every other member against."""
        chosen = set(coalition)
        weight = sum(u for m, u in zip(self.members, self.units, strict=True) if m in chosen)
        return self.wins(weight, len(chosen), self.casting in chosen)


def _integer_units(weights: Sequence[Decimal]) -> tuple[tuple[int, ...], Decimal]:
    """The weights as coprime integers, and the decimal weight of one unit."""
    for weight in weights:
        if not isinstance(weight, Decimal) or not weight.is_finite() or weight <= 0:
            raise PowerError(f"weight {weight!r} is not a positive decimal")
    places = max(max(0, -int(w.normalize().as_tuple().exponent)) for w in weights)
    scale = 10**places
    scaled = [int(w.scaleb(places)) for w in weights]
    divisor = 0
    for value in scaled:
        divisor = gcd(divisor, value)
    return tuple(v // divisor for v in scaled), Decimal(divisor) / Decimal(scale)


def game_of(
    weights: Mapping[str, Decimal], rules: BallotRules, *, chair: str | None, secret: bool
) -> WeightedGame:
    """The game of a table under an instance's rules, every member present and voting.

    ``chair`` is the member whose representative presides (by default the coordinator);
    its vote breaks an equal split only under the tie rule "chair" and in a public ballot.
    """
    if not weights:
        raise PowerError("a weight table without members has no power to share")
    members = tuple(weights)
    decimals = tuple(weights[m] for m in members)
    units, unit = _integer_units(decimals)
    breaks_ties = rules.tie in (TieRule.CHAIR, TieRule.COORDINATOR)
    casting = chair if breaks_ties and not secret and chair in weights else None
    return WeightedGame(
        members=members,
        decimal_weights=decimals,
        units=units,
        unit=unit,
        threshold=rules.majority.threshold,
        double=rules.majority.double,
        casting=casting,
    )


@dataclass(frozen=True)
class MemberPower:
    member: str
    weight: Decimal
    swings: int
    """Raw Banzhaf count: coalitions of the others that this member turns from losing to winning."""
    banzhaf: Fraction
    """Normalised Banzhaf index: this member's swings over all members' swings."""
    shapley_shubik: Fraction
    veto: bool
    """Alone it blocks: the others all together cannot adopt a motion."""
    dictator: bool
    """Alone it decides: a motion passes exactly when this member votes for it."""


@dataclass(frozen=True)
class Coalition:
    members: tuple[str, ...]
    weight: Decimal


@dataclass(frozen=True)
class PowerReport:
    game: WeightedGame
    powers: tuple[MemberPower, ...]
    total_swings: int
    blocking_size: int
    """The fewest members that, voting against, reject a motion whatever the others do."""
    blocking_count: int
    """How many coalitions of ``blocking_size`` members block."""
    blocking: tuple[Coalition, ...]
    """The first of them (the heaviest first), at most :data:`BLOCKING_LIST_LIMIT`."""

    def weight_share(self, power: MemberPower) -> Fraction:
        """The member's share of the total weight, to compare with its indices."""
        return Fraction(power.weight) / Fraction(self.game.total_weight)

    @property
    def vetoes(self) -> tuple[str, ...]:
        return tuple(p.member for p in self.powers if p.veto)

    @property
    def dictator(self) -> str | None:
        return next((p.member for p in self.powers if p.dictator), None)


# --- counting coalitions by size and weight ----------------------------------------------


@dataclass(frozen=True)
class _Packing:
    slot_bits: int
    slots: int
    """Weights 0 .. slots - 1 are kept: every weight a coalition can have."""

    def window_sum(self, row: int, low: int, high: int) -> int:
        """The sum of the counts of weights ``low`` to ``high - 1`` in ``row``.

        As 2^bits = 1 modulo 2^bits - 1, a window is the sum of its slots modulo that
        number, and that sum (at most the 2^n coalitions) stays below it.
        """
        low, high = max(low, 0), min(high, self.slots)
        if low >= high:
            return 0
        bits = self.slot_bits
        window = (row >> (low * bits)) & ((1 << ((high - low) * bits)) - 1)
        return window % ((1 << bits) - 1)


def _with_member(rows: list[int], units: int, packing: _Packing) -> list[int]:
    """The counts once one more member of ``units`` may join: P(x, y) * (1 + y x^units).

    No coalition outweighs the table, so no count ever leaves the slots: nothing to mask.
    """
    shift = units * packing.slot_bits
    grown = [*rows, 0]
    for size in range(len(rows), 0, -1):
        grown[size] += rows[size - 1] << shift
    return grown


def _without_member(rows: list[int], units: int, packing: _Packing) -> list[int]:
    """The counts once one member of ``units`` is left out: P / (1 + y x^units), exactly."""
    shift = units * packing.slot_bits
    kept = [rows[0]]
    for size in range(1, len(rows) - 1):
        kept.append(rows[size] - (kept[size - 1] << shift))
    return kept


def _counts(units: Iterable[int], packing: _Packing) -> list[int]:
    rows = [1]
    for value in units:
        rows = _with_member(rows, value, packing)
    return rows


_Intervals = list[tuple[int, int]]


def _winning_weights(game: WeightedGame, heads: int, with_casting: bool) -> _Intervals:
    """The weights (units, half-open intervals) at which a coalition of ``heads`` wins."""
    found: _Intervals = []
    least = game.least_winning_weight()
    if game.heads_suffice(heads):
        found.append((least, game.total + 1))
    if with_casting and game.casting is not None and game.total % 2 == 0:
        half = game.total // 2
        if half < least and game.splits_evenly(half, heads):
            found.append((half, half + 1))
    return found


def _shifted(intervals: _Intervals, by: int) -> _Intervals:
    return [(low - by, high - by) for low, high in intervals]


def _minus(kept: _Intervals, removed: _Intervals) -> _Intervals:
    """The points of ``kept`` outside ``removed``."""
    result = kept
    for cut_low, cut_high in removed:
        pieces: _Intervals = []
        for low, high in result:
            if cut_high <= low or high <= cut_low:
                pieces.append((low, high))
                continue
            if low < cut_low:
                pieces.append((low, cut_low))
            if cut_high < high:
                pieces.append((cut_high, high))
        result = pieces
    return result


@dataclass(frozen=True)
class _Family:
    """Coalitions T of a counted set, joined by a fixed extra part (the casting member or not)."""

    extra_units: int
    extra_heads: int
    with_casting: bool


def _families(game: WeightedGame, casting_studied: bool) -> list[_Family]:
    """How a coalition of the counted members (never the casting one) extends to one of
    everybody but the member studied: with and without the casting member, unless there is
    none or it is the member studied."""
    if game.casting is None or casting_studied:
        return [_Family(0, 0, False)]
    casting_units = game.units[game.members.index(game.casting)]
    return [_Family(0, 0, False), _Family(casting_units, 1, True)]


def _shapley_shubik(by_size: Mapping[int, int], factorials: Sequence[int]) -> Fraction:
    """The share of the n! orderings in which the member comes just when its coalition wins:
    a coalition of s members before it is followed by it in s! (n - 1 - s)! of them."""
    players = len(factorials) - 1
    orderings = sum(
        count * factorials[size] * factorials[players - 1 - size] for size, count in by_size.items()
    )
    return Fraction(orderings, factorials[players])


def _swings_by_size(
    game: WeightedGame, rows: list[int], member_units: int, is_casting: bool, packing: _Packing
) -> dict[int, int]:
    """For one member: how many coalitions of each size, without it, it turns into winners."""
    found: dict[int, int] = {}
    for family in _families(game, casting_studied=is_casting):
        joined = family.with_casting or is_casting
        for size, row in enumerate(rows):
            heads = size + family.extra_heads
            before = _shifted(
                _winning_weights(game, heads, family.with_casting), family.extra_units
            )
            after = _shifted(
                _winning_weights(game, heads + 1, joined), family.extra_units + member_units
            )
            count = sum(packing.window_sum(row, low, high) for low, high in _minus(after, before))
            if count:
                found[heads] = found.get(heads, 0) + count
    return found


def _losing_by_size(game: WeightedGame, rows: list[int], packing: _Packing) -> dict[int, int]:
    """How many coalitions of each size, of all the members, lose."""
    found: dict[int, int] = {}
    for family in _families(game, casting_studied=False):
        for size, row in enumerate(rows):
            heads = size + family.extra_heads
            winning = _shifted(
                _winning_weights(game, heads, family.with_casting), family.extra_units
            )
            count = sum(
                packing.window_sum(row, low, high)
                for low, high in _minus([(0, packing.slots)], winning)
            )
            found[heads] = found.get(heads, 0) + count
    return found


def _counted_apart(game: WeightedGame, packing: _Packing) -> list[int]:
    """The counts of the coalitions of every member but the casting one, counted apart."""
    return _counts(
        (u for m, u in zip(game.members, game.units, strict=True) if m != game.casting), packing
    )


def _member_swings(
    game: WeightedGame, everyone: list[int], packing: _Packing
) -> list[dict[int, int]]:
    """Each member's swings by coalition size, computed once per distinct weight."""
    by_units: dict[int, dict[int, int]] = {}
    swings: list[dict[int, int]] = []
    for member, units in zip(game.members, game.units, strict=True):
        if member == game.casting:
            swings.append(_swings_by_size(game, everyone, units, True, packing))
            continue
        if units not in by_units:
            others = _without_member(everyone, units, packing)
            by_units[units] = _swings_by_size(game, others, units, False, packing)
        swings.append(by_units[units])
    return swings


WORK_LIMIT = 2 * 10**9
"""The most bits the counts may take (members x slot bits x slots): about 250 MB."""


def power_of(game: WeightedGame, blocking_limit: int = BLOCKING_LIST_LIMIT) -> PowerReport:
    """Banzhaf and Shapley-Shubik indices, smallest blocking minorities, vetoes and dictator.

    Raises :class:`PowerError` when the weights are so fine (so many decimals) that the
    exact counts would not fit in memory.
    """
    packing = _Packing(slot_bits=game.size + 2, slots=game.total + 1)
    if game.size * packing.slot_bits * packing.slots > WORK_LIMIT:
        raise PowerError(
            f"{game.size} members whose weights add up to {game.total} units of {game.unit}: "
            "too fine to count exactly"
        )
    everyone = _counted_apart(game, packing)
    swings = _member_swings(game, everyone, packing)
    total_swings = sum(sum(by_size.values()) for by_size in swings)
    losing = _losing_by_size(game, everyone, packing)
    size = next(b for b in range(game.size + 1) if losing.get(game.size - b, 0) > 0)
    return PowerReport(
        game=game,
        powers=_member_powers(game, swings, total_swings),
        total_swings=total_swings,
        blocking_size=size,
        blocking_count=losing[game.size - size],
        blocking=_blocking_coalitions(game, size, blocking_limit),
    )


def _member_powers(
    game: WeightedGame, swings: Sequence[dict[int, int]], total_swings: int
) -> tuple[MemberPower, ...]:
    factorials = [1]
    for count in range(1, game.size + 1):
        factorials.append(factorials[-1] * count)
    # Members of equal weight share one dictionary of swings: one index for all of them.
    shares: dict[int, Fraction] = {}
    all_members = set(game.members)
    powers: list[MemberPower] = []
    for member, weight, by_size in zip(game.members, game.decimal_weights, swings, strict=True):
        if id(by_size) not in shares:
            shares[id(by_size)] = _shapley_shubik(by_size, factorials)
        raw = sum(by_size.values())
        veto = not game.coalition_wins(all_members - {member})
        powers.append(
            MemberPower(
                member=member,
                weight=weight,
                swings=raw,
                banzhaf=Fraction(raw, total_swings) if total_swings else Fraction(0),
                shapley_shubik=shares[id(by_size)],
                veto=veto,
                dictator=veto and game.coalition_wins({member}),
            )
        )
    return tuple(powers)


def _blocking_coalitions(game: WeightedGame, size: int, limit: int) -> tuple[Coalition, ...]:
    """The first ``limit`` coalitions of ``size`` members whose "against" rejects a motion.

    A depth-first search over the members, heaviest first, cut where even the heaviest
    remaining members could not weigh enough: when the others have heads enough, they lose
    only below the least winning weight, so a blocking coalition weighs more than the rest.
    """
    order = sorted(
        range(game.size), key=lambda j: (-game.units[j], game.members[j] != game.casting, j)
    )
    units = [game.units[j] for j in order]
    heaviest_from = [sum(units[start:]) for start in range(len(units) + 1)]
    needed = 0
    if game.heads_suffice(game.size - size):
        needed = game.total - game.least_winning_weight() + 1
    found: list[Coalition] = []
    budget = [_SEARCH_BUDGET]

    def search(start: int, chosen: list[int], weight: int) -> None:
        budget[0] -= 1
        missing = size - len(chosen)
        if len(found) >= limit or budget[0] < 0 or len(order) - start < missing:
            return
        if weight + heaviest_from[start] - heaviest_from[start + missing] < needed:
            return
        if missing == 0:
            members = [game.members[order[j]] for j in chosen]
            if not game.coalition_wins(set(game.members) - set(members)):
                total = sum((game.decimal_weights[order[j]] for j in chosen), Decimal(0))
                found.append(Coalition(tuple(members), total))
            return
        for pick in range(start, len(order)):
            search(pick + 1, [*chosen, pick], weight + units[pick])

    search(0, [], 0)
    return tuple(found)
