"""The ``scrutin`` command line: the entry point of every job Scrutin runs.

Each sub-command parses its arguments, calls the domain and prints. Invalid
input gets one clear message per problem on stderr and exit status 2; no
traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from config.loader import ConfigError, default_config_dir, load_config_dir
from config.summary import summarize
from voting.codec import TallyInputError, result_to_mapping, run_tally_mapping
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    status: int = args.handler(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
