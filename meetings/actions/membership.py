"""Record the facts of the membership register: a joining, a withdrawal request and its
decision, the market's notification, an R2194-8/9 exception (see :mod:`meetings.membership`).

Permission: a coordinator of the groupement. The member is named by its id, or by
``groupement/member`` when the coordinator runs several groupements; it must be listed in the
groupement's configuration, which gives its name and kind. Nothing is sent from here: the
bot answers the coordinator (with the certificate after a joining).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

from config.models import Groupement
from meetings.actions.actor import Actor
from meetings.actions.invite import find_participant
from meetings.delivery.convention import plan_convention_reminders
from meetings.membership import (
    Act,
    ExceptionArticle,
    Joining,
    JoiningException,
    MarketNotification,
    NoSuchWithdrawal,
    NotAMember,
    Register,
    WithdrawalMeans,
    WithdrawalPending,
    WithdrawalRequest,
    check_decision,
    check_joining,
)
from meetings.services import Services
from meetings.texts import Typed, typed
from meetings.wording.formats import name_of
from voting.refusal import Refused


class AlreadyNotified(Refused):
    code = "membership.already_notified"


@dataclass(frozen=True)
class Recorded:
    groupement: Groupement
    register: Register
    """The register after the change."""


def _member(services: Services, actor: Actor, reference: str) -> tuple[Groupement, str]:
    groupement, member_id = find_participant(services, actor, reference)
    actor.require_coordinator(groupement.id)
    if groupement.is_advisory(member_id):
        raise NotAMember(f"{member_id} is an advisory participant", member=member_id)
    return groupement, member_id


def _groupement(services: Services, actor: Actor, groupement_id: str | None) -> Groupement:
    """The groupement named, or the only one the actor coordinates."""
    if groupement_id is None and len(actor.coordinated) == 1:
        groupement_id = actor.coordinated[0]
    if groupement_id is None or groupement_id not in actor.coordinated:
        raise UnknownGroupement(
            f"{actor.person_id} does not coordinate {groupement_id!r}",
            groupement=groupement_id or "",
        )
    return services.governance.groupement(groupement_id)


class UnknownGroupement(Refused):
    code = "unknown_groupement"


async def record_joining(
    services: Services, actor: Actor, reference: str, joined_on: date, act: Act
) -> tuple[Recorded, Joining]:
    """A member joins on ``joined_on`` by ``act``; refused after the market's notification
    where the convention is closed to newcomers, unless an exception was recorded."""
    groupement, member_id = _member(services, actor, reference)
    act = Act(act.kind, act.day, typed(Typed.NOTE, act.reference))
    async with services.database.transaction():
        register = await services.membership.register(groupement.id)
        exception = check_joining(register, groupement.convention, member_id, joined_on)
        joining_id = await services.membership.add_joining(
            groupement.id,
            member_id,
            joined_on,
            act,
            actor.person_id,
            None if exception is None else exception.id,
        )
        register = await services.membership.register(groupement.id)
    joining = next(j for j in register.joinings if j.id == joining_id)
    return Recorded(groupement, register), joining


async def record_exception(
    services: Services,
    actor: Actor,
    reference: str,
    article: ExceptionArticle,
    decided_on: date,
    act_reference: str,
) -> tuple[Recorded, JoiningException]:
    groupement, member_id = _member(services, actor, reference)
    act_reference = typed(Typed.NOTE, act_reference)
    async with services.database.transaction():
        exception_id = await services.membership.add_exception(
            groupement.id, member_id, article, decided_on, act_reference, actor.person_id
        )
        register = await services.membership.register(groupement.id)
    exception = next(e for e in register.exceptions if e.id == exception_id)
    return Recorded(groupement, register), exception


async def record_withdrawal_request(
    services: Services,
    actor: Actor,
    reference: str,
    received_on: date,
    means: WithdrawalMeans,
    letter_reference: str,
) -> tuple[Recorded, WithdrawalRequest]:
    """A member's request to withdraw, received on ``received_on``; where the convention has
    a window, the request says from when it can take effect."""
    groupement, member_id = _member(services, actor, reference)
    rule = groupement.convention.withdrawal if groupement.convention else None
    earliest = rule.earliest_effect(received_on) if rule is not None else None
    async with services.database.transaction():
        register = await services.membership.register(groupement.id)
        pending = register.pending_withdrawal(member_id)
        if pending is not None:
            raise WithdrawalPending(f"request {pending.id} is pending", number=pending.id)
        request_id = await services.membership.add_withdrawal(
            groupement.id,
            member_id,
            received_on,
            means,
            letter_reference.strip(),
            earliest,
            actor.person_id,
        )
        register = await services.membership.register(groupement.id)
    request = next(w for w in register.withdrawals if w.id == request_id)
    return Recorded(groupement, register), request


async def decide_withdrawal(
    services: Services,
    actor: Actor,
    request_id: int,
    accepted: bool,
    decided_on: date,
    effective_on: date | None,
    decision_reference: str,
) -> tuple[Recorded, WithdrawalRequest]:
    """The coordinator's decision on request ``request_id``, with the day it takes effect."""
    async with services.database.transaction():
        request = await services.membership.withdrawal(request_id)
        if request is None or not actor.coordinates(request.groupement_id):
            raise NoSuchWithdrawal(f"no request {request_id}", number=request_id)
        check_decision(request, accepted, decided_on, effective_on)
        await services.membership.decide_withdrawal(
            request_id,
            accepted,
            decided_on,
            effective_on if accepted else None,
            decision_reference.strip(),
            actor.person_id,
        )
        register = await services.membership.register(request.groupement_id)
    decided = next(w for w in register.withdrawals if w.id == request_id)
    groupement = services.governance.groupement(request.groupement_id)
    return Recorded(groupement, register), decided


async def record_market_notification(
    services: Services,
    actor: Actor,
    groupement_id: str | None,
    notified_on: date,
    reference: str,
) -> tuple[Recorded, MarketNotification]:
    """The day the market was notified: joining closes where the convention says so, and a
    term counted from the notification (seed 004) now has its end."""
    groupement = _groupement(services, actor, groupement_id)
    async with services.database.transaction():
        added = await services.membership.set_notification(
            groupement.id, notified_on, typed(Typed.NOTE, reference), actor.person_id
        )
        register = await services.membership.register(groupement.id)
        assert register.notification is not None
        if not added:
            raise AlreadyNotified(
                f"{groupement.id} was notified on {register.notification.notified_on}",
                notified_on=register.notification.notified_on,
            )
    # A term counted from the notification (seed 004) now has an end to remind.
    await plan_convention_reminders(services, groupement)
    return Recorded(groupement, register), register.notification


async def register_of(
    services: Services, actor: Actor, groupement_id: str | None
) -> tuple[Groupement, Register]:
    """The register of a groupement the person coordinates or sits in (read-only)."""
    wanted = groupement_id
    if wanted is None and len(actor.groupements) == 1:
        wanted = actor.groupements[0]
    if wanted is None or wanted not in actor.groupements:
        raise UnknownGroupement(f"{actor.person_id} is not in {wanted!r}", groupement=wanted or "")
    return services.governance.groupement(wanted), await services.membership.register(wanted)


class NoJoining(Refused):
    code = "membership.no_joining"


class MemberWithdrew(Refused):
    """A member whose withdrawal took effect is no longer one: no certificate says it is."""

    code = "membership.member_withdrew"


@dataclass(frozen=True)
class CertificateFile:
    filename: str
    pdf: bytes


async def certificate_file(
    groupement: Groupement, register: Register, joining: Joining, language: str
) -> CertificateFile:
    """The certificat d'adhésion of ``joining``, drawn in a worker thread."""
    # Imported when a certificate is drawn, not when the bot starts: fpdf2 (and matplotlib,
    # whose fonts the PDF embeds) take most of a start's time and memory (issue #11).
    from meetings.membership_certificate import certificate_of, render_certificate

    certificate = certificate_of(groupement, joining, register.notification, language)
    pdf = await asyncio.to_thread(render_certificate, certificate)
    return CertificateFile(certificate.filename, pdf)


async def certificate_for(
    services: Services, actor: Actor, reference: str, language: str
) -> CertificateFile:
    """The certificate of the member's latest joining, for a coordinator of its groupement."""
    groupement, member_id = _member(services, actor, reference)
    register = await services.membership.register(groupement.id)
    joining = register.last_joining(member_id)
    if joining is None:
        raise NoJoining(f"no joining of {member_id}", member=name_of(groupement, member_id))
    # The certificate says the member "en est membre": not once its withdrawal took effect.
    withdrawal = register.accepted_withdrawal(member_id)
    left = None if withdrawal is None or withdrawal.decision is None else withdrawal.decision
    effect = None if left is None else left.effective_on
    today = services.clock().astimezone(groupement.groupement.tzinfo).date()
    if effect is not None and joining.joined_on <= effect <= today:
        raise MemberWithdrew(
            f"{member_id} left on {effect}", member=name_of(groupement, member_id), day=effect
        )
    return await certificate_file(groupement, register, joining, language)
