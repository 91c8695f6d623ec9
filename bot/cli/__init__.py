"""The ``scrutin`` command line: the entry point of every job Scrutin runs.

The parser lists every sub-command with the module that carries it out; that module is
imported only when its sub-command runs, so that ``scrutin tally``, ``scrutin config check``
and ``scrutin --help`` start without loading python-telegram-bot or matplotlib. Invalid input
gets one clear message per problem on stderr and exit status 2; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date

from bot.cli.common import EXIT_INVALID, SettingsProblem, fail
from config.loader import ConfigError
from voting.engines.base import DatabaseUnavailable


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
    check.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of power")

    power = _sub(
        commands,
        "power",
        "each member's power under each voting instance's weights and rule",
        "power:power",
    )
    power.add_argument("dir", nargs="?", help="directory of groupement TOML files")
    power.add_argument("--groupement", help="only this groupement")
    power.add_argument("--instance", help="only this instance (with --groupement)")
    power.add_argument("--on", help="date (YYYY-MM-DD) whose weights to use; default today")
    power.add_argument("--lang", choices=("fr", "en"), default="fr")
    check.add_argument(
        "--database",
        metavar="PATH",
        help="also check members' joined/left dates against this database's register",
    )


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

    chart = _sub(commands, "chart", "draw a closed ballot's result chart (PNG)", "records:chart")
    chart.add_argument("ballot_id", type=int)
    chart.add_argument("-o", "--output", required=True, help="PNG file to write")
    chart.add_argument("--lang", choices=("fr", "en"), default="fr")

    admin = commands.add_parser("admin", help="administration")
    actions = admin.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    add = _sub(actions, "add", "make a Telegram user a coordinator", "records:admin_add")
    add.add_argument("user_id", type=int, help="the person's numeric Telegram user id")
    add.add_argument(
        "--groupement", action="append", help="groupement id (repeatable); default: all"
    )
    add.add_argument("--name", default="Coordonnateur", help="display name until they write")


def _document_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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


def _designation_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    designation = commands.add_parser("designation", help="members' designation acts")
    actions = designation.add_subparsers(
        dest="designation_command", required=True, metavar="ACTION"
    )
    add = _sub(
        actions,
        "add",
        "record the act by which a member designates its titulaire and suppléant",
        "designations:designation_add",
    )
    add.add_argument("groupement")
    add.add_argument("member")
    add.add_argument("kind", help="deliberation, arrete or decision")
    add.add_argument("reference", help="the act's number, e.g. CP-2025-112")
    add.add_argument("date", help="the act's date, YYYY-MM-DD")
    end = _sub(
        actions,
        "end",
        "an election ended the mandates of a member's representatives: its seats wait",
        "designations:designation_end",
    )
    end.add_argument("groupement")
    end.add_argument("member")
    end.add_argument("date", help="the election's date, YYYY-MM-DD")
    listing = _sub(
        actions,
        "list",
        "each member's act in force, or its seats waiting",
        "designations:designation_list",
    )
    listing.add_argument("groupement")


def _archive_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    archive = _sub(
        commands,
        "archive",
        "write a groupement's year (minutes, records, charts, CSV, index) as a zip",
        "archive:archive",
    )
    archive.add_argument("groupement", help="groupement id")
    archive.add_argument("--year", type=int, help="the year (Paris dates); default: this year")
    archive.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of the index")
    archive.add_argument("-o", "--output", required=True, help="zip file to write")


def _register_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    kinds = ("deliberation", "decree", "decision", "certificate")
    means = ("recorded_letter", "letter", "email", "other")
    register = commands.add_parser("register", help="the membership register")
    actions = register.add_subparsers(dest="register_command", required=True, metavar="ACTION")
    show = _sub(actions, "show", "print a groupement's register", "register:show")
    show.add_argument("groupement")
    show.add_argument("--lang", choices=("fr", "en"), default="fr")
    certificate = _sub(
        actions, "certificate", "write a member's certificate (PDF)", "register:certificate"
    )
    certificate.add_argument("member", help="GROUPEMENT/MEMBER")
    certificate.add_argument("-o", "--output", required=True)
    join = _sub(actions, "join", "record a joining and write its certificate", "register:join")
    join.add_argument("member", help="GROUPEMENT/MEMBER")
    join.add_argument("--on", required=True, type=_day, help="YYYY-MM-DD")
    join.add_argument("--act", required=True, choices=kinds)
    join.add_argument("--act-date", required=True, type=_day)
    join.add_argument("--reference", required=True)
    join.add_argument("-o", "--output", help="the certificate (PDF) to write")
    exception = _sub(actions, "exception", "record an R2194-8/9 exception", "register:exception")
    exception.add_argument("member", help="GROUPEMENT/MEMBER")
    exception.add_argument("--article", required=True, choices=("R2194-8", "R2194-9"))
    exception.add_argument("--on", required=True, type=_day)
    exception.add_argument("--reference", required=True)
    notified = _sub(actions, "notified", "record the market's notification", "register:notified")
    notified.add_argument("groupement")
    notified.add_argument("--on", required=True, type=_day)
    notified.add_argument("--reference", required=True)
    withdraw = _sub(actions, "withdraw", "record a withdrawal request", "register:withdraw")
    withdraw.add_argument("member", help="GROUPEMENT/MEMBER")
    withdraw.add_argument("--received", required=True, type=_day)
    withdraw.add_argument("--means", required=True, choices=means)
    withdraw.add_argument("--reference", default="")
    decide = _sub(
        actions, "decide", "record the decision on a withdrawal request", "register:decide"
    )
    decide.add_argument("number", type=int)
    decide.add_argument("decision", choices=("accept", "refuse"))
    decide.add_argument("--on", required=True, type=_day)
    decide.add_argument("--effective", type=_day, help="required to accept")
    decide.add_argument("--reference", default="")


def _day(text: str) -> date:
    """A YYYY-MM-DD argument; argparse names the option when it raises ValueError."""
    return date.fromisoformat(text)


DATABASE_URL = "SCRUTIN_DATABASE_URL"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scrutin",
        description="Governance bodies of public purchasing consortia, on Telegram.",
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="sqlite:///path/scrutin.db or postgresql://user@host:port/db "
        "(SCRUTIN_DATABASE_URL; default: the SQLite file SCRUTIN_DATABASE_PATH)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _tally_commands(commands)
    _bot_commands(commands)
    _record_commands(commands)
    _document_commands(commands)
    _designation_commands(commands)
    _archive_command(commands)
    _register_commands(commands)
    return parser


def _carried_out_by(target: str) -> Callable[[argparse.Namespace], int]:
    module, _, function = target.partition(":")
    handler: Callable[[argparse.Namespace], int] = getattr(
        importlib.import_module(f"bot.cli.{module}"), function
    )
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with _database_url(args.database_url):
        return _carried_out(args)


@contextmanager
def _database_url(url: str | None) -> Iterator[None]:
    """The option is the environment variable for this command: every command reads it
    there. Restored after, for a caller that goes on (a test)."""
    if url is None:
        yield
        return
    before = os.environ.get(DATABASE_URL)
    os.environ[DATABASE_URL] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(DATABASE_URL, None)
        else:
            os.environ[DATABASE_URL] = before


def _carried_out(args: argparse.Namespace) -> int:
    try:
        return _carried_out_by(args.target)(args)
    except SettingsProblem as error:
        return fail(f"settings: {error}")
    except DatabaseUnavailable as error:
        return fail(f"database: {error}")
    except ConfigError as error:
        for problem in error.problems:
            print(f"scrutin: {problem}", file=sys.stderr)
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
