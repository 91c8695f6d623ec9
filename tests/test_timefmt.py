"""Dates as French officials write them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from meetings.timefmt import format_moment


@pytest.mark.parametrize(
    ("moment", "language", "expected"),
    [
        (datetime(2026, 12, 15, 13, 0, tzinfo=UTC), "fr", "mardi 15 décembre 2026 à 14 h 00"),
        (datetime(2026, 12, 1, 13, 5, tzinfo=UTC), "fr", "mardi 1er décembre 2026 à 14 h 05"),
        (datetime(2027, 7, 1, 7, 30, tzinfo=UTC), "fr", "jeudi 1er juillet 2027 à 9 h 30"),
        (datetime(2026, 12, 1, 13, 0, tzinfo=UTC), "en", "Tuesday 1 December 2026 at 14:00"),
    ],
)
def test_format_moment_in_paris_time(moment: datetime, language: str, expected: str) -> None:
    assert format_moment(moment, language) == expected


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_moment(datetime(2026, 12, 1, 14, 0))  # noqa: DTZ001 - the point of the test
