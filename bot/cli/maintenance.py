"""Keeping the database safe: ``scrutin backup PATH``."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import fail, load_settings
from voting.db import BackupError, backup_database


def backup(args: argparse.Namespace) -> int:
    """A consistent copy of the live database, safe while the bot runs."""
    settings = load_settings()
    try:
        copy = backup_database(Path(settings.database_path), Path(args.path))
    except BackupError as error:
        return fail(f"backup: {error}")
    print(f"backup of {settings.database_path} written to {copy.path} ({copy.size} bytes)")
    return 0
