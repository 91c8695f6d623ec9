"""Ballots in Telegram: the coordinator's form, votes from buttons, closing, results, proxies."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ConversationHandler

from bot.callbacks import FormButton, decode_form, decode_vote
from bot.delivery import (
    close_and_announce,
    close_due_ballots,
    deliver_papers,
    post_participation,
    refresh_participation,
)
from bot.handlers.common import (
    Context,
    caller_of,
    coordinator,
    form_in,
    in_private_chat,
    known_caller,
    reply,
)
from bot.identity import Caller
from bot.render import confirmation_text, paper_keyboard, paper_text, result_text
from bot.services import Services, services_of
from config.models import GovernanceLookupError
from meetings.ballot_desk import DeskError
from meetings.meeting import Meeting, MeetingError
from meetings.roster import ProxyProblem, ProxyRefused, StandingProxy
from meetings.wording.formats import moment as format_moment
from meetings.wording.formats import weight as format_weight
from meetings.wording.i18n import N_, Translator
from voting.ballot import (
    Ballot,
    BallotNotFound,
    BallotNotOpen,
    BallotState,
    DeadlinePassed,
    InvalidOption,
    NotEntitled,
    NotInElectorate,
    VoteChangeNotAllowed,
    VotingError,
)
from voting.rules import BallotKind

log = logging.getLogger(__name__)

CHOOSE_INSTANCE, QUESTION, KIND, DEADLINE, CONFIRM = range(5)
FORM_KEY = "ballot_form"
MAX_QUESTION_LENGTH = 500

_DEADLINE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2})\s*[h:H]\s*(\d{2})?\s*$")


def parse_deadline(text: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """``15/12/2026 18:00`` (or ``18h``, ``18h30``) in the groupement's wall-clock time.

    None when the text is not a date, or names a moment that does not exist or is past.
    """
    match = _DEADLINE.match(text)
    if match is None:
        return None
    day, month, year, hour = (int(match.group(i)) for i in range(1, 5))
    minute = int(match.group(5) or 0)
    try:
        moment = datetime(year, month, day, hour, minute, tzinfo=zone)
    except ValueError:
        return None
    # A wall-clock time skipped by the spring DST change does not round-trip: refuse it.
    # In the autumn's repeated hour, the first occurrence (fold=0) is meant.
    exact = moment.astimezone(UTC)
    if exact.astimezone(zone).replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return exact if exact > now else None


@dataclass
class BallotForm:
    choices: list[tuple[str, str]]
    groupement_id: str = ""
    instance_id: str = ""
    question: str = ""
    kind: BallotKind = BallotKind.PUBLIC
    deadline: datetime | None = None
    meeting_id: int | None = None
    """The session the ballot belongs to; None for a written consultation."""
    motions: list[str] = field(default_factory=list)


def _form(context: Context) -> BallotForm | None:
    return form_in(context, FORM_KEY, BallotForm)


def _instance_label(services: Services, groupement_id: str, instance_id: str, many: bool) -> str:
    groupement = services.governance.groupement(groupement_id)
    name = groupement.instance(instance_id).name
    return f"{name} — {groupement.name}" if many else name


async def form_start(update: Update, context: Context) -> int:
    """``/scrutin``: the coordinator's form, in private chat."""
    caller = await coordinator(update, context)
    if caller is None:
        return ConversationHandler.END
    _ = caller._
    if not in_private_chat(update):
        await reply(update, _("Open ballots in your private chat with the bot."))
        return ConversationHandler.END
    services = services_of(context)
    choices = [
        (groupement_id, instance.id)
        for groupement_id in caller.coordinated
        for instance in services.governance.groupement(groupement_id).instances
        if instance.voting
    ]
    if not choices:
        await reply(update, _("None of your groupements has a voting instance."))
        return ConversationHandler.END
    form = BallotForm(choices)
    assert context.user_data is not None
    context.user_data[FORM_KEY] = form
    if len(choices) == 1:
        form.groupement_id, form.instance_id = choices[0]
        return await _ask_question(update, caller, services, form)
    many = len(set(g for g, _i in choices)) > 1
    buttons = [
        [
            InlineKeyboardButton(
                _instance_label(services, g, i, many),
                callback_data=FormButton("instance", str(n)).encode(),
            )
        ]
        for n, (g, i) in enumerate(choices)
    ]
    buttons.append(
        [InlineKeyboardButton(_("Cancel"), callback_data=FormButton("confirm", "cancel").encode())]
    )
    await reply_markup(
        update, _("New ballot. Which instance votes?"), InlineKeyboardMarkup(buttons)
    )
    return CHOOSE_INSTANCE


async def reply_markup(update: Update, text: str, markup: InlineKeyboardMarkup) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(text, reply_markup=markup)


async def _session_of(services: Services, groupement_id: str, instance_id: str) -> Meeting | None:
    for meeting in await services.secretariat.in_session((groupement_id,)):
        if meeting.plan.instance_id == instance_id:
            return meeting
    return None


async def _ask_question(
    update: Update, caller: Caller, services: Services, form: BallotForm
) -> int:
    _ = caller._
    session = await _session_of(services, form.groupement_id, form.instance_id)
    form.meeting_id = session.id if session else None
    label = _instance_label(services, form.groupement_id, form.instance_id, True)
    text = _("Instance: {instance}.\nSend the question put to the vote, in one message.").format(
        instance=label
    )
    motions = [item.motion for item in session.plan.agenda if item.motion] if session else []
    if not motions:
        await reply(update, text)
        return QUESTION
    form.motions = motions
    buttons = [
        [InlineKeyboardButton(motion, callback_data=FormButton("motion", str(n)).encode())]
        for n, motion in enumerate(motions)
    ]
    await reply_markup(
        update,
        text + "\n" + _("Or choose a motion of the session's agenda:"),
        InlineKeyboardMarkup(buttons),
    )
    return QUESTION


async def _pressed_form(
    update: Update, context: Context, field: str
) -> tuple[CallbackQuery, Caller, BallotForm, str] | None:
    query = update.callback_query
    caller = await caller_of(update, context)
    if query is None or caller is None:
        return None
    button = decode_form(query.data)
    form = _form(context)
    if button is None or button.field != field or form is None or not caller.coordinated:
        await query.answer(caller._("This button is no longer valid."), show_alert=True)
        return None
    await query.answer()
    return query, caller, form, button.value


async def form_instance(update: Update, context: Context) -> int:
    pressed = await _pressed_form(update, context, "instance")
    if pressed is None:
        return await _cancel_if_asked(update, context, CHOOSE_INSTANCE)
    query, caller, form, value = pressed
    if not value.isdigit() or int(value) >= len(form.choices):
        await query.answer(caller._("This button is no longer valid."), show_alert=True)
        return CHOOSE_INSTANCE
    form.groupement_id, form.instance_id = form.choices[int(value)]
    await query.edit_message_reply_markup(None)
    return await _ask_question(update, caller, services_of(context), form)


async def form_motion(update: Update, context: Context) -> int:
    """A motion of the session's agenda, chosen as the question."""
    pressed = await _pressed_form(update, context, "motion")
    if pressed is None:
        return QUESTION
    query, _caller, form, value = pressed
    if not value.isdigit() or int(value) >= len(form.motions):
        return QUESTION
    await query.edit_message_reply_markup(None)
    return await _take_question(update, context, form.motions[int(value)])


async def form_question(update: Update, context: Context) -> int:
    message = update.effective_message
    if message is None or not message.text:
        return ConversationHandler.END
    return await _take_question(update, context, message.text)


async def _take_question(update: Update, context: Context, text: str) -> int:
    caller = await caller_of(update, context)
    form = _form(context)
    if caller is None or form is None:
        return ConversationHandler.END
    _ = caller._
    question = " ".join(text.split())
    if not question or len(question) > MAX_QUESTION_LENGTH:
        await reply(
            update,
            _("The question must be between 1 and {limit} characters. Send it again.").format(
                limit=MAX_QUESTION_LENGTH
            ),
        )
        return QUESTION
    form.question = question
    instance = services_of(context).governance.instance(form.groupement_id, form.instance_id)
    form.kind = instance.ballot_kind
    default = _("public") if instance.ballot_kind is BallotKind.PUBLIC else _("secret")
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("Public (roll call)"), callback_data=FormButton("kind", "public").encode()
                ),
                InlineKeyboardButton(
                    _("Secret"), callback_data=FormButton("kind", "secret").encode()
                ),
            ]
        ]
    )
    await reply_markup(
        update,
        _("Public or secret ballot? (this instance's default: {default})").format(default=default),
        buttons,
    )
    return KIND


async def form_kind(update: Update, context: Context) -> int:
    pressed = await _pressed_form(update, context, "kind")
    if pressed is None:
        return KIND
    query, caller, form, value = pressed
    _ = caller._
    if value not in {"public", "secret"}:
        return KIND
    form.kind = BallotKind(value)
    await query.edit_message_reply_markup(None)
    zone = services_of(context).governance.groupement(form.groupement_id).groupement.tzinfo
    example = format_example(services_of(context).clock().astimezone(zone))
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("No deadline"), callback_data=FormButton("deadline", "none").encode()
                )
            ]
        ]
    )
    await reply_markup(
        update,
        _(
            "Deadline? Send it as DD/MM/YYYY HH:MM, Paris time (e.g. {example}), "
            "or press “No deadline” and close it yourself with /clore."
        ).format(example=example),
        buttons,
    )
    return DEADLINE


def format_example(now: datetime) -> str:
    return f"{now:%d/%m/%Y} 18:00"


async def form_deadline_text(update: Update, context: Context) -> int:
    caller = await caller_of(update, context)
    form = _form(context)
    message = update.effective_message
    if caller is None or form is None or message is None or not message.text:
        return ConversationHandler.END
    services = services_of(context)
    zone = services.governance.groupement(form.groupement_id).groupement.tzinfo
    deadline = parse_deadline(message.text, services.clock(), zone)
    if deadline is None:
        await reply(
            update,
            caller._(
                "I could not read a future date. Send it as DD/MM/YYYY HH:MM, e.g. {example}."
            ).format(example=format_example(services.clock().astimezone(zone))),
        )
        return DEADLINE
    form.deadline = deadline
    return await _ask_confirmation(update, caller, services, form)


async def form_no_deadline(update: Update, context: Context) -> int:
    pressed = await _pressed_form(update, context, "deadline")
    if pressed is None:
        return DEADLINE
    query, caller, form, _value = pressed
    form.deadline = None
    await query.edit_message_reply_markup(None)
    return await _ask_confirmation(update, caller, services_of(context), form)


async def _ask_confirmation(
    update: Update, caller: Caller, services: Services, form: BallotForm
) -> int:
    _ = caller._
    groupement = services.governance.groupement(form.groupement_id)
    if form.meeting_id is not None:
        meeting = await services.meetings.get(form.meeting_id)
        table_id, electorate = await services.secretariat.electorate(meeting)
        mode = _(
            "• In the session of meeting no. {number}: its members present and proxies"
        ).format(number=meeting.id)
    else:
        table_id, electorate = await services.desk.electorate(form.groupement_id, form.instance_id)
        mode = _(
            "• Written consultation (no session open): valid if at least half of the members "
            "take part"
        )
    deadline = (
        format_moment(form.deadline, caller.language, groupement.groupement.tzinfo)
        if form.deadline
        else _("none (closed with /clore)")
    )
    summary = "\n".join(
        [
            _("Summary:"),
            _("• Instance: {instance}").format(
                instance=_instance_label(services, form.groupement_id, form.instance_id, True)
            ),
            _("• Question: “{question}”").format(question=form.question),
            _("• Ballot: {kind}").format(
                kind=_("public") if form.kind is BallotKind.PUBLIC else _("secret")
            ),
            _("• Deadline: {deadline}").format(deadline=deadline),
            _("• Electorate: {members} members, {weight} votes (table {table})").format(
                members=len(electorate.weights),
                weight=format_weight(electorate.total_weight, caller.language),
                table=table_id,
            ),
            _("• Proxies: {count}").format(count=len(electorate.proxies)),
            mode,
            "",
            _("Open the ballot and send the papers now?"),
        ]
    )
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("Open the ballot"), callback_data=FormButton("confirm", "open").encode()
                ),
                InlineKeyboardButton(
                    _("Cancel"), callback_data=FormButton("confirm", "cancel").encode()
                ),
            ]
        ]
    )
    await reply_markup(update, summary, buttons)
    return CONFIRM


async def form_confirm(update: Update, context: Context) -> int:
    pressed = await _pressed_form(update, context, "confirm")
    if pressed is None:
        return CONFIRM
    query, caller, form, value = pressed
    _ = caller._
    assert context.user_data is not None
    context.user_data.pop(FORM_KEY, None)
    await query.edit_message_reply_markup(None)
    if value != "open":
        await reply(update, _("Cancelled; nothing was opened."))
        return ConversationHandler.END
    services = services_of(context)
    try:
        if form.meeting_id is not None:
            ballot = await services.secretariat.open_ballot(
                form.meeting_id,
                form.question,
                kind=form.kind,
                deadline=form.deadline,
                created_by=caller.person_id,
            )
        else:
            ballot = await services.desk.open_consultation(
                form.groupement_id,
                form.instance_id,
                form.question,
                kind=form.kind,
                deadline=form.deadline,
                created_by=caller.person_id,
            )
    except (VotingError, DeskError, MeetingError, GovernanceLookupError) as error:
        log.warning("ballot not opened: %s", error)
        await reply(update, _("The ballot could not be opened: {reason}").format(reason=str(error)))
        return ConversationHandler.END
    await announce_opening(update, context, caller, ballot)
    return ConversationHandler.END


async def announce_opening(
    update: Update, context: Context, caller: Caller, ballot: Ballot
) -> None:
    services = services_of(context)
    _ = caller._
    report = await deliver_papers(context.bot, services, ballot)
    await post_participation(context.bot, services, ballot)
    if ballot.draft.deadline is not None:
        await services.reminders.plan_ballot(
            ballot.draft.groupement_id, ballot.id, ballot.draft.deadline
        )
    if ballot.draft.deadline is not None and context.job_queue is not None:
        context.job_queue.run_once(
            close_due_job, when=ballot.draft.deadline, name=f"close-ballot-{ballot.id}"
        )
    lines = [
        _("Ballot no. {number} is open. Papers sent: {sent}.").format(
            number=ballot.id, sent=report.sent
        )
    ]
    groupement = services.governance.groupement(ballot.draft.groupement_id)
    unreached = sorted({groupement.member(member).name for _p, member in report.unreachable})
    if unreached:
        lines.append(
            _(
                "Not reached (the bot is blocked, or the person never opened a chat "
                "with it): {members}."
            ).format(members=", ".join(unreached))
        )
    assert ballot.electorate is not None
    covered = {paper.member_id for paper in await services.desk.papers(ballot)}
    # In a session, a member absent and not represented gets no paper: that is not "silent".
    silent = [
        m for m in ballot.electorate.members if m not in covered and ballot.electorate.can_vote(m)
    ]
    if silent:
        lines.append(
            _("No representative registered for: {members}. Invite them with /inviter.").format(
                members=", ".join(groupement.member(m).name for m in silent)
            )
        )
    await reply(update, "\n".join(lines))


async def form_cancel(update: Update, context: Context) -> int:
    caller = await caller_of(update, context)
    if context.user_data is not None:
        context.user_data.pop(FORM_KEY, None)
    if caller is not None:
        await reply(update, caller._("Cancelled; nothing was opened."))
    return ConversationHandler.END


async def _cancel_if_asked(update: Update, context: Context, state: int) -> int:
    query = update.callback_query
    if query is not None and query.data == FormButton("confirm", "cancel").encode():
        return await form_cancel(update, context)
    return state


VOTE_REFUSALS: dict[type[VotingError], str] = {
    BallotNotFound: N_("This ballot does not exist."),
    DeadlinePassed: N_("The voting deadline has passed; your vote was not recorded."),
    NotInElectorate: N_("You do not vote for this member in this ballot."),
    NotEntitled: N_("You do not vote for this member in this ballot."),
    InvalidOption: N_("This choice does not exist."),
    VoteChangeNotAllowed: N_("Your vote is already recorded and cannot be changed in this ballot."),
}


def refusal_text(error: VotingError, _: Translator) -> str:
    if isinstance(error, BallotNotOpen):
        if error.details.get("state") == BallotState.CANCELLED.value:
            return _("This ballot was cancelled; your vote was not recorded.")
        return _("This ballot is closed; your vote was not recorded.")
    for kind, message in VOTE_REFUSALS.items():
        if isinstance(error, kind):
            return _(message)
    return _("Your vote was not recorded.")


async def vote_pressed(update: Update, context: Context) -> None:
    """A press on a ballot paper: check everything, record durably, then confirm."""
    query = update.callback_query
    caller = await caller_of(update, context)
    if query is None or caller is None:
        return
    _ = caller._
    button = decode_vote(query.data)
    if button is None:
        await query.answer(_("This button is not valid."), show_alert=True)
        return
    services = services_of(context)
    try:
        ballot = await services.ballots.get(button.ballot_id)
        if ballot.electorate is None or not (
            button.member_index < len(ballot.electorate.members)
            and button.option_index < len(ballot.draft.options)
        ):
            raise InvalidOption("button out of range")
        member_id = ballot.electorate.members[button.member_index]
        option = ballot.draft.options[button.option_index]
        receipt = await services.desk.cast(ballot.id, member_id, option, caller.person_id)
    except VotingError as error:
        await query.answer(refusal_text(error, _), show_alert=True)
        return
    # The vote is on disk from here on: what follows only tells people.
    groupement = services.governance.groupement(ballot.draft.groupement_id)
    proxy = member_id in ballot.electorate.proxies
    paper = paper_text(ballot, groupement, member_id, proxy, caller.language, _)
    text = confirmation_text(paper, option, receipt.weight, receipt.changed, caller.language, _)
    await query.answer(_("Vote recorded."))
    markup = (
        paper_keyboard(ballot, member_id, caller.language, option)
        if ballot.draft.allow_vote_change
        else None
    )
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        # Pressing the same option twice leaves the paper as it was; Telegram says so.
        if "not modified" not in str(error).lower():
            raise
    await refresh_participation(context.bot, services, ballot)


async def stray_button(update: Update, context: Context) -> None:
    """Any other button: forged, or from a version of the bot that is gone."""
    query = update.callback_query
    caller = await caller_of(update, context)
    if query is not None and caller is not None:
        await query.answer(caller._("This button is not valid."), show_alert=True)


def _ballot_number(args: list[str] | None) -> int | str | None:
    if not args:
        return None
    return int(args[0]) if len(args) == 1 and args[0].isdigit() else "bad"


async def close_command(update: Update, context: Context) -> None:
    """``/clore [numéro]``: close a ballot now and publish its result."""
    caller = await coordinator(update, context)
    if caller is None:
        return
    _ = caller._
    services = services_of(context)
    number = _ballot_number(context.args)
    if number == "bad":
        await reply(update, _("Usage: /clore [NUMBER]"))
        return
    open_ballots = [
        b
        for b in await services.ballots.find(state=BallotState.OPEN)
        if caller.coordinates(b.draft.groupement_id)
    ]
    if number is None:
        if len(open_ballots) != 1:
            listing = "\n".join(f"• n° {b.id} — {b.draft.question}" for b in open_ballots) or _(
                "(none)"
            )
            await reply(
                update, _("Which ballot? Use /clore NUMBER. Open ballots:") + "\n" + listing
            )
            return
        ballot_id = open_ballots[0].id
    else:
        assert isinstance(number, int)
        ballot_id = number
    try:
        ballot = await services.ballots.get(ballot_id)
        if not caller.coordinates(ballot.draft.groupement_id):
            raise BallotNotFound("not this coordinator's ballot")
        ballot, _result = await close_and_announce(context.bot, services, ballot_id)
    except BallotNotFound:
        await reply(
            update, _("There is no ballot no. {number} among yours.").format(number=ballot_id)
        )
        return
    except VotingError:
        await reply(update, _("Ballot no. {number} is not open.").format(number=ballot_id))
        return
    if not in_private_chat(update) or not await services.chats.groups_for(
        ballot.draft.groupement_id, ballot.draft.instance_id
    ):
        await _reply_result(update, services, ballot, caller)
    else:
        await reply(
            update,
            _("Ballot no. {number} is closed; the result was posted.").format(number=ballot.id),
        )


async def _reply_result(update: Update, services: Services, ballot: Ballot, caller: Caller) -> None:
    assert ballot.result is not None
    groupement = services.governance.groupement(ballot.draft.groupement_id)
    votes = await services.ballots.effective_votes(ballot.id)
    await reply(
        update, result_text(ballot, groupement, ballot.result, votes, caller.language, caller._)
    )


async def results_command(update: Update, context: Context) -> None:
    """``/resultats [numéro]``: a result, or the latest ones of the caller's groupements."""
    services = services_of(context)
    caller = await caller_of(update, context)
    if caller is None:
        return
    chat = update.effective_chat
    binding = await services.chats.binding(chat.id) if chat is not None else None
    groupements = set(caller.groupements) | ({binding.groupement_id} if binding else set())
    if not groupements:
        await known_caller(update, context)
        return
    _ = caller._
    number = _ballot_number(context.args)
    if number == "bad":
        await reply(update, _("Usage: /resultats [NUMBER]"))
        return
    closed = [
        b
        for b in await services.ballots.find(state=BallotState.CLOSED)
        if b.draft.groupement_id in groupements
    ]
    chosen = [b for b in closed if b.id == number] if number is not None else closed[-3:]
    if not chosen:
        await reply(update, _("No result yet."))
        return
    for ballot in chosen:
        await _reply_result(update, services, ballot, caller)


async def my_papers(update: Update, context: Context) -> None:
    """``/vote``: send the caller's open ballot papers again (new phone, lost message)."""
    caller = await known_caller(update, context)
    if caller is None:
        return
    services = services_of(context)
    sent = 0
    for ballot in await services.ballots.find(state=BallotState.OPEN):
        report = await deliver_papers(context.bot, services, ballot, only_person=caller.person_id)
        sent += report.sent
    if not sent:
        await reply(update, caller._("You have no open ballot."))


PROXY_REFUSALS = {
    ProxyProblem.GIVER_NOT_VOTING: N_("Your member does not vote in this instance."),
    ProxyProblem.HOLDER_NOT_VOTING: N_("That member does not vote in this instance."),
    ProxyProblem.TO_ITSELF: N_("A member cannot give its proxy to itself."),
    ProxyProblem.HOLDER_GAVE_ITS_OWN: N_(
        "That member has given its own proxy and cannot hold one."
    ),
    ProxyProblem.GIVER_HOLDS_ONE: N_("Your member holds a proxy and cannot give its own."),
    ProxyProblem.HOLDER_AT_LIMIT: N_(
        "That member already holds as many proxies as the rules allow."
    ),
}


async def proxy_command(update: Update, context: Context) -> None:
    """``/pouvoir <instance> <membre>`` gives the caller's member's proxy; ``annuler`` revokes."""
    caller = await known_caller(update, context)
    if caller is None:
        return
    _ = caller._
    args = [a.lower() for a in context.args or []]
    if len(args) != 2:
        await reply(update, _("Usage: /pouvoir INSTANCE MEMBER, or /pouvoir INSTANCE annuler"))
        return
    instance_id, target = args
    services = services_of(context)
    seats = [
        s for s in caller.seats if _has_voting_instance(services, s.groupement_id, instance_id)
    ]
    if len(seats) != 1:
        await reply(
            update,
            _("You do not represent a member of a voting instance “{instance}”.").format(
                instance=instance_id
            ),
        )
        return
    seat = seats[0]
    groupement = services.governance.groupement(seat.groupement_id)
    giver_name = groupement.member(seat.member_id).name
    if target in {"annuler", "cancel"}:
        revoked = await services.roster.revoke_proxy(
            seat.groupement_id, instance_id, seat.member_id
        )
        text = (
            _("The proxy of {member} is revoked.") if revoked else _("{member} had given no proxy.")
        )
        await reply(update, text.format(member=giver_name))
        return
    _table, electorate = await services.desk.electorate(seat.groupement_id, instance_id)
    rules = groupement.instance(instance_id).voting_rules
    try:
        await services.roster.give_proxy(
            StandingProxy(seat.groupement_id, instance_id, seat.member_id, target),
            caller.person_id,
            frozenset(electorate.weights),
            rules.max_proxies_per_holder,
        )
    except ProxyRefused as error:
        await reply(update, _(PROXY_REFUSALS[error.problem]))
        return
    await reply(
        update,
        _(
            "{giver} gives its proxy to {holder} for the next written consultation of "
            "{instance}. For a meeting, give it in reply to the convocation."
        ).format(
            giver=giver_name,
            holder=groupement.member(target).name,
            instance=groupement.instance(instance_id).name,
        ),
    )


def _has_voting_instance(services: Services, groupement_id: str, instance_id: str) -> bool:
    try:
        return services.governance.instance(groupement_id, instance_id).voting
    except GovernanceLookupError:
        return False


async def close_due_job(context: Context) -> None:
    """Job: close the ballots whose deadline has passed (also run periodically, for restarts)."""
    await close_due_ballots(context.bot, services_of(context))
