"""``/planifier``: the coordinator's form to plan a meeting, step by step, then confirmed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from telegram import Update

from bot.arguments import NONE_WORDS, agenda_item, future_moment, words
from bot.commands import Access, Command, Form, Place, Step
from bot.context import ScrutinContext
from bot.form_store import FormGone
from bot.forms import (
    CANCEL,
    END,
    ask,
    button,
    confirming,
    drop,
    form_of,
    is_cancel,
    only,
    pick,
    pressed,
    typed_or_told,
)
from bot.replies import reply
from meetings.actions.minutes_approval import propose_approval
from meetings.actions.plan import plan_meeting
from meetings.meeting import AgendaItem, MeetingPlan
from meetings.notifier import Keyboard
from meetings.schedule import local_day
from meetings.texts import Typed, check_agenda
from meetings.wording.formats import moment, name_of
from meetings.wording.i18n import N_
from meetings.wording.messages.planning import planned_text
from meetings.wording.refusals import refusal
from voting.refusal import Refused

(INSTANCE, DATE, PLACE, LINK, AGENDA, CHAIR, CHAIR_NAME, SECRETARY, CONFIRM) = range(10, 19)
KEY = "meeting_form"


@dataclass
class MeetingForm:
    choices: list[tuple[str, str]]
    """What the buttons of the current step stand for: (groupement, instance or member)."""
    groupement_id: str = ""
    instance_id: str = ""
    starts_at: datetime | None = None
    place: str | None = None
    video_link: str | None = None
    agenda: list[AgendaItem] = field(default_factory=list)
    chair: str | None = None
    chair_name: str | None = None
    secretary: str | None = None


def _form(context: ScrutinContext) -> MeetingForm | None:
    return form_of(context, KEY, MeetingForm)


async def _cancelled(update: Update, context: ScrutinContext) -> int:
    await drop(context, KEY)
    await reply(update, context.caller._("Cancelled; no meeting was planned."))
    return END


async def start(update: Update, context: ScrutinContext) -> int:
    """``/planifier``: which instance meets."""
    caller = context.caller
    _ = caller._
    governance = context.services.governance
    choices = [
        (g, instance.id)
        for g in caller.coordinated
        for instance in governance.groupement(g).instances
    ]
    many = len(caller.coordinated) > 1
    rows = []
    for index, (groupement_id, instance_id) in enumerate(choices):
        groupement = governance.groupement(groupement_id)
        label = groupement.instance(instance_id).name + (f" — {groupement.name}" if many else "")
        rows.append((button(label, "minst", str(index)),))
    rows.append((button(_("Cancel"), "mcancel", CANCEL),))
    text = _("New meeting. Which instance meets?")
    return await ask(update, context, KEY, MeetingForm(choices), INSTANCE, text, tuple(rows))


async def on_instance(update: Update, context: ScrutinContext) -> int:
    if is_cancel(update, "mcancel"):
        return await _cancelled(update, context)
    found = await pressed(
        update, context, KEY, MeetingForm, "minst", lambda form, value: pick(value, form.choices)
    )
    if found is None:
        return INSTANCE
    form, (groupement_id, instance_id) = found
    form.groupement_id, form.instance_id = groupement_id, instance_id
    text = context.caller._("Date and time? Send them as DD/MM/YYYY HH:MM, Paris time.")
    return await ask(update, context, KEY, form, DATE, text)


def _typed(update: Update) -> str:
    return words(update.effective_message.text if update.effective_message else None)


async def on_date(update: Update, context: ScrutinContext) -> int:
    form = _form(context)
    if form is None:
        return END
    _ = context.caller._
    zone = context.services.governance.groupement(form.groupement_id).groupement.tzinfo
    starts_at = future_moment(_typed(update), context.services.clock(), zone)
    if starts_at is None:
        await reply(update, _("I could not read a future date. Send it as DD/MM/YYYY HH:MM."))
        return DATE
    form.starts_at = starts_at
    text = _("Place? (address, or “-” for a video meeting only)")
    return await ask(update, context, KEY, form, PLACE, text)


async def on_place(update: Update, context: ScrutinContext) -> int:
    form = _form(context)
    if form is None:
        return END
    text = _typed(update)
    if text.lower() in NONE_WORDS:
        form.place = None
    else:
        place = await typed_or_told(update, context, Typed.PLACE, text)
        if place is None:
            return PLACE
        form.place = place
    text = context.caller._("Video link? (https://…, or “-” for none)")
    return await ask(update, context, KEY, form, LINK, text)


def _done(context: ScrutinContext) -> Keyboard:
    return ((button(context.caller._("Done"), "magenda", "done"),),)


async def on_link(update: Update, context: ScrutinContext) -> int:
    form = _form(context)
    if form is None:
        return END
    _ = context.caller._
    text = _typed(update)
    if text.lower() in NONE_WORDS:
        form.video_link = None
    elif text.startswith(("https://", "http://")):
        link = await typed_or_told(update, context, Typed.VIDEO_LINK, text)
        if link is None:
            return LINK
        form.video_link = link
    else:
        await reply(update, _("A link starts with https://. Send it again, or “-” for none."))
        return LINK
    if not (form.place or form.video_link):
        text = _("A meeting needs a place or a video link. Place?")
        return await ask(update, context, KEY, form, PLACE, text)
    text = _(
        "Agenda: send one item per message. To put an item to the vote, write "
        "“Title ; vote : question”. Press “Done” when the agenda is complete."
    )
    assert form.starts_at is not None
    approval = await propose_approval(
        context.services, form.groupement_id, form.instance_id, form.starts_at
    )
    if approval is None:
        return await ask(update, context, KEY, form, AGENDA, text, _done(context))
    form.agenda.append(approval)
    proposed = _(
        "Item 1 is proposed: {title} — vote: {motion}. Keep it, or press “Remove item 1”."
    ).format(title=approval.title, motion=approval.motion)
    drop_it = (button(_("Remove item 1"), "magenda", "omit"),)
    keyboard = (*_done(context), drop_it)
    return await ask(update, context, KEY, form, AGENDA, f"{text}\n\n{proposed}", keyboard)


async def on_agenda_item(update: Update, context: ScrutinContext) -> int:
    form = _form(context)
    if form is None:
        return END
    _ = context.caller._
    item = agenda_item(_typed(update))
    if item is None:
        await reply(
            update, _("I could not read this item. Write “Title” or “Title ; vote : question”.")
        )
        return AGENDA
    try:
        check_agenda((i.title, i.motion) for i in (*form.agenda, item))
    except Refused as refused:
        await reply(update, refusal(refused, context.caller.language), _done(context))
        return AGENDA
    form.agenda.append(item)
    text = _("Item {number} noted. Next item, or “Done”.").format(number=len(form.agenda))
    return await ask(update, context, KEY, form, AGENDA, text, _done(context))


def _agenda_button(form: MeetingForm, value: str) -> str | None:
    """The agenda's buttons: "Done", and "Remove item 1" while item 1 is the proposed approval."""
    proposed = bool(form.agenda) and form.agenda[0].approves is not None
    return value if value == "done" or (value == "omit" and proposed) else None


async def on_agenda_done(update: Update, context: ScrutinContext) -> int:
    found = await pressed(update, context, KEY, MeetingForm, "magenda", _agenda_button)
    if found is None:
        return AGENDA
    form, value = found
    if value == "omit":
        form.agenda.pop(0)
        text = context.caller._("Item dropped. Next item, or “Done”.")
        return await ask(update, context, KEY, form, AGENDA, text, _done(context))
    assert form.starts_at is not None
    groupement = context.services.governance.groupement(form.groupement_id)
    coordinator = groupement.groupement.coordinator
    # Who may chair is who is a member on the meeting's day, the coordinator member first.
    day = local_day(form.starts_at, groupement.groupement.tzinfo)
    members = [coordinator] + [m.id for m in groupement.active_members(day) if m.id != coordinator]
    form.choices = [(form.groupement_id, member) for member in members]
    rows = tuple(
        (button(str(name_of(groupement, member)), "mchair", str(index)),)
        for index, member in enumerate(members)
    )
    text = context.caller._("Who chairs? (the chair's representative has the casting vote)")
    return await ask(update, context, KEY, form, CHAIR, text, rows)


async def on_chair(update: Update, context: ScrutinContext) -> int:
    found = await pressed(
        update, context, KEY, MeetingForm, "mchair", lambda form, value: pick(value, form.choices)
    )
    if found is None:
        return CHAIR
    form, (_groupement, chair) = found
    form.chair = chair
    text = context.caller._("Name of the chair of the session, as it will be signed?")
    return await ask(update, context, KEY, form, CHAIR_NAME, text)


async def on_chair_name(update: Update, context: ScrutinContext) -> int:
    form = _form(context)
    if form is None:
        return END
    name = await typed_or_told(update, context, Typed.CHAIR_NAME, _typed(update))
    if name is None:
        return CHAIR_NAME
    form.chair_name = name
    text = context.caller._("Secretary of the session (name, as it will be signed)?")
    return await ask(update, context, KEY, form, SECRETARY, text)


def _summary(form: MeetingForm, context: ScrutinContext) -> str:
    caller = context.caller
    _ = caller._
    groupement = context.services.governance.groupement(form.groupement_id)
    assert form.starts_at is not None and form.chair is not None
    lines = [
        _("Summary:"),
        _("• Instance: {instance}").format(instance=groupement.instance(form.instance_id).name),
        _("• Date: {moment}").format(
            moment=moment(form.starts_at, caller.language, groupement.groupement.tzinfo)
        ),
        _("• Place: {place}").format(place=form.place or "—"),
        _("• Video: {link}").format(link=form.video_link or "—"),
        _("• Chair: {chair}").format(
            chair=f"{form.chair_name} ({name_of(groupement, form.chair)})"
        ),
        _("• Secretary: {secretary}").format(secretary=form.secretary),
        _("• Agenda:"),
    ]
    for number, item in enumerate(form.agenda, start=1):
        motion = f" — {_('vote: {motion}').format(motion=item.motion)}" if item.motion else ""
        lines.append(f"  {number}. {item.title}{motion}")
    return "\n".join(lines)


async def on_secretary(update: Update, context: ScrutinContext) -> int:
    form = _form(context)
    if form is None:
        return END
    name = await typed_or_told(update, context, Typed.SECRETARY, _typed(update))
    if name is None:
        return SECRETARY
    form.secretary = name
    _ = context.caller._
    confirm = (
        (button(_("Plan the meeting"), "mconfirm", "yes"), button(_("Cancel"), "mcancel", CANCEL)),
    )
    return await ask(update, context, KEY, form, CONFIRM, _summary(form, context), confirm)


async def on_confirm(update: Update, context: ScrutinContext) -> int:
    if is_cancel(update, "mcancel"):
        return await _cancelled(update, context)
    found = await pressed(update, context, KEY, MeetingForm, "mconfirm", only("yes"))
    if found is None:
        return CONFIRM
    form, _value = found
    caller = context.caller
    assert form.starts_at is not None
    plan = MeetingPlan(
        groupement_id=form.groupement_id,
        instance_id=form.instance_id,
        starts_at=form.starts_at,
        place=form.place,
        video_link=form.video_link,
        agenda=tuple(form.agenda),
        chair=form.chair,
        chair_name=form.chair_name,
        secretary=form.secretary,
    )
    try:
        async with confirming(context, KEY):
            planned = await plan_meeting(context.services, caller, plan)
    except FormGone:
        return END  # the same press, handled meanwhile by another replica, planned it
    except Refused as refused:
        await reply(update, refusal(refused, caller.language))
        return END
    await reply(update, planned_text(planned.meeting, planned.notice, caller.language))
    return END


COMMANDS = (
    Command(
        "planifier",
        "plan",
        Access.COORDINATOR,
        N_("plan a meeting"),
        start,
        place=Place.PRIVATE,
        wrong_place=N_("Plan meetings in your private chat with the bot."),
        form=Form(
            KEY,
            MeetingForm,
            {
                INSTANCE: (Step(on_instance),),
                DATE: (Step(on_date, typed=True),),
                PLACE: (Step(on_place, typed=True),),
                LINK: (Step(on_link, typed=True),),
                AGENDA: (Step(on_agenda_item, typed=True), Step(on_agenda_done)),
                CHAIR: (Step(on_chair),),
                CHAIR_NAME: (Step(on_chair_name, typed=True),),
                SECRETARY: (Step(on_secretary, typed=True),),
                CONFIRM: (Step(on_confirm),),
            },
            _cancelled,
        ),
        rank=50,
    ),
)
