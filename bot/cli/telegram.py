"""``scrutin run``: the bot for real. It loads only what serving updates needs."""

from __future__ import annotations

import argparse
import logging

from bot.cli.common import fail, load_settings
from bot.run import RunError, WebhookOptions, check_webhook_url, new_secret_token, run
from voting.engines.postgres import is_postgres_url


def run_bot(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.api_url:
        settings = settings.model_copy(update={"api_base_url": args.api_url})
    webhook = None
    try:
        if (
            args.webhook
            and settings.webhook_secret is None
            and is_postgres_url(str(settings.database))
        ):
            # Each start would give Telegram a secret of its own: the others' would be refused.
            return fail(
                "--webhook on PostgreSQL: set SCRUTIN_WEBHOOK_SECRET, the same for every replica"
            )
        if args.webhook:
            webhook = WebhookOptions(
                url=check_webhook_url(args.webhook),
                listen=args.listen,
                port=args.port,
                secret_token=(
                    settings.webhook_secret.get_secret_value()
                    if settings.webhook_secret
                    else new_secret_token()
                ),
            )
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        # httpx logs each request's URL at INFO, and the URL holds the bot token.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        # Each run of a job is logged at INFO: the inbox's renewal runs every few seconds.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        run(settings, webhook)
    except RunError as error:
        return fail(str(error))
    return 0
