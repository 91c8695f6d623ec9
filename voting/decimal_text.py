"""The one way a weight is written by hand: ASCII digits, an optional dot, bounded digits.

``Decimal`` reads far more than a person means: ``"4_5"`` is 45, Arabic-Indic digits are
digits, ``"1e400"`` is a number no table holds. A weight that parses but means something
else is worse than a refusal, so configs and ``scrutin tally`` read weights only here.
"""

from __future__ import annotations

import re
from decimal import Decimal

INTEGER_DIGITS = 9
"""Digits before the dot: a billion voices is already far beyond any table."""
FRACTION_DIGITS = 6
"""Digits after the dot: shares of a voice are written in tenths or hundredths."""

PLAIN_DECIMAL = re.compile(rf"[0-9]{{1,{INTEGER_DIGITS}}}(?:\.[0-9]{{1,{FRACTION_DIGITS}}})?")
SHAPE = (
    f'digits 0-9 with an optional dot, such as "4.5" (at most {INTEGER_DIGITS} digits '
    f"before the dot and {FRACTION_DIGITS} after)"
)


class DecimalTextError(ValueError):
    """A text that is not a plain positive decimal; the message says what is expected."""


def is_plain_decimal(text: str) -> bool:
    return PLAIN_DECIMAL.fullmatch(text) is not None


def plain_positive_decimal(text: str) -> Decimal:
    """``"4.5"`` as ``Decimal("4.5")``; anything but a plain decimal above 0 is refused."""
    if not is_plain_decimal(text):
        if text.startswith("-") and is_plain_decimal(text[1:]):
            raise DecimalTextError(f"{text!r} must be a positive number")
        raise DecimalTextError(f"{text!r} is not a decimal number written as {SHAPE}")
    number = Decimal(text)
    if number <= 0:
        raise DecimalTextError(f"{text!r} must be a positive number")
    return number


def plain_text_of(number: Decimal) -> str | None:
    """The plain text of a decimal already read (such as a JSON number), or ``None`` when it
    cannot be written within the bounds; never expands a huge exponent."""
    if not number.is_finite():
        return None
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    if sign or exponent < -FRACTION_DIGITS or len(digits) + exponent > INTEGER_DIGITS:
        return None
    text = format(number, "f")
    return text if is_plain_decimal(text) else None
