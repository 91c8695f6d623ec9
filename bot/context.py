"""The context every handler receives: PTB's, plus the services and the person asking.

``Application`` is built with ``ContextTypes(context=ScrutinContext)``; the guard of each
command (:mod:`bot.commands`) identifies the caller once and puts it on the context. PTB
builds one context per update: the forms an update reads and changes are kept on it
(:attr:`ScrutinContext.forms`), while the database keeps them between updates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.form_store import FormStore
from meetings.actions.actor import Actor, identify
from meetings.services import Services

SERVICES_KEY = "scrutin.services"
COMMANDS_KEY = "scrutin.commands"
FORMS_KEY = "scrutin.forms"


def person_id_of(user_id: int) -> str:
    return f"tg:{user_id}"


def user_id_of(person_id: str) -> int | None:
    """The Telegram user id (also its private chat id) behind a person id."""
    prefix, _, number = person_id.partition(":")
    return int(number) if prefix == "tg" and number.isdigit() else None


@dataclass
class FormInProgress:
    """A form as an update reads and changes it: the answers so far, and the step it is at."""

    form: object
    step: int
    version: int | None = None
    """The version read from the database, which the next save expects; None: not kept."""


class ScrutinContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self._caller: Actor | None = None
        self.forms: dict[str, FormInProgress] = {}
        """The forms this update reads and changes, by name, as loaded from the database."""

    @property
    def services(self) -> Services:
        services = self.application.bot_data[SERVICES_KEY]
        assert isinstance(services, Services)
        return services

    @property
    def form_store(self) -> FormStore:
        """Where the forms in progress are kept between a person's messages."""
        store = self.application.bot_data.get(FORMS_KEY)
        if not isinstance(store, FormStore):
            raise RuntimeError("the form store opens with the inbox, before any update")
        return store

    @property
    def caller(self) -> Actor:
        """The person asking; set by the command's guard before the handler runs."""
        if self._caller is None:
            raise RuntimeError("no caller: the handler was not registered through its guard")
        return self._caller

    async def identify(self, update: Update) -> Actor | None:
        user = update.effective_user
        if user is None:
            return None
        governance = self.services.governance
        self._caller = await identify(
            self.services,
            person_id_of(user.id),
            user.full_name,
            user.language_code,
            [g.id for g in governance.coordinated_by(user.id)],
        )
        return self._caller
