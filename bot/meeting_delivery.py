"""Messages the bot pushes about meetings: convocations with their .ics, changes, live quorum.

As for ballots, each send stands alone: a person who blocked the bot is
reported, never allowed to stop the others.
"""

from __future__ import annotations

import logging
from io import BytesIO

from telegram import Bot, InputFile
from telegram.error import BadRequest, TelegramError

from bot.delivery import DeliveryReport, language_of
from bot.identity import user_id_of
from bot.meeting_render import (
    convocation_text,
    details,
    meeting_heading,
    quorum_text,
    reply_keyboard,
)
from bot.services import Services
from meetings.ics import meeting_ics
from meetings.meeting import Meeting
from meetings.reminders import meeting_subject
from meetings.wording.i18n import choose_language, translator

log = logging.getLogger(__name__)


def calendar_file(services: Services, meeting: Meeting) -> InputFile:
    groupement, instance = services.secretariat.context(meeting)
    description = "\n".join(details(meeting, groupement, "fr", translator("fr"))[1:])
    ics = meeting_ics(
        uid=f"meeting-{meeting.id}@{groupement.id}.scrutin",
        sequence=meeting.sequence,
        summary=f"{instance.name} — {groupement.name}",
        description=description,
        start=meeting.plan.starts_at,
        duration=meeting.plan.duration,
        location=meeting.plan.place,
        url=meeting.plan.video_link,
        organizer_name=groupement.member(groupement.groupement.coordinator).name,
        stamp=meeting.convened_at or meeting.created_at,
        zone=groupement.groupement.tzinfo,
        cancelled=meeting.cancelled_at is not None,
    )
    return InputFile(BytesIO(ics), filename=f"reunion-{meeting.id}.ics")


async def send_convocations(bot: Bot, services: Services, meeting: Meeting) -> DeliveryReport:
    """Every representative and advisory person gets the convocation, its buttons and its .ics."""
    groupement, instance = services.secretariat.context(meeting)
    members = services.secretariat.members(meeting)
    in_force = services.secretariat.weights(meeting)
    weights = in_force[1] if in_force else {}
    advisory = [a.id for a in groupement.advisory_for(instance.id)]
    replies = await services.meetings.replies(meeting.id)
    report = DeliveryReport()
    for recipient in await services.secretariat.recipients(meeting):
        chat_id = user_id_of(recipient.person_id)
        language = await language_of(services, recipient.person_id)
        _ = translator(language)
        if recipient.advisory:
            name = next(a.name for a in groupement.advisory if a.id == recipient.participant_id)
            index = advisory.index(recipient.participant_id)
            weight = None
        else:
            name = groupement.member(recipient.participant_id).name
            index = members.index(recipient.participant_id)
            weight = weights.get(recipient.participant_id)
        text = convocation_text(meeting, groupement, name, weight, language, _)
        reply = replies.get(recipient.participant_id)
        markup = reply_keyboard(
            meeting,
            index,
            advisory=recipient.advisory,
            proxies_allowed=instance.voting,
            chosen=reply.kind if reply else None,
            _=_,
        )
        try:
            if chat_id is None:
                raise ValueError(f"no chat for {recipient.person_id}")
            await bot.send_message(chat_id, text, reply_markup=markup)
            await bot.send_document(chat_id, calendar_file(services, meeting))
        except (TelegramError, ValueError) as error:
            log.warning("convocation not delivered to %s: %s", recipient.person_id, error)
            report.unreachable.append((recipient.person_id, recipient.participant_id))
            continue
        report.sent += 1
    return report


async def notify_change(bot: Bot, services: Services, meeting: Meeting, moved: bool) -> int:
    """Tell everyone convened that the meeting moved (new date, new .ics) or is cancelled."""
    groupement, _instance = services.secretariat.context(meeting)
    told = 0
    for person_id in dict.fromkeys(
        r.person_id for r in await services.secretariat.recipients(meeting)
    ):
        chat_id = user_id_of(person_id)
        if chat_id is None:
            continue
        language = await language_of(services, person_id)
        _ = translator(language)
        heading = meeting_heading(meeting, groupement, language, _)
        if moved:
            text = "\n".join(
                [
                    "🔁 " + _("The meeting has moved") + " — " + heading,
                    *details(meeting, groupement, language, _),
                ]
            )
        else:
            text = "❌ " + _("The meeting is cancelled") + " — " + heading
        try:
            await bot.send_message(chat_id, text)
            await bot.send_document(chat_id, calendar_file(services, meeting))
            told += 1
        except TelegramError as error:
            log.warning("change not delivered to %s: %s", person_id, error)
    for chat in await services.chats.groups_for(
        meeting.plan.groupement_id, meeting.plan.instance_id
    ):
        _ = translator(choose_language(groupement.groupement.locale, None))
        text = (
            "🔁 " + _("The meeting has moved") if moved else "❌ " + _("The meeting is cancelled")
        )
        try:
            await bot.send_message(
                chat.chat_id, text + " — " + meeting_heading(meeting, groupement, "fr", _)
            )
        except TelegramError as error:
            log.warning("change not posted in %s: %s", chat.chat_id, error)
    await services.reminders.drop_subject(
        meeting_subject(meeting.id), "meeting moved" if moved else "meeting cancelled"
    )
    return told


async def post_quorum(
    bot: Bot, services: Services, meeting: Meeting, was_met: bool | None
) -> bool | None:
    """Post the live quorum to the groups, or edit the posted one; warn when it is lost.

    Returns whether the quorum is met now (None for an instance that does not vote).
    """
    live = await services.secretariat.live_quorum(meeting)
    if live is None:
        return None
    groupement, _instance = services.secretariat.context(meeting)
    language = choose_language(groupement.groupement.locale, None)
    _ = translator(language)
    text = meeting_heading(meeting, groupement, language, _) + "\n" + quorum_text(live, language, _)
    met = live.report.met
    posts = await services.chats.meeting_posts(meeting.id)
    for chat in await services.chats.groups_for(
        meeting.plan.groupement_id, meeting.plan.instance_id
    ):
        existing = [p for p in posts if p.chat_id == chat.chat_id]
        try:
            if existing:
                await bot.edit_message_text(
                    text, chat_id=chat.chat_id, message_id=existing[-1].message_id
                )
            else:
                message = await bot.send_message(chat.chat_id, text)
                await services.chats.remember_meeting_post(
                    meeting.id, chat.chat_id, message.message_id
                )
            if was_met and not met:
                await bot.send_message(
                    chat.chat_id,
                    "⚠️ " + _("The quorum is lost: no vote can be valid until it is reached again."),
                )
            elif was_met is False and met:
                await bot.send_message(chat.chat_id, "✅ " + _("The quorum is reached again."))
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                log.warning("quorum not posted in %s: %s", chat.chat_id, error)
        except TelegramError as error:
            log.warning("quorum not posted in %s: %s", chat.chat_id, error)
    return met
