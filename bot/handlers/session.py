"""The session of a meeting in Telegram: opening it, check-ins and departures, the proxy a
member leaving gives to a member present (and its revocation), closing it."""

from __future__ import annotations

from telegram import Update

from bot.arguments import BadArguments, leading_number
from bot.commands import Access, ButtonRoute, Command
from bot.context import ScrutinContext
from bot.replies import alert, reply
from bot.selection import chosen_meeting, listing
from meetings.actions.attendance import SeveralSessions, record_presence, sitting_for
from meetings.actions.lookups import meetings_in
from meetings.actions.reply import participant_at
from meetings.actions.session_adjourn import adjourn
from meetings.actions.session_open import open_session
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
from meetings.wording.messages.meetings import quorum_text, session_closed
from meetings.wording.messages.session import (
    chair_vote_needed,
    offer_proxy,
    proxy_given,
    proxy_revoked,
    session_holders_keyboard,
    urgency_opened,
)
from meetings.wording.refusals import refusal
from voting.refusal import Refused

VIDEO_WORDS = {"visio", "video"}
IN_SESSION = (MeetingState.IN_SESSION,)


async def open_command(update: Update, context: ScrutinContext) -> None:
    """``/ouvrir N``: open the session; attendance from the replies; the quorum is posted."""
    caller = context.caller
    _ = caller._
    states = (MeetingState.CONVENED, MeetingState.PLANNED, MeetingState.IN_SESSION)
    meeting = await chosen_meeting(update, context, states, OPEN.usage(caller.language))
    if meeting is None:
        return
    try:
        opened = await open_session(context.services, caller, meeting.id)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language, number=meeting.id))
        return
    if meeting.state is MeetingState.IN_SESSION and opened.urgency is not None:
        # The session was open: its ballot on the urgency, cancelled, is opened again.
        await reply(update, urgency_opened(opened.urgency.ballot.id, caller.language))
        return
    lines = [_("Session of meeting no. {number} open.").format(number=meeting.id)]
    if opened.quorum is not None:
        lines.append(quorum_text(opened.quorum, caller.language))
        if not opened.quorum.report.met:
            lines.append(
                _(
                    "Ballots opened now would fail for lack of quorum. After the meeting, "
                    "/reconvoquer sets a second convocation."
                )
            )
    lines.append(
        _(
            "Members check in with /arrivee and out with /depart; "
            "you may do it for them: /arrivee MEMBER."
        )
    )
    groupement = context.services.governance.groupement(meeting.plan.groupement_id)
    if opened.chair_vote_pending and meeting.plan.chair is not None:
        chair = name_of(groupement, meeting.plan.chair)
        lines.append(chair_vote_needed(meeting, chair, caller.language))
    if opened.urgency is not None:
        lines.append(urgency_opened(opened.urgency.ballot.id, caller.language))
    await reply(update, "\n".join(lines))


async def _presence(update: Update, context: ScrutinContext, arrived: bool) -> None:
    caller = context.caller
    _ = caller._
    try:
        number, args = leading_number([arg.lower() for arg in context.args or []])
    except BadArguments:
        command = ARRIVE if arrived else LEAVE
        await reply(update, _("Usage: {usage}").format(usage=command.usage(caller.language)))
        return
    video = bool(VIDEO_WORDS & set(args))
    named = next((arg for arg in args if arg not in VIDEO_WORDS), None)
    try:
        meeting, participant = await sitting_for(context.services, caller, number, named)
        recorded = await record_presence(
            context.services, caller, meeting.id, participant, arrived=arrived, by_video=video
        )
    except SeveralSessions as several:
        wanted = several.details["sessions"]
        open_now = await meetings_in(context.services, caller.groupements, IN_SESSION)
        shown = [m for m in open_now if isinstance(wanted, list) and m.id in wanted]
        await reply(update, refusal(several, caller.language) + "\n" + listing(context, shown))
        return
    except Refused as refused:
        await reply(update, refusal(refused, caller.language))
        return
    groupement = context.services.governance.groupement(meeting.plan.groupement_id)
    name = name_of(groupement, participant)
    if not recorded.changed:
        text = _("{name} is already checked in.") if arrived else _("{name} is not in the session.")
    elif arrived:
        text = _("{name} checked in.")
    else:
        text = _("{name} left the session; it is recorded for the minutes.")
    await reply(update, text.format(name=name))
    if recorded.changed and not arrived:
        await offer_session_proxy(update, context, meeting, participant)


async def arrive(update: Update, context: ScrutinContext) -> None:
    """``/arrivee [N] [MEMBRE] [visio]``: check in (oneself, or a member for a coordinator)."""
    await _presence(update, context, arrived=True)


async def leave(update: Update, context: ScrutinContext) -> None:
    """``/depart [N] [MEMBRE]``: leave the session (recorded for the minutes)."""
    await _presence(update, context, arrived=False)


async def adjourn_command(update: Update, context: ScrutinContext) -> None:
    """``/lever [N]``: close the session, once its ballots are closed."""
    caller = context.caller
    meeting = await chosen_meeting(
        update, context, (MeetingState.IN_SESSION,), ADJOURN.usage(caller.language), sessions=True
    )
    if meeting is None:
        return
    try:
        closed = await adjourn(context.services, caller, meeting.id)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language, number=meeting.id))
        return
    groupement = context.services.governance.groupement(closed.plan.groupement_id)
    await reply(update, session_closed(closed, groupement, caller.language))


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
    try:
        number, args = leading_number([arg.lower() for arg in context.args or []])
    except BadArguments:
        usage = REVOKE.usage(caller.language)
        await reply(update, caller._("Usage: {usage}").format(usage=usage))
        return
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


OPEN = Command(
    "ouvrir",
    "open",
    Access.COORDINATOR,
    N_("open a meeting's session"),
    open_command,
    arguments=N_("[NUMBER]"),
    rank=53,
)
ADJOURN = Command(
    "lever",
    "adjourn",
    Access.COORDINATOR,
    N_("close the session"),
    adjourn_command,
    arguments=N_("[NUMBER]"),
    rank=54,
)
ARRIVE = Command(
    "arrivee",
    "arrive",
    Access.KNOWN,
    N_("check in at the session"),
    arrive,
    arguments=N_("[NUMBER] [MEMBER] [visio]"),
    rank=4,
)
LEAVE = Command(
    "depart",
    "leave",
    Access.KNOWN,
    N_("leave the session"),
    leave,
    arguments=N_("[NUMBER] [MEMBER]"),
    rank=5,
)
REVOKE = Command(
    "revoquer",
    "revoke",
    Access.KNOWN,
    N_("revoke a proxy during the session"),
    revoke_command,
    arguments=N_("[NUMBER] [MEMBER]"),
    rank=6,
)
COMMANDS = (ARRIVE, LEAVE, REVOKE, OPEN, ADJOURN)
BUTTONS = (ButtonRoute(SESSION_PROXY_PATTERN, session_proxy_pressed),)
