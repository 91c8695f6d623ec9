"""The documents of a meeting in Telegram: ``/document`` and ``/pv_signe`` with a file (as its
caption, or just before it), ``/documents`` for who has received what, and "Reçu".

Files come as Telegram documents in the coordinator's private chat. The bot downloads them
through the Bot API (``getFile``), which lets a bot download 20 MB at most: a larger file is
refused before any download, with the reason. What ``/document N`` typed alone announces for
the next file is kept in the database as a form is (:mod:`bot.form_store`), so the file may
reach another replica of the bot, or the same one after a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import Update
from telegram.error import TelegramError

from bot.arguments import number
from bot.commands import Access, ButtonRoute, Command, FileRoute, Place
from bot.context import ScrutinContext
from bot.form_store import FormGone
from bot.forms import confirming, decoded, encoded
from bot.replies import alert, reply
from bot.telegram_limits import TEXT_LIMITS
from meetings.actions.attach_document import (
    Attached,
    attach_document,
    confirm_received,
    receipts_of,
)
from meetings.buttons import ATTACH_PATTERN, RECEIVED_PATTERN, decode_attach, decode_received
from meetings.documents import DOWNLOAD_LIMIT, DocumentKind, NewDocument
from meetings.wording.formats import weight
from meetings.wording.i18n import N_
from meetings.wording.messages.documents import (
    attach_keyboard,
    attached_text,
    file_size,
    received_confirmation,
    status_messages,
)
from meetings.wording.refusals import REFUSALS, refusal
from voting.refusal import Refused

log = logging.getLogger(__name__)

PENDING_KEY = "pending_document"
ITEM_WORDS = frozenset({"point", "item"})
CONFIDENTIAL_WORDS = frozenset({"confidentiel", "confidentielle", "confidential"})


@dataclass(frozen=True)
class Upload:
    """What the next file is for: a meeting, maybe one of its items, and its kind."""

    meeting_id: int
    kind: DocumentKind
    agenda_position: int | None = None
    confidential: bool = False


def upload_of(command: str, args: Sequence[str]) -> Upload | None:
    """``/document 3 [point 2] [confidentiel]`` or ``/pv_signe 3``; None if malformed."""
    words = [word.lower() for word in args]
    if not words or (meeting := number(words[0])) is None:
        return None
    if command in SIGNED.names:
        return Upload(meeting, DocumentKind.SIGNED_MINUTES) if len(words) == 1 else None
    position: int | None = None
    confidential = False
    rest = words[1:]
    while rest:
        word = rest.pop(0)
        if word in ITEM_WORDS and rest and position is None:
            position = number(rest.pop(0))
            if position is None:
                return None
        elif word in CONFIDENTIAL_WORDS and not confidential:
            confidential = True
        else:
            return None
    return Upload(meeting, DocumentKind.ANNEX, position, confidential)


async def _announce(context: ScrutinContext, upload: Upload) -> None:
    """Keep what the person's next file is for, before asking for it."""
    await context.form_store.save(context.caller.person_id, PENDING_KEY, 0, encoded(upload))


async def _announcement_lost(update: Update, context: ScrutinContext) -> None:
    """An announcement kept by a version of the bot that wrote it otherwise: dropped, and
    the person told to send the file with its caption."""
    await context.form_store.delete(context.caller.person_id, PENDING_KEY)
    _ = context.caller._
    await reply(
        update,
        _(
            "The bot was updated since you announced this file. Send it again with the "
            "caption {usage}."
        ).format(usage=ATTACH.usage(context.caller.language, with_example=False)),
    )


async def _usage(update: Update, context: ScrutinContext, command: Command) -> None:
    caller = context.caller
    await reply(update, caller._("Usage: {usage}").format(usage=command.usage(caller.language)))


async def upload_command(update: Update, context: ScrutinContext) -> None:
    """``/document N …`` or ``/pv_signe N`` typed alone: the next file is for it."""
    text = update.effective_message.text if update.effective_message else None
    name = (text or "/").split()[0][1:].split("@")[0].lower()
    command = SIGNED if name in SIGNED.names else ATTACH
    upload = upload_of(name, context.args or [])
    if upload is None:
        await _usage(update, context, command)
        return
    await _announce(context, upload)
    await reply(update, _send_now(context, upload.meeting_id))


def _from_caption(caption: str | None) -> tuple[Upload | None, Command | None]:
    """The upload a caption such as ``/document 3 confidentiel`` asks for."""
    words = (caption or "").split()
    if not words or not words[0].startswith("/"):
        return None, None
    name = words[0][1:].split("@")[0].lower()
    command = SIGNED if name in SIGNED.names else ATTACH if name in ATTACH.names else None
    return (upload_of(name, words[1:]) if command else None), command


async def _download(update: Update, context: ScrutinContext) -> NewDocument | None:
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    _ = context.caller._
    language = context.caller.language
    if document.file_size is not None and document.file_size > DOWNLOAD_LIMIT:
        await reply(
            update,
            _(
                "This file is {size}: Telegram lets a bot download {limit} at most. Send a "
                "smaller file (compressed, or split in parts)."
            ).format(
                size=file_size(document.file_size, language),
                limit=file_size(DOWNLOAD_LIMIT, language),
            ),
        )
        return None
    try:
        telegram_file = await context.bot.get_file(document.file_id)
        content = bytes(await telegram_file.download_as_bytearray())
    except TelegramError as error:
        log.warning("could not download %s: %s", document.file_id, error)
        await reply(update, _("The bot could not download this file from Telegram. Send it again."))
        return None
    name = document.file_name or f"document-{weight(message.message_id, 'en')}"
    return NewDocument(name, content, document.mime_type, document.file_id)


async def file_received(update: Update, context: ScrutinContext) -> None:
    """A file in the coordinator's private chat: with ``/document …`` as its caption, or after
    it."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    upload, command = _from_caption(message.caption)
    if command is not None and upload is None:
        await _usage(update, context, command)
        return
    announced = upload is None
    if upload is None:
        saved = await context.form_store.load(context.caller.person_id, PENDING_KEY)
        upload = decoded(saved.payload, Upload) if saved is not None else None
        if saved is not None and upload is None:
            await _announcement_lost(update, context)
            return
    if upload is None:
        _ = context.caller._
        await reply(
            update,
            _("To attach this file to a meeting, send it again with the caption {usage}.").format(
                usage=ATTACH.usage(context.caller.language, with_example=False)
            ),
        )
        return
    new = await _download(update, context)
    if new is None:
        return
    caller = context.caller
    try:
        if announced:
            async with confirming(context, PENDING_KEY):
                attached = await _attach(context, upload, new)
        else:
            # The caption says it all: a file announced before it is not awaited any more.
            await context.form_store.delete(caller.person_id, PENDING_KEY)
            attached = await _attach(context, upload, new)
    except FormGone:
        return  # the same file, handled meanwhile by another replica, was attached
    except Refused as refused:
        await reply(update, refusal(refused, caller.language))
        return
    text = attached_text(
        attached.document, attached.meeting, attached.sent, attached.convened, caller.language
    )
    await reply(update, text)


async def _attach(context: ScrutinContext, upload: Upload, new: NewDocument) -> Attached:
    return await attach_document(
        context.services,
        context.caller,
        upload.meeting_id,
        new,
        kind=upload.kind,
        agenda_position=upload.agenda_position,
        confidential=upload.confidential,
    )


async def documents_command(update: Update, context: ScrutinContext) -> None:
    caller = context.caller
    args = context.args or []
    wanted = number(args[0]) if len(args) == 1 else None
    if wanted is None:
        await _usage(update, context, STATUS)
        return
    try:
        meeting, statuses, names = await receipts_of(context.services, caller, wanted)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language))
        return
    groupement = context.services.governance.groupement(meeting.plan.groupement_id)
    parts = status_messages(meeting, groupement, statuses, names, caller.language)
    for part in parts[:-1]:
        await reply(update, part)
    await reply(update, parts[-1], attach_keyboard(meeting.id, caller.language))


async def attach_pressed(update: Update, context: ScrutinContext) -> None:
    """ "Joindre un document" under a meeting: the coordinator's next file is for it."""
    query = update.callback_query
    assert query is not None
    caller = context.caller
    button = decode_attach(query.data)
    if button is None:
        await alert(update, caller._(REFUSALS["invalid_button"]))
        return
    try:
        meeting = await context.services.meetings.get(button.meeting_id)
        caller.require_coordinator(meeting.plan.groupement_id)
    except Refused as refused:
        await alert(update, refusal(refused, caller.language))
        return
    await _announce(
        context, Upload(meeting.id, DocumentKind.ANNEX, confidential=button.confidential)
    )
    await query.answer()
    await reply(update, _send_now(context, meeting.id))


def _send_now(context: ScrutinContext, meeting_id: int) -> str:
    _ = context.caller._
    return _("Now send the file for meeting no. {number}, as a document (at most {limit}).").format(
        number=meeting_id, limit=file_size(DOWNLOAD_LIMIT, context.caller.language)
    )


async def received_pressed(update: Update, context: ScrutinContext) -> None:
    query = update.callback_query
    assert query is not None
    caller = context.caller
    button = decode_received(query.data)
    if button is None:
        await alert(update, caller._(REFUSALS["invalid_button"]))
        return
    try:
        confirmed = await confirm_received(context.services, caller.person_id, button.document_id)
    except Refused as refused:
        await alert(update, refusal(refused, caller.language))
        return
    await query.answer(caller._("Receipt recorded."))
    caption = getattr(query.message, "caption", None) or ""
    done = received_confirmation(confirmed.at, caller.language, confirmed.zone)
    written = caption + "\n\n" + done
    await query.edit_message_caption(written[: TEXT_LIMITS["caption"]])


_PRIVATE = N_(
    "Send documents in your private chat with the bot: a group would read them, and "
    "confidential ones are for the members' representatives only."
)
ATTACH = Command(
    "document",
    "attach",
    Access.COORDINATOR,
    N_("attach a file to a meeting (the file as caption or just after)"),
    upload_command,
    arguments=N_("NUMBER [point ITEM] [confidentiel]"),
    example=N_("/document 3 point 2"),
    place=Place.PRIVATE,
    wrong_place=_PRIVATE,
    rank=67,
)
SIGNED = Command(
    "pv_signe",
    "signed_minutes",
    Access.COORDINATOR,
    N_("keep the scan of a meeting's signed minutes (the file as caption or just after)"),
    upload_command,
    arguments=N_("NUMBER"),
    place=Place.PRIVATE,
    wrong_place=_PRIVATE,
    rank=69,
)
STATUS = Command(
    "documents",
    "documents",
    Access.COORDINATOR,
    N_("a meeting's documents: who received them, who pressed “Received”"),
    documents_command,
    arguments=N_("NUMBER"),
    place=Place.PRIVATE,
    wrong_place=_PRIVATE,
    rank=68,
)
COMMANDS = (ATTACH, STATUS, SIGNED)
FILES = (FileRoute(ATTACH, file_received),)
BUTTONS = (
    ButtonRoute(RECEIVED_PATTERN, received_pressed),
    ButtonRoute(ATTACH_PATTERN, attach_pressed),
)
