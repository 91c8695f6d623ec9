"""An offline Telegram: a Bot API that answers locally, and incoming updates built by hand.

``OfflineRequest`` plugs into python-telegram-bot in place of its HTTP transport, the way
PTB's own test suite does it: every Bot API call is recorded and answered with the JSON the
real server would send, so PTB builds real ``Message``/``User``/``Chat`` objects from it.
``UpdateFactory`` builds the updates a user would cause (commands, text, button presses).
Handler tests feed those updates to ``Application.process_update``; ``scrutin demo`` uses the
same pieces to play a scripted conversation with no network and no token.
"""

from __future__ import annotations

import itertools
import json
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import IO, Any, Literal

from telegram import Bot, Message, Update, User
from telegram.ext import BaseRateLimiter, Defaults, ExtBot
from telegram.request import BaseRequest, RequestData

from bot.offline_files import FILE_URL_MARK, FileRefusedError, OfflineFiles
from bot.telegram_limits import TOO_LARGE, beyond_limits, upload_too_large

BOT_ID = 7000000001
# Same shape as a BotFather token (bot id, colon, 35 characters) so nothing that
# validates tokens trips on it; the suffix says what it is to anyone who finds it in a log.
OFFLINE_TOKEN = f"{BOT_ID}:OfflineScrutinTokenNotValid-0000000"

FailureKind = Literal["forbidden", "retry_after", "bad_request"]
ChatType = Literal["private", "group", "supergroup", "channel"]
JSONDict = dict[str, Any]
Clock = Callable[[], datetime]

_TRUE_METHODS = frozenset(
    {
        "answerCallbackQuery",
        "setMyCommands",
        "deleteMyCommands",
        "setWebhook",
        "deleteWebhook",
        "setChatMenuButton",
        "deleteMessage",
        "pinChatMessage",
        "sendChatAction",
    }
)
_SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
_EDIT_METHODS = frozenset({"editMessageText", "editMessageReplyMarkup", "editMessageCaption"})
_TEXT_METHODS = frozenset({"sendMessage", "editMessageText"})


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _timestamp(clock: Clock) -> int:
    now = clock()
    if now.tzinfo is None:
        # A naive datetime would be read in the host's zone: dates would shift with the machine.
        raise ValueError("the clock must return an aware datetime")
    return int(now.timestamp())


def _chat_key(chat_id: object) -> int | str:
    # The Bot API accepts a chat id as an int, a numeric string or "@channelusername";
    # normalising lets one chat be matched however the caller spelled it.
    if isinstance(chat_id, int):
        return chat_id
    text = str(chat_id)
    try:
        return int(text)
    except ValueError:
        return text


@dataclass(frozen=True)
class RecordedCall:
    """One Bot API call as the server would have seen it, and what it answered."""

    method: str
    params: dict[str, Any]
    result: Any
    failed: str | None = None


@dataclass
class _Failure:
    method: str
    kind: FailureKind
    chat_id: int | str | None
    retry_after: int
    description: str | None
    remaining: int

    def matches(self, method: str, params: Mapping[str, Any]) -> bool:
        if method != self.method:
            return False
        return self.chat_id is None or _chat_key(params.get("chat_id")) == self.chat_id

    def answer(self) -> tuple[int, JSONDict]:
        # Bodies copied from what the Bot API really sends, so PTB's own error mapping runs.
        if self.kind == "forbidden":
            code = HTTPStatus.FORBIDDEN
            body: JSONDict = {"description": "Forbidden: bot was blocked by the user"}
        elif self.kind == "retry_after":
            code = HTTPStatus.TOO_MANY_REQUESTS
            body = {
                "description": f"Too Many Requests: retry after {self.retry_after}",
                "parameters": {"retry_after": self.retry_after},
            }
        else:
            code = HTTPStatus.BAD_REQUEST
            body = {"description": self.description or "Bad Request: message is not modified"}
        return code, {"ok": False, "error_code": int(code), **body}


def _file_marker(filename: str, content: bytes | IO[bytes]) -> JSONDict:
    if isinstance(content, bytes):
        size = len(content)
    else:
        # Content may be an open file handle since PTB 21.5: measure it without consuming it.
        position = content.tell()
        size = content.seek(0, 2)
        content.seek(position)
    return {"filename": filename, "size": size}


def _decode_params(request_data: RequestData | None) -> JSONDict:
    if request_data is None:
        return {}
    params: JSONDict = dict(request_data.parameters)
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        # Some PTB versions send the markup pre-encoded; assertions want the structure either way.
        params["reply_markup"] = json.loads(markup)
    for part, (filename, content, _mimetype) in request_data.multipart_data.items():
        params[part] = _file_marker(filename, content)
    return params


class OfflineRequest(BaseRequest):
    """A PTB transport that never touches the network and records every Bot API call."""

    def __init__(
        self,
        username: str = "ScrutinBot",
        clock: Clock | None = None,
        listener: Callable[[RecordedCall], None] | None = None,
    ) -> None:
        self.username = username
        self.clock: Clock = clock or _utc_now
        self.listener = listener
        self.calls: list[RecordedCall] = []
        self._failures: list[_Failure] = []
        self._message_ids: dict[int | str, Iterator[int]] = {}
        self._chats: dict[int | str, JSONDict] = {}
        self._messages: dict[tuple[int | str, int], JSONDict] = {}
        self.files = OfflineFiles()
        self._extra: dict[str, Callable[[JSONDict], Any]] = {}

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def bot_user(self) -> JSONDict:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Scrutin",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def next_message_id(self, chat_id: int | str) -> int:
        """Allocate the next message id of a chat (ids are per chat, as in Telegram)."""
        counter = self._message_ids.setdefault(_chat_key(chat_id), itertools.count(1))
        return next(counter)

    def register_chat(self, chat: Mapping[str, Any]) -> None:
        """Remember a chat's name and type so the bot's messages to it carry them."""
        self._chats[_chat_key(chat["id"])] = dict(chat)

    def chat(self, chat_id: object) -> JSONDict:
        """The Chat dict of a chat id: the registered one, or one made up from the id's sign."""
        key = _chat_key(chat_id)
        if key in self._chats:
            return dict(self._chats[key])
        if isinstance(key, str):
            name = key.lstrip("@")
            # crc32, not hash(): str hashes change with every process, ids must not.
            channel_id = -1_000_000_000_000 - zlib.crc32(name.encode())
            return {"id": channel_id, "type": "channel", "title": name, "username": name}
        if key > 0:
            return {"id": key, "type": "private", "first_name": f"User {key}"}
        return {"id": key, "type": "supergroup", "title": f"Group {key}"}

    def simulate(self, method: str, answer: Callable[[JSONDict], Any]) -> None:
        """Answer a Bot API method this class does not know with ``answer(params)``."""
        self._extra[method] = answer

    def fail_next(
        self,
        method: str,
        error: FailureKind,
        *,
        chat_id: int | None = None,
        retry_after: int = 3,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Make the next ``times`` calls to ``method`` (in ``chat_id`` if given) fail like the
        real Bot API does; ``description`` overrides the text of a ``bad_request``."""
        if times < 1:
            raise ValueError("times must be at least 1")
        key = None if chat_id is None else _chat_key(chat_id)
        self._failures.append(_Failure(method, error, key, retry_after, description, times))

    def calls_to(self, method: str) -> list[RecordedCall]:
        return [call for call in self.calls if call.method == method]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        """Texts the user would have seen, in order: sent messages and text edits that
        succeeded, in ``chat_id`` only if given."""
        wanted = None if chat_id is None else _chat_key(chat_id)
        return [
            str(call.params["text"])
            for call in self.calls
            if call.method in _TEXT_METHODS
            and call.failed is None
            and (wanted is None or _chat_key(call.params.get("chat_id")) == wanted)
        ]

    def clear(self) -> None:
        """Forget recorded calls and pending failures; chats and message ids carry on, as
        they would on the server."""
        self.calls.clear()
        self._failures.clear()

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
        if FILE_URL_MARK in url:
            content = self.files.download(url)
            self._record(RecordedCall("download", {"url": url}, content is not None))
            return (HTTPStatus.NOT_FOUND, b"") if content is None else (HTTPStatus.OK, content)
        api_method = url.rsplit("/", 1)[-1]
        params = _decode_params(request_data)

        failure = next((f for f in self._failures if f.matches(api_method, params)), None)
        if failure is not None:
            failure.remaining -= 1
            if failure.remaining == 0:
                self._failures.remove(failure)
            code, body = failure.answer()
            self._record(RecordedCall(api_method, params, None, failed=failure.kind))
            return code, json.dumps(body).encode()

        if upload_too_large(api_method, params):
            self._record(RecordedCall(api_method, params, None, failed="too_large"))
            body = {"ok": False, "error_code": 413, "description": TOO_LARGE}
            return HTTPStatus.REQUEST_ENTITY_TOO_LARGE, json.dumps(body).encode()
        try:
            result = self._answer(api_method, params)
        except (_RejectedError, FileRefusedError) as rejection:
            kind = rejection.kind if isinstance(rejection, _RejectedError) else "bad_request"
            self._record(RecordedCall(api_method, params, None, failed=kind))
            body = {"ok": False, "error_code": 400, "description": rejection.description}
            return HTTPStatus.BAD_REQUEST, json.dumps(body).encode()

        self._record(RecordedCall(api_method, params, result))
        return HTTPStatus.OK, json.dumps({"ok": True, "result": result}).encode()

    def _record(self, call: RecordedCall) -> None:
        self.calls.append(call)
        if self.listener is not None:
            self.listener(call)

    def _answer(self, method: str, params: JSONDict) -> Any:
        beyond = beyond_limits(method, params)
        if beyond is not None:
            raise _RejectedError("too_long", beyond)
        if method in self._extra:
            return self._extra[method](params)
        if method == "getMe":
            return self.bot_user
        if method in _SEND_METHODS:
            return self._send(method, params)
        if method in _EDIT_METHODS:
            return self._edit(method, params)
        if method == "deleteMessage":
            key = (_chat_key(_require(params, "chat_id")), int(_require(params, "message_id")))
            self._messages.pop(key, None)
            return True
        if method in _TRUE_METHODS:
            return True
        if method in ("getUpdates", "getMyCommands"):
            return []
        if method == "getChat":
            return self._full_chat(_require(params, "chat_id"))
        if method == "getFile":
            return self.files.get_file(params)
        raise _RejectedError("not_simulated", f"Bad Request: method {method} is not simulated")

    def _send(self, method: str, params: JSONDict) -> JSONDict:
        chat_id = _require(params, "chat_id")
        chat = self.chat(chat_id)
        message: JSONDict = {
            "message_id": self.next_message_id(chat_id),
            "date": _timestamp(self.clock),
            "chat": chat,
            "from": self.bot_user,
        }
        if method == "sendMessage":
            message["text"] = _require(params, "text")
            if "entities" in params:
                message["entities"] = params["entities"]
        else:
            kind = "photo" if method == "sendPhoto" else "document"
            media = self.files.uploaded(kind, params.get(kind))
            message[kind] = [media] if kind == "photo" else media
            if "caption" in params:
                message["caption"] = params["caption"]
            if "caption_entities" in params:
                message["caption_entities"] = params["caption_entities"]
        self._set_markup(message, params)
        self._messages[(_chat_key(chat_id), message["message_id"])] = message
        return message

    def _edit(self, method: str, params: JSONDict) -> JSONDict | bool:
        if "inline_message_id" in params:
            return True
        chat_id = _require(params, "chat_id")
        key = (_chat_key(chat_id), int(_require(params, "message_id")))
        message = dict(
            self._messages.get(key)
            or {
                "message_id": key[1],
                "date": _timestamp(self.clock),
                "chat": self.chat(chat_id),
                "from": self.bot_user,
            }
        )
        message["edit_date"] = _timestamp(self.clock)
        if method == "editMessageText" and "text" not in message and key in self._messages:
            raise _RejectedError("bad_request", "Bad Request: there is no text in the message")
        if method == "editMessageText":
            message["text"] = _require(params, "text")
            message.pop("entities", None)
            if "entities" in params:
                message["entities"] = params["entities"]
        elif method == "editMessageCaption":
            message.pop("caption", None)
            message.pop("caption_entities", None)
            if "caption" in params:
                message["caption"] = params["caption"]
        # Telegram drops an inline keyboard that an edit does not restate: echo that faithfully
        # so a handler forgetting to resend its buttons shows up in tests.
        self._set_markup(message, params)
        self._messages[key] = message
        return message

    @staticmethod
    def _set_markup(message: JSONDict, params: JSONDict) -> None:
        markup = params.get("reply_markup")
        # Only inline keyboards belong to a message; reply keyboards are never echoed back.
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)

    def _full_chat(self, chat_id: object) -> JSONDict:
        return {
            **self.chat(chat_id),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }


class _RejectedError(Exception):
    """A call the simulated server refuses with a 400, as Telegram refuses malformed calls."""

    def __init__(self, kind: str, description: str) -> None:
        super().__init__(description)
        self.kind = kind
        self.description = description


def _require(params: Mapping[str, Any], name: str) -> Any:
    # A missing parameter must come back as Telegram's 400, not as a KeyError that PTB
    # would report as a network failure.
    if name not in params:
        raise _RejectedError("bad_request", f"Bad Request: {name} is empty")
    return params[name]


def offline_bot(
    username: str = "ScrutinBot",
    clock: Clock | None = None,
    *,
    defaults: Defaults | None = None,
    rate_limiter: BaseRateLimiter[Any] | None = None,
) -> tuple[ExtBot[None], OfflineRequest]:
    """An ExtBot wired to an ``OfflineRequest``: ``await bot.initialize()`` works offline.

    ``defaults`` and ``rate_limiter`` are here because ``ApplicationBuilder`` refuses them once
    ``.bot()`` is given: the bot must carry them itself.
    """
    request = OfflineRequest(username=username, clock=clock)
    # One instance serves both slots: initialize/shutdown are idempotent no-ops, and
    # getUpdates then lands in the same call log as everything else.
    bot: ExtBot[None] = ExtBot(
        OFFLINE_TOKEN,
        request=request,
        get_updates_request=request,
        defaults=defaults,
        rate_limiter=rate_limiter,
    )
    return bot, request


UserLike = Mapping[str, Any] | User


class UpdateFactory:
    """Builds the updates Telegram would deliver when a user talks to the bot.

    With a bot from ``offline_bot``, user and bot messages share one message-id sequence
    per chat and the chats are registered with the transport, as on the real server.
    """

    def __init__(self, bot: Bot, clock: Clock | None = None) -> None:
        self.bot = bot
        # bot.request is the transport sendMessage goes through (get_updates aside).
        request = bot.request
        self.request = request if isinstance(request, OfflineRequest) else None
        self.clock: Clock = clock or (self.request.clock if self.request else _utc_now)
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, Iterator[int]] = {}
        self._callback_ids = itertools.count(1)

    def continue_from(self, update_id: int) -> None:
        """Number the next updates from ``update_id`` on."""
        self._update_ids = itertools.count(update_id)

    @staticmethod
    def user(
        user_id: int,
        first_name: str,
        language_code: str = "fr",
        last_name: str | None = None,
    ) -> JSONDict:
        user: JSONDict = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        if last_name is not None:
            user["last_name"] = last_name
        return user

    def command(
        self,
        user: UserLike,
        text: str,
        chat_id: int | None = None,
        chat_type: ChatType | None = None,
        chat_title: str | None = None,
    ) -> Update:
        """A message starting with a bot command: "/start", "/start TOKEN", "/vote@ScrutinBot".

        ``chat_type`` defaults to private for a positive id and supergroup for a negative one.
        """
        if not text.startswith("/"):
            raise ValueError(f"a command starts with '/': {text!r}")
        command = text.split(maxsplit=1)[0]
        # Entity offsets and lengths count UTF-16 code units, not Python characters.
        length = len(command.encode("utf-16-le")) // 2
        entities = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._message_update(user, text, chat_id, chat_type, chat_title, entities)

    def text(
        self,
        user: UserLike,
        text: str,
        chat_id: int | None = None,
        chat_type: ChatType | None = None,
        chat_title: str | None = None,
    ) -> Update:
        return self._message_update(user, text, chat_id, chat_type, chat_title, None)

    def callback(self, user: UserLike, data: str, message: Message | Mapping[str, Any]) -> Update:
        """A press on an inline button of ``message`` (a bot message, object or dict)."""
        message_dict = message.to_dict() if isinstance(message, Message) else dict(message)
        chat_id = message_dict["chat"]["id"]
        query = {
            "id": str(4_000_000_000_000_000_000 + next(self._callback_ids)),
            "from": self._user_dict(user),
            # Telegram gives one opaque chat_instance per chat; stable per chat is what matters.
            "chat_instance": str(-7_000_000_000_000_000_000 - chat_id),
            "data": data,
            "message": message_dict,
        }
        return self._update({"callback_query": query})

    def document(
        self, user: UserLike, filename: str, content: bytes | int, caption: str | None = None
    ) -> Update:
        """A file a person sends (``content`` may be a size only, for a file too big to build)."""
        assert self.request is not None, "documents need the offline transport"
        media = self.request.files.from_person(filename, content)
        return self._message_update(user, caption or "", None, None, None, None, media)

    def _message_update(
        self,
        user: UserLike,
        text: str,
        chat_id: int | None,
        chat_type: ChatType | None,
        chat_title: str | None,
        entities: list[JSONDict] | None,
        document: JSONDict | None = None,
    ) -> Update:
        sender = self._user_dict(user)
        chat = self._chat(sender, chat_id, chat_type, chat_title)
        message: JSONDict = {
            "message_id": self._next_message_id(chat["id"]),
            "date": _timestamp(self.clock),
            "chat": chat,
            "from": sender,
            "text": text,
        }
        if entities:
            message["entities"] = entities
        if document is not None:
            message["document"] = document
            if caption := message.pop("text"):
                message["caption"] = caption
        return self._update({"message": message})

    def _chat(
        self,
        sender: JSONDict,
        chat_id: int | None,
        chat_type: ChatType | None,
        chat_title: str | None,
    ) -> JSONDict:
        chat_id = sender["id"] if chat_id is None else chat_id
        kind: ChatType = chat_type or ("private" if chat_id > 0 else "supergroup")
        chat: JSONDict = {"id": chat_id, "type": kind}
        if kind == "private":
            chat["first_name"] = sender["first_name"]
            if "last_name" in sender:
                chat["last_name"] = sender["last_name"]
        else:
            chat["title"] = chat_title or f"Group {chat_id}"
        if self.request is not None:
            self.request.register_chat(chat)
        return chat

    def _next_message_id(self, chat_id: int) -> int:
        if self.request is not None:
            return self.request.next_message_id(chat_id)
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _update(self, payload: JSONDict) -> Update:
        return Update.de_json({"update_id": next(self._update_ids), **payload}, self.bot)

    @staticmethod
    def _user_dict(user: UserLike) -> JSONDict:
        return user.to_dict() if isinstance(user, User) else dict(user)
