"""``scrutin meeting add``, ``chart``, ``export``, ``minutes``, ``admin add``: the record, from a
terminal."""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.arguments import agenda_item, iso_moment
from bot.cli.common import fail, governance_of, load_settings
from bot.cli.database import open_services
from bot.context import person_id_of
from config.models import GovernanceLookupError
from meetings.actions.actor import operator
from meetings.actions.agenda_note import AgendaNoted, note_agenda_item
from meetings.actions.coordinators import add_coordinator
from meetings.actions.documents import source as source_of
from meetings.actions.extract import ExtractFile, extract_pdf
from meetings.actions.minutes_approval import propose_approval
from meetings.actions.plan import Planned, plan_meeting
from meetings.chart_cache import BallotChart, ChartCache
from meetings.charts.ballot import ballot_chart
from meetings.delivery.ballots import result_chart
from meetings.meeting import MeetingPlan
from meetings.minutes.chart_files import drawn_charts
from meetings.minutes.markdown import render_markdown
from meetings.minutes.model import ConsultationRecord, Minutes
from meetings.minutes.pdf import render_pdf
from meetings.notice import Notice
from meetings.services import Services
from meetings.wording.formats import moment
from meetings.wording.refusals import refusal
from meetings.wording.typography import plain
from voting.ballot import BallotNotOpen
from voting.refusal import Refused


def _plan(args: argparse.Namespace, services: Services) -> MeetingPlan:
    groupement = services.governance.groupement(args.groupement)
    groupement.instance(args.instance)
    zone = groupement.groupement.tzinfo
    try:
        starts_at = iso_moment(args.at, zone)
    except ValueError:
        raise ValueError(f"--at {args.at!r}: expected 'YYYY-MM-DD HH:MM' (Paris time)") from None
    agenda = []
    for line in args.agenda or []:
        item = agenda_item(line)
        if item is None:
            raise ValueError(f"--agenda {line!r}: expected 'Title' or 'Title ; vote : question'")
        agenda.append(item)
    return MeetingPlan(
        groupement_id=groupement.id,
        instance_id=args.instance,
        starts_at=starts_at,
        duration=timedelta(minutes=args.duration),
        place=args.place,
        video_link=args.video,
        agenda=tuple(agenda),
        chair=args.chair,
        chair_name=args.chair_name,
        secretary=args.secretary,
    )


def meeting_add(args: argparse.Namespace) -> int:
    settings = load_settings()
    governance = governance_of(settings)

    async def add() -> Planned:
        services = await open_services(governance, settings)
        try:
            actor = operator(services, "scrutin meeting add")
            plan = _plan(args, services)
            approval = None
            if not args.no_approval:
                approval = await propose_approval(
                    services, plan.groupement_id, plan.instance_id, plan.starts_at
                )
            if approval is not None:
                plan = replace(plan, agenda=(approval, *plan.agenda))
                print(f"item 1 proposed: {approval.title} (leave it out with --no-approval)")
            return await plan_meeting(services, actor, plan)
        finally:
            await services.close()

    try:
        planned = asyncio.run(add())
    except (ValueError, GovernanceLookupError, Refused) as error:
        return fail(f"meeting not planned: {error}")
    meeting, notice = planned.meeting, planned.notice
    zone = governance.groupement(args.groupement).groupement.tzinfo
    deadline = convening_deadline(meeting.id, notice)
    print(
        f"meeting {meeting.id} planned: {governance.instance(args.groupement, args.instance).name}"
        f", {plain(moment(meeting.plan.starts_at, 'fr', zone))}; {deadline}"
    )
    return 0


def convening_deadline(number: int, notice: Notice) -> str:
    """When to convene, or that the ordinary (or even the urgent) notice can no longer be given."""
    if notice.on_time:
        return (
            f"convene it by {notice.last_day.isoformat()} ({notice.needed} clear days), "
            f"with /convoquer {number}"
        )
    late = f"too late for the ordinary notice (last day was {notice.last_day.isoformat()})"
    if notice.given >= notice.urgent_needed:
        return (
            f"{late}: convene it in an emergency by {notice.urgent_last_day.isoformat()} "
            f"({notice.urgent_needed} clear day(s)) with /convoquer {number} urgence REASON"
        )
    return f"{late} and even for an urgent one: move it with /reporter or cancel it"


def meeting_note(args: argparse.Namespace) -> int:
    settings = load_settings()
    governance = governance_of(settings)

    async def note() -> AgendaNoted:
        services = await open_services(governance, settings)
        try:
            actor = operator(services, "scrutin meeting note")
            return await note_agenda_item(services, actor, args.number, args.item, args.text)
        finally:
            await services.close()

    try:
        noted = asyncio.run(note())
    except Refused as error:
        return fail(f"nothing noted: {plain(refusal(error, 'en', number=args.number))}")
    replaced = " (replacing the earlier note)" if noted.replaced else ""
    print(
        f"noted under item {args.item} ({noted.item.title}) of meeting {args.number}{replaced}; "
        "the minutes print it under the item"
    )
    return 0


def chart(args: argparse.Namespace) -> int:
    settings = load_settings()
    governance = governance_of(settings)

    async def render() -> bytes:
        services = await open_services(governance, settings)
        try:
            ballot = await services.ballots.get(args.ballot_id)
            if ballot.result is None:
                raise BallotNotOpen(f"ballot {ballot.id} is not closed: it has no result to draw")
            votes = await services.ballots.effective_votes(ballot.id)
            return await result_chart(services, ballot, votes, args.lang)
        finally:
            await services.close()

    try:
        png = asyncio.run(render())
    except Refused as error:
        return fail(str(error))
    Path(args.output).write_bytes(png)
    print(f"chart of ballot {args.ballot_id} written to {args.output}")
    return 0


def export(args: argparse.Namespace) -> int:
    """``scrutin export BALLOT_ID -o FILE.json``: the audit file of a closed ballot."""
    settings = load_settings()
    governance = governance_of(settings)

    async def build() -> dict[str, Any]:
        services = await open_services(governance, settings)
        try:
            return await services.ballots.audit_file(args.ballot_id)
        finally:
            await services.close()

    try:
        data = asyncio.run(build())
    except Refused as error:
        return fail(str(error))
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    Path(args.output).write_text(text, encoding="utf-8")
    print(f"ballot {args.ballot_id} exported to {args.output}; check it with scrutin verify")
    return 0


def minutes(args: argparse.Namespace) -> int:
    settings = load_settings()
    governance = governance_of(settings)

    async def build() -> Minutes | ConsultationRecord:
        services = await open_services(governance, settings)
        try:
            return await source_of(services, args.number, ballot=args.ballot)
        finally:
            await services.close()

    try:
        source = asyncio.run(build())
    except Refused as error:
        return fail(str(error))
    generated_at = datetime.now(UTC)
    # The Markdown's chart files and the PDF show the same charts: each is drawn once.
    draw = ChartCache().ballot(ballot_chart)
    if args.markdown:
        _write_markdown(Path(args.markdown), source, generated_at, draw, charts=not args.no_charts)
    pdf = render_pdf(source, generated_at, charts=not args.no_charts, ballot_chart=draw)
    Path(args.output).write_bytes(pdf)
    kind = "record of ballot" if args.ballot else "minutes of meeting"
    draft = " (draft: not closed yet)" if source.draft else ""
    if isinstance(source, Minutes) and not source.draft and not source.final:
        draft = " (draft: awaiting approval by the next meeting)"
    print(f"{kind} {args.number} written to {args.output}{draft}")
    return 0


def _write_markdown(
    path: Path,
    source: Minutes | ConsultationRecord,
    generated_at: datetime,
    draw: BallotChart,
    *,
    charts: bool,
) -> None:
    """The Markdown, and beside it the charts it links to (``pv-quorum.png`` for ``pv.md``)."""
    prefix = path.stem if charts else None
    if prefix is not None:
        for name, png in drawn_charts(source, generated_at, prefix, draw=draw):
            (path.parent / name).write_bytes(png)
            print(f"chart written to {path.parent / name}")
    path.write_text(render_markdown(source, generated_at, charts=prefix), encoding="utf-8")
    print(f"Markdown written to {path}")


def extract(args: argparse.Namespace) -> int:
    """``scrutin extract BALLOT_ID -o FILE.pdf``: the extract of one deliberation."""
    settings = load_settings()
    governance = governance_of(settings)

    async def build() -> ExtractFile:
        services = await open_services(governance, settings)
        try:
            return await extract_pdf(services, args.ballot_id, datetime.now(UTC))
        finally:
            await services.close()

    try:
        found = asyncio.run(build())
    except Refused as error:
        return fail(f"no extract: {plain(refusal(error, 'en', number=args.ballot_id))}")
    Path(args.output).write_bytes(found.pdf)
    print(f"extract of deliberation {found.reference} written to {args.output}")
    return 0


def admin_add(args: argparse.Namespace) -> int:
    settings = load_settings()
    governance = governance_of(settings)
    chosen = args.groupement or sorted(governance.groupements)
    unknown = [g for g in chosen if g not in governance.groupements]
    if unknown:
        return fail(f"unknown groupement(s) {unknown}; known: {sorted(governance.groupements)}")

    async def add() -> list[str]:
        services = await open_services(governance, settings)
        try:
            return await add_coordinator(
                services, chosen, person_id_of(args.user_id), args.name, "scrutin admin add"
            )
        finally:
            await services.close()

    added = asyncio.run(add())
    for groupement_id in chosen:
        state = "added" if groupement_id in added else "already"
        print(f"{state}: Telegram user {args.user_id} coordinates {groupement_id}")
    return 0
