"""Which meeting a command is about: the number typed, or the only one that fits.

``/convoquer 3`` names meeting 3; ``/convoquer`` alone is enough when a single meeting of the
coordinator's groupements is in a state that allows it; otherwise the person is shown the
usage and the meetings to choose from.
"""

from __future__ import annotations

from telegram import Update

from bot.arguments import number
from bot.context import ScrutinContext
from bot.replies import reply
from meetings.actions.lookups import meetings_in
from meetings.meeting import Meeting, MeetingState
from meetings.wording.messages.meetings import listing_line


def listing(context: ScrutinContext, meetings: list[Meeting]) -> str:
    language = context.caller.language
    governance = context.services.governance
    lines = [
        listing_line(m, governance.groupement(m.plan.groupement_id), language) for m in meetings
    ]
    return "\n".join(lines) or context.caller._("(no meeting)")


async def chosen_meeting(
    update: Update,
    context: ScrutinContext,
    states: tuple[MeetingState, ...],
    usage: str,
    *,
    sessions: bool = False,
) -> Meeting | None:
    """The meeting named by the first argument, or the only one in ``states``; else explain.

    ``usage`` is the command's usage line; ``sessions`` lists "Sessions" rather than
    "Meetings" under it.
    """
    caller = context.caller
    _ = caller._
    args = context.args or []
    candidates = await meetings_in(context.services, caller.coordinated, states)
    wanted = number(args[0]) if args else None
    if wanted is not None:
        found = [m for m in candidates if m.id == wanted]
        if not found:
            await reply(
                update,
                _("There is no meeting no. {number} in a state that allows this.").format(
                    number=args[0]
                ),
            )
            return None
        return found[0]
    if args or len(candidates) != 1:
        heading = _("Usage: {usage}. Sessions:") if sessions else _("Usage: {usage}. Meetings:")
        await reply(update, heading.format(usage=usage) + "\n" + listing(context, candidates))
        return None
    return candidates[0]
