"""The next round of an election is held as the previous one was: in its session, or in
writing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from config.models import Governance
from meetings.actions.ballot_close import close_ballot
from meetings.actions.ballot_open import open_ballot
from meetings.actions.election_rounds import (
    RoundSessionClosed,
    RoundWhileInSession,
    open_next_round,
)
from meetings.actions.session_adjourn import adjourn
from meetings.minutes.blocks import ChartSlot, Paragraph
from meetings.minutes.results import result_blocks
from meetings.services import Services
from meetings.wording.refusals import refusal
from meetings.wording.typography import plain
from tests.acting import coordinator
from tests.clock import FakeClock
from tests.conftest import GROUPEMENT
from tests.steps import allowing_off_agenda, in_session, paris, vote
from tests.test_election import votes_for
from tests.test_election_records import CANDIDATES, PRESENT, QUESTION, SPLIT
from tests.test_tally import COGOUV, WEIGHTS_2022
from voting.ballot import Ballot, BallotMode
from voting.election import elect, election_options
from voting.electorate import Electorate
from voting.tally import Outcome


@pytest.fixture
def governance(governance: Governance) -> Governance:
    return allowing_off_agenda(governance)


async def first_round(services: Services, *, deadline_days: int | None = None) -> Ballot:
    """A first round that elects nobody, closed by the coordinator."""
    actor = await coordinator(services)
    deadline = None if deadline_days is None else services.clock() + timedelta(days=deadline_days)
    first = (
        await open_ballot(
            services,
            actor,
            GROUPEMENT,
            "cogouv",
            QUESTION,
            options=election_options(CANDIDATES),
            election_round=1,
            deadline=deadline,
        )
    ).ballot
    for member, option in SPLIT.items():
        await vote(services, first, member, option)
    return (await close_ballot(services, actor, first.id)).ballot


async def test_a_round_of_a_closed_session_does_not_reopen_in_writing(
    services: Services, clock: FakeClock
) -> None:
    meeting = await in_session(services, clock, paris(2026, 12, 22), **PRESENT)
    first = await first_round(services)
    assert first.draft.mode is BallotMode.MEETING
    actor = await coordinator(services)
    clock.now = paris(2026, 12, 22, 16)
    await adjourn(services, actor, meeting.id)

    for _press in range(2):
        with pytest.raises(RoundSessionClosed) as refused:
            await open_next_round(services, actor, first.id)

    assert [b.id for b in await services.ballots.find()] == [first.id]
    assert plain(refusal(refused.value, "fr")) == (
        f"Le scrutin n° {first.id} s'est tenu pendant la séance de la réunion n° {meeting.id}, "
        "qui n'est plus ouverte : son tour suivant ne pouvait se tenir que dans cette séance. "
        "Rien n'a été ouvert."
    )


async def test_a_written_round_is_followed_in_writing_with_a_deadline_as_long(
    services: Services, clock: FakeClock
) -> None:
    clock.now = paris(2026, 12, 1, 9)
    first = await first_round(services, deadline_days=3)
    assert first.draft.mode is BallotMode.WRITTEN
    clock.now = paris(2026, 12, 2, 10)
    actor = await coordinator(services)

    second = (await open_next_round(services, actor, first.id)).ballot

    assert second.draft.mode is BallotMode.WRITTEN and second.draft.meeting_id is None
    assert second.draft.election_round == 2
    assert second.draft.deadline == paris(2026, 12, 5, 10)


async def test_a_written_round_is_not_absorbed_by_an_open_session(
    services: Services, clock: FakeClock
) -> None:
    clock.now = paris(2026, 12, 1, 9)
    first = await first_round(services)
    assert first.draft.mode is BallotMode.WRITTEN
    meeting = await in_session(services, clock, paris(2026, 12, 22), **PRESENT)
    actor = await coordinator(services)

    with pytest.raises(RoundWhileInSession) as refused:
        await open_next_round(services, actor, first.id)

    assert [b.id for b in await services.ballots.find()] == [first.id]
    assert plain(refusal(refused.value, "fr")) == (
        f"Le scrutin n° {first.id} était une consultation écrite : son tour suivant en est une "
        f"aussi, et ne s'ouvre pas pendant la séance de la réunion n° {meeting.id}. "
        "Ouvrez-le une fois la séance close."
    )


def test_the_minutes_say_nobody_is_elected_at_a_round_without_quorum() -> None:
    few = Electorate(WEIGHTS_2022, frozenset({"region", "cea"}))
    votes = votes_for(durand=("region",), martin=("cea",))
    result = elect(few, votes, COGOUV, candidates=CANDIDATES, round_number=2)
    assert result.outcome is Outcome.NO_QUORUM

    blocks = result_blocks(
        result, (), ChartSlot("chart"), secret=True, written=False, language="fr"
    )

    decision = next(b.text for b in blocks if isinstance(b, Paragraph) and b.bold)
    assert plain(decision) == (
        "Quorum non atteint : nul n'a pu être valablement élu au 2e tour ; ce tour est "
        "organisé à nouveau."
    )
