"""``/recu CODE``: whether a vote's receipt is in its ballot's chain, against the database."""

from __future__ import annotations

from telegram import Update

from bot.commands import Access, Command, Place
from bot.context import ScrutinContext
from bot.replies import reply
from meetings.wording.i18n import N_
from meetings.wording.messages.receipts import receipt_found, receipt_unknown
from voting.ledger import normalized_receipt, receipt_code

CODE_LIMIT = 64
"""Longer input is no receipt; it is never echoed back."""


async def receipt_command(update: Update, context: ScrutinContext) -> None:
    caller = context.caller
    _ = caller._
    typed = " ".join(context.args or [])
    digits = normalized_receipt(typed) if len(typed) <= CODE_LIMIT else None
    if digits is None:
        await reply(update, _("Usage: {usage}").format(usage=RECEIPT.usage(caller.language)))
        return
    code = receipt_code(digits)
    found = await context.services.ballots.find_receipt(code)
    if found is None:
        await reply(update, receipt_unknown(code, caller.language))
        return
    text = receipt_found(code, found.ballot, found.position, found.length, caller.language)
    await reply(update, text)


RECEIPT = Command(
    "recu",
    "receipt",
    Access.KNOWN,
    N_("check that a vote's receipt is in its ballot's chain"),
    receipt_command,
    arguments=N_("CODE"),
    place=Place.PRIVATE,
    wrong_place=N_("Check a receipt in a private chat with the bot."),
    rank=25,
)
COMMANDS = (RECEIPT,)
