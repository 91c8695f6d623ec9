"""``/scrutin``: the coordinator's form to open a ballot: instance, question, public or secret,
deadline, then a summary of the electorate to confirm."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from telegram import Update

from bot.arguments import candidate_names, future_moment
from bot.commands import Access, Command, Form, Place, Step
from bot.context import ScrutinContext
from bot.form_store import FormGone
from bot.forms import (
    CANCEL,
    END,
    ask,
    button,
    confirming,
    drop,
    form_of,
    is_cancel,
    only,
    pick,
    pressed,
    typed_or_told,
)
from bot.jobs import close_at_deadline
from bot.replies import reply
from config.models import Groupement
from meetings.actions.ballot_open import (
    BallotOpened,
    BallotSetting,
    ballot_setting,
    check_on_agenda,
    open_ballot,
    session_of,
)
from meetings.actions.election_rounds import candidate_options
from meetings.notifier import Button
from meetings.texts import Typed
from meetings.wording.decision_rules import rule_label, rule_statement
from meetings.wording.election import round_label
from meetings.wording.formats import example_time, members, moment, name_of, quoted
from meetings.wording.i18n import N_, translator
from meetings.wording.messages.ballots import electorate_summary
from meetings.wording.messages.results import listed
from meetings.wording.refusals import refusal
from voting.decision_rules import HEAD_RULES, WEIGHT_RULES, DecisionRule
from voting.election import candidates_of
from voting.refusal import Refused
from voting.rules import BallotKind
from voting.tally import MOTION_OPTIONS, Count

INSTANCE, QUESTION, KIND, DEADLINE, CONFIRM, CANDIDATES, RULE = range(7)
KEY = "ballot_form"


@dataclass
class BallotForm:
    choices: list[tuple[str, str]]
    groupement_id: str = ""
    instance_id: str = ""
    question: str = ""
    kind: BallotKind = BallotKind.PUBLIC
    candidates: tuple[str, ...] = ()
    """Set for an election of a person, whose first round this ballot opens."""
    deadline: datetime | None = None
    motions: list[str] = field(default_factory=list)
    setting: BallotSetting | None = None
    """What the summary showed, so that the ballot opened is the one confirmed."""
    rules: list[DecisionRule] = field(default_factory=list)
    """The rules offered for a consultation of all the members; empty for an instance."""
    rule: DecisionRule | None = None


def _form(context: ScrutinContext) -> BallotForm | None:
    return form_of(context, KEY, BallotForm)


async def _cancelled(update: Update, context: ScrutinContext) -> int:
    await drop(context, KEY)
    await reply(update, context.caller._("Cancelled; nothing was opened."))
    return END


def _instance_label(context: ScrutinContext, groupement_id: str, instance_id: str) -> str:
    groupement = context.services.governance.groupement(groupement_id)
    return f"{groupement.instance(instance_id).name} — {groupement.name}"


async def start(update: Update, context: ScrutinContext) -> int:
    """``/scrutin``: which instance votes."""
    caller = context.caller
    _ = caller._
    governance = context.services.governance
    choices = []
    for groupement_id in caller.coordinated:
        groupement = governance.groupement(groupement_id)
        choices += [(groupement_id, i.id) for i in groupement.instances if i.voting]
        if groupement.consultation is not None:
            choices.append((groupement_id, groupement.consultation.id))
    if not choices:
        await reply(update, _("None of your groupements has a voting instance."))
        return END
    form = BallotForm(choices)
    if len(choices) == 1:
        form.groupement_id, form.instance_id = choices[0]
        return await _ask_question(update, context, form)
    many = len({g for g, _i in choices}) > 1
    rows = []
    for index, (groupement_id, instance_id) in enumerate(choices):
        label = (
            _instance_label(context, groupement_id, instance_id)
            if many
            else governance.instance(groupement_id, instance_id).name
        )
        rows.append((button(label, "instance", str(index)),))
    rows.append((button(_("Cancel"), "bcancel", CANCEL),))
    return await ask(
        update, context, KEY, form, INSTANCE, _("New ballot. Which instance votes?"), tuple(rows)
    )


async def _ask_question(update: Update, context: ScrutinContext, form: BallotForm) -> int:
    _ = context.caller._
    session = await session_of(context.services, form.groupement_id, form.instance_id)
    text = _("Instance: {instance}.\nSend the question put to the vote, in one message.").format(
        instance=_instance_label(context, form.groupement_id, form.instance_id)
    )
    form.motions = [item.motion for item in session.plan.agenda if item.motion] if session else []
    if not form.motions:
        return await ask(update, context, KEY, form, QUESTION, text)
    rows = tuple(
        (button(motion, "motion", str(index)),) for index, motion in enumerate(form.motions)
    )
    text += "\n" + _("Or choose a motion of the session's agenda:")
    return await ask(update, context, KEY, form, QUESTION, text, rows)


async def on_instance(update: Update, context: ScrutinContext) -> int:
    if is_cancel(update, "bcancel"):
        return await _cancelled(update, context)
    found = await pressed(
        update, context, KEY, BallotForm, "instance", lambda form, value: pick(value, form.choices)
    )
    if found is None:
        return INSTANCE
    form, (groupement_id, instance_id) = found
    form.groupement_id, form.instance_id = groupement_id, instance_id
    return await _ask_question(update, context, form)


async def on_motion(update: Update, context: ScrutinContext) -> int:
    """A motion of the session's agenda, chosen as the question."""
    found = await pressed(
        update, context, KEY, BallotForm, "motion", lambda form, value: pick(value, form.motions)
    )
    if found is None:
        return QUESTION
    form, motion = found
    return await _take_question(update, context, form, motion)


async def on_question(update: Update, context: ScrutinContext) -> int:
    form = _form(context)
    message = update.effective_message
    if form is None or message is None:
        return END
    return await _take_question(update, context, form, message.text or "")


async def _take_question(
    update: Update, context: ScrutinContext, form: BallotForm, text: str
) -> int:
    _ = context.caller._
    question = await typed_or_told(update, context, Typed.QUESTION, text)
    if question is None:
        return QUESTION
    instance = context.services.governance.instance(form.groupement_id, form.instance_id)
    session = await session_of(context.services, form.groupement_id, form.instance_id)
    try:
        # Said now rather than after the whole form: the action checks it again at the end.
        if session is not None:
            check_on_agenda(instance, session, question)
    except Refused as refused:
        again = _("Send another question, or choose a motion of the agenda.")
        await reply(update, refusal(refused, context.caller.language) + "\n" + again)
        return QUESTION
    form.question = question
    form.kind = instance.ballot_kind
    groupement = context.services.governance.groupement(form.groupement_id)
    form.rules = offered_rules(groupement, form.instance_id)
    default = _("public") if form.kind is BallotKind.PUBLIC else _("secret")
    kinds: tuple[tuple[Button, ...], ...] = (
        (button(_("Public (roll call)"), "kind", "public"), button(_("Secret"), "kind", "secret")),
    )
    if not form.rules:  # the members, consulted on a proposal, elect nobody
        kinds += ((button(_("Election of a person"), "kind", "election"),),)
    text = _("Public or secret ballot? (this instance's default: {default})").format(
        default=default
    )
    return await ask(update, context, KEY, form, KIND, text, kinds)


def _example(context: ScrutinContext, form: BallotForm) -> str:
    zone = context.services.governance.groupement(form.groupement_id).groupement.tzinfo
    return example_time(context.services.clock(), zone)


ELECTION = "election"


def _kind_named(form: BallotForm, value: str) -> str | None:
    offered = {"public", "secret"} if form.rules else {"public", "secret", ELECTION}
    return value if value in offered else None


def offered_rules(groupement: Groupement, instance_id: str) -> list[DecisionRule]:
    """The rules a consultation of all the members may be opened with: by weight only where
    the groupement names the weights of its consultations. None for an instance."""
    consultation = groupement.consultation
    if consultation is None or not groupement.consults_members(instance_id):
        return []
    weighted = list(WEIGHT_RULES) if consultation.weight_series is not None else []
    return [*HEAD_RULES, *weighted]


async def _ask_rule(update: Update, context: ScrutinContext, form: BallotForm) -> int:
    language = context.caller.language
    rows = tuple(
        (button(rule_label(rule, language), "rule", str(index)),)
        for index, rule in enumerate(form.rules)
    )
    text = context.caller._(
        "How is this consultation of all the members decided? A member that does not "
        "answer never counts for the proposal."
    )
    return await ask(update, context, KEY, form, RULE, text, rows)


async def on_rule(update: Update, context: ScrutinContext) -> int:
    found = await pressed(
        update, context, KEY, BallotForm, "rule", lambda form, value: pick(value, form.rules)
    )
    if found is None:
        return RULE
    form, rule = found
    form.rule = rule
    return await _ask_deadline(update, context, form)


async def on_kind(update: Update, context: ScrutinContext) -> int:
    found = await pressed(update, context, KEY, BallotForm, "kind", _kind_named)
    if found is None:
        return KIND
    form, kind = found
    form.candidates = ()
    if kind == ELECTION:
        form.kind = BallotKind.SECRET
        text = context.caller._(
            "Election of a person, by secret ballot. Send the candidates' names, one per "
            "line or separated by commas (e.g. Mme Durand, M. Martin)."
        )
        return await ask(update, context, KEY, form, CANDIDATES, text)
    form.kind = BallotKind(kind)
    if form.rules:
        return await _ask_rule(update, context, form)
    return await _ask_deadline(update, context, form)


async def on_candidates(update: Update, context: ScrutinContext) -> int:
    form = _form(context)
    message = update.effective_message
    if form is None or message is None:
        return END
    try:
        options = candidate_options(candidate_names(message.text or ""))
    except Refused as refused:
        await reply(update, refusal(refused, context.caller.language))
        return CANDIDATES
    form.candidates = candidates_of(options)
    return await _ask_deadline(update, context, form)


async def _ask_deadline(update: Update, context: ScrutinContext, form: BallotForm) -> int:
    _ = context.caller._
    text = _(
        "Deadline? Send it as DD/MM/YYYY HH:MM, Paris time (e.g. {example}), "
        "or press “No deadline” and close it yourself with /clore."
    ).format(example=_example(context, form))
    no_deadline = ((button(_("No deadline"), "deadline", "none"),),)
    return await ask(update, context, KEY, form, DEADLINE, text, no_deadline)


async def on_deadline(update: Update, context: ScrutinContext) -> int:
    form = _form(context)
    message = update.effective_message
    if form is None or message is None:
        return END
    zone = context.services.governance.groupement(form.groupement_id).groupement.tzinfo
    deadline = future_moment(message.text or "", context.services.clock(), zone)
    if deadline is None:
        await reply(
            update,
            context.caller._(
                "I could not read a future date. Send it as DD/MM/YYYY HH:MM, e.g. {example}."
            ).format(example=_example(context, form)),
        )
        return DEADLINE
    form.deadline = deadline
    return await _ask_confirmation(update, context, form)


async def on_no_deadline(update: Update, context: ScrutinContext) -> int:
    found = await pressed(update, context, KEY, BallotForm, "deadline", only("none"))
    if found is None:
        return DEADLINE
    form, _value = found
    form.deadline = None
    return await _ask_confirmation(update, context, form)


async def _ask_confirmation(update: Update, context: ScrutinContext, form: BallotForm) -> int:
    caller = context.caller
    _ = caller._
    try:
        form.setting = setting = await ballot_setting(
            context.services, form.groupement_id, form.instance_id, form.rule
        )
    except Refused as refused:
        await drop(context, KEY)
        await reply(update, refusal(refused, caller.language))
        return END
    zone = context.services.governance.groupement(form.groupement_id).groupement.tzinfo
    if setting.meeting is not None:
        mode = _(
            "• In the session of meeting no. {number}: its members present and proxies"
        ).format(number=setting.meeting.id)
    else:
        mode = _(
            "• Written consultation (no session open): valid if at least half of the members "
            "take part"
        )
    deadline = (
        moment(form.deadline, caller.language, zone)
        if form.deadline
        else _("none (closed with /clore)")
    )
    summary = [
        _("Summary:"),
        _("• Instance: {instance}").format(
            instance=_instance_label(context, form.groupement_id, form.instance_id)
        ),
        _("• Question: {question}").format(question=quoted(form.question, caller.language)),
        _("• Ballot: {kind}").format(kind=_kind_text(form, caller.language)),
        _("• Deadline: {deadline}").format(deadline=deadline),
        *_electorate_lines(setting, caller.language),
        mode,
        "",
        _("Open the ballot and send the papers now?"),
    ]
    confirm = (
        (button(_("Open the ballot"), "confirm", "open"), button(_("Cancel"), "bcancel", CANCEL)),
    )
    return await ask(update, context, KEY, form, CONFIRM, "\n".join(summary), confirm)


def _electorate_lines(setting: BallotSetting, language: str) -> list[str]:
    """Who votes, with which weights; for a consultation of all the members, its rule."""
    _ = translator(language)
    electorate = setting.electorate
    if setting.decision_rule is None:
        assert setting.weight_table_id is not None
        return [
            electorate_summary(
                electorate,
                setting.weight_table_id,
                in_session=setting.meeting is not None,
                language=language,
            ),
            _("• Proxies: {count}").format(count=len(electorate.proxies)),
        ]
    consulted = Count(electorate.total_weight, len(electorate.weights))
    if setting.weight_table_id is None:
        who = _("• Members consulted: {members}, one voice each").format(
            members=members(consulted.heads, language)
        )
    else:
        who = electorate_summary(
            electorate, setting.weight_table_id, in_session=False, language=language
        )
    rule = _("• Rule: {rule}").format(
        rule=rule_statement(setting.decision_rule, consulted, language)
    )
    return [who, rule]


async def on_confirm(update: Update, context: ScrutinContext) -> int:
    if is_cancel(update, "bcancel"):
        return await _cancelled(update, context)
    found = await pressed(update, context, KEY, BallotForm, "confirm", only("open"))
    if found is None:
        return CONFIRM
    form, _value = found
    caller = context.caller
    try:
        async with confirming(context, KEY):
            opened = await open_ballot(
                context.services,
                caller,
                form.groupement_id,
                form.instance_id,
                form.question,
                kind=form.kind,
                deadline=form.deadline,
                confirmed=form.setting,
                options=candidate_options(form.candidates) if form.candidates else MOTION_OPTIONS,
                election_round=1 if form.candidates else None,
                decision_rule=form.rule,
            )
    except FormGone:
        return END  # the same press, handled meanwhile by another replica, opened the ballot
    except Refused as refused:
        await reply(update, refusal(refused, caller.language))
        return END
    close_at_deadline(context, opened.ballot)
    await reply(update, _opened_text(context, opened))
    return END


def _kind_text(form: BallotForm, language: str) -> str:
    _ = translator(language)
    if form.candidates:
        return _("election of a person, {round}, secret; candidates: {candidates}").format(
            round=round_label(1, language), candidates=_(", ").join(form.candidates)
        )
    return _("public") if form.kind is BallotKind.PUBLIC else _("secret")


def _opened_text(context: ScrutinContext, opened: BallotOpened) -> str:
    _ = context.caller._
    ballot = opened.ballot
    groupement = context.services.governance.groupement(ballot.draft.groupement_id)
    lines = [
        _("Ballot no. {number} is open. Papers sent: {sent}.").format(
            number=ballot.id, sent=opened.delivery.sent
        )
    ]
    unreached = sorted({str(name_of(groupement, m)) for _p, m in opened.delivery.unreachable})
    if unreached:
        lines.append(
            _(
                "Not reached (the bot is blocked, or the person never opened a chat "
                "with it): {members}."
            ).format(members=listed(unreached, context.caller.language))
        )
    if opened.unrepresented:
        # Ten names at most, the rest counted: 300 communes would not fit in one message.
        missing = [str(name_of(groupement, m)) for m in opened.unrepresented]
        lines.append(
            _("No representative registered for: {members}. Invite them with /inviter.").format(
                members=listed(missing, context.caller.language)
            )
        )
    return "\n".join(lines)


COMMANDS = (
    Command(
        "scrutin",
        "ballot",
        Access.COORDINATOR,
        N_("open a ballot"),
        start,
        place=Place.PRIVATE,
        wrong_place=N_("Open ballots in your private chat with the bot."),
        form=Form(
            KEY,
            BallotForm,
            {
                INSTANCE: (Step(on_instance),),
                QUESTION: (Step(on_question, typed=True), Step(on_motion)),
                KIND: (Step(on_kind),),
                CANDIDATES: (Step(on_candidates, typed=True),),
                RULE: (Step(on_rule),),
                DEADLINE: (Step(on_deadline, typed=True), Step(on_no_deadline)),
                CONFIRM: (Step(on_confirm),),
            },
            _cancelled,
        ),
        rank=60,
    ),
)
