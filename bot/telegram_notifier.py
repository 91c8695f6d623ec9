"""The :class:`~meetings.notifier.Notifier` of the Telegram adapter: the Bot API behind it.

A failure (a person who blocked the bot, a message already as edited) is logged and reported
by the result, never raised: the caller goes on with the others.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from io import BytesIO

from telegram import Bot, InputFile
from telegram.error import BadRequest, TelegramError

from bot.context import user_id_of
from bot.replies import markup
from meetings.notifier import Address, Attachment, Delivered, Group, Message, Posted

log = logging.getLogger(__name__)


def _unchanged(error: BadRequest) -> bool:
    # Two votes of equal weight, a press on the option already chosen: Telegram says the
    # message is as it was, which is what was wanted.
    return "not modified" in str(error).lower()


class TelegramNotifier:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    @staticmethod
    def _chat(to: Address) -> int | None:
        return to.chat_id if isinstance(to, Group) else user_id_of(to.person_id)

    async def send(self, to: Address, message: Message) -> Posted | None:
        chat_id = self._chat(to)
        if chat_id is None:
            log.warning("no chat for %s", to)
            return None
        try:
            sent = await self.bot.send_message(
                chat_id, message.text, reply_markup=markup(message.keyboard)
            )
        except TelegramError as error:
            log.warning("could not write to chat %s: %s", chat_id, error)
            return None
        return Posted(sent.chat_id, sent.message_id)

    async def edit(self, posted: Posted, message: Message) -> bool:
        try:
            await self.bot.edit_message_text(
                message.text,
                chat_id=posted.chat_id,
                message_id=posted.message_id,
                reply_markup=markup(message.keyboard),
            )
        except BadRequest as error:
            if not _unchanged(error):
                log.warning("could not edit %s: %s", posted, error)
                return False
        except TelegramError as error:
            log.warning("could not edit %s: %s", posted, error)
            return False
        return True

    async def remove_buttons(self, posted: Posted) -> bool:
        try:
            await self.bot.edit_message_reply_markup(
                chat_id=posted.chat_id, message_id=posted.message_id
            )
        except TelegramError as error:
            log.info("%s keeps its buttons: %s", posted, error)
            return False
        return True

    async def document(self, to: Address, attachment: Attachment) -> bool:
        return await self._upload(self.bot.send_document, to, attachment)

    async def file(
        self, to: Address, attachment: Attachment, file_id: str | None
    ) -> Delivered | None:
        chat_id = self._chat(to)
        if chat_id is None:
            return None
        markup_ = markup(attachment.keyboard)
        if file_id is not None:
            try:
                sent = await self.bot.send_document(
                    chat_id, file_id, caption=attachment.caption, reply_markup=markup_
                )
            except BadRequest as error:
                # Telegram forgets files: the copy on disk is uploaded again.
                log.info("file %s unknown to Telegram now, uploading it: %s", file_id, error)
            except TelegramError as error:
                log.warning("%s not delivered to %s: %s", attachment.filename, chat_id, error)
                return None
            else:
                return Delivered(Posted(sent.chat_id, sent.message_id), file_id)
        try:
            sent = await self.bot.send_document(
                chat_id,
                InputFile(BytesIO(attachment.content), filename=attachment.filename),
                caption=attachment.caption,
                reply_markup=markup_,
            )
        except TelegramError as error:
            log.warning("%s not delivered to %s: %s", attachment.filename, chat_id, error)
            return None
        uploaded = sent.document.file_id if sent.document is not None else None
        return Delivered(Posted(sent.chat_id, sent.message_id), uploaded)

    async def photo(self, to: Address, attachment: Attachment) -> bool:
        return await self._upload(self.bot.send_photo, to, attachment)

    async def _upload(
        self, method: Callable[..., Awaitable[object]], to: Address, attachment: Attachment
    ) -> bool:
        chat_id = self._chat(to)
        if chat_id is None:
            return False
        try:
            await method(
                chat_id,
                InputFile(BytesIO(attachment.content), filename=attachment.filename),
                caption=attachment.caption,
                reply_markup=markup(attachment.keyboard),
            )
        except TelegramError as error:
            log.warning("%s not delivered to %s: %s", attachment.filename, chat_id, error)
            return False
        return True
