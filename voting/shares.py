"""Weights derived from shares: pupils, schools or amounts, each member's part of the whole.

Seed 004 splits damages "au prorata du poids relatif de chacun … dans les marchés": a table
of shares says each member's relative weight. Thresholds are proportions compared by
cross-multiplication, so multiplying every weight by one positive number never changes an
outcome; the derivation therefore only has to keep the proportions, exactly. Two rules do:

- ``shares``: each share is the weight itself (one voice per pupil, school or euro);
- ``reduced``: the shares divided by their greatest common divisor, the smallest whole
  numbers in the same proportions (120 000 € and 80 000 € give 3 and 2).

Dividing by the total instead would give fractions such as 1/3 that no decimal writes
exactly; neither rule ever rounds.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from math import gcd


class Derivation(StrEnum):
    SHARES = "shares"
    """The weight of a member is its share."""
    REDUCED = "reduced"
    """The shares divided by their greatest common divisor."""


class ShareUnit(StrEnum):
    PUPILS = "pupils"
    SCHOOLS = "schools"
    EUROS = "euros"


def common_divisor(values: Mapping[str, Decimal] | list[Decimal]) -> Decimal:
    """The greatest decimal that divides every value a whole number of times.

    Each value is scaled to an integer by the same power of ten, the integers' gcd taken,
    and scaled back: ``1.5`` and ``1`` give ``0.5``.
    """
    numbers = list(values.values()) if isinstance(values, Mapping) else list(values)
    if not numbers or any(not n.is_finite() or n <= 0 for n in numbers):
        raise ValueError("shares must be positive finite decimals")
    places = max(max(0, -int(n.as_tuple().exponent)) for n in numbers)
    scale: int = 10**places
    divisor = 0
    for number in numbers:
        scaled = number * scale
        assert scaled == scaled.to_integral_value()
        divisor = gcd(divisor, int(scaled))
    return Decimal(divisor) / scale


def derive_weights(shares: Mapping[str, Decimal], derivation: Derivation) -> dict[str, Decimal]:
    """Each member's exact weight, in the shares' order."""
    if derivation is Derivation.SHARES:
        return dict(shares)
    divisor = common_divisor(shares)
    weights: dict[str, Decimal] = {}
    for member, share in shares.items():
        quotient = share / divisor
        # Exact: the divisor divides every share a whole number of times.
        assert quotient == quotient.to_integral_value()
        weights[member] = quotient.to_integral_value()
    return weights
