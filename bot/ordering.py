"""Updates handled concurrently, each person's in the order they came.

One update at a time made every vote wait for the one before it, and so for whatever that one
waited for. Many at a time is safe for the database (writes take turns in
``Database.transaction()``, reads see only what is committed), but not for a person: two quick
presses must be judged in the order they were made, and a form (whose step and answers are
read from the database when an answer comes, and saved before the next question) must see its
answers in order. Here they are, because an update waits for every earlier update of the same
person, and, in a group, of the same chat (a group's commands are answered in order, and its
bindings change in order).

The order is fixed when an update reaches :meth:`PersonOrder.do_process_update`: PTB starts one
task per update in the order the updates were queued, and each task gets there without
waiting, as PTB's own bound is set far above anything reached; the real bound on concurrency
is applied once an update's turn has come.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Hashable
from typing import Any

from telegram import Chat, Update
from telegram.ext import BaseUpdateProcessor

CONCURRENT_UPDATES = 32
"""Updates handled at once: enough to overlap their round trips to Telegram and the disk."""
ADMITTED = 100_000
"""PTB's own bound, never reached: an update waiting there could lose its turn."""


def order_keys(update: object) -> tuple[Hashable, ...]:
    """What an update must wait for: the person's earlier updates, and in a group the chat's."""
    if not isinstance(update, Update):
        return ()
    keys: list[Hashable] = []
    if update.effective_user is not None:
        keys.append(("user", update.effective_user.id))
    chat = update.effective_chat
    if chat is not None and chat.type != Chat.PRIVATE:
        keys.append(("chat", chat.id))
    return tuple(keys)


class PersonOrder(BaseUpdateProcessor):
    def __init__(self, concurrent: int = CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates=ADMITTED)
        self.concurrent = concurrent
        self._running = asyncio.Semaphore(concurrent)
        self._last: dict[Hashable, asyncio.Future[None]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        keys = order_keys(update)
        # Taken before the first await: the turns follow the order the tasks started in.
        before = {self._last[key] for key in keys if key in self._last}
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        for key in keys:
            self._last[key] = turn
        started = False
        try:
            if before:
                # asyncio.wait, not await: a cancelled waiter must not cancel the turn before it.
                await asyncio.wait(before)
            async with self._running:
                started = True
                await coroutine
        finally:
            turn.set_result(None)
            for key in keys:
                if self._last.get(key) is turn:
                    del self._last[key]
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting: it never ran, and never will

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
