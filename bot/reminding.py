"""Sends the reminders that are due: meetings (J-7, J-1), ballot deadlines, quarterly CST.

The rows in :mod:`meetings.reminders` say what is due; each one is claimed
before anything is sent, so a crash or a restart never sends it twice.
"""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.delivery import deliver_papers, language_of
from bot.handlers.common import Context
from bot.identity import user_id_of
from bot.meeting_render import reminder_text, reply_keyboard
from bot.services import Services, services_of
from meetings.meeting import MeetingError, MeetingState
from meetings.reminders import Reminder, ReminderKind
from meetings.wording.formats import moment as format_moment
from meetings.wording.i18n import translator
from voting.ballot import BallotState, VotingError

log = logging.getLogger(__name__)


async def plan_standing_reminders(services: Services) -> int:
    """The coordinators' reminders for every recurring instance: quarterly (CST), annual (AG)."""
    added = 0
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


async def _send(bot: Bot, person_id: str, text: str, **kwargs: object) -> bool:
    chat_id = user_id_of(person_id)
    if chat_id is None:
        return False
    try:
        await bot.send_message(chat_id, text, **kwargs)  # type: ignore[arg-type]
    except TelegramError as error:
        log.warning("reminder not delivered to %s: %s", person_id, error)
        return False
    return True


async def _meeting_reminder(bot: Bot, services: Services, reminder: Reminder) -> int:
    meeting = await services.meetings.get(reminder.subject_id)
    groupement, instance = services.secretariat.context(meeting)
    replies = await services.meetings.replies(meeting.id)
    members = services.secretariat.members(meeting)
    advisory = [a.id for a in groupement.advisory_for(instance.id)]
    sent = 0
    for recipient in await services.secretariat.recipients(meeting):
        language = await language_of(services, recipient.person_id)
        _ = translator(language)
        replied = recipient.participant_id in replies
        text = reminder_text(meeting, groupement, replied, language, _)
        markup = None
        if not replied:
            index = (advisory if recipient.advisory else members).index(recipient.participant_id)
            markup = reply_keyboard(
                meeting,
                index,
                advisory=recipient.advisory,
                proxies_allowed=instance.voting,
                chosen=None,
                _=_,
            )
        sent += await _send(bot, recipient.person_id, text, reply_markup=markup)
    return sent


async def _ballot_reminder(bot: Bot, services: Services, reminder: Reminder) -> int:
    """Only the members that have not voted; their papers come again with the reminder."""
    ballot = await services.ballots.get(reminder.subject_id)
    votes = await services.ballots.effective_votes(ballot.id)
    groupement = services.governance.groupement(ballot.draft.groupement_id)
    # One reminder per person, however many members (its own, and proxies) it votes for.
    waiting: dict[str, list[str]] = {}
    for paper in await services.desk.papers(ballot):
        if paper.member_id not in votes:
            waiting.setdefault(paper.person_id, []).append(paper.member_id)
    assert ballot.draft.deadline is not None
    sent = 0
    for person_id, members in waiting.items():
        language = await language_of(services, person_id)
        _ = translator(language)
        text = "⏰ " + _(
            "Reminder: ballot no. {number} closes on {moment}; no vote yet for: {members}."
        ).format(
            number=ballot.id,
            moment=format_moment(ballot.draft.deadline, language, groupement.groupement.tzinfo),
            members=", ".join(groupement.member(m).name for m in members),
        )
        if await _send(bot, person_id, text):
            sent += 1
            await deliver_papers(
                bot, services, ballot, only_person=person_id, only_members=frozenset(members)
            )
    return sent


async def _period_reminder(bot: Bot, services: Services, reminder: Reminder) -> int:
    """The coordinators, told that no meeting of the recurring instance is planned yet."""
    period = (
        str(reminder.period[0].year)
        if reminder.kind is ReminderKind.ANNUAL
        else reminder.quarter.label_fr
    )
    groupement = services.governance.groupement(reminder.groupement_id)
    instance = groupement.instance(reminder.instance_id)
    coordinators = {p for g, p in await services.roster.coordinators() if g == groupement.id}
    coordinators |= {f"tg:{uid}" for uid in groupement.groupement.coordinator_telegram_ids}
    sent = 0
    for person_id in sorted(coordinators):
        language = await language_of(services, person_id)
        _ = translator(language)
        if reminder.kind is ReminderKind.ANNUAL:
            text = _(
                "{instance}: no meeting is planned yet for {period} ({groupement}). "
                "Plan it with /planifier."
            )
        else:
            text = _(
                "{instance}: no meeting is planned yet for the {period} ({groupement}). "
                "Plan it with /planifier."
            )
        text = "⏰ " + text.format(
            instance=instance.name, period=period, groupement=groupement.name
        )
        sent += await _send(bot, person_id, text)
    return sent


async def send_due_reminders(bot: Bot, services: Services) -> list[Reminder]:
    """Send what is due now; return the reminders sent."""
    work = await services.reminders.due()
    for dropped in work.dropped:
        log.info("reminder %s (%s %s) dropped", dropped.id, dropped.subject, dropped.label)
    sent: list[Reminder] = []
    for reminder in work.to_send:
        if not await _still_relevant(services, reminder):
            await services.reminders.drop(reminder.id, "its meeting or ballot is over")
            continue
        if reminder.kind in RECURRING and await _period_has_meeting(services, reminder):
            await services.reminders.drop(reminder.id, "a meeting is planned in that period")
            continue
        if not await services.reminders.claim(reminder.id):
            continue
        try:
            if reminder.kind is ReminderKind.MEETING:
                await _meeting_reminder(bot, services, reminder)
            elif reminder.kind is ReminderKind.BALLOT_DEADLINE:
                await _ballot_reminder(bot, services, reminder)
            else:
                await _period_reminder(bot, services, reminder)
        except (MeetingError, VotingError) as error:
            log.warning("reminder %s could not be sent: %s", reminder.id, error)
            continue
        sent.append(reminder)
    return sent


HELD_OR_COMING = (
    MeetingState.PLANNED,
    MeetingState.CONVENED,
    MeetingState.IN_SESSION,
    MeetingState.CLOSED,
)


RECURRING = (ReminderKind.CST_QUARTER, ReminderKind.ANNUAL)


async def _period_has_meeting(services: Services, reminder: Reminder) -> bool:
    groupement = services.governance.groupement(reminder.groupement_id)
    zone = groupement.groupement.tzinfo
    first_day, last_day = reminder.period
    for meeting in await services.meetings.find(
        groupement_id=groupement.id,
        instance_id=reminder.instance_id,
        states=HELD_OR_COMING,
    ):
        if first_day <= meeting.plan.starts_at.astimezone(zone).date() <= last_day:
            return True
    return False


async def _still_relevant(services: Services, reminder: Reminder) -> bool:
    if reminder.kind is ReminderKind.MEETING:
        meeting = await services.meetings.get(reminder.subject_id)
        return meeting.state is MeetingState.CONVENED
    if reminder.kind is ReminderKind.BALLOT_DEADLINE:
        ballot = await services.ballots.get(reminder.subject_id)
        return ballot.state is BallotState.OPEN
    return True


async def reminders_job(context: Context) -> None:
    await send_due_reminders(context.bot, services_of(context))
