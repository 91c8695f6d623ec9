"""Getting people in, through the real Application: /start, /inviter, /lier, /moi, /langue,
/aide, their English aliases, the command menus, Telegram failures and forged buttons.

Every update goes through ``Application.process_update`` with the offline bot; assertions
are on what a person reads (French by default) and on what the database holds.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import Forbidden

from bot.harness import OfflineHarness
from bot.offline import RecordedCall
from meetings.chats import ChatBinding
from meetings.roster import Role, Seat
from meetings.services import Services
from meetings.wording.formats import moment as format_moment
from meetings.wording.typography import plain
from tests.clock import FakeClock
from tests.conftest import (
    COORDINATOR,
    COORDINATOR_ID,
    GROUP_CHAT,
    GROUPEMENT,
    enrol,
    invitation_token,
    representative,
    user,
)

GROUPEMENT_NAME = "Groupement de commandes ENT Grand Est"
NOT_REGISTERED = "Aucun mandat n'est encore enregistré pour vous."
ONLY_COORDINATOR = "Seul un coordonnateur peut faire cela."
INVITE_USAGE = "Utilisation : /inviter MEMBRE [suppléant], par exemple /inviter meuse suppléant"
LINK_USAGE = "Utilisation : /lier GROUPEMENT [INSTANCE], par exemple /lier ent-grand-est cogouv"
BUTTON_NOT_VALID = "Ce bouton n'est pas valable."


def person_id(person: dict[str, Any]) -> str:
    return f"tg:{person['id']}"


def last_text(harness: OfflineHarness, chat_id: int) -> str:
    return str(harness.last_message_to(chat_id)["text"])


def texts_to(harness: OfflineHarness, chat_id: int) -> list[str]:
    return [str(message["text"]) for message in harness.messages_to(chat_id)]


async def invitation(harness: OfflineHarness, arguments: str) -> str:
    """The coordinator's /inviter answer (the whole text, deep link included)."""
    await harness.say(COORDINATOR, f"/inviter {arguments}")
    return last_text(harness, COORDINATOR_ID)


async def invitation_rows(services: Services) -> list[tuple[str, str, str, str | None]]:
    cursor = await services.database.connection.execute(
        "SELECT member_id, role, created_by, used_by FROM invitations "
        "ORDER BY created_at_utc, member_id, role"
    )
    return [(row[0], row[1], row[2], row[3]) for row in await cursor.fetchall()]


# --- /start -------------------------------------------------------------------------


async def test_start_without_a_token_welcomes_and_lists_the_commands(
    harness: OfflineHarness,
) -> None:
    stranger = user(3001, "Inconnu")
    await harness.say(stranger, "/start")
    welcome, help_text = texts_to(harness, 3001)
    assert welcome == (
        "Bienvenue sur Scrutin, l'assistant de vote de votre groupement de commandes."
    )
    # Someone the bot does not know is told how to get in, not the whole list.
    assert help_text.startswith(
        "Pour participer, ouvrez le lien d'invitation envoyé par votre coordonnateur."
    )
    assert "/aide — cette aide" in help_text
    assert "/inviter" not in help_text
    assert await harness.services.roster.seats_of("tg:3001") == []


async def test_start_without_a_token_gives_a_known_representative_the_full_help(
    harness: OfflineHarness,
) -> None:
    person = await enrol(harness, "meuse")
    await harness.say(person, "/start")
    welcome, help_text = texts_to(harness, person["id"])[-2:]
    assert welcome.startswith("Bienvenue sur Scrutin")
    assert help_text.startswith("Commandes :")
    assert "/moi — vos mandats et rôles" in help_text
    assert "/vote — recevoir de nouveau vos bulletins en cours" in help_text
    assert "Pour participer" not in help_text


async def test_a_valid_token_binds_the_seat(harness: OfflineHarness) -> None:
    text = await invitation(harness, "meuse")
    token = invitation_token(text)
    person = representative("meuse")

    await harness.say(person, f"/start {token}")

    assert last_text(harness, person["id"]) == (
        "Bienvenue ! Mandat enregistré : titulaire — Département de la Meuse, "
        f"{GROUPEMENT_NAME}.\n"
        "Vos convocations et vos bulletins de vote arriveront ici, dans cette conversation privée."
    )
    assert await harness.services.roster.seats_of(person_id(person)) == [
        Seat(GROUPEMENT, "meuse", person_id(person), Role.TITULAIRE)
    ]
    assert await invitation_rows(harness.services) == [
        ("meuse", "titulaire", f"tg:{COORDINATOR_ID}", person_id(person))
    ]
    stored = await harness.services.roster.person(person_id(person))
    assert stored is not None
    assert stored.display_name == "Meuse Test"
    assert stored.client_language == "fr"

    await harness.say(person, "/moi")
    assert last_text(harness, person["id"]) == (
        f"Vous êtes Meuse Test.\n\n{GROUPEMENT_NAME}\n• titulaire — Département de la Meuse"
    )


async def test_a_token_serves_once_only(harness: OfflineHarness) -> None:
    token = invitation_token(await invitation(harness, "meuse"))
    first = representative("meuse")
    intruder = user(3002, "Intrus")
    await harness.say(first, f"/start {token}")

    await harness.say(intruder, f"/start {token}")

    assert last_text(harness, 3002) == (
        "Ce lien d'invitation a déjà servi. Demandez-en un nouveau au coordonnateur."
    )
    assert await harness.services.roster.seats_of("tg:3002") == []
    assert await harness.services.roster.representatives_of(GROUPEMENT, "meuse") == [
        Seat(GROUPEMENT, "meuse", person_id(first), Role.TITULAIRE)
    ]
    await harness.say(intruder, "/moi")
    assert last_text(harness, 3002).startswith(NOT_REGISTERED)


async def test_an_expired_token_is_refused_and_binds_nothing(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    token = invitation_token(await invitation(harness, "meuse"))
    clock.advance(timedelta(days=7, minutes=1))
    person = representative("meuse")

    await harness.say(person, f"/start {token}")

    assert last_text(harness, person["id"]) == (
        "Ce lien d'invitation a expiré. Demandez-en un nouveau au coordonnateur."
    )
    assert await harness.services.roster.seats_of(person_id(person)) == []
    assert await harness.services.roster.representatives_of(GROUPEMENT, "meuse") == []
    # Refused, the link was not spent: the row still shows no one used it.
    assert await invitation_rows(harness.services) == [
        ("meuse", "titulaire", f"tg:{COORDINATOR_ID}", None)
    ]


async def test_an_unknown_token_is_refused(harness: OfflineHarness) -> None:
    person = representative("meuse")
    await harness.say(person, "/start AbCdEf0123456789xyz_-")
    assert last_text(harness, person["id"]) == (
        "Ce lien d'invitation n'est pas valable. Vérifiez que vous avez ouvert le lien en entier."
    )
    assert await harness.services.roster.seats_of(person_id(person)) == []


async def test_a_truncated_token_is_refused(harness: OfflineHarness) -> None:
    token = invitation_token(await invitation(harness, "meuse"))
    person = representative("meuse")
    await harness.say(person, f"/start {token[:-3]}")
    assert last_text(harness, person["id"]).startswith("Ce lien d'invitation n'est pas valable.")
    # The real link still works afterwards.
    await harness.say(person, f"/start {token}")
    assert len(await harness.services.roster.seats_of(person_id(person))) == 1


async def test_a_substitute_is_invited_and_bound_beside_the_titular(
    harness: OfflineHarness,
) -> None:
    titular = await enrol(harness, "meuse")
    text = await invitation(harness, "meuse suppleant")
    assert text.startswith(
        f"Lien d'invitation (suppléant) — Département de la Meuse, {GROUPEMENT_NAME} :"
    )
    substitute = user(3003, "Sophie")

    await harness.say(substitute, f"/start {invitation_token(text)}")

    assert "Mandat enregistré : suppléant — Département de la Meuse" in last_text(harness, 3003)
    assert await harness.services.roster.representatives_of(GROUPEMENT, "meuse") == [
        Seat(GROUPEMENT, "meuse", person_id(titular), Role.TITULAIRE),
        Seat(GROUPEMENT, "meuse", "tg:3003", Role.SUPPLEANT),
    ]
    await harness.say(substitute, "/moi")
    assert last_text(harness, 3003).endswith("• suppléant — Département de la Meuse")


@pytest.mark.parametrize("word", ["suppléant", "SUPPLEANT", "substitute"])
async def test_every_spelling_of_substitute_is_understood(
    harness: OfflineHarness, word: str
) -> None:
    text = await invitation(harness, f"meuse {word}")
    await harness.say(user(3004, "Sam"), f"/start {invitation_token(text)}")
    assert await harness.services.roster.seats_of("tg:3004") == [
        Seat(GROUPEMENT, "meuse", "tg:3004", Role.SUPPLEANT)
    ]


async def test_a_new_titular_replaces_the_old_one(harness: OfflineHarness) -> None:
    old = await enrol(harness, "meuse")
    new = await enrol(harness, "meuse", user(3005, "Nouveau"))

    assert await harness.services.roster.seats_of(person_id(old)) == []
    assert await harness.services.roster.representatives_of(GROUPEMENT, "meuse") == [
        Seat(GROUPEMENT, "meuse", person_id(new), Role.TITULAIRE)
    ]
    await harness.say(old, "/moi")
    old_view = last_text(harness, old["id"])
    assert old_view.startswith(NOT_REGISTERED)
    assert "Meuse" not in old_view
    await harness.say(new, "/moi")
    assert last_text(harness, new["id"]).endswith("• titulaire — Département de la Meuse")


async def test_one_person_cannot_speak_for_two_members(harness: OfflineHarness) -> None:
    person = await enrol(harness, "meuse")
    await enrol(harness, "vosges", person)
    assert last_text(harness, person["id"]) == (
        "Vous représentez déjà ce membre dans ce groupement : Département de la Meuse. "
        "Une même personne ne peut pas parler pour deux membres ; adressez-vous au "
        "coordonnateur."
    )
    await harness.say(person, "/moi")
    assert last_text(harness, person["id"]).endswith("• titulaire — Département de la Meuse")
    # The refused link was not used: the right person can still take the seat.
    assert await harness.services.roster.representatives_of("ent-grand-est", "vosges") == []


async def test_a_new_invitation_voids_the_pending_one_for_the_same_seat(
    harness: OfflineHarness,
) -> None:
    first = invitation_token(await invitation(harness, "meuse"))
    second = invitation_token(await invitation(harness, "meuse"))
    await harness.say(user(3201, "Ancien"), f"/start {first}")
    assert last_text(harness, 3201).startswith("Ce lien d'invitation a expiré.")
    await harness.say(user(3202, "Nouveau"), f"/start {second}")
    assert last_text(harness, 3202).startswith("Bienvenue ! Mandat enregistré")


# --- /inviter -----------------------------------------------------------------------


async def test_the_invitation_is_a_deep_link_valid_seven_days(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    text = await invitation(harness, "meuse")
    token = invitation_token(text)
    assert text == (
        f"Lien d'invitation (titulaire) — Département de la Meuse, {GROUPEMENT_NAME} :\n"
        f"https://t.me/ScrutinBot?start={token}\n"
        "Usage unique ; valable jusqu'au mardi 22 décembre 2026 à 14 h 00. "
        "Ne l'envoyez qu'à cette personne."
    )
    assert plain(format_moment(clock.now + timedelta(days=7))) == "mardi 22 décembre 2026 à 14 h 00"
    # A link made later expires later: the date follows the clock.
    clock.advance(timedelta(days=1, hours=2, minutes=30))
    later = await invitation(harness, "meuse")
    assert "valable jusqu'au mercredi 23 décembre 2026 à 16 h 30." in later
    assert invitation_token(later) != token


async def test_a_member_can_be_named_with_its_groupement(harness: OfflineHarness) -> None:
    text = await invitation(harness, "ent-grand-est/Meuse")
    assert text.startswith("Lien d'invitation (titulaire) — Département de la Meuse")


async def test_an_unknown_person_cannot_invite(harness: OfflineHarness) -> None:
    stranger = user(3006, "Inconnu")
    await harness.say(stranger, "/inviter meuse")
    assert last_text(harness, 3006) == (
        "Aucun mandat n'est encore enregistré pour vous. "
        "Demandez un lien d'invitation au coordonnateur de votre groupement, puis ouvrez-le. "
        "/aide indique ce que vous pouvez faire."
    )
    assert await invitation_rows(harness.services) == []


async def test_a_representative_cannot_invite(harness: OfflineHarness) -> None:
    person = await enrol(harness, "meuse")
    await harness.say(person, "/inviter vosges")
    assert last_text(harness, person["id"]) == ONLY_COORDINATOR
    assert "t.me" not in last_text(harness, person["id"])
    # Only the invitation that enrolled them exists.
    assert len(await invitation_rows(harness.services)) == 1


@pytest.mark.parametrize(
    "arguments", ["", "meuse suppleant encore", "meuse président", "meuse titulaire x"]
)
async def test_invite_usage(harness: OfflineHarness, arguments: str) -> None:
    await harness.say(COORDINATOR, f"/inviter {arguments}".strip())
    assert last_text(harness, COORDINATOR_ID) == INVITE_USAGE
    assert await invitation_rows(harness.services) == []


@pytest.mark.parametrize("reference", ["paris", "autre-groupement/meuse", "ent-grand-est/"])
async def test_invite_an_unknown_member(harness: OfflineHarness, reference: str) -> None:
    await harness.say(COORDINATOR, f"/inviter {reference}")
    assert last_text(harness, COORDINATOR_ID) == (
        f"Membre inconnu : « {reference} ». Désignez-le par son identifiant, "
        "par exemple /inviter region-grand-est."
    )
    assert await invitation_rows(harness.services) == []


async def test_a_member_of_several_groupements_is_named_with_its_groupement(
    harness: OfflineHarness,
) -> None:
    for groupement in ("equipements-numeriques", "liaisons-internet"):
        await harness.services.roster.add_coordinator(
            groupement, f"tg:{COORDINATOR_ID}", "Claire Test", added_by="tests"
        )
    await harness.say(COORDINATOR, "/inviter meuse suppleant")
    assert plain(last_text(harness, COORDINATOR_ID)) == (
        "Plusieurs de vos groupements ont un membre « meuse ». Précisez lequel :\n"
        "/inviter ent-grand-est/meuse suppleant\n"
        "/inviter equipements-numeriques/meuse suppleant\n"
        "/inviter liaisons-internet/meuse suppleant"
    )
    await harness.say(COORDINATOR, "/inviter paris")
    assert plain(last_text(harness, COORDINATOR_ID)) == (
        "Membre inconnu : « paris ». Désignez-le par son identifiant, "
        "par exemple /inviter ent-grand-est/region-grand-est."
    )
    assert await invitation_rows(harness.services) == []
    text = await invitation(harness, "liaisons-internet/meuse suppleant")
    assert text.startswith("Lien d'invitation (suppléant) — Département de la Meuse")
    assert "liaisons internet" in text


async def test_titulaire_spelled_out_is_the_default_role(harness: OfflineHarness) -> None:
    text = await invitation(harness, "meuse titulaire")
    assert text.startswith("Lien d'invitation (titulaire) — Département de la Meuse")
    assert await invitation_rows(harness.services) == [
        ("meuse", "titulaire", f"tg:{COORDINATOR_ID}", None)
    ]


# --- /lier --------------------------------------------------------------------------


async def test_link_binds_a_group_to_the_groupement(harness: OfflineHarness) -> None:
    await harness.say(
        COORDINATOR, f"/lier {GROUPEMENT}", chat_id=GROUP_CHAT, chat_title="ENT Grand Est"
    )
    assert last_text(harness, GROUP_CHAT) == (
        f"Ce groupe reçoit désormais les annonces et résultats de : {GROUPEMENT_NAME}."
    )
    assert await harness.services.chats.binding(GROUP_CHAT) == ChatBinding(
        GROUP_CHAT, GROUPEMENT, None, "ENT Grand Est"
    )
    assert [b.chat_id for b in await harness.services.chats.groups_for(GROUPEMENT, "ag")] == [
        GROUP_CHAT
    ]


async def test_link_with_an_instance_and_the_bot_username(harness: OfflineHarness) -> None:
    await harness.say(
        COORDINATOR,
        "/lier@ScrutinBot ENT-Grand-Est COGOUV",
        chat_id=GROUP_CHAT,
        chat_title="COGOUV",
    )
    assert last_text(harness, GROUP_CHAT) == (
        "Ce groupe reçoit désormais les annonces et résultats de : "
        f"Comité de gouvernance, {GROUPEMENT_NAME}."
    )
    assert await harness.services.chats.binding(GROUP_CHAT) == ChatBinding(
        GROUP_CHAT, GROUPEMENT, "cogouv", "COGOUV"
    )
    assert await harness.services.chats.groups_for(GROUPEMENT, "ag") == []


async def test_linking_again_moves_the_group(harness: OfflineHarness) -> None:
    await harness.say(COORDINATOR, f"/lier {GROUPEMENT} cogouv", chat_id=GROUP_CHAT)
    await harness.say(COORDINATOR, f"/lier {GROUPEMENT} ag", chat_id=GROUP_CHAT)
    binding = await harness.services.chats.binding(GROUP_CHAT)
    assert binding is not None
    assert binding.instance_id == "ag"


async def test_link_with_an_unknown_instance(harness: OfflineHarness) -> None:
    await harness.say(COORDINATOR, f"/lier {GROUPEMENT} conseil", chat_id=GROUP_CHAT)
    assert last_text(harness, GROUP_CHAT) == "Instance inconnue : « conseil »."
    assert await harness.services.chats.binding(GROUP_CHAT) is None


async def test_link_with_an_unknown_groupement(harness: OfflineHarness) -> None:
    await harness.say(COORDINATOR, "/lier grand-ouest", chat_id=GROUP_CHAT)
    assert last_text(harness, GROUP_CHAT) == (
        "Vous ne coordonnez pas de groupement « grand-ouest »."
    )
    assert await harness.services.chats.binding(GROUP_CHAT) is None


async def test_link_to_a_groupement_someone_else_coordinates(harness: OfflineHarness) -> None:
    other = next(g for g in harness.services.governance.groupements if g != GROUPEMENT)
    await harness.say(COORDINATOR, f"/lier {other}", chat_id=GROUP_CHAT)
    assert last_text(harness, GROUP_CHAT) == f"Vous ne coordonnez pas de groupement « {other} »."
    assert await harness.services.chats.binding(GROUP_CHAT) is None


OTHER = "equipements-numeriques"
OTHER_NAME = "Groupement de commandes pour des équipements numériques"
OTHER_COORDINATOR = user(1002, "Olivier")
ENT_DEPUTY = user(1003, "Denis")


async def coordinators_of_both(harness: OfflineHarness) -> None:
    """Olivier coordinates the other groupement only, Denis the ENT only; Claire both."""
    roster = harness.services.roster
    await roster.add_coordinator(OTHER, "tg:1002", "Olivier Test", added_by="tests")
    await roster.add_coordinator(GROUPEMENT, "tg:1003", "Denis Test", added_by="tests")
    await roster.add_coordinator(OTHER, f"tg:{COORDINATOR_ID}", "Claire Test", added_by="tests")


async def test_a_coordinator_of_another_groupement_cannot_take_a_bound_group(
    harness: OfflineHarness,
) -> None:
    await coordinators_of_both(harness)
    await harness.say(COORDINATOR, f"/lier {GROUPEMENT}", chat_id=GROUP_CHAT, chat_title="ENT")
    before = len(harness.request.calls)
    await harness.say(OTHER_COORDINATOR, f"/lier {OTHER}", chat_id=GROUP_CHAT, chat_title="ENT")
    assert plain(last_text(harness, GROUP_CHAT)) == (
        f"Ce groupe reçoit les annonces et résultats de : {GROUPEMENT_NAME}. Seul un "
        f"coordonnateur de {GROUPEMENT_NAME} peut le lier ailleurs. Rien n'a été changé."
    )
    assert await harness.services.chats.binding(GROUP_CHAT) == ChatBinding(
        GROUP_CHAT, GROUPEMENT, None, "ENT"
    )
    # Nothing else was sent: only the group's answer.
    sent = [c for c in harness.request.calls[before:] if c.method == "sendMessage"]
    assert [c.params["chat_id"] for c in sent] == [GROUP_CHAT]
    # Nor with an instance of its own groupement.
    await harness.say(OTHER_COORDINATOR, f"/lier {OTHER} ag", chat_id=GROUP_CHAT)
    binding = await harness.services.chats.binding(GROUP_CHAT)
    assert binding is not None and binding.groupement_id == GROUPEMENT


async def test_rebinding_tells_the_group_and_the_coordinators_of_both_groupements(
    harness: OfflineHarness,
) -> None:
    await coordinators_of_both(harness)
    await harness.say(
        COORDINATOR, f"/lier {GROUPEMENT} cogouv", chat_id=GROUP_CHAT, chat_title="ENT"
    )
    # A first binding tells nobody else.
    assert not harness.messages_to(1002) and not harness.messages_to(1003)
    await harness.say(COORDINATOR, f"/lier {OTHER}", chat_id=GROUP_CHAT, chat_title="ENT")
    assert plain(last_text(harness, GROUP_CHAT)) == (
        f"Ce groupe reçoit désormais les annonces et résultats de : {OTHER_NAME}.\n"
        f"Il ne reçoit plus ceux de : Comité de gouvernance, {GROUPEMENT_NAME}."
    )
    notice = (
        f"Claire Test a lié le groupe « ENT » à : {OTHER_NAME}. Il ne reçoit plus les "
        f"annonces et résultats de : Comité de gouvernance, {GROUPEMENT_NAME}."
    )
    for person_id in (COORDINATOR_ID, 1002, 1003):
        assert plain(last_text(harness, person_id)) == notice, person_id
    binding = await harness.services.chats.binding(GROUP_CHAT)
    assert binding is not None and (binding.groupement_id, binding.instance_id) == (OTHER, None)
    # Bound the same way again: nothing changes, nobody is told again.
    counts = [len(harness.messages_to(p)) for p in (1002, 1003)]
    await harness.say(COORDINATOR, f"/lier {OTHER}", chat_id=GROUP_CHAT, chat_title="ENT")
    assert [len(harness.messages_to(p)) for p in (1002, 1003)] == counts


@pytest.mark.parametrize("arguments", ["", f" {GROUPEMENT} cogouv de-trop"])
async def test_link_usage(harness: OfflineHarness, arguments: str) -> None:
    await harness.say(COORDINATOR, f"/lier{arguments}", chat_id=GROUP_CHAT)
    assert last_text(harness, GROUP_CHAT) == LINK_USAGE
    assert await harness.services.chats.binding(GROUP_CHAT) is None


async def test_link_in_a_private_chat_is_refused(harness: OfflineHarness) -> None:
    await harness.say(COORDINATOR, f"/lier {GROUPEMENT}")
    assert last_text(harness, COORDINATOR_ID) == (
        "Utilisez /lier dans le groupe qui doit recevoir les annonces."
    )
    assert await harness.services.chats.binding(COORDINATOR_ID) is None


async def test_link_by_a_representative_is_refused(harness: OfflineHarness) -> None:
    person = await enrol(harness, "meuse")
    await harness.say(person, f"/lier {GROUPEMENT}", chat_id=GROUP_CHAT)
    assert last_text(harness, GROUP_CHAT) == ONLY_COORDINATOR
    assert await harness.services.chats.binding(GROUP_CHAT) is None


async def test_link_by_a_stranger_is_refused(harness: OfflineHarness) -> None:
    await harness.say(user(3007, "Inconnu"), f"/lier {GROUPEMENT}", chat_id=GROUP_CHAT)
    assert last_text(harness, GROUP_CHAT).startswith(NOT_REGISTERED)
    assert await harness.services.chats.binding(GROUP_CHAT) is None


# --- /moi ---------------------------------------------------------------------------


async def test_me_for_the_coordinator(harness: OfflineHarness) -> None:
    await harness.say(COORDINATOR, "/moi")
    assert last_text(harness, COORDINATOR_ID) == (
        f"Vous êtes Claire Test.\n\n{GROUPEMENT_NAME}\n• coordonnateur"
    )


async def test_me_for_a_coordinator_who_also_represents_a_member(
    harness: OfflineHarness,
) -> None:
    await enrol(harness, "region-grand-est", COORDINATOR)
    await harness.say(COORDINATOR, "/moi")
    assert last_text(harness, COORDINATOR_ID) == (
        f"Vous êtes Claire Test.\n\n{GROUPEMENT_NAME}\n• coordonnateur\n"
        "• titulaire — Région Grand Est"
    )


async def test_me_for_a_stranger(harness: OfflineHarness) -> None:
    await harness.say(user(3008, "Inconnu"), "/moi")
    assert last_text(harness, 3008) == (
        "Aucun mandat n'est encore enregistré pour vous. "
        "Demandez un lien d'invitation au coordonnateur de votre groupement, puis ouvrez-le. "
        "/aide indique ce que vous pouvez faire."
    )


# --- /langue and the choice of language ---------------------------------------------


async def test_language_en_switches_that_person_only(harness: OfflineHarness) -> None:
    person = await enrol(harness, "meuse")
    other = await enrol(harness, "vosges")

    await harness.say(person, "/langue en")
    assert last_text(harness, person["id"]) == "Messages will now be in English."
    stored = await harness.services.roster.person(person_id(person))
    assert stored is not None
    assert stored.language == "en"

    await harness.say(person, "/moi")
    assert last_text(harness, person["id"]) == (
        f"You are Meuse Test.\n\n{GROUPEMENT_NAME}\n• titular of Département de la Meuse"
    )
    await harness.say(other, "/moi")
    assert last_text(harness, other["id"]).startswith("Vous êtes Vosges Test.")

    await harness.say(person, "/langue FR")
    assert last_text(harness, person["id"]) == "Les messages seront désormais en français."
    await harness.say(person, "/moi")
    assert last_text(harness, person["id"]).startswith("Vous êtes Meuse Test.")


@pytest.mark.parametrize("arguments", [" xx", "", " de", " english"])
async def test_language_usage(harness: OfflineHarness, arguments: str) -> None:
    person = await enrol(harness, "meuse")
    await harness.say(person, f"/langue{arguments}")
    assert last_text(harness, person["id"]) == "Utilisation : /langue fr ou /langue en"
    stored = await harness.services.roster.person(person_id(person))
    assert stored is not None
    assert stored.language is None


async def test_an_english_telegram_app_gets_english(harness: OfflineHarness) -> None:
    person = await enrol(harness, "meuse", user(3009, "Jane", language_code="en"))
    assert last_text(harness, 3009) == (
        "Welcome! You now represent Département de la Meuse (titular) in "
        f"{GROUPEMENT_NAME}.\n"
        "Your convocations and ballot papers will arrive here, in this private chat."
    )
    await harness.say(person, "/moi")
    assert last_text(harness, 3009).startswith("You are Jane Test.")


async def test_a_stranger_with_an_english_app_is_answered_in_english(
    harness: OfflineHarness,
) -> None:
    await harness.say(user(3010, "Jane", language_code="en-GB"), "/aide")
    assert last_text(harness, 3010).startswith(
        "To take part, open the invitation link your coordinator sent you."
    )


async def test_an_unsupported_app_language_falls_back_to_french(
    harness: OfflineHarness,
) -> None:
    person = await enrol(harness, "meuse", user(3011, "Hans", language_code="de"))
    assert last_text(harness, 3011).startswith("Bienvenue ! Mandat enregistré")
    await harness.say(person, "/moi")
    assert last_text(harness, 3011).startswith("Vous êtes Hans Test.")


async def test_the_setting_wins_over_the_app_language(harness: OfflineHarness) -> None:
    person = await enrol(harness, "meuse", user(3012, "Jane", language_code="en"))
    await harness.say(person, "/langue fr")
    assert last_text(harness, 3012) == "Les messages seront désormais en français."
    await harness.say(person, "/moi")
    assert last_text(harness, 3012).startswith("Vous êtes Jane Test.")


# --- /aide --------------------------------------------------------------------------


async def test_help_for_a_coordinator_lists_the_coordinator_commands(
    harness: OfflineHarness,
) -> None:
    await harness.say(COORDINATOR, "/aide")
    text = last_text(harness, COORDINATOR_ID)
    assert "Coordonnateur :" in text
    for line in (
        "/inviter MEMBRE [suppléant] — lien d'invitation pour un représentant",
        "/lier GROUPEMENT [INSTANCE] — dans un groupe : y publier annonces et résultats",
        "/scrutin — ouvrir un scrutin",
        "/clore [NUMÉRO] — clore un scrutin et publier son résultat",
        "/moi — vos mandats et rôles",
    ):
        assert line in text.splitlines()


async def test_help_for_a_representative_leaves_the_coordinator_commands_out(
    harness: OfflineHarness,
) -> None:
    person = await enrol(harness, "meuse")
    await harness.say(person, "/aide")
    text = last_text(harness, person["id"])
    assert text.startswith("Commandes :\n/moi — vos mandats et rôles")
    assert "/langue fr|en — langue des messages" in text
    for absent in ("Coordonnateur", "/inviter", "/lier", "/scrutin", "/clore"):
        assert absent not in text


# --- English aliases ----------------------------------------------------------------


async def test_english_aliases(harness: OfflineHarness) -> None:
    await harness.say(COORDINATOR, "/invite meuse substitute")
    text = last_text(harness, COORDINATOR_ID)
    assert text.startswith("Lien d'invitation (suppléant) — Département de la Meuse")
    person = representative("meuse")
    await harness.say(person, f"/start {invitation_token(text)}")

    await harness.say(person, "/me")
    assert last_text(harness, person["id"]).endswith("• suppléant — Département de la Meuse")

    await harness.say(person, "/help")
    assert last_text(harness, person["id"]).startswith("Commandes :")

    await harness.say(person, "/language en")
    assert last_text(harness, person["id"]) == "Messages will now be in English."

    await harness.say(COORDINATOR, f"/link {GROUPEMENT} cogouv", chat_id=GROUP_CHAT)
    binding = await harness.services.chats.binding(GROUP_CHAT)
    assert binding is not None
    assert (binding.groupement_id, binding.instance_id) == (GROUPEMENT, "cogouv")


# --- The command menus --------------------------------------------------------------


def menu(call: RecordedCall) -> list[str]:
    return [entry["command"] for entry in call.params["commands"]]


def scope_of(call: RecordedCall) -> tuple[str, int] | None:
    scope = call.params.get("scope")
    return None if scope is None else (str(scope["type"]), int(scope["chat_id"]))


async def test_command_menus_are_registered_at_start(harness: OfflineHarness) -> None:
    calls = harness.request.calls_to("setMyCommands")
    by_target = {(scope_of(c), c.params.get("language_code")): c for c in calls}
    assert set(by_target) == {
        (None, None),
        (None, "en"),
        (("chat", COORDINATOR_ID), None),
        (("chat", COORDINATOR_ID), "en"),
    }

    everyone = by_target[(None, None)]
    assert menu(everyone) == [
        "moi",
        "vote",
        "reunions",
        "arrivee",
        "depart",
        "revoquer",
        "resultats",
        "pv",
        "signer",
        "extrait",
        "recu",
        "registre",
        "convention",
        "pouvoir",
        "langue",
        "aide",
    ]
    assert everyone.params["commands"][0]["description"] == "Vos mandats et rôles"

    english = by_target[(None, "en")]
    assert menu(english) == [
        "me",
        "vote",
        "meetings",
        "arrive",
        "leave",
        "revoke",
        "results",
        "minutes",
        "sign",
        "extract",
        "receipt",
        "register",
        "convention",
        "proxy",
        "language",
        "help",
    ]
    assert english.params["commands"][0]["description"] == "Who you are for the bot"

    coordinator = menu(by_target[(("chat", COORDINATOR_ID), None)])
    assert coordinator[:10] == [
        "planifier",
        "convoquer",
        "presences",
        "ouvrir",
        "lever",
        "presider",
        "scrutin",
        "clore",
        "inviter",
        "lier",
    ]
    assert set(menu(everyone)) <= set(coordinator)
    assert "scrutin" not in menu(everyone)

    coordinator_en = menu(by_target[(("chat", COORDINATOR_ID), "en")])
    assert coordinator_en[5:10] == ["preside", "ballot", "close", "invite", "link"]


async def test_every_menu_command_is_answered(harness: OfflineHarness) -> None:
    """A command shown in a menu must reach a handler (in either language)."""
    person = await enrol(harness, "meuse")
    for name in ("moi", "me", "langue", "language", "aide", "help", "start"):
        before = len(harness.messages_to(person["id"]))
        await harness.say(person, f"/{name}")
        assert len(harness.messages_to(person["id"])) > before, name


# --- Telegram errors ----------------------------------------------------------------


async def test_a_blocked_bot_loses_nothing(
    harness: OfflineHarness, caplog: pytest.LogCaptureFixture
) -> None:
    token = invitation_token(await invitation(harness, "meuse"))
    person = representative("meuse")
    # The welcome fails, and so does the apology the error handler tries next.
    harness.request.fail_next("sendMessage", "forbidden", chat_id=person["id"], times=2)

    with caplog.at_level(logging.ERROR, logger="bot.app"):
        calls = await harness.say(person, f"/start {token}")

    assert [c.failed for c in calls if c.method == "sendMessage"] == ["forbidden", "forbidden"]
    handled = [r for r in caplog.records if r.getMessage() == "error while handling an update"]
    assert len(handled) == 1
    exc_info = handled[0].exc_info
    assert exc_info is not None
    assert isinstance(exc_info[1], Forbidden)
    assert any(r.getMessage() == "could not tell the user about the error" for r in caplog.records)

    # The seat was bound before the welcome failed: it stays bound.
    assert await harness.services.roster.seats_of(person_id(person)) == [
        Seat(GROUPEMENT, "meuse", person_id(person), Role.TITULAIRE)
    ]
    # Once the person unblocks the bot, everything is there.
    await harness.say(person, "/moi")
    assert last_text(harness, person["id"]).endswith("• titulaire — Département de la Meuse")


async def test_after_a_failed_reply_the_person_is_told_something_went_wrong(
    harness: OfflineHarness, caplog: pytest.LogCaptureFixture
) -> None:
    harness.request.fail_next("sendMessage", "bad_request", chat_id=COORDINATOR_ID)
    with caplog.at_level(logging.ERROR, logger="bot.app"):
        await harness.say(COORDINATOR, "/moi")
    assert last_text(harness, COORDINATOR_ID) == (
        "Une erreur est survenue de notre côté. Ce que le bot vous a confirmé est bien "
        "enregistré ; veuillez réessayer dans un instant."
    )
    assert any(r.getMessage() == "error while handling an update" for r in caplog.records)


async def test_a_coordinator_who_blocked_the_bot_still_made_the_invitation(
    harness: OfflineHarness,
) -> None:
    harness.request.fail_next("sendMessage", "forbidden", chat_id=COORDINATOR_ID, times=2)
    await harness.say(COORDINATOR, "/inviter meuse")
    assert await invitation_rows(harness.services) == [
        ("meuse", "titulaire", f"tg:{COORDINATOR_ID}", None)
    ]
    # Nothing was shown, so a new /inviter simply makes another link.
    text = await invitation(harness, "meuse")
    assert "https://t.me/ScrutinBot?start=" in text


# --- Forged buttons -----------------------------------------------------------------


@pytest.mark.parametrize("data", ["v2:x:1", "v1:v:abc", "v1:v:1:2", "v1:v:1:2:3:4", ""])
async def test_a_forged_button_is_refused_with_an_alert(harness: OfflineHarness, data: str) -> None:
    person = await enrol(harness, "meuse")
    message = harness.last_message_to(person["id"])

    calls = await harness.press(person, message, data)

    answers = [c for c in calls if c.method == "answerCallbackQuery"]
    assert len(answers) == 1
    assert plain(answers[0].params["text"]) == BUTTON_NOT_VALID
    assert answers[0].params["show_alert"] is True
    assert not [c for c in calls if c.method in ("sendMessage", "editMessageText")]


async def test_a_forged_button_pressed_by_a_stranger_in_english(
    harness: OfflineHarness,
) -> None:
    person = await enrol(harness, "meuse")
    message = harness.last_message_to(person["id"])
    calls = await harness.press(user(3013, "Eve", language_code="en"), message, "v2:x:1")
    assert [(plain(c.params["text"]), c.params["show_alert"]) for c in calls] == [
        ("This button is not valid.", True)
    ]


async def test_invitation_links_never_appear_in_a_group(harness: OfflineHarness) -> None:
    await harness.say(COORDINATOR, "/inviter meuse", chat_id=GROUP_CHAT)
    refusal = harness.last_message_to(GROUP_CHAT)["text"]
    assert refusal.startswith("Par sécurité, créez les invitations dans votre conversation privée")
    assert "start=" not in refusal
    await harness.say(COORDINATOR, "/inviter meuse")
    token = invitation_token(harness.last_message_to(COORDINATOR_ID)["text"])
    bystander = user(3100, "Curieux")
    await harness.say(bystander, f"/start@ScrutinBot {token}", chat_id=GROUP_CHAT)
    assert harness.last_message_to(GROUP_CHAT)["text"] == (
        "Ouvrez votre lien d'invitation dans votre conversation privée avec le bot ; "
        "il n'a pas été utilisé."
    )
    assert await harness.services.roster.seats_of("tg:3100") == []
    owner = user(3101, "Destinataire")
    await harness.say(owner, f"/start {token}")
    assert [s.member_id for s in await harness.services.roster.seats_of("tg:3101")] == ["meuse"]


async def test_members_that_left_cannot_be_invited(harness: OfflineHarness) -> None:
    await harness.say(COORDINATOR, "/inviter bas-rhin")
    assert harness.last_message_to(COORDINATOR_ID)["text"] == (
        "Département du Bas-Rhin ne fait plus partie du groupement "
        "(Groupement de commandes ENT Grand Est)."
    )
    cursor = await harness.services.database.connection.execute("SELECT count(*) FROM invitations")
    assert (await cursor.fetchone())[0] == 0  # type: ignore[index]
