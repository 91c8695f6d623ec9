"""Ballots in Telegram: votes from the papers' buttons, closing, cancelling, results, the papers
again, and standing proxies for written consultations."""

from __future__ import annotations

from telegram import Update

from bot.arguments import BadArguments, number, optional_number
from bot.commands import Access, ButtonRoute, Command
from bot.context import ScrutinContext
from bot.replies import alert, in_private_chat, reply, reply_photo
from meetings.actions.ballot_cancel import cancel_ballot
from meetings.actions.ballot_close import BallotClosed, close_ballot
from meetings.actions.lookups import ballots_in, results_seen
from meetings.actions.standing_proxy import give_standing_proxy, revoke_standing_proxy
from meetings.actions.vote import announce_vote, cast_vote, send_papers_again
from meetings.buttons import VOTE_PATTERN, decode_vote
from meetings.delivery.ballots import result_chart
from meetings.notifier import Message, Posted
from meetings.wording.formats import name_of
from meetings.wording.i18n import N_
from meetings.wording.messages.ballots import confirmation, paper_keyboard, paper_text
from meetings.wording.messages.results import chart_caption, publication_report, result_words
from meetings.wording.refusals import CLOSING_REFUSALS, refusal
from voting.ballot import Ballot, BallotState
from voting.refusal import Refused


async def vote_pressed(update: Update, context: ScrutinContext) -> None:
    """A press on a ballot paper: checked, recorded on disk, then confirmed."""
    query = update.callback_query
    caller = context.caller
    _ = caller._
    code = decode_vote(query.data if query is not None else None)
    if query is None or code is None:
        await alert(update, _("This button is not valid."))
        return
    try:
        recorded = await cast_vote(
            context.services,
            caller,
            code.ballot_id,
            code.member_index,
            code.option_index,
            callback_id=query.id,
        )
    except Refused as refused:
        await alert(update, refusal(refused, caller.language))
        return
    # The vote is on disk from here on: what follows only tells the voter.
    ballot = recorded.ballot
    groupement = context.services.governance.groupement(ballot.draft.groupement_id)
    text = confirmation(
        paper_text(ballot, groupement, recorded.member_id, recorded.by_proxy, caller.language),
        recorded.option,
        recorded.receipt.weight,
        recorded.receipt.changed,
        caller.language,
        recorded.receipt.code,
    )
    await query.answer(_("Vote recorded."))
    keyboard = (
        paper_keyboard(ballot, recorded.member_id, caller.language, recorded.option)
        if ballot.draft.allow_vote_change
        else None
    )
    if query.message is None:
        return
    services = context.services

    async def paper_now() -> Message | None:
        # A paper whose ballot closed meanwhile keeps what the close left on it (no buttons).
        still_open = (await services.ballots.get(ballot.id)).state is BallotState.OPEN
        return Message(text, keyboard) if still_open else None

    # Off the handler's path, as the group's message: the press is answered, and the next
    # presses are not held behind Telegram's pace of edits (30 a second for the whole bot).
    posted = Posted(query.message.chat.id, query.message.message_id)
    services.papers.stale(posted, paper_now)
    await announce_vote(services, recorded)


async def stray_button(update: Update, context: ScrutinContext) -> None:
    """Any other button: forged, or from a version of the bot that is gone."""
    await alert(update, context.caller._("This button is not valid."))


NOT_YOURS = {
    # Someone else's ballot, or none: the coordinator need not learn which.
    "ballot_not_found": N_("There is no ballot no. {number} among yours."),
    "not_coordinator": N_("There is no ballot no. {number} among yours."),
}


async def _reply_result(
    update: Update, context: ScrutinContext, ballot: Ballot, *, chart: bool = True
) -> None:
    """The result, its roll call in as many messages as it needs, then its chart (drawn once
    per ballot and language, then reused)."""
    services = context.services
    groupement = services.governance.groupement(ballot.draft.groupement_id)
    votes = await services.ballots.effective_votes(ballot.id)
    language = context.caller.language
    for text in result_words(ballot, groupement, votes, language).messages:
        await reply(update, text)
    if chart:
        png = await result_chart(services, ballot, votes, language)
        caption = chart_caption(ballot, groupement, language)
        await reply_photo(update, f"scrutin-{ballot.id}.png", png, caption)


async def _report(update: Update, context: ScrutinContext, closed: BallotClosed) -> None:
    """Tell the coordinator where the result went, and what failed."""
    publication = closed.publication
    if publication is None:
        return
    unreached = []
    for person_id in publication.unreached:
        person = await context.services.roster.person(person_id)
        unreached.append(person.display_name if person is not None else person_id)
    await reply(
        update,
        publication_report(
            closed.ballot.id,
            [chat.title or str(chat.chat_id) for chat in publication.groups],
            [chat.title or str(chat.chat_id) for chat in publication.failed_groups],
            len(publication.reached),
            unreached,
            publication.chart_failed,
            context.caller.language,
        ),
    )


async def close_command(update: Update, context: ScrutinContext) -> None:
    """``/clore [NUMÉRO]``: close a ballot now and publish its result."""
    caller = context.caller
    _ = caller._
    try:
        wanted = optional_number(context.args or [])
    except BadArguments:
        await reply(update, _("Usage: {usage}").format(usage=CLOSE.usage(caller.language)))
        return
    services = context.services
    if wanted is None:
        open_ballots = await ballots_in(services, caller.coordinated, BallotState.OPEN)
        if len(open_ballots) != 1:
            listing = [
                f"• {_('no. {number}').format(number=b.id)} — {b.draft.question}"
                for b in open_ballots
            ] or [_("(none)")]
            await reply(
                update, "\n".join([_("Which ballot? Use /clore NUMBER. Open ballots:"), *listing])
            )
            return
        wanted = open_ballots[0].id
    try:
        closed = await close_ballot(services, caller, wanted)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language, CLOSING_REFUSALS, number=wanted))
        return
    ballot = closed.ballot
    groups = await services.chats.groups_for(ballot.draft.groupement_id, ballot.draft.instance_id)
    if in_private_chat(update) and groups:
        await _report(update, context, closed)
        return
    # No group to read it (or asked in one): the result itself; its chart went out already.
    await _reply_result(update, context, ballot, chart=False)
    if closed.publication is not None and not closed.publication.complete:
        await _report(update, context, closed)


async def cancel_command(update: Update, context: ScrutinContext) -> None:
    """``/annuler_scrutin NUMÉRO``: cancel an open ballot; its votes will not count."""
    caller = context.caller
    _ = caller._
    args = context.args or []
    wanted = number(args[0]) if len(args) == 1 else None
    if wanted is None:
        await reply(update, _("Usage: {usage}").format(usage=CANCEL.usage(caller.language)))
        return
    try:
        ballot = await cancel_ballot(context.services, caller, wanted)
    except Refused as refused:
        overrides = {
            **NOT_YOURS,
            "invalid_transition": N_(
                "Ballot no. {number} is {state}: only an open ballot can be cancelled."
            ),
        }
        await reply(update, refusal(refused, caller.language, overrides, number=wanted))
        return
    await reply(
        update,
        _(
            "Ballot no. {number} is cancelled; its votes will not be counted. "
            "The minutes record it."
        ).format(number=ballot.id),
    )


async def results_command(update: Update, context: ScrutinContext) -> None:
    """``/resultats [NUMÉRO]``: a result, or the latest ones of the caller's groupements."""
    caller = context.caller
    _ = caller._
    try:
        wanted = optional_number(context.args or [])
    except BadArguments:
        await reply(update, _("Usage: {usage}").format(usage=RESULTS.usage(caller.language)))
        return
    chat = update.effective_chat
    group_chat = None if chat is None or in_private_chat(update) else chat.id
    chosen = await results_seen(context.services, caller.groupements, group_chat, wanted)
    if chosen is None:
        await reply(
            update,
            _(
                "This group is bound to no groupement: ask for results in your private chat "
                "with the bot."
            ),
        )
        return
    if not chosen:
        await reply(update, _("No result yet."))
        return
    for ballot in chosen:
        await _reply_result(update, context, ballot)


async def papers_command(update: Update, context: ScrutinContext) -> None:
    """``/vote``: the caller's open ballot papers again (a new phone, a lost message)."""
    if not await send_papers_again(context.services, context.caller):
        await reply(update, context.caller._("You have no open ballot."))


async def proxy_command(update: Update, context: ScrutinContext) -> None:
    """``/pouvoir INSTANCE MEMBRE`` gives the caller's member's proxy; ``annuler`` revokes it."""
    caller = context.caller
    _ = caller._
    args = [arg.lower() for arg in context.args or []]
    if len(args) != 2:
        await reply(update, _("Usage: {usage}").format(usage=PROXY.usage(caller.language)))
        return
    instance_id, target = args
    try:
        if target in {"annuler", "cancel"}:
            change = await revoke_standing_proxy(context.services, caller, instance_id)
        else:
            change = await give_standing_proxy(context.services, caller, instance_id, target)
    except Refused as refused:
        await reply(update, refusal(refused, caller.language))
        return
    groupement = change.groupement
    giver = name_of(groupement, change.giver)
    if change.holder is None:
        text = (
            _("The proxy of {member} is revoked.")
            if change.changed
            else _("{member} had given no proxy.")
        )
        await reply(update, text.format(member=giver))
        return
    await reply(
        update,
        _(
            "{giver} gives its proxy to {holder} for the next written consultation of "
            "{instance}. For a meeting, give it in reply to the convocation."
        ).format(
            giver=giver,
            holder=name_of(groupement, change.holder),
            instance=groupement.instance(change.instance_id).name,
        ),
    )


CLOSE = Command(
    "clore",
    "close",
    Access.COORDINATOR,
    N_("close a ballot and publish its result"),
    close_command,
    arguments=N_("[NUMBER]"),
    rank=61,
)
CANCEL = Command(
    "annuler_scrutin",
    "cancel_ballot",
    Access.COORDINATOR,
    N_("cancel an open ballot; its votes will not be counted"),
    cancel_command,
    arguments=N_("NUMBER"),
    rank=73,
)
RESULTS = Command(
    "resultats",
    "results",
    Access.KNOWN_OR_GROUP,
    N_("the latest results"),
    results_command,
    arguments=N_("[NUMBER]"),
    rank=20,
)
PROXY = Command(
    "pouvoir",
    "proxy",
    Access.KNOWN,
    N_("give your proxy for the next written consultation"),
    proxy_command,
    arguments=N_("INSTANCE MEMBER"),
    example=N_("or /pouvoir INSTANCE annuler to revoke it"),
    rank=30,
)
COMMANDS = (
    Command(
        "vote", "vote", Access.KNOWN, N_("your open ballot papers again"), papers_command, rank=2
    ),
    RESULTS,
    PROXY,
    CLOSE,
    CANCEL,
)
BUTTONS = (ButtonRoute(VOTE_PATTERN, vote_pressed),)
STRAY = ButtonRoute(None, stray_button)
"""Last of all routes: any button nothing else took."""
