"""``scrutin register …``: the membership register from a terminal, as the operator (who
coordinates every groupement): record a joining, an exception, the market's notification, a
withdrawal request and its decision; show the register; write a certificate."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from bot.cli.common import fail, governance_of, load_settings
from bot.cli.database import open_services
from meetings.actions.actor import Actor, operator
from meetings.actions.membership import (
    CertificateFile,
    certificate_file,
    certificate_for,
    decide_withdrawal,
    record_exception,
    record_joining,
    record_market_notification,
    record_withdrawal_request,
    register_of,
)
from meetings.membership import Act, ActKind, ExceptionArticle, WithdrawalMeans
from meetings.services import Services
from meetings.wording.messages.membership import (
    REGISTER_REFUSALS,
    register_text,
    withdrawal_line,
)
from meetings.wording.refusals import refusal
from meetings.wording.typography import plain
from voting.refusal import Refused

_T = TypeVar("_T")
OPERATOR = "scrutin register"


def _run(work: Callable[[Services, Actor], Awaitable[_T]]) -> _T | int:
    """``work`` on the deployment's database as the operator; a refusal is printed, exit 2."""
    settings = load_settings()
    governance = governance_of(settings)

    async def run() -> _T:
        services = await open_services(governance, settings)
        try:
            return await work(services, operator(services, OPERATOR))
        finally:
            await services.close()

    try:
        return asyncio.run(run())
    except Refused as error:
        return fail(f"nothing recorded: {plain(refusal(error, 'en', REGISTER_REFUSALS))}")


def _write(file: CertificateFile, output: str) -> None:
    Path(output).write_bytes(file.pdf)
    print(f"wrote {output}")


def show(args: argparse.Namespace) -> int:
    async def work(services: Services, actor: Actor) -> str:
        groupement, register = await register_of(services, actor, args.groupement)
        return register_text(groupement, register, args.lang)

    text = _run(work)
    if isinstance(text, int):
        return text
    print(plain(text))
    return 0


def certificate(args: argparse.Namespace) -> int:
    async def work(services: Services, actor: Actor) -> CertificateFile:
        return await certificate_for(services, actor, args.member, "fr")

    file = _run(work)
    if isinstance(file, int):
        return file
    _write(file, args.output)
    return 0


def join(args: argparse.Namespace) -> int:
    act = Act(ActKind(args.act), args.act_date, args.reference)

    async def work(services: Services, actor: Actor) -> CertificateFile:
        recorded, joining = await record_joining(services, actor, args.member, args.on, act)
        print(f"joining recorded under no. {joining.id}")
        return await certificate_file(recorded.groupement, recorded.register, joining, "fr")

    file = _run(work)
    if isinstance(file, int):
        return file
    if args.output:
        _write(file, args.output)
    return 0


def exception(args: argparse.Namespace) -> int:
    article = ExceptionArticle(args.article)

    async def work(services: Services, actor: Actor) -> int:
        _recorded, found = await record_exception(
            services, actor, args.member, article, args.on, args.reference
        )
        print(f"exception {found.article.value} recorded for {found.member_id}")
        return 0

    return _run(work)


def notified(args: argparse.Namespace) -> int:
    async def work(services: Services, actor: Actor) -> int:
        await record_market_notification(services, actor, args.groupement, args.on, args.reference)
        print(f"market of {args.groupement} notified on {args.on.isoformat()}")
        return 0

    return _run(work)


def withdraw(args: argparse.Namespace) -> int:
    means = WithdrawalMeans(args.means)

    async def work(services: Services, actor: Actor) -> int:
        recorded, request = await record_withdrawal_request(
            services, actor, args.member, args.received, means, args.reference
        )
        print(plain(withdrawal_line(recorded.groupement, request, "en")))
        return 0

    return _run(work)


def decide(args: argparse.Namespace) -> int:
    accepted = args.decision == "accept"
    if accepted and args.effective is None:
        return fail("an accepted withdrawal needs --effective YYYY-MM-DD")

    async def work(services: Services, actor: Actor) -> int:
        recorded, request = await decide_withdrawal(
            services, actor, args.number, accepted, args.on, args.effective, args.reference
        )
        print(plain(withdrawal_line(recorded.groupement, request, "en")))
        return 0

    return _run(work)
