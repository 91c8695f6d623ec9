"""Getting people in: invitations and deep links, group chats, "who am I", language, help."""

from __future__ import annotations

from telegram import Update
from telegram.helpers import create_deep_linked_url

from bot.commands import Access, Command, Place, help_text
from bot.context import COMMANDS_KEY, ScrutinContext
from bot.replies import in_private_chat, reply
from meetings.actions.actor import Actor
from meetings.actions.bind import bind
from meetings.actions.invite import invite
from meetings.actions.language import set_language
from meetings.actions.link_chat import link_chat
from meetings.designation import DesignationAct
from meetings.roster import Role, Seat
from meetings.wording.formats import moment, name_of
from meetings.wording.i18n import N_, Translator, translator
from meetings.wording.messages.designations import designated_line
from meetings.wording.messages.groups import group_now_follows
from meetings.wording.refusals import refusal
from voting.refusal import Refused

SUBSTITUTE_WORDS = {"suppleant", "suppléant", "substitute"}
TITULAR_WORDS = {"titulaire", "titular"}
ROLE_LABELS = {
    Role.TITULAIRE: N_("titular"),
    Role.SUPPLEANT: N_("substitute"),
    Role.ADVISORY: N_("advisory participant"),
}


def role_label(role: Role, _: Translator) -> str:
    return _(ROLE_LABELS[role])


async def start(update: Update, context: ScrutinContext) -> None:
    """``/start [token]``: welcome, or take up an invitation from a deep link."""
    caller = context.caller
    _ = caller._
    if not context.args:
        await reply(
            update, _("Welcome to Scrutin, the voting assistant of your groupement de commandes.")
        )
        await help_command(update, context)
        return
    if not in_private_chat(update):
        # Whoever sees a link may take the seat: it must stay in the person's private chat.
        await reply(
            update, _("Open your invitation link in a private chat with the bot; it was not used.")
        )
        return
    services = context.services
    try:
        bound = await bind(
            services, caller.person_id, caller.display_name, caller.client_language, context.args[0]
        )
    except Refused as refused:
        await reply(update, refusal(refused, caller.language))
        return
    seat = bound.seat
    await reply(
        update,
        _("Welcome! You now represent {member} ({role}) in {groupement}.").format(
            member=name_of(bound.groupement, seat.member_id),
            role=role_label(seat.role, _),
            groupement=bound.groupement.name,
        )
        + "\n"
        + (
            _("Your convocations will arrive here, in this private chat.")
            if seat.role is Role.ADVISORY
            else _("Your convocations and ballot papers will arrive here, in this private chat.")
        ),
    )


async def help_command(update: Update, context: ScrutinContext) -> None:
    """``/aide``: the commands this person may use."""
    await reply(update, help_text(context.bot_data[COMMANDS_KEY], context.caller))


async def me(update: Update, context: ScrutinContext) -> None:
    """``/moi``: the person's seats and roles, per groupement."""
    caller = context.caller
    _ = caller._
    lines = [_("You are {name}.").format(name=caller.display_name)]
    for groupement_id in caller.groupements:
        groupement = context.services.governance.groupement(groupement_id)
        lines += ["", groupement.name]
        if caller.coordinates(groupement_id):
            lines.append("• " + _("coordinator"))
        for seat in caller.seats_in(groupement_id):
            lines.append(
                "• "
                + _("{role} of {member}").format(
                    role=role_label(seat.role, _), member=name_of(groupement, seat.member_id)
                )
            )
            act = await _designating_act(context, seat)
            if act is not None:
                lines.append("  " + designated_line(seat.role, act, caller.language))
    await reply(update, "\n".join(lines))


async def _designating_act(context: ScrutinContext, seat: Seat) -> DesignationAct | None:
    """The act in force that designated the seat's holder; none for an advisory seat."""
    if seat.role is Role.ADVISORY:
        return None
    services = context.services
    standing = await services.designations.standing_of(
        seat.groupement_id, seat.member_id, services.clock()
    )
    return None if standing.designation is None else standing.designation.act


async def language(update: Update, context: ScrutinContext) -> None:
    """``/langue fr|en``: the person's own language setting."""
    caller = context.caller
    args = context.args or []
    try:
        chosen = await set_language(context.services, caller, args[0] if len(args) == 1 else "")
    except Refused as refused:
        await reply(update, refusal(refused, caller.language))
        return
    _ = translator(chosen)
    await reply(update, _("Messages will now be in English."))


async def invite_command(update: Update, context: ScrutinContext) -> None:
    """``/inviter MEMBRE [suppleant]``: a one-time deep link for a representative."""
    caller = context.caller
    _ = caller._
    args = context.args or []
    role_word = args[1].lower() if len(args) == 2 else "titulaire"
    if not 1 <= len(args) <= 2 or role_word not in SUBSTITUTE_WORDS | TITULAR_WORDS:
        await reply(update, _("Usage: {usage}").format(usage=INVITE.usage(caller.language)))
        return
    try:
        invited = await invite(context.services, caller, args[0], role_word in SUBSTITUTE_WORDS)
    except Refused as refused:
        await reply(
            update, refusal(refused, caller.language, None, **_retyped(refused, args, caller))
        )
        return
    invitation, groupement = invited.invitation, invited.groupement
    link = create_deep_linked_url(context.bot.username, invitation.token)
    expires = moment(invitation.expires_at, caller.language, groupement.groupement.tzinfo)
    await reply(
        update,
        _("Invitation for the {role} of {member} ({groupement}):").format(
            role=role_label(invitation.role, _),
            member=name_of(groupement, invitation.member_id),
            groupement=groupement.name,
        )
        + f"\n{link}\n"
        + _("Single use; valid until {moment}. Send it to that person only.").format(
            moment=expires
        ),
    )


def _retyped(refused: Refused, args: list[str], caller: Actor) -> dict[str, str]:
    """The commands to type instead of a reference that named no member, or several."""
    command = f"/{INVITE.shown(caller.language)}"
    role = f" {args[1]}" if len(args) == 2 else ""
    choices = refused.details.get("choices")
    if isinstance(choices, list):
        return {"choices": "\n".join(f"{command} {choice}{role}" for choice in choices)}
    example = refused.details.get("example")
    return {"example": f"{command} {example}"} if example else {}


async def link_command(update: Update, context: ScrutinContext) -> None:
    """``/lier GROUPEMENT [INSTANCE]`` in a group: announcements and results go there."""
    caller = context.caller
    _ = caller._
    args = [arg.lower() for arg in context.args or []]
    chat = update.effective_chat
    if not 1 <= len(args) <= 2 or chat is None:
        await reply(update, _("Usage: {usage}").format(usage=LINK.usage(caller.language)))
        return
    try:
        linked = await link_chat(
            context.services,
            caller,
            chat.id,
            chat.title,
            args[0],
            args[1] if len(args) == 2 else None,
        )
    except Refused as refused:
        await reply(update, refusal(refused, caller.language))
        return
    await reply(
        update,
        group_now_follows(
            context.services.governance, linked.binding, linked.previous, caller.language
        ),
    )


async def no_form(update: Update, context: ScrutinContext) -> None:
    """``/annuler`` with no form in progress."""
    await reply(update, context.caller._("There is no form in progress to cancel."))


INVITE = Command(
    "inviter",
    "invite",
    Access.COORDINATOR,
    N_("invitation link for a representative"),
    invite_command,
    arguments=N_("MEMBER [suppleant]"),
    example=N_("e.g. /inviter meuse suppleant"),
    place=Place.PRIVATE,
    wrong_place=N_(
        "For security, create invitations in your private chat with the bot: "
        "a link must only be seen by the person it is for."
    ),
    rank=62,
)
LINK = Command(
    "lier",
    "link",
    Access.COORDINATOR,
    N_("in a group: post announcements and results there"),
    link_command,
    arguments=N_("GROUPEMENT [INSTANCE]"),
    example=N_("e.g. /lier ent-grand-est cogouv"),
    place=Place.GROUP,
    wrong_place=N_("Use /lier in the group chat that should receive announcements."),
    rank=63,
)
COMMANDS = (
    Command("start", "start", Access.ANYONE, N_("welcome"), start, listed=False, rank=0),
    Command("moi", "me", Access.KNOWN, N_("who you are for the bot"), me, rank=1),
    Command(
        "langue",
        "language",
        Access.ANYONE,
        N_("language of the messages"),
        language,
        arguments=N_("fr|en"),
        rank=40,
    ),
    Command("aide", "help", Access.ANYONE, N_("this help"), help_command, rank=41),
    INVITE,
    LINK,
    Command(
        "annuler", "cancel", Access.COORDINATOR, N_("leave the form in progress"), no_form, rank=79
    ),
)
