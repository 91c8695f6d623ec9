"""The rulings of an opening in the record: they are not deliberations of the agenda, a vote
on the urgency without quorum rules on nothing, and the chair designated for a session does not
change once the session is open."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from config.models import Governance
from meetings.actions.attendance import record_presence
from meetings.actions.ballot_close import close_ballot
from meetings.actions.convene import convene
from meetings.actions.session_adjourn import adjourn
from meetings.actions.session_chair import designate_chair
from meetings.actions.session_open import open_session
from meetings.meeting import ChairAlreadyDesignated, ChairToDesignate, Meeting, OpeningRulingPending
from meetings.minutes.markdown import render_markdown
from meetings.presiding import UrgencyRuling, urgency_ruling
from meetings.services import Services
from meetings.wording.refusals import refusal
from meetings.wording.typography import plain
from tests.acting import coordinator
from tests.clock import FakeClock
from tests.steps import (
    allowing_off_agenda,
    answer,
    ballot_opened,
    convened,
    minutes_of,
    paris,
    planned,
    vote,
)
from tests.test_session_opening import _chair_by_vote
from voting.tally import Outcome

GENERATED = datetime(2026, 12, 22, 18, 0, tzinfo=UTC)
SEVEN = ("cea", "moselle", "ardennes", "aube", "marne", "haute-marne", "vosges")


@pytest.fixture
def governance(governance: Governance) -> Governance:
    return allowing_off_agenda(governance)


async def _text(services: Services, meeting_id: int) -> str:
    markdown = render_markdown(await minutes_of(services, meeting_id), GENERATED)
    return plain(markdown).replace("**", "")


async def _urgent(services: Services, clock: FakeClock, *present: str) -> Meeting:
    actor = await coordinator(services)
    clock.now = paris(2026, 12, 13, 9)
    meeting = await planned(services, paris(2026, 12, 15, 14))
    await convene(services, actor, meeting.id, "Marché à notifier")
    await answer(services, meeting, **dict.fromkeys(present, "present"))
    clock.now = paris(2026, 12, 15, 14)
    return meeting


# --- the rulings are not deliberations --------------------------------------------------------


async def test_the_ruling_on_the_urgency_is_headed_as_such_and_takes_no_number(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    meeting = await _urgent(services, clock, "region_grand_est", *SEVEN)
    ruling = (await open_session(services, actor, meeting.id)).urgency
    assert ruling is not None
    for member in ("region-grand-est", *SEVEN):
        await vote(services, ruling.ballot, member, "for")
    closed = await close_ballot(services, actor, ruling.ballot.id)
    assert closed.result.outcome is Outcome.ADOPTED
    assert closed.ballot.reference is None
    budget = (await ballot_opened(services, "Adopter le budget 2027")).ballot
    for member in ("region-grand-est", *SEVEN):
        await vote(services, budget, member, "for")
    assert (await close_ballot(services, actor, budget.id)).ballot.reference == "COGOUV-2026-01"
    clock.now = paris(2026, 12, 15, 16)
    await adjourn(services, actor, meeting.id)

    text = await _text(services, meeting.id)
    assert f"Décision sur l'urgence — scrutin n° {ruling.ballot.id}" in text
    assert "Délibération COGOUV-2026-01 — point 2 de l'ordre du jour" in text
    assert "hors ordre du jour" not in text
    assert "L'urgence est reconnue." in text
    assert text.count("La délibération est adoptée.") == 1  # the budget's only


async def test_the_vote_designating_a_chair_is_headed_as_such_and_takes_no_number(
    services: Services, clock: FakeClock
) -> None:
    services.governance = _chair_by_vote(services.governance)
    actor = await coordinator(services)
    clock.now = paris(2026, 12, 8, 9)
    meeting = await convened(services, paris(2026, 12, 15, 14), **dict.fromkeys(SEVEN, "present"))
    clock.now = paris(2026, 12, 15, 14)
    await open_session(services, actor, meeting.id)
    proposed = await designate_chair(services, actor, meeting.id, "cea", "Paul Martin")
    assert proposed.ballot is not None
    ballot = proposed.ballot.ballot
    for member in SEVEN:
        await vote(services, ballot, member, "for")
    closed = await close_ballot(services, actor, ballot.id)
    assert closed.chair is not None and closed.ballot.reference is None

    text = await _text(services, meeting.id)
    assert f"Désignation du président de séance — scrutin n° {ballot.id}" in text
    assert "La désignation est adoptée." in text and "La délibération" not in text
    assert "hors ordre du jour" not in text


# --- a vote on the urgency without quorum -----------------------------------------------------


async def test_a_vote_on_the_urgency_without_quorum_is_held_again(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    meeting = await _urgent(services, clock, "region_grand_est", "cea")
    first = (await open_session(services, actor, meeting.id)).urgency
    assert first is not None
    for member in ("region-grand-est", "cea"):
        await vote(services, first.ballot, member, "for")
    closed = await close_ballot(services, actor, first.ballot.id)
    assert closed.result.outcome is Outcome.NO_QUORUM
    assert urgency_ruling(closed.ballot) is UrgencyRuling.NOT_HELD
    with pytest.raises(OpeningRulingPending) as pending:
        await ballot_opened(services, "Budget")
    assert pending.value.code == "opening_ruling_pending.urgency_again"
    assert "faute de quorum" in plain(refusal(pending.value, "fr", meeting=meeting.id))

    for member in SEVEN[1:]:
        await record_presence(services, actor, meeting.id, member, arrived=True)
    again = (await open_session(services, actor, meeting.id)).urgency
    assert again is not None
    for member in ("region-grand-est", *SEVEN):
        await vote(services, again.ballot, member, "for")
    assert (await close_ballot(services, actor, again.ballot.id)).result.outcome is (
        Outcome.ADOPTED
    )
    await ballot_opened(services, "Budget")

    text = await _text(services, meeting.id)
    assert "urgence non reconnue" not in text
    assert "Quorum non atteint : l'instance n'a pas statué sur l'urgence." in text
    assert f"vote sur l'urgence sans quorum (scrutin n° {first.ballot.id})" in text
    assert (
        "urgence reconnue par l'instance à l'ouverture de la séance "
        f"(scrutin n° {again.ballot.id})."
    ) in text


# --- the chair designated for the session -----------------------------------------------------


async def _region_absent(services: Services, clock: FakeClock) -> Meeting:
    clock.now = paris(2026, 12, 8, 9)
    meeting = await convened(services, paris(2026, 12, 15, 14), **dict.fromkeys(SEVEN, "present"))
    clock.now = paris(2026, 12, 15, 14)
    return meeting


async def test_a_designation_before_the_opening_may_be_replaced_not_after_it(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    meeting = await _region_absent(services, clock)
    await designate_chair(services, actor, meeting.id, "moselle", "Jeanne Moselle")
    await designate_chair(services, actor, meeting.id, "cea", "Paul Martin")
    designation = await services.sessions.chair_designation(meeting.id)
    assert designation is not None and designation.member_id == "cea"
    await open_session(services, actor, meeting.id)
    clock.now = paris(2026, 12, 15, 15)
    with pytest.raises(ChairAlreadyDesignated) as refused:
        await designate_chair(services, actor, meeting.id, "moselle", "Jeanne Moselle")
    assert "Paul Martin" in plain(refusal(refused.value, "fr", number=meeting.id))
    designation = await services.sessions.chair_designation(meeting.id)
    assert designation is not None and designation.member_id == "cea"
    clock.now = paris(2026, 12, 15, 16)
    await adjourn(services, actor, meeting.id)
    assert "Jeanne Moselle" not in await _text(services, meeting.id)


async def test_the_instance_does_not_vote_again_on_a_chair_it_designated(
    services: Services, clock: FakeClock
) -> None:
    services.governance = _chair_by_vote(services.governance)
    actor = await coordinator(services)
    meeting = await _region_absent(services, clock)
    await open_session(services, actor, meeting.id)
    proposed = await designate_chair(services, actor, meeting.id, "cea", "Paul Martin")
    assert proposed.ballot is not None
    for member in SEVEN:
        await vote(services, proposed.ballot.ballot, member, "for")
    await close_ballot(services, actor, proposed.ballot.ballot.id)
    with pytest.raises(ChairAlreadyDesignated):
        await designate_chair(services, actor, meeting.id, "moselle", "Jeanne Moselle")


async def test_a_chair_designated_before_the_opening_is_said_so_in_the_minutes(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    meeting = await _region_absent(services, clock)
    clock.now = paris(2026, 12, 14, 10)
    await designate_chair(services, actor, meeting.id, "cea", "Paul Martin")
    clock.now = paris(2026, 12, 15, 14)
    await open_session(services, actor, meeting.id)
    text = await _text(services, meeting.id)
    assert "désigné(e) en séance" not in text
    assert (
        "Paul Martin (Collectivité européenne d'Alsace) (désigné(e) avant l'ouverture de la "
        "séance, le lundi 14 décembre 2026 à 10 h 00, par le coordonnateur, en l'absence de la "
        "Région Grand Est)"
    ) in text


# --- a represented chair does not preside -----------------------------------------------------


async def test_a_chair_represented_by_proxy_does_not_preside(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    meeting = await _region_absent(services, clock)
    await answer(services, meeting, region_grand_est="proxy:cea")
    with pytest.raises(ChairToDesignate) as refused:
        await open_session(services, actor, meeting.id)
    assert "n'est pas présent :" in plain(refusal(refused.value, "fr", number=meeting.id))
    await designate_chair(services, actor, meeting.id, "moselle", "Jeanne Moselle")
    await open_session(services, actor, meeting.id)
    ballot = (await ballot_opened(services, "Budget")).ballot
    assert ballot.chair == "moselle"
    minutes = await minutes_of(services, meeting.id)
    assert minutes.chair.person == "Jeanne Moselle" and minutes.chair.designated is not None
