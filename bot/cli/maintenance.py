"""Keeping the database safe: ``scrutin backup PATH``, the meetings' documents with it."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import fail, load_settings
from meetings.document_files import copy_documents, documents_directory
from voting.db import sqlite_path
from voting.engines.postgres import is_postgres_url
from voting.engines.sqlite_backup import BackupError, backup_database


def backup(args: argparse.Namespace) -> int:
    """A consistent copy of the live database, safe while the bot runs, and its documents
    directory beside the copy (the database first: a document it names is on disk before
    its row, so the copy never names a file the copied directory lacks)."""
    settings = load_settings()
    if is_postgres_url(str(settings.database)):
        return fail(
            "backup: scrutin backup copies a SQLite database; back up PostgreSQL with pg_dump "
            "and the documents directory with your file backups"
        )
    database = Path(sqlite_path(settings.database))
    try:
        copy = backup_database(database, Path(args.path))
    except BackupError as error:
        return fail(f"backup: {error}")
    print(f"backup of {database} written to {copy.path} ({copy.size} bytes)")
    target = documents_directory(copy.path)
    files = copy_documents(settings.documents_path or documents_directory(database), target)
    print(f"documents: {files} file(s) in {target}")
    return 0
