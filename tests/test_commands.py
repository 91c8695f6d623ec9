"""The command table is the one list of commands: /aide, the menus and the routes all come from
it, and each command's guard says who may use it and where."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.app import TABLE
from bot.commands import Access, Place
from bot.harness import OfflineHarness
from meetings.actions.actor import identify
from tests.conftest import COORDINATOR, COORDINATOR_ID, GROUP_CHAT, enrol, user

STRANGER = user(4242, "Inconnu")


def listed_names(help_text: str) -> set[str]:
    return {match.group(1) for match in re.finditer(r"^/(\w+)", help_text, re.MULTILINE)}


async def help_for(harness: OfflineHarness, person: dict[str, Any]) -> str:
    await harness.say(person, "/aide")
    return str(harness.last_message_to(person["id"])["text"])


@pytest.mark.parametrize("role", ["stranger", "representative", "coordinator"])
async def test_help_lists_exactly_what_the_table_allows(harness: OfflineHarness, role: str) -> None:
    people = {
        "stranger": STRANGER,
        "representative": await enrol(harness, "meuse"),
        "coordinator": COORDINATOR,
    }
    person = people[role]
    actor = await identify(harness.services, f"tg:{person['id']}", "x", "fr")
    expected = {command.name for command in TABLE.listed_for(actor)}
    assert listed_names(await help_for(harness, person)) == expected
    # Each role sees more than the one before it, and only a coordinator the coordinators'.
    coordinating = {c.name for c in TABLE.commands if c.access is Access.COORDINATOR}
    assert bool(expected & coordinating) is (role == "coordinator")
    assert "aide" in expected and ("moi" in expected) is (role != "stranger")


async def test_help_in_english_names_the_english_commands(harness: OfflineHarness) -> None:
    person = await enrol(harness, "meuse")
    await harness.say(person, "/language en")
    names = listed_names(await help_for(harness, person))
    assert {"me", "vote", "results", "help"} <= names
    assert "moi" not in names


async def test_every_command_of_the_table_is_answered(harness: OfflineHarness) -> None:
    """A command in the table reaches its handler (or its guard), in both languages."""
    for command in TABLE.commands:
        for name in command.names:
            before = len(harness.request.calls)
            await harness.say(COORDINATOR, f"/{name}")
            answered = [
                c
                for c in harness.request.calls[before:]
                if c.method in ("sendMessage", "sendDocument")
            ]
            assert answered, name
            # Leave any form the command started, so the next command is seen as a command.
            await harness.say(COORDINATOR, "/annuler")


async def test_the_menus_come_from_the_table(harness: OfflineHarness) -> None:
    calls = harness.request.calls_to("setMyCommands")
    everyone = next(c for c in calls if "scope" not in c.params and "language_code" not in c.params)
    shown = [entry["command"] for entry in everyone.params["commands"]]
    assert shown == [
        c.name for c in TABLE.commands if c.listed and c.access is not Access.COORDINATOR
    ]


async def test_the_guard_refuses_before_the_handler(harness: OfflineHarness) -> None:
    person = await enrol(harness, "meuse")
    await harness.say(person, "/convoquer 1")
    assert harness.last_message_to(person["id"])["text"] == "Seul un coordonnateur peut faire cela."
    await harness.say(STRANGER, "/moi")
    assert harness.last_message_to(STRANGER["id"])["text"].startswith(
        "Aucun mandat n'est encore enregistré"
    )
    private_only = [c for c in TABLE.commands if c.place is Place.PRIVATE]
    register = {
        "adhesion",
        "certificat",
        "derogation",
        "notification",
        "retrait",
        "decision_retrait",
    }
    assert {c.name for c in private_only} == {
        "planifier",
        "scrutin",
        "inviter",
        "pv",
        "extrait",
        "signer",
        "secretaire",
        "recu",
        "designation",
        "fin_mandat",
        "archive",
        "document",
        "documents",
        "pv_signe",
    } | register
    await harness.say(COORDINATOR, "/scrutin", chat_id=GROUP_CHAT)
    assert harness.last_message_to(GROUP_CHAT)["text"] == (
        "Ouvrez les scrutins dans votre conversation privée avec le bot."
    )
    await harness.say(COORDINATOR, "/lier ent-grand-est")
    assert harness.last_message_to(COORDINATOR_ID)["text"].startswith("Utilisez /lier")


def test_every_command_is_named_once() -> None:
    names = [name for command in TABLE.commands for name in command.names]
    assert len(names) == len(set(names))
