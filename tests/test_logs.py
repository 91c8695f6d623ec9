"""The bot token never reaches a log: from any logger, in a message, its arguments, a
traceback or a stack."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import REDACTED, redact_token_in_logs

TOKEN = "123456789:AAFake-token_for-Scrutin-tests-0123"
SECRET = TOKEN.partition(":")[2]


@pytest.fixture
def root_output() -> Iterator[io.StringIO]:
    """The root logger with one handler of our own, as ``scrutin run`` configures it."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    root.handlers = [handler]
    root.setLevel(logging.DEBUG)
    try:
        yield output
    finally:
        root.handlers, root.level = saved_handlers, saved_level


def test_every_record_reaching_the_root_handler_is_redacted(root_output: io.StringIO) -> None:
    redact_token_in_logs(TOKEN)

    # httpx's own request line ("scrutin run" also raises its level; any client may log so).
    logging.getLogger("an.http.client").info(
        'HTTP Request: %s %s "HTTP/1.1 200 OK"',
        "POST",
        f"https://api.telegram.org/bot{TOKEN}/getMe",
    )
    logging.getLogger("telegram.ext.Updater").warning(f"token {TOKEN} refused")
    try:
        raise RuntimeError(f"cannot reach /bot{TOKEN.replace(':', '%3A')}/getUpdates")
    except RuntimeError:
        logging.getLogger("scrutin").exception("polling failed")
    logging.getLogger("any.library").debug("where %s was", TOKEN, stack_info=True)

    written = root_output.getvalue()
    assert SECRET not in written
    assert f"https://api.telegram.org/bot123456789:{REDACTED}/getMe" in written
    assert "RuntimeError: cannot reach /bot123456789%3A[token]/getUpdates" in written
    assert "Stack (most recent call last)" in written


def test_a_record_without_the_token_is_written_as_it_was(root_output: io.StringIO) -> None:
    redact_token_in_logs(TOKEN)

    logging.getLogger("bot.run").info("starting webhook on %s:%s", "0.0.0.0", 8443)

    assert root_output.getvalue() == "bot.run: starting webhook on 0.0.0.0:8443\n"
