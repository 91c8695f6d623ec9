"""The membership register: who joined a groupement, who asked to leave, and what was decided.

Each record is dated and says who recorded it and when. Joining names the act that decided it
(a deliberation, a decree, a decision, the signed certificate), and gives the *certificat
d'adhésion* (seed 004, annexe I). A withdrawal is a request received on a day by some means
(a lettre recommandée in seed 004; before 1 January preceding a school year in seed 000) that
the coordinator examines and decides, with the day its decision takes effect. Once the market
is notified, a convention closed to newcomers (seed 004, article 10.2) takes a new member only
under R2194-8 or R2194-9 of the code de la commande publique, recorded with its reference.

Pure: the rules and the comparison with the configuration's ``joined``/``left`` dates. The
register is the source of truth for every member it has a record of; the config's dates must
agree with it (:func:`disagreements`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from config.convention import Convention
from config.models import Governance, Groupement
from voting.refusal import Refused


class ActKind(StrEnum):
    DELIBERATION = "deliberation"
    DECREE = "decree"
    """An arrêté of the member's executive."""
    DECISION = "decision"
    CERTIFICATE = "certificate"
    """The certificat d'adhésion signed by the member's representative (seed 004)."""


class WithdrawalMeans(StrEnum):
    RECORDED_LETTER = "recorded_letter"
    """Lettre recommandée avec accusé de réception."""
    LETTER = "letter"
    EMAIL = "email"
    OTHER = "other"


class ExceptionArticle(StrEnum):
    R2194_8 = "R2194-8"
    R2194_9 = "R2194-9"


@dataclass(frozen=True)
class Act:
    """The act by which a member decided something: kind, day, reference."""

    kind: ActKind
    day: date
    reference: str


@dataclass(frozen=True)
class Recorded:
    by: str
    at: datetime


@dataclass(frozen=True)
class JoiningException:
    """A joining after the market's notification, within R2194-8 or R2194-9."""

    id: int
    groupement_id: str
    member_id: str
    article: ExceptionArticle
    decided_on: date
    reference: str
    recorded: Recorded
    used_by: int | None = None
    """The joining that relied on it; an exception serves once."""


@dataclass(frozen=True)
class Joining:
    id: int
    """Also the certificate's number in the register."""
    groupement_id: str
    member_id: str
    joined_on: date
    act: Act
    recorded: Recorded
    exception: JoiningException | None = None


@dataclass(frozen=True)
class WithdrawalDecision:
    accepted: bool
    decided_on: date
    effective_on: date | None
    """The first day the member is no longer one; None for a refusal."""
    reference: str
    recorded: Recorded


@dataclass(frozen=True)
class WithdrawalRequest:
    id: int
    groupement_id: str
    member_id: str
    received_on: date
    means: WithdrawalMeans
    reference: str
    earliest_effect: date | None
    """Where the convention has a withdrawal window: the first day the request can take
    effect (seed 000: the school year after the 1 January it came before)."""
    recorded: Recorded
    decision: WithdrawalDecision | None = None


@dataclass(frozen=True)
class MarketNotification:
    groupement_id: str
    notified_on: date
    reference: str
    recorded: Recorded


@dataclass(frozen=True)
class Register:
    """Everything the register holds for one groupement, in the order it was recorded."""

    groupement_id: str
    joinings: Sequence[Joining] = ()
    withdrawals: Sequence[WithdrawalRequest] = ()
    exceptions: Sequence[JoiningException] = ()
    notification: MarketNotification | None = None

    def member_ids(self) -> list[str]:
        seen = dict.fromkeys(j.member_id for j in self.joinings)
        seen.update(dict.fromkeys(w.member_id for w in self.withdrawals))
        return list(seen)

    def last_joining(self, member_id: str) -> Joining | None:
        found = [j for j in self.joinings if j.member_id == member_id]
        return max(found, key=lambda j: j.joined_on) if found else None

    def accepted_withdrawal(self, member_id: str) -> WithdrawalRequest | None:
        """The latest withdrawal of the member that was accepted."""
        found = [
            w
            for w in self.withdrawals
            if w.member_id == member_id and w.decision is not None and w.decision.accepted
        ]
        return max(found, key=lambda w: w.received_on) if found else None

    def pending_withdrawal(self, member_id: str) -> WithdrawalRequest | None:
        for request in self.withdrawals:
            if request.member_id == member_id and request.decision is None:
                return request
        return None

    def unused_exception(self, member_id: str) -> JoiningException | None:
        for exception in self.exceptions:
            if exception.member_id == member_id and exception.used_by is None:
                return exception
        return None


# --- refusals -------------------------------------------------------------------------


class NotAMember(Refused):
    """The id names no member of the groupement's configuration (the config lists every
    member, past or to come, with its name and kind)."""

    code = "membership.not_configured"


class AlreadyMember(Refused):
    code = "membership.already_member"


class JoiningClosed(Refused):
    """The market is notified and the convention takes no newcomer without an exception."""

    code = "membership.joining_closed"


class WithdrawalPending(Refused):
    code = "membership.withdrawal_pending"


class NoSuchWithdrawal(Refused):
    code = "membership.no_such_withdrawal"


class AlreadyDecided(Refused):
    code = "membership.already_decided"


class EffectTooEarly(Refused):
    """The decision takes effect before the request could (its window) or was received."""

    code = "membership.effect_too_early"


# --- rules ------------------------------------------------------------------------------


def check_joining(
    register: Register, convention: Convention | None, member_id: str, joined_on: date
) -> JoiningException | None:
    """Refuse a joining the register does not allow; the exception it relies on, if any."""
    last = register.last_joining(member_id)
    if last is not None:
        gone = register.accepted_withdrawal(member_id)
        effect = gone.decision.effective_on if gone and gone.decision else None
        if effect is None or effect <= last.joined_on or joined_on < effect:
            raise AlreadyMember(f"{member_id} joined on {last.joined_on}", since=last.joined_on)
    notification = register.notification
    closed = convention is not None and convention.closed_after_notification
    if not closed or notification is None or joined_on < notification.notified_on:
        return None
    exception = register.unused_exception(member_id)
    if exception is None:
        raise JoiningClosed(
            f"the market was notified on {notification.notified_on}",
            notified_on=notification.notified_on,
        )
    return exception


def check_decision(
    request: WithdrawalRequest, accepted: bool, decided_on: date, effective_on: date | None
) -> None:
    if request.decision is not None:
        raise AlreadyDecided(f"request {request.id} is decided", number=request.id)
    if not accepted:
        return
    earliest = request.earliest_effect or request.received_on
    if effective_on is None or effective_on < earliest or effective_on < decided_on:
        raise EffectTooEarly(
            f"effect {effective_on} before {earliest}",
            earliest=max(earliest, decided_on),
            number=request.id,
        )


# --- the configuration against the register ---------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    """A member whose configured date differs from what the register recorded."""

    groupement_id: str
    member_id: str
    key: str
    """``joined``, ``left`` or ``members`` (a member the configuration does not list)."""
    configured: date | None
    recorded: date | None
    notes: tuple[str, ...] = field(default=())

    def describe(self) -> str:
        where = f"{self.groupement_id}: members[{self.member_id}].{self.key}"
        if self.key == "members":
            return f"{where}: the register has records of a member the configuration lacks"
        shown = self.configured.isoformat() if self.configured else "none"
        wanted = self.recorded.isoformat() if self.recorded else "none"
        return f"{where} is {shown} but the register records {wanted}"


def disagreements(groupement: Groupement, register: Register) -> list[Disagreement]:
    """Every member whose ``joined``/``left`` disagrees with the register, one entry each.

    Only members with records are compared: founders, and members that left by a merger
    (the Bas-Rhin into the CeA), stand on the configuration alone.
    """
    found: list[Disagreement] = []
    configured = {member.id: member for member in groupement.members}
    for member_id in register.member_ids():
        member = configured.get(member_id)
        if member is None:
            found.append(Disagreement(groupement.id, member_id, "members", None, None))
            continue
        joining = register.last_joining(member_id)
        if joining is not None and member.joined != joining.joined_on:
            found.append(
                Disagreement(groupement.id, member_id, "joined", member.joined, joining.joined_on)
            )
        withdrawal = register.accepted_withdrawal(member_id)
        left = (
            None
            if withdrawal is None or withdrawal.decision is None
            else (withdrawal.decision.effective_on)
        )
        if joining is not None and left is not None and left <= joining.joined_on:
            left = None  # it left, then joined again: a member today
        merged = member.succeeded_by is not None and left is None
        if member.left != left and not merged:
            found.append(Disagreement(groupement.id, member_id, "left", member.left, left))
    return found


def all_disagreements(
    governance: Governance, registers: Mapping[str, Register]
) -> list[Disagreement]:
    """:func:`disagreements` of every groupement, in the order of their ids."""
    found: list[Disagreement] = []
    for groupement_id in sorted(governance.groupements):
        register = registers.get(groupement_id, Register(groupement_id))
        found += disagreements(governance.groupements[groupement_id], register)
    return found
