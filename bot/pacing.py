"""The pace of every call to Telegram: PTB's ``AIORateLimiter``, with a 429 that stalls only
what it concerns.

``AIORateLimiter`` keeps under 30 messages a second and 20 a minute per group, and waits out
a 429 before retrying; but on any 429 it holds back *every* request, so one person's chat
hit by its per-chat limit would stall a convocation to three hundred others. Here a 429 for
a chat holds back that chat only; everyone waits only when the limit is plainly global (a
call with no chat, or refusals for several chats at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

GLOBAL_AFTER = 3
"""Chats refused within one second after which the limit is taken to be the bot's own."""

Result = bool | dict[str, Any] | list[dict[str, Any]]


def _chat_of(data: dict[str, Any]) -> int | str | None:
    chat = data.get("chat_id")
    if chat is None:
        return None
    with contextlib.suppress(ValueError, TypeError):
        return int(chat)
    return str(chat)


class ChatScopedRateLimiter(AIORateLimiter):
    def __init__(self, max_retries: int = 3) -> None:
        super().__init__(max_retries=max_retries)
        self._chat_free_at: dict[int | str, float] = {}
        self._recent_refusals: dict[int | str, float] = {}

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        chat = _chat_of(data)
        retries = rate_limit_args or self._max_retries
        loop = asyncio.get_running_loop()
        for attempt in range(retries + 1):
            if chat is not None and (wait := self._chat_free_at.get(chat, 0) - loop.time()) > 0:
                await asyncio.sleep(wait)
            try:
                # The parent's pacing for one attempt; the retries, and whom they hold back,
                # are decided here.
                group: int | str | bool = False
                if isinstance(chat, str) or (isinstance(chat, int) and chat < 0):
                    group = chat
                return await self._run_request(
                    chat=chat is not None,
                    group=group,
                    allow_paid_broadcast=bool(data.get("allow_paid_broadcast", False)),
                    callback=callback,
                    args=args,
                    kwargs=kwargs,
                )
            except RetryAfter as refused:
                if attempt == retries:
                    raise
                await self._hold_back(chat, refused.retry_after, loop.time())
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _hold_back(self, chat: int | str | None, retry_after: object, now: float) -> None:
        seconds = (
            retry_after.total_seconds()
            if hasattr(retry_after, "total_seconds")
            else float(str(retry_after))
        ) + 0.1
        self._recent_refusals = {c: t for c, t in self._recent_refusals.items() if now - t < 1}
        if chat is not None:
            self._recent_refusals[chat] = now
        if chat is None or len(self._recent_refusals) >= GLOBAL_AFTER:
            log.info("flood limit of the bot: every request waits %.1f s", seconds)
            self._retry_after_event.clear()
            try:
                await asyncio.sleep(seconds)
            finally:
                self._retry_after_event.set()
            return
        log.info("flood limit of chat %s: it waits %.1f s", chat, seconds)
        self._chat_free_at[chat] = now + seconds
