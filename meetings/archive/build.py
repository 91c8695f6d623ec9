"""From the sources' entries to the zip: sorted, indexed, and written with fixed dates, so that
the same database gives the same bytes."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from meetings.archive.entries import ArchiveEntry, ArchiveSource, ArchiveYear
from meetings.archive.rows import csv_bytes
from meetings.wording.formats import moment
from meetings.wording.i18n import translator

INDEX_CSV = "index.csv"
INDEX_TEXT = "index.txt"
INDEX_HEADER = ("path", "kind", "size", "sha256", "description")
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
"""The earliest date a zip entry can carry."""


class DuplicatePath(ValueError):
    """Two sources wrote the same file: one would hide the other."""


@dataclass(frozen=True)
class Archive:
    filename: str
    """``archive-ent-grand-est-2026.zip``."""
    content: bytes
    entries: tuple[ArchiveEntry, ...]
    """Every file, in the zip's order, the indexes first."""
    year: ArchiveYear


def _natural(path: str) -> tuple[tuple[int, int | str], ...]:
    """``scrutin-9`` before ``scrutin-10``."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", path)
    )


def ordered(entries: Sequence[ArchiveEntry]) -> list[ArchiveEntry]:
    seen: set[str] = set()
    for entry in entries:
        if entry.path in seen or entry.path in (INDEX_CSV, INDEX_TEXT):
            raise DuplicatePath(f"two files of the archive are both at {entry.path!r}")
        seen.add(entry.path)
    return sorted(entries, key=lambda entry: _natural(entry.path))


def index_csv(entries: Sequence[ArchiveEntry]) -> bytes:
    rows = [(e.path, e.kind, str(e.size), e.sha256, e.description) for e in entries]
    return csv_bytes(INDEX_HEADER, rows)


def index_text(year: ArchiveYear, entries: Sequence[ArchiveEntry]) -> bytes:
    """What a person reads first: what the archive is, what it keeps back, and each file."""
    _ = translator(year.language)
    consultations = len(year.records)
    lines = [
        _("Archive of {groupement}, year {year}").format(
            groupement=year.groupement.name, year=year.year
        ),
        _("The record as it stood on {moment}, from the database alone.").format(
            moment=moment(year.stamp, year.language, year.zone)
        ),
        _.ngettext("{n} meeting held", "{n} meetings held", len(year.meetings)).format(
            n=len(year.meetings)
        )
        + ", "
        + _.ngettext("{n} written consultation", "{n} written consultations", consultations).format(
            n=consultations
        ),
        _(
            "A secret ballot gives its totals only: no file links a member to a choice. "
            "Times are in UTC and in local time ({zone})."
        ).format(zone=year.zone.key),
        _("Each file, its size in bytes and its SHA-256:"),
        "",
    ]
    for entry in entries:
        lines += [entry.path, f"  {entry.description}", f"  {entry.size} — {entry.sha256}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _zip_time(stamp: datetime, year: ArchiveYear) -> tuple[int, int, int, int, int, int]:
    local = stamp.astimezone(year.zone)
    return max(
        (local.year, local.month, local.day, local.hour, local.minute, local.second), ZIP_EPOCH
    )


def zipped(entries: Sequence[ArchiveEntry], year: ArchiveYear) -> bytes:
    """The zip of ``entries`` in their order, every one dated with the archive's moment."""
    buffer = io.BytesIO()
    when = _zip_time(year.stamp, year)
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry.path, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, entry.content, compresslevel=9)
    return buffer.getvalue()


async def build_archive(year: ArchiveYear, sources: Sequence[ArchiveSource]) -> Archive:
    """Every source's entries, then the indexes: index.csv lists the files, index.txt lists
    them too, and index.csv."""
    found: list[ArchiveEntry] = []
    for source in sources:
        found += await source.entries(year)
    files = ordered(found)
    _ = translator(year.language)
    listing = ArchiveEntry(
        INDEX_CSV,
        index_csv(files),
        "index",
        _("The list of the files, with their size and SHA-256 (CSV)"),
    )
    readme = ArchiveEntry(
        INDEX_TEXT, index_text(year, [listing, *files]), "index", _("This archive, for a person")
    )
    entries = (readme, listing, *files)
    filename = f"archive-{year.groupement.id}-{year.year}.zip"
    return Archive(filename, zipped(entries, year), entries, year)
