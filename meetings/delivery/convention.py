"""The coordinators' reminders of the convention's dates: six months and one month before its
term ends (the end in force, after the amendments) and before each withdrawal window closes.

Each reminder is a row of :mod:`meetings.reminders`, claimed before it is sent: sent once. A
term's end that an amendment moved since the reminder was planned is no longer reminded: the
new end gets its own reminders at the next planning.
"""

from __future__ import annotations

from datetime import date

from config.models import Groupement
from meetings.delivery.audience import coordinators_of, language_of
from meetings.delivery.fanout import fan_out
from meetings.notifier import Message, Private
from meetings.reminders import ConventionEvent, Reminder, ReminderKind
from meetings.schedule import local_day
from meetings.services import Services
from meetings.wording.messages.membership import term_end_reminder, withdrawal_window_reminder

WINDOWS_AHEAD = 2
"""Withdrawal windows planned at a time: this year's and next year's, like the annual AG."""


async def _notified(services: Services, groupement: Groupement) -> date | None:
    notification = (await services.membership.register(groupement.id)).notification
    return None if notification is None else notification.notified_on


async def plan_convention_reminders(services: Services, groupement: Groupement) -> int:
    """The reminders of one groupement's convention still ahead; how many were added."""
    convention = groupement.convention
    if convention is None:
        return 0
    zone = groupement.groupement.tzinfo
    today = local_day(services.clock(), zone)
    added = 0
    end = convention.end_in_force(today, await _notified(services, groupement))
    for reminder in await services.reminders.pending():
        if reminder.kind is ReminderKind.CONVENTION and reminder.groupement_id == groupement.id:
            event, day = reminder.convention_event
            if event is ConventionEvent.TERM_END and day != end:
                await services.reminders.drop(reminder.id, "an amendment moved the end")
    if end is not None and end > today:
        added += await services.reminders.plan_convention(
            groupement.id, ConventionEvent.TERM_END, end, zone
        )
    if convention.withdrawal is not None:
        for closes, _effect in convention.withdrawal.next_closes(today, WINDOWS_AHEAD):
            added += await services.reminders.plan_convention(
                groupement.id, ConventionEvent.WITHDRAWAL_CLOSE, closes, zone
            )
    return added


async def plan_all_convention_reminders(services: Services) -> int:
    added = 0
    for groupement in services.governance.groupements.values():
        added += await plan_convention_reminders(services, groupement)
    return added


async def convention_reminder_stands(services: Services, reminder: Reminder) -> bool:
    """Whether the date a reminder is about still holds: a term's end an amendment moved
    does not."""
    groupement = services.governance.groupements.get(reminder.groupement_id)
    if groupement is None or groupement.convention is None:
        return False
    event, day = reminder.convention_event
    if event is ConventionEvent.WITHDRAWAL_CLOSE:
        return groupement.convention.withdrawal is not None
    today = local_day(services.clock(), groupement.groupement.tzinfo)
    return groupement.convention.end_in_force(today, await _notified(services, groupement)) == day


def _months_ahead(reminder: Reminder) -> int:
    return int(reminder.label.removeprefix("M-"))


async def send_convention_reminder(services: Services, reminder: Reminder) -> int:
    """Each coordinator of the groupement, in a private chat; how many were reached."""
    groupement = services.governance.groupement(reminder.groupement_id)
    assert groupement.convention is not None  # checked by convention_reminder_stands
    event, day = reminder.convention_event
    months = _months_ahead(reminder)
    letters: list[tuple[str, Message]] = []
    for person_id in await coordinators_of(services, groupement):
        language = await language_of(services, person_id)
        if event is ConventionEvent.TERM_END:
            text = term_end_reminder(groupement, day, months, language)
        else:
            rule = groupement.convention.withdrawal
            assert rule is not None
            effect = rule.earliest_effect(day)
            assert effect is not None
            text = withdrawal_window_reminder(groupement, day, effect, months, language)
        letters.append((person_id, Message(text)))
    sent = await fan_out(
        letters, lambda letter: services.notifier.send(Private(letter[0]), letter[1])
    )
    return sum(posted is not None for posted in sent)
