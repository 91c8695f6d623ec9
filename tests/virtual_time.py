"""An event loop whose clock jumps ahead instead of waiting, so that code paced over seconds
(rate limiters, round trips, ``retry_after``) runs in milliseconds and no test sleeps.

The loop's time is virtual: when nothing is ready and the next timer is due in t seconds,
the loop first gives worker threads (aiosqlite) a moment to answer, then moves its clock t
ahead. Everything that reads ``loop.time()`` (``asyncio.sleep``, ``aiolimiter``, the flood
controlled offline server) sees the same virtual seconds.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Coroutine
from typing import Any, TypeVar

Result = TypeVar("Result")

_THREAD_GRACE = 0.002
"""Real seconds given to a worker thread before the virtual clock moves on."""
_TICK = 1e-6
"""Virtual seconds that pass, at the least, each time the loop looks for something to do."""


class _JumpingSelector(selectors.DefaultSelector):
    def __init__(self) -> None:
        super().__init__()
        self.now = 0.0

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None:
            return super().select(None)
        ready = super().select(0)
        if not ready and timeout > 0:
            ready = super().select(min(timeout, _THREAD_GRACE))
        if not ready:
            # At least a tick: a limiter that reschedules itself for "now" after a rounding
            # error would otherwise spin forever on a clock that never moves by itself.
            self.now += max(timeout, _TICK)
        return ready


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self._jumping = _JumpingSelector()
        super().__init__(self._jumping)

    def time(self) -> float:
        return self._jumping.now


def run_in_virtual_time(main: Coroutine[Any, Any, Result]) -> Result:
    loop = VirtualTimeLoop()
    try:
        return loop.run_until_complete(main)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
