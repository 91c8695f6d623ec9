"""Send the final minutes: once approved by the next meeting of the instance and signed by the
chair and the secretary, the minutes go as a PDF to every member's representatives, each in a
private chat, and the groups bound to the instance get a short notice that says how many of
them received it (no PDF: a group is no place for minutes that name people); the coordinators
of the groupement are told, in private, whom it could not reach.

Sending is recorded once, in its own transaction before anything is sent: an update that
arrives again, or the approval and the last signature racing, sends nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from meetings.actions.documents import render_minutes
from meetings.approval import is_final
from meetings.delivery.audience import coordinators_of, group_language, language_of
from meetings.delivery.fanout import fan_out
from meetings.meeting import Meeting
from meetings.notifier import Attachment, Group, Message, Private
from meetings.recipients import recipients
from meetings.scope import MeetingScope, scope_of
from meetings.services import Services
from meetings.wording.formats import name_of
from meetings.wording.messages.minutes import (
    final_minutes_caption,
    final_minutes_notice,
    unsent_minutes_text,
)


@dataclass(frozen=True)
class MinutesSent:
    meeting: Meeting
    reached: tuple[str, ...]
    """The people (representatives of the members) who got the PDF."""
    unreached: tuple[str, ...]
    groups: int
    """The groups that got the notice."""


def minutes_filename(meeting: Meeting) -> str:
    return f"pv-reunion-{meeting.id}.pdf"


async def send_final_minutes(services: Services, meeting_id: int) -> MinutesSent | None:
    """Send the minutes of ``meeting_id`` if they are final and were not sent yet."""
    async with services.database.transaction():
        meeting = await services.meetings.get(meeting_id)
        approval = await services.minutes.approval(meeting_id)
        signatures = await services.minutes.signatures(meeting_id)
        if not is_final(meeting, approval, signatures):
            return None
        if not await services.minutes.claim_sending(meeting_id):
            return None
    assert approval is not None
    scope = scope_of(services.governance, meeting)
    _minutes, pdf = await render_minutes(services, meeting_id, services.clock())
    # Each representative once, with the first member it represents.
    represented: dict[str, str] = {}
    for recipient in await recipients(services.roster, scope):
        if not recipient.advisory:
            represented.setdefault(recipient.person_id, recipient.participant_id)
    people = list(represented)

    async def send(person_id: str) -> bool:
        language = await language_of(services, person_id)
        caption = final_minutes_caption(meeting, approval.reference, scope.zone, language)
        attachment = Attachment(minutes_filename(meeting), pdf, caption)
        return await services.notifier.document(Private(person_id), attachment)

    delivered = await fan_out(people, send)
    sent = MinutesSent(
        meeting,
        tuple(p for p, ok in zip(people, delivered, strict=True) if ok),
        tuple(p for p, ok in zip(people, delivered, strict=True) if not ok),
        0,
    )
    language = group_language(scope.groupement)
    notice = Message(
        final_minutes_notice(meeting, len(sent.reached), len(people), scope.zone, language)
    )
    chats = await services.chats.groups_for(scope.groupement.id, meeting.plan.instance_id)
    posted = await fan_out(chats, lambda chat: services.notifier.send(Group(chat.chat_id), notice))
    await _tell_coordinators(services, scope, sent, represented)
    return replace(sent, groups=sum(1 for p in posted if p is not None))


async def _tell_coordinators(
    services: Services, scope: MeetingScope, sent: MinutesSent, represented: dict[str, str]
) -> None:
    """The coordinators learn, in private, whom the final minutes could not reach."""
    if not sent.unreached:
        return
    people = []
    for person_id in sent.unreached:
        person = await services.roster.person(person_id)
        name = person_id if person is None else person.display_name
        people.append((name, name_of(scope.groupement, represented[person_id])))
    for coordinator in await coordinators_of(services, scope.groupement):
        language = await language_of(services, coordinator)
        text = unsent_minutes_text(sent.meeting, people, scope.zone, language)
        await services.notifier.send(Private(coordinator), Message(text))
