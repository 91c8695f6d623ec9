"""Meetings in Telegram: the coming meetings, convocations and the replies to them, moves,
cancellations, second convocations, and who will come."""

from __future__ import annotations

from datetime import datetime

from telegram import CallbackQuery, InlineKeyboardMarkup, Update

from bot.arguments import URGENCY_WORDS, BadArguments, future_moment, urgency
from bot.commands import Access, ButtonRoute, Command
from bot.context import ScrutinContext
from bot.replies import alert, markup, reply
from bot.selection import chosen_meeting
from bot.telegram_limits import TEXT_LIMITS
from config.models import Groupement
from meetings.actions.cancel_meeting import cancel_meeting
from meetings.actions.convene import Convened, convene
from meetings.actions.lookups import COMING, attendance_view, meetings_in
from meetings.actions.move import Moved, move_meeting
from meetings.actions.reconvene import reconvene
from meetings.actions.reply import ReplyRecorded, current_reply, participant_at, proxy_holders
from meetings.actions.reply import reply as answer
from meetings.buttons import HOLDER_PATTERN, REPLY_PATTERN, decode_holder, decode_reply
from meetings.meeting import DeliveryFailure, Meeting, MeetingState, ReplyKind
from meetings.scope import scope_of
from meetings.wording.formats import moment, name_of
from meetings.wording.i18n import N_
from meetings.wording.messages.meetings import (
    attendance_text,
    holders_keyboard,
    late_convocation_lines,
    listing_line,
    reply_confirmation,
    reply_keyboard,
)
from meetings.wording.messages.planning import planned_text
from meetings.wording.refusals import refusal
from meetings.wording.states import meeting_state
from voting.refusal import Refused

UNCONVENED = (MeetingState.PLANNED, MeetingState.CONVENED)


async def list_meetings(update: Update, context: ScrutinContext) -> None:
    """``/reunions``: the coming meetings and their state."""
    caller = context.caller
    _ = caller._
    governance = context.services.governance
    lines = [
        listing_line(m, governance.groupement(m.plan.groupement_id), caller.language)
        + f" ({meeting_state(m.state, caller.language)})"
        for m in await meetings_in(context.services, caller.groupements, COMING)
    ]
    await reply(
        update, "\n".join([_("Coming meetings:"), *lines]) if lines else _("No meeting planned.")
    )


def _not_reached_lines(
    context: ScrutinContext,
    groupement: Groupement,
    number: int,
    unreached: tuple[tuple[str, DeliveryFailure], ...],
) -> list[str]:
    """The members the convocation did not reach, why, and how to reach them."""
    _ = context.caller._
    if not unreached:
        return []
    reasons = {
        DeliveryFailure.UNREACHABLE: _("its representative could not be reached by the bot"),
        DeliveryFailure.NO_REPRESENTATIVE: _("no representative registered"),
    }
    names = ", ".join(
        _("{member} ({reason})").format(member=name_of(groupement, m), reason=reasons[why])
        for m, why in unreached
    )
    return [
        _("Convocation not delivered to: {members}.").format(members=names),
        _(
            "Send an invitation link with /inviter to a member that has no representative, "
            "ask the others to open the bot, then send /convoquer {number} again: it goes "
            "only to those not yet reached."
        ).format(number=number),
    ]


def _convened_text(context: ScrutinContext, convened: Convened) -> str:
    caller = context.caller
    _ = caller._
    meeting = convened.meeting
    groupement = context.services.governance.groupement(meeting.plan.groupement_id)
    sent = convened.delivery.sent
    if convened.again:
        assert meeting.convened_at is not None
        zone = groupement.groupement.tzinfo
        first = _(
            "Meeting no. {number} was convened on {moment}; the convocation was sent again "
            "only to those not yet reached."
        ).format(number=meeting.id, moment=moment(meeting.convened_at, caller.language, zone))
        lines = [
            first,
            _.ngettext(
                "Sent now to {sent} person; {reached} had it already.",
                "Sent now to {sent} people; {reached} had it already.",
                sent,
            ).format(sent=sent, reached=convened.already_reached),
        ]
    else:
        lines = [
            _.ngettext(
                "Convocation for meeting no. {number} sent to {sent} person.",
                "Convocation for meeting no. {number} sent to {sent} people.",
                sent,
            ).format(number=meeting.id, sent=sent)
        ]
    if meeting.urgent:
        lines.append(
            _("Recorded as an urgent convocation: {reason}").format(reason=meeting.urgency_reason)
        )
    lines += late_convocation_lines(
        groupement, meeting.id, convened.late, convened.notice_owed, caller.language
    )
    lines += _not_reached_lines(context, groupement, meeting.id, convened.unreached)
    return "\n".join(lines)


async def convene_command(update: Update, context: ScrutinContext) -> None:
    """``/convoquer NUMÉRO [urgence MOTIF]``: send the convocation, checking the notice."""
    caller = context.caller
    meeting = await chosen_meeting(update, context, UNCONVENED, CONVENE.usage(caller.language))
    if meeting is None:
        return
    rest = (context.args or [])[1:]
    reason = " ".join(rest[1:]) if rest and rest[0].lower() in URGENCY_WORDS else None
    try:
        convened = await convene(context.services, caller, meeting.id, reason)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language, number=meeting.id))
        return
    await reply(update, _convened_text(context, convened))


async def attendance_command(update: Update, context: ScrutinContext) -> None:
    """``/presences [N]``: replies before the session, or who is here during it, and the quorum."""
    caller = context.caller
    meeting = await chosen_meeting(
        update, context, (*UNCONVENED, MeetingState.IN_SESSION), ATTENDANCE.usage(caller.language)
    )
    if meeting is None:
        return
    scope, replies, proxies, attendance, live = await attendance_view(context.services, meeting)
    text = attendance_text(meeting, scope, replies, proxies, attendance, live, caller.language)
    await reply(update, text)


async def _meeting_and_date(
    update: Update,
    context: ScrutinContext,
    states: tuple[MeetingState, ...],
    command: Command,
    more: bool = False,
) -> tuple[Meeting, datetime] | None:
    """``N JJ/MM/AAAA HH:MM``: the meeting and a future wall-clock time; else explain.

    ``more``: further arguments may follow the time (the caller reads them).
    """
    _ = context.caller._
    args = context.args or []
    usage = command.usage(context.caller.language)
    if not (len(args) == 3 or (more and len(args) > 3)) or not args[0].isdigit():
        await reply(update, _("Usage: {usage}").format(usage=usage))
        return None
    meeting = await chosen_meeting(update, context, states, usage)
    if meeting is None:
        return None
    zone = scope_of(context.services.governance, meeting).zone
    starts_at = future_moment(f"{args[1]} {args[2]}", context.services.clock(), zone)
    if starts_at is None:
        await reply(update, _("I could not read a future date. Send it as DD/MM/YYYY HH:MM."))
        return None
    return meeting, starts_at


def _moved_text(context: ScrutinContext, moved: Moved) -> str:
    caller = context.caller
    _ = caller._
    meeting = moved.meeting
    groupement = context.services.governance.groupement(meeting.plan.groupement_id)
    zone = groupement.groupement.tzinfo
    lines = [
        _("Meeting no. {number} moved to {moment}.").format(
            number=meeting.id, moment=moment(meeting.plan.starts_at, caller.language, zone)
        )
    ]
    if moved.was_convened:
        lines.append(
            _.ngettext(
                "New convocation sent to {told} person, with the updated calendar file.",
                "New convocation sent to {told} people, with the updated calendar file.",
                moved.told,
            ).format(told=moved.told)
        )
        if meeting.urgent:
            lines.append(
                _("Recorded as an urgent convocation: {reason}").format(
                    reason=meeting.urgency_reason
                )
            )
        lines += _not_reached_lines(context, groupement, meeting.id, moved.unreached)
    return "\n".join(lines)


MOVE_REFUSALS = {
    "late_convocation": N_(
        "Moving the meeting sends a new convocation, and this date is too late for its "
        "notice: {actual_days} before the meeting, {needed_days} required (last day to convene: "
        "{last_day}). Choose a later date, or move it in an emergency: "
        "/reporter {number} DD/MM/YYYY HH:MM urgence REASON; the minutes will record it."
    ),
    "urgency_without_reason": N_(
        "An urgent convocation states its reason, which the minutes record: "
        "/reporter {number} DD/MM/YYYY HH:MM urgence REASON."
    ),
    "late_urgent_convocation": N_(
        "Even in an emergency, the new convocation needs {needed_days} of notice; this date "
        "leaves only {actual_days} (last day to convene: {last_day}). Choose a later date."
    ),
    "late_urgent_convocation_none": N_(
        "Even in an emergency, the new convocation needs {needed_days} of notice, and this "
        "date leaves none (last day to convene: {last_day}). Choose a later date."
    ),
}


async def move_command(update: Update, context: ScrutinContext) -> None:
    """``/reporter N JJ/MM/AAAA HH:MM [urgence MOTIF]``: move a meeting, convening it anew."""
    found = await _meeting_and_date(update, context, UNCONVENED, MOVE, more=True)
    if found is None:
        return
    meeting, starts_at = found
    language = context.caller.language
    try:
        reason = urgency((context.args or [])[3:])
    except BadArguments:
        await reply(update, context.caller._("Usage: {usage}").format(usage=MOVE.usage(language)))
        return
    try:
        moved = await move_meeting(context.services, context.caller, meeting.id, starts_at, reason)
    except Refused as refused:
        await reply(update, refusal(refused, language, MOVE_REFUSALS, number=meeting.id))
        return
    await reply(update, _moved_text(context, moved))


async def cancel_meeting_command(update: Update, context: ScrutinContext) -> None:
    """``/annuler_reunion N``: cancel a meeting; everyone convened is told."""
    caller = context.caller
    meeting = await chosen_meeting(update, context, UNCONVENED, CANCEL.usage(caller.language))
    if meeting is None:
        return
    try:
        cancelled = await cancel_meeting(context.services, caller, meeting.id)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language, number=meeting.id))
        return
    await reply(
        update,
        caller._("Meeting no. {number} is cancelled; {told} people were told.").format(
            number=cancelled.meeting.id, told=cancelled.told
        ),
    )


async def reconvene_command(update: Update, context: ScrutinContext) -> None:
    """``/reconvoquer N JJ/MM/AAAA HH:MM``: second convocation, same agenda, no quorum."""
    held = (MeetingState.IN_SESSION, MeetingState.CLOSED)
    found = await _meeting_and_date(update, context, held, RECONVENE)
    if found is None:
        return
    meeting, starts_at = found
    caller = context.caller
    _ = caller._
    try:
        planned = await reconvene(context.services, caller, meeting.id, starts_at)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language, number=meeting.id))
        return
    await reply(
        update,
        _(
            "Second convocation planned as meeting no. {number}, same agenda, without quorum."
        ).format(number=planned.meeting.id)
        + "\n"
        + planned_text(planned.meeting, planned.notice, caller.language),
    )


# --- replies to a convocation -----------------------------------------------------------


def _shows_holders(query: CallbackQuery) -> bool:
    """Whether the pressed message shows the list of proxy holders (not the reply buttons)."""
    shown = getattr(query.message, "reply_markup", None)
    return isinstance(shown, InlineKeyboardMarkup) and any(
        HOLDER_PATTERN.match(str(b.callback_data)) for row in shown.inline_keyboard for b in row
    )


async def reply_pressed(update: Update, context: ScrutinContext) -> None:
    """A reply to a convocation: present, by video, excused, or "give my proxy to…"."""
    query = update.callback_query
    caller = context.caller
    code = decode_reply(query.data if query is not None else None)
    if query is None or code is None:
        await alert(update, caller._("This button is not valid."))
        return
    try:
        meeting, scope, participant = await participant_at(
            context.services, code.meeting_id, code.index, advisory=code.advisory
        )
        kind = ReplyKind(code.choice)
        if kind is ReplyKind.PROXY and _shows_holders(query):
            await _back_to_replies(query, context, meeting.id, participant, code.index)
        elif kind is ReplyKind.PROXY:
            choice = await proxy_holders(context.services, caller, meeting.id, participant)
            holders = [
                (scope.members.index(h), name_of(scope.groupement, h)) for h in choice.holders
            ]
            await query.answer()
            await query.edit_message_reply_markup(
                markup(holders_keyboard(meeting, code.index, holders, caller.language))
            )
        else:
            recorded = await answer(context.services, caller, meeting.id, participant, kind)
            await _confirm_reply(query, context, recorded, code.index, code.advisory)
    except Refused as refused:
        overrides = {"meeting_not_found": N_("This meeting does not exist.")}
        await alert(update, refusal(refused, caller.language, overrides))


async def _back_to_replies(
    query: CallbackQuery, context: ScrutinContext, meeting_id: int, participant: str, index: int
) -> None:
    """ "Back" on the holders' list: the reply buttons again, the current reply marked."""
    meeting, scope, current = await current_reply(
        context.services, context.caller, meeting_id, participant
    )
    await query.answer()
    await query.edit_message_reply_markup(
        markup(
            reply_keyboard(
                meeting,
                index,
                advisory=False,
                proxies_allowed=scope.voting,
                chosen=current.kind if current else None,
                language=context.caller.language,
            )
        )
    )


async def holder_pressed(update: Update, context: ScrutinContext) -> None:
    """The member chosen to carry the proxy."""
    query = update.callback_query
    caller = context.caller
    code = decode_holder(query.data if query is not None else None)
    if query is None or code is None:
        await alert(update, caller._("This button is not valid."))
        return
    try:
        meeting, _scope, giver = await participant_at(
            context.services, code.meeting_id, code.giver_index
        )
        _meeting, _scope, holder = await participant_at(
            context.services, code.meeting_id, code.holder_index
        )
        recorded = await answer(
            context.services, caller, meeting.id, giver, ReplyKind.PROXY, holder
        )
        await _confirm_reply(query, context, recorded, code.giver_index, False)
    except Refused as refused:
        overrides = {"meeting_not_found": N_("This meeting does not exist.")}
        await alert(update, refusal(refused, caller.language, overrides))


async def _confirm_reply(
    query: CallbackQuery,
    context: ScrutinContext,
    recorded: ReplyRecorded,
    index: int,
    advisory: bool,
) -> None:
    """The convocation keeps its text, with the reply under it and its button marked."""
    language = context.caller.language
    groupement = recorded.scope.groupement
    holder = recorded.reply.proxy_holder
    confirmation = reply_confirmation(
        recorded.reply, name_of(groupement, holder) if holder else None, language
    )
    await query.answer(context.caller._("Reply recorded."))
    keyboard = reply_keyboard(
        recorded.meeting,
        index,
        advisory=advisory,
        proxies_allowed=recorded.scope.voting,
        chosen=recorded.reply.kind,
        language=language,
    )
    text = getattr(query.message, "text", None)
    if text is None:
        # The convocation is its .ics's caption: edit the caption, a document has no text.
        caption = getattr(query.message, "caption", None) or ""
        written = caption.split("\n\n✔")[0] + "\n\n✔ " + confirmation
        await query.edit_message_caption(
            written[: TEXT_LIMITS["caption"]], reply_markup=markup(keyboard)
        )
        return
    base = text.split("\n\n✔")[0]
    await query.edit_message_text(base + "\n\n✔ " + confirmation, reply_markup=markup(keyboard))


CONVENE = Command(
    "convoquer",
    "convene",
    Access.COORDINATOR,
    N_("send a meeting's convocation"),
    convene_command,
    arguments=N_("[NUMBER] [urgence REASON]"),
    rank=51,
)
ATTENDANCE = Command(
    "presences",
    "attendance",
    Access.COORDINATOR,
    N_("replies and attendance of a meeting"),
    attendance_command,
    arguments=N_("[NUMBER]"),
    rank=52,
)
MOVE = Command(
    "reporter",
    "move",
    Access.COORDINATOR,
    N_("move a meeting; everyone convened gets a new convocation"),
    move_command,
    arguments=N_("NUMBER DD/MM/YYYY HH:MM [urgence REASON]"),
    rank=70,
)
CANCEL = Command(
    "annuler_reunion",
    "cancel_meeting",
    Access.COORDINATOR,
    N_("cancel a meeting; everyone convened is told"),
    cancel_meeting_command,
    arguments=N_("[NUMBER]"),
    rank=71,
)
RECONVENE = Command(
    "reconvoquer",
    "reconvene",
    Access.COORDINATOR,
    N_("second convocation after a failed quorum"),
    reconvene_command,
    arguments=N_("NUMBER DD/MM/YYYY HH:MM"),
    rank=72,
)
COMMANDS = (
    Command("reunions", "meetings", Access.KNOWN, N_("coming meetings"), list_meetings, rank=3),
    CONVENE,
    ATTENDANCE,
    MOVE,
    CANCEL,
    RECONVENE,
)
BUTTONS = (ButtonRoute(REPLY_PATTERN, reply_pressed), ButtonRoute(HOLDER_PATTERN, holder_pressed))
