"""A Bot API double on 127.0.0.1, and ``scrutin run`` as a real process pointed at it.

The double answers ``POST /bot<TOKEN>/<method>`` like the Bot API would, hands out queued
updates through ``getUpdates``, and records every call, so that a test can check what the
real bot process asked Telegram to do. Nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

import pytest

BOT_ID = 123456789
# The shape BotFather issues: numeric id, colon, 35 URL-safe characters. Not a real token.
TOKEN = f"{BOT_ID}:AAFake-token_for-Scrutin-tests-0123"
DEADLINE = 20.0  # seconds, for anything the subprocess must do
DOWNLOAD_LIMIT = 20 * 1024 * 1024
"""The largest file ``getFile`` lets a bot download."""

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="stops the bot with POSIX signals")


# --- a fake Bot API on 127.0.0.1 -----------------------------------------------------------


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, str]  # as PTB posts them: strings raw, everything else JSON-encoded


class FakeBotApi(ThreadingHTTPServer):
    """Answers ``POST /bot<TOKEN>/<method>`` like the Bot API would, and records every call."""

    daemon_threads = True
    request_queue_size = 128  # several bots at once (tests/test_replicas.py)

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), FakeBotApiHandler)
        self.lock = threading.Lock()
        self.calls: list[Call] = []
        self.pending_updates: list[dict[str, Any]] = []
        self.handed_out: set[int] = set()
        self.batch = 100  # updates per getUpdates at most, as Telegram's default limit
        self.next_message_id = 100
        self.files: dict[str, bytes] = {}
        """What people sent, by file_id: ``getFile`` gives its path, then a GET its bytes."""

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A long poll still open when the bot exits ends in a broken pipe: not a failure.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def queue_update(self, update: dict[str, Any]) -> None:
        with self.lock:
            self.pending_updates.append(update)

    def add_file(self, file_id: str, filename: str, content: bytes) -> dict[str, Any]:
        """A file a person sends; its ``document`` for the message of an update."""
        with self.lock:
            self.files[file_id] = content
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_name": filename,
            "file_size": len(content),
        }

    def _file(self, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        file_id = params.get("file_id", "")
        if file_id not in self.files:
            return 400, _refused("Bad Request: wrong file identifier/HTTP URL specified")
        if len(self.files[file_id]) > DOWNLOAD_LIMIT:
            return 400, _refused("Bad Request: file is too big")
        result = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": len(self.files[file_id]),
            "file_path": f"documents/{file_id}",
        }
        return 200, {"ok": True, "result": result}

    def download(self, path: str) -> bytes | None:
        with self.lock:
            self.calls.append(Call("download", {"path": path}))
            return self.files.get(path.removeprefix("documents/"))

    def calls_to(self, method: str) -> list[Call]:
        with self.lock:
            return [call for call in self.calls if call.method == method]

    def messages_to(self, chat_id: int) -> list[str]:
        return [
            call.params.get("text", "")
            for call in self.calls_to("sendMessage")
            if call.params.get("chat_id") == str(chat_id)
        ]

    def _updates_from(self, offset: int) -> list[dict[str, Any]]:
        """Like Telegram: an offset confirms every update below it; the rest is handed out
        again until it is confirmed."""
        self.pending_updates = [u for u in self.pending_updates if u["update_id"] >= offset]
        updates = self.pending_updates[: self.batch]
        self.handed_out.update(u["update_id"] for u in updates)
        return updates

    def _message(self, params: dict[str, str]) -> dict[str, Any]:
        self.next_message_id += 1
        chat_id = int(params["chat_id"])
        kind = "private" if chat_id > 0 else "supergroup"
        message: dict[str, Any] = {
            "message_id": self.next_message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": kind, "first_name": "Alice", "title": "Groupe"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }
        if "document" in params:
            # An upload or a resend by file_id: the message carries a document and a caption.
            del message["text"]
            message["caption"] = params.get("caption", "")
            message["document"] = {
                "file_id": f"bot-file-{self.next_message_id}",
                "file_unique_id": f"u-bot-file-{self.next_message_id}",
            }
        return message

    def answer(self, method: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.calls.append(Call(method, params))
            if method == "getMe":
                return 200, {"ok": True, "result": BOT_USER}
            if method in {"deleteWebhook", "setWebhook", "setMyCommands"}:
                return 200, {"ok": True, "result": True}
            too_long = _beyond_limits(params)
            if too_long is not None:
                return 400, _refused(too_long)
            if method == "getFile":
                return self._file(params)
            if method == "getUpdates":
                updates = self._updates_from(int(params.get("offset") or 0))
            elif method.startswith("send"):
                return 200, {"ok": True, "result": self._message(params)}
            elif method.startswith(("edit", "answer", "delete", "set")):
                return 200, {"ok": True, "result": True}
            else:
                return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        if not updates:
            # PTB long-polls in a loop: an empty answer after a short pause keeps it calm.
            time.sleep(0.05)
        return 200, {"ok": True, "result": updates}


def _refused(description: str) -> dict[str, Any]:
    return {"ok": False, "error_code": 400, "description": description}


def _beyond_limits(params: dict[str, str]) -> str | None:
    """Telegram's refusal of a text or a caption too long (4,096 and 1,024 characters)."""
    for name, limit in (("text", 4096), ("caption", 1024)):
        if len(params.get(name, "")) > limit:
            return f"Bad Request: message {name} is too long"
    return None


def _multipart(content_type: str, body: bytes) -> dict[str, str]:
    """The fields of a ``multipart/form-data`` body (a file as its name): an upload's."""
    message = BytesParser(policy=default).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        filename = part.get_filename()
        payload = part.get_payload(decode=True)
        try:
            text = payload.decode("utf-8") if isinstance(payload, bytes) else ""
        except UnicodeDecodeError:  # a file sent without a name (a chart's PNG)
            filename = filename or name
        fields[name] = json.dumps({"filename": filename}) if filename else text
    return fields


class FakeBotApiHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        api = self.server
        assert isinstance(api, FakeBotApi)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        files = f"/file/bot{TOKEN}/"
        # httpx writes the token's colon as %3A in a file URL; Telegram reads both.
        if unquote(self.path).startswith(files):
            self.send_file(api.download(unquote(self.path).removeprefix(files)))
            return
        prefix = f"/bot{TOKEN}/"
        if not self.path.startswith(prefix):
            self.reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        content_type = self.headers.get("Content-Type") or ""
        if content_type.startswith("multipart/form-data"):
            params = _multipart(content_type, raw)
        else:
            fields = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
            params = {name: values[0] for name, values in fields.items()}
        status, payload = api.answer(self.path.removeprefix(prefix), params)
        self.reply(status, payload)

    do_GET = do_POST

    def send_file(self, content: bytes | None) -> None:
        if content is None:
            self.reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def reply(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep the test output quiet


BOT_USER: dict[str, Any] = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Scrutin",
    "username": "ScrutinTestBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@contextmanager
def serving_fake_api() -> Iterator[FakeBotApi]:
    """The fake Bot API listening on 127.0.0.1 until the block ends (the bench uses it too)."""
    api = FakeBotApi()
    thread = threading.Thread(target=api.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield api
    finally:
        api.shutdown()
        api.server_close()
        thread.join(timeout=5)


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    with serving_fake_api() as api:
        yield api


# --- the subprocess ------------------------------------------------------------------------


def scrutin_command() -> list[str]:
    script = Path(sys.executable).with_name("scrutin")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def child_environment(database: Path, token: str | None = TOKEN, **extra: str) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SCRUTIN_")
        and name != "TELEGRAM_BOT_TOKEN"
        and "proxy" not in name.lower()  # the fake API is on loopback: talk to it directly
    }
    environment.update(SCRUTIN_DATABASE_PATH=str(database), PYTHONUNBUFFERED="1", **extra)
    if token is not None:
        environment["TELEGRAM_BOT_TOKEN"] = token
    return environment


class Bot:
    """``scrutin run ...`` in a subprocess, its output in files (no pipe to fill up)."""

    def __init__(
        self, tmp_path: Path, args: list[str], environment: dict[str, str], name: str = "bot"
    ) -> None:
        self.log_path = tmp_path / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [*scrutin_command(), "run", *args],
            env=environment,
            cwd=tmp_path,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, what: str, condition: Callable[[], bool]) -> None:
        deadline = time.monotonic() + DEADLINE
        while not condition():
            if self.process.poll() is not None:
                pytest.fail(
                    f"the bot exited ({self.process.returncode}) before {what}:\n" + self.output()
                )
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} within {DEADLINE:.0f} s:\n{self.output()}")
            time.sleep(0.05)

    def stop(self, how: signal.Signals = signal.SIGINT, within: float = 10.0) -> int:
        """Ctrl+C (or a service manager's SIGTERM); kill only if the bot does not stop."""
        try:
            if self.process.poll() is None:
                self.process.send_signal(how)
                try:
                    return self.process.wait(timeout=within)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=5)
                    pytest.fail(
                        f"the bot did not stop within {within:.0f} s of {how.name}:\n"
                        + self.output()
                    )
            return self.process.returncode
        finally:
            self._log.close()


@pytest.fixture
def start_bot(tmp_path: Path) -> Iterator[Callable[[list[str], dict[str, str]], Bot]]:
    started: list[Bot] = []

    def start(args: list[str], environment: dict[str, str]) -> Bot:
        bot = Bot(tmp_path, args, environment)
        started.append(bot)
        return bot

    yield start
    for bot in started:  # a failed test must not leave a bot running
        if bot.process.poll() is None:
            bot.process.kill()
            bot.process.wait(timeout=5)
        bot._log.close()
