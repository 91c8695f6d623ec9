"""A question off the agenda: put to the vote in a session only where the instance allows it
(``off_agenda_ballots``, off by default; the instances that allow it are tested in
test_minutes_record)."""

from __future__ import annotations

import pytest

from bot.harness import OfflineHarness
from config.loader import default_config_dir, load_config_dir
from meetings.meeting import (
    AgendaItem,
    OffAgenda,
    agenda_position,
)
from meetings.services import Services
from meetings.wording.refusals import refusal
from meetings.wording.typography import plain
from tests.clock import FakeClock
from tests.conftest import COORDINATOR, COORDINATOR_ID
from tests.steps import ballot_opened, in_session, paris
from tests.test_bot_ballots import press_form
from voting.ballot import BallotState

AGENDA = (AgendaItem("Budget 2027", "Adopter le budget 2027"), AgendaItem("Questions diverses"))


def test_a_question_is_on_the_agenda_by_its_motion_or_its_title() -> None:
    assert agenda_position(AGENDA, "  adopter le budget 2027 ") == 1
    assert agenda_position(AGENDA, "Budget 2027") == 1
    assert agenda_position(AGENDA, "Questions diverses") == 2
    assert agenda_position(AGENDA, "Renouveler le marché") is None


def test_the_instances_refuse_questions_off_the_agenda_by_default() -> None:
    shipped = load_config_dir(default_config_dir())
    assert not any(
        instance.off_agenda_ballots
        for groupement in shipped.groupements.values()
        for instance in groupement.instances
    )


async def test_a_question_off_the_agenda_is_refused_by_default(
    services: Services, clock: FakeClock
) -> None:
    meeting = await in_session(
        services, clock, paris(2026, 12, 22), region_grand_est="present", cea="present"
    )

    with pytest.raises(OffAgenda) as refused:
        await ballot_opened(services, "Renouveler le marché")

    assert await services.ballots.find(meeting_id=meeting.id) == []
    assert plain(refusal(refused.value, "fr")) == (
        f"Cette question n'est pas à l'ordre du jour de la réunion n° {meeting.id}, et cette "
        "instance ne vote pas sur une question hors ordre du jour : choisissez une délibération "
        "de l'ordre du jour. Aucun scrutin n'a été ouvert."
    )
    # The agenda's motions are still put to the vote.
    opened = await ballot_opened(services, "Adopter le budget 2027")
    assert opened.ballot.state is BallotState.OPEN


async def test_a_written_consultation_has_no_agenda_to_keep_to(services: Services) -> None:
    opened = await ballot_opened(services, "Renouveler le marché")

    assert opened.ballot.draft.meeting_id is None


async def test_the_ballot_form_says_why_a_question_off_the_agenda_is_refused(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    services = harness.services
    meeting = await in_session(services, clock, paris(2026, 12, 22), region_grand_est="present")

    await harness.say(COORDINATOR, "/scrutin")
    await press_form(harness, "Comité de gouvernance")
    await harness.say(COORDINATOR, "Renouveler le marché")
    refused = plain(harness.last_message_to(COORDINATOR_ID)["text"])
    # The form asks again; a motion of the agenda then goes through to the end.
    await harness.say(COORDINATOR, "Adopter le budget 2027")
    await press_form(harness, "Public (appel nominal)")
    await press_form(harness, "Sans date limite")
    await press_form(harness, "Ouvrir le scrutin")

    assert refused.startswith(
        f"Cette question n'est pas à l'ordre du jour de la réunion n° {meeting.id}"
    )
    assert refused.endswith(
        "Envoyez une autre question, ou choisissez une délibération de l'ordre du jour."
    )
    (ballot,) = await services.ballots.find(meeting_id=meeting.id)
    assert ballot.draft.question == "Adopter le budget 2027"
