"""Convocations with their .ics, changes of date or cancellations, the live quorum of a session,
and the news that a session is closed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from meetings.delivery.audience import DeliveryReport, group_language, language_of
from meetings.delivery.fanout import fan_out
from meetings.documents import readers
from meetings.meeting import Meeting
from meetings.notifier import Attachment, Group, Message, Posted, Private
from meetings.quorum import LiveQuorum, live_quorum
from meetings.recipients import Recipient, recipients
from meetings.scope import MeetingScope, scope_of
from meetings.services import Services
from meetings.wording.formats import name_of
from meetings.wording.messages.documents import convocation_documents
from meetings.wording.messages.meetings import (
    change_notice,
    convocation,
    details,
    group_change_notice,
    live_quorum_post,
    quorum_change,
    session_closed,
)


def calendar_file(scope: MeetingScope, meeting: Meeting) -> Attachment:
    """The meeting's .ics: same UID whatever happens, a higher SEQUENCE at each change."""
    # Imported when a calendar file is written, not when the bot starts: icalendar adds to
    # every start's time and memory for what only convocations need (issue #11).
    from meetings.ics import meeting_ics

    groupement = scope.groupement
    ics = meeting_ics(
        uid=f"meeting-{meeting.id}@{groupement.id}.scrutin",
        sequence=meeting.sequence,
        summary=f"{scope.instance.name} — {groupement.name}",
        description="\n".join(details(meeting, groupement, "fr")[1:]),
        start=meeting.plan.starts_at,
        duration=meeting.plan.duration,
        location=meeting.plan.place,
        url=meeting.plan.video_link,
        organizer_name=str(name_of(groupement, groupement.groupement.coordinator)),
        stamp=meeting.convened_at or meeting.created_at,
        zone=scope.zone,
        cancelled=meeting.cancelled_at is not None,
    )
    return Attachment(f"reunion-{meeting.id}.ics", ics)


def _captioned(calendar: Attachment, message: Message) -> Attachment:
    # One request per person: the message rides on its .ics as the caption, buttons and all.
    # Two requests to one private chat back to back would break Telegram's 1 a second there.
    return replace(calendar, caption=message.text, keyboard=message.keyboard)


async def send_convocations(
    services: Services,
    meeting: Meeting,
    found: list[Recipient] | None = None,
    moved_from: datetime | None = None,
) -> DeliveryReport:
    """Every representative and advisory person gets the convocation: its .ics, with the
    convocation and its reply buttons as the caption, in one request.

    ``moved_from``: the date the meeting was convened for before a move, which this new
    convocation replaces.
    """
    scope = scope_of(services.governance, meeting)
    replies = await services.meetings.replies(meeting.id)
    calendar = calendar_file(scope, meeting)
    targets = found if found is not None else await recipients(services.roster, scope)
    documents = await services.documents.of_meeting(meeting.id)
    letters: list[Attachment] = []
    for recipient in targets:
        language = await language_of(services, recipient.person_id)
        theirs = [d for d in documents if readers(d, [recipient])]
        message = convocation(
            meeting,
            scope,
            recipient.participant_id,
            recipient.advisory,
            replies.get(recipient.participant_id),
            language,
            moved_from,
            convocation_documents(theirs, language),
        )
        letters.append(_captioned(calendar, message))

    async def send(index: int) -> bool:
        to = Private(targets[index].person_id)
        return await services.notifier.document(to, letters[index])

    report = DeliveryReport()
    for recipient, delivered in zip(targets, await fan_out(range(len(targets)), send), strict=True):
        if delivered:
            report.sent += 1
            report.delivered.append(
                (recipient.person_id, recipient.participant_id, services.clock())
            )
        else:
            report.unreachable.append((recipient.person_id, recipient.participant_id))
    return report


async def notify_change(services: Services, meeting: Meeting, moved: bool) -> int:
    """Tell everyone convened that the meeting moved (new date, new .ics) or is cancelled:
    the notice is the caption of the updated .ics, one request per person."""
    scope = scope_of(services.governance, meeting)
    groupement = scope.groupement
    calendar = calendar_file(scope, meeting)
    people = dict.fromkeys(r.person_id for r in await recipients(services.roster, scope))
    letters: list[tuple[str, Attachment]] = []
    for person_id in people:
        language = await language_of(services, person_id)
        message = Message(change_notice(meeting, groupement, moved, language))
        letters.append((person_id, _captioned(calendar, message)))

    async def send(letter: tuple[str, Attachment]) -> bool:
        return await services.notifier.document(Private(letter[0]), letter[1])

    told = sum(await fan_out(letters, send))
    await notify_groups(services, meeting, moved)
    return told


async def notify_groups(services: Services, meeting: Meeting, moved: bool) -> None:
    """The groups of the instance read that the meeting moved or is cancelled."""
    groupement = services.governance.groupement(meeting.plan.groupement_id)
    text = group_change_notice(meeting, groupement, moved, group_language(groupement))
    chats = await services.chats.groups_for(groupement.id, meeting.plan.instance_id)
    await fan_out(chats, lambda chat: services.notifier.send(Group(chat.chat_id), Message(text)))


async def post_quorum(
    services: Services, meeting: Meeting, was_met: bool | None
) -> LiveQuorum | None:
    """Post the live quorum to the groups, or edit the posted one; warn when it is lost.

    Returns the quorum now (None for an instance that does not vote).
    """
    live = await live_quorum(services, meeting)
    if live is None:
        return None
    groupement = services.governance.groupement(meeting.plan.groupement_id)
    language = group_language(groupement)
    text = live_quorum_post(meeting, groupement, live, language)
    met = live.report.met
    posts = await services.chats.meeting_posts(meeting.id)
    for chat in await services.chats.groups_for(groupement.id, meeting.plan.instance_id):
        existing = [post for post in posts if post.chat_id == chat.chat_id]
        if existing:
            await services.notifier.edit(
                Posted(chat.chat_id, existing[-1].message_id), Message(text)
            )
        else:
            posted = await services.notifier.send(Group(chat.chat_id), Message(text))
            if posted is not None:
                await services.chats.remember_meeting_post(
                    meeting.id, posted.chat_id, posted.message_id
                )
        if was_met is not None and was_met != met:
            await services.notifier.send(Group(chat.chat_id), Message(quorum_change(met, language)))
    return live


async def announce_session_closed(services: Services, meeting: Meeting) -> None:
    groupement = services.governance.groupement(meeting.plan.groupement_id)
    text = session_closed(meeting, groupement, group_language(groupement))
    chats = await services.chats.groups_for(groupement.id, meeting.plan.instance_id)
    await fan_out(chats, lambda chat: services.notifier.send(Group(chat.chat_id), Message(text)))
