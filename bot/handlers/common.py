"""What every handler starts with: find the caller, check the role, answer briefly."""

from __future__ import annotations

from typing import Any, TypeVar

from telegram import Update
from telegram.ext import ContextTypes

from bot.identity import Caller, identify
from bot.services import services_of

Context = ContextTypes.DEFAULT_TYPE
F = TypeVar("F")


async def reply(update: Update, text: str) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(text)


async def caller_of(update: Update, context: Context) -> Caller | None:
    return await identify(update, services_of(context))


async def known_caller(update: Update, context: Context) -> Caller | None:
    """The caller if the bot knows them; otherwise tell them how to get known."""
    caller = await caller_of(update, context)
    if caller is None:
        return None
    if not caller.is_known:
        _ = caller._
        await reply(
            update,
            _(
                "You are not registered yet. Ask your groupement's coordinator for an "
                "invitation link, then open it. /aide lists what you can do."
            ),
        )
        return None
    return caller


async def coordinator(update: Update, context: Context) -> Caller | None:
    """The caller if they coordinate at least one groupement; otherwise refuse."""
    caller = await known_caller(update, context)
    if caller is None:
        return None
    if not caller.coordinated:
        _ = caller._
        await reply(update, _("Only a coordinator can do this."))
        return None
    return caller


def in_private_chat(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == "private"


def form_in(context: Context, key: str, kind: type[F]) -> F | None:
    """The form a person is filling in, kept in their ``user_data`` under ``key``."""
    data: dict[str, Any] = context.user_data if context.user_data is not None else {}
    form = data.get(key)
    return form if isinstance(form, kind) else None
