"""Builds the Telegram ``Application`` from the command table: handlers, menus, error handler, jobs.

One function, :func:`build_application`, serves ``scrutin run`` (a real bot), ``scrutin demo``
and the tests (an offline bot that records its requests).
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    ExtBot,
)

from bot.commands import Access, Command, Table, form_steps, telegram_handlers
from bot.context import COMMANDS_KEY, SERVICES_KEY, ScrutinContext, user_id_of
from bot.form_steps import FORM_STEPS_GROUP
from bot.handlers import (
    archive,
    ballot_form,
    ballots,
    designations,
    documents,
    elections,
    meeting_form,
    meetings,
    membership,
    minutes,
    notes,
    onboarding,
    presiding,
    receipts,
    session,
    signing,
)
from bot.inbox import AlreadyHandled
from bot.jobs import (
    CLOSING_CHECK_INTERVAL,
    LEASE_RENEWALS,
    REMINDER_CHECK_INTERVAL,
    adopt_orphans_job,
    close_due_job,
    close_open_ballots_at_their_deadlines,
    reminders_job,
)
from bot.ordering import PersonOrder
from bot.pacing import ChatScopedRateLimiter
from bot.replies import reply
from bot.telegram_notifier import TelegramNotifier
from bot.updates import InboxQueue, ScrutinApplication
from meetings.delivery.ballots import refresh_open_participations
from meetings.delivery.reminders import plan_standing_reminders
from meetings.membership import all_disagreements
from meetings.services import Services
from meetings.wording.formats import PARIS, capitalized
from meetings.wording.i18n import translator

log = logging.getLogger(__name__)

TABLE = Table(
    commands=tuple(
        sorted(
            (
                *onboarding.COMMANDS,
                *meeting_form.COMMANDS,
                *meetings.COMMANDS,
                *session.COMMANDS,
                *presiding.COMMANDS,
                *notes.COMMANDS,
                *ballot_form.COMMANDS,
                *ballots.COMMANDS,
                *elections.COMMANDS,
                *minutes.COMMANDS,
                *membership.COMMANDS,
                *signing.COMMANDS,
                *documents.COMMANDS,
                *receipts.COMMANDS,
                *designations.COMMANDS,
                *archive.COMMANDS,
            ),
            key=lambda command: command.rank,
        )
    ),
    buttons=(
        *ballots.BUTTONS,
        *elections.BUTTONS,
        *meetings.BUTTONS,
        *session.BUTTONS,
        *signing.BUTTONS,
        *documents.BUTTONS,
        ballots.STRAY,
    ),
    files=documents.FILES,
)


def menu(commands: list[Command], language: str) -> list[BotCommand]:
    _ = translator(language)
    return [BotCommand(c.shown(language), capitalized(_(c.description))) for c in commands]


async def register_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The command menus: everyone's, and the coordinators' in their own private chats."""
    bot = application.bot
    services: Services = application.bot_data[SERVICES_KEY]
    listed = [c for c in TABLE.commands if c.listed]
    public = [c for c in listed if c.access is not Access.COORDINATOR]
    coordinating = [c for c in listed if c.access is Access.COORDINATOR] + public
    await bot.set_my_commands(menu(public, "fr"))
    await bot.set_my_commands(menu(public, "en"), language_code="en")
    chats = {user_id_of(person) for _g, person in await services.roster.coordinators()} | {
        user_id
        for groupement in services.governance.groupements.values()
        for user_id in groupement.groupement.coordinator_telegram_ids
    }
    for chat_id in sorted(c for c in chats if c is not None):
        scope = BotCommandScopeChat(chat_id)
        try:
            await bot.set_my_commands(menu(coordinating, "fr"), scope=scope)
            await bot.set_my_commands(menu(coordinating, "en"), scope=scope, language_code="en")
        except TelegramError as error:
            # A coordinator who never opened a chat with the bot cannot get a scoped menu yet.
            log.warning("no coordinator menu for chat %s: %s", chat_id, error)


async def on_error(update: object, context: ScrutinContext) -> None:
    """Log the failure and tell the person something useful; never crash the bot."""
    if isinstance(context.error, AlreadyHandled):
        # Another copy of this update was handled meanwhile; this one's changes rolled back.
        log.info("%s", context.error)
        return
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    language = "fr"
    try:
        caller = await context.identify(update)
        language = caller.language if caller else language
    except Exception:  # the database itself may be what failed
        log.exception("could not identify the caller while reporting an error")
    _ = translator(language)
    text = _(
        "Something went wrong on our side. What the bot confirmed to you is saved; "
        "please try again in a moment."
    )
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        else:
            await reply(update, text)
    except TelegramError:
        log.exception("could not tell the user about the error")


async def check_register(services: Services) -> int:
    """Name, in the log, each member whose configured dates disagree with the register (the
    register is the source of truth: the file is to be corrected); how many there are."""
    governance = services.governance
    found = all_disagreements(
        governance, await services.membership.registers(governance.groupements)
    )
    for disagreement in found:
        log.warning("configuration and membership register disagree: %s", disagreement.describe())
    return len(found)


async def start_up(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Runs once the bot is initialised: command menus, the register's agreement with the
    configuration, standing reminders, jobs."""
    await register_commands(application)
    await check_register(application.bot_data[SERVICES_KEY])
    await plan_standing_reminders(application.bot_data[SERVICES_KEY])
    await refresh_open_participations(application.bot_data[SERVICES_KEY])
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            close_due_job, interval=CLOSING_CHECK_INTERVAL, first=1, name="close-due-ballots"
        )
        application.job_queue.run_repeating(
            reminders_job, interval=REMINDER_CHECK_INTERVAL, first=2, name="reminders"
        )
        await close_open_ballots_at_their_deadlines(
            application.job_queue, application.bot_data[SERVICES_KEY]
        )
        if isinstance(application, ScrutinApplication):
            every = application.inbox_lease / LEASE_RENEWALS
            application.job_queue.run_repeating(
                adopt_orphans_job, interval=every, first=every, name="adopt-orphans"
            )


def attach(application: Application[Any, Any, Any, Any, Any, Any], services: Services) -> None:
    """Give the application its services, and the services the bot to tell people with."""
    application.bot_data[SERVICES_KEY] = services
    services.connect(TelegramNotifier(application.bot))


def rate_limiter() -> ChatScopedRateLimiter:
    """The pace of every call to Telegram: its flood limits (30 messages a second, 20 a minute
    per group), and a 429 waited out and retried, holding back only the chat it concerns.

    A vote's answer (answerCallbackQuery names no chat) waits for no chat's limit; the group's
    live messages are paced before they get here (:mod:`meetings.live_edits`).
    """
    return ChatScopedRateLimiter(max_retries=3)


def build_application(
    services: Services | None,
    *,
    bot: ExtBot[None] | None = None,
    token: str | None = None,
    base_url: str | None = None,
) -> ScrutinApplication:
    """The Application for a real token, or around a ready ``bot`` (offline, tests; such a
    bot brings its own rate limiter, if any: see :func:`rate_limiter`).

    ``services`` may be None when they must be opened inside the Application's own event
    loop (``scrutin run``): the caller then attaches them before ``start_up``.
    """
    builder = (
        ApplicationBuilder()
        .context_types(ContextTypes(context=ScrutinContext))
        .application_class(ScrutinApplication)
        .update_queue(InboxQueue())
        .concurrent_updates(PersonOrder())
    )
    if bot is not None:
        builder = builder.bot(bot)
    else:
        if token is None:
            raise ValueError("a token or a bot is needed")
        builder = builder.token(token)
        if base_url:
            root = base_url.rstrip("/")
            builder = builder.base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
        # PTB types the limiter's per-call data loosely; AIORateLimiter is its own.
        builder = builder.rate_limiter(rate_limiter())  # type: ignore[arg-type]
        builder = builder.defaults(Defaults(tzinfo=PARIS))
    application = builder.post_init(start_up).build()
    assert isinstance(application, ScrutinApplication)
    application.bot_data[COMMANDS_KEY] = TABLE
    if services is not None:
        attach(application, services)
    application.add_handler(form_steps(TABLE), group=FORM_STEPS_GROUP)
    for handler in telegram_handlers(TABLE):
        application.add_handler(handler)
    application.add_error_handler(on_error)
    return application
