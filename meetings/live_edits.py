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

Several replicas share the work through the database (:class:`SharedEdits`): a render may
carry the version of the figures it shows (:class:`Versioned`), a number that only grows. Before
sending, a replica claims the message with that version: a message that already shows these
figures or newer ones is left alone, and one another replica is sending to is tried again after
a short pause, rendered anew. So the message is edited by whichever replica has the latest
figures, and older figures never replace newer ones.

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
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum
from typing import Protocol

from meetings.chats import Chats, EditClaim
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
SENDING_LEASE = timedelta(seconds=10)
"""How long a replica's claim to send an edit lasts: far longer than an edit takes, short
enough that a replica killed while sending leaves the message to the others soon."""


@dataclass(frozen=True)
class Versioned:
    """A rendered message with the version of the figures it shows: a later render of the
    same message never has a lower one."""

    message: Message
    version: int


Render = Callable[[], Awaitable[Message | Versioned | None]]
"""The message's text now (None: nothing to show any more)."""
Edit = Callable[[Posted, Message], Awaitable[bool]]


class EditClaims(Protocol):
    """Where the replicas agree on who edits a message, and which figures it shows."""

    async def claim(self, posted: Posted, version: int) -> EditClaim: ...

    async def shown(self, posted: Posted, version: int) -> bool:
        """The claimed edit landed; False if the claim had been lost meanwhile."""

    async def release(self, posted: Posted) -> None:
        """The claimed edit did not land."""


class SharedEdits:
    """The claims of one replica (one process), kept in the database all replicas share."""

    def __init__(self, chats: Chats, lease: timedelta = SENDING_LEASE) -> None:
        self._chats = chats
        self._lease = lease
        self.sender = uuid.uuid4().hex

    async def claim(self, posted: Posted, version: int) -> EditClaim:
        return await self._chats.claim_edit(
            posted.chat_id, posted.message_id, version, self.sender, self._lease
        )

    async def shown(self, posted: Posted, version: int) -> bool:
        return await self._chats.edit_shown(posted.chat_id, posted.message_id, version, self.sender)

    async def release(self, posted: Posted) -> None:
        await self._chats.release_edit(posted.chat_id, posted.message_id, self.sender)


class _Outcome(Enum):
    DONE = "done"
    """Sent, or nothing to send."""
    SKIPPED = "skipped"
    """The message already shows these figures: nothing went out, the chat's pace is not spent."""
    FAILED = "failed"
    AGAIN = "again"
    """Another replica was sending: try again shortly, not a failure."""


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
        claims: EditClaims | None = None,
    ) -> None:
        self._edit = edit
        self._claims = claims
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
        unspent, chat.next_at = chat.next_at, self.scheduler.now() + self.interval
        try:
            outcome = await self._bring_up_to_date(posted, entry.render)
        except Exception:
            log.exception("could not bring %s up to date", posted)
            outcome = _Outcome.FAILED
        finally:
            chat.sending = None
        if outcome is _Outcome.SKIPPED:
            chat.next_at = unspent
        if outcome in (_Outcome.DONE, _Outcome.SKIPPED):
            chat.failures = 0
        elif outcome is _Outcome.AGAIN:
            self._again(chat, posted, entry)
        else:
            self._failed(chat, posted, entry)
        self._wake(chat)

    async def _bring_up_to_date(self, posted: Posted, render: Render) -> _Outcome:
        rendered = await render()
        if rendered is None:
            return _Outcome.DONE
        if isinstance(rendered, Message) or self._claims is None:
            message = rendered if isinstance(rendered, Message) else rendered.message
            return _Outcome.DONE if await self._edit(posted, message) else _Outcome.FAILED
        claim = await self._claims.claim(posted, rendered.version)
        if claim is EditClaim.OUTDATED:
            return _Outcome.SKIPPED
        if claim is EditClaim.BUSY:
            return _Outcome.AGAIN
        try:
            sent = await self._edit(posted, rendered.message)
        except Exception:
            # A cancelled edit (the bot stops) keeps its claim until the lease ends.
            await self._claims.release(posted)
            raise
        if not sent:
            await self._claims.release(posted)
            return _Outcome.FAILED
        if not await self._claims.shown(posted, rendered.version):
            return _Outcome.AGAIN  # another replica's edit may have landed first: send anew
        return _Outcome.DONE

    def _again(self, chat: _Chat, posted: Posted, entry: _Stale) -> None:
        chat.next_at = self.scheduler.now() + max(self.interval, SHORTEST_RETRY)
        newer = chat.stale.get(posted)
        # Rendered again when it leaves: the figures may have moved on meanwhile.
        chat.stale[posted] = _Stale(newer.render if newer else entry.render, entry.failures)

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
