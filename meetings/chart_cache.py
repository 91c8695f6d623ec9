"""Each closed ballot's chart, drawn once and reused.

A closed ballot's result never changes, so neither does its chart in a given language: the
group gets it at the close, then ``/resultats``, the minutes' PDF and their chart files reuse
the same PNG instead of drawing it again (a second or more at 500 members). The cache holds
the most recently used charts of this process, and imports no drawing library: callers hand
it the function that draws.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping

from meetings.wording.formats import Name
from voting.ballot import Ballot

BallotChart = Callable[[Ballot, Mapping[str, str], Mapping[str, Name], str, bool], bytes]
"""``ballot_chart(ballot, votes, names, language, outcome_only)``: a PNG of one ballot's
result (:func:`meetings.charts.ballot.ballot_chart`)."""

CAPACITY = 64
"""Charts kept: a few hundred kilobytes each at most."""

ChartKey = tuple[int, str, bool]
"""(ballot id, language, outcome only)."""


class ChartCache:
    """Thread-safe: charts are drawn in worker threads (the PDF, the group's chart)."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._charts: OrderedDict[ChartKey, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._drawing: dict[ChartKey, threading.Lock] = {}

    def get(self, key: ChartKey, draw: Callable[[], bytes]) -> bytes:
        """The chart under ``key``, drawn by ``draw`` the first time only.

        Two threads asking for the same chart at once draw it once: the second waits.
        """
        with self._lock:
            if key in self._charts:
                self._charts.move_to_end(key)
                return self._charts[key]
            drawing = self._drawing.setdefault(key, threading.Lock())
        with drawing:
            with self._lock:
                if key in self._charts:
                    return self._charts[key]
            png = draw()
            with self._lock:
                self._charts[key] = png
                self._drawing.pop(key, None)
                while len(self._charts) > self.capacity:
                    self._charts.popitem(last=False)
        return png

    def ballot(self, draw: BallotChart) -> BallotChart:
        """``draw``, reusing the chart of a closed ballot (an open one has none to keep)."""

        def cached(
            ballot: Ballot,
            votes: Mapping[str, str],
            names: Mapping[str, Name],
            language: str,
            outcome_only: bool,
        ) -> bytes:
            def drawn() -> bytes:
                return draw(ballot, votes, names, language, outcome_only)

            if ballot.result is None or ballot.closed_at is None:
                return drawn()
            return self.get((ballot.id, language, outcome_only), drawn)

        return cached
