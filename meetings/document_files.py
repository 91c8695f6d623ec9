"""The documents directory beside the database: each file stored once under its SHA-256.

For a database ``X.db`` the directory is ``X-documents`` in the same directory, and a file
lives at ``ab/abcdef…`` (the first two hex digits, then the whole digest). Content-addressed:
the same budget sent twice is one file, and a file is checked against its digest each time
it is read, so a damaged or replaced file is never sent as if it were the one on record.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from meetings.documents import DocumentCorrupted
from voting.db import sqlite_path
from voting.engines.postgres import is_postgres_url

_HEX = frozenset("0123456789abcdef")


SHARED_DIRECTORY = Path("scrutin-documents")
"""Without a SQLite file to sit beside (PostgreSQL), relative to where the bot runs."""


def documents_directory(database: Path | str) -> Path:
    """``/var/lib/scrutin/scrutin.db`` (or ``sqlite:///`` that) ->
    ``/var/lib/scrutin/scrutin-documents``; a PostgreSQL URL -> :data:`SHARED_DIRECTORY`."""
    if is_postgres_url(str(database)):
        return SHARED_DIRECTORY
    path = Path(sqlite_path(database))
    return path.with_name(f"{path.stem}-documents")


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class DocumentFiles:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        if len(sha256) != 64 or not set(sha256) <= _HEX:
            raise ValueError(f"not a SHA-256 digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put(self, content: bytes) -> str:
        """Store ``content`` (once) and return its SHA-256."""
        digest = sha256_of(content)
        target = self.path_of(digest)
        if target.is_file() and sha256_of(target.read_bytes()) == digest:
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{digest}.partial")
        with partial.open("wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, target)
        return digest

    def read(self, sha256: str) -> bytes:
        """The content on record, verified against its digest."""
        path = self.path_of(sha256)
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            raise DocumentCorrupted(f"{path} is missing", sha256=sha256) from None
        if sha256_of(content) != sha256:
            raise DocumentCorrupted(f"{path} does not match its SHA-256", sha256=sha256)
        return content


def copy_documents(source: Path, target: Path) -> int:
    """Copy the documents directory ``source`` to ``target`` (a backup): the files not there
    yet, each verified. Returns how many files the copy holds."""
    count = 0
    if not source.is_dir():
        return 0
    for path in sorted(source.glob("??/*")):
        if path.name.startswith(".") or sha256_of(path.read_bytes()) != path.name:
            continue
        destination = target / path.parent.name / path.name
        if not destination.is_file():
            destination.parent.mkdir(parents=True, exist_ok=True)
            partial = destination.with_name(f".{path.name}.partial")
            shutil.copyfile(path, partial)
            os.replace(partial, destination)
        count += 1
    return count
