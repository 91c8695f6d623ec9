"""Sends the reminders that are due: meetings (J-7, J-1), ballot deadlines, and the
coordinators' reminders to plan the quarterly CST and the annual AG.

The rows in :mod:`meetings.reminders` say what is due; each one is claimed before anything is
sent, so a crash or a restart never sends it twice.
"""

from __future__ import annotations

import logging

from meetings.delivery.audience import coordinators_of, language_of
from meetings.delivery.ballots import deliver_papers
from meetings.delivery.convention import (
    convention_reminder_stands,
    plan_all_convention_reminders,
    send_convention_reminder,
)
from meetings.delivery.fanout import fan_out
from meetings.meeting import MeetingState
from meetings.notifier import Message, Private
from meetings.papers import papers
from meetings.recipients import recipients
from meetings.reminders import Reminder, ReminderKind
from meetings.scope import scope_of
from meetings.services import Services
from meetings.wording.messages.ballots import deadline_reminder
from meetings.wording.messages.meetings import reminder_text, reply_keyboard
from meetings.wording.messages.planning import period_reminder
from voting.ballot import BallotState
from voting.refusal import Refused

log = logging.getLogger(__name__)

RECURRING = (ReminderKind.CST_QUARTER, ReminderKind.ANNUAL)
HELD_OR_COMING = (
    MeetingState.PLANNED,
    MeetingState.CONVENED,
    MeetingState.IN_SESSION,
    MeetingState.CLOSED,
)


async def plan_standing_reminders(services: Services) -> int:
    """The coordinators' reminders for every recurring instance: quarterly (CST), annual (AG);
    and those of each convention's dates (its term's end, its withdrawal windows)."""
    added = await plan_all_convention_reminders(services)
    for groupement in services.governance.groupements.values():
        zone = groupement.groupement.tzinfo
        today = services.clock().astimezone(zone).date()
        for instance in groupement.instances:
            if instance.recurrence == "quarterly":
                added += await services.reminders.plan_quarters(
                    groupement.id, instance.id, zone, today
                )
            elif instance.recurrence == "annual":
                added += await services.reminders.plan_years(
                    groupement.id, instance.id, zone, today
                )
    return added


async def _meeting_reminder(services: Services, reminder: Reminder) -> int:
    meeting = await services.meetings.get(reminder.subject_id)
    scope = scope_of(services.governance, meeting)
    replies = await services.meetings.replies(meeting.id)
    letters: list[tuple[str, Message]] = []
    for recipient in await recipients(services.roster, scope):
        language = await language_of(services, recipient.person_id)
        replied = recipient.participant_id in replies
        keyboard = None
        if not replied:
            group = scope.advisory if recipient.advisory else scope.members
            keyboard = reply_keyboard(
                meeting,
                group.index(recipient.participant_id),
                advisory=recipient.advisory,
                proxies_allowed=scope.voting,
                chosen=None,
                language=language,
            )
        text = reminder_text(meeting, scope.groupement, replied, language)
        letters.append((recipient.person_id, Message(text, keyboard)))
    return await _send_all(services, letters)


async def _send_all(services: Services, letters: list[tuple[str, Message]]) -> int:
    """Send each (person id, message) together; how many arrived."""
    sent = await fan_out(
        letters, lambda letter: services.notifier.send(Private(letter[0]), letter[1])
    )
    return sum(posted is not None for posted in sent)


async def _ballot_reminder(services: Services, reminder: Reminder) -> int:
    """Only the members that have not voted; their papers come again with the reminder."""
    ballot = await services.ballots.get(reminder.subject_id)
    votes = await services.ballots.effective_votes(ballot.id)
    groupement = services.governance.groupement(ballot.draft.groupement_id)
    # One reminder per person, however many members (its own, and proxies) it votes for.
    waiting: dict[str, list[str]] = {}
    for sheet in await papers(services.roster, ballot):
        if sheet.member_id not in votes:
            waiting.setdefault(sheet.person_id, []).append(sheet.member_id)
    letters: list[tuple[str, Message]] = []
    for person_id, members in waiting.items():
        language = await language_of(services, person_id)
        letters.append(
            (person_id, Message(deadline_reminder(ballot, groupement, members, language)))
        )
    sent = await fan_out(
        letters, lambda letter: services.notifier.send(Private(letter[0]), letter[1])
    )
    reached = [person for (person, _m), posted in zip(letters, sent, strict=True) if posted]
    # The papers follow in a second wave, after every reminder: not right behind each one.
    pairs = frozenset((person, member) for person in reached for member in waiting[person])
    if pairs:
        await deliver_papers(services, ballot, only_pairs=pairs)
    return len(reached)


async def _period_reminder(services: Services, reminder: Reminder) -> int:
    """The coordinators, told that no meeting of the recurring instance is planned yet."""
    groupement = services.governance.groupement(reminder.groupement_id)
    instance = groupement.instance(reminder.instance_id)
    letters: list[tuple[str, Message]] = []
    for person_id in await coordinators_of(services, groupement):
        language = await language_of(services, person_id)
        letters.append(
            (person_id, Message(period_reminder(reminder, groupement, instance, language)))
        )
    return await _send_all(services, letters)


async def send_due_reminders(services: Services) -> list[Reminder]:
    """Send what is due now; return the reminders sent."""
    work = await services.reminders.due()
    for dropped in work.dropped:
        log.info("reminder %s (%s %s) dropped", dropped.id, dropped.subject, dropped.label)
    sent: list[Reminder] = []
    for reminder in work.to_send:
        if not await _still_relevant(services, reminder):
            await services.reminders.drop(reminder.id, "its meeting or ballot is over")
            continue
        if reminder.kind is ReminderKind.CONVENTION and not await convention_reminder_stands(
            services, reminder
        ):
            await services.reminders.drop(reminder.id, "the convention's date it was about moved")
            continue
        if reminder.kind in RECURRING and await _period_has_meeting(services, reminder):
            await services.reminders.drop(reminder.id, "a meeting is planned in that period")
            continue
        if not await services.reminders.claim(reminder.id):
            continue
        try:
            if reminder.kind is ReminderKind.MEETING:
                await _meeting_reminder(services, reminder)
            elif reminder.kind is ReminderKind.BALLOT_DEADLINE:
                await _ballot_reminder(services, reminder)
            elif reminder.kind is ReminderKind.CONVENTION:
                await send_convention_reminder(services, reminder)
            else:
                await _period_reminder(services, reminder)
        except Refused as error:
            log.warning("reminder %s could not be sent: %s", reminder.id, error)
            continue
        sent.append(reminder)
    return sent


async def _period_has_meeting(services: Services, reminder: Reminder) -> bool:
    groupement = services.governance.groupement(reminder.groupement_id)
    zone = groupement.groupement.tzinfo
    first_day, last_day = reminder.period
    for meeting in await services.meetings.find(
        groupement_id=groupement.id, instance_id=reminder.instance_id, states=HELD_OR_COMING
    ):
        if first_day <= meeting.plan.starts_at.astimezone(zone).date() <= last_day:
            return True
    return False


async def _still_relevant(services: Services, reminder: Reminder) -> bool:
    try:
        if reminder.kind is ReminderKind.MEETING:
            meeting = await services.meetings.get(reminder.subject_id)
            return meeting.state is MeetingState.CONVENED
        if reminder.kind is ReminderKind.BALLOT_DEADLINE:
            ballot = await services.ballots.get(reminder.subject_id)
            return ballot.state is BallotState.OPEN

    except Refused:
        return False
    return True
