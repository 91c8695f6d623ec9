"""French typography: where a line may not break.

French puts a space before ``:``, ``;``, ``!``, ``?`` and inside « guillemets », and keeps a
number with its unit ("4,5 voix", "5 jours francs", "14 h 00"). A plain space there lets a
phone or a PDF break the line between them, so these become non-breaking spaces.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"

_BEFORE_PUNCTUATION = re.compile(r" ([:;!?»])")
_AFTER_GUILLEMET = re.compile(r"« ")
# A number (or the placeholder of one) and the unit that follows it.
_UNIT = re.compile(r"(\d|\}) (voix|membres?|jours?|h)\b")
_NUMERO = re.compile(r"\bn° ")


def french_spacing(text: str) -> str:
    """``text`` with non-breaking spaces where French typography wants them."""
    text = _BEFORE_PUNCTUATION.sub(NBSP + r"\1", text)
    text = _AFTER_GUILLEMET.sub("«" + NBSP, text)
    text = _UNIT.sub(r"\1" + NBSP + r"\2", text)
    return _NUMERO.sub("n°" + NBSP, text)


def print_apostrophes(text: str) -> str:
    """The typographic apostrophe for print, except inside a link that a reader may copy."""
    return " ".join(w if "://" in w else w.replace("'", "’") for w in text.split(" "))


def plain(text: str) -> str:
    """``text`` with ordinary spaces again, for comparing what a person reads."""
    return text.replace(NBSP, " ").replace("\u202f", " ")
