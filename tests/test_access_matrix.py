"""Every role × every command, generated from the command table (issue #10): each cell gets the
access the table declares, or the table's clear refusal, and never an error.

The expectation of a cell is read from the command's ``access`` and ``place``, so a command
added to the table is attacked too, with no test to write."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pytest

from bot.app import TABLE
from bot.commands import Access, Command, Place
from bot.harness import OfflineHarness
from meetings.wording.i18n import translator
from meetings.wording.refusals import REFUSALS
from meetings.wording.typography import plain
from tests.conftest import COORDINATOR, GROUP_CHAT, enrol, user

OTHER_GROUP = -1009000000009
STRANGER = user(7777, "Inconnu")
_ = translator("fr")
NOT_REGISTERED = plain(_(REFUSALS["not_registered"]))
NOT_COORDINATOR = plain(_(REFUSALS["not_coordinator"]))
GENERIC_ERROR = "Une erreur est survenue de notre côté"


@dataclass(frozen=True)
class Role:
    name: str
    known: bool
    coordinator: bool
    chat: int | None
    """None for the person's private chat."""

    @property
    def in_bound_group(self) -> bool:
        return self.chat == GROUP_CHAT


ROLES = [
    Role(f"{who} in {where}", known, coordinator, chat)
    for who, known, coordinator in [
        ("stranger", False, False),
        ("representative", True, False),
        ("coordinator", True, True),
    ]
    for where, chat in [
        ("private", None),
        ("bound group", GROUP_CHAT),
        ("other group", OTHER_GROUP),
    ]
]


def expected_refusal(command: Command, role: Role) -> str | None:
    """What the table says this role gets for this command: a refusal's text, or None."""
    access = command.access
    if access is Access.KNOWN_OR_GROUP and not role.known and not role.in_bound_group:
        return NOT_REGISTERED
    if access in (Access.KNOWN, Access.COORDINATOR) and not role.known:
        return NOT_REGISTERED
    if access is Access.COORDINATOR and not role.coordinator:
        return NOT_COORDINATOR
    private = role.chat is None
    if (command.place is Place.PRIVATE and not private) or (
        command.place is Place.GROUP and private
    ):
        assert command.wrong_place is not None
        return plain(_(command.wrong_place))
    return None


async def person_for(harness: OfflineHarness, role: Role) -> dict[str, Any]:
    await harness.say(COORDINATOR, "/lier ent-grand-est cogouv", chat_id=GROUP_CHAT)
    if role.coordinator:
        return COORDINATOR
    if role.known:
        return await enrol(harness, "meuse")
    return STRANGER


def texts_to(harness: OfflineHarness, chat: int) -> list[str]:
    return [plain(m.get("text") or m.get("caption") or "") for m in harness.messages_to(chat)]


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.name)
async def test_each_command_gives_each_role_its_access_or_a_clear_refusal(
    harness: OfflineHarness, caplog: pytest.LogCaptureFixture, role: Role
) -> None:
    person = await person_for(harness, role)
    chat = role.chat or person["id"]
    caplog.set_level(logging.ERROR)
    cells = 0
    for command in TABLE.commands:
        for name in command.names:
            before = len(texts_to(harness, chat))
            await harness.say(person, f"/{name}", chat_id=role.chat)
            answers = texts_to(harness, chat)[before:]
            refusal = expected_refusal(command, role)
            cell = f"/{name} for {role.name}: {answers}"
            if refusal is not None:
                assert answers == [refusal], cell
            else:
                assert NOT_REGISTERED not in answers and NOT_COORDINATOR not in answers, cell
            assert not any(GENERIC_ERROR in answer for answer in answers), cell
            await harness.say(person, "/annuler", chat_id=role.chat)
            cells += 1
    assert cells >= 2 * len(TABLE.commands) - 10
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
