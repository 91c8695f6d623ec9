"""Live messages kept up to date at a chat's pace: at most one pending edit per chat, always
sent with the text of the moment it leaves.

A group's participation message changes with every vote, but Telegram lets a bot send a group
20 messages a minute. Editing it in each vote's handler made every acknowledgement wait behind
the group's limit. Here a vote only marks the message stale (:meth:`LiveEdits.stale`) and
returns at once. Each chat then has at most one edit on its way, no sooner than
:attr:`LiveEdits.interval` after the one before; its text is rendered just before it is sent,
so that one edit carries every vote committed by then, however many came in between.

A failed edit (the chat's limit, a bot removed from the group, the network) loses nothing: the
votes are on disk. The message is marked stale again and tried after a growing pause, then left
alone after :data:`ATTEMPTS` failures in a row until it changes again.

Time comes from a :class:`Scheduler`: the event loop's in the bot, a :class:`ManualScheduler`
on the caller's clock in the offline harness and the tests, which fires what is due only when
told to, so that no test sleeps.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import itertools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from meetings.notifier import Message, Posted
from voting.db import Clock

log = logging.getLogger(__name__)

GROUP_EDITS_PER_MINUTE = 20
"""Telegram's limit for a bot's messages to one group; an edit counts as one."""
GROUP_EDIT_INTERVAL = 60 / GROUP_EDITS_PER_MINUTE
LONGEST_PAUSE = 60.0
"""The longest pause after failed edits, in seconds: a group's 429 rarely asks for more."""
SHORTEST_RETRY = 1.0
"""Seconds before a failed edit is tried again, at the least (then doubling)."""
ATTEMPTS = 6
"""Failed edits in a row after which a message is left as it is until it changes again."""

Render = Callable[[], Awaitable[Message | None]]
"""The message's text now (None: nothing to show any more)."""
Edit = Callable[[Posted, Message], Awaitable[bool]]


class Cancellable(Protocol):
    def cancel(self) -> None: ...


class Scheduler(Protocol):
    def now(self) -> float:
        """Seconds on a clock that never goes back."""

    def call_later(self, delay: float, callback: Callable[[], None]) -> Cancellable:
        """Run ``callback`` once ``delay`` seconds have passed."""

    def fire_due(self) -> None:
        """Run the callbacks that are due, where nothing runs them by itself."""


class LoopScheduler:
    """The running event loop's clock and timers, for the bot."""

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    def call_later(self, delay: float, callback: Callable[[], None]) -> Cancellable:
        return asyncio.get_running_loop().call_later(delay, callback)

    def fire_due(self) -> None:
        pass  # the event loop runs its own timers


@dataclass(order=True)
class _Timer:
    due: float
    order: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class ManualScheduler:
    """Time from a clock the caller moves (the harness's, a test's): callbacks run when
    :meth:`fire_due` finds them due, never by themselves."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._timers: list[_Timer] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self.clock().timestamp()

    def call_later(self, delay: float, callback: Callable[[], None]) -> Cancellable:
        timer = _Timer(self.now() + delay, next(self._order), callback)
        heapq.heappush(self._timers, timer)
        return timer

    def fire_due(self) -> None:
        now = self.now()
        while self._timers and self._timers[0].due <= now:
            timer = heapq.heappop(self._timers)
            if not timer.cancelled:
                timer.callback()


@dataclass
class _Stale:
    render: Render
    failures: int = 0


@dataclass
class _Chat:
    """One chat's stale messages, oldest first, and when it may be edited next."""

    stale: dict[Posted, _Stale] = field(default_factory=dict)
    next_at: float = float("-inf")
    timer: Cancellable | None = None
    sending: asyncio.Task[None] | None = None
    failures: int = 0


class LiveEdits:
    """The coalescer of live messages' edits, one queue per chat."""

    def __init__(
        self,
        edit: Edit,
        scheduler: Scheduler | None = None,
        interval: float = GROUP_EDIT_INTERVAL,
    ) -> None:
        self._edit = edit
        self.scheduler: Scheduler = scheduler or LoopScheduler()
        self.interval = interval
        self._chats: dict[int, _Chat] = {}

    def stale(self, posted: Posted, render: Render) -> None:
        """The message ``posted`` no longer shows what ``render`` would: edit it when the
        chat's pace allows. Returns at once; a message already waiting keeps its place."""
        chat = self._chats.setdefault(posted.chat_id, _Chat())
        waiting = chat.stale.get(posted)
        chat.stale[posted] = _Stale(render, waiting.failures if waiting else 0)
        self._wake(chat)

    @property
    def pending(self) -> int:
        """Messages waiting for an edit, in every chat."""
        return sum(len(chat.stale) for chat in self._chats.values())

    async def settle(self) -> None:
        """Fire what is due and wait until no edit is on its way (the harness, the tests)."""
        while True:
            self.scheduler.fire_due()
            sending = {chat.sending for chat in self._chats.values() if chat.sending}
            if not sending:
                return
            await asyncio.wait(sending)

    async def stop(self) -> None:
        """Forget every waiting edit (the bot stops; the next start refreshes what is open)."""
        chats, self._chats = self._chats, {}
        sending = set()
        for chat in chats.values():
            if chat.timer is not None:
                chat.timer.cancel()
            if chat.sending is not None:
                chat.sending.cancel()
                sending.add(chat.sending)
        if sending:
            await asyncio.wait(sending)

    def _wake(self, chat: _Chat) -> None:
        if chat.sending is not None or chat.timer is not None or not chat.stale:
            return
        delay = chat.next_at - self.scheduler.now()
        if delay > 0:
            chat.timer = self.scheduler.call_later(delay, lambda: self._due(chat))
        else:
            self._start(chat)

    def _due(self, chat: _Chat) -> None:
        chat.timer = None
        self._start(chat)

    def _start(self, chat: _Chat) -> None:
        if chat.sending is not None or not chat.stale:
            return
        # A context of its own: the edit must not run as part of the update or the
        # transaction that marked the message stale.
        chat.sending = asyncio.create_task(self._send(chat), context=contextvars.Context())

    async def _send(self, chat: _Chat) -> None:
        posted = next(iter(chat.stale))
        entry = chat.stale.pop(posted)
        chat.next_at = self.scheduler.now() + self.interval
        try:
            message = await entry.render()
            sent = message is None or await self._edit(posted, message)
        except Exception:
            log.exception("could not bring %s up to date", posted)
            sent = False
        finally:
            chat.sending = None
        if sent:
            chat.failures = 0
        else:
            self._failed(chat, posted, entry)
        self._wake(chat)

    def _failed(self, chat: _Chat, posted: Posted, entry: _Stale) -> None:
        chat.failures += 1
        # Edits with no pause of their own (papers) still back off when Telegram refuses.
        pause = max(self.interval, SHORTEST_RETRY)
        chat.next_at = self.scheduler.now() + min(
            pause * 2**chat.failures, max(LONGEST_PAUSE, pause)
        )
        newer = chat.stale.get(posted)
        failures = entry.failures + 1
        if failures >= ATTEMPTS:
            log.warning("%s left as it is after %d failed edits", posted, failures)
            return
        # Tried again with the text of that moment, not with the one that failed.
        chat.stale[posted] = _Stale(newer.render if newer else entry.render, failures)
