"""What the two forms (/planifier, /scrutin) share: the form kept in the database between a
person's messages, its buttons, and a checked press on one of them.

A form is saved at each step before its question is sent (:func:`ask`), so the answer finds it
whichever replica of the bot receives it, and after a restart too. It is kept as JSON, by
pydantic from the form's dataclass: no pickle, so a form saved by an older version of the bot
either reads as the same form or does not read at all, and is then dropped (the person is
told to start again). Confirming or cancelling deletes it; one left unfinished is forgotten
after :data:`bot.form_store.RETENTION`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import fields, is_dataclass
from typing import Any, TypeVar

from pydantic import TypeAdapter
from telegram import Update

from bot.context import FormInProgress, ScrutinContext
from bot.replies import alert, reply
from meetings.buttons import FormButton, decode_form
from meetings.notifier import Button, Keyboard
from meetings.texts import Typed, typed
from meetings.wording.refusals import refusal
from voting.refusal import Refused

F = TypeVar("F")
C = TypeVar("C")
V = TypeVar("V")

END = -1
"""The step a form's handler returns once the form is done: confirmed, cancelled or refused."""


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(kind: type[Any]) -> TypeAdapter[Any]:
    """Built once per form type: building one inspects every type the form holds."""
    if kind not in _ADAPTERS:
        _ADAPTERS[kind] = TypeAdapter(kind)
    return _ADAPTERS[kind]


def encoded(form: object) -> str:
    """The form as the JSON the database keeps."""
    return _adapter(type(form)).dump_json(form).decode()


def decoded(payload: str, kind: type[F]) -> F | None:
    """The form that ``payload`` holds; None if it no longer reads as a ``kind`` (saved by a
    version of the bot whose form had another shape). A field the form no longer has makes it
    unreadable too: reading it without would silently lose an answer."""
    try:
        form = _adapter(kind).validate_json(payload)
        kept = json.loads(payload)
    except ValueError:  # pydantic's ValidationError, or a dataclass refusing its values
        return None
    known = {field.name for field in fields(kind)} if is_dataclass(kind) else set()
    if not isinstance(form, kind) or not isinstance(kept, dict) or set(kept) - known:
        return None
    return form


def form_of(context: ScrutinContext, key: str, kind: type[F]) -> F | None:
    """The form a person is filling in, as this update loaded it."""
    found = context.forms.get(key)
    return found.form if found is not None and isinstance(found.form, kind) else None


async def keep(context: ScrutinContext, key: str, form: object, step: int) -> int:
    """Save ``form`` at ``step``: done before that step's question is sent, so that the
    answer, on whichever replica it lands, finds the form as it was asked."""
    kept = context.forms.get(key)
    version = await context.form_store.save(
        context.caller.person_id,
        key,
        step,
        encoded(form),
        read=kept.version if kept is not None else None,
    )
    context.forms[key] = FormInProgress(form, step, version)
    return step


async def ask(
    update: Update,
    context: ScrutinContext,
    key: str,
    form: object,
    step: int,
    text: str,
    keyboard: Keyboard | None = None,
) -> int:
    """Save the form at ``step``, then ask that step's question; the step."""
    await keep(context, key, form, step)
    await reply(update, text, keyboard)
    return step


async def drop(context: ScrutinContext, key: str) -> bool:
    """Forget the form; False if it was gone already (the same press handled meanwhile, on
    another replica): whoever drops it is the one who confirms it."""
    context.forms.pop(key, None)
    return await context.form_store.delete(context.caller.person_id, key)


@asynccontextmanager
async def confirming(context: ScrutinContext, key: str) -> AsyncIterator[None]:
    """Carry out the form's change inside: the form ends in the change's transaction, so a
    crash between the two loses neither. Raises :class:`FormGone` when the same press,
    handled on another replica, confirmed it first (this change is then rolled back). A
    refusal, or a change that commits nothing, ends the form all the same; a change that
    fails to commit leaves it, to be confirmed again."""
    context.forms.pop(key, None)
    person = context.caller.person_id
    with context.form_store.ended_with_next_commit(person, key) as ending:
        try:
            yield
        except Refused:
            await context.form_store.delete(person, key)
            raise
        if not ending.done:
            await context.form_store.delete(person, key)


CANCEL = "yes"
"""The value of a form's "Cancel" button."""


def button(label: str, field: str, value: str) -> Button:
    return Button(label, FormButton(field, value).encode())


async def pressed(
    update: Update,
    context: ScrutinContext,
    key: str,
    kind: type[F],
    field: str,
    read: Callable[[F, str], V | None],
) -> tuple[F, V] | None:
    """The form and what a press on its ``field`` button means; the buttons then go.

    ``read`` turns the button's value into its meaning, or None for a value no button of the
    form carries. Such a forged press, a press on another field's button, or a press once the
    form is gone is refused as stale, and the buttons stay so that the person can go on.
    """
    query = update.callback_query
    if query is None:
        return None
    code = decode_form(query.data)
    form = form_of(context, key, kind)
    meaning = None
    if code is not None and code.field == field and form is not None:
        meaning = read(form, code.value)
    if form is None or meaning is None:
        await alert(update, context.caller._("This button is no longer valid."))
        return None
    await query.answer()
    await query.edit_message_reply_markup(None)
    return form, meaning


def only(expected: str) -> Callable[[object, str], str | None]:
    """A single button whose press is the answer: its value is ``expected``, nothing else."""

    def read(form: object, value: str) -> str | None:
        return value if value == expected else None

    return read


def pick(value: str, choices: Sequence[C]) -> C | None:
    """The choice a button's value names by its position; None for a forged position."""
    canonical = value.isascii() and value.isdigit() and str(int(value)) == value
    return choices[int(value)] if canonical and int(value) < len(choices) else None


def is_cancel(update: Update, field: str) -> bool:
    """Whether the press is the form's "Cancel" button."""
    query = update.callback_query
    code = decode_form(query.data if query is not None else None)
    return code is not None and code.field == field and code.value == CANCEL


async def typed_or_told(
    update: Update,
    context: ScrutinContext,
    field: Typed,
    text: str | None,
    keyboard: Keyboard | None = None,
) -> str | None:
    """The typed ``text`` for ``field``, or None once the person is told why it is refused
    (empty, or longer than the field's limit, which the message gives)."""
    try:
        return typed(field, text)
    except Refused as refused:
        await reply(update, refusal(refused, context.caller.language), keyboard)
        return None
