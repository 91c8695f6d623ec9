"""A consistent copy of the SQLite database while the bot writes (``scrutin backup``).

A PostgreSQL database is copied with PostgreSQL's own tools (``pg_dump``), not by Scrutin.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path


class BackupError(Exception):
    """A copy that could not be taken, or that would overwrite the database itself."""


@dataclass(frozen=True)
class BackupCopy:
    path: Path
    size: int
    """In bytes: one self-contained file, with no WAL beside it."""


def backup_database(source: Path, target: Path) -> BackupCopy:
    """A consistent copy of the database at ``source``, taken with SQLite's online backup API
    while the bot may be writing: the copy is one read transaction's snapshot, so it holds
    every transaction committed before it began and nothing of one still in progress.

    The copy is written beside ``target`` and renamed onto it only once ``PRAGMA
    integrity_check`` passes, so ``target`` is never a partial file. It is switched out of WAL
    mode, so that the single file is the whole database.
    """
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    live_files = {source.resolve(), *(Path(f"{source.resolve()}{x}") for x in ("-wal", "-shm"))}
    if target.resolve() in live_files:
        raise BackupError(f"{target} is the database itself; choose another path")
    if not target.parent.is_dir():
        raise BackupError(f"no directory {target.parent}")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(partial)) as copy:
            live.execute("PRAGMA busy_timeout=5000")
            live.execute("PRAGMA query_only=ON")
            # One step (pages=-1): a single read transaction, never restarted by a writer.
            live.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")
            (integrity,) = copy.execute("PRAGMA integrity_check").fetchone()
        if integrity != "ok":
            raise BackupError(f"the copy fails its integrity check: {integrity}")
        os.replace(partial, target)
    except sqlite3.Error as error:
        raise BackupError(f"cannot copy {source}: {error}") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupCopy(target, target.stat().st_size)
