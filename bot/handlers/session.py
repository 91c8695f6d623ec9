"""The session of a meeting in Telegram: opening it, check-ins and departures, closing it."""

from __future__ import annotations

from telegram import Update

from bot.commands import Access, Command
from bot.context import ScrutinContext
from bot.replies import reply
from bot.selection import chosen_meeting, listing
from meetings.actions.attendance import record_presence
from meetings.actions.lookups import meetings_in
from meetings.actions.session_adjourn import adjourn
from meetings.actions.session_open import open_session
from meetings.meeting import Meeting, MeetingState
from meetings.scope import scope_of
from meetings.wording.formats import name_of
from meetings.wording.i18n import N_
from meetings.wording.messages.meetings import quorum_text, session_closed
from meetings.wording.refusals import refusal
from voting.refusal import Refused

VIDEO_WORDS = {"visio", "video"}


async def open_command(update: Update, context: ScrutinContext) -> None:
    """``/ouvrir N``: open the session; attendance from the replies; the quorum is posted."""
    caller = context.caller
    _ = caller._
    meeting = await chosen_meeting(
        update, context, (MeetingState.CONVENED, MeetingState.PLANNED), OPEN.usage(caller.language)
    )
    if meeting is None:
        return
    try:
        opened = await open_session(context.services, caller, meeting.id)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language, number=meeting.id))
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
    await reply(update, "\n".join(lines))


def _takes_part(context: ScrutinContext, meeting: Meeting, participant: str) -> bool:
    scope = scope_of(context.services.governance, meeting)
    return participant in scope.members or participant in scope.advisory


async def _session(
    update: Update, context: ScrutinContext, number: int | None, named: str | None
) -> Meeting | None:
    """The open session the check-in is about; with several, ask which."""
    caller = context.caller
    _ = caller._
    sessions = await meetings_in(context.services, caller.groupements, (MeetingState.IN_SESSION,))
    if number is not None:
        sessions = [m for m in sessions if m.id == number]
    elif named is not None:
        sessions = [
            m
            for m in sessions
            if _takes_part(context, m, named) and caller.coordinates(m.plan.groupement_id)
        ] or sessions
    else:
        seated = {seat.groupement_id for seat in caller.seats}
        sessions = [m for m in sessions if m.plan.groupement_id in seated] or sessions
    if not sessions:
        await reply(update, _("No session is open."))
        return None
    if len(sessions) > 1:
        # Checking in to the wrong session would skew its quorum and its minutes.
        await reply(
            update,
            _("Several sessions are open: name the meeting, e.g. /arrivee {number}.").format(
                number=sessions[0].id
            )
            + "\n"
            + listing(context, sessions),
        )
        return None
    return sessions[0]


async def _presence(update: Update, context: ScrutinContext, arrived: bool) -> None:
    caller = context.caller
    _ = caller._
    args = [arg.lower() for arg in context.args or []]
    number = int(args.pop(0)) if args and args[0].isdigit() else None
    video = bool(VIDEO_WORDS & set(args))
    named = next((arg for arg in args if arg not in VIDEO_WORDS), None)
    meeting = await _session(update, context, number, named)
    if meeting is None:
        return
    groupement = context.services.governance.groupement(meeting.plan.groupement_id)
    if named is not None:
        known = {m.id for m in groupement.members} | {a.id for a in groupement.advisory}
        if caller.coordinates(groupement.id) and named not in known:
            await reply(update, _("Unknown member “{member}”.").format(member=named))
            return
        participant = named
    else:
        seats = caller.seats_in(groupement.id)
        if not seats:
            await reply(update, _("You do not represent a member of this meeting."))
            return
        participant = seats[0].member_id
    try:
        recorded = await record_presence(
            context.services, caller, meeting.id, participant, arrived=arrived, by_video=video
        )
    except Refused as refused:
        await reply(update, refusal(refused, caller.language))
        return
    name = name_of(groupement, participant)
    if not recorded.changed:
        text = _("{name} is already checked in.") if arrived else _("{name} is not in the session.")
    elif arrived:
        text = _("{name} checked in.")
    else:
        text = _("{name} left the session; it is recorded for the minutes.")
    await reply(update, text.format(name=name))


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


OPEN = Command(
    "ouvrir",
    "open",
    Access.COORDINATOR,
    N_("open a meeting's session"),
    open_command,
    arguments=N_("NUMBER"),
    rank=53,
)
ADJOURN = Command(
    "lever",
    "adjourn",
    Access.COORDINATOR,
    N_("close the session"),
    adjourn_command,
    arguments=N_("NUMBER"),
    rank=54,
)
COMMANDS = (
    Command(
        "arrivee",
        "arrive",
        Access.KNOWN,
        N_("check in at the session"),
        arrive,
        arguments=N_("[NUMBER] [MEMBER] [visio]"),
        rank=4,
    ),
    Command(
        "depart",
        "leave",
        Access.KNOWN,
        N_("leave the session"),
        leave,
        arguments=N_("[NUMBER] [MEMBER]"),
        rank=5,
    ),
    OPEN,
    ADJOURN,
)
