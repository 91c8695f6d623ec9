"""``scrutin run``: the bot for real, by long polling or behind a webhook."""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import Application

from bot.app import attach, build_application, start_up
from bot.cli.database import open_services
from bot.context import SERVICES_KEY
from bot.logs import redact_token_in_logs
from bot.updates import ScrutinApplication
from config.loader import load_config_dir
from config.settings import Settings
from meetings.services import Services

log = logging.getLogger(__name__)

# What BotFather issues: the bot's numeric id, a colon, and 35 URL-safe characters.
TOKEN_SHAPE = re.compile(r"^\d{5,20}:[A-Za-z0-9_-]{30,64}$")
API_ROOT = "https://api.telegram.org"
# Libraries that log a request's URL, which holds the token, or a traceback of their own.
CHATTY_LOGGERS = ("httpx", "httpcore", "telegram")


class RunError(Exception):
    """A problem to report in one line before anything starts."""


@dataclass(frozen=True)
class WebhookOptions:
    url: str
    listen: str
    port: int
    secret_token: str = field(repr=False)


def check_token(token: str | None) -> str:
    if not token:
        raise RunError(
            "no bot token: set TELEGRAM_BOT_TOKEN (from @BotFather), in the environment or in .env"
        )
    token = token.strip()
    if not TOKEN_SHAPE.match(token):
        raise RunError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (expected '123456789:AA…', "
            "as given by @BotFather)"
        )
    return token


def check_webhook_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme != "https" or not parsed.netloc:
        raise RunError(f"--webhook {url!r}: Telegram only calls https:// URLs")
    return url


@contextmanager
def _libraries_silent() -> Iterator[None]:
    """While the Bot API is checked, a failure is ours to report, in one line."""
    loggers = [logging.getLogger(name) for name in CHATTY_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


async def _who_am_i(token: str, root: str) -> None:
    # Initialising a Bot asks the server getMe, the cheapest call that proves the token.
    async with Bot(token, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot"):
        pass


def _reason(error: Exception) -> str:
    """The server's answer in a few words, without the page it may have sent."""
    text = str(error).split(". Parsing the server response")[0].splitlines()[0]
    return text if len(text) <= 100 else text[:99] + "…"


def _api_problem(error: Exception, root: str) -> str:
    where = "check --api-url or SCRUTIN_API_BASE_URL"
    if isinstance(error, InvalidToken):
        return (
            f"the Bot API at {root} does not accept this bot token ({_reason(error)}): "
            f"check TELEGRAM_BOT_TOKEN, and {where}"
        )
    if isinstance(error, TimedOut) or (
        isinstance(error, NetworkError) and str(error).startswith("httpx.")
    ):
        return f"cannot reach the Bot API at {root} ({_reason(error)}): {where}"
    return f"{root} does not answer as a Bot API server ({_reason(error)}): {where}"


def check_api(token: str, base_url: str | None) -> None:
    """Ask the Bot API who the bot is before anything starts; a server that cannot be
    reached, refuses the token or is not a Bot API is a :class:`RunError`."""
    root = (base_url or API_ROOT).rstrip("/")
    try:
        with _libraries_silent():
            asyncio.run(_who_am_i(token, root))
    except (TelegramError, ValueError, KeyError, TypeError) as error:
        # The token is in every request's URL: it must not reach the one line printed.
        raise RunError(_api_problem(error, root).replace(token, "<token>")) from None


def run(settings: Settings, webhook: WebhookOptions | None = None) -> None:
    """Start the bot and block until it is stopped (Ctrl+C or SIGTERM)."""
    token = check_token(
        settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else None
    )
    redact_token_in_logs(token)
    if webhook is not None:
        # Whoever knows it can post forged updates to the webhook.
        redact_token_in_logs(webhook.secret_token)
    governance = load_config_dir(settings.config_dir)
    check_api(token, settings.api_base_url)
    application = build_application(None, token=token, base_url=settings.api_base_url)
    application.inbox_lease = timedelta(seconds=settings.inbox_lease_seconds)

    # The database connection must live in the Application's own event loop.
    async def start_services(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        assert isinstance(app, ScrutinApplication)
        attach(app, await open_services(governance, settings))
        # Before polling starts: what an earlier run fetched but did not handle comes first.
        # Long polling has one consumer by construction; behind a webhook, other replicas
        # may be handling what they admitted.
        await app.resume(alone=webhook is None)
        await start_up(app)

    async def close_services(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        services = app.bot_data.get(SERVICES_KEY)
        if isinstance(services, Services):
            await services.close()

    application.post_init = start_services
    application.post_shutdown = close_services
    if webhook is None:
        log.info("starting long polling")
        application.run_polling(allowed_updates=Update.ALL_TYPES)
        return
    path = urlparse(webhook.url).path.lstrip("/")
    log.info("starting webhook on %s:%s for %s", webhook.listen, webhook.port, webhook.url)
    application.run_webhook(
        listen=webhook.listen,
        port=webhook.port,
        url_path=path,
        webhook_url=webhook.url,
        secret_token=webhook.secret_token,
        allowed_updates=Update.ALL_TYPES,
    )


def new_secret_token() -> str:
    # Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and -.
    return secrets.token_urlsafe(32)
