"""The offline Bot API: PTB must build real objects from its answers and raise its real errors."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from bot.offline import OFFLINE_TOKEN, OfflineRequest, RecordedCall, UpdateFactory, offline_bot
from tests.clock import FakeClock

START = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
ALICE = UpdateFactory.user(1001, "Alice", last_name="Martin")
GROUP = -1001234567890


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def offline(clock: FakeClock) -> AsyncIterator[tuple[ExtBot[None], OfflineRequest]]:
    bot, request = offline_bot(clock=clock)
    async with bot:
        yield bot, request


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in data]])


def retry_seconds(error: RetryAfter) -> float:
    # PTB 22 gives an int (with a deprecation warning) unless PTB_TIMEDELTA opts into timedelta.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def test_the_token_looks_like_a_botfather_token() -> None:
    assert re.fullmatch(r"7000000001:[A-Za-z0-9_-]{35}", OFFLINE_TOKEN)


async def test_initialize_needs_no_network(offline: tuple[ExtBot[None], OfflineRequest]) -> None:
    bot, request = offline
    assert bot.username == "ScrutinBot"
    assert bot.id == 7000000001
    assert [call.method for call in request.calls] == ["getMe"]


async def test_the_username_is_configurable() -> None:
    bot, _ = offline_bot(username="ScrutinTestBot")
    async with bot:
        assert bot.username == "ScrutinTestBot"


async def test_message_ids_increase_per_chat(
    offline: tuple[ExtBot[None], OfflineRequest], clock: FakeClock
) -> None:
    bot, request = offline
    first = await bot.send_message(ALICE["id"], "Bonjour")
    clock.advance(timedelta(minutes=1))
    second = await bot.send_message(ALICE["id"], "Encore")
    in_group = await bot.send_message(GROUP, "Séance ouverte")

    assert (first.message_id, second.message_id, in_group.message_id) == (1, 2, 1)
    assert first.chat.id == ALICE["id"] and first.chat.type == "private"
    assert in_group.chat.type == "supergroup" and in_group.chat.title
    assert first.from_user is not None and first.from_user.username == "ScrutinBot"
    assert second.date == START + timedelta(minutes=1)
    assert request.sent_texts() == ["Bonjour", "Encore", "Séance ouverte"]
    assert request.sent_texts(GROUP) == ["Séance ouverte"]


async def test_the_markup_is_recorded_as_a_dict_and_echoed(
    offline: tuple[ExtBot[None], OfflineRequest],
) -> None:
    bot, request = offline
    sent = await bot.send_message(ALICE["id"], "Votez", reply_markup=keyboard("oui", "non"))

    (call,) = request.calls_to("sendMessage")
    assert call.params["reply_markup"]["inline_keyboard"][0][1]["callback_data"] == "non"
    assert sent.reply_markup == keyboard("oui", "non")


async def test_an_edit_echoes_the_new_text_and_drops_unrestated_buttons(
    offline: tuple[ExtBot[None], OfflineRequest],
) -> None:
    bot, request = offline
    sent = await bot.send_message(ALICE["id"], "Votez", reply_markup=keyboard("oui"))
    edited = await bot.edit_message_text("Vote enregistré", ALICE["id"], sent.message_id)

    assert isinstance(edited, Message)
    assert (edited.message_id, edited.chat.id) == (sent.message_id, ALICE["id"])
    assert edited.text == "Vote enregistré"
    assert edited.date == sent.date and edited.edit_date is not None
    assert edited.reply_markup is None
    assert await bot.edit_message_text("x", inline_message_id="abc") is True
    assert request.sent_texts() == ["Votez", "Vote enregistré", "x"]


async def test_uploads_are_recorded_as_markers(
    offline: tuple[ExtBot[None], OfflineRequest],
) -> None:
    bot, request = offline
    sent = await bot.send_document(
        ALICE["id"], io.BytesIO(b"%PDF-1.7 ..."), filename="pv.pdf", caption="Procès-verbal"
    )

    (call,) = request.calls_to("sendDocument")
    assert call.params["document"] == {"filename": "pv.pdf", "size": 12}
    assert sent.document is not None and sent.document.file_name == "pv.pdf"
    assert sent.caption == "Procès-verbal"
    photo = await bot.send_photo(ALICE["id"], b"\x89PNG....")
    assert photo.photo and photo.photo[-1].file_size == 8


async def test_forbidden_fails_once_then_the_bot_recovers(
    offline: tuple[ExtBot[None], OfflineRequest],
) -> None:
    bot, request = offline
    request.fail_next("sendMessage", "forbidden")

    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ALICE["id"], "Perdu")
    await bot.send_message(ALICE["id"], "Reçu")

    assert [call.failed for call in request.calls_to("sendMessage")] == ["forbidden", None]
    assert request.sent_texts() == ["Reçu"]


async def test_a_failure_can_target_one_chat(
    offline: tuple[ExtBot[None], OfflineRequest],
) -> None:
    bot, request = offline
    request.fail_next("sendMessage", "forbidden", chat_id=GROUP)

    await bot.send_message(ALICE["id"], "Passe")
    with pytest.raises(Forbidden):
        await bot.send_message(GROUP, "Bloqué")


# PTB itself reads retry_after while building the exception, which warns under PTB 22.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_retry_after_carries_the_delay(
    offline: tuple[ExtBot[None], OfflineRequest],
) -> None:
    bot, request = offline
    request.fail_next("sendMessage", "retry_after", times=2)

    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(ALICE["id"], "Trop vite")
        assert retry_seconds(caught.value) == 3
    await bot.send_message(ALICE["id"], "Enfin")


async def test_bad_request_is_message_not_modified(
    offline: tuple[ExtBot[None], OfflineRequest],
) -> None:
    bot, request = offline
    sent = await bot.send_message(ALICE["id"], "Même texte")
    request.fail_next("editMessageText", "bad_request")

    # PTB strips "Bad Request: " and capitalizes what is left, as for the real server.
    with pytest.raises(BadRequest, match=r"^Message is not modified$"):
        await bot.edit_message_text("Même texte", ALICE["id"], sent.message_id)


async def test_an_unknown_method_is_a_bad_request(
    offline: tuple[ExtBot[None], OfflineRequest],
) -> None:
    bot, request = offline
    with pytest.raises(BadRequest, match=r"^Method sendpoll is not simulated$"):
        await bot.send_poll(ALICE["id"], "Question ?", ["oui", "non"])
    assert request.calls[-1].failed == "not_simulated"
    assert request.calls[-1].method == "sendPoll"


async def test_the_listener_and_clear() -> None:
    seen: list[RecordedCall] = []
    bot, request = offline_bot()
    request.listener = seen.append
    async with bot:
        await bot.send_message(ALICE["id"], "Bonjour")
    assert [call.method for call in seen] == ["getMe", "sendMessage"]
    assert seen[-1].result["text"] == "Bonjour"

    request.clear()
    assert request.calls == [] and request.sent_texts() == []


async def test_get_chat_builds_a_full_chat(offline: tuple[ExtBot[None], OfflineRequest]) -> None:
    bot, _ = offline
    chat = await bot.get_chat(GROUP)
    assert (chat.id, chat.type) == (GROUP, "supergroup")


async def test_a_command_with_a_payload_reaches_its_handler(clock: FakeClock) -> None:
    bot, request = offline_bot(clock=clock)
    app = ApplicationBuilder().bot(bot).updater(None).build()
    received: list[list[str]] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        received.append(list(context.args or []))
        assert update.effective_message is not None
        await update.effective_message.reply_text("Bienvenue")

    app.add_handler(CommandHandler("start", start))
    async with app:
        updates = UpdateFactory(bot)
        await app.process_update(updates.command(ALICE, "/start INVITE-42"))
        await app.process_update(updates.command(ALICE, "/start@ScrutinBot", chat_id=GROUP))
        await app.process_update(updates.command(ALICE, "/start@OtherBot", chat_id=GROUP))

    assert received == [["INVITE-42"], []]
    replies = request.calls_to("sendMessage")
    # The user's /start took message id 1 in the private chat: the bot's reply comes after it.
    assert replies[0].result["message_id"] == 2
    assert replies[0].result["chat"]["first_name"] == "Alice"
    assert replies[1].result["chat"]["type"] == "supergroup"


async def test_plain_text_is_not_a_command() -> None:
    bot, _ = offline_bot()
    app = ApplicationBuilder().bot(bot).updater(None).build()
    texts: list[str] = []

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.text
        texts.append(update.effective_message.text)

    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    async with app:
        updates = UpdateFactory(bot)
        await app.process_update(updates.text(ALICE, "Je donne procuration"))
        await app.process_update(updates.command(ALICE, "/help"))

    assert texts == ["Je donne procuration"]


async def test_a_button_press_reaches_the_callback_handler() -> None:
    bot, request = offline_bot()
    app = ApplicationBuilder().bot(bot).updater(None).build()
    presses: list[tuple[str | None, int]] = []

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and isinstance(query.message, Message)
        presses.append((query.data, query.message.message_id))
        await query.answer("Vote enregistré")
        await query.edit_message_text("Merci")

    app.add_handler(CallbackQueryHandler(on_press))
    async with app:
        sent = await bot.send_message(ALICE["id"], "Votez", reply_markup=keyboard("oui", "non"))
        updates = UpdateFactory(bot)
        await app.process_update(updates.callback(ALICE, "oui", sent))
        recorded = request.calls_to("sendMessage")[0].result
        await app.process_update(updates.callback(ALICE, "non", recorded))

    assert presses == [("oui", sent.message_id), ("non", sent.message_id)]
    assert len(request.calls_to("answerCallbackQuery")) == 2
    assert request.sent_texts(ALICE["id"]) == ["Votez", "Merci", "Merci"]


def test_updates_are_numbered_and_dated(clock: FakeClock) -> None:
    bot, _ = offline_bot(clock=clock)
    updates = UpdateFactory(bot)
    first = updates.text(ALICE, "un")
    clock.advance(timedelta(seconds=5))
    second = updates.command(ALICE, "/vote")

    assert second.update_id == first.update_id + 1
    assert first.message is not None and second.message is not None
    assert second.message.message_id == first.message.message_id + 1
    assert second.message.date == START + timedelta(seconds=5)
    assert second.message.from_user is not None
    assert second.message.from_user.language_code == "fr"
    with pytest.raises(ValueError, match="starts with '/'"):
        updates.command(ALICE, "vote")
