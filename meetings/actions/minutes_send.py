"""Send the final minutes: once approved by the next meeting of the instance and signed by the
chair and the secretary, the minutes go as a PDF to every member's representatives, each in a
private chat, and the groups bound to the instance get a short notice (no PDF: a group is no
place for minutes that name people).

Sending is recorded once, in its own transaction before anything is sent: an update that
arrives again, or the approval and the last signature racing, sends nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass

from meetings.actions.documents import render_minutes
from meetings.approval import is_final
from meetings.delivery.audience import group_language, language_of
from meetings.delivery.fanout import fan_out
from meetings.meeting import Meeting
from meetings.notifier import Attachment, Group, Message, Private
from meetings.recipients import recipients
from meetings.scope import scope_of
from meetings.services import Services
from meetings.wording.messages.minutes import final_minutes_caption, final_minutes_notice


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
    people = [r.person_id for r in await recipients(services.roster, scope) if not r.advisory]
    people = list(dict.fromkeys(people))

    async def send(person_id: str) -> bool:
        language = await language_of(services, person_id)
        caption = final_minutes_caption(meeting, approval.reference, scope.zone, language)
        attachment = Attachment(minutes_filename(meeting), pdf, caption)
        return await services.notifier.document(Private(person_id), attachment)

    delivered = await fan_out(people, send)
    language = group_language(scope.groupement)
    notice = Message(final_minutes_notice(meeting, scope.zone, language))
    chats = await services.chats.groups_for(scope.groupement.id, meeting.plan.instance_id)
    posted = await fan_out(chats, lambda chat: services.notifier.send(Group(chat.chat_id), notice))
    return MinutesSent(
        meeting,
        tuple(p for p, ok in zip(people, delivered, strict=True) if ok),
        tuple(p for p, ok in zip(people, delivered, strict=True) if not ok),
        sum(1 for p in posted if p is not None),
    )
