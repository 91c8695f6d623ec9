"""Dates and times as people read them: "mardi 15 décembre 2026 à 14 h 00".

Times are stored in UTC and shown in the groupement's wall-clock time zone
(Europe/Paris), with Babel's calendar data for the names of days and months.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

PARIS = ZoneInfo("Europe/Paris")

_PATTERNS = {
    "fr": ("fr_FR", "EEEE d MMMM y 'à' H 'h' mm"),
    "en": ("en_GB", "EEEE d MMMM y 'at' HH:mm"),
}


def format_moment(moment: datetime, language: str = "fr", zone: ZoneInfo = PARIS) -> str:
    """A wall-clock moment in words; ``moment`` must be aware."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: times must carry a time zone")
    locale, pattern = _PATTERNS.get(language, _PATTERNS["fr"])
    local = moment.astimezone(zone)
    if locale == "fr_FR" and local.day == 1:
        # French writes the first of the month as an ordinal: "mardi 1er décembre".
        pattern = pattern.replace("d MMMM", "d'er' MMMM")
    return format_datetime(local, pattern, locale=locale)
