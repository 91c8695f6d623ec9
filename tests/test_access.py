"""Who may use which command, where: generated from the command table, checked through the
real Application, and checked against the README's table and its rule for a person with no
binding, so that the three cannot disagree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.app import TABLE
from bot.commands import Access, Command, Place
from bot.harness import OfflineHarness
from meetings.actions.ballot_close import close_ballot
from meetings.actions.ballot_open import open_ballot
from meetings.wording.typography import plain
from tests.acting import coordinator
from tests.conftest import COORDINATOR, COORDINATOR_ID, GROUP_CHAT, GROUPEMENT, user

README = Path(__file__).resolve().parents[1] / "README.md"
STRANGER = user(4242, "Inconnu")
UNBOUND_GROUP = -1009999999999
OTHER = "equipements-numeriques"
NOT_REGISTERED = "Aucun mandat n'est encore enregistré pour vous."


def open_to_strangers(command: Command, where: str) -> bool:
    """What the table says a person with no binding may use, in each kind of chat."""
    if command.access is Access.ANYONE:
        return command.place is not Place.GROUP or where != "private"
    return command.access is Access.KNOWN_OR_GROUP and where == "bound group"


@pytest.mark.parametrize("where", ["private", "bound group", "unbound group"])
async def test_a_person_with_no_binding_gets_exactly_what_the_table_allows(
    harness: OfflineHarness, where: str
) -> None:
    await harness.say(COORDINATOR, f"/lier {GROUPEMENT}", chat_id=GROUP_CHAT)
    chat = {"private": None, "bound group": GROUP_CHAT, "unbound group": UNBOUND_GROUP}[where]
    reads = STRANGER["id"] if chat is None else chat
    for command in TABLE.commands:
        for name in command.names:
            before = len(harness.messages_to(reads))
            await harness.say(STRANGER, f"/{name}", chat_id=chat)
            answers = [str(m.get("text", "")) for m in harness.messages_to(reads)[before:]]
            refused = any(text.startswith(NOT_REGISTERED) for text in answers)
            assert refused is not open_to_strangers(command, where), (where, name, answers)


def readme_rows() -> dict[str, str]:
    """Command name (French and English) -> the README's "who" cell."""
    rows: dict[str, str] = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        # An escaped "\|" (``fr\|en``) stays inside its cell.
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) < 3 or not cells[0].startswith("`/"):
            continue
        for name in re.findall(r"`/(\w+)", cells[0]):
            rows[name] = cells[1]
    return rows


def access_of(who: str) -> tuple[Access, Place]:
    place = (
        Place.PRIVATE
        if who.endswith("private chat")
        else Place.GROUP
        if who.endswith("in a group")
        else Place.ANY
    )
    if who.startswith("coordinator"):
        return Access.COORDINATOR, place
    if who == "anyone":
        return Access.ANYONE, place
    if who == "known, or anyone in a bound group":
        return Access.KNOWN_OR_GROUP, place
    assert who.split(",")[0] in {"known", "representative", "member for itself"}, who
    return Access.KNOWN, place


def test_the_readme_table_says_what_the_command_table_does() -> None:
    rows = readme_rows()
    for command in TABLE.commands:
        for name in command.names:
            assert name in rows, f"/{name} is missing from the README's table"
            assert access_of(rows[name]) == (command.access, command.place), name


def test_the_readme_names_what_a_person_with_no_binding_may_use() -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())
    rule = re.search(r"A person with no binding can only use (.*?)\. Every other", text)
    assert rule is not None
    anywhere, _, in_group = rule.group(1).partition("in a group bound to a groupement")
    assert set(re.findall(r"`/(\w+)`", anywhere)) == {
        c.name for c in TABLE.commands if c.access is Access.ANYONE
    }
    assert set(re.findall(r"`/(\w+)`", in_group)) == {
        c.name for c in TABLE.commands if c.access is Access.KNOWN_OR_GROUP
    }


def result_numbers(harness: OfflineHarness, chat_id: int, since: int) -> set[int]:
    texts = [str(m.get("text", "")) for m in harness.messages_to(chat_id)[since:]]
    return {int(n) for text in texts for n in re.findall(r"Résultat du scrutin n° (\d+)", text)}


async def test_results_in_a_group_are_only_those_the_group_receives(
    harness: OfflineHarness,
) -> None:
    services = harness.services
    await services.roster.add_coordinator(
        OTHER, f"tg:{COORDINATOR_ID}", "Claire Test", added_by="tests"
    )
    await harness.say(COORDINATOR, f"/lier {GROUPEMENT} cogouv", chat_id=GROUP_CHAT)
    actor = await coordinator(services)
    ids = {}
    for groupement, instance in ((GROUPEMENT, "cogouv"), (GROUPEMENT, "ag"), (OTHER, "ag")):
        opened = await open_ballot(
            services, actor, groupement, instance, f"{groupement} {instance}"
        )
        await close_ballot(services, actor, opened.ballot.id)
        ids[groupement, instance] = opened.ballot.id

    # In the group, whoever asks: the COGOUV's result only, the one the group received.
    for person in (COORDINATOR, STRANGER):
        since = len(harness.messages_to(GROUP_CHAT))
        await harness.say(person, "/resultats", chat_id=GROUP_CHAT)
        assert result_numbers(harness, GROUP_CHAT, since) == {ids[GROUPEMENT, "cogouv"]}
    await harness.say(COORDINATOR, f"/resultats {ids[OTHER, 'ag']}", chat_id=GROUP_CHAT)
    assert harness.last_message_to(GROUP_CHAT)["text"] == "Aucun résultat pour l'instant."
    # In her private chat, the coordinator has all of hers.
    since = len(harness.messages_to(COORDINATOR_ID))
    await harness.say(COORDINATOR, "/resultats")
    assert result_numbers(harness, COORDINATOR_ID, since) == set(ids.values())
    # A group bound to nothing shows nothing, even to a coordinator.
    await harness.say(COORDINATOR, "/resultats", chat_id=UNBOUND_GROUP)
    assert plain(harness.last_message_to(UNBOUND_GROUP)["text"]) == (
        "Ce groupe n'est lié à aucun groupement : demandez les résultats dans votre "
        "conversation privée avec le bot."
    )
