"""The ``scrutin`` command line: the entry point of every job Scrutin runs.

Each sub-command parses its arguments, calls the domain and prints. Invalid
input gets one clear message per problem on stderr and exit status 2; no
traceback reaches the user.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from bot.delivery import result_chart
from bot.demo import run_demo
from bot.handlers.meetings import parse_agenda_item
from bot.run import RunError, WebhookOptions, check_webhook_url, new_secret_token, run
from bot.services import Services
from config.loader import ConfigError, default_config_dir, load_config_dir
from config.models import GovernanceLookupError
from config.settings import Settings
from config.summary import summarize
from meetings.meeting import Meeting, MeetingError, MeetingPlan
from meetings.minutes.builder import (
    MinutesUnavailable,
    build_consultation_record,
    build_minutes,
)
from meetings.minutes.markdown import render_markdown
from meetings.minutes.model import ConsultationRecord, Minutes
from meetings.minutes.pdf import render_pdf
from meetings.roster import Roster
from meetings.schedule import wall_clock
from meetings.wording.explain import explain, quorum_line, summary_lines
from meetings.wording.formats import moment as format_moment
from meetings.wording.i18n import LANGUAGES
from voting.ballot import BallotNotOpen, VotingError
from voting.codec import TallyInputError, result_to_mapping, run_tally_mapping
from voting.db import Database

EXIT_INVALID = 2
PARIS = ZoneInfo("Europe/Paris")


def _fail(message: str) -> int:
    print(f"scrutin: {message}", file=sys.stderr)
    return EXIT_INVALID


def _tally(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        # Numbers in the file are read as Decimal: a weight never passes through a float.
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except OSError as error:
        return _fail(f"{path}: cannot read: {error.strerror}")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return _fail(f"{path}: not valid JSON: {error}")
    try:
        result = run_tally_mapping(data)
    except TallyInputError as error:
        return _fail(f"{path}: {error}")
    if args.format == "text":
        print("\n".join(summary_lines(result, args.lang)))
    else:
        output = result_to_mapping(result)
        output["explanation"] = {lang: explain(result, lang) for lang in LANGUAGES}
        output["quorum_text"] = {lang: quorum_line(result.quorum, lang) for lang in LANGUAGES}
        print(json.dumps(output, ensure_ascii=False, indent=2))
    return 0


def _config_check(args: argparse.Namespace) -> int:
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
    return 0


def _load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsProblem(
            "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        ) from None


class SettingsProblem(Exception):
    """Settings from the environment or .env that cannot be used."""


def _run(args: argparse.Namespace) -> int:
    settings = _load_settings()
    if args.api_url:
        settings = settings.model_copy(update={"api_base_url": args.api_url})
    webhook = None
    try:
        if args.webhook:
            webhook = WebhookOptions(
                url=check_webhook_url(args.webhook),
                listen=args.listen,
                port=args.port,
                secret_token=os.environ.get("SCRUTIN_WEBHOOK_SECRET") or new_secret_token(),
            )
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        run(settings, webhook)
    except RunError as error:
        return _fail(str(error))
    except ConfigError as error:
        for problem in error.problems:
            print(f"scrutin: {problem}", file=sys.stderr)
        return EXIT_INVALID
    return 0


def _demo(args: argparse.Namespace) -> int:
    database = run_demo(Path(args.dir))
    print(f"\nLa base de données de la démonstration est dans {database}.")
    return 0


def _meeting_add(args: argparse.Namespace) -> int:
    settings = _load_settings()
    governance = load_config_dir(settings.config_dir)
    try:
        groupement = governance.groupement(args.groupement)
        groupement.instance(args.instance)
    except GovernanceLookupError as error:
        return _fail(str(error))
    zone = groupement.groupement.tzinfo
    day_text, _space, time_text = args.at.strip().partition(" ")
    try:
        starts_at = wall_clock(date.fromisoformat(day_text), time.fromisoformat(time_text), zone)
    except ValueError:
        return _fail(f"--at {args.at!r}: expected 'YYYY-MM-DD HH:MM' (Paris time)")
    agenda = []
    for line in args.agenda or []:
        item = parse_agenda_item(line)
        if item is None:
            return _fail(f"--agenda {line!r}: expected 'Title' or 'Title ; vote : question'")
        agenda.append(item)
    plan = MeetingPlan(
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

    async def add() -> tuple[Meeting, tuple[int, int, date]]:
        services = await Services.open(governance, settings.database_path)
        try:
            meeting = await services.secretariat.plan(plan, created_by="scrutin meeting add")
            return meeting, services.secretariat.notice(meeting)
        finally:
            await services.close()

    try:
        meeting, (needed, _actual, last_day) = asyncio.run(add())
    except (MeetingError, GovernanceLookupError) as error:
        return _fail(f"meeting not planned: {error}")
    print(
        f"meeting {meeting.id} planned: {groupement.instance(args.instance).name}, "
        f"{format_moment(meeting.plan.starts_at, 'fr', zone)}; convene it by "
        f"{last_day.isoformat()} ({needed} clear days), with /convoquer {meeting.id}"
    )
    return 0


def _chart(args: argparse.Namespace) -> int:
    settings = _load_settings()
    governance = load_config_dir(settings.config_dir)

    async def render() -> bytes:
        services = await Services.open(governance, settings.database_path)
        try:
            ballot = await services.ballots.get(args.ballot_id)
            if ballot.electorate is None:
                raise BallotNotOpen(f"ballot {ballot.id} was never opened")
            votes = await services.ballots.effective_votes(ballot.id)
            return await result_chart(services, ballot, votes, args.lang)
        finally:
            await services.close()

    try:
        png = asyncio.run(render())
    except VotingError as error:
        return _fail(str(error))
    Path(args.output).write_bytes(png)
    print(f"chart of ballot {args.ballot_id} written to {args.output}")
    return 0


def _minutes(args: argparse.Namespace) -> int:
    settings = _load_settings()
    governance = load_config_dir(settings.config_dir)

    async def build() -> Minutes | ConsultationRecord:
        services = await Services.open(governance, settings.database_path)
        try:
            if args.ballot:
                return await build_consultation_record(
                    args.number, governance=governance, ballots=services.ballots
                )
            return await build_minutes(
                args.number,
                governance=governance,
                meetings=services.meetings,
                ballots=services.ballots,
            )
        finally:
            await services.close()

    try:
        source = asyncio.run(build())
    except (MinutesUnavailable, MeetingError, VotingError) as error:
        return _fail(str(error))
    generated_at = datetime.now(UTC)
    if args.markdown:
        Path(args.markdown).write_text(render_markdown(source, generated_at), encoding="utf-8")
        print(f"Markdown written to {args.markdown}")
    Path(args.output).write_bytes(render_pdf(source, generated_at, charts=not args.no_charts))
    kind = "record of ballot" if args.ballot else "minutes of meeting"
    draft = " (draft: not closed yet)" if source.draft else ""
    print(f"{kind} {args.number} written to {args.output}{draft}")
    return 0


def _admin_add(args: argparse.Namespace) -> int:
    settings = _load_settings()
    governance = load_config_dir(settings.config_dir)
    chosen = args.groupement or sorted(governance.groupements)
    unknown = [g for g in chosen if g not in governance.groupements]
    if unknown:
        return _fail(f"unknown groupement(s) {unknown}; known: {sorted(governance.groupements)}")

    async def add() -> list[str]:
        database = await Database.open(settings.database_path)
        try:
            roster = Roster(database)
            await roster.migrate()
            added = []
            for groupement_id in chosen:
                if await roster.add_coordinator(
                    groupement_id, f"tg:{args.user_id}", args.name, added_by="scrutin admin add"
                ):
                    added.append(groupement_id)
            return added
        finally:
            await database.close()

    added = asyncio.run(add())
    for groupement_id in chosen:
        state = "added" if groupement_id in added else "already"
        print(f"{state}: Telegram user {args.user_id} coordinates {groupement_id}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scrutin",
        description="Governance bodies of public purchasing consortia, on Telegram.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    tally = commands.add_parser("tally", help="recompute a ballot's result from a JSON file")
    tally.add_argument("file", help="JSON file: weights, present, proxies, votes, rules, ...")
    tally.add_argument("--format", choices=("json", "text"), default="json")
    tally.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of text")
    tally.set_defaults(handler=_tally)

    config = commands.add_parser("config", help="governance configuration")
    config_commands = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    check = config_commands.add_parser("check", help="validate a config directory")
    check.add_argument("dir", nargs="?", help="directory of groupement TOML files")
    check.add_argument("--on", help="date (YYYY-MM-DD) whose weights to show; default today")
    check.set_defaults(handler=_config_check)

    run_parser = commands.add_parser("run", help="run the Telegram bot (token: TELEGRAM_BOT_TOKEN)")
    run_parser.add_argument("--webhook", metavar="URL", help="https URL Telegram should call")
    run_parser.add_argument("--listen", default="127.0.0.1", help="webhook: address to bind")
    run_parser.add_argument("--port", type=int, default=8443, help="webhook: port to bind")
    run_parser.add_argument("--api-url", help="another Bot API server (SCRUTIN_API_BASE_URL)")
    run_parser.set_defaults(handler=_run)

    demo = commands.add_parser("demo", help="play a whole weighted ballot offline, no token")
    demo.add_argument("--dir", default="scrutin-demo", help="where to leave the database")
    demo.set_defaults(handler=_demo)

    meeting = commands.add_parser("meeting", help="meetings")
    meeting_commands = meeting.add_subparsers(
        dest="meeting_command", required=True, metavar="ACTION"
    )
    plan = meeting_commands.add_parser("add", help="plan a meeting of an instance")
    plan.add_argument("--groupement", required=True)
    plan.add_argument("--instance", required=True)
    plan.add_argument("--at", required=True, help="'YYYY-MM-DD HH:MM', Paris time")
    plan.add_argument("--duration", type=int, default=120, help="minutes (default 120)")
    plan.add_argument("--place")
    plan.add_argument("--video", help="video link")
    plan.add_argument(
        "--agenda", action="append", help="an item, 'Title' or 'Title ; vote : question'"
    )
    plan.add_argument("--chair", help="member id (default: the coordinator member)")
    plan.add_argument("--chair-name", help="the chair's name, as it will be signed")
    plan.add_argument("--secretary", help="the secretary's name")
    plan.set_defaults(handler=_meeting_add)

    chart = commands.add_parser("chart", help="draw a ballot's result chart (PNG)")
    chart.add_argument("ballot_id", type=int)
    chart.add_argument("-o", "--output", required=True, help="PNG file to write")
    chart.add_argument("--lang", choices=("fr", "en"), default="fr")
    chart.set_defaults(handler=_chart)

    minutes = commands.add_parser("minutes", help="write a meeting's minutes (PDF, Markdown)")
    minutes.add_argument("number", type=int, help="meeting number (or ballot with --ballot)")
    minutes.add_argument("-o", "--output", required=True, help="PDF file to write")
    minutes.add_argument("--markdown", metavar="FILE", help="also write the Markdown version")
    minutes.add_argument(
        "--ballot", action="store_true", help="the record of a written consultation instead"
    )
    minutes.add_argument("--no-charts", action="store_true", help="tables only, no charts")
    minutes.set_defaults(handler=_minutes)

    admin = commands.add_parser("admin", help="administration")
    admin_commands = admin.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    add = admin_commands.add_parser("add", help="make a Telegram user a coordinator")
    add.add_argument("user_id", type=int, help="the person's numeric Telegram user id")
    add.add_argument(
        "--groupement", action="append", help="groupement id (repeatable); default: all"
    )
    add.add_argument("--name", default="Coordonnateur", help="display name until they write")
    add.set_defaults(handler=_admin_add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except SettingsProblem as error:
        return _fail(f"settings: {error}")
    except ConfigError as error:
        for problem in error.problems:
            print(f"scrutin: {problem}", file=sys.stderr)
        return EXIT_INVALID
    return status


if __name__ == "__main__":
    sys.exit(main())
