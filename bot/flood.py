"""An offline Bot API that enforces Telegram's flood limits, with a round trip.

:class:`FloodControlledRequest` is an :class:`~bot.offline.OfflineRequest` that answers a
message beyond Telegram's limits with the real server's 429 and its ``retry_after``, and that
takes a configurable round trip to answer. It is opt-in (the tests' harness and ``scrutin
demo`` keep the plain offline bot): the fan-out test and the benchmark use it to show that a
convocation to hundreds of people is paced by the limiter and never refused.

The limits, from Telegram's Bot FAQ, modelled as leaky buckets (those of ``aiolimiter``, on
which PTB's ``AIORateLimiter`` is built): 30 messages a second overall, one a second in a
private chat, 20 a minute in a group. A message is any call that writes in a chat (send,
edit, copy, forward); answers to button presses, ``getMe`` and the like are free.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus

from telegram.ext import AIORateLimiter, Defaults, ExtBot
from telegram.request import BaseRequest, RequestData

from bot.offline import OFFLINE_TOKEN, Clock, OfflineRequest

Seconds = Callable[[], float]
"""A monotonic clock in seconds; by default the event loop's, which a test can control."""

_WRITING = ("send", "edit", "copy", "forward")


@dataclass(frozen=True)
class Rate:
    messages: int
    period: float
    """Seconds."""


@dataclass(frozen=True)
class FloodLimits:
    overall: Rate = Rate(30, 1.0)
    private_chat: Rate = Rate(1, 1.0)
    group: Rate = Rate(20, 60.0)
    slack: float = 0.02
    """Seconds of scheduling jitter forgiven, as a real server's clock is not ours to the
    microsecond: a message that would fit this much later is let through."""


@dataclass
class _Bucket:
    rate: Rate
    level: float = 0.0
    at: float = 0.0

    def wait(self, now: float, slack: float) -> float:
        """Seconds until one more message fits (0 if it fits now, and it is then counted)."""
        leak = self.rate.messages / self.rate.period
        self.level = max(0.0, self.level - (now - self.at) * leak)
        self.at = now
        excess = self.level + 1 - self.rate.messages
        if excess > slack * leak:
            return excess / leak
        return 0.0

    def take(self) -> None:
        self.level += 1


@dataclass
class FloodReport:
    """What the server saw: every refusal, as (method, chat id, retry_after)."""

    refused: list[tuple[str, int | str, int]] = field(default_factory=list)
    accepted: int = 0


def _chat_of(request_data: RequestData | None) -> int | str | None:
    if request_data is None:
        return None
    chat = request_data.parameters.get("chat_id")
    if chat is None:
        return None
    try:
        return int(str(chat))
    except ValueError:
        return str(chat)


class FloodControlledRequest(OfflineRequest):
    """The offline Bot API, refusing with a 429 what Telegram's flood control refuses."""

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        limits: FloodLimits | None = None,
        round_trip: float = 0.05,
        seconds: Seconds | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(clock=clock)
        self.limits = limits or FloodLimits()
        self.round_trip = round_trip
        self._seconds = seconds
        self._sleep = sleep
        self.report = FloodReport()
        self._overall = _Bucket(self.limits.overall)
        self._buckets: dict[int | str, _Bucket] = {}

    def _now(self) -> float:
        return self._seconds() if self._seconds else asyncio.get_running_loop().time()

    def _bucket(self, chat: int | str) -> _Bucket:
        if chat not in self._buckets:
            private = isinstance(chat, int) and chat > 0
            rate = self.limits.private_chat if private else self.limits.group
            self._buckets[chat] = _Bucket(rate, at=self._now())
        return self._buckets[chat]

    def _retry_after(self, method: str, chat: int | str | None) -> int:
        """0 if the message may go now (and it is counted), else Telegram's retry_after."""
        if chat is None or not method.startswith(_WRITING):
            return 0
        now, slack = self._now(), self.limits.slack
        buckets = (self._overall, self._bucket(chat))
        wait = max(bucket.wait(now, slack) for bucket in buckets)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.take()
        return 0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        # Half the round trip to reach the server, which judges on arrival, half to return.
        await self._sleep(self.round_trip / 2)
        api_method = url.rsplit("/", 1)[-1]
        chat = _chat_of(request_data)
        retry_after = self._retry_after(api_method, chat)
        if retry_after:
            assert chat is not None
            self.report.refused.append((api_method, chat, retry_after))
            answer = await self._refuse(retry_after)
        else:
            self.report.accepted += api_method.startswith(_WRITING)
            answer = await super().do_request(url, method, request_data)
        await self._sleep(self.round_trip / 2)
        return answer

    @staticmethod
    async def _refuse(retry_after: int) -> tuple[int, bytes]:
        body = {
            "ok": False,
            "error_code": int(HTTPStatus.TOO_MANY_REQUESTS),
            "description": f"Too Many Requests: retry after {retry_after}",
            "parameters": {"retry_after": retry_after},
        }
        return HTTPStatus.TOO_MANY_REQUESTS, json.dumps(body).encode()


def flood_controlled_bot(
    clock: Clock | None = None,
    *,
    round_trip: float = 0.05,
    limits: FloodLimits | None = None,
    defaults: Defaults | None = None,
    rate_limiter: AIORateLimiter | None = None,
) -> tuple[ExtBot[None], FloodControlledRequest]:
    """An ExtBot behind the flood-controlled offline server, paced by ``rate_limiter``
    (PTB's ``AIORateLimiter`` as ``scrutin run`` builds it, when given)."""
    request = FloodControlledRequest(clock, limits=limits, round_trip=round_trip)
    bot: ExtBot[None] = ExtBot(
        OFFLINE_TOKEN,
        request=request,
        get_updates_request=request,
        defaults=defaults,
        # PTB types the limiter's per-call data loosely; AIORateLimiter is its own.
        rate_limiter=rate_limiter,  # type: ignore[arg-type]
    )
    return bot, request
