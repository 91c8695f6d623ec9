"""A groupement's yearly archive: what an auditor or a successor coordinator receives.

One-way layers:

- :mod:`~meetings.archive.entries`: :class:`ArchiveEntry` (a path in the zip, its bytes, a
  ``kind`` code and a description), :class:`ArchiveYear` (the year read once: meetings held,
  their minutes and replies, written consultations, the moment the record stands at) and the
  :class:`ArchiveSource` protocol.
- :mod:`~meetings.archive.rows`: the CSV tables as rows, pure.
- :mod:`~meetings.archive.year`: :func:`read_year`, the database to an :class:`ArchiveYear`.
- :mod:`~meetings.archive.build`: entries to a deterministic zip, with index.csv and index.txt.
- :mod:`~meetings.archive.sources`: the standard sources (minutes, consultation records, charts,
  tables) and :func:`yearly_archive`; it loads matplotlib and fpdf2.

A new kind of file is a new source: a class with
``async def entries(self, year: ArchiveYear) -> Sequence[ArchiveEntry]`` that puts its files
in ``year.meeting_folder(meeting)`` or ``year.folder_of(ballot)``, added to
``STANDARD_SOURCES`` (or passed as ``more`` to :func:`yearly_archive`). Callers import from the
submodules.
"""
