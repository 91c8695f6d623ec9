"""``scrutin run`` against a Bot API it cannot use: one line, exit status 2, never the token.

A server that cannot be reached, that refuses the token (404), or that answers something other
than JSON is a start-up fault like a malformed token: nothing starts, no database is created.
"""

from __future__ import annotations

import io
import logging
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from tests.botapi import DEADLINE, TOKEN, child_environment, scrutin_command
from tests.test_run import (
    bare_environment,  # noqa: F401  (a fixture)
    one_line_failure,
)

UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens there


class WrongServer(ThreadingHTTPServer):
    """Answers every request with one fixed status and body, as a web server that is not a
    Bot API would."""

    daemon_threads = True

    def __init__(self, status: int, body: bytes, content_type: str) -> None:
        super().__init__(("127.0.0.1", 0), WrongServerHandler)
        self.status, self.body, self.content_type = status, body, content_type

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class WrongServerHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        server = self.server
        assert isinstance(server, WrongServer)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(server.status)
        self.send_header("Content-Type", server.content_type)
        self.send_header("Content-Length", str(len(server.body)))
        self.end_headers()
        self.wfile.write(server.body)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass


NOT_FOUND_PAGE = (404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html")
NOT_JSON = (200, b"<html><body>Welcome to nginx!</body></html>", "text/html")


@pytest.fixture(params=[NOT_FOUND_PAGE, NOT_JSON], ids=["404", "not-json"])
def wrong_server(request: pytest.FixtureRequest) -> Iterator[WrongServer]:
    server = WrongServer(*request.param)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_an_unreachable_bot_api_exits_2_with_one_line(
    bare_environment: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    assert main(["run", "--api-url", UNREACHABLE]) == 2
    line = one_line_failure(capsys)
    assert "cannot reach the Bot API at http://127.0.0.1:9" in line
    assert TOKEN not in line and TOKEN.split(":")[1] not in line
    assert not (bare_environment / "scrutin.db").exists()


def test_a_server_that_is_not_a_bot_api_exits_2_with_one_line(
    bare_environment: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    wrong_server: WrongServer,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    assert main(["run", "--api-url", wrong_server.url]) == 2
    line = one_line_failure(capsys)
    assert wrong_server.url in line and "--api-url" in line
    assert TOKEN not in line and TOKEN.split(":")[1] not in line
    assert "<html>" not in line
    assert not (bare_environment / "scrutin.db").exists()


def test_the_installed_command_reports_an_unreachable_api_without_traceback(
    bare_environment: Path,  # noqa: F811
) -> None:
    result = subprocess.run(
        [*scrutin_command(), "run", "--api-url", UNREACHABLE],
        env=child_environment(bare_environment / "scrutin.db"),
        cwd=bare_environment,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("scrutin: "), output
    assert TOKEN.split(":")[1] not in output


def test_scrutin_run_redacts_the_token_from_every_root_handler(
    bare_environment: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = logging.getLogger()
    handler = logging.StreamHandler(io.StringIO())
    monkeypatch.setattr(root, "handlers", [handler])
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)

    assert main(["run", "--api-url", UNREACHABLE]) == 2
    logging.getLogger("httpx").warning("POST %s", f"{UNREACHABLE}/bot{TOKEN}/getMe")

    written = handler.stream.getvalue()
    assert "POST http://127.0.0.1:9/bot123456789:[token]/getMe" in written
    assert TOKEN.split(":")[1] not in written
    one_line_failure(capsys)
