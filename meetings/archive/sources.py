"""The archive's standard sources: the minutes, the consultation records, the result charts
and the tables (attendance, ballots, votes). Each is an :class:`ArchiveSource`.

This module draws and prints (matplotlib, fpdf2): the bot imports it when a coordinator first
asks for an archive, not when it starts. Documents are rendered in worker threads, stamped
with the archive's moment, in French (the language of the record).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from meetings.actions.extract import render_extract
from meetings.archive.build import Archive, build_archive
from meetings.archive.document_source import DocumentSource
from meetings.archive.entries import ArchiveEntry, ArchiveSource, ArchiveYear
from meetings.archive.rows import (
    ATTENDANCE_HEADER,
    BALLOTS_HEADER,
    VOTES_HEADER,
    BallotFacts,
    Row,
    attendance_rows,
    ballot_row,
    csv_bytes,
    facts_of,
    vote_rows,
)
from meetings.archive.year import read_year
from meetings.charts.ballot import ballot_chart
from meetings.minutes.extract import Extract
from meetings.minutes.model import ConsultationRecord, Minutes
from meetings.minutes.pdf import render_pdf
from meetings.services import Services
from meetings.wording.formats import day
from meetings.wording.i18n import DEFAULT_LANGUAGE, translator
from voting.ballot import BallotState


def _facts(year: ArchiveYear) -> list[BallotFacts]:
    """Every ballot of the year that opened, in meeting order then consultation order."""
    found = [facts_of(d) for held in year.minutes for d in held.deliberations]
    return found + [facts_of(record) for record in year.records]


@dataclass(frozen=True)
class MinutesSource:
    """Each meeting's minutes; a draft (session not closed) is named and marked as one."""

    async def entries(self, year: ArchiveYear) -> Sequence[ArchiveEntry]:
        _ = translator(year.language)
        draw = year.services.charts.ballot(ballot_chart)
        found = []
        for meeting, minutes in zip(year.meetings, year.minutes, strict=True):
            pdf = await asyncio.to_thread(render_pdf, minutes, year.stamp, ballot_chart=draw)
            on = day(meeting.plan.starts_at, year.language, year.zone)
            instance = minutes.instance_name
            if minutes.draft:
                name, kind = f"pv-reunion-{meeting.id}-projet.pdf", "minutes_draft"
                text = _(
                    "Draft minutes of meeting no. {number} ({instance}, {day}): the "
                    "session was not closed"
                )
            elif minutes.final:
                name, kind = f"pv-reunion-{meeting.id}.pdf", "minutes"
                text = _("Minutes of meeting no. {number} ({instance}, {day}), approved")
            else:
                name, kind = f"pv-reunion-{meeting.id}.pdf", "minutes_unapproved"
                text = _(
                    "Minutes of meeting no. {number} ({instance}, {day}), not yet approved "
                    "by the instance"
                )
            found.append(
                ArchiveEntry(
                    f"{year.meeting_folder(meeting)}/{name}",
                    pdf,
                    kind,
                    text.format(number=meeting.id, instance=instance, day=on),
                )
            )
        return found


def _record_entry(year: ArchiveYear, record: ConsultationRecord, pdf: bytes) -> ArchiveEntry:
    _ = translator(year.language)
    ballot = record.ballot
    folder = year.consultation_folder(ballot)
    if record.draft:
        name, kind = f"releve-scrutin-{ballot.id}-projet.pdf", "consultation_record_draft"
        text = _(
            "Draft record of the written consultation no. {number} ({instance}): the "
            "consultation is open"
        )
    else:
        name, kind = f"releve-scrutin-{ballot.id}.pdf", "consultation_record"
        text = _("Record of the written consultation no. {number} ({instance})")
    return ArchiveEntry(
        f"{folder}/{name}", pdf, kind, text.format(number=ballot.id, instance=record.instance_name)
    )


@dataclass(frozen=True)
class RecordSource:
    """Each written consultation's record."""

    async def entries(self, year: ArchiveYear) -> Sequence[ArchiveEntry]:
        draw = year.services.charts.ballot(ballot_chart)
        found = []
        for record in year.records:
            pdf = await asyncio.to_thread(render_pdf, record, year.stamp, ballot_chart=draw)
            found.append(_record_entry(year, record, pdf))
        return found


@dataclass(frozen=True)
class ChartSource:
    """The result chart of each closed ballot, as the group got it (French)."""

    async def entries(self, year: ArchiveYear) -> Sequence[ArchiveEntry]:
        _ = translator(year.language)
        draw = year.services.charts.ballot(ballot_chart)
        items: list[Minutes | ConsultationRecord] = [*year.minutes, *year.records]
        found = []
        for item in items:
            shown = item.deliberations if isinstance(item, Minutes) else (item,)
            for ballot_of in shown:
                ballot = ballot_of.ballot
                if ballot_of.result is None or ballot.closed_at is None:
                    continue
                png = await asyncio.to_thread(
                    draw,
                    ballot,
                    ballot_of.votes,
                    ballot_of.names,
                    DEFAULT_LANGUAGE,
                    ballot_of.outcome_only,
                )
                text = _("Result chart of ballot no. {number}").format(number=ballot.id)
                if ballot.reference is not None:
                    text += f" ({ballot.reference})"
                path = f"{year.folder_of(ballot)}/scrutin-{ballot.id}.png"
                found.append(ArchiveEntry(path, png, "chart", text))
        return found


@dataclass(frozen=True)
class TableSource:
    """attendance.csv, ballots.csv and votes.csv."""

    async def entries(self, year: ArchiveYear) -> Sequence[ArchiveEntry]:
        _ = translator(year.language)
        attendance: list[Row] = []
        for meeting, minutes in zip(year.meetings, year.minutes, strict=True):
            attendance += attendance_rows(meeting, minutes, year.replies[meeting.id], year.zone)
        facts = _facts(year)
        ballots = [ballot_row(f, year.zone) for f in facts]
        votes = [row for f in facts for row in vote_rows(f)]
        return [
            ArchiveEntry(
                "attendance.csv",
                csv_bytes(ATTENDANCE_HEADER, attendance),
                "attendance",
                _("Attendance at each meeting: reply, presence, proxy (CSV)"),
            ),
            ArchiveEntry(
                "ballots.csv",
                csv_bytes(BALLOTS_HEADER, ballots),
                "ballots",
                _("Each ballot, its times, quorum, totals and outcome (CSV)"),
            ),
            ArchiveEntry(
                "votes.csv",
                csv_bytes(VOTES_HEADER, votes),
                "votes",
                _("Each vote of the public ballots; a secret ballot has its totals only (CSV)"),
            ),
        ]


@dataclass(frozen=True)
class ExtractSource:
    """The extract of each deliberation of a closed session, as a member's assembly gets it."""

    async def entries(self, year: ArchiveYear) -> Sequence[ArchiveEntry]:
        _ = translator(year.language)
        found = []
        for minutes in year.minutes:
            if minutes.draft:
                continue
            for deliberation in minutes.deliberations:
                ballot = deliberation.ballot
                if ballot.reference is None or ballot.state is not BallotState.CLOSED:
                    continue
                extract = Extract(minutes, deliberation)
                pdf = await asyncio.to_thread(render_extract, extract, year.stamp)
                text = _("Extract of the register of deliberations: {reference}")
                found.append(
                    ArchiveEntry(
                        f"{year.folder_of(ballot)}/{extract.filename}",
                        pdf,
                        "extract",
                        text.format(reference=ballot.reference),
                    )
                )
        return found


STANDARD_SOURCES: tuple[ArchiveSource, ...] = (
    # First: an altered document stops the archive before any PDF is drawn.
    DocumentSource(),
    MinutesSource(),
    ExtractSource(),
    RecordSource(),
    ChartSource(),
    TableSource(),
)
"""The sources every archive has; add others through ``more`` of :func:`yearly_archive`."""


async def yearly_archive(
    services: Services,
    groupement_id: str,
    year: int,
    language: str = DEFAULT_LANGUAGE,
    more: Sequence[ArchiveSource] = (),
) -> Archive:
    """The archive of ``groupement_id``'s ``year``, from the database alone."""
    read = await read_year(services, groupement_id, year, language)
    return await build_archive(read, [*STANDARD_SOURCES, *more])
