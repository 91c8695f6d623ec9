"""The command table: each feature module declares its commands once, and from that table come
the Telegram handlers (with one guard that checks who asks and where), both menus and /aide.

A :class:`Command` says its French name and English alias, who may use it, where (private
chat or group), its arguments, its description, its handler, and, for a form, the form's
steps. Buttons that are not part of a form are routed by :class:`ButtonRoute`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.context import ScrutinContext
from bot.form_steps import FormRoute, FormSteps, StepHandler
from bot.forms import END
from bot.replies import reply
from meetings.actions.actor import Actor
from meetings.buttons import FORM_PATTERN
from meetings.texts import COMMAND_LIMIT
from meetings.wording.formats import weight
from meetings.wording.i18n import translator
from meetings.wording.refusals import REFUSALS

Handler = Callable[[Update, ScrutinContext], Coroutine[Any, Any, Any]]


class Access(StrEnum):
    ANYONE = "anyone"
    KNOWN = "known"
    """A person the bot knows: a representative, an advisory participant or a coordinator."""
    KNOWN_OR_GROUP = "known_or_group"
    """A known person, or anyone in a group chat bound to a groupement."""
    COORDINATOR = "coordinator"


class Place(StrEnum):
    ANY = "any"
    PRIVATE = "private"
    GROUP = "group"


@dataclass(frozen=True)
class Step:
    """One state of a form: answered by a typed message, or by one of the form's buttons."""

    handler: Handler
    typed: bool = False


@dataclass(frozen=True)
class Form:
    name: str
    kind: type[Any]
    """The dataclass that holds the form's answers, kept as JSON between steps."""
    states: Mapping[int, Sequence[Step]]
    cancel: Handler
    """What /annuler does inside the form."""


@dataclass(frozen=True)
class Command:
    name: str
    """The French name, as menus and /aide show it in French."""
    alias: str
    """The English name, as English menus show it; both always work."""
    access: Access
    description: str
    """Lower-case, marked with ``N_``: "/moi — vos mandats et rôles"."""
    handler: Handler
    arguments: str = ""
    """Marked with ``N_``: "NUMBER [urgence REASON]"."""
    example: str | None = None
    place: Place = Place.ANY
    wrong_place: str | None = None
    """What to say when used in the wrong kind of chat (marked with ``N_``)."""
    form: Form | None = None
    rank: int = 100
    """Its place in the menus and in /aide."""
    listed: bool = True
    """False for /start, the deep links' entry, which nobody types."""

    def __post_init__(self) -> None:
        if self.place is not Place.ANY and self.wrong_place is None:
            raise ValueError(f"/{self.name} is for one kind of chat: say what to do elsewhere")

    @property
    def names(self) -> list[str]:
        return [self.name] if self.name == self.alias else [self.name, self.alias]

    def shown(self, language: str) -> str:
        return self.name if language == "fr" else self.alias

    def usage(self, language: str, with_example: bool = True) -> str:
        """``/convoquer NUMÉRO [urgence MOTIF]``, with its example if any."""
        _ = translator(language)
        text = f"/{self.shown(language)}"
        if self.arguments:
            text += f" {_(self.arguments)}"
        if self.example and with_example:
            text += ", " + _(self.example)
        return text

    def may_be_used_by(self, caller: Actor) -> bool:
        if self.access is Access.ANYONE:
            return True
        if self.access is Access.COORDINATOR:
            return bool(caller.coordinated)
        return caller.is_known


@dataclass(frozen=True)
class ButtonRoute:
    """Presses on buttons whose code matches ``pattern``, outside any form."""

    pattern: re.Pattern[str] | None
    handler: Handler


@dataclass(frozen=True)
class FileRoute:
    """Files (Telegram documents) sent to the bot, behind ``command``'s guard: who may send
    them, and where."""

    command: Command
    handler: Handler


@dataclass(frozen=True)
class Table:
    """Every command and button route of the bot, in the order menus and /aide show them."""

    commands: tuple[Command, ...]
    buttons: tuple[ButtonRoute, ...] = field(default=())
    files: tuple[FileRoute, ...] = field(default=())

    def listed_for(self, caller: Actor) -> list[Command]:
        return [c for c in self.commands if c.listed and c.may_be_used_by(caller)]


async def _bound_group(update: Update, context: ScrutinContext) -> bool:
    chat = update.effective_chat
    return chat is not None and await context.services.chats.binding(chat.id) is not None


async def refusal_of(command: Command, update: Update, context: ScrutinContext) -> str | None:
    """Why ``command`` may not run here for this caller, or None."""
    caller = context.caller
    _ = caller._
    if command.access is Access.KNOWN_OR_GROUP and not caller.is_known:
        if not await _bound_group(update, context):
            return _(REFUSALS["not_registered"])
    elif command.access is not Access.ANYONE and not caller.is_known:
        return _(REFUSALS["not_registered"])
    elif command.access is Access.COORDINATOR and not caller.coordinated:
        return _(REFUSALS["not_coordinator"])
    chat = update.effective_chat
    private = chat is not None and chat.type == "private"
    wrong = (command.place is Place.PRIVATE and not private) or (
        command.place is Place.GROUP and private
    )
    if wrong:
        assert command.wrong_place is not None  # checked when the command was declared
        return _(command.wrong_place)
    return None


def _too_long(update: Update, context: ScrutinContext) -> str | None:
    """A command longer than any argument needs: refused before a handler echoes it back in
    a message Telegram would refuse."""
    message = update.message
    text = message.text if message is not None else None
    if text is None or not text.startswith("/") or len(text) <= COMMAND_LIMIT:
        return None
    return context.caller._(
        "This command is too long: {length} characters, at most {limit}."
    ).format(
        length=weight(len(text), context.caller.language),
        limit=weight(COMMAND_LIMIT, context.caller.language),
    )


def guarded(command: Command, handler: Handler, refused: object = None) -> Handler:
    """``handler`` behind the command's guard: the caller identified, its role and place
    checked once, here rather than in each handler."""

    async def callback(update: Update, context: ScrutinContext) -> Any:
        if await context.identify(update) is None:
            return refused
        why = _too_long(update, context) or await refusal_of(command, update, context)
        if why is not None:
            if update.callback_query is not None:
                await update.callback_query.answer(why, show_alert=True)
            else:
                await reply(update, why)
            return refused
        return await handler(update, context)

    return callback


def identified(handler: Handler) -> Handler:
    """``handler`` with the caller identified: buttons whose action checks the permission."""

    async def callback(update: Update, context: ScrutinContext) -> Any:
        if await context.identify(update) is None:
            return None
        return await handler(update, context)

    return callback


def _form_route(command: Command, form: Form) -> FormRoute:
    typed = filters.TEXT & ~filters.COMMAND
    states: dict[int, list[StepHandler]] = {}
    for state, steps in form.states.items():
        states[state] = [
            MessageHandler(typed, guarded(command, step.handler, END))
            if step.typed
            else CallbackQueryHandler(guarded(command, step.handler, END), pattern=FORM_PATTERN)
            for step in steps
        ]
    cancel = CommandHandler(["annuler", "cancel"], guarded(command, form.cancel, END))
    return FormRoute(form.name, form.kind, states, [cancel], lambda lang: f"/{command.shown(lang)}")


def form_steps(table: Table) -> FormSteps:
    """The steps of every form, routed by the step each person's form is at; PTB's group
    :data:`bot.form_steps.FORM_STEPS_GROUP`."""
    return FormSteps([_form_route(c, c.form) for c in table.commands if c.form is not None])


def telegram_handlers(table: Table) -> list[BaseHandler[Update, ScrutinContext, Any]]:
    """The handlers of PTB's default group: commands (a form's starts it), buttons, files."""
    found: list[BaseHandler[Update, ScrutinContext, Any]] = [
        CommandHandler(command.names, guarded(command, command.handler))
        for command in table.commands
    ]
    for route in table.buttons:
        found.append(CallbackQueryHandler(identified(route.handler), pattern=route.pattern))
    for upload in table.files:
        found.append(MessageHandler(filters.Document.ALL, guarded(upload.command, upload.handler)))
    return found


def help_text(table: Table, caller: Actor) -> str:
    """The commands this person may use, from the table: theirs, then the coordinator's."""
    _ = caller._
    language = caller.language

    def line(command: Command) -> str:
        return _("{usage} — {description}").format(
            usage=command.usage(language, with_example=False),
            description=_(command.description),
        )

    usable = table.listed_for(caller)
    general = [line(c) for c in usable if c.access is not Access.COORDINATOR]
    lines = [_("Commands:"), *general]
    coordinating = [line(c) for c in usable if c.access is Access.COORDINATOR]
    if coordinating:
        lines += ["", _("Coordinator:"), *coordinating]
    if not caller.is_known:
        lines = [_("To take part, open the invitation link your coordinator sent you."), "", *lines]
    return "\n".join(lines)
