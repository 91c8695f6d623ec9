"""Drives the real Application with an offline bot: people type, press, and the bot answers.

Used by ``scrutin demo`` and by the handler tests. Every update goes through
``Application.process_update``, the same path as in production; only the
transport is replaced (see :mod:`bot.offline`). With ``rate_limited``, the bot keeps
Telegram's flood limits with the rate limiter ``scrutin run`` uses.

The edits of live messages (a group's participation) follow the harness's clock: an edit
waiting for its group's pace goes out once the clock has moved far enough and the harness
handles an update or is told to :meth:`OfflineHarness.settle`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import replace
from types import TracebackType
from typing import Any

from telegram.ext import Defaults, ExtBot

from bot.app import build_application, rate_limiter, register_commands
from bot.offline import OfflineRequest, RecordedCall, UpdateFactory, offline_bot
from bot.updates import ScrutinApplication
from meetings.live_edits import ManualScheduler
from meetings.services import Services
from meetings.wording.formats import PARIS
from meetings.wording.typography import plain
from voting.db import Clock

JSONDict = dict[str, Any]


class OfflineHarness:
    def __init__(
        self,
        services: Services,
        clock: Clock,
        listener: Callable[[RecordedCall], None] | None = None,
        *,
        rate_limited: bool = False,
        bot: tuple[ExtBot[None], OfflineRequest] | None = None,
    ) -> None:
        """``bot``: another offline bot and its transport (one that enforces the flood
        limits, say) instead of the plain one."""
        self.services = services
        self.bot, self.request = bot or offline_bot(
            clock=clock,
            defaults=Defaults(tzinfo=PARIS),
            rate_limiter=rate_limiter() if rate_limited else None,
        )
        services.live.scheduler = ManualScheduler(clock)
        services.papers.scheduler = ManualScheduler(clock)
        self.request.listener = listener
        self.updates = UpdateFactory(self.bot, clock)
        # The job queue is never started here: deadlines follow the caller's clock, and
        # the caller runs close_due_ballots itself.
        self.application: ScrutinApplication = build_application(services, bot=self.bot)

    @property
    def transport(self) -> OfflineRequest:
        return self.request

    async def __aenter__(self) -> OfflineHarness:
        await self.application.initialize()
        inbox = await self.application.inbox()
        if inbox is not None:
            # Update ids go on from the last one this database saw, as Telegram's do.
            self.updates.continue_from(await inbox.next_update_id())
        await register_commands(self.application)
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.services.live.stop()
        await self.services.papers.stop()
        await self.application.shutdown()

    async def _process(self, update: Any) -> list[RecordedCall]:
        before = len(self.request.calls)
        await self.application.process_update(update)
        await self.services.papers.settle()
        await self.services.live.settle()
        return [as_read(call) for call in self.request.calls[before:]]

    async def settle(self) -> list[RecordedCall]:
        """Send the live edits that the clock now allows; the bot's calls."""
        before = len(self.request.calls)
        await self.services.papers.settle()
        await self.services.live.settle()
        return [as_read(call) for call in self.request.calls[before:]]

    async def together(self, updates: Sequence[Any]) -> list[RecordedCall]:
        """Updates that arrive together, handled as ``scrutin run`` handles them: started in
        order, concurrently, through the application's update processor (each person's in
        order); the bot's calls once all are handled."""
        before = len(self.request.calls)
        processor = self.application.update_processor
        tasks = [
            asyncio.create_task(
                processor.process_update(update, self.application.process_update(update))
            )
            for update in updates
        ]
        await asyncio.gather(*tasks)
        await self.services.papers.settle()
        await self.services.live.settle()
        return [as_read(call) for call in self.request.calls[before:]]

    def press_update(self, user: JSONDict, message: JSONDict, data: str) -> Any:
        """The update of ``user`` pressing ``data`` on ``message``, to hand to :meth:`together`."""
        return self.updates.callback(user, data, message)

    async def say(
        self,
        user: JSONDict,
        text: str,
        chat_id: int | None = None,
        chat_title: str | None = None,
    ) -> list[RecordedCall]:
        """``user`` sends ``text`` (a command if it starts with ``/``); the bot's calls."""
        if text.startswith("/"):
            update = self.updates.command(user, text, chat_id=chat_id, chat_title=chat_title)
        else:
            update = self.updates.text(user, text, chat_id=chat_id, chat_title=chat_title)
        return await self._process(update)

    async def send_file(
        self, user: JSONDict, filename: str, content: bytes | int, caption: str | None = None
    ) -> list[RecordedCall]:
        """``user`` sends a file in their private chat (``caption`` under it; ``content`` may
        be a size only, for a file too large to build); the bot's calls."""
        return await self._process(self.updates.document(user, filename, content, caption))

    def documents_to(self, chat_id: int) -> list[JSONDict]:
        """The files the bot sent to a chat, in order (their captions as read)."""
        return [
            _read(call.result)
            for call in self.request.calls
            if call.method == "sendDocument"
            and isinstance(call.result, dict)
            and call.result["chat"]["id"] == chat_id
        ]

    async def press(self, user: JSONDict, message: JSONDict, data: str) -> list[RecordedCall]:
        """``user`` presses the button ``data`` of the bot's ``message``."""
        if "caption" in message:
            # A captioned document, read as a message by messages_to: Telegram sends it back
            # as it is, with no text.
            message = {key: value for key, value in message.items() if key != "text"}
        return await self._process(self.updates.callback(user, data, message))

    def messages_to(self, chat_id: int) -> list[JSONDict]:
        """The messages the bot sent to a chat, in order, their text as read: French
        non-breaking spaces shown as spaces. A document whose caption carries buttons (a
        convocation on its .ics) is read as a message: its caption is its text."""
        return [
            _as_message(_read(call.result))
            for call in self.request.calls
            if isinstance(call.result, dict)
            and (
                call.method == "sendMessage"
                or (call.method == "sendDocument" and "reply_markup" in call.result)
            )
            and call.result["chat"]["id"] == chat_id
        ]

    def last_message_to(self, chat_id: int) -> JSONDict:
        messages = self.messages_to(chat_id)
        if not messages:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}")
        return messages[-1]

    def papers_to(self, chat_id: int) -> list[JSONDict]:
        """Ballot papers sent to a chat: messages whose buttons are votes."""
        return [m for m in self.messages_to(chat_id) if vote_buttons(m)]


def _read(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: plain(item) if key in ("text", "caption") and isinstance(item, str) else item
            for key, item in value.items()
        }
    return value


def _as_message(message: JSONDict) -> JSONDict:
    if "text" in message or "caption" not in message:
        return message
    return {**message, "text": message["caption"]}


def as_read(call: RecordedCall) -> RecordedCall:
    """The call with its texts as a person reads them: non-breaking spaces shown as spaces."""
    return replace(call, params=_read(call.params), result=_read(call.result))


def vote_buttons(message: JSONDict) -> list[tuple[str, str]]:
    """(label, callback data) of a message's vote buttons."""
    markup = message.get("reply_markup") or {}
    return [
        (button["text"], button["callback_data"])
        for row in markup.get("inline_keyboard", [])
        for button in row
        if str(button.get("callback_data", "")).startswith("v1:v:")
    ]


def button_data(message: JSONDict, label: str) -> str:
    """The callback data of the button whose label is ``label`` (any marks aside)."""
    markup = message.get("reply_markup") or {}
    buttons = [
        (button["text"], str(button.get("callback_data", "")))
        for row in markup.get("inline_keyboard", [])
        for button in row
    ]
    for text, data in buttons:
        if text == label or text.endswith(f" {label}"):
            return data
    raise AssertionError(f"no button {label!r} in {message.get('reply_markup')}")


def form_buttons(message: JSONDict) -> list[tuple[str, str]]:
    markup = message.get("reply_markup") or {}
    return [
        (button["text"], button["callback_data"])
        for row in markup.get("inline_keyboard", [])
        for button in row
        if str(button.get("callback_data", "")).startswith("v1:f:")
    ]
