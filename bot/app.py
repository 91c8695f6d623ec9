"""Builds the Telegram ``Application``: handlers, commands menu, error handler, jobs.

One function, :func:`build_application`, serves ``scrutin run`` (a real bot),
``scrutin demo`` and the tests (an offline bot that records its requests).
"""

from __future__ import annotations

import logging
import re
import warnings
from datetime import timedelta
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    Defaults,
    ExtBot,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.callbacks import FORM_PATTERN, VOTE_PATTERN
from bot.handlers import ballots, meetings, minutes, onboarding
from bot.handlers.common import Context
from bot.identity import identify, user_id_of
from bot.reminding import plan_standing_reminders, reminders_job
from bot.services import SERVICES_KEY, Services, services_of
from meetings.wording.formats import PARIS
from meetings.wording.i18n import N_, translator

log = logging.getLogger(__name__)

CLOSING_CHECK_INTERVAL = timedelta(seconds=30)
REMINDER_CHECK_INTERVAL = timedelta(seconds=60)

# (French name, English alias, description) — the English alias is what English menus show.
PUBLIC_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("moi", "me", N_("Who you are for the bot")),
    ("vote", "vote", N_("Your open ballot papers")),
    ("reunions", "meetings", N_("Coming meetings")),
    ("arrivee", "arrive", N_("Check in at the session")),
    ("depart", "leave", N_("Leave the session")),
    ("resultats", "results", N_("The latest results")),
    ("pv", "minutes", N_("Minutes of a meeting (PDF)")),
    ("pouvoir", "proxy", N_("Give or revoke your proxy")),
    ("langue", "language", N_("Language of the messages")),
    ("aide", "help", N_("Help")),
)
COORDINATOR_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("planifier", "plan", N_("Plan a meeting")),
    ("convoquer", "convene", N_("Send a meeting's convocation")),
    ("presences", "attendance", N_("Replies and attendance of a meeting")),
    ("ouvrir", "open", N_("Open a meeting's session")),
    ("lever", "adjourn", N_("Close the session")),
    ("scrutin", "ballot", N_("Open a ballot")),
    ("clore", "close", N_("Close a ballot and publish its result")),
    ("inviter", "invite", N_("Invitation link for a representative")),
    ("lier", "link", N_("Post announcements in this group")),
)


def _menu(entries: tuple[tuple[str, str, str], ...], language: str) -> list[BotCommand]:
    _ = translator(language)
    return [
        BotCommand(french if language == "fr" else english, _(description))
        for french, english, description in entries
    ]


async def register_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The command menus: everyone's, and the coordinators' in their own private chats."""
    bot = application.bot
    services: Services = application.bot_data[SERVICES_KEY]
    await bot.set_my_commands(_menu(PUBLIC_COMMANDS, "fr"))
    await bot.set_my_commands(_menu(PUBLIC_COMMANDS, "en"), language_code="en")
    coordinator_chats = {
        user_id_of(person_id) for _g, person_id in await services.roster.coordinators()
    } | {
        user_id
        for groupement in services.governance.groupements.values()
        for user_id in groupement.groupement.coordinator_telegram_ids
    }
    for chat_id in sorted(c for c in coordinator_chats if c is not None):
        scope = BotCommandScopeChat(chat_id)
        try:
            await bot.set_my_commands(
                _menu(COORDINATOR_COMMANDS + PUBLIC_COMMANDS, "fr"), scope=scope
            )
            await bot.set_my_commands(
                _menu(COORDINATOR_COMMANDS + PUBLIC_COMMANDS, "en"), scope=scope, language_code="en"
            )
        except TelegramError as error:
            # A coordinator who never opened a chat with the bot cannot get a scoped menu yet.
            log.warning("no coordinator menu for chat %s: %s", chat_id, error)


async def on_error(update: object, context: Context) -> None:
    """Log the failure and tell the person something useful; never crash the bot."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    language = "fr"
    try:
        caller = await identify(update, services_of(context))
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
            await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        log.exception("could not tell the user about the error")


REPLY_ONLY = re.compile(r"^v1:r:")
HOLDER_ONLY = re.compile(r"^v1:h:")


def typed(callback: Any) -> MessageHandler[Any, Any]:
    """A form step answered by a typed message (commands are left to the fallbacks)."""
    return MessageHandler(filters.TEXT & ~filters.COMMAND, callback)


def _commands(french: str, english: str) -> list[str]:
    return [french] if french == english else [french, english]


def add_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    form_button = CallbackQueryHandler
    with warnings.catch_warnings():
        # The form mixes buttons and typed answers in one private chat, tracked per user;
        # PTB warns that buttons are then not tracked per message, which is what we want.
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        ballot_form = ConversationHandler(
            entry_points=[CommandHandler(_commands("scrutin", "ballot"), ballots.form_start)],
            states={
                ballots.CHOOSE_INSTANCE: [form_button(ballots.form_instance, pattern=FORM_PATTERN)],
                ballots.QUESTION: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND, ballots.form_question),
                    form_button(ballots.form_motion, pattern=FORM_PATTERN),
                ],
                ballots.KIND: [form_button(ballots.form_kind, pattern=FORM_PATTERN)],
                ballots.DEADLINE: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND, ballots.form_deadline_text),
                    form_button(ballots.form_no_deadline, pattern=FORM_PATTERN),
                ],
                ballots.CONFIRM: [form_button(ballots.form_confirm, pattern=FORM_PATTERN)],
            },
            fallbacks=[CommandHandler(_commands("annuler", "cancel"), ballots.form_cancel)],
            name="ballot_form",
        )
        meeting_form = ConversationHandler(
            entry_points=[CommandHandler(_commands("planifier", "plan"), meetings.plan_start)],
            states={
                meetings.P_INSTANCE: [form_button(meetings.plan_instance, pattern=FORM_PATTERN)],
                meetings.P_DATE: [typed(meetings.plan_date)],
                meetings.P_PLACE: [typed(meetings.plan_place)],
                meetings.P_LINK: [typed(meetings.plan_link)],
                meetings.P_AGENDA: [
                    typed(meetings.plan_agenda_item),
                    form_button(meetings.plan_agenda_done, pattern=FORM_PATTERN),
                ],
                meetings.P_CHAIR: [form_button(meetings.plan_chair, pattern=FORM_PATTERN)],
                meetings.P_CHAIR_NAME: [typed(meetings.plan_chair_name)],
                meetings.P_SECRETARY: [typed(meetings.plan_secretary)],
                meetings.P_CONFIRM: [form_button(meetings.plan_confirm, pattern=FORM_PATTERN)],
            },
            fallbacks=[CommandHandler(_commands("annuler", "cancel"), meetings.plan_cancel)],
            name="meeting_form",
        )
    application.add_handler(ballot_form)
    application.add_handler(meeting_form)
    routes = [
        ("start", "start", onboarding.start),
        ("aide", "help", onboarding.help_command),
        ("moi", "me", onboarding.me),
        ("langue", "language", onboarding.language),
        ("inviter", "invite", onboarding.invite),
        ("lier", "link", onboarding.link_chat),
        ("clore", "close", ballots.close_command),
        ("resultats", "results", ballots.results_command),
        ("vote", "vote", ballots.my_papers),
        ("pouvoir", "proxy", ballots.proxy_command),
        ("reunions", "meetings", meetings.list_meetings),
        ("convoquer", "convene", meetings.convene),
        ("presences", "attendance", meetings.attendance),
        ("reporter", "move", meetings.move),
        ("annuler_reunion", "cancel_meeting", meetings.cancel_meeting),
        ("reconvoquer", "reconvene", meetings.reconvene),
        ("ouvrir", "open", meetings.open_session),
        ("arrivee", "arrive", meetings.arrive),
        ("depart", "leave", meetings.leave),
        ("lever", "adjourn", meetings.close_session),
        ("pv", "minutes", minutes.minutes_command),
    ]
    for french, english, callback in routes:
        application.add_handler(CommandHandler(_commands(french, english), callback))
    application.add_handler(CallbackQueryHandler(ballots.vote_pressed, pattern=VOTE_PATTERN))
    application.add_handler(CallbackQueryHandler(meetings.reply_pressed, pattern=REPLY_ONLY))
    application.add_handler(CallbackQueryHandler(meetings.holder_pressed, pattern=HOLDER_ONLY))
    application.add_handler(CallbackQueryHandler(ballots.stray_button))
    application.add_error_handler(on_error)


async def start_up(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Runs once the bot is initialised: command menus, deadlines and reminders."""
    await register_commands(application)
    services: Services = application.bot_data[SERVICES_KEY]
    await plan_standing_reminders(services)
    if application.job_queue is not None:
        # The database is the source of truth: these jobs only look at what is due,
        # so a restart rebuilds the schedule by itself.
        application.job_queue.run_repeating(
            ballots.close_due_job,
            interval=CLOSING_CHECK_INTERVAL,
            first=1,
            name="close-due-ballots",
        )
        application.job_queue.run_repeating(
            reminders_job, interval=REMINDER_CHECK_INTERVAL, first=2, name="reminders"
        )


def build_application(
    services: Services | None,
    *,
    bot: ExtBot[None] | None = None,
    token: str | None = None,
    base_url: str | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The Application for a real token, or around a ready ``bot`` (offline, tests).

    ``services`` may be None when they must be opened inside the Application's own event
    loop (``scrutin run``): the caller then puts them in ``bot_data`` before ``start_up``.
    """
    builder = ApplicationBuilder()
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
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
        builder = builder.defaults(Defaults(tzinfo=PARIS))
    builder = builder.post_init(start_up)
    application = builder.build()
    if services is not None:
        application.bot_data[SERVICES_KEY] = services
    add_handlers(application)
    return application
