"""``scrutin run``: the bot for real, by long polling or behind a webhook."""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from telegram import Update
from telegram.ext import Application

from bot.app import attach, build_application, start_up
from bot.context import SERVICES_KEY
from config.loader import load_config_dir
from config.settings import Settings
from meetings.services import Services

log = logging.getLogger(__name__)

# What BotFather issues: the bot's numeric id, a colon, and 35 URL-safe characters.
TOKEN_SHAPE = re.compile(r"^\d{5,20}:[A-Za-z0-9_-]{30,64}$")


class RunError(Exception):
    """A problem to report in one line before anything starts."""


@dataclass(frozen=True)
class WebhookOptions:
    url: str
    listen: str
    port: int
    secret_token: str


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


def run(settings: Settings, webhook: WebhookOptions | None = None) -> None:
    """Start the bot and block until it is stopped (Ctrl+C or SIGTERM)."""
    token = check_token(
        settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else None
    )
    governance = load_config_dir(settings.config_dir)
    application = build_application(None, token=token, base_url=settings.api_base_url)

    # The database connection must live in the Application's own event loop.
    async def open_services(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        attach(app, await Services.open(governance, settings.database_path))
        await start_up(app)

    async def close_services(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        services = app.bot_data.get(SERVICES_KEY)
        if isinstance(services, Services):
            await services.close()

    application.post_init = open_services
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
