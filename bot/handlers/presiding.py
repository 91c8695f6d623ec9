"""Who presides the session, in Telegram: /presider designates a chair for the session where
the planned chair's member is not present."""

from __future__ import annotations

from telegram import Update

from bot.commands import Access, Command
from bot.context import ScrutinContext
from bot.replies import reply
from bot.selection import chosen_meeting
from meetings.actions.attendance import UnknownParticipant
from meetings.actions.session_chair import designate_chair
from meetings.meeting import MeetingState
from meetings.wording.formats import name_of
from meetings.wording.i18n import N_
from meetings.wording.messages.session import (
    chair_ballot_opened,
    chair_designated,
    urgency_opened,
)
from meetings.wording.refusals import refusal
from voting.refusal import Refused

QUOTES = "\"'“”«»„ "


async def presider_command(update: Update, context: ScrutinContext) -> None:
    """``/presider N MEMBRE Prénom Nom``: a chair for the session, among the members present."""
    caller = context.caller
    states = (MeetingState.CONVENED, MeetingState.IN_SESSION)
    args = context.args or []
    usage = PRESIDE.usage(caller.language)
    meeting = await chosen_meeting(update, context, states, usage)
    if meeting is None:
        return
    if len(args) < 3:
        await reply(update, caller._("Usage: {usage}").format(usage=usage))
        return
    member = args[1].lower()
    person = " ".join(args[2:]).strip(QUOTES)
    groupement = context.services.governance.groupement(meeting.plan.groupement_id)
    try:
        if member not in {m.id for m in groupement.members}:
            raise UnknownParticipant(f"no member {member!r}", member=member)
        done = await designate_chair(context.services, caller, meeting.id, member, person)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language, number=meeting.id))
        return
    name = name_of(groupement, member)
    language = caller.language
    if done.designation is not None:
        zone = groupement.groupement.tzinfo
        lines = [chair_designated(done.designation, name, zone, language)]
        if meeting.state is MeetingState.CONVENED:
            lines.append(
                caller._("The session can open: /ouvrir {number}").format(number=meeting.id)
            )
        if done.urgency is not None:
            lines.append(urgency_opened(done.urgency.ballot.id, language))
        await reply(update, "\n".join(lines))
        return
    assert done.ballot is not None
    await reply(update, chair_ballot_opened(done.ballot.ballot.id, person, name, language))


PRESIDE = Command(
    "presider",
    "preside",
    Access.COORDINATOR,
    N_("designate a chair for the session, in the absence of the planned chair"),
    presider_command,
    arguments=N_('NUMBER MEMBER "First name Last name"'),
    example=N_('e.g. /presider 3 cea "Paul Martin"'),
    rank=55,
)
COMMANDS = (PRESIDE,)
