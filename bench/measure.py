"""Timing that stays honest on a busy machine: every figure against a baseline of the same run.

The baseline and the project are timed in alternating chunks (baseline, project, baseline,
project...) after a warm-up of each, and each side's figure is the median of its chunks. A
burst of load from another process then hits both sides alike instead of only the one that
happened to run at that moment, and the ratio keeps its meaning.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Timed = Callable[[], Awaitable[float]]
"""Runs one chunk of work and returns the seconds it took (or a figure of that kind)."""


@dataclass(frozen=True)
class Compared:
    baseline: float
    project: float

    @property
    def ratio(self) -> float:
        """The project's figure over the baseline's."""
        return self.project / self.baseline if self.baseline else float("inf")


async def alternate(baseline: Timed, project: Timed, *, repeats: int, warm_up: int = 1) -> Compared:
    """Median of ``repeats`` chunks of each side, run alternately after ``warm_up`` of each."""
    for _ in range(warm_up):
        await baseline()
        await project()
    base: list[float] = []
    ours: list[float] = []
    for _ in range(repeats):
        base.append(await baseline())
        ours.append(await project())
    return Compared(statistics.median(base), statistics.median(ours))


async def seconds(work: Callable[[], Awaitable[object]]) -> float:
    start = time.perf_counter()
    await work()
    return time.perf_counter() - start


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[rank]
