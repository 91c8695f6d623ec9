"""What the membership register and the convention's dates say: the register as members and
coordinators read it, the answers to the coordinator's records, and the reminders of a
term's end or a withdrawal window's close."""

from __future__ import annotations

from datetime import date

from config.convention import Convention
from config.models import Groupement
from meetings.membership import (
    Act,
    ActKind,
    Joining,
    JoiningException,
    Register,
    WithdrawalMeans,
    WithdrawalRequest,
)
from meetings.wording.formats import long_date, name_of
from meetings.wording.i18n import N_, Translator, translator
from meetings.wording.messages.results import MESSAGE_LIMIT, packed

ACT_KINDS: dict[ActKind, str] = {
    ActKind.DELIBERATION: N_("deliberation"),
    ActKind.DECREE: N_("decree"),
    ActKind.DECISION: N_("decision"),
    ActKind.CERTIFICATE: N_("signed certificate of membership"),
}
MEANS: dict[WithdrawalMeans, str] = {
    WithdrawalMeans.RECORDED_LETTER: N_("recorded letter with acknowledgement of receipt"),
    WithdrawalMeans.LETTER: N_("letter"),
    WithdrawalMeans.EMAIL: N_("e-mail"),
    WithdrawalMeans.OTHER: N_("other means"),
}

REGISTER_REFUSALS: dict[str, str] = {
    "membership.not_configured": N_(
        "“{member}” is not a member in the groupement's configuration: add it to the file first."
    ),
    "membership.already_member": N_("This member is already in the register, since {since}."),
    "membership.joining_closed": N_(
        "The market was notified on {notified_on}: no new member may join, except within "
        "articles R2194-8 or R2194-9 of the code de la commande publique. Record that exception "
        "first with /derogation."
    ),
    "membership.withdrawal_pending": N_(
        "Request no. {number} of this member awaits its decision: /decision_retrait {number}."
    ),
    "membership.no_such_withdrawal": N_("There is no withdrawal request no. {number} among yours."),
    "membership.already_decided": N_("Request no. {number} is already decided."),
    "membership.effect_too_early": N_(
        "Request no. {number} can take effect on {earliest} at the earliest."
    ),
    "membership.already_notified": N_(
        "The market's notification is already recorded: {notified_on}."
    ),
    "membership.no_joining": N_("The register has no joining of {member}."),
    "membership.member_withdrew": N_(
        "{member} withdrew from the groupement on {day}: no certificate says it is a member."
    ),
    "unknown_groupement": N_("Name one of your groupements: “{groupement}” is not one."),
}
"""What a refusal of the register says (the table of :mod:`meetings.wording.refusals` does
not know these codes: the bot and the command line pass this one)."""


def act_text(act: Act, language: str) -> str:
    """``délibération du 15 février 2026, référence CP-2026-12``."""
    _ = translator(language)
    return _("{kind} of {day}, reference {reference}").format(
        kind=_(ACT_KINDS[act.kind]), day=long_date(act.day, language), reference=act.reference
    )


def exception_text(exception: JoiningException, language: str) -> str:
    _ = translator(language)
    return _(
        "exception of article {article} of the code de la commande publique, decided on "
        "{day}, reference {reference}"
    ).format(
        article=exception.article.value,
        day=long_date(exception.decided_on, language),
        reference=exception.reference,
    )


def joining_line(groupement: Groupement, joining: Joining, language: str) -> str:
    _ = translator(language)
    line = _("{member} joined on {day}, by {act} (certificate no. {number})").format(
        member=name_of(groupement, joining.member_id),
        day=long_date(joining.joined_on, language),
        act=act_text(joining.act, language),
        number=joining.id,
    )
    if joining.exception is not None:
        line = _("{joining}; {exception}").format(
            joining=line, exception=exception_text(joining.exception, language)
        )
    return line


def withdrawal_line(groupement: Groupement, request: WithdrawalRequest, language: str) -> str:
    _ = translator(language)
    line = _("Request no. {number} of {member}, received on {day} by {means}").format(
        number=request.id,
        member=name_of(groupement, request.member_id),
        day=long_date(request.received_on, language),
        means=_(MEANS[request.means]),
    )
    if request.reference:
        line += f" ({request.reference})"
    return _("{request}: {state}").format(request=line, state=_state(request, language))


def _state(request: WithdrawalRequest, language: str) -> str:
    _ = translator(language)
    decision = request.decision
    if decision is None:
        state = _("awaiting the coordinator's decision")
        if request.earliest_effect is not None:
            state += " " + _("(effective on {day} at the earliest)").format(
                day=long_date(request.earliest_effect, language)
            )
        return state
    if decision.accepted and decision.effective_on is not None:
        state = _("accepted on {day}, effective on {effect}").format(
            day=long_date(decision.decided_on, language),
            effect=long_date(decision.effective_on, language),
        )
    else:
        state = _("refused on {day}").format(day=long_date(decision.decided_on, language))
    if decision.reference:
        state += f" ({decision.reference})"
    return state


def register_text(groupement: Groupement, register: Register, language: str) -> str:
    """The whole register of one groupement in one text, as the command line prints it."""
    return "\n".join(line for line, _continued in _register_rows(groupement, register, language))


def register_messages(groupement: Groupement, register: Register, language: str) -> tuple[str, ...]:
    """The register as ``/registre`` sends it: in as many messages as Telegram's 4,096
    characters need (an academy's communes are hundreds); a message that starts within a
    list says which list it continues."""
    rows = _register_rows(groupement, register, language)
    return tuple("\n".join(part).strip("\n") for part in packed(rows, MESSAGE_LIMIT))


def _register_rows(
    groupement: Groupement, register: Register, language: str
) -> list[tuple[str, str]]:
    """The register's lines, each with the heading a message starting at it repeats."""
    _ = translator(language)
    rows = [(_("Membership register of {groupement}").format(groupement=groupement.name), "")]
    notification = register.notification
    if notification is not None:
        rows.append(
            (
                _("Market notified on {day} ({reference}).").format(
                    day=long_date(notification.notified_on, language),
                    reference=notification.reference,
                ),
                "",
            )
        )
    joinings = [f"• {joining_line(groupement, j, language)}" for j in register.joinings]
    rows += _list_rows(_("Joinings:"), _("Joinings (continued):"), joinings, _)
    withdrawals = [f"• {withdrawal_line(groupement, w, language)}" for w in register.withdrawals]
    rows += _list_rows(_("Withdrawals:"), _("Withdrawals (continued):"), withdrawals, _)
    waiting = [
        "• "
        + _("{member}: {exception}").format(
            member=name_of(groupement, e.member_id), exception=exception_text(e, language)
        )
        for e in register.exceptions
        if e.used_by is None
    ]
    if waiting:
        rows += _list_rows(
            _("Exceptions awaiting their joining:"),
            _("Exceptions awaiting their joining (continued):"),
            waiting,
            _,
        )
    return rows


def _list_rows(
    heading: str, continued: str, lines: list[str], _: Translator
) -> list[tuple[str, str]]:
    """A list after a blank line under its heading; "none recorded" when it is empty."""
    rows = [("", ""), (heading, "")]
    if not lines:
        return [*rows, ("• " + _("none recorded"), continued)]
    return rows + [(line, continued) for line in lines]


def convention_text(
    groupement: Groupement, today: date, notified: date | None, language: str
) -> str:
    """The convention's dates as ``/convention`` shows them."""
    _ = translator(language)
    convention = groupement.convention
    if convention is None:
        return _("The configuration of {groupement} gives no date of its convention.").format(
            groupement=groupement.name
        )
    lines = [
        convention.title or groupement.name,
        _("Source: {source}").format(source=convention.source),
    ]
    if convention.signed is not None:
        lines.append(_("Signed on {day}.").format(day=long_date(convention.signed, language)))
    lines += _term_lines(convention, today, notified, language)
    for amendment in convention.amendments:
        line = _("Amendment no. {number} of {day}").format(
            number=amendment.number, day=long_date(amendment.date, language)
        )
        if amendment.new_end is not None:
            line += ": " + _("end moved to {day}").format(
                day=long_date(amendment.new_end, language)
            )
        lines.append(f"• {line}")
    if not convention.amendable:
        lines.append(_("The convention cannot be amended while it is in force."))
    lines += _withdrawal_lines(convention, today, language)
    return "\n".join(lines)


def _term_lines(
    convention: Convention, today: date, notified: date | None, language: str
) -> list[str]:
    _ = translator(language)
    start = convention.start(notified)
    end = convention.end_in_force(today, notified)
    if start is None and convention.term_months is not None:
        return [
            _("The term starts when the market is notified, for {months} months.").format(
                months=convention.term_months
            )
        ]
    if end is None:
        return []
    return [_("In force until {day}.").format(day=long_date(end, language))]


def _withdrawal_lines(convention: Convention, today: date, language: str) -> list[str]:
    _ = translator(language)
    rule = convention.withdrawal
    if rule is None:
        return []
    lines: list[str] = []
    if rule.means == "recorded_letter":
        lines.append(_("A member withdraws by a recorded letter to the coordinator."))
    for closes, effect in rule.next_closes(today, 1):
        lines.append(
            _("A withdrawal from {effect} must be asked for by {closes}.").format(
                effect=long_date(effect, language), closes=long_date(closes, language)
            )
        )
    return lines


def term_end_reminder(groupement: Groupement, end: date, months: int, language: str) -> str:
    _ = translator(language)
    return "⏰ " + _.ngettext(
        "Reminder: the convention of {groupement} ends on {day}, in {n} month. An amendment "
        "can extend it; the members decide it in time.",
        "Reminder: the convention of {groupement} ends on {day}, in {n} months. An amendment "
        "can extend it; the members decide it in time.",
        months,
    ).format(groupement=groupement.name, day=long_date(end, language), n=months)


def withdrawal_window_reminder(
    groupement: Groupement, closes: date, effect: date, months: int, language: str
) -> str:
    _ = translator(language)
    return "⏰ " + _.ngettext(
        "Reminder: in {n} month, on {day}, the window closes for the members of {groupement} "
        "to ask to withdraw from {effect}.",
        "Reminder: in {n} months, on {day}, the window closes for the members of {groupement} "
        "to ask to withdraw from {effect}.",
        months,
    ).format(
        groupement=groupement.name,
        day=long_date(closes, language),
        effect=long_date(effect, language),
        n=months,
    )
