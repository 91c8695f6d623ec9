"""The bot's messages about meetings: convocations, replies, attendance, live quorum, reminders.

Pure functions from domain values to text and keyboards, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import HolderButton, ReplyButton
from config.models import Groupement
from meetings.meeting import Attendance, Meeting, Reply, ReplyKind
from meetings.secretariat import LiveQuorum
from meetings.wording.formats import members as members_text
from meetings.wording.formats import moment as format_moment
from meetings.wording.formats import voices
from meetings.wording.formats import weight as format_weight
from meetings.wording.i18n import N_, Translator


def when(meeting: Meeting, groupement: Groupement, language: str) -> str:
    return format_moment(meeting.plan.starts_at, language, groupement.groupement.tzinfo)


def meeting_heading(meeting: Meeting, groupement: Groupement, language: str, _: Translator) -> str:
    instance = groupement.instance(meeting.plan.instance_id)
    return _("Meeting no. {number} — {instance}, {groupement}").format(
        number=meeting.id, instance=instance.name, groupement=groupement.name
    )


def details(meeting: Meeting, groupement: Groupement, language: str, _: Translator) -> list[str]:
    """Date, place or link, agenda: what every message about the meeting repeats."""
    lines = [when(meeting, groupement, language).capitalize()]
    if meeting.plan.place:
        lines.append(_("Place: {place}").format(place=meeting.plan.place))
    if meeting.plan.video_link:
        lines.append(_("Video: {link}").format(link=meeting.plan.video_link))
    if meeting.plan.agenda:
        lines.append(_("Agenda:"))
        for number, item in enumerate(meeting.plan.agenda, start=1):
            line = f"{number}. {item.title}"
            if item.motion:
                line += " — " + _("vote: {motion}").format(motion=item.motion)
            lines.append(line)
    return lines


def convocation_text(
    meeting: Meeting,
    groupement: Groupement,
    participant: str,
    weight: Decimal | None,
    language: str,
    _: Translator,
) -> str:
    lines = ["📅 " + _("Convocation") + " — " + meeting_heading(meeting, groupement, language, _)]
    lines += details(meeting, groupement, language, _)
    lines.append("")
    if meeting.second_convocation:
        lines.append(
            _(
                "Second convocation: the quorum was not reached at the first meeting; "
                "the instance now deliberates whatever the number present."
            )
        )
    if meeting.urgent and meeting.urgency_reason:
        lines.append(
            _("Urgent convocation, with shortened notice: {reason}").format(
                reason=meeting.urgency_reason
            )
        )
    if weight is None:
        lines.append(_("You are convened for: {participant}.").format(participant=participant))
    else:
        lines.append(
            _("You are convened for: {participant} ({weight}).").format(
                participant=participant, weight=voices(weight, language)
            )
        )
    lines.append(_("Please tell us whether you will attend:"))
    return "\n".join(lines)


REPLY_LABELS = {
    ReplyKind.PRESENT: N_("Present"),
    ReplyKind.VIDEO: N_("Present by video"),
    ReplyKind.EXCUSED: N_("Excused"),
    ReplyKind.PROXY: N_("Give my proxy to…"),
}


def reply_label(kind: ReplyKind, _: Translator) -> str:
    return _(REPLY_LABELS[kind])


def reply_keyboard(
    meeting: Meeting,
    index: int,
    *,
    advisory: bool,
    proxies_allowed: bool,
    chosen: ReplyKind | None,
    _: Translator,
) -> InlineKeyboardMarkup:
    kinds = [ReplyKind.PRESENT, ReplyKind.VIDEO, ReplyKind.EXCUSED]
    if proxies_allowed and not advisory:
        kinds.append(ReplyKind.PROXY)
    buttons = [
        InlineKeyboardButton(
            ("✅ " if kind is chosen else "") + reply_label(kind, _),
            callback_data=ReplyButton(meeting.id, advisory, index, kind.value).encode(),
        )
        for kind in kinds
    ]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:]])


def holders_keyboard(
    meeting: Meeting, giver_index: int, holders: Sequence[tuple[int, str]], _: Translator
) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                name, callback_data=HolderButton(meeting.id, giver_index, i).encode()
            )
        ]
        for i, name in holders
    ]
    rows.append(
        [
            InlineKeyboardButton(
                _("Back"),
                callback_data=ReplyButton(meeting.id, False, giver_index, "proxy").encode(),
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


def reply_confirmation(reply: Reply, holder_name: str | None, language: str, _: Translator) -> str:
    if reply.kind is ReplyKind.PROXY:
        return _(
            "Your reply: proxy given to {holder}. You may change it until the session opens."
        ).format(holder=holder_name)
    return _("Your reply: {reply}. You may change it until the session opens.").format(
        reply=reply_label(reply.kind, _).lower()
    )


def quorum_text(live: LiveQuorum, language: str, _: Translator) -> str:
    """ "Quorum atteint : 8 membres sur 10, 12 voix sur 15 — requis : 5 membres et 7,5 voix"."""
    report = live.report
    figures = _("{members} out of {total_members}, {weight} out of {total_weight}").format(
        members=members_text(report.members, language),
        total_members=report.total_members,
        weight=voices(report.weight, language),
        total_weight=format_weight(report.total_weight, language),
    )
    required: list[str] = []
    if report.required_members is not None:
        required.append(members_text(report.required_members, language))
    if report.required_weight is not None:
        required.append(voices(report.required_weight, language))
    needed = _(" and ").join(required)
    if report.second_convocation:
        return _("Second convocation, no quorum required: {figures}").format(figures=figures)
    if not report.required:
        return _("No quorum required: {figures}").format(figures=figures)
    if report.met:
        return _("Quorum reached: {figures} — required: {needed}").format(
            figures=figures, needed=needed
        )
    return "⚠️ " + _("Quorum not reached: {figures} — required: {needed}").format(
        figures=figures, needed=needed
    )


def _names(
    groupement: Groupement, ids: Sequence[str], weights: Mapping[str, Decimal], language: str
) -> str:
    parts = []
    for member in ids:
        name = (
            groupement.member(member).name
            if member in {m.id for m in groupement.members}
            else member
        )
        weight = weights.get(member)
        parts.append(name if weight is None else f"{name} ({format_weight(weight, language)})")
    return ", ".join(parts) if parts else "—"


def attendance_text(
    meeting: Meeting,
    groupement: Groupement,
    members: Sequence[str],
    weights: Mapping[str, Decimal],
    replies: Mapping[str, Reply],
    attendance: Attendance | None,
    live: LiveQuorum | None,
    language: str,
    _: Translator,
) -> str:
    """Replies before the session, or who is here during it; the quorum in figures."""
    lines = [meeting_heading(meeting, groupement, language, _), when(meeting, groupement, language)]
    proxies = {
        m: r.proxy_holder
        for m, r in replies.items()
        if r.kind is ReplyKind.PROXY and r.proxy_holder
    }
    if attendance is None:
        by_kind: dict[ReplyKind, list[str]] = {kind: [] for kind in ReplyKind}
        for member in members:
            if member in replies:
                by_kind[replies[member].kind].append(member)
        silent = [m for m in members if m not in replies]
        lines += [
            _("Present: {names}").format(
                names=_names(groupement, by_kind[ReplyKind.PRESENT], weights, language)
            ),
            _("By video: {names}").format(
                names=_names(groupement, by_kind[ReplyKind.VIDEO], weights, language)
            ),
            _("Excused: {names}").format(
                names=_names(groupement, by_kind[ReplyKind.EXCUSED], weights, language)
            ),
            _("No reply yet: {names}").format(names=_names(groupement, silent, weights, language)),
        ]
    else:
        here = [m for m in members if m in attendance.present]
        absent = [m for m in members if m not in attendance.present]
        lines += [
            _("In the session: {names}").format(names=_names(groupement, here, weights, language)),
            _("Not in the session: {names}").format(
                names=_names(groupement, absent, weights, language)
            ),
        ]
    if proxies:
        lines.append(_("Proxies:"))
        for giver, holder in proxies.items():
            lines.append(f"• {groupement.member(giver).name} → {groupement.member(holder).name}")
    if live is not None:
        lines.append("")
        if attendance is None:
            lines.append(_("Forecast from the replies:"))
        lines.append(quorum_text(live, language, _))
    return "\n".join(lines)


def reminder_text(
    meeting: Meeting, groupement: Groupement, replied: bool, language: str, _: Translator
) -> str:
    lines = ["⏰ " + _("Reminder") + " — " + meeting_heading(meeting, groupement, language, _)]
    lines += details(meeting, groupement, language, _)
    if not replied:
        lines.append("")
        lines.append(_("You have not replied yet: will you attend?"))
    return "\n".join(lines)
