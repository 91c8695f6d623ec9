"""Designations: the act by which a member names its representatives, the election that ends
their mandates, and the coordinator's view of the seats (which ones wait)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update

from bot.arguments import calendar_day
from bot.commands import Access, Command, Place
from bot.context import ScrutinContext
from bot.replies import reply
from meetings.actions.designate import board, designate, end_mandate
from meetings.designation import ACT_WORDS, ActKind
from meetings.roster import Role
from meetings.wording.formats import long_date, name_of
from meetings.wording.i18n import N_
from meetings.wording.messages.designations import act_phrase, board_messages, board_rows
from meetings.wording.refusals import refusal
from voting.refusal import Refused

NUMBER_WORDS = frozenset({"n°", "nº", "no", "no.", "n", "n."})
"""What may stand before an act's number: the messages write "n°" themselves."""


def _act(args: Sequence[str]) -> tuple[str, ActKind, str, str] | None:
    """``MEMBER KIND REFERENCE… DATE``: the member, the kind, the reference and the date."""
    if len(args) < 4 or args[1].lower() not in ACT_WORDS:
        return None
    reference = list(args[2:-1])
    if len(reference) > 1 and reference[0].lower() in NUMBER_WORDS:
        reference = reference[1:]
    return args[0], ACT_WORDS[args[1].lower()], " ".join(reference), args[-1]


async def designation_command(update: Update, context: ScrutinContext) -> None:
    """``/designation MEMBRE deliberation|arrete|decision NUMERO JJ/MM/AAAA``; alone: the seats."""
    caller = context.caller
    _ = caller._
    args = context.args or []
    if not args:
        await _board(update, context)
        return
    parsed = _act(args)
    signed_on = None if parsed is None else calendar_day(parsed[3])
    if parsed is None or signed_on is None:
        await reply(update, _("Usage: {usage}").format(usage=DESIGNATION.usage(caller.language)))
        return
    member, kind, reference, _day = parsed
    try:
        done = await designate(context.services, caller, member, kind, reference, signed_on)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language))
        return
    designation = done.designation
    await reply(
        update,
        _("Recorded: the titular and the substitute of {member} are designated by {act}.").format(
            member=name_of(done.groupement, designation.member_id),
            act=act_phrase(designation.act, caller.language),
        )
        + "\n"
        + _(
            "Invite the people it names, unless they already sit: /invite {member} and "
            "/invite {member} suppleant."
        ).format(member=designation.member_id),
    )


async def _board(update: Update, context: ScrutinContext) -> None:
    caller = context.caller
    services = context.services
    boards = []
    for found in await board(services, caller, ()):
        sitting: dict[str, list[tuple[Role, str]]] = {}
        for seat in await services.roster.seats(found.groupement.id):
            person = await services.roster.person(seat.person_id)
            name = seat.person_id if person is None else person.display_name
            sitting.setdefault(seat.member_id, []).append((seat.role, name))
        boards.append(board_rows(found.groupement, found.standings, sitting, caller.language))
    for part in board_messages(boards):
        await reply(update, part)


async def mandate_end_command(update: Update, context: ScrutinContext) -> None:
    """``/fin_mandat MEMBRE JJ/MM/AAAA``: an election ended the member's mandates."""
    caller = context.caller
    _ = caller._
    args = context.args or []
    election_day = calendar_day(args[1]) if len(args) == 2 else None
    if election_day is None:
        await reply(update, _("Usage: {usage}").format(usage=MANDATE_END.usage(caller.language)))
        return
    try:
        ended = await end_mandate(context.services, caller, args[0], election_day)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language))
        return
    member = name_of(ended.groupement, ended.end.member_id)
    await reply(
        update,
        _(
            "Recorded: the election of {date} ended the mandates of the representatives of "
            "{member}. Its seats wait for a designation; record the new act with /designation."
        ).format(date=long_date(election_day, caller.language), member=member)
        + "\n"
        + _.ngettext(
            "{n} person no longer receives its papers and was told.",
            "{n} people no longer receive its papers and were told.",
            len(ended.seats),
        ).format(n=len(ended.seats)),
    )


PRIVATE_ONLY = N_("Designations are kept in your private chat with the bot.")
DESIGNATION = Command(
    "designation",
    "designation",
    Access.COORDINATOR,
    N_("the act naming a member's representatives; alone: the seats"),
    designation_command,
    arguments=N_("[MEMBER deliberation|arrete|decision NUMBER DD/MM/YYYY]"),
    example=N_("e.g. /designation meuse deliberation CP-2025-112 03/02/2025"),
    place=Place.PRIVATE,
    wrong_place=PRIVATE_ONLY,
    rank=64,
)
MANDATE_END = Command(
    "fin_mandat",
    "mandate_end",
    Access.COORDINATOR,
    N_("an election ended a member's mandates: its seats wait"),
    mandate_end_command,
    arguments=N_("MEMBER DD/MM/YYYY"),
    example=N_("e.g. /fin_mandat meuse 28/06/2026"),
    place=Place.PRIVATE,
    wrong_place=PRIVATE_ONLY,
    rank=64,
)
COMMANDS = (DESIGNATION, MANDATE_END)
