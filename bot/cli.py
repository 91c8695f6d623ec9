"""The ``scrutin`` command line: the entry point of every job Scrutin runs.

Each sub-command parses its arguments, calls the domain and prints. Invalid
input gets one clear message per problem on stderr and exit status 2; no
traceback reaches the user.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from bot.demo import run_demo
from bot.run import RunError, WebhookOptions, check_webhook_url, new_secret_token, run
from config.loader import ConfigError, default_config_dir, load_config_dir
from config.settings import Settings
from config.summary import summarize
from meetings.roster import Roster
from voting.codec import TallyInputError, result_to_mapping, run_tally_mapping
from voting.db import Database
from voting.explain import summary_lines

EXIT_INVALID = 2
PARIS = ZoneInfo("Europe/Paris")


def _fail(message: str) -> int:
    print(f"scrutin: {message}", file=sys.stderr)
    return EXIT_INVALID


def _tally(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        # Numbers in the file are read as Decimal: a weight never passes through a float.
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except OSError as error:
        return _fail(f"{path}: cannot read: {error.strerror}")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return _fail(f"{path}: not valid JSON: {error}")
    try:
        result = run_tally_mapping(data)
    except TallyInputError as error:
        return _fail(f"{path}: {error}")
    if args.format == "text":
        print("\n".join(summary_lines(result, args.lang)))
    else:
        print(json.dumps(result_to_mapping(result), ensure_ascii=False, indent=2))
    return 0


def _config_check(args: argparse.Namespace) -> int:
    directory = Path(args.dir) if args.dir else default_config_dir()
    try:
        governance = load_config_dir(directory)
    except ConfigError as error:
        for problem in error.problems:
            print(f"scrutin: {problem}", file=sys.stderr)
        print(f"scrutin: {len(error.problems)} problem(s) in {directory}", file=sys.stderr)
        return EXIT_INVALID
    on = date.fromisoformat(args.on) if args.on else datetime.now(PARIS).date()
    print(summarize(governance, on))
    return 0


def _load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsProblem(
            "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        ) from None


class SettingsProblem(Exception):
    """Settings from the environment or .env that cannot be used."""


def _run(args: argparse.Namespace) -> int:
    settings = _load_settings()
    if args.api_url:
        settings = settings.model_copy(update={"api_base_url": args.api_url})
    webhook = None
    try:
        if args.webhook:
            webhook = WebhookOptions(
                url=check_webhook_url(args.webhook),
                listen=args.listen,
                port=args.port,
                secret_token=os.environ.get("SCRUTIN_WEBHOOK_SECRET") or new_secret_token(),
            )
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        run(settings, webhook)
    except RunError as error:
        return _fail(str(error))
    except ConfigError as error:
        for problem in error.problems:
            print(f"scrutin: {problem}", file=sys.stderr)
        return EXIT_INVALID
    return 0


def _demo(args: argparse.Namespace) -> int:
    database = run_demo(Path(args.dir))
    print(f"\nLa base de données de la démonstration est dans {database}.")
    return 0


def _admin_add(args: argparse.Namespace) -> int:
    settings = _load_settings()
    governance = load_config_dir(settings.config_dir)
    chosen = args.groupement or sorted(governance.groupements)
    unknown = [g for g in chosen if g not in governance.groupements]
    if unknown:
        return _fail(f"unknown groupement(s) {unknown}; known: {sorted(governance.groupements)}")

    async def add() -> list[str]:
        database = await Database.open(settings.database_path)
        try:
            roster = Roster(database)
            await roster.migrate()
            added = []
            for groupement_id in chosen:
                if await roster.add_coordinator(
                    groupement_id, f"tg:{args.user_id}", args.name, added_by="scrutin admin add"
                ):
                    added.append(groupement_id)
            return added
        finally:
            await database.close()

    added = asyncio.run(add())
    for groupement_id in chosen:
        state = "added" if groupement_id in added else "already"
        print(f"{state}: Telegram user {args.user_id} coordinates {groupement_id}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scrutin",
        description="Governance bodies of public purchasing consortia, on Telegram.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    tally = commands.add_parser("tally", help="recompute a ballot's result from a JSON file")
    tally.add_argument("file", help="JSON file: weights, present, proxies, votes, rules, ...")
    tally.add_argument("--format", choices=("json", "text"), default="json")
    tally.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of text")
    tally.set_defaults(handler=_tally)

    config = commands.add_parser("config", help="governance configuration")
    config_commands = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    check = config_commands.add_parser("check", help="validate a config directory")
    check.add_argument("dir", nargs="?", help="directory of groupement TOML files")
    check.add_argument("--on", help="date (YYYY-MM-DD) whose weights to show; default today")
    check.set_defaults(handler=_config_check)

    run_parser = commands.add_parser("run", help="run the Telegram bot (token: TELEGRAM_BOT_TOKEN)")
    run_parser.add_argument("--webhook", metavar="URL", help="https URL Telegram should call")
    run_parser.add_argument("--listen", default="127.0.0.1", help="webhook: address to bind")
    run_parser.add_argument("--port", type=int, default=8443, help="webhook: port to bind")
    run_parser.add_argument("--api-url", help="another Bot API server (SCRUTIN_API_BASE_URL)")
    run_parser.set_defaults(handler=_run)

    demo = commands.add_parser("demo", help="play a whole weighted ballot offline, no token")
    demo.add_argument("--dir", default="scrutin-demo", help="where to leave the database")
    demo.set_defaults(handler=_demo)

    admin = commands.add_parser("admin", help="administration")
    admin_commands = admin.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    add = admin_commands.add_parser("add", help="make a Telegram user a coordinator")
    add.add_argument("user_id", type=int, help="the person's numeric Telegram user id")
    add.add_argument(
        "--groupement", action="append", help="groupement id (repeatable); default: all"
    )
    add.add_argument("--name", default="Coordonnateur", help="display name until they write")
    add.set_defaults(handler=_admin_add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except SettingsProblem as error:
        return _fail(f"settings: {error}")
    except ConfigError as error:
        for problem in error.problems:
            print(f"scrutin: {problem}", file=sys.stderr)
        return EXIT_INVALID
    return status


if __name__ == "__main__":
    sys.exit(main())
