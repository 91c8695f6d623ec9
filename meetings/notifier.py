"""How the application tells people: a small Protocol that a transport implements.

Actions and their deliveries speak in neutral :class:`Message` values (text and buttons) and
address a person (by person id) or a group chat (by chat id). The Telegram adapter
implements :class:`Notifier` with the Bot API; tests replace it with a recording stand-in.
Every method reports failure by its result instead of raising: a person who blocked the bot
must not stop the others, nor undo what is already on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Button:
    label: str
    data: str
    """The versioned code of :mod:`meetings.buttons`, checked against the database on a press."""


Keyboard = tuple[tuple[Button, ...], ...]
"""Rows of buttons."""


@dataclass(frozen=True)
class Message:
    text: str
    keyboard: Keyboard | None = None


@dataclass(frozen=True)
class Private:
    """A person's private chat with the bot."""

    person_id: str


@dataclass(frozen=True)
class Group:
    """A group chat bound to a groupement."""

    chat_id: int


Address = Private | Group


@dataclass(frozen=True)
class Posted:
    """A message as sent, so that it can be edited later (kept on disk for that)."""

    chat_id: int
    message_id: int


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    caption: str | None = None
    keyboard: Keyboard | None = None
    """Buttons under the caption: a convocation is its .ics, captioned, with the replies."""


@dataclass(frozen=True)
class Delivered:
    """A file as delivered: its message, and the id under which Telegram now knows it."""

    posted: Posted
    file_id: str | None


class Notifier(Protocol):
    async def send(self, to: Address, message: Message) -> Posted | None:
        """A private message or a group post; None if it could not be delivered."""

    async def edit(self, posted: Posted, message: Message) -> bool:
        """Replace a sent message's text and buttons (no keyboard: the buttons go)."""

    async def remove_buttons(self, posted: Posted) -> bool:
        """Take the buttons off a sent message, its text unchanged."""

    async def document(self, to: Address, attachment: Attachment) -> bool:
        """A file, such as a meeting's .ics or its minutes."""

    async def photo(self, to: Address, attachment: Attachment) -> bool:
        """An image, such as a result chart, with its caption."""

    async def file(
        self, to: Address, attachment: Attachment, file_id: str | None
    ) -> Delivered | None:
        """A stored document: by ``file_id`` if Telegram still has it (no upload), else its
        content uploaded again; None if it could not be delivered."""
