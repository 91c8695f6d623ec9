"""Answering the person who asked: a reply in the same chat, with neutral buttons turned into
Telegram's inline keyboards."""

from __future__ import annotations

from io import BytesIO

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update

from bot.telegram_limits import ALERT_LIMIT
from meetings.notifier import Keyboard
from meetings.wording.messages.results import shortened


def markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    if keyboard is None:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in keyboard]
    )


async def reply(update: Update, text: str, keyboard: Keyboard | None = None) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(text, reply_markup=markup(keyboard))


async def reply_photo(update: Update, filename: str, png: bytes, caption: str) -> None:
    if update.effective_message is not None:
        photo = InputFile(BytesIO(png), filename=filename)
        await update.effective_message.reply_photo(photo, caption=caption)


async def alert(update: Update, text: str) -> None:
    """A refusal at a button press: a pop-up the person must dismiss, cut at a word to the
    200 characters Telegram allows it (a refusal naming a long member's name could exceed)."""
    if update.callback_query is not None:
        await update.callback_query.answer(shortened(text, ALERT_LIMIT), show_alert=True)


def in_private_chat(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == "private"
