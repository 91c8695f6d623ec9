"""Ballots through the real handlers: the coordinator's form, presses, refusals, close, results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bot.arguments import future_moment as parse_deadline
from bot.harness import OfflineHarness, button_data, vote_buttons
from meetings.actions.ballot_close import close_due_ballots
from meetings.buttons import FormButton, VoteButton
from meetings.live_edits import GROUP_EDIT_INTERVAL
from meetings.services import Services
from meetings.wording.formats import PARIS
from meetings.wording.typography import plain
from tests.clock import FakeClock
from tests.conftest import (
    COORDINATOR,
    COORDINATOR_ID,
    GROUP_CHAT,
    MEMBERS,
    enrol,
    enrol_everyone,
    invitation_token,
    representative,
    user,
)
from voting.ballot import BallotState
from voting.rules import BallotKind
from voting.tally import Count, Outcome

QUESTION = "Approuver le budget 2027 de l'ENT"
WORKED_EXAMPLE = {
    "region-grand-est": "Pour",
    "moselle": "Contre",
    "ardennes": "Contre",
    "aube": "Contre",
    "marne": "Contre",
    "cea": "Abstention",
    "haute-marne": "Abstention",
    "meurthe-et-moselle": "Abstention",
    "meuse": "Abstention",
    "vosges": "Abstention",
}


async def bind_group(harness: OfflineHarness) -> None:
    await harness.say(COORDINATOR, "/lier ent-grand-est cogouv", chat_id=GROUP_CHAT)


async def open_ballot(
    harness: OfflineHarness,
    question: str = QUESTION,
    kind: str = "Public (appel nominal)",
    deadline: str | None = None,
) -> int:
    """Drive the coordinator's form to the end; return the new ballot's number."""
    await harness.say(COORDINATOR, "/scrutin")
    await press_form(harness, "Comité de gouvernance")
    await harness.say(COORDINATOR, question)
    await press_form(harness, kind)
    if deadline is None:
        await press_form(harness, "Sans date limite")
    else:
        await harness.say(COORDINATOR, deadline)
    await press_form(harness, "Ouvrir le scrutin")
    opened = harness.last_message_to(COORDINATOR_ID)["text"]
    assert "est ouvert" in opened, opened
    ballots = await harness.services.ballots.find(state=BallotState.OPEN)
    return ballots[-1].id


async def press_form(harness: OfflineHarness, label: str) -> None:
    message = harness.last_message_to(COORDINATOR_ID)
    await harness.press(COORDINATOR, message, button_data(message, label))


def paper(harness: OfflineHarness, person: dict[str, Any], member_name: str) -> dict[str, Any]:
    papers = [p for p in harness.papers_to(person["id"]) if f" {member_name} (" in p["text"]]
    assert papers, f"{person['first_name']} has no paper for {member_name}"
    return papers[-1]


def member_name(services: Services, member: str) -> str:
    return services.governance.groupement("ent-grand-est").member(member).name


async def vote(harness: OfflineHarness, member: str, label: str, voter: str | None = None) -> Any:
    """``voter``'s representative presses ``label`` on its paper for ``member``."""
    person = representative(voter or member)
    message = paper(harness, person, member_name(harness.services, member))
    return await harness.press(person, message, button_data(message, label))


def answers(calls: list[Any]) -> list[dict[str, Any]]:
    return [c.params for c in calls if c.method == "answerCallbackQuery"]


async def group_participation(harness: OfflineHarness, clock: FakeClock) -> list[str]:
    """The group's participation as edited so far, once its pace allowed the edit waiting."""
    clock.advance(timedelta(seconds=GROUP_EDIT_INTERVAL))
    await harness.settle()
    return [
        plain(c.params["text"])
        for c in harness.request.calls_to("editMessageText")
        if c.params["chat_id"] == GROUP_CHAT
    ]


async def test_a_full_ballot_with_ten_members_and_a_proxy(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    services = harness.services
    await bind_group(harness)
    people = await enrol_everyone(harness)
    await harness.say(people["meuse"], "/pouvoir cogouv ardennes")
    assert "donne pouvoir" in harness.last_message_to(people["meuse"]["id"])["text"]

    ballot_id = await open_ballot(harness)
    assert "Bulletins envoyés : 10." in harness.last_message_to(COORDINATOR_ID)["text"]
    # The Ardennes carries two papers; the Meuse's own representative gets none.
    ardennes_papers = harness.papers_to(people["ardennes"]["id"])
    assert len(ardennes_papers) == 2
    assert "Département de la Meuse (1 voix), par pouvoir." in ardennes_papers[1]["text"]
    assert harness.papers_to(people["meuse"]["id"]) == []
    assert "0/10 membre a voté — 0 voix sur 15" in harness.last_message_to(GROUP_CHAT)["text"]

    choices = {
        "region-grand-est": "Pour",
        "cea": "Pour",
        "moselle": "Contre",
        "ardennes": "Pour",
        "aube": "Abstention",
        "marne": "Pour",
        "haute-marne": "Contre",
        "meurthe-et-moselle": "Pour",
        "vosges": "Abstention",
    }
    for member, label in choices.items():
        calls = await vote(harness, member, label)
        assert answers(calls) == [
            {
                "callback_query_id": answers(calls)[0]["callback_query_id"],
                "text": "Vote enregistré.",
            }
        ]
    calls = await vote(harness, "meuse", "Pour", voter="ardennes")
    edit = next(
        c.params for c in calls if c.method == "editMessageText" and c.params["chat_id"] > 0
    )
    assert "\n\nVote enregistré : Pour — 1 voix\nReçu : " in edit["text"]
    # The group's message follows at the group's pace, with the figures of that moment.
    assert (await group_participation(harness, clock))[-1].endswith(
        "10/10 membres ont voté — 15 voix sur 15"
    )

    history = await services.ballots.history(ballot_id)
    assert len(history) == 10
    meuse_vote = next(v for v in history if v.member_id == "meuse")
    assert meuse_vote.cast_by == f"tg:{people['ardennes']['id']}"

    closing = await harness.say(COORDINATOR, "/clore")
    ballot = await services.ballots.get(ballot_id)
    assert ballot.state is BallotState.CLOSED
    assert ballot.result is not None and ballot.result.outcome is Outcome.ADOPTED
    assert ballot.result.totals["for"] == Count(Decimal("10.5"), 6)
    posted = harness.last_message_to(GROUP_CHAT)["text"]
    # The adopted motion is the groupement's first deliberation of the year.
    assert f"Résultat du scrutin n° {ballot_id}, délibération COGOUV-2026-01 — " in plain(posted)
    assert (
        "Adoptée : 10,5 voix pour sur 13 exprimées, majorité requise : plus de 6,5 voix."
    ) in posted
    assert "Pour : 10,5 voix (6 membres)" in posted
    assert (
        "Département de la Meuse (1) : Pour (par pouvoir, exercé par : Département des Ardennes)"
        in posted
    )
    for member, person in people.items():
        received = harness.last_message_to(person["id"])["text"]
        assert ("Résultat du scrutin" in received) is (member != "meuse")
    (photo,) = [c.params for c in closing if c.method == "sendPhoto"]
    assert photo["chat_id"] == GROUP_CHAT
    assert (
        photo["photo"]["filename"] == f"scrutin-{ballot_id}.png" and photo["photo"]["size"] > 10_000
    )
    assert photo["caption"] == (
        "Délibération COGOUV-2026-01 — "
        "Adoptée : 10,5 voix pour sur 13 exprimées, majorité requise : plus de 6,5 voix."
    )
    retired = [c for c in closing if c.method == "editMessageReplyMarkup"]
    assert len(retired) == 10  # every paper loses its buttons


async def test_the_worked_example_by_written_consultation_is_rejected_public_or_secret(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    await bind_group(harness)
    await enrol_everyone(harness)
    public = await open_ballot(harness)
    for member, label in WORKED_EXAMPLE.items():
        await vote(harness, member, label)
    await harness.say(COORDINATOR, f"/clore {public}")
    text = plain(harness.last_message_to(GROUP_CHAT)["text"])
    # Nobody presides a written consultation: the instance's rule for them (default) rejects.
    assert (
        "Rejetée : partage égal, 4,5 voix pour et 4,5 contre sur 9 exprimées ; dans une "
        "consultation écrite, le partage égal des voix vaut rejet." in text
    )
    assert "président" not in text and "présent" not in text

    secret = await open_ballot(harness, "Même question, à bulletin secret", kind="Secret")
    for member, label in WORKED_EXAMPLE.items():
        await vote(harness, member, label)
    group_updates = await group_participation(harness, clock)
    assert group_updates[-1].endswith("10/10 membres ont voté — 15 voix sur 15")
    await harness.say(COORDINATOR, f"/clore {secret}")
    text = harness.last_message_to(GROUP_CHAT)["text"]
    assert "Rejetée : partage égal" in text and "le partage égal des voix vaut rejet" in text
    assert "Détail des votes" not in text


async def test_presses_that_must_be_refused_change_nothing(harness: OfflineHarness) -> None:
    services = harness.services
    people = await enrol_everyone(harness)
    await harness.say(people["meuse"], "/pouvoir cogouv ardennes")
    ballot_id = await open_ballot(harness)
    ballot = await services.ballots.get(ballot_id)
    assert ballot.electorate is not None
    meuse_index = ballot.electorate.members.index("meuse")
    region_paper = paper(harness, people["region-grand-est"], "Région Grand Est")

    async def press(person: dict[str, Any], data: str) -> dict[str, Any]:
        calls = await harness.press(person, region_paper, data)
        (answer,) = answers(calls)
        return answer

    # The Meuse gave its proxy: its own representative no longer votes for it.
    refused = await press(people["meuse"], VoteButton(ballot_id, meuse_index, 0).encode())
    assert refused["text"] == "Vous ne votez pas pour ce membre dans ce scrutin."
    # Someone else's paper, forged.
    refused = await press(people["cea"], VoteButton(ballot_id, 0, 0).encode())
    assert refused["text"] == "Vous ne votez pas pour ce membre dans ce scrutin."
    assert refused["show_alert"] is True
    for data in ("v1:v:abc:0:0", "v2:v:1:0:0", f"v1:v:{ballot_id}:0:7", f"v1:v:{ballot_id}:99:0"):
        refused = await press(people["region-grand-est"], data)
        assert refused["show_alert"] is True
        assert refused["text"] in {"Ce bouton n'est pas valable.", "Ce choix n'existe pas."}
    refused = await press(people["region-grand-est"], VoteButton(999, 0, 0).encode())
    assert refused["text"] == "Ce scrutin n'existe pas."
    outsider = {"id": 9999, "is_bot": False, "first_name": "Intrus", "language_code": "fr"}
    refused = await press(outsider, VoteButton(ballot_id, 0, 0).encode())
    assert refused["text"] == "Vous ne votez pas pour ce membre dans ce scrutin."
    assert await services.ballots.history(ballot_id) == []

    await harness.say(COORDINATOR, "/clore")
    refused = await press(people["region-grand-est"], button_data(region_paper, "Pour"))
    assert refused["text"] == "Ce scrutin est clos ; votre vote n'a pas été enregistré."
    assert await services.ballots.history(ballot_id) == []


async def test_a_cancelled_ballot_refuses_votes(harness: OfflineHarness) -> None:
    person = await enrol(harness, "vosges")
    ballot_id = await open_ballot(harness)
    await harness.services.ballots.cancel(ballot_id)
    message = paper(harness, person, "Département des Vosges")
    (answer,) = answers(await harness.press(person, message, button_data(message, "Pour")))
    assert answer["text"] == "Ce scrutin a été annulé ; votre vote n'a pas été enregistré."


async def test_a_vote_can_change_until_the_close_and_each_change_is_kept(
    harness: OfflineHarness,
) -> None:
    await enrol(harness, "vosges")
    ballot_id = await open_ballot(harness)
    await vote(harness, "vosges", "Contre")
    calls = await vote(harness, "vosges", "Pour")
    edit = next(c.params for c in calls if c.method == "editMessageText")
    assert "\n\nVote modifié : Pour — 1 voix\nReçu : " in edit["text"]
    assert [label for label, _data in vote_buttons(edit)] == ["✅ Pour", "Contre", "Abstention"]
    history = await harness.services.ballots.history(ballot_id)
    assert [v.option for v in history] == ["against", "for"]


async def test_no_change_of_vote_where_the_ballot_forbids_it(harness: OfflineHarness) -> None:
    from meetings.actions.ballot_open import ballot_setting
    from meetings.delivery.ballots import deliver_papers
    from voting.ballot import BallotDraft, BallotMode
    from voting.tally import MOTION_OPTIONS

    services = harness.services
    person = await enrol(harness, "aube")
    electorate = (await ballot_setting(services, "ent-grand-est", "cogouv")).electorate
    draft = await services.ballots.create(
        BallotDraft(
            "ent-grand-est",
            "cogouv",
            QUESTION,
            BallotKind.PUBLIC,
            MOTION_OPTIONS,
            BallotMode.WRITTEN,
            allow_vote_change=False,
        )
    )
    rules = services.governance.instance("ent-grand-est", "cogouv").voting_rules
    ballot = await services.ballots.open(
        draft.id, electorate=electorate, rules=rules, weight_table_id="ent-2022-avenant-1"
    )
    await deliver_papers(services, ballot)
    calls = await vote(harness, "aube", "Contre")
    edit = next(c.params for c in calls if c.method == "editMessageText")
    assert "reply_markup" not in edit or not edit["reply_markup"]
    message = harness.papers_to(person["id"])[-1]
    (answer,) = answers(await harness.press(person, message, button_data(message, "Pour")))
    assert answer["text"] == (
        "Votre vote est déjà enregistré et ne peut pas être modifié dans ce scrutin."
    )
    assert [v.option for v in await services.ballots.history(ballot.id)] == ["against"]


async def test_a_deadline_closes_the_ballot_and_late_presses_are_refused(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    await bind_group(harness)
    people = {m: await enrol(harness, m) for m in MEMBERS[:6]}
    ballot_id = await open_ballot(harness, deadline="15/12/2026 18:00")
    ballot = await harness.services.ballots.get(ballot_id)
    assert ballot.draft.deadline == datetime(2026, 12, 15, 17, 0, tzinfo=UTC)
    assert (
        "Clôture du vote : mardi 15 décembre 2026 à 18 h 00."
        in paper(harness, people["aube"], "Département de l'Aube")["text"]
    )
    for member in MEMBERS[:5]:
        await vote(harness, member, "Pour")

    assert await close_due_ballots(harness.services) == []
    clock.advance(timedelta(hours=4))  # 18:00 in Paris: the deadline
    calls = await vote(harness, "marne", "Contre")
    assert answers(calls)[0]["text"] == (
        "La date limite est dépassée ; votre vote n'a pas été enregistré."
    )
    assert await close_due_ballots(harness.services) == [ballot_id]
    text = harness.last_message_to(GROUP_CHAT)["text"]
    # Five of ten members took part: a written consultation needs at least half.
    assert text.splitlines()[3].startswith("Adoptée : 10 voix pour sur 10 exprimées")
    assert await close_due_ballots(harness.services) == []


async def test_too_few_participants_void_a_written_consultation(harness: OfflineHarness) -> None:
    await bind_group(harness)
    for member in MEMBERS[:4]:
        await enrol(harness, member)
    ballot_id = await open_ballot(harness)
    for member in MEMBERS[:4]:
        await vote(harness, member, "Pour")
    await harness.say(COORDINATOR, f"/clore {ballot_id}")
    text = harness.last_message_to(GROUP_CHAT)["text"]
    assert (
        "Consultation non valable : 4 membres sur les 10 membres consultés ont pris part au vote "
        "(9 voix) ; requis : au moins 5 membres." in plain(text)
    )
    assert "présent" not in text


async def test_the_form_re_asks_on_bad_input_and_can_be_cancelled(
    harness: OfflineHarness,
) -> None:
    await harness.say(COORDINATOR, "/scrutin")
    await press_form(harness, "Comité de gouvernance")
    await harness.say(COORDINATOR, "x" * 501)
    assert harness.last_message_to(COORDINATOR_ID)["text"] == (
        "Texte trop long (question) : 501 caractères, 500 au plus. Envoyez un texte plus court."
    )
    await harness.say(COORDINATOR, QUESTION)
    await press_form(harness, "Secret")
    await harness.say(COORDINATOR, "demain à midi")
    assert "Je n'ai pas reconnu une date à venir" in harness.last_message_to(COORDINATOR_ID)["text"]
    await harness.say(COORDINATOR, "01/01/2020 10:00")
    assert "Je n'ai pas reconnu une date à venir" in harness.last_message_to(COORDINATOR_ID)["text"]
    await harness.say(COORDINATOR, "/annuler")
    assert harness.last_message_to(COORDINATOR_ID)["text"] == (
        "Annulé ; aucun scrutin n'a été ouvert."
    )
    assert await harness.services.ballots.find() == []


async def test_a_forged_form_button_is_refused_and_the_form_goes_on(
    harness: OfflineHarness,
) -> None:
    await harness.say(COORDINATOR, "/scrutin")
    choices = harness.last_message_to(COORDINATOR_ID)
    forged = {"instance": FormButton("instance", "99"), "kind": FormButton("kind", "open")}
    calls = await harness.press(COORDINATOR, choices, forged["instance"].encode())
    [refused] = answers(calls)
    assert (refused["text"], refused["show_alert"]) == ("Ce bouton n'est plus valable.", True)
    # The buttons stay, so the coordinator can still choose.
    assert not [c for c in calls if c.method == "editMessageReplyMarkup"]
    await press_form(harness, "Comité de gouvernance")
    await harness.say(COORDINATOR, QUESTION)
    kinds = harness.last_message_to(COORDINATOR_ID)
    calls = await harness.press(COORDINATOR, kinds, forged["kind"].encode())
    assert [a["text"] for a in answers(calls)] == ["Ce bouton n'est plus valable."]
    await press_form(harness, "Secret")
    assert "Date limite" in harness.last_message_to(COORDINATOR_ID)["text"]


async def test_the_summary_states_the_electorate_before_anything_opens(
    harness: OfflineHarness,
) -> None:
    await harness.say(COORDINATOR, "/scrutin")
    await press_form(harness, "Comité de gouvernance")
    await harness.say(COORDINATOR, QUESTION)
    await press_form(harness, "Public (appel nominal)")
    await press_form(harness, "Sans date limite")
    summary = harness.last_message_to(COORDINATOR_ID)["text"]
    assert "• Corps électoral : 10 membres, 15 voix (table ent-2022-avenant-1)" in summary
    await press_form(harness, "Annuler")
    assert await harness.services.ballots.find() == []


async def test_only_coordinators_open_and_close(harness: OfflineHarness) -> None:
    person = await enrol(harness, "aube")
    await harness.say(person, "/scrutin")
    assert harness.last_message_to(person["id"])["text"] == "Seul un coordonnateur peut faire cela."
    await harness.say(person, "/clore")
    assert harness.last_message_to(person["id"])["text"] == "Seul un coordonnateur peut faire cela."
    stranger = {"id": 5555, "is_bot": False, "first_name": "Inconnu", "language_code": "fr"}
    await harness.say(stranger, "/clore 1")
    assert "Aucun mandat n'est encore enregistré" in harness.last_message_to(5555)["text"]
    await harness.say(COORDINATOR, "/scrutin", chat_id=GROUP_CHAT)
    assert "conversation privée" in harness.last_message_to(GROUP_CHAT)["text"]


async def test_close_refusals(harness: OfflineHarness) -> None:
    await harness.say(COORDINATOR, "/clore")
    assert "Scrutins ouverts :\n(aucun)" in harness.last_message_to(COORDINATOR_ID)["text"]
    await harness.say(COORDINATOR, "/clore deux")
    assert harness.last_message_to(COORDINATOR_ID)["text"] == "Utilisation : /clore [NUMÉRO]"
    await harness.say(COORDINATOR, "/clore 42")
    assert harness.last_message_to(COORDINATOR_ID)["text"] == "Il n'y a pas de scrutin n° 42."
    await enrol(harness, "aube")
    first = await open_ballot(harness)
    second = await open_ballot(harness, "Deuxième question")
    await harness.say(COORDINATOR, "/clore")
    listing = harness.last_message_to(COORDINATOR_ID)["text"]
    assert f"n° {first} — {QUESTION}" in listing and f"n° {second} — Deuxième question" in listing
    await harness.say(COORDINATOR, f"/clore {first}")
    await harness.say(COORDINATOR, f"/clore {first}")
    assert plain(harness.last_message_to(COORDINATOR_ID)["text"]) == (
        f"Le scrutin n° {first} est déjà clos : son résultat est publié, /resultats {first}."
    )
    await harness.say(COORDINATOR, f"/annuler_scrutin {second}")
    await harness.say(COORDINATOR, f"/clore {second}")
    assert plain(harness.last_message_to(COORDINATOR_ID)["text"]) == (
        f"Le scrutin n° {second} a été annulé : il n'y a rien à clore."
    )
    third = await open_ballot(harness, "Troisième question")
    other = {**COORDINATOR, "id": 1002, "first_name": "Olivier"}
    await harness.services.roster.add_coordinator(
        "liaisons-internet", "tg:1002", "Olivier Test", added_by="tests"
    )
    await harness.say(other, f"/clore {third}")
    assert plain(harness.last_message_to(1002)["text"]) == (
        f"Le scrutin n° {third} relève d'un groupement que vous ne coordonnez pas : "
        "seul son coordonnateur peut le clore."
    )
    assert (await harness.services.ballots.get(third)).state is BallotState.OPEN


async def test_results_and_papers_on_request(harness: OfflineHarness) -> None:
    person = await enrol(harness, "aube")
    await harness.say(person, "/resultats")
    assert harness.last_message_to(person["id"])["text"] == "Aucun résultat pour l'instant."
    await harness.say(person, "/vote")
    assert harness.last_message_to(person["id"])["text"] == "Vous n'avez aucun scrutin en cours."
    ballot_id = await open_ballot(harness)
    await harness.say(person, "/vote")
    assert len(harness.papers_to(person["id"])) == 2
    await vote(harness, "aube", "Pour")
    await harness.say(person, "/vote")
    resent = harness.papers_to(person["id"])[-1]
    assert vote_buttons(resent)[0][0] == "✅ Pour"
    await harness.say(COORDINATOR, "/clore")
    await harness.say(person, f"/resultats {ballot_id}")
    assert "Résultat du scrutin n° 1" in harness.last_message_to(person["id"])["text"]
    await harness.say(person, "/resultats abc")
    assert harness.last_message_to(person["id"])["text"] == "Utilisation : /resultats [NUMÉRO]"


async def test_proxy_rules_are_enforced(harness: OfflineHarness, services: Services) -> None:
    people = {m: await enrol(harness, m) for m in ("meuse", "vosges", "ardennes", "aube")}
    await harness.say(people["meuse"], "/pouvoir cogouv ardennes")
    await harness.say(people["vosges"], "/pouvoir cogouv ardennes")
    assert harness.last_message_to(people["vosges"]["id"])["text"] == (
        "Ce membre détient déjà le nombre maximal de pouvoirs autorisé."
    )
    await harness.say(people["ardennes"], "/pouvoir cogouv aube")
    assert harness.last_message_to(people["ardennes"]["id"])["text"] == (
        "Votre membre détient un pouvoir et ne peut pas donner le sien."
    )
    await harness.say(people["aube"], "/pouvoir cogouv meuse")
    assert "a lui-même donné pouvoir" in harness.last_message_to(people["aube"]["id"])["text"]
    await harness.say(people["aube"], "/pouvoir cogouv aube")
    assert "à lui-même" in harness.last_message_to(people["aube"]["id"])["text"]
    await harness.say(people["aube"], "/pouvoir cst ardennes")
    assert "instance qui vote" in harness.last_message_to(people["aube"]["id"])["text"]
    await harness.say(people["aube"], "/pouvoir cogouv")
    assert "Utilisation" in harness.last_message_to(people["aube"]["id"])["text"]
    assert await services.roster.standing_proxies("ent-grand-est", "cogouv") == {
        "meuse": "ardennes"
    }
    await harness.say(people["meuse"], "/pouvoir cogouv annuler")
    assert harness.last_message_to(people["meuse"]["id"])["text"] == (
        "Le pouvoir du Département de la Meuse est retiré."
    )
    assert await services.roster.standing_proxies("ent-grand-est", "cogouv") == {}


async def test_unreachable_people_are_reported_and_the_ballot_stays_open(
    harness: OfflineHarness,
) -> None:
    people = {m: await enrol(harness, m) for m in ("aube", "marne")}
    harness.request.fail_next("sendMessage", "forbidden", chat_id=people["marne"]["id"])
    ballot_id = await open_ballot(harness)
    report = harness.last_message_to(COORDINATOR_ID)["text"]
    assert "Bulletins envoyés : 1." in report
    assert "Non joints" in report and "Département de la Marne" in report
    assert "Aucun représentant enregistré pour" in report and "Région Grand Est" in report
    assert (await harness.services.ballots.get(ballot_id)).state is BallotState.OPEN
    await harness.say(people["marne"], "/vote")
    assert len(harness.papers_to(people["marne"]["id"])) == 1


async def test_a_failed_confirmation_does_not_lose_the_vote(harness: OfflineHarness) -> None:
    person = await enrol(harness, "aube")
    ballot_id = await open_ballot(harness)
    harness.request.fail_next("editMessageText", "retry_after", times=5)
    message = paper(harness, person, "Département de l'Aube")
    await harness.press(person, message, button_data(message, "Contre"))
    assert [v.option for v in await harness.services.ballots.history(ballot_id)] == ["against"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/12/2026 18:00", datetime(2026, 12, 15, 17, 0, tzinfo=UTC)),
        ("15/12/2026 18h", datetime(2026, 12, 15, 17, 0, tzinfo=UTC)),
        ("1/7/2027 9h30", datetime(2027, 7, 1, 7, 30, tzinfo=UTC)),
        ("28/03/2027 03:30", datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
        ("28/03/2027 02:30", None),  # skipped by the spring DST change
        ("31/10/2027 02:30", datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),  # first of the two
        ("15/12/2026 13:00", None),  # past
        ("31/02/2027 10:00", None),
        ("demain", None),
    ],
)
def test_parse_deadline_in_paris_time(text: str, expected: datetime | None) -> None:
    now = datetime(2026, 12, 15, 13, 0, tzinfo=UTC)
    assert parse_deadline(text, now, PARIS) == expected


def test_weights_in_papers_are_never_in_the_button_data() -> None:
    data = VoteButton(12, 3, 1).encode()
    assert data == "v1:v:12:3:1" and len(data.encode()) <= 64
    assert Decimal("4.5") not in {Decimal(part) for part in data.split(":")[2:]}


async def test_without_a_group_the_chart_goes_to_the_coordinator(
    harness: OfflineHarness,
) -> None:
    await enrol(harness, "aube")
    ballot_id = await open_ballot(harness, kind="Secret")
    await vote(harness, "aube", "Pour")
    closing = await harness.say(COORDINATOR, f"/clore {ballot_id}")
    (photo,) = [c.params for c in closing if c.method == "sendPhoto"]
    assert photo["chat_id"] == COORDINATOR_ID
    # One member of ten took part: a written consultation needs half of them.
    assert plain(photo["caption"]).startswith(
        "Consultation non valable : 1 membre sur les 10 membres consultés a pris part au vote"
    )


async def test_a_standing_proxy_serves_one_written_consultation(harness: OfflineHarness) -> None:
    services = harness.services
    people = {m: await enrol(harness, m) for m in ("meuse", "ardennes")}
    await harness.say(people["meuse"], "/pouvoir cogouv ardennes")
    assert (
        "pour la prochaine consultation écrite"
        in harness.last_message_to(people["meuse"]["id"])["text"]
    )
    first = await open_ballot(harness)
    assert (await services.ballots.get(first)).electorate.proxies == {"meuse": "ardennes"}  # type: ignore[union-attr]
    assert await services.roster.standing_proxies("ent-grand-est", "cogouv") == {}
    second = await open_ballot(harness, "Deuxième question")
    assert (await services.ballots.get(second)).electorate.proxies == {}  # type: ignore[union-attr]
    assert paper(harness, people["meuse"], "Département de la Meuse")["text"].startswith(
        f"🗳 Scrutin n° {second}"
    )


async def test_pressing_the_same_option_twice_is_quiet(
    harness: OfflineHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await enrol(harness, "aube")
    ballot_id = await open_ballot(harness)
    await vote(harness, "aube", "Pour")
    harness.request.fail_next(
        "editMessageText", "bad_request", description="Bad Request: message is not modified"
    )
    with caplog.at_level("ERROR"):
        calls = await vote(harness, "aube", "Pour")
    assert answers(calls)[0]["text"] == "Vote enregistré."
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert [v.option for v in await harness.services.ballots.history(ballot_id)] == ["for", "for"]


async def aube_with_a_substitute(harness: OfflineHarness) -> tuple[dict[str, Any], dict[str, Any]]:
    """The Aube's titulaire and its suppléant (user 3005), both enrolled."""
    titular = await enrol(harness, "aube")
    await harness.say(COORDINATOR, "/inviter aube suppleant")
    substitute = user(3005, "Chloé")
    token = invitation_token(harness.last_message_to(COORDINATOR_ID)["text"])
    await harness.say(substitute, f"/start {token}")
    return titular, substitute


async def test_a_secret_vote_is_not_shown_to_the_members_other_representative(
    harness: OfflineHarness,
) -> None:
    titular, substitute = await aube_with_a_substitute(harness)
    await open_ballot(harness, kind="Secret")
    await vote(harness, "aube", "Contre")

    await harness.say(substitute, "/vote")
    await harness.say(titular, "/vote")

    resent = harness.papers_to(3005)[-1]
    assert [label for label, _ in vote_buttons(resent)] == ["Pour", "Contre", "Abstention"]
    assert plain(resent["text"]).endswith(
        "Le Département de l'Aube a déjà voté, par un autre de ses représentants ; le scrutin "
        "étant secret, son vote n'est pas affiché. Un vote de votre part le remplacerait."
    )
    # The one who voted still sees their own choice.
    assert [label for label, _ in vote_buttons(harness.papers_to(titular["id"])[-1])] == [
        "Pour",
        "❌ Contre",
        "Abstention",
    ]
