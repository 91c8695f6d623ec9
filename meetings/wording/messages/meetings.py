"""The messages about meetings: convocations and their buttons, replies, changes, reminders,
attendance and the live quorum.

Pure functions from domain values to a :class:`~meetings.notifier.Message` or a text, in the
reader's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from config.models import Groupement
from meetings.buttons import HolderButton, ReplyButton
from meetings.meeting import Attendance, Meeting, Reply, ReplyKind
from meetings.notice import LateDelivery
from meetings.notifier import Button, Keyboard, Message
from meetings.quorum import LiveQuorum
from meetings.scope import MeetingScope
from meetings.wording.formats import (
    Name,
    capitalized,
    clear_days,
    members,
    moment,
    name_of,
    voices,
    weight,
)
from meetings.wording.i18n import N_, translator

CONVOCATION_CAPTION = 1024 - 200
"""Telegram's caption limit, less room for the reply a press writes under the convocation."""

REPLY_LABELS = {
    ReplyKind.PRESENT: N_("Present"),
    ReplyKind.VIDEO: N_("Present by video"),
    ReplyKind.EXCUSED: N_("Excused"),
    ReplyKind.PROXY: N_("Give my proxy to…"),
}


def when(meeting: Meeting, groupement: Groupement, language: str) -> str:
    return moment(meeting.plan.starts_at, language, groupement.groupement.tzinfo)


def meeting_heading(meeting: Meeting, groupement: Groupement, language: str) -> str:
    """``Réunion n° 1 — Comité de gouvernance, Groupement de commandes ENT Grand Est``."""
    _ = translator(language)
    return _("Meeting no. {number} — {instance}, {groupement}").format(
        number=meeting.id,
        instance=groupement.instance(meeting.plan.instance_id).name,
        groupement=groupement.name,
    )


def listing_line(meeting: Meeting, groupement: Groupement, language: str) -> str:
    """``• n° 3 — Comité de gouvernance, mardi 15 décembre 2026 à 14 h 00``."""
    _ = translator(language)
    return _("• no. {number} — {instance}, {moment}").format(
        number=meeting.id,
        instance=groupement.instance(meeting.plan.instance_id).name,
        moment=when(meeting, groupement, language),
    )


def details(
    meeting: Meeting, groupement: Groupement, language: str, agenda_shown: int | None = None
) -> list[str]:
    """Date, place or link, agenda: what every message about the meeting repeats.

    ``agenda_shown``: show only the first items of the agenda, and say how many more there are
    (a caption too short for all of them; the .ics always carries the whole agenda).
    """
    _ = translator(language)
    lines = [capitalized(when(meeting, groupement, language))]
    if meeting.plan.place:
        lines.append(_("Place: {place}").format(place=meeting.plan.place))
    if meeting.plan.video_link:
        lines.append(_("Video: {link}").format(link=meeting.plan.video_link))
    agenda = meeting.plan.agenda
    if agenda:
        lines.append(_("Agenda:"))
        shown = len(agenda) if agenda_shown is None else min(agenda_shown, len(agenda))
        for number, item in enumerate(agenda[:shown], start=1):
            line = f"{number}. {item.title}"
            if item.motion:
                line += " — " + _("vote: {motion}").format(motion=item.motion)
            lines.append(line)
        if shown < len(agenda):
            more = len(agenda) - shown
            lines.append(
                _.ngettext(
                    "… and {n} more item: the whole agenda is in the attached calendar file.",
                    "… and {n} more items: the whole agenda is in the attached calendar file.",
                    more,
                ).format(n=more)
            )
    return lines


def fitted(write: Callable[[int | None], str], agenda_size: int, limit: int) -> str:
    """The text ``write(agenda_shown)`` with as much of the agenda as fits in ``limit``
    characters: the whole of it if it fits, else the first items; cut as a last resort."""
    text = write(None)
    shown = agenda_size
    while len(text) > limit and shown > 0:
        shown -= 1
        text = write(shown)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def convocation_text(
    meeting: Meeting,
    groupement: Groupement,
    participant: Name,
    amount: Decimal | None,
    language: str,
    moved_from: datetime | None = None,
    agenda_shown: int | None = None,
    documents: Sequence[str] = (),
) -> str:
    """``documents``: the lines that list the documents sent with it."""
    _ = translator(language)
    heading = meeting_heading(meeting, groupement, language)
    lines = [
        "📅 " + _("Convocation") + " — " + heading,
        *details(meeting, groupement, language, agenda_shown),
    ]
    if documents:
        lines += ["", *documents]
    lines.append("")
    if moved_from is not None:
        earlier = moment(moved_from, language, groupement.groupement.tzinfo)
        lines.append(
            _("🔁 The meeting is moved: this convocation replaces the one for {moment}.").format(
                moment=earlier
            )
        )
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
    if amount is None:
        lines.append(_("You are convened for: {participant}.").format(participant=participant))
    else:
        lines.append(
            _("You are convened for: {participant} ({weight}).").format(
                participant=participant, weight=voices(amount, language)
            )
        )
    lines.append(_("Please tell us whether you will attend:"))
    return "\n".join(lines)


def reply_label(kind: ReplyKind, language: str) -> str:
    return translator(language)(REPLY_LABELS[kind])


def reply_keyboard(
    meeting: Meeting,
    index: int,
    *,
    advisory: bool,
    proxies_allowed: bool,
    chosen: ReplyKind | None,
    language: str,
) -> Keyboard:
    kinds = [ReplyKind.PRESENT, ReplyKind.VIDEO, ReplyKind.EXCUSED]
    if proxies_allowed and not advisory:
        kinds.append(ReplyKind.PROXY)
    buttons = tuple(
        Button(
            ("✅ " if kind is chosen else "") + reply_label(kind, language),
            ReplyButton(meeting.id, advisory, index, kind.value).encode(),
        )
        for kind in kinds
    )
    return (buttons[:2], buttons[2:])


def holders_keyboard(
    meeting: Meeting, giver_index: int, holders: Sequence[tuple[int, Name]], language: str
) -> Keyboard:
    rows = [
        (Button(str(name), HolderButton(meeting.id, giver_index, index).encode()),)
        for index, name in holders
    ]
    back = ReplyButton(meeting.id, False, giver_index, ReplyKind.PROXY.value).encode()
    _ = translator(language)
    rows.append((Button(_("Back"), back),))
    return tuple(rows)


def reply_confirmation(reply: Reply, holder: Name | None, language: str) -> str:
    _ = translator(language)
    if reply.kind is ReplyKind.PROXY:
        return _(
            "Your reply: proxy given to {holder}. You may change it until the session opens."
        ).format(holder=holder)
    return _("Your reply: {reply}. You may change it until the session opens.").format(
        reply=reply_label(reply.kind, language).lower()
    )


def convocation(
    meeting: Meeting,
    scope: MeetingScope,
    participant: str,
    advisory: bool,
    reply: Reply | None,
    language: str,
    moved_from: datetime | None = None,
    documents: Sequence[str] = (),
) -> Message:
    """A person's convocation: the meeting, for whom, its documents, and the reply buttons.

    It is the caption of the meeting's .ics (one request per person), so it fits in
    :data:`CONVOCATION_CAPTION`: a long agenda shows its first items and says the rest is in
    the calendar file.
    """
    group = scope.advisory if advisory else scope.members

    def write(agenda_shown: int | None) -> str:
        return convocation_text(
            meeting,
            scope.groupement,
            name_of(scope.groupement, participant),
            None if advisory else scope.weights.get(participant),
            language,
            moved_from,
            agenda_shown,
            documents,
        )

    keyboard = reply_keyboard(
        meeting,
        group.index(participant),
        advisory=advisory,
        proxies_allowed=scope.voting,
        chosen=reply.kind if reply else None,
        language=language,
    )
    return Message(fitted(write, len(meeting.plan.agenda), CONVOCATION_CAPTION), keyboard)


def change_notice(meeting: Meeting, groupement: Groupement, moved: bool, language: str) -> str:
    """To each person convened: the meeting moved (with its new details) or is cancelled.

    The caption of the new .ics, so it fits in :data:`CONVOCATION_CAPTION`."""
    _ = translator(language)
    heading = meeting_heading(meeting, groupement, language)
    if not moved:
        return "❌ " + _("The meeting is cancelled") + " — " + heading

    def write(agenda_shown: int | None) -> str:
        return "\n".join(
            [
                "🔁 " + _("The meeting has moved") + " — " + heading,
                *details(meeting, groupement, language, agenda_shown),
            ]
        )

    return fitted(write, len(meeting.plan.agenda), CONVOCATION_CAPTION)


def group_change_notice(
    meeting: Meeting, groupement: Groupement, moved: bool, language: str
) -> str:
    _ = translator(language)
    what = "🔁 " + _("The meeting has moved") if moved else "❌ " + _("The meeting is cancelled")
    return what + " — " + meeting_heading(meeting, groupement, language)


def quorum_text(live: LiveQuorum, language: str, *, forecast: bool = False) -> str:
    """ "Quorum atteint : 8 membres sur 10, 12 voix sur 15 — requis : 5 membres et 7,5 voix".

    Before the session (``forecast``), the replies only say what the quorum would be.
    """
    _ = translator(language)
    report = live.report
    figures = _("{members} out of {total_members}, {weight} out of {total_weight}").format(
        members=members(report.members, language),
        total_members=report.total_members,
        weight=voices(report.weight, language),
        total_weight=weight(report.total_weight, language),
    )
    # A quorum not reached names only what it lacks.
    lacking = report.required and not report.met
    required: list[str] = []
    if report.required_members is not None and (not lacking or report.short_of_members):
        required.append(members(report.required_members, language))
    if report.required_weight is not None and (not lacking or report.short_of_weight):
        required.append(voices(report.required_weight, language))
    needed = _(" and ").join(required)
    if report.second_convocation:
        return _("Second convocation, no quorum required: {figures}").format(figures=figures)
    if not report.required:
        return _("No quorum required: {figures}").format(figures=figures)
    if forecast and report.met:
        text = _("From the replies, the quorum would be reached: {figures} — required: {needed}")
    elif forecast:
        text = "⚠️ " + _(
            "From the replies, the quorum would not be reached: {figures} — required: {needed}"
        )
    elif report.met:
        text = _("Quorum reached: {figures} — required: {needed}")
    else:
        text = "⚠️ " + _("Quorum not reached: {figures} — required: {needed}")
    return text.format(figures=figures, needed=needed)


def live_quorum_post(
    meeting: Meeting, groupement: Groupement, live: LiveQuorum, language: str
) -> str:
    return meeting_heading(meeting, groupement, language) + "\n" + quorum_text(live, language)


def quorum_change(met: bool, language: str) -> str:
    _ = translator(language)
    if met:
        return "✅ " + _("The quorum is reached again.")
    return "⚠️ " + _("The quorum is lost: no vote can be valid until it is reached again.")


def _names(
    groupement: Groupement, ids: Sequence[str], weights: Mapping[str, Decimal], language: str
) -> str:
    parts = []
    for member in ids:
        amount = weights.get(member)
        name = str(name_of(groupement, member))
        parts.append(name if amount is None else f"{name} ({weight(amount, language)})")
    return ", ".join(parts) if parts else "—"


def attendance_text(
    meeting: Meeting,
    scope: MeetingScope,
    replies: Mapping[str, Reply],
    proxies: Mapping[str, str],
    attendance: Attendance | None,
    live: LiveQuorum | None,
    language: str,
) -> str:
    """Replies before the session, or who is here during it; the proxies (giver -> holder);
    the quorum in figures."""
    _ = translator(language)
    groupement = scope.groupement
    lines = [meeting_heading(meeting, groupement, language), when(meeting, groupement, language)]
    if attendance is None:
        lines += _replies_lines(scope, replies, language)
    else:
        here = [m for m in scope.members if m in attendance.present]
        absent = [m for m in scope.members if m not in attendance.present]
        lines += [
            _("In the session: {names}").format(
                names=_names(groupement, here, scope.weights, language)
            ),
            _("Not in the session: {names}").format(
                names=_names(groupement, absent, scope.weights, language)
            ),
        ]
    if proxies:
        lines.append(_("Proxies:"))
        for giver, holder in proxies.items():
            lines.append(f"• {name_of(groupement, giver)} → {name_of(groupement, holder)}")
    if live is not None:
        lines.append("")
        lines.append(quorum_text(live, language, forecast=attendance is None))
    return "\n".join(lines)


def _replies_lines(scope: MeetingScope, replies: Mapping[str, Reply], language: str) -> list[str]:
    _ = translator(language)
    by_kind: dict[ReplyKind, list[str]] = {kind: [] for kind in ReplyKind}
    for member in scope.members:
        if member in replies:
            by_kind[replies[member].kind].append(member)
    silent = [m for m in scope.members if m not in replies]
    groupement, weights = scope.groupement, scope.weights
    return [
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


def reminder_text(meeting: Meeting, groupement: Groupement, replied: bool, language: str) -> str:
    _ = translator(language)
    heading = meeting_heading(meeting, groupement, language)
    lines = ["⏰ " + _("Reminder") + " — " + heading, *details(meeting, groupement, language)]
    if not replied:
        lines += ["", _("You have not replied yet: will you attend?")]
    return "\n".join(lines)


def session_closed(meeting: Meeting, groupement: Groupement, language: str) -> str:
    _ = translator(language)
    assert meeting.session_closed_at is not None
    return _("The session of meeting no. {number} is closed ({moment}).").format(
        number=meeting.id,
        moment=moment(meeting.session_closed_at, language, groupement.groupement.tzinfo),
    )


def late_convocation_lines(
    groupement: Groupement,
    number: int,
    late: Sequence[LateDelivery],
    owed: int,
    language: str,
) -> list[str]:
    """The warning to the coordinator when a re-sending reaches members after the last day to
    convene: it was sent anyway, the minutes will say so, and a move gives everyone the notice."""
    _ = translator(language)
    if not late:
        return []
    names = ", ".join(str(name_of(groupement, item.member)) for item in late)
    return [
        "⚠️ "
        + _.ngettext(
            "Too late for the notice: {members} receives the convocation with fewer than "
            "{notice} before the meeting.",
            "Too late for the notice: {members} receive the convocation with fewer than "
            "{notice} before the meeting.",
            len(late),
        ).format(members=names, notice=clear_days(owed, language)),
        _(
            "The minutes will say so. To give every member the notice, move the meeting: "
            "/reporter {number} DD/MM/YYYY HH:MM."
        ).format(number=number),
    ]
