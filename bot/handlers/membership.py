"""The membership register and the convention's dates in Telegram.

The coordinator records, in a private chat: a joining (``/adhesion``, answered with the
certificat d'adhésion as a PDF), an R2194-8/9 exception (``/derogation``), the market's
notification (``/notification``), a withdrawal request (``/retrait``) and its decision
(``/decision_retrait``); ``/certificat`` gives a certificate again. Everyone known reads the
register (``/registre``) and the convention's dates (``/convention``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from io import BytesIO

from telegram import InputFile, Update

from bot.arguments import calendar_day, number
from bot.commands import Access, Command, Handler, Place
from bot.context import ScrutinContext
from bot.replies import reply
from meetings.actions.membership import (
    CertificateFile,
    Recorded,
    certificate_file,
    certificate_for,
    decide_withdrawal,
    record_exception,
    record_joining,
    record_market_notification,
    record_withdrawal_request,
    register_of,
)
from meetings.membership import Act, ActKind, ExceptionArticle, WithdrawalMeans, disagreements
from meetings.schedule import local_day
from meetings.wording.formats import long_date, name_of
from meetings.wording.i18n import N_, Translator
from meetings.wording.messages.membership import (
    REGISTER_REFUSALS,
    act_text,
    convention_text,
    exception_text,
    register_messages,
    withdrawal_line,
)
from meetings.wording.refusals import refusal
from voting.refusal import Refused

PRIVATE_ONLY = N_("Record the register's facts in your private chat with the bot.")

ACT_WORDS = {
    "deliberation": ActKind.DELIBERATION,
    "délibération": ActKind.DELIBERATION,
    "arrete": ActKind.DECREE,
    "arrêté": ActKind.DECREE,
    "decree": ActKind.DECREE,
    "decision": ActKind.DECISION,
    "décision": ActKind.DECISION,
    "certificat": ActKind.CERTIFICATE,
    "certificate": ActKind.CERTIFICATE,
}
MEANS_WORDS = {
    "recommande": WithdrawalMeans.RECORDED_LETTER,
    "recommandé": WithdrawalMeans.RECORDED_LETTER,
    "recorded": WithdrawalMeans.RECORDED_LETTER,
    "lettre": WithdrawalMeans.LETTER,
    "letter": WithdrawalMeans.LETTER,
    "courriel": WithdrawalMeans.EMAIL,
    "email": WithdrawalMeans.EMAIL,
    "autre": WithdrawalMeans.OTHER,
    "other": WithdrawalMeans.OTHER,
}
ACCEPT_WORDS = frozenset({"accepte", "acceptée", "acceptee", "accept", "accepted"})
REFUSE_WORDS = frozenset({"refuse", "refusée", "refusee", "refused"})


async def _refused(update: Update, context: ScrutinContext, error: Refused) -> None:
    await reply(update, refusal(error, context.caller.language, REGISTER_REFUSALS))


async def _usage(update: Update, context: ScrutinContext, command: Command) -> None:
    _ = context.caller._
    await reply(update, _("Usage: {usage}").format(usage=command.usage(context.caller.language)))


def _config_lines(recorded: Recorded, member_id: str, _: Translator) -> list[str]:
    """What the configuration file must now say, where it disagrees with the register."""
    lines = []
    for found in disagreements(recorded.groupement, recorded.register):
        if found.member_id == member_id and found.key in ("joined", "left"):
            value = found.recorded.isoformat() if found.recorded else "-"
            lines.append(
                _(
                    "The configuration does not agree with the register yet: set {key} = {value} "
                    "for {member} in its file."
                ).format(key=found.key, value=value, member=member_id)
            )
    return lines


async def _send_certificate(update: Update, file: CertificateFile, caption: str) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_document(
            InputFile(BytesIO(file.pdf), filename=file.filename), caption=caption
        )


async def join_command(update: Update, context: ScrutinContext) -> None:
    """``/adhesion MEMBRE JJ/MM/AAAA ACTE JJ/MM/AAAA RÉFÉRENCE``."""
    caller, args = context.caller, list(context.args or [])
    _ = caller._
    parsed = _joining(args)
    if parsed is None:
        await _usage(update, context, JOIN)
        return
    member, joined_on, act = parsed
    try:
        recorded, joining = await record_joining(context.services, caller, member, joined_on, act)
    except Refused as error:
        await _refused(update, context, error)
        return
    groupement = recorded.groupement
    lines = [
        _(
            "Joining recorded in the register under no. {number}: {member}, member since {day}, "
            "by {act}."
        ).format(
            number=joining.id,
            member=name_of(groupement, joining.member_id),
            day=long_date(joining.joined_on, caller.language),
            act=act_text(joining.act, caller.language),
        ),
        *_config_lines(recorded, joining.member_id, _),
    ]
    await reply(update, "\n".join(lines))
    file = await certificate_file(groupement, recorded.register, joining, caller.language)
    await _send_certificate(
        update, file, _("Certificate of membership no. {number}.").format(number=joining.id)
    )


def _joining(args: Sequence[str]) -> tuple[str, date, Act] | None:
    if len(args) < 5:
        return None
    joined_on, act_day = calendar_day(args[1]), calendar_day(args[3])
    kind = ACT_WORDS.get(args[2].lower())
    if joined_on is None or kind is None or act_day is None:
        return None
    return args[0], joined_on, Act(kind, act_day, " ".join(args[4:]))


async def certificate_command(update: Update, context: ScrutinContext) -> None:
    """``/certificat MEMBRE``: the certificate of the member's latest joining."""
    caller, args = context.caller, list(context.args or [])
    if len(args) != 1:
        await _usage(update, context, CERTIFICATE)
        return
    try:
        file = await certificate_for(context.services, caller, args[0], caller.language)
    except Refused as error:
        await _refused(update, context, error)
        return
    await _send_certificate(update, file, caller._("Certificate of membership."))


async def exception_command(update: Update, context: ScrutinContext) -> None:
    """``/derogation MEMBRE R2194-8|R2194-9 JJ/MM/AAAA RÉFÉRENCE``."""
    caller, args = context.caller, list(context.args or [])
    _ = caller._
    articles = {article.value.lower(): article for article in ExceptionArticle}
    article = articles.get(args[1].lower()) if len(args) >= 4 else None
    decided_on = calendar_day(args[2]) if len(args) >= 4 else None
    if article is None or decided_on is None:
        await _usage(update, context, EXCEPTION)
        return
    try:
        recorded, exception = await record_exception(
            context.services, caller, args[0], article, decided_on, " ".join(args[3:])
        )
    except Refused as error:
        await _refused(update, context, error)
        return
    await reply(
        update,
        _(
            "Exception recorded for {member}: {exception}. Its joining can now be recorded with "
            "/adhesion."
        ).format(
            member=name_of(recorded.groupement, exception.member_id),
            exception=exception_text(exception, caller.language),
        ),
    )


async def notification_command(update: Update, context: ScrutinContext) -> None:
    """``/notification [GROUPEMENT] JJ/MM/AAAA RÉFÉRENCE``."""
    caller, args = context.caller, list(context.args or [])
    _ = caller._
    groupement_id = args.pop(0).lower() if args and calendar_day(args[0]) is None else None
    notified_on = calendar_day(args[0]) if len(args) >= 2 else None
    if notified_on is None:
        await _usage(update, context, NOTIFICATION)
        return
    try:
        recorded, notification = await record_market_notification(
            context.services, caller, groupement_id, notified_on, " ".join(args[1:])
        )
    except Refused as error:
        await _refused(update, context, error)
        return
    groupement = recorded.groupement
    lines = [
        _("Notification of the market recorded: {day} ({reference}).").format(
            day=long_date(notification.notified_on, caller.language),
            reference=notification.reference,
        )
    ]
    convention = groupement.convention
    if convention is not None and convention.closed_after_notification:
        lines.append(
            _("No new member may join now, except within R2194-8 or R2194-9: /derogation.")
        )
    end = convention.initial_end(notified_on) if convention else None
    if convention is not None and convention.term_start is None and end is not None:
        lines.append(_("The convention ends on {day}.").format(day=long_date(end, caller.language)))
    await reply(update, "\n".join(lines))


async def withdrawal_command(update: Update, context: ScrutinContext) -> None:
    """``/retrait MEMBRE JJ/MM/AAAA MOYEN [RÉFÉRENCE]``: a request received."""
    caller, args = context.caller, list(context.args or [])
    _ = caller._
    received_on = calendar_day(args[1]) if len(args) >= 3 else None
    means = MEANS_WORDS.get(args[2].lower()) if len(args) >= 3 else None
    if received_on is None or means is None:
        await _usage(update, context, WITHDRAWAL)
        return
    try:
        recorded, request = await record_withdrawal_request(
            context.services, caller, args[0], received_on, means, " ".join(args[3:])
        )
    except Refused as error:
        await _refused(update, context, error)
        return
    await reply(
        update,
        withdrawal_line(recorded.groupement, request, caller.language)
        + "\n"
        + _(
            "Decide it with /decision_retrait {number} accepte DD/MM/YYYY EFFECT, or "
            "/decision_retrait {number} refuse DD/MM/YYYY."
        ).format(number=request.id),
    )


async def decision_command(update: Update, context: ScrutinContext) -> None:
    """``/decision_retrait N accepte|refuse JJ/MM/AAAA [EFFET] [RÉFÉRENCE]``."""
    caller, args = context.caller, list(context.args or [])
    parsed = _decision(args)
    if parsed is None:
        await _usage(update, context, DECISION)
        return
    request_id, accepted, decided_on, effective_on, reference = parsed
    try:
        recorded, request = await decide_withdrawal(
            context.services, caller, request_id, accepted, decided_on, effective_on, reference
        )
    except Refused as error:
        await _refused(update, context, error)
        return
    lines = [
        withdrawal_line(recorded.groupement, request, caller.language),
        *_config_lines(recorded, request.member_id, caller._),
    ]
    await reply(update, "\n".join(lines))


def _decision(args: Sequence[str]) -> tuple[int, bool, date, date | None, str] | None:
    if len(args) < 3:
        return None
    request_id, word, decided_on = number(args[0]), args[1].lower(), calendar_day(args[2])
    if request_id is None or decided_on is None or word not in ACCEPT_WORDS | REFUSE_WORDS:
        return None
    if word in REFUSE_WORDS:
        return request_id, False, decided_on, None, " ".join(args[3:])
    effective_on = calendar_day(args[3]) if len(args) >= 4 else None
    if effective_on is None:
        return None
    return request_id, True, decided_on, effective_on, " ".join(args[4:])


async def register_command(update: Update, context: ScrutinContext) -> None:
    """``/registre [GROUPEMENT]``: joinings, withdrawals and exceptions, as recorded."""
    args = list(context.args or [])
    try:
        groupement, register = await register_of(
            context.services, context.caller, args[0].lower() if args else None
        )
    except Refused as error:
        await _refused(update, context, error)
        return
    for part in register_messages(groupement, register, context.caller.language):
        await reply(update, part)


async def convention_command(update: Update, context: ScrutinContext) -> None:
    """``/convention [GROUPEMENT]``: signature, term, amendments, withdrawal window."""
    args = list(context.args or [])
    try:
        groupement, register = await register_of(
            context.services, context.caller, args[0].lower() if args else None
        )
    except Refused as error:
        await _refused(update, context, error)
        return
    today = local_day(context.services.clock(), groupement.groupement.tzinfo)
    notified = register.notification.notified_on if register.notification else None
    await reply(update, convention_text(groupement, today, notified, context.caller.language))


def _coordinator_command(
    name: str, alias: str, description: str, handler: Handler, arguments: str, rank: int
) -> Command:
    return Command(
        name,
        alias,
        Access.COORDINATOR,
        description,
        handler,
        arguments=arguments,
        place=Place.PRIVATE,
        wrong_place=PRIVATE_ONLY,
        rank=rank,
    )


JOIN = _coordinator_command(
    "adhesion",
    "join",
    N_("record a member's joining, with its act; gives the certificate"),
    join_command,
    N_("MEMBER DD/MM/YYYY ACT DD/MM/YYYY REFERENCE"),
    80,
)
CERTIFICATE = _coordinator_command(
    "certificat",
    "certificate",
    N_("the certificate of membership of a member (PDF)"),
    certificate_command,
    N_("MEMBER"),
    81,
)
EXCEPTION = _coordinator_command(
    "derogation",
    "exception",
    N_("record an R2194-8/9 exception for a joining after the market's notification"),
    exception_command,
    N_("MEMBER R2194-8|R2194-9 DD/MM/YYYY REFERENCE"),
    82,
)
NOTIFICATION = _coordinator_command(
    "notification",
    "market_notified",
    N_("record the day the market was notified"),
    notification_command,
    N_("[GROUPEMENT] DD/MM/YYYY REFERENCE"),
    83,
)
WITHDRAWAL = _coordinator_command(
    "retrait",
    "withdrawal",
    N_("record a member's withdrawal request"),
    withdrawal_command,
    N_("MEMBER DD/MM/YYYY recommande|lettre|courriel|autre [REFERENCE]"),
    84,
)
DECISION = _coordinator_command(
    "decision_retrait",
    "withdrawal_decision",
    N_("record the decision on a withdrawal request, with its effect"),
    decision_command,
    N_("NUMBER accepte DD/MM/YYYY EFFECT|refuse DD/MM/YYYY [REFERENCE]"),
    85,
)
REGISTER = Command(
    "registre",
    "register",
    Access.KNOWN,
    N_("the membership register: joinings and withdrawals"),
    register_command,
    arguments=N_("[GROUPEMENT]"),
    rank=26,
)
CONVENTION = Command(
    "convention",
    "convention",
    Access.KNOWN,
    N_("the convention's dates: term, amendments, withdrawal window"),
    convention_command,
    arguments=N_("[GROUPEMENT]"),
    rank=27,
)
COMMANDS = (JOIN, CERTIFICATE, EXCEPTION, NOTIFICATION, WITHDRAWAL, DECISION, REGISTER, CONVENTION)
