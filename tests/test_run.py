"""``scrutin run``: token and webhook checks, and the real bot against a fake Bot API.

The end-to-end tests start ``scrutin run`` as a subprocess pointed (``--api-url``) at a tiny
Bot API server listening on 127.0.0.1 in this process; nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.run import RunError, check_token, check_webhook_url
from tests.botapi import (
    DEADLINE,
    TOKEN,
    Bot,
    FakeBotApi,
    child_environment,
    posix_only,
    scrutin_command,
)

USER_ID = 4242
STRANGER_ID = 5151
HELP_MARKERS = ("Commandes", "Pour participer")


# --- check_token, check_webhook_url ----------------------------------------------------------


def test_the_fake_token_has_the_botfather_shape() -> None:
    assert check_token(TOKEN) == TOKEN


@pytest.mark.parametrize("token", [None, ""])
def test_a_missing_token_is_refused(token: str | None) -> None:
    with pytest.raises(RunError, match="TELEGRAM_BOT_TOKEN"):
        check_token(token)


@pytest.mark.parametrize(
    "token",
    [
        "   ",
        "not-a-token",
        "123456789",
        "123456789:",
        "123456789:short",
        "abc:AAFake-token_for-Scrutin-tests-0123",
        "1234:AAFake-token_for-Scrutin-tests-0123",  # bot id too short
        "123456789:AAFake token for Scrutin tests 0123",  # spaces inside
        "123456789:AAFake-token_for-Scrutin-tests-0123!",
        "123456789:AAFake-token_for-Scrutin-tests-0123\n123456789:AAFake-token_for-Scrutin-1234",
    ],
)
def test_a_malformed_token_is_refused(token: str) -> None:
    with pytest.raises(RunError, match="does not look like a bot token"):
        check_token(token)


def test_a_token_pasted_with_surrounding_blanks_is_trimmed() -> None:
    assert check_token(f"  {TOKEN}\n") == TOKEN


@pytest.mark.parametrize(
    "url",
    ["http://example.org/hook", "https://", "example.org/hook", "ftp://example.org/hook", ""],
)
def test_a_webhook_url_telegram_would_not_call_is_refused(url: str) -> None:
    with pytest.raises(RunError, match="https://"):
        check_webhook_url(url)


def test_an_https_webhook_url_is_accepted() -> None:
    url = "https://bot.example.org:8443/scrutin/hook"
    assert check_webhook_url(url) == url


# --- main(["run"]) without a usable token --------------------------------------------------


@pytest.fixture
def bare_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No token, no SCRUTIN_* setting, and no .env file in the working directory."""
    for name in list(os.environ):
        if name.startswith("SCRUTIN_") or name == "TELEGRAM_BOT_TOKEN":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCRUTIN_DATABASE_PATH", str(tmp_path / "scrutin.db"))
    return tmp_path


def one_line_failure(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("scrutin: ")
    return lines[0]


@pytest.mark.parametrize("value", [None, "", "   "])
def test_run_without_a_token_exits_2_with_one_line(
    bare_environment: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    value: str | None,
) -> None:
    if value is not None:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", value)
    assert main(["run"]) == 2
    assert "TELEGRAM_BOT_TOKEN" in one_line_failure(capsys)
    assert not (bare_environment / "scrutin.db").exists()


def test_run_with_a_malformed_token_exits_2_with_one_line(
    bare_environment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789-not-a-token")
    assert main(["run"]) == 2
    assert "does not look like a bot token" in one_line_failure(capsys)


def test_run_with_an_http_webhook_exits_2_with_one_line(
    bare_environment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    assert main(["run", "--webhook", "http://bot.example.org/hook"]) == 2
    assert "https://" in one_line_failure(capsys)


@pytest.mark.parametrize("secret", ["has spaces", "accentué", "x" * 257])
def test_a_webhook_secret_telegram_would_refuse_exits_2_without_showing_it(
    bare_environment: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    secret: str,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SCRUTIN_WEBHOOK_SECRET", secret)
    assert main(["run", "--webhook", "https://bot.example.org/hook"]) == 2
    line = one_line_failure(capsys)
    assert "webhook_secret" in line and "A-Z, a-z, 0-9, _ and -" in line
    assert secret not in line


def test_the_installed_command_reports_a_missing_token_without_traceback(
    bare_environment: Path,
) -> None:
    result = subprocess.run(
        [*scrutin_command(), "run"],
        env=child_environment(bare_environment / "scrutin.db", token=None),
        cwd=bare_environment,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("scrutin: ")


def help_request(update_id: int, user_id: int) -> dict[str, Any]:
    """A private "/aide" from a person the bot does not know yet."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Alice"},
            "from": {
                "id": user_id,
                "is_bot": False,
                "first_name": "Alice",
                "language_code": "fr",
            },
            "text": "/aide",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }


def has_help(texts: list[str]) -> bool:
    return any(marker in text for text in texts for marker in HELP_MARKERS)


def assert_stopped_cleanly(bot: Bot, status: int) -> None:
    output = bot.output()
    assert status == 0, output
    assert "Traceback" not in output, output
    # Whoever reads the logs must not own the bot.
    assert TOKEN.partition(":")[2] not in output, output


# --- end to end: long polling --------------------------------------------------------------


@posix_only
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["int", "term"])
def test_long_polling_answers_help_through_another_bot_api_server(
    tmp_path: Path,
    fake_api: FakeBotApi,
    start_bot: Callable[[list[str], dict[str, str]], Bot],
    stop_signal: signal.Signals,
) -> None:
    database = tmp_path / "scrutin.db"
    fake_api.queue_update(help_request(1, USER_ID))
    bot = start_bot(["--api-url", fake_api.url], child_environment(database))

    bot.wait_for("help sent to the user", lambda: has_help(fake_api.messages_to(USER_ID)))
    status = bot.stop(stop_signal)

    assert_stopped_cleanly(bot, status)
    assert fake_api.calls_to("getMe")
    menus = [json.loads(call.params["commands"]) for call in fake_api.calls_to("setMyCommands")]
    assert {"command": "aide", "description": "Cette aide"} in menus[0]
    assert any({"command": "help", "description": "This help"} in menu for menu in menus)
    help_text = fake_api.messages_to(USER_ID)[-1]
    assert "/aide" in help_text
    # The update was acknowledged: a later getUpdates asked for what comes after it.
    assert any(call.params.get("offset") == "2" for call in fake_api.calls_to("getUpdates"))
    assert not fake_api.calls_to("setWebhook")
    assert database.is_file() and database.stat().st_size > 0


# --- end to end: webhook -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def post_update(url: str, update: dict[str, Any], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(
        url, data=json.dumps(update).encode("utf-8"), headers=headers, method="POST"
    )
    try:
        with DIRECT.open(request, timeout=5) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code


def post_when_listening(url: str, update: dict[str, Any], secret: str | None) -> int:
    """The webhook server starts right after setWebhook: retry while it is not up yet."""
    deadline = time.monotonic() + DEADLINE
    while True:
        try:
            return post_update(url, update, secret)
        except (ConnectionError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@posix_only
def test_webhook_accepts_telegram_and_refuses_a_wrong_secret(
    tmp_path: Path,
    fake_api: FakeBotApi,
    start_bot: Callable[[list[str], dict[str, str]], Bot],
) -> None:
    database = tmp_path / "scrutin.db"
    secret = "scrutin-test-secret_0123456789"
    port = free_port()
    public_url = "https://example.invalid/hook"
    bot = start_bot(
        [
            "--webhook",
            public_url,
            "--listen",
            "127.0.0.1",
            "--port",
            str(port),
            "--api-url",
            fake_api.url,
        ],
        child_environment(database, SCRUTIN_WEBHOOK_SECRET=secret),
    )
    bot.wait_for("setWebhook", lambda: bool(fake_api.calls_to("setWebhook")))
    registered = fake_api.calls_to("setWebhook")[-1].params
    assert registered["url"] == public_url
    assert registered["secret_token"] == secret

    local_url = f"http://127.0.0.1:{port}/hook"
    assert post_when_listening(local_url, help_request(10, STRANGER_ID), "wrong-secret") == 403
    assert post_update(local_url, help_request(11, STRANGER_ID), None) == 403
    assert post_update(local_url, help_request(12, USER_ID), secret) == 200
    bot.wait_for("help sent to the user", lambda: has_help(fake_api.messages_to(USER_ID)))
    status = bot.stop()

    assert_stopped_cleanly(bot, status)
    assert secret not in bot.output()
    # Updates are handled one at a time, in order: the refused ones would have come first.
    assert fake_api.messages_to(STRANGER_ID) == []
    assert not fake_api.calls_to("getUpdates")
    assert fake_api.calls_to("setMyCommands")
    assert database.is_file() and database.stat().st_size > 0


def test_replicas_on_postgresql_must_share_a_webhook_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A replica started without the shared secret would give Telegram one of its own, and
    every other replica would then refuse every update."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.delenv("SCRUTIN_WEBHOOK_SECRET", raising=False)
    url = "postgresql://scrutin@127.0.0.1:1/scrutin"
    arguments = ["--database-url", url, "run", "--webhook", "https://bot.example.fr/hook"]
    assert main(arguments) == 2
    assert "set SCRUTIN_WEBHOOK_SECRET" in capsys.readouterr().err
