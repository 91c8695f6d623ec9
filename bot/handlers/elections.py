"""The rounds of an election in Telegram: the next round from its button or ``/tour``, and
the tied candidates' birth dates with ``/naissance``."""

from __future__ import annotations

import re
from datetime import date

from telegram import Update

from bot.arguments import candidate_names, number
from bot.commands import Access, ButtonRoute, Command
from bot.context import ScrutinContext
from bot.jobs import close_at_deadline
from bot.replies import alert, reply
from meetings.actions.ballot_open import BallotOpened
from meetings.actions.election_rounds import open_next_round, settle_by_age
from meetings.buttons import ROUND_PATTERN, decode_next_round
from meetings.wording.explain import outcome_label
from meetings.wording.i18n import N_
from meetings.wording.messages.elections import opened_round
from meetings.wording.refusals import refusal
from voting.refusal import Refused

_BIRTH_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")

AGES_REFUSED = {
    "invalid_option": N_(
        "Give one birth date per tied candidate, in the order shown, as DD/MM/YYYY; "
        "candidates born the same day stay tied."
    ),
    "invalid_transition": N_("Ballot no. {number} is not a tie at the third round of an election."),
}


def birth_date(text: str) -> date | None:
    match = _BIRTH_DATE.fullmatch(text)
    if match is None:
        return None
    day, month, year = (int(match.group(i)) for i in range(1, 4))
    try:
        return date(year, month, day)
    except ValueError:
        return None


async def _opened(update: Update, context: ScrutinContext, opened: BallotOpened) -> None:
    close_at_deadline(context, opened.ballot)
    await reply(update, opened_round(opened.ballot, context.caller.language))


async def next_round_pressed(update: Update, context: ScrutinContext) -> None:
    """The button under "nobody is elected": the next round, with the same candidates."""
    query = update.callback_query
    caller = context.caller
    code = decode_next_round(query.data if query is not None else None)
    if query is None or code is None:
        await alert(update, caller._("This button is not valid."))
        return
    try:
        opened = await open_next_round(context.services, caller, code.ballot_id)
    except Refused as refused:
        await alert(update, refusal(refused, caller.language, number=code.ballot_id))
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await _opened(update, context, opened)


async def round_command(update: Update, context: ScrutinContext) -> None:
    """``/tour NUMÉRO [CANDIDATS]``: the next round, with the same or a new list."""
    caller = context.caller
    message = update.effective_message
    parts = (message.text or "").split(maxsplit=2) if message is not None else []
    wanted = number(parts[1]) if len(parts) >= 2 else None
    if wanted is None:
        await reply(update, caller._("Usage: {usage}").format(usage=ROUND.usage(caller.language)))
        return
    candidates = candidate_names(parts[2]) if len(parts) == 3 else None
    try:
        opened = await open_next_round(context.services, caller, wanted, candidates)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language, number=wanted))
        return
    await _opened(update, context, opened)


async def birth_dates_command(update: Update, context: ScrutinContext) -> None:
    """``/naissance NUMÉRO JJ/MM/AAAA…``: the tied candidates' birth dates, in their order."""
    caller = context.caller
    _ = caller._
    args = context.args or []
    wanted = number(args[0]) if args else None
    read = [birth_date(arg) for arg in args[1:]]
    dates = [day for day in read if day is not None]
    if wanted is None or not dates or len(dates) != len(read):
        await reply(update, _("Usage: {usage}").format(usage=AGES.usage(caller.language)))
        return
    services = context.services
    try:
        ballot = await services.ballots.get(wanted)
        tied = ballot.result.tied if ballot.result is not None else ()
        # A list of another length cannot be matched to the candidates: none is taken.
        given = dict(zip(tied, dates, strict=True)) if len(dates) == len(tied) else {}
        ballot = await settle_by_age(services, caller, wanted, given)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language, AGES_REFUSED, number=wanted))
        return
    assert ballot.result is not None
    await reply(
        update,
        _("Ballot no. {number}: the result is proclaimed, {outcome}.").format(
            number=wanted, outcome=outcome_label(ballot.result, caller.language)
        ),
    )


ROUND = Command(
    "tour",
    "round",
    Access.COORDINATOR,
    N_("open the next round of an election"),
    round_command,
    arguments=N_("NUMBER [CANDIDATES]"),
    example=N_("e.g. /tour 12 Mme Durand, M. Martin"),
    rank=64,
)
AGES = Command(
    "naissance",
    "birth_dates",
    Access.COORDINATOR,
    N_("birth dates of the candidates tied at the third round"),
    birth_dates_command,
    arguments=N_("NUMBER DD/MM/YYYY…"),
    rank=65,
)
COMMANDS = (ROUND, AGES)
BUTTONS = (ButtonRoute(ROUND_PATTERN, next_round_pressed),)
