"""Note what was said of an agenda item during the session: the minutes print it under the
item, so that an item without a vote (information, questions diverses) is on record too.

Permission: a coordinator of the groupement (the secretary of the session takes notes through
a coordinator's account, or is one). Only while the session is open: closed minutes are final.
Nothing is sent; the note waits for the minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from meetings.actions.actor import Actor
from meetings.meeting import AgendaItem, AgendaNote, Meeting
from meetings.services import Services
from meetings.texts import Typed, typed


@dataclass(frozen=True)
class AgendaNoted:
    meeting: Meeting
    item: AgendaItem
    note: AgendaNote
    replaced: bool
    """True when the item already had a note, which this one replaces in the minutes."""


async def note_agenda_item(
    services: Services, actor: Actor, meeting_id: int, position: int, text: str
) -> AgendaNoted:
    text = typed(Typed.NOTE, text)
    async with services.database.transaction():
        meeting = await services.meetings.get(meeting_id)
        actor.require_coordinator(meeting.plan.groupement_id)
        replaced = position in await services.meetings.notes(meeting_id)
        note = await services.meetings.note(meeting_id, position, text, actor.person_id)
    return AgendaNoted(meeting, meeting.plan.agenda[position - 1], note, replaced)
