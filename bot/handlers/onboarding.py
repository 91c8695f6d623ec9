"""Getting people in: invitations, deep links, group chats, "who am I", language, help."""

from __future__ import annotations

from telegram import Update
from telegram.helpers import create_deep_linked_url

from bot.handlers.common import (
    Context,
    caller_of,
    coordinator,
    in_private_chat,
    known_caller,
    reply,
)
from bot.identity import Caller
from bot.services import services_of
from config.models import GovernanceLookupError, Groupement
from meetings.roster import (
    InvitationExpired,
    InvitationUnknown,
    InvitationUsed,
    Role,
    RosterError,
    SeatConflict,
)
from meetings.wording.formats import moment as format_moment
from meetings.wording.i18n import LANGUAGES, Translator, translator

SUBSTITUTE_WORDS = {"suppleant", "suppléant", "substitute"}
TITULAR_WORDS = {"titulaire", "titular"}


def role_label(role: Role, _: Translator) -> str:
    if role is Role.ADVISORY:
        return _("advisory participant")
    return _("substitute") if role is Role.SUPPLEANT else _("titular")


async def start(update: Update, context: Context) -> None:
    """``/start [token]``: welcome, or accept an invitation from a deep link."""
    caller = await caller_of(update, context)
    if caller is None:
        return
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
    services = services_of(context)
    try:
        seat = await services.roster.accept(
            context.args[0], caller.person_id, caller.display_name, caller.user.language_code
        )
    except InvitationUsed:
        await reply(
            update,
            _("This invitation link has already been used. Ask the coordinator for a new one."),
        )
        return
    except SeatConflict as conflict:
        seats = [s for s in caller.seats if s.member_id == conflict.member_id]
        groupement = services.governance.groupement(seats[0].groupement_id) if seats else None
        await reply(
            update,
            _(
                "You already represent {member} in this groupement: one person cannot speak "
                "for two members. Ask the coordinator."
            ).format(
                member=groupement.participant_name(conflict.member_id)
                if groupement
                else conflict.member_id
            ),
        )
        return
    except InvitationExpired:
        await reply(
            update, _("This invitation link has expired. Ask the coordinator for a new one.")
        )
        return
    except (InvitationUnknown, RosterError):
        await reply(
            update, _("This invitation link is not valid. Check that you opened the whole link.")
        )
        return
    groupement = services.governance.groupement(seat.groupement_id)
    await reply(
        update,
        _("Welcome! You now represent {member} ({role}) in {groupement}.").format(
            member=groupement.participant_name(seat.member_id),
            role=role_label(seat.role, _),
            groupement=groupement.name,
        )
        + "\n"
        + _("Your ballot papers will arrive here, in this private chat."),
    )


def _help_text(caller: Caller) -> str:
    _ = caller._
    lines = [
        _("Commands:"),
        _("/moi — who you are for the bot"),
        _("/vote — your open ballot papers again"),
        _("/resultats — the latest results"),
        _(
            "/pouvoir INSTANCE MEMBER — give your proxy for the next written consultation "
            "(/pouvoir INSTANCE annuler to revoke)"
        ),
        _("/langue fr|en — language of the messages"),
        _("/aide — this help"),
    ]
    if caller.coordinated:
        lines += [
            "",
            _("Coordinator:"),
            _("/inviter MEMBER [suppleant] — invitation link for a representative"),
            _("/lier GROUPEMENT [INSTANCE] — in a group: post announcements and results there"),
            _("/scrutin — open a ballot"),
            _("/clore [NUMBER] — close a ballot and publish its result"),
        ]
    if not caller.is_known:
        lines = [
            _("To take part, open the invitation link your coordinator sent you."),
            "",
            *lines[:1],
            _("/aide — this help"),
        ]
    return "\n".join(lines)


async def help_command(update: Update, context: Context) -> None:
    caller = await caller_of(update, context)
    if caller is not None:
        await reply(update, _help_text(caller))


async def me(update: Update, context: Context) -> None:
    """``/moi``: the person's seats and roles, per groupement."""
    caller = await known_caller(update, context)
    if caller is None:
        return
    _ = caller._
    governance = services_of(context).governance
    lines = [_("You are {name}.").format(name=caller.display_name)]
    for groupement_id in caller.groupements:
        groupement = governance.groupement(groupement_id)
        lines.append("")
        lines.append(groupement.name)
        if caller.coordinates(groupement_id):
            lines.append("• " + _("coordinator"))
        for seat in caller.seats:
            if seat.groupement_id == groupement_id:
                lines.append(
                    "• "
                    + _("{role} of {member}").format(
                        role=role_label(seat.role, _),
                        member=groupement.participant_name(seat.member_id),
                    )
                )
    await reply(update, "\n".join(lines))


async def language(update: Update, context: Context) -> None:
    """``/langue fr|en``: the person's own language setting."""
    caller = await caller_of(update, context)
    if caller is None:
        return
    choice = (context.args or [""])[0].lower()
    if choice not in LANGUAGES:
        await reply(update, caller._("Usage: /langue fr or /langue en"))
        return
    await services_of(context).roster.set_language(caller.person_id, caller.display_name, choice)
    _ = translator(choice)
    await reply(update, _("Messages will now be in English."))


def _find_member(caller: Caller, context: Context, reference: str) -> tuple[Groupement, str] | None:
    """``membre`` or ``groupement/membre`` among the groupements the caller coordinates."""
    governance = services_of(context).governance
    groupement_part, _, member_part = reference.rpartition("/")
    found = []
    for groupement_id in caller.coordinated:
        if groupement_part and groupement_part != groupement_id:
            continue
        groupement = governance.groupement(groupement_id)
        try:
            groupement.participant_name(member_part)
        except GovernanceLookupError:
            continue
        found.append((groupement, member_part))
    return found[0] if len(found) == 1 else None


async def invite(update: Update, context: Context) -> None:
    """``/inviter <membre> [suppleant]``: a one-time deep link for a representative."""
    caller = await coordinator(update, context)
    if caller is None:
        return
    _ = caller._
    if not in_private_chat(update):
        await reply(
            update,
            _(
                "For security, create invitations in your private chat with the bot: "
                "a link must only be seen by the person it is for."
            ),
        )
        return
    args = context.args or []
    role_word = args[1].lower() if len(args) == 2 else "titulaire"
    if not 1 <= len(args) <= 2 or role_word not in SUBSTITUTE_WORDS | TITULAR_WORDS:
        await reply(update, _("Usage: /inviter MEMBER [suppleant], e.g. /inviter meuse suppleant"))
        return
    found = _find_member(caller, context, args[0].lower())
    if found is None:
        await reply(
            update,
            _(
                "Unknown or ambiguous member “{member}”. "
                "Use its id, e.g. meuse, or groupement/member."
            ).format(member=args[0]),
        )
        return
    groupement, member_id = found
    role = Role.SUPPLEANT if role_word in SUBSTITUTE_WORDS else Role.TITULAIRE
    if groupement.is_advisory(member_id):
        role = Role.ADVISORY
    services = services_of(context)
    today = services.clock().astimezone(groupement.groupement.tzinfo).date()
    if role is not Role.ADVISORY and not groupement.member(member_id).is_active(today):
        await reply(
            update,
            _("{member} is no longer a member of the groupement ({groupement}).").format(
                member=groupement.member(member_id).name, groupement=groupement.name
            ),
        )
        return
    invitation = await services.roster.invite(groupement.id, member_id, role, caller.person_id)
    link = create_deep_linked_url(context.bot.username, invitation.token)
    await reply(
        update,
        _("Invitation for the {role} of {member} ({groupement}):").format(
            role=role_label(role, _),
            member=groupement.participant_name(member_id),
            groupement=groupement.name,
        )
        + f"\n{link}\n"
        + _("Single use; valid until {moment}. Send it to that person only.").format(
            moment=format_moment(
                invitation.expires_at, caller.language, groupement.groupement.tzinfo
            )
        ),
    )


async def link_chat(update: Update, context: Context) -> None:
    """``/lier <groupement> [instance]`` in a group: announcements and results go there."""
    caller = await coordinator(update, context)
    if caller is None:
        return
    _ = caller._
    if in_private_chat(update) or update.effective_chat is None:
        await reply(update, _("Use /lier in the group chat that should receive announcements."))
        return
    args = context.args or []
    if not 1 <= len(args) <= 2:
        await reply(
            update, _("Usage: /lier GROUPEMENT [INSTANCE], e.g. /lier ent-grand-est cogouv")
        )
        return
    groupement_id = args[0].lower()
    if not caller.coordinates(groupement_id):
        await reply(
            update,
            _("You do not coordinate a groupement “{groupement}”.").format(groupement=args[0]),
        )
        return
    services = services_of(context)
    groupement = services.governance.groupement(groupement_id)
    instance_id = args[1].lower() if len(args) == 2 else None
    if instance_id is not None:
        try:
            groupement.instance(instance_id)
        except GovernanceLookupError:
            await reply(update, _("Unknown instance “{instance}”.").format(instance=args[1]))
            return
    chat = update.effective_chat
    await services.chats.bind(chat.id, groupement_id, instance_id, chat.title, caller.person_id)
    scope = (
        groupement.name
        if instance_id is None
        else f"{groupement.instance(instance_id).name}, {groupement.name}"
    )
    await reply(
        update,
        _("This group now receives the announcements and results of {scope}.").format(scope=scope),
    )
