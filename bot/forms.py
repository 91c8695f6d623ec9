"""What the two forms (/planifier, /scrutin) share: the form kept in the person's
``user_data``, its buttons, and a checked press on one of them.

A form lives in memory until it is confirmed: nothing is written before, so a restart only
loses a half-filled form, which /planifier or /scrutin starts again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from telegram import Update

from bot.context import ScrutinContext
from bot.replies import alert, reply
from meetings.buttons import FormButton, decode_form
from meetings.notifier import Button, Keyboard
from meetings.texts import Typed, typed
from meetings.wording.refusals import refusal
from voting.refusal import Refused

F = TypeVar("F")
C = TypeVar("C")
V = TypeVar("V")


def form_of(context: ScrutinContext, key: str, kind: type[F]) -> F | None:
    """The form a person is filling in, kept in their ``user_data`` under ``key``."""
    data: dict[Any, Any] = context.user_data if context.user_data is not None else {}
    form = data.get(key)
    return form if isinstance(form, kind) else None


def keep(context: ScrutinContext, key: str, form: object) -> None:
    assert context.user_data is not None
    context.user_data[key] = form


def drop(context: ScrutinContext, key: str) -> None:
    if context.user_data is not None:
        context.user_data.pop(key, None)


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
