"""``scrutin tally`` and ``scrutin config check``: the engine and the configuration, offline."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import date, datetime
from pathlib import Path

from bot.cli.common import EXIT_INVALID, fail
from bot.cli.power import power_lines
from config.loader import ConfigError, default_config_dir, load_config_dir
from config.models import Governance
from config.summary import describe_conventions, summarize
from meetings.membership import all_disagreements
from meetings.membership_store import MembershipStore
from meetings.wording.explain import explain, quorum_line, summary_lines
from meetings.wording.formats import PARIS
from meetings.wording.i18n import LANGUAGES
from voting.codec import TallyInputError, read_tally_json, result_to_mapping, run_tally_mapping
from voting.db import Database


def tally(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        return fail(f"{path}: cannot read: {error.strerror}")
    except UnicodeDecodeError as error:
        return fail(f"{path}: not valid JSON: {error}")
    try:
        result = run_tally_mapping(read_tally_json(text))
    except TallyInputError as error:
        return fail(f"{path}: {error}")
    if args.format == "text":
        print("\n".join(summary_lines(result, args.lang)))
        return 0
    output = result_to_mapping(result)
    output["explanation"] = {lang: explain(result, lang) for lang in LANGUAGES}
    output["quorum_text"] = {lang: quorum_line(result.quorum, lang) for lang in LANGUAGES}
    print(json.dumps(output, ensure_ascii=False, indent=2))
    return 0


def config_check(args: argparse.Namespace) -> int:
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
    print(describe_conventions(governance, on))
    print("\n".join(power_lines(governance, on, args.lang, detailed=False)).rstrip())
    if args.database:
        path = Path(args.database)
        if not path.is_file():
            return fail(f"{path}: no database")
        return asyncio.run(_check_register(governance, path))
    return 0


async def _check_register(governance: Governance, path: Path) -> int:
    """Each member whose ``joined``/``left`` disagrees with the register, on stderr."""
    database = await Database.open(path)
    try:
        store = MembershipStore(database)
        await store.migrate()
        found = all_disagreements(governance, await store.registers(governance.groupements))
    finally:
        await database.close()
    for disagreement in found:
        print(f"scrutin: {disagreement.describe()}", file=sys.stderr)
    if found:
        print(
            f"scrutin: {len(found)} member date(s) disagree with the membership register, "
            "which is the source of truth: correct the configuration",
            file=sys.stderr,
        )
        return EXIT_INVALID
    print("The members' joined and left dates agree with the membership register.")
    return 0
