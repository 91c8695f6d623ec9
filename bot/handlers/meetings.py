"""Meetings in Telegram: planning, convocations and replies, moves, the session and its quorum."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.callbacks import (
    FormButton,
    HolderButton,
    ReplyButton,
    decode_form,
    decode_holder,
    decode_reply,
)
from bot.handlers.ballots import PROXY_REFUSALS, parse_deadline
from bot.handlers.common import (
    Context,
    caller_of,
    coordinator,
    form_in,
    in_private_chat,
    known_caller,
    reply,
)
from bot.identity import Caller
from bot.meeting_delivery import notify_change, post_quorum, send_convocations
from bot.meeting_render import (
    attendance_text,
    holders_keyboard,
    quorum_text,
    reply_confirmation,
    reply_keyboard,
)
from bot.services import Services, services_of
from config.models import GovernanceLookupError, Groupement
from meetings.meeting import AgendaItem, Meeting, MeetingError, MeetingPlan, MeetingState, ReplyKind
from meetings.roster import ProxyRefused
from meetings.secretariat import (
    LateConvocation,
    NotConvened,
    NotItsDay,
    QuorumWasMet,
    SecondConvocationTooEarly,
)
from meetings.wording.formats import moment as format_moment
from meetings.wording.i18n import N_

log = logging.getLogger(__name__)

B = TypeVar("B", ReplyButton, HolderButton)

(
    P_INSTANCE,
    P_DATE,
    P_PLACE,
    P_LINK,
    P_AGENDA,
    P_CHAIR,
    P_CHAIR_NAME,
    P_SECRETARY,
    P_CONFIRM,
) = range(10, 19)
PLAN_KEY = "meeting_form"
NONE_WORDS = {"-", "aucun", "aucune", "non", "none", "no"}


@dataclass
class MeetingForm:
    choices: list[tuple[str, str]]
    groupement_id: str = ""
    instance_id: str = ""
    starts_at: datetime | None = None
    place: str | None = None
    video_link: str | None = None
    agenda: list[AgendaItem] = field(default_factory=list)
    chair: str | None = None
    chair_name: str | None = None
    secretary: str | None = None


def _form(context: Context) -> MeetingForm | None:
    return form_in(context, PLAN_KEY, MeetingForm)


def _button(label: str, field_name: str, value: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=FormButton(field_name, value).encode())


async def _ask(
    update: Update, text: str, buttons: list[list[InlineKeyboardButton]] | None = None
) -> None:
    if update.effective_message is not None:
        markup = InlineKeyboardMarkup(buttons) if buttons else None
        await update.effective_message.reply_text(text, reply_markup=markup)


async def _pressed(
    update: Update, context: Context, field_name: str
) -> tuple[CallbackQuery, Caller, MeetingForm, str] | None:
    query = update.callback_query
    caller = await caller_of(update, context)
    if query is None or caller is None:
        return None
    button = decode_form(query.data)
    form = _form(context)
    if button is None or button.field != field_name or form is None:
        await query.answer(caller._("This button is no longer valid."), show_alert=True)
        return None
    await query.answer()
    await query.edit_message_reply_markup(None)
    return query, caller, form, button.value


async def plan_start(update: Update, context: Context) -> int:
    """``/planifier``: the form to plan a meeting of an instance."""
    caller = await coordinator(update, context)
    if caller is None:
        return ConversationHandler.END
    _ = caller._
    if not in_private_chat(update):
        await reply(update, _("Plan meetings in your private chat with the bot."))
        return ConversationHandler.END
    services = services_of(context)
    choices = [
        (g, instance.id)
        for g in caller.coordinated
        for instance in services.governance.groupement(g).instances
    ]
    form = MeetingForm(choices)
    assert context.user_data is not None
    context.user_data[PLAN_KEY] = form
    many = len(caller.coordinated) > 1
    buttons = []
    for n, (g, i) in enumerate(choices):
        groupement = services.governance.groupement(g)
        label = groupement.instance(i).name + (f" — {groupement.name}" if many else "")
        buttons.append([_button(label, "minst", str(n))])
    buttons.append([_button(_("Cancel"), "mcancel", "yes")])
    await _ask(update, _("New meeting. Which instance meets?"), buttons)
    return P_INSTANCE


async def plan_instance(update: Update, context: Context) -> int:
    pressed = await _pressed(update, context, "minst")
    if pressed is None:
        return await _cancel_button(update, context, P_INSTANCE)
    _query, caller, form, value = pressed
    if not value.isdigit() or int(value) >= len(form.choices):
        return P_INSTANCE
    form.groupement_id, form.instance_id = form.choices[int(value)]
    _ = caller._
    await _ask(update, _("Date and time? Send them as DD/MM/YYYY HH:MM, Paris time."))
    return P_DATE


async def plan_date(update: Update, context: Context) -> int:
    caller, form, text = await _typed(update, context)
    if caller is None or form is None:
        return ConversationHandler.END
    services = services_of(context)
    zone = services.governance.groupement(form.groupement_id).groupement.tzinfo
    starts_at = parse_deadline(text, services.clock(), zone)
    _ = caller._
    if starts_at is None:
        await _ask(update, _("I could not read a future date. Send it as DD/MM/YYYY HH:MM."))
        return P_DATE
    form.starts_at = starts_at
    await _ask(
        update,
        _("Place? (address, or “-” for a video meeting only)"),
    )
    return P_PLACE


async def _typed(update: Update, context: Context) -> tuple[Caller | None, MeetingForm | None, str]:
    caller = await caller_of(update, context)
    message = update.effective_message
    text = " ".join((message.text or "").split()) if message is not None else ""
    return caller, _form(context), text


async def plan_place(update: Update, context: Context) -> int:
    caller, form, text = await _typed(update, context)
    if caller is None or form is None:
        return ConversationHandler.END
    form.place = None if text.lower() in NONE_WORDS else text
    await _ask(update, caller._("Video link? (https://…, or “-” for none)"))
    return P_LINK


async def plan_link(update: Update, context: Context) -> int:
    caller, form, text = await _typed(update, context)
    if caller is None or form is None:
        return ConversationHandler.END
    _ = caller._
    if text.lower() in NONE_WORDS:
        form.video_link = None
    elif text.startswith(("https://", "http://")):
        form.video_link = text
    else:
        await _ask(update, _("A link starts with https://. Send it again, or “-” for none."))
        return P_LINK
    if not (form.place or form.video_link):
        await _ask(update, _("A meeting needs a place or a video link. Place?"))
        return P_PLACE
    await _ask(
        update,
        _(
            "Agenda: send one item per message. To put an item to the vote, write "
            "“Title ; vote : question”. Press “Done” when the agenda is complete."
        ),
        [[_button(_("Done"), "magenda", "done")]],
    )
    return P_AGENDA


def parse_agenda_item(text: str) -> AgendaItem | None:
    """``Budget 2027 ; vote : Approuver le budget 2027`` or just a title."""
    title, separator, rest = text.partition(";")
    motion = None
    if separator:
        label, colon, question = rest.partition(":")
        if not colon or label.strip().lower() not in {"vote", "motion"} or not question.strip():
            return None
        motion = question.strip()
    if not title.strip():
        return None
    return AgendaItem(title.strip(), motion)


async def plan_agenda_item(update: Update, context: Context) -> int:
    caller, form, text = await _typed(update, context)
    if caller is None or form is None:
        return ConversationHandler.END
    _ = caller._
    item = parse_agenda_item(text)
    if item is None:
        await _ask(
            update, _("I could not read this item. Write “Title” or “Title ; vote : question”.")
        )
        return P_AGENDA
    form.agenda.append(item)
    await _ask(
        update,
        _("Item {number} noted. Next item, or “Done”.").format(number=len(form.agenda)),
        [[_button(_("Done"), "magenda", "done")]],
    )
    return P_AGENDA


async def plan_agenda_done(update: Update, context: Context) -> int:
    pressed = await _pressed(update, context, "magenda")
    if pressed is None:
        return P_AGENDA
    _query, caller, form, _value = pressed
    _ = caller._
    assert form.starts_at is not None
    groupement = services_of(context).governance.groupement(form.groupement_id)
    coordinator_member = groupement.groupement.coordinator
    members = [coordinator_member] + [
        m.id
        # Who may chair is who is a member on the meeting's day.
        for m in groupement.active_members(form.starts_at.astimezone(zone_of(groupement)).date())
        if m.id != coordinator_member
    ]
    buttons = [
        [_button(groupement.member(m).name, "mchair", str(i))] for i, m in enumerate(members)
    ]
    form.choices = [(form.groupement_id, m) for m in members]
    await _ask(update, _("Who chairs? (the chair's representative has the casting vote)"), buttons)
    return P_CHAIR


async def plan_chair(update: Update, context: Context) -> int:
    pressed = await _pressed(update, context, "mchair")
    if pressed is None:
        return P_CHAIR
    _query, caller, form, value = pressed
    if not value.isdigit() or int(value) >= len(form.choices):
        return P_CHAIR
    form.chair = form.choices[int(value)][1]
    await _ask(update, caller._("Name of the chair of the session, as it will be signed?"))
    return P_CHAIR_NAME


async def plan_chair_name(update: Update, context: Context) -> int:
    caller, form, text = await _typed(update, context)
    if caller is None or form is None:
        return ConversationHandler.END
    if not text:
        return P_CHAIR_NAME
    form.chair_name = text
    await _ask(update, caller._("Secretary of the session (name, as it will be signed)?"))
    return P_SECRETARY


async def plan_secretary(update: Update, context: Context) -> int:
    caller, form, text = await _typed(update, context)
    if caller is None or form is None:
        return ConversationHandler.END
    _ = caller._
    if not text:
        return P_SECRETARY
    form.secretary = text
    services = services_of(context)
    groupement = services.governance.groupement(form.groupement_id)
    assert form.starts_at is not None and form.chair is not None
    lines = [
        _("Summary:"),
        _("• Instance: {instance}").format(instance=groupement.instance(form.instance_id).name),
        _("• Date: {moment}").format(
            moment=format_moment(form.starts_at, caller.language, groupement.groupement.tzinfo)
        ),
        _("• Place: {place}").format(place=form.place or "—"),
        _("• Video: {link}").format(link=form.video_link or "—"),
        _("• Chair: {chair}").format(
            chair=f"{form.chair_name} ({groupement.member(form.chair).name})"
        ),
        _("• Secretary: {secretary}").format(secretary=form.secretary),
        _("• Agenda:"),
    ]
    for number, item in enumerate(form.agenda, start=1):
        lines.append(
            f"  {number}. {item.title}"
            + (f" — {_('vote: {motion}').format(motion=item.motion)}" if item.motion else "")
        )
    await _ask(
        update,
        "\n".join(lines),
        [
            [
                _button(_("Plan the meeting"), "mconfirm", "yes"),
                _button(_("Cancel"), "mcancel", "yes"),
            ]
        ],
    )
    return P_CONFIRM


async def plan_confirm(update: Update, context: Context) -> int:
    pressed = await _pressed(update, context, "mconfirm")
    if pressed is None:
        return await _cancel_button(update, context, P_CONFIRM)
    _query, caller, form, _value = pressed
    _ = caller._
    assert context.user_data is not None
    context.user_data.pop(PLAN_KEY, None)
    services = services_of(context)
    assert form.starts_at is not None
    try:
        meeting = await services.secretariat.plan(
            MeetingPlan(
                groupement_id=form.groupement_id,
                instance_id=form.instance_id,
                starts_at=form.starts_at,
                place=form.place,
                video_link=form.video_link,
                agenda=tuple(form.agenda),
                chair=form.chair,
                chair_name=form.chair_name,
                secretary=form.secretary,
            ),
            caller.person_id,
        )
    except (MeetingError, GovernanceLookupError) as error:
        await reply(
            update, _("The meeting could not be planned: {reason}").format(reason=str(error))
        )
        return ConversationHandler.END
    await reply(update, _planned_text(services, meeting, caller))
    return ConversationHandler.END


def _planned_text(services: Services, meeting: Meeting, caller: Caller) -> str:
    _ = caller._
    needed, _actual, last_day = services.secretariat.notice(meeting)
    return _(
        "Meeting no. {number} planned. Send the convocation with /convoquer {number} "
        "by {last_day} ({needed} clear days of notice)."
    ).format(
        number=meeting.id,
        last_day=last_day.strftime("%d/%m/%Y"),
        needed=needed,
    )


async def plan_cancel(update: Update, context: Context) -> int:
    caller = await caller_of(update, context)
    if context.user_data is not None:
        context.user_data.pop(PLAN_KEY, None)
    if caller is not None:
        await reply(update, caller._("Cancelled; no meeting was planned."))
    return ConversationHandler.END


async def _cancel_button(update: Update, context: Context, state: int) -> int:
    query = update.callback_query
    if query is not None and query.data == FormButton("mcancel", "yes").encode():
        if context.user_data is not None:
            context.user_data.pop(PLAN_KEY, None)
        caller = await caller_of(update, context)
        if caller is not None:
            await reply(update, caller._("Cancelled; no meeting was planned."))
        return ConversationHandler.END
    return state


# --- commands on a planned meeting -------------------------------------------------------


async def _meeting_argument(
    update: Update, context: Context, caller: Caller, states: tuple[MeetingState, ...], usage: str
) -> Meeting | None:
    """The meeting named by the first argument, or the only one in ``states``; else explain."""
    _ = caller._
    services = services_of(context)
    args = context.args or []
    candidates = [
        m
        for m in await services.meetings.find(states=states)
        if caller.coordinates(m.plan.groupement_id)
    ]
    if args and args[0].isdigit():
        chosen = [m for m in candidates if m.id == int(args[0])]
        if not chosen:
            await reply(
                update,
                _("There is no meeting no. {number} in a state that allows this.").format(
                    number=args[0]
                ),
            )
            return None
        return chosen[0]
    if args or len(candidates) != 1:
        listing = "\n".join(_listing_line(services, m, caller) for m in candidates) or _(
            "(no meeting)"
        )
        await reply(update, _(usage) + "\n" + listing)
        return None
    return candidates[0]


def _listing_line(services: Services, meeting: Meeting, caller: Caller) -> str:
    """``• n° 3 — Comité de gouvernance, mardi 15 décembre 2026 à 14 h 00``."""
    groupement = services.governance.groupement(meeting.plan.groupement_id)
    instance = groupement.instance(meeting.plan.instance_id)
    moment = format_moment(meeting.plan.starts_at, caller.language, zone_of(groupement))
    return f"• n° {meeting.id} — {instance.name}, {moment}"


async def list_meetings(update: Update, context: Context) -> None:
    """``/reunions``: the coming meetings and their state."""
    caller = await known_caller(update, context)
    if caller is None:
        return
    _ = caller._
    services = services_of(context)
    states = {
        MeetingState.PLANNED: _("planned, not convened yet"),
        MeetingState.CONVENED: _("convened"),
        MeetingState.IN_SESSION: _("in session"),
    }
    lines = []
    for meeting in await services.meetings.find(states=tuple(states)):
        if meeting.plan.groupement_id not in caller.groupements:
            continue
        groupement = services.governance.groupement(meeting.plan.groupement_id)
        lines.append(
            f"• n° {meeting.id} — {groupement.instance(meeting.plan.instance_id).name}, "
            f"{format_moment(meeting.plan.starts_at, caller.language, zone_of(groupement))} "
            f"({states[meeting.state]})"
        )
    await reply(
        update, "\n".join([_("Coming meetings:"), *lines]) if lines else _("No meeting planned.")
    )


async def convene(update: Update, context: Context) -> None:
    """``/convoquer N [urgence MOTIF]``: send the convocation, checking the notice."""
    caller = await coordinator(update, context)
    if caller is None:
        return
    _ = caller._
    meeting = await _meeting_argument(
        update,
        context,
        caller,
        (MeetingState.PLANNED, MeetingState.CONVENED),
        N_("Usage: /convoquer NUMBER [urgence REASON]. Meetings:"),
    )
    if meeting is None:
        return
    args = (context.args or [])[1:]
    urgent = bool(args) and args[0].lower() in {"urgence", "urgent"}
    reason = " ".join(args[1:]) if urgent else None
    if urgent and not reason:
        await reply(
            update,
            _(
                "An urgent convocation states its reason, which the minutes record: "
                "/convoquer {number} urgence REASON."
            ).format(number=meeting.id),
        )
        return
    services = services_of(context)
    try:
        meeting = await services.secretariat.convene(meeting.id, urgent=urgent, reason=reason)
    except LateConvocation as late:
        if late.urgent:
            text = _(
                "Even in an emergency, {needed} clear day(s) of notice are needed; "
                "only {actual} remain."
            )
        else:
            text = _(
                "Too late for the normal notice: {actual} clear day(s) before the meeting, "
                "{needed} required (last day to convene: {last_day}). Move the meeting with "
                "/reporter, or convene in an emergency with /convoquer {number} urgence REASON; "
                "the minutes will record it."
            )
        await reply(
            update,
            text.format(
                needed=late.needed,
                actual=late.actual,
                last_day=late.last_day.strftime("%d/%m/%Y"),
                number=meeting.id,
            ),
        )
        return
    except MeetingError as error:
        await reply(update, _("The convocation was not sent: {reason}").format(reason=str(error)))
        return
    report = await send_convocations(context.bot, services, meeting)
    groupement, instance = services.secretariat.context(meeting)
    await services.reminders.plan_meeting(
        groupement.id,
        meeting.id,
        meeting.plan.starts_at,
        instance.reminder_days_before,
        groupement.groupement.tzinfo,
    )
    lines = [
        _("Convocation for meeting no. {number} sent to {sent} people.").format(
            number=meeting.id, sent=report.sent
        )
    ]
    if meeting.urgent:
        lines.append(
            _("Recorded as an urgent convocation: {reason}").format(reason=meeting.urgency_reason)
        )
    unreached = sorted({groupement.participant_name(p) for _person, p in report.unreachable})
    if unreached:
        lines.append(_("Not reached: {names}.").format(names=", ".join(unreached)))
    covered = {r.participant_id for r in await services.secretariat.recipients(meeting)}
    missing = [m for m in services.secretariat.members(meeting) if m not in covered]
    if missing:
        lines.append(
            _("No representative registered for: {members}. Invite them with /inviter.").format(
                members=", ".join(groupement.member(m).name for m in missing)
            )
        )
    await reply(update, "\n".join(lines))


@dataclass(frozen=True)
class _Press(Generic[B]):
    """A checked press on a convocation's button: who, which button, which meeting."""

    query: CallbackQuery
    caller: Caller
    services: Services
    button: B
    meeting: Meeting


async def _pressed_meeting_button(
    update: Update, context: Context, decode: Callable[[str | None], B | None]
) -> _Press[B] | None:
    """Decode a convocation button and find its meeting, or answer why not."""
    query = update.callback_query
    caller = await caller_of(update, context)
    if query is None or caller is None:
        return None
    _ = caller._
    button = decode(query.data)
    if button is None:
        await query.answer(_("This button is not valid."), show_alert=True)
        return None
    services = services_of(context)
    try:
        meeting = await services.meetings.get(button.meeting_id)
    except MeetingError:
        await query.answer(_("This meeting does not exist."), show_alert=True)
        return None
    return _Press(query, caller, services, button, meeting)


async def _answers_for(press: _Press[B], participant: str) -> bool:
    """Whether the presser represents ``participant``; if not, say so."""
    seats = await press.services.roster.representatives_of(
        press.meeting.plan.groupement_id, participant
    )
    if any(seat.person_id == press.caller.person_id for seat in seats):
        return True
    await press.query.answer(press.caller._("You do not answer for this member."), show_alert=True)
    return False


async def reply_pressed(update: Update, context: Context) -> None:
    """A reply to a convocation: present, by video, excused, or "give my proxy to…"."""
    press = await _pressed_meeting_button(update, context, decode_reply)
    if press is None:
        return
    query, caller, services, button, meeting = (
        press.query,
        press.caller,
        press.services,
        press.button,
        press.meeting,
    )
    _ = caller._
    groupement, instance = services.secretariat.context(meeting)
    participants = (
        [a.id for a in groupement.advisory_for(instance.id)]
        if button.advisory
        else services.secretariat.members(meeting)
    )
    if button.index >= len(participants):
        await query.answer(_("This button is not valid."), show_alert=True)
        return
    participant = participants[button.index]
    if not await _answers_for(press, participant):
        return
    kind = ReplyKind(button.choice)
    if kind is ReplyKind.PROXY and _shows_holders(query):
        # "Back" on the holders' list (it carries the proxy code): the reply buttons again.
        current = (await services.meetings.replies(meeting.id)).get(participant)
        await query.answer()
        await query.edit_message_reply_markup(
            reply_keyboard(
                meeting,
                button.index,
                advisory=button.advisory,
                proxies_allowed=instance.voting,
                chosen=current.kind if current else None,
                _=_,
            )
        )
        return
    if kind is ReplyKind.PROXY:
        replies = await services.meetings.replies(meeting.id)
        if any(r.proxy_holder == participant for r in replies.values()):
            await query.answer(
                _("Your member holds a proxy and cannot give its own."), show_alert=True
            )
            return
        holders = await services.secretariat.eligible_holders(meeting, participant)
        members = services.secretariat.members(meeting)
        if not holders:
            await query.answer(
                _("No member can receive your proxy now (limit reached)."), show_alert=True
            )
            return
        await query.answer()
        await query.edit_message_reply_markup(
            holders_keyboard(
                meeting,
                button.index,
                [(members.index(h), groupement.member(h).name) for h in holders],
                _,
            )
        )
        return
    await _record_reply(
        query, services, caller, meeting, participant, kind, None, button.index, button.advisory
    )


def _shows_holders(query: CallbackQuery) -> bool:
    """Whether the pressed message shows the list of proxy holders (not the reply buttons)."""
    markup = getattr(query.message, "reply_markup", None)
    return isinstance(markup, InlineKeyboardMarkup) and any(
        str(button.callback_data).startswith("v1:h:")
        for row in markup.inline_keyboard
        for button in row
    )


async def holder_pressed(update: Update, context: Context) -> None:
    """The member chosen to carry the proxy."""
    press = await _pressed_meeting_button(update, context, decode_holder)
    if press is None:
        return
    button = press.button
    members = press.services.secretariat.members(press.meeting)
    if max(button.giver_index, button.holder_index) >= len(members):
        await press.query.answer(press.caller._("This button is not valid."), show_alert=True)
        return
    giver, holder = members[button.giver_index], members[button.holder_index]
    if not await _answers_for(press, giver):
        return
    await _record_reply(
        press.query,
        press.services,
        press.caller,
        press.meeting,
        giver,
        ReplyKind.PROXY,
        holder,
        button.giver_index,
        False,
    )


async def _record_reply(
    query: CallbackQuery,
    services: Services,
    caller: Caller,
    meeting: Meeting,
    participant: str,
    kind: ReplyKind,
    holder: str | None,
    index: int,
    advisory: bool,
) -> None:
    _ = caller._
    try:
        recorded = await services.secretariat.reply(
            meeting.id, participant, kind, caller.person_id, holder
        )
    except ProxyRefused as refused:
        await query.answer(_(PROXY_REFUSALS[refused.problem]), show_alert=True)
        return
    except MeetingError as error:
        if meeting.state in (MeetingState.IN_SESSION, MeetingState.CLOSED):
            text = _(
                "The session has opened: replies can no longer change. Check in with /arrivee."
            )
        elif meeting.state is MeetingState.CANCELLED:
            text = _("This meeting was cancelled.")
        else:
            text = _("Your reply was not recorded: {reason}").format(reason=str(error))
        await query.answer(text, show_alert=True)
        return
    groupement, instance = services.secretariat.context(meeting)
    holder_name = groupement.member(holder).name if holder else None
    confirmation = reply_confirmation(recorded, holder_name, caller.language, _)
    await query.answer(_("Reply recorded."))
    original = (
        query.message.text if query.message is not None and hasattr(query.message, "text") else ""
    )
    base = (original or "").split("\n\n✔")[0]
    await query.edit_message_text(
        base + "\n\n✔ " + confirmation,
        reply_markup=reply_keyboard(
            meeting, index, advisory=advisory, proxies_allowed=instance.voting, chosen=kind, _=_
        ),
    )


async def attendance(update: Update, context: Context) -> None:
    """``/presences [N]``: replies before the session, or who is here during it, with the quorum."""
    caller = await coordinator(update, context)
    if caller is None:
        return
    meeting = await _meeting_argument(
        update,
        context,
        caller,
        (MeetingState.PLANNED, MeetingState.CONVENED, MeetingState.IN_SESSION),
        N_("Usage: /presences NUMBER. Meetings:"),
    )
    if meeting is None:
        return
    services = services_of(context)
    groupement, _instance = services.secretariat.context(meeting)
    in_force = services.secretariat.weights(meeting)
    in_session = meeting.state is MeetingState.IN_SESSION
    live = await services.secretariat.live_quorum(meeting, forecast=not in_session)
    session = (
        await services.meetings.attendance(meeting.id)
        if meeting.state is MeetingState.IN_SESSION
        else None
    )
    await reply(
        update,
        attendance_text(
            meeting,
            groupement,
            services.secretariat.members(meeting),
            in_force[1] if in_force else {},
            await services.meetings.replies(meeting.id),
            session,
            live,
            caller.language,
            caller._,
        ),
    )


async def _meeting_and_date(
    update: Update,
    context: Context,
    caller: Caller,
    states: tuple[MeetingState, ...],
    usage: str,
) -> tuple[Meeting, datetime] | None:
    """``N JJ/MM/AAAA HH:MM``: the meeting and a future wall-clock time; else explain."""
    _ = caller._
    args = context.args or []
    if len(args) != 3 or not args[0].isdigit():
        await reply(update, _(usage))
        return None
    meeting = await _meeting_argument(update, context, caller, states, usage)
    if meeting is None:
        return None
    services = services_of(context)
    zone = zone_of(services.secretariat.context(meeting)[0])
    starts_at = parse_deadline(f"{args[1]} {args[2]}", services.clock(), zone)
    if starts_at is None:
        await reply(update, _("I could not read a future date. Send it as DD/MM/YYYY HH:MM."))
        return None
    return meeting, starts_at


async def move(update: Update, context: Context) -> None:
    """``/reporter N JJ/MM/AAAA HH:MM``: move a meeting; everyone convened is told."""
    caller = await coordinator(update, context)
    if caller is None:
        return
    _ = caller._
    services = services_of(context)
    found = await _meeting_and_date(
        update,
        context,
        caller,
        (MeetingState.PLANNED, MeetingState.CONVENED),
        N_("Usage: /reporter NUMBER DD/MM/YYYY HH:MM"),
    )
    if found is None:
        return
    meeting, starts_at = found
    groupement, instance = services.secretariat.context(meeting)
    was_convened = meeting.state is MeetingState.CONVENED
    meeting = await services.meetings.move(meeting.id, starts_at)
    told = await notify_change(context.bot, services, meeting, moved=True) if was_convened else 0
    lines = [
        _("Meeting no. {number} moved to {moment}.").format(
            number=meeting.id,
            moment=format_moment(starts_at, caller.language, groupement.groupement.tzinfo),
        )
    ]
    if was_convened:
        await services.reminders.plan_meeting(
            groupement.id,
            meeting.id,
            starts_at,
            instance.reminder_days_before,
            groupement.groupement.tzinfo,
        )
        lines.append(
            _("{told} people convened were told, with the updated calendar file.").format(told=told)
        )
        needed, actual, _last = services.secretariat.notice(meeting)
        if actual < needed:
            lines.append(
                _(
                    "Warning: the new date leaves {actual} clear day(s) of notice, "
                    "{needed} required."
                ).format(actual=actual, needed=needed)
            )
    await reply(update, "\n".join(lines))


async def cancel_meeting(update: Update, context: Context) -> None:
    """``/annuler_reunion N``: cancel a meeting; everyone convened is told."""
    caller = await coordinator(update, context)
    if caller is None:
        return
    _ = caller._
    meeting = await _meeting_argument(
        update,
        context,
        caller,
        (MeetingState.PLANNED, MeetingState.CONVENED),
        N_("Usage: /annuler_reunion NUMBER. Meetings:"),
    )
    if meeting is None:
        return
    services = services_of(context)
    was_convened = meeting.state is MeetingState.CONVENED
    meeting = await services.meetings.cancel(meeting.id)
    told = await notify_change(context.bot, services, meeting, moved=False) if was_convened else 0
    await reply(
        update,
        _("Meeting no. {number} is cancelled; {told} people were told.").format(
            number=meeting.id, told=told
        ),
    )


async def reconvene(update: Update, context: Context) -> None:
    """``/reconvoquer N JJ/MM/AAAA HH:MM``: second convocation, same agenda, no quorum required."""
    caller = await coordinator(update, context)
    if caller is None:
        return
    _ = caller._
    services = services_of(context)
    found = await _meeting_and_date(
        update,
        context,
        caller,
        (MeetingState.IN_SESSION, MeetingState.CLOSED),
        N_("Usage: /reconvoquer NUMBER DD/MM/YYYY HH:MM"),
    )
    if found is None:
        return
    meeting, starts_at = found
    try:
        second = await services.secretariat.second_convocation(
            meeting.id, starts_at, caller.person_id
        )
    except QuorumWasMet:
        await reply(
            update,
            _(
                "Meeting no. {number} had its quorum: a second convocation only follows a "
                "meeting without quorum."
            ).format(number=meeting.id),
        )
        return
    except SecondConvocationTooEarly as early:
        await reply(
            update,
            _(
                "A second convocation must leave at least 3 clear days: {earliest} at the earliest."
            ).format(earliest=early.earliest.strftime("%d/%m/%Y")),
        )
        return
    except MeetingError as error:
        await reply(
            update, _("The meeting could not be planned: {reason}").format(reason=str(error))
        )
        return
    await reply(
        update,
        _(
            "Second convocation planned as meeting no. {number}, same agenda, without quorum."
        ).format(number=second.id)
        + "\n"
        + _planned_text(services, second, caller),
    )


# --- the session -----------------------------------------------------------------------


async def open_session(update: Update, context: Context) -> None:
    """``/ouvrir N``: open the session; attendance comes from the replies; the quorum is posted."""
    caller = await coordinator(update, context)
    if caller is None:
        return
    _ = caller._
    meeting = await _meeting_argument(
        update,
        context,
        caller,
        (MeetingState.CONVENED, MeetingState.PLANNED),
        N_("Usage: /ouvrir NUMBER. Meetings:"),
    )
    if meeting is None:
        return
    services = services_of(context)
    try:
        meeting = await services.secretariat.open_session(meeting.id)
    except NotConvened:
        await reply(
            update,
            _(
                "Meeting no. {number} was not convened: send the convocation first with "
                "/convoquer {number}."
            ).format(number=meeting.id),
        )
        return
    except NotItsDay:
        await reply(
            update,
            _("Meeting no. {number} is convened for {moment}: its session opens that day.").format(
                number=meeting.id,
                moment=format_moment(
                    meeting.plan.starts_at, caller.language, services.secretariat.zone(meeting)
                ),
            ),
        )
        return
    met = await post_quorum(context.bot, services, meeting, None)
    live = await services.secretariat.live_quorum(meeting)
    lines = [_("Session of meeting no. {number} open.").format(number=meeting.id)]
    if live is not None:
        lines.append(quorum_text(live, caller.language, _))
    if met is False:
        lines.append(
            _(
                "Ballots opened now would fail for lack of quorum. After the meeting, "
                "/reconvoquer sets a second convocation."
            )
        )
    lines.append(
        _(
            "Members check in with /arrivee and out with /depart; "
            "you may do it for them: /arrivee MEMBER."
        )
    )
    await reply(update, "\n".join(lines))


async def _presence(update: Update, context: Context, arrived: bool) -> None:
    caller = await known_caller(update, context)
    if caller is None:
        return
    _ = caller._
    services = services_of(context)
    args = [a.lower() for a in context.args or []]
    number = int(args.pop(0)) if args and args[0].isdigit() else None
    video = "visio" in args or "video" in args
    named = [a for a in args if a not in {"visio", "video"}]
    sessions = await services.secretariat.in_session(caller.groupements)
    if number is not None:
        sessions = [m for m in sessions if m.id == number]
    elif named:
        sessions = [
            m
            for m in sessions
            if _takes_part(services, m, named[0]) and caller.coordinates(m.plan.groupement_id)
        ] or sessions
    else:
        seat_groupements = {s.groupement_id for s in caller.seats}
        sessions = [m for m in sessions if m.plan.groupement_id in seat_groupements] or sessions
    if not sessions:
        await reply(update, _("No session is open."))
        return
    if len(sessions) > 1:
        # Checking in to the wrong session would skew its quorum and its minutes.
        listing = "\n".join(_listing_line(services, m, caller) for m in sessions)
        await reply(
            update,
            _("Several sessions are open: name the meeting, e.g. /arrivee {number}.").format(
                number=sessions[0].id
            )
            + "\n"
            + listing,
        )
        return
    meeting = sessions[0]
    groupement, _instance = services.secretariat.context(meeting)
    if named:
        if not caller.coordinates(groupement.id):
            await reply(update, _("Only a coordinator can do this."))
            return
        participant = named[0]
        known = {m.id for m in groupement.members} | {a.id for a in groupement.advisory}
        if participant not in known:
            await reply(update, _("Unknown member “{member}”.").format(member=participant))
            return
    else:
        seats = [s for s in caller.seats if s.groupement_id == groupement.id]
        if not seats:
            await reply(update, _("You do not represent a member of this meeting."))
            return
        participant = seats[0].member_id
    before = await services.secretariat.live_quorum(meeting)
    changed = await services.secretariat.record_presence(
        meeting, participant, arrived, caller.person_id, video
    )
    name = groupement.participant_name(participant)
    if not changed:
        await reply(
            update,
            (
                _("{name} is already checked in.")
                if arrived
                else _("{name} is not in the session.")
            ).format(name=name),
        )
        return
    await post_quorum(context.bot, services, meeting, before.report.met if before else None)
    await reply(
        update,
        (
            _("{name} checked in.")
            if arrived
            else _("{name} left the session; it is recorded for the minutes.")
        ).format(name=name),
    )


def _takes_part(services: Services, meeting: Meeting, participant: str) -> bool:
    groupement, instance = services.secretariat.context(meeting)
    advisory = {a.id for a in groupement.advisory_for(instance.id)}
    return participant in services.secretariat.members(meeting) or participant in advisory


async def arrive(update: Update, context: Context) -> None:
    """``/arrivee [membre] [visio]``: check in (oneself, or a member for the coordinator)."""
    await _presence(update, context, arrived=True)


async def leave(update: Update, context: Context) -> None:
    """``/depart [membre]``: leave the session (recorded for the minutes)."""
    await _presence(update, context, arrived=False)


async def close_session(update: Update, context: Context) -> None:
    """``/lever [N]``: close the session."""
    caller = await coordinator(update, context)
    if caller is None:
        return
    _ = caller._
    meeting = await _meeting_argument(
        update, context, caller, (MeetingState.IN_SESSION,), N_("Usage: /lever NUMBER. Sessions:")
    )
    if meeting is None:
        return
    services = services_of(context)
    open_ballots = [
        b
        for b in await services.ballots.find()
        if b.draft.meeting_id == meeting.id and b.state.value == "open"
    ]
    if open_ballots:
        await reply(
            update,
            _("Close the open ballots first: {numbers}.").format(
                numbers=", ".join(f"n° {b.id}" for b in open_ballots)
            ),
        )
        return
    meeting = await services.meetings.close_session(meeting.id)
    groupement, _instance = services.secretariat.context(meeting)
    assert meeting.session_closed_at is not None
    text = _("The session of meeting no. {number} is closed ({moment}).").format(
        number=meeting.id,
        moment=format_moment(
            meeting.session_closed_at, caller.language, groupement.groupement.tzinfo
        ),
    )
    for chat in await services.chats.groups_for(groupement.id, meeting.plan.instance_id):
        await context.bot.send_message(chat.chat_id, text)
    await reply(update, text)


def zone_of(groupement: Groupement) -> ZoneInfo:
    return groupement.groupement.tzinfo
