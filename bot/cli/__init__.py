"""The ``scrutin`` command line: the entry point of every job Scrutin runs.

The parser lists every sub-command with the module that carries it out; that module is
imported only when its sub-command runs, so that ``scrutin tally``, ``scrutin config check``
and ``scrutin --help`` start without loading python-telegram-bot or matplotlib. Invalid input
gets one clear message per problem on stderr and exit status 2; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from bot.cli.common import EXIT_INVALID, SettingsProblem, fail
from config.loader import ConfigError


def _sub(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help_text: str,
    target: str,
) -> argparse.ArgumentParser:
    """A sub-command carried out by ``target``, "module:function" under ``bot.cli``."""
    parser = commands.add_parser(name, help=help_text)
    parser.set_defaults(target=target)
    return parser


def _tally_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tally = _sub(commands, "tally", "recompute a ballot's result from a JSON file", "tally:tally")
    tally.add_argument("file", help="JSON file: weights, present, proxies, votes, rules, ...")
    tally.add_argument("--format", choices=("json", "text"), default="json")
    tally.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of text")

    verify = _sub(
        commands, "verify", "check an exported ballot: its chain and its result", "audit:verify"
    )
    verify.add_argument("file", help="JSON file written by scrutin export")
    verify.add_argument("--receipt", metavar="CODE", help="only say whether this receipt is in it")
    verify.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of text")

    config = commands.add_parser("config", help="governance configuration")
    actions = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    check = _sub(actions, "check", "validate a config directory", "tally:config_check")
    check.add_argument("dir", nargs="?", help="directory of groupement TOML files")
    check.add_argument("--on", help="date (YYYY-MM-DD) whose weights to show; default today")


def _bot_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = _sub(
        commands, "run", "run the Telegram bot (token: TELEGRAM_BOT_TOKEN)", "telegram:run_bot"
    )
    run.add_argument("--webhook", metavar="URL", help="https URL Telegram should call")
    run.add_argument("--listen", default="127.0.0.1", help="webhook: address to bind")
    run.add_argument("--port", type=int, default=8443, help="webhook: port to bind")
    run.add_argument("--api-url", help="another Bot API server (SCRUTIN_API_BASE_URL)")

    demo = _sub(commands, "demo", "play a whole weighted ballot offline, no token", "demo:demo")
    demo.add_argument("--dir", default="scrutin-demo", help="where to leave the database")

    backup = _sub(
        commands,
        "backup",
        "copy the database consistently, even while the bot runs",
        "maintenance:backup",
    )
    backup.add_argument("path", help="the copy to write (replaced if it exists)")


def _record_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    meeting = commands.add_parser("meeting", help="meetings")
    actions = meeting.add_subparsers(dest="meeting_command", required=True, metavar="ACTION")
    plan = _sub(actions, "add", "plan a meeting of an instance", "records:meeting_add")
    plan.add_argument("--groupement", required=True)
    plan.add_argument("--instance", required=True)
    plan.add_argument("--at", required=True, help="'YYYY-MM-DD HH:MM', Paris time")
    plan.add_argument("--duration", type=int, default=120, help="minutes (default 120)")
    plan.add_argument("--place")
    plan.add_argument("--video", help="video link")
    plan.add_argument(
        "--agenda", action="append", help="an item, 'Title' or 'Title ; vote : question'"
    )
    plan.add_argument("--chair", help="member id (default: the coordinator member)")
    plan.add_argument("--chair-name", help="the chair's name, as it will be signed")
    plan.add_argument("--secretary", help="the secretary's name")
    plan.add_argument(
        "--no-approval",
        action="store_true",
        help="leave out the proposed item approving the instance's previous minutes",
    )
    note = _sub(
        actions,
        "note",
        "note what was said of an agenda item, during the session (for the minutes)",
        "records:meeting_note",
    )
    note.add_argument("number", type=int, help="meeting number")
    note.add_argument("item", type=int, help="agenda item number, from 1")
    note.add_argument("text", help="the note, as the minutes will print it")

    admin = commands.add_parser("admin", help="administration")
    actions = admin.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    add = _sub(actions, "add", "make a Telegram user a coordinator", "records:admin_add")
    add.add_argument("user_id", type=int, help="the person's numeric Telegram user id")
    add.add_argument(
        "--groupement", action="append", help="groupement id (repeatable); default: all"
    )
    add.add_argument("--name", default="Coordonnateur", help="display name until they write")


def _document_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    chart = _sub(commands, "chart", "draw a closed ballot's result chart (PNG)", "records:chart")
    chart.add_argument("ballot_id", type=int)
    chart.add_argument("-o", "--output", required=True, help="PNG file to write")
    chart.add_argument("--lang", choices=("fr", "en"), default="fr")

    export = _sub(commands, "export", "write a closed ballot's audit file (JSON)", "records:export")
    export.add_argument("ballot_id", type=int)
    export.add_argument("-o", "--output", required=True, help="JSON file to write")

    minutes = _sub(
        commands, "minutes", "write a meeting's minutes (PDF, Markdown)", "records:minutes"
    )
    minutes.add_argument("number", type=int, help="meeting number (or ballot with --ballot)")
    minutes.add_argument("-o", "--output", required=True, help="PDF file to write")
    minutes.add_argument("--markdown", metavar="FILE", help="also write the Markdown version")
    minutes.add_argument(
        "--ballot", action="store_true", help="the record of a written consultation instead"
    )
    minutes.add_argument("--no-charts", action="store_true", help="tables only, no charts")

    extract = _sub(
        commands,
        "extract",
        "write the extract of one deliberation from the register (PDF)",
        "records:extract",
    )
    extract.add_argument("ballot_id", type=int, help="the ballot that took the deliberation")
    extract.add_argument("-o", "--output", required=True, help="PDF file to write")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scrutin",
        description="Governance bodies of public purchasing consortia, on Telegram.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _tally_commands(commands)
    _bot_commands(commands)
    _record_commands(commands)
    _document_commands(commands)
    return parser


def _carried_out_by(target: str) -> Callable[[argparse.Namespace], int]:
    module, _, function = target.partition(":")
    handler: Callable[[argparse.Namespace], int] = getattr(
        importlib.import_module(f"bot.cli.{module}"), function
    )
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _carried_out_by(args.target)(args)
    except SettingsProblem as error:
        return fail(f"settings: {error}")
    except ConfigError as error:
        for problem in error.problems:
            print(f"scrutin: {problem}", file=sys.stderr)
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
