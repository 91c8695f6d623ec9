"""Routes a person's message or press to the step their form in progress is at, as the database
keeps it.

PTB's ``ConversationHandler`` keeps each conversation's step in the memory of one process: an
answer that reaches another replica of the bot, or the same one after a restart, would find no
form. :class:`FormSteps` reads the step from the database (:mod:`bot.form_store`) instead, and
otherwise routes as a ``ConversationHandler`` did: in a private chat, the handlers of the
form's current step, then its /annuler; the forms in the order of the command table.

PTB picks a handler without awaiting, so it cannot look the step up before choosing. The
router therefore runs in a group of its own, before every other handler
(:data:`FORM_STEPS_GROUP`): it takes any update that could answer a form, and once a form took
it, stops the other groups; with no form in progress the update goes on to them (a stray
/annuler, a stale button).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Chat, Update
from telegram.ext import Application, ApplicationHandlerStop, BaseHandler

from bot.context import FormInProgress, ScrutinContext, person_id_of
from bot.form_store import FormChanged, SavedForm
from bot.forms import END, decoded, encoded
from bot.replies import alert, reply
from meetings.wording.i18n import Translator, translator

log = logging.getLogger(__name__)

FORM_STEPS_GROUP = -1
"""Before the handlers of group 0, PTB's default: the commands and the stray buttons."""

StepHandler = BaseHandler[Update, ScrutinContext, Any]


@dataclass(frozen=True)
class FormRoute:
    """One form as the router sees it."""

    name: str
    kind: type[Any]
    """The dataclass its answers are kept in."""
    states: Mapping[int, Sequence[StepHandler]]
    fallbacks: Sequence[StepHandler]
    """/annuler, at any step."""
    restart: Callable[[str], str]
    """The command that starts the form again, as a person of that language types it."""

    @property
    def handlers(self) -> list[StepHandler]:
        return [h for steps in self.states.values() for h in steps] + list(self.fallbacks)

    def taker(self, step: int, update: Update) -> tuple[StepHandler, object] | None:
        """The handler of ``step`` (or /annuler) that takes the update, and what it matched."""
        for handler in (*self.states.get(step, ()), *self.fallbacks):
            check = handler.check_update(update)
            if check is not None and check is not False:
                return handler, check
        return None


def _private(update: object) -> Update | None:
    if not isinstance(update, Update) or update.effective_user is None:
        return None
    chat = update.effective_chat
    return update if chat is not None and chat.type == Chat.PRIVATE else None


class FormSteps(BaseHandler[Update, ScrutinContext, None]):
    def __init__(self, routes: Sequence[FormRoute]) -> None:
        super().__init__(self._never_called)
        self.routes = tuple(routes)

    @staticmethod
    async def _never_called(update: Update, context: ScrutinContext) -> None:
        raise AssertionError("FormSteps routes each update itself")

    def check_update(self, update: object) -> bool:
        """Whether the update could answer a form: in a private chat, something one of the
        forms' steps takes. Whether a form is in progress is known only in the database."""
        candidate = _private(update)
        if candidate is None:
            return False
        for route in self.routes:
            for handler in route.handlers:
                check = handler.check_update(candidate)
                if check is not None and check is not False:
                    return True
        return False

    async def handle_update(
        self,
        update: Update,
        application: Application[Any, Any, Any, Any, Any, Any],
        check_result: object,
        context: ScrutinContext,
    ) -> None:
        assert update.effective_user is not None
        person_id = person_id_of(update.effective_user.id)
        saved = await context.form_store.of_person(person_id)
        for route in self.routes:
            kept = saved.get(route.name)
            if kept is not None and await _took(update, application, context, route, kept):
                # The form answered it: the other handlers must not answer it too.
                raise ApplicationHandlerStop


async def _took(
    update: Update,
    application: Application[Any, Any, Any, Any, Any, Any],
    context: ScrutinContext,
    route: FormRoute,
    kept: SavedForm,
) -> bool:
    """Hand the update to the step the form is at; False if that step does not take it."""
    assert update.effective_user is not None
    person_id = person_id_of(update.effective_user.id)
    if kept.step not in route.states:
        await _lost(update, context, person_id, route)
        return True
    taker = route.taker(kept.step, update)
    if taker is None:
        return False
    form = decoded(kept.payload, route.kind)
    if form is None:
        await _lost(update, context, person_id, route)
        return True
    context.forms[route.name] = FormInProgress(form, kept.step, kept.version)
    handler, check = taker
    try:
        step = await handler.handle_update(update, application, check, context)
    except FormChanged:
        await _crossed(update, context)
        return True
    except Exception as error:
        # Reported as PTB reports a handler's error; the update must not go on to the other
        # groups' handlers, as PTB would let it after an error.
        await application.process_error(update, error)
        return True
    await _settle(context, person_id, route.name, step)
    return True


async def _crossed(update: Update, context: ScrutinContext) -> None:
    """Two answers of one person handled at once, on two replicas: the first is kept, and
    this one is not acknowledged."""
    _language, _ = await _words_for(update, context)
    await _tell(
        update, _("This answer crossed your previous one, which was kept. Please send it again.")
    )


async def _lost(update: Update, context: ScrutinContext, person_id: str, route: FormRoute) -> None:
    """A form kept by a version of the bot whose form had another shape: dropped, and said."""
    await context.form_store.delete(person_id, route.name)
    language, _ = await _words_for(update, context)
    text = _(
        "The form you were filling in could not be resumed after an update of the bot. "
        "Please start again with {command}."
    ).format(command=route.restart(language))
    await _tell(update, text)


async def _words_for(update: Update, context: ScrutinContext) -> tuple[str, Translator]:
    """The language of the person who sent the update (French for a stranger), and its words."""
    caller = await context.identify(update)
    language = caller.language if caller is not None else "fr"
    return language, translator(language)


async def _tell(update: Update, text: str) -> None:
    """An alert on the button pressed, or a reply to the message sent."""
    if update.callback_query is not None:
        await alert(update, text)
    else:
        await reply(update, text)


async def _settle(context: ScrutinContext, person_id: str, name: str, step: object) -> None:
    """After a step: a finished form is gone; a form at a new step is saved at it.

    The handlers save the form before they ask the next question (:func:`bot.forms.ask`), and
    drop it when it is done; this catches a path that did not, such as a guard's refusal.
    """
    kept = context.forms.get(name)
    if step == END:
        if kept is not None:
            context.forms.pop(name)
            await context.form_store.delete(person_id, name)
    elif isinstance(step, int) and kept is not None and kept.step != step:
        log.warning("form %s reached step %s without being saved at it", name, step)
        await context.form_store.save(person_id, name, step, encoded(kept.form), kept.version)
        kept.step = step
