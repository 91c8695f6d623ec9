"""An election of a person through the real handlers: the form, the rounds, the birth dates."""

from __future__ import annotations

from bot.harness import OfflineHarness, button_data
from meetings.wording.typography import plain
from tests.conftest import COORDINATOR, COORDINATOR_ID, GROUP_CHAT, enrol_everyone
from tests.test_bot_ballots import bind_group, press_form, vote
from voting.ballot import BallotState
from voting.rules import BallotKind
from voting.tally import BLANK, Outcome

QUESTION = "Élection du vice-président du comité"
DURAND, MARTIN = "Mme Durand", "M. Martin"


async def open_election(harness: OfflineHarness, candidates: str) -> int:
    await harness.say(COORDINATOR, "/scrutin")
    await press_form(harness, "Comité de gouvernance")
    await harness.say(COORDINATOR, QUESTION)
    await press_form(harness, "Élection d'une personne")
    assert "noms des candidats" in harness.last_message_to(COORDINATOR_ID)["text"]
    await harness.say(COORDINATOR, candidates)
    await press_form(harness, "Sans date limite")
    summary = plain(harness.last_message_to(COORDINATOR_ID)["text"])
    assert (
        "Scrutin : élection d'une personne, 1er tour, secret ; candidats : Mme Durand, M. Martin"
        in summary
    )
    await press_form(harness, "Ouvrir le scrutin")
    (ballot,) = await harness.services.ballots.find(state=BallotState.OPEN)
    return ballot.id


async def vote_and_close(harness: OfflineHarness, ballot_id: int, votes: dict[str, str]) -> None:
    for member, label in votes.items():
        await vote(harness, member, label)
    await harness.say(COORDINATOR, f"/clore {ballot_id}")


async def settle_by_birth_dates(harness: OfflineHarness, ballot_id: int) -> None:
    """The coordinator gives the tied candidates' birth dates; the oldest is proclaimed."""
    await harness.say(COORDINATOR, f"/naissance {ballot_id} 02/05/1971")
    assert "une date de naissance par candidat" in harness.last_message_to(COORDINATOR_ID)["text"]
    await harness.say(COORDINATOR, f"/naissance {ballot_id} 02/05/1971 30/11/1958")
    assert plain(harness.last_message_to(COORDINATOR_ID)["text"]) == (
        f"Scrutin n° {ballot_id} : le résultat est proclamé, élu : M. Martin."
    )
    posted = plain(harness.last_message_to(GROUP_CHAT)["text"])
    assert (
        "M. Martin est élu au 3e tour comme le plus âgé des candidats à égalité avec 4,5 voix "
        "sur 9 exprimées." in posted
    )
    decided = await harness.services.ballots.get(ballot_id)
    assert decided.result is not None and decided.result.outcome is Outcome.ADOPTED


async def test_an_election_goes_round_by_round_to_the_oldest(harness: OfflineHarness) -> None:
    services = harness.services
    await bind_group(harness)
    await enrol_everyone(harness)
    first = await open_election(harness, "Mme Durand\nM. Martin")
    ballot = await services.ballots.get(first)
    assert ballot.draft.kind is BallotKind.SECRET and ballot.draft.election_round == 1
    assert ballot.draft.options == (DURAND, MARTIN, BLANK)
    # Durand 4.5, Martin 2 + 1.5 + 1 = 4.5, one blank: nobody has more than half of 9.
    tied = {
        "region-grand-est": DURAND,
        "cea": MARTIN,
        "moselle": MARTIN,
        "ardennes": MARTIN,
        "aube": "Blanc ou nul",
    }
    await vote_and_close(harness, first, tied)
    posted = plain(harness.last_message_to(GROUP_CHAT)["text"])
    assert (
        "Aucun élu au 1er tour : la majorité absolue est de plus de 4,5 voix sur 9 exprimées."
        in posted
    )
    assert "prépondérante" not in posted
    offer = harness.messages_to(COORDINATOR_ID)[-2]
    assert "Aucun élu au 1er tour (scrutin n° 1)" in plain(offer["text"])
    await harness.press(COORDINATOR, offer, button_data(offer, "Ouvrir le 2e tour"))
    assert plain(harness.last_message_to(COORDINATOR_ID)["text"]) == (
        "Le 2e tour est ouvert : scrutin n° 2."
    )
    second = (await services.ballots.find(state=BallotState.OPEN))[-1]
    assert second.draft.election_round == 2 and second.draft.options == (DURAND, MARTIN, BLANK)
    # A second press on the same offer opens nothing more.
    await harness.press(COORDINATOR, offer, button_data(offer, "Ouvrir le 2e tour"))
    assert len(await services.ballots.find(state=BallotState.OPEN)) == 1

    await vote_and_close(harness, second.id, tied)
    # The coordinator changes the list for the third round.
    await harness.say(COORDINATOR, f"/tour {second.id} Mme Durand, M. Martin")
    third = (await services.ballots.find(state=BallotState.OPEN))[-1]
    assert third.draft.election_round == 3
    await vote_and_close(harness, third.id, tied)
    asked = plain(harness.messages_to(COORDINATOR_ID)[-2]["text"])
    assert asked == (
        f"Égalité au troisième tour (scrutin n° {third.id}) entre Mme Durand, M. Martin : le "
        f"plus âgé est élu. Envoyez leurs dates de naissance dans cet ordre : /naissance "
        f"{third.id} JJ/MM/AAAA JJ/MM/AAAA"
    )
    closed = await services.ballots.get(third.id)
    assert closed.result is not None and closed.result.awaiting_ages

    await settle_by_birth_dates(harness, third.id)


async def test_an_election_needs_named_candidates(harness: OfflineHarness) -> None:
    await enrol_everyone(harness)
    await harness.say(COORDINATOR, "/scrutin")
    await press_form(harness, "Comité de gouvernance")
    await harness.say(COORDINATOR, QUESTION)
    await press_form(harness, "Élection d'une personne")
    await harness.say(COORDINATOR, "Mme Durand, Mme Durand")
    assert "chacun une seule fois" in harness.last_message_to(COORDINATOR_ID)["text"]
    await harness.say(COORDINATOR, "Mme Durand")
    await press_form(harness, "Sans date limite")
    await press_form(harness, "Ouvrir le scrutin")
    (ballot,) = await harness.services.ballots.find(state=BallotState.OPEN)
    assert ballot.draft.options == (DURAND, BLANK)
