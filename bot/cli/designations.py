"""``scrutin designation add|end|list``: the acts that designate members' representatives and
the elections that end their mandates, from a terminal (the operator coordinates every
groupement)."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from typing import TypeVar

from bot.cli.common import fail, governance_of, load_settings
from bot.cli.database import open_services
from meetings.actions.actor import operator
from meetings.actions.designate import board, designate, end_mandate
from meetings.designation import ACT_WORDS
from meetings.roster import Role
from meetings.services import Services
from meetings.wording.formats import name_of
from meetings.wording.messages.designations import act_phrase, board_text
from meetings.wording.refusals import refusal
from meetings.wording.typography import plain
from voting.refusal import Refused

Done = TypeVar("Done")


def _run(work: Callable[[Services], Awaitable[Done]]) -> Done:
    settings = load_settings()
    governance = governance_of(settings)

    async def run() -> Done:
        services = await open_services(governance, settings)
        try:
            return await work(services)
        finally:
            await services.close()

    return asyncio.run(run())


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def designation_add(args: argparse.Namespace) -> int:
    kind = ACT_WORDS.get(args.kind.lower())
    signed_on = _day(args.date)
    if kind is None or signed_on is None:
        return fail("expected KIND deliberation|arrete|decision and DATE YYYY-MM-DD")
    member = f"{args.groupement}/{args.member}"

    async def work(services: Services) -> str:
        actor = operator(services, "scrutin designation add")
        done = await designate(services, actor, member, kind, args.reference, signed_on)
        return plain(
            f"{name_of(done.groupement, done.designation.member_id)}: designated by "
            f"{act_phrase(done.designation.act, 'en')}"
        )

    try:
        print(_run(work))
    except Refused as error:
        return fail(f"nothing recorded: {plain(refusal(error, 'en'))}")
    return 0


def designation_end(args: argparse.Namespace) -> int:
    election_day = _day(args.date)
    if election_day is None:
        return fail("expected DATE YYYY-MM-DD")
    member = f"{args.groupement}/{args.member}"

    async def work(services: Services) -> str:
        actor = operator(services, "scrutin designation end")
        ended = await end_mandate(services, actor, member, election_day)
        return (
            f"{name_of(ended.groupement, ended.end.member_id)}: mandates ended by the election "
            f"of {election_day.isoformat()}; {len(ended.seats)} seat(s) ended, waiting for a "
            "designation"
        )

    try:
        print(_run(work))
    except Refused as error:
        return fail(f"nothing recorded: {plain(refusal(error, 'en'))}")
    return 0


def designation_list(args: argparse.Namespace) -> int:
    async def work(services: Services) -> str:
        actor = operator(services, "scrutin designation list")
        texts = []
        for found in await board(services, actor, (args.groupement,)):
            sitting: dict[str, list[tuple[Role, str]]] = {}
            for seat in await services.roster.seats(found.groupement.id):
                person = await services.roster.person(seat.person_id)
                name = seat.person_id if person is None else person.display_name
                sitting.setdefault(seat.member_id, []).append((seat.role, name))
            texts.append(board_text(found.groupement, found.standings, sitting, "en"))
        return plain("\n\n".join(texts))

    if args.groupement not in governance_of(load_settings()).groupements:
        return fail(f"unknown groupement {args.groupement!r}")
    print(_run(work))
    return 0
