"""Sending one message to many people at once, as fast as Telegram lets us and no faster.

The pace itself is the transport's business (the Telegram adapter's rate limiter knows the
flood limits and waits out a 429 for the one chat it concerns). What this module owns is
that the sends are *in flight together*: one after the other, each send waits a whole round
trip, and 300 people take 300 round trips even when the limits would allow 30 a second.
The number in flight is bounded so that a big convocation neither opens hundreds of
connections at once nor starves the votes being handled meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")

IN_FLIGHT = 32
"""Sends in flight at once: a little over Telegram's 30 a second, so that with a round trip
of up to a second the limiter, not this bound, sets the pace."""


async def fan_out(
    items: Iterable[Item],
    send: Callable[[Item], Awaitable[Outcome]],
    *,
    in_flight: int = IN_FLIGHT,
) -> list[Outcome]:
    """``send(item)`` for every item, at most ``in_flight`` at a time; the outcomes in the
    order of ``items``, whatever order the sends finish in."""
    gate = asyncio.Semaphore(in_flight)

    async def one(item: Item) -> Outcome:
        async with gate:
            return await send(item)

    return list(await asyncio.gather(*(one(item) for item in items)))
