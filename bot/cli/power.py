"""``scrutin power``: each member's power under each voting instance's table and rule."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path

from bot.cli.common import EXIT_INVALID, fail
from config.loader import ConfigError, default_config_dir, load_config_dir
from config.models import Governance, GovernanceLookupError
from meetings.power import instances_power
from meetings.wording.formats import PARIS, long_date
from meetings.wording.i18n import translator
from meetings.wording.power import compact_power, detailed_power


def load_governance(folder: str | None) -> Governance | None:
    """The configuration, or None once its problems are on stderr."""
    directory = Path(folder) if folder else default_config_dir()
    try:
        return load_config_dir(directory)
    except ConfigError as error:
        for problem in error.problems:
            print(f"scrutin: {problem}", file=sys.stderr)
        print(f"scrutin: {len(error.problems)} problem(s) in {directory}", file=sys.stderr)
        return None


def day_of(text: str | None) -> date:
    return date.fromisoformat(text) if text else datetime.now(PARIS).date()


def power_lines(governance: Governance, on: date, language: str, *, detailed: bool) -> list[str]:
    """Every voting instance's power table, one blank line between two."""
    render = detailed_power if detailed else compact_power
    _ = translator(language)
    lines = [_("Power of the weight tables on {day}").format(day=long_date(on, language)), ""]
    for item in instances_power(governance, on):
        lines += [*render(item, language), ""]
    return lines


def power(args: argparse.Namespace) -> int:
    governance = load_governance(args.dir)
    if governance is None:
        return EXIT_INVALID
    if args.instance and not args.groupement:
        return fail("--instance needs --groupement")
    try:
        on = day_of(args.on)
        found = instances_power(
            governance, on, groupement_id=args.groupement, instance_id=args.instance
        )
    except (ValueError, GovernanceLookupError) as error:
        return fail(str(error))
    lines: list[str] = []
    for item in found:
        lines += [*detailed_power(item, args.lang), ""]
    if not found:
        _ = translator(args.lang)
        lines.append(_("No voting instance has a weight table in force."))
    print("\n".join(lines).rstrip())
    return 0
