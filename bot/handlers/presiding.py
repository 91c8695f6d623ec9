"""Who presides the session, and proxies during it, in Telegram: /presider designates a chair
for the session where the planned chair is absent, a member leaving is offered to give its
proxy to a member present, and /revoquer withdraws a proxy."""

from __future__ import annotations

from telegram import Update

from bot.commands import Access, ButtonRoute, Command
from bot.context import ScrutinContext
from bot.replies import alert, reply
from bot.selection import chosen_meeting
from meetings.actions.attendance import UnknownParticipant, sitting_for
from meetings.actions.reply import participant_at
from meetings.actions.session_chair import designate_chair
from meetings.actions.session_proxy import (
    give_session_proxy,
    revoke_session_proxy,
    session_holders,
)
from meetings.buttons import SESSION_PROXY_PATTERN, decode_session_proxy
from meetings.meeting import Meeting, MeetingState
from meetings.scope import scope_of
from meetings.wording.formats import clock, name_of
from meetings.wording.i18n import N_
from meetings.wording.messages.session import (
    chair_ballot_opened,
    chair_designated,
    offer_proxy,
    proxy_given,
    proxy_revoked,
    session_holders_keyboard,
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


async def offer_session_proxy(
    update: Update, context: ScrutinContext, meeting: Meeting, member: str
) -> None:
    """After a departure: the members present that may carry the proxy, as buttons."""
    caller = context.caller
    scope = scope_of(context.services.governance, meeting)
    if not scope.voting or member not in scope.members:
        return
    try:
        choice = await session_holders(context.services, caller, meeting.id, member)
    except Refused:
        # A member that holds a proxy itself, or a session closed meanwhile: nothing to offer.
        return
    if not choice.holders:
        return
    holders = [(scope.members.index(h), name_of(scope.groupement, h)) for h in choice.holders]
    keyboard = session_holders_keyboard(meeting, scope.members.index(member), holders)
    await reply(update, offer_proxy(name_of(scope.groupement, member), caller.language), keyboard)


async def session_proxy_pressed(update: Update, context: ScrutinContext) -> None:
    """The member present chosen to carry a leaving member's proxy."""
    query = update.callback_query
    caller = context.caller
    code = decode_session_proxy(query.data if query is not None else None)
    if query is None or code is None:
        await alert(update, caller._("This button is not valid."))
        return
    try:
        meeting, scope, giver = await participant_at(
            context.services, code.meeting_id, code.giver_index
        )
        _meeting, _scope, holder = await participant_at(
            context.services, code.meeting_id, code.holder_index
        )
        recorded = await give_session_proxy(context.services, caller, meeting.id, giver, holder)
    except Refused as refused:
        await alert(update, refusal(refused, caller.language))
        return
    language = caller.language
    groupement = scope.groupement
    at = clock(recorded.change.at, language, scope.zone)
    text = proxy_given(name_of(groupement, giver), name_of(groupement, holder), at, language)
    await query.answer()
    await query.edit_message_text(text)


async def revoke_command(update: Update, context: ScrutinContext) -> None:
    """``/revoquer [N] [MEMBRE]``: withdraw a proxy during the session, for the ballots to come."""
    caller = context.caller
    args = [arg.lower() for arg in context.args or []]
    number = int(args.pop(0)) if args and args[0].isdigit() else None
    named = args[0] if args else None
    try:
        meeting, member = await sitting_for(context.services, caller, number, named)
        recorded = await revoke_session_proxy(context.services, caller, meeting.id, member)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language))
        return
    scope = recorded.scope
    at = clock(recorded.change.at, caller.language, scope.zone)
    await reply(update, proxy_revoked(name_of(scope.groupement, member), at, caller.language))


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
COMMANDS = (
    PRESIDE,
    Command(
        "revoquer",
        "revoke",
        Access.KNOWN,
        N_("revoke a proxy during the session"),
        revoke_command,
        arguments=N_("[NUMBER] [MEMBER]"),
        rank=6,
    ),
)
BUTTONS = (ButtonRoute(SESSION_PROXY_PATTERN, session_proxy_pressed),)
