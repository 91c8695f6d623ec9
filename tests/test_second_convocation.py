"""The second convocation of a meeting that lacked its quorum (CGCT L2121-17), through the
actions: only after a meeting held without its quorum, three clear days later at the earliest,
with the same agenda and a three-day notice, and ballots judged without quorum."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from meetings.actions.ballot_close import close_ballot
from meetings.actions.cancel_meeting import cancel_meeting
from meetings.actions.convene import convene
from meetings.actions.reconvene import reconvene
from meetings.actions.session_adjourn import adjourn
from meetings.actions.session_open import open_session
from meetings.meeting import (
    AlreadyReconvened,
    Meeting,
    MeetingState,
    QuorumWasMet,
    SecondConvocationTooEarly,
    WrongMeetingState,
)
from meetings.quorum import live_quorum
from meetings.scope import scope_of
from meetings.services import Services
from tests.acting import coordinator
from tests.clock import FakeClock
from tests.steps import AGENDA, PLACE, answer, ballot_opened, convened, in_session, paris, vote
from voting.ballot import BallotState
from voting.tally import Outcome


async def held(services: Services, clock: FakeClock, starts_at: datetime) -> Meeting:
    """A meeting held with only the Aube: it lacked its quorum."""
    meeting = await in_session(services, clock, starts_at, aube="present")
    clock.advance(timedelta(hours=2))
    return await adjourn(services, await coordinator(services), meeting.id)


async def test_a_second_convocation_follows_a_meeting_that_was_held(services: Services) -> None:
    first = await convened(services, paris(2026, 12, 22))

    with pytest.raises(WrongMeetingState) as refused:
        await reconvene(services, await coordinator(services), first.id, paris(2027, 1, 5))

    assert refused.value.state is MeetingState.CONVENED
    assert len(await services.meetings.find()) == 1


async def test_a_second_convocation_waits_three_clear_days(
    services: Services, clock: FakeClock
) -> None:
    first = await held(services, clock, paris(2026, 12, 22))

    with pytest.raises(SecondConvocationTooEarly) as refused:
        await reconvene(
            services, await coordinator(services), first.id, paris(2026, 12, 25, 23, 30)
        )

    assert refused.value.earliest == date(2026, 12, 26)
    assert "2026-12-26" in str(refused.value)
    assert len(await services.meetings.find()) == 1


async def test_a_second_convocation_keeps_the_agenda_and_drops_the_quorum(
    services: Services, clock: FakeClock
) -> None:
    first = await held(services, clock, paris(2026, 12, 22))

    planning = await reconvene(
        services, await coordinator(services), first.id, paris(2026, 12, 26, 9)
    )

    second = planning.meeting
    assert second.id != first.id
    assert second.state is MeetingState.PLANNED
    assert second.second_convocation
    assert second.plan.second_convocation_of == first.id
    assert second.plan.agenda == first.plan.agenda == AGENDA
    assert second.plan.starts_at == paris(2026, 12, 26, 9)
    assert (second.plan.instance_id, second.plan.place, second.plan.chair) == (
        "cogouv",
        PLACE,
        "region-grand-est",
    )
    assert await services.meetings.get(second.id) == second
    # Its own convocation owes three clear days, not the instance's five.
    assert planning.notice.needed == scope_of(services.governance, second).notice_days == 3


async def test_a_meeting_has_one_second_convocation(services: Services, clock: FakeClock) -> None:
    first = await held(services, clock, paris(2026, 12, 22))
    actor = await coordinator(services)
    second = (await reconvene(services, actor, first.id, paris(2026, 12, 26, 9))).meeting

    with pytest.raises(AlreadyReconvened) as refused:
        await reconvene(services, actor, first.id, paris(2026, 12, 28, 9))

    assert refused.value.details == {"second": second.id}
    assert len(await services.meetings.find()) == 2
    # Once that one is cancelled, another may be planned.
    await cancel_meeting(services, actor, second.id)
    third = (await reconvene(services, actor, first.id, paris(2026, 12, 28, 9))).meeting
    assert third.plan.second_convocation_of == first.id


async def test_no_second_convocation_after_a_meeting_that_had_its_quorum(
    services: Services, clock: FakeClock
) -> None:
    meeting = await in_session(
        services,
        clock,
        paris(2026, 12, 22),
        region_grand_est="present",
        cea="present",
        moselle="present",
        ardennes="present",
        aube="present",
    )
    actor = await coordinator(services)
    await adjourn(services, actor, meeting.id)

    with pytest.raises(QuorumWasMet):
        await reconvene(services, actor, meeting.id, paris(2027, 1, 5, 14))

    assert len(await services.meetings.find()) == 1


async def test_a_second_convocation_ballot_is_judged_without_quorum(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    # The first meeting: two members, no quorum.
    first = await in_session(
        services, clock, paris(2026, 12, 22), region_grand_est="present", meuse="present"
    )
    live = await live_quorum(services, first)
    assert live is not None and live.report.required and not live.report.met
    failed = (await ballot_opened(services, "Budget 2027")).ballot
    await vote(services, failed, "region-grand-est", "for")
    assert (await close_ballot(services, actor, failed.id)).result.outcome is Outcome.NO_QUORUM
    clock.advance(timedelta(hours=2))
    await adjourn(services, actor, first.id)

    second = (await reconvene(services, actor, first.id, paris(2027, 1, 5))).meeting
    await convene(services, actor, second.id)
    await answer(services, second, region_grand_est="present", meuse="present")
    clock.now = paris(2027, 1, 5)
    second = (await open_session(services, actor, second.id)).meeting

    live = await live_quorum(services, second)
    assert live is not None
    assert not live.report.required and live.report.met and live.report.second_convocation
    assert (live.report.members, live.report.weight) == (2, Decimal("5.5"))

    ballot = (await ballot_opened(services, "Budget 2027")).ballot
    assert ballot.second_convocation
    await vote(services, ballot, "region-grand-est", "for")
    await vote(services, ballot, "meuse", "against")
    closed = await close_ballot(services, actor, ballot.id)

    assert closed.ballot.state is BallotState.CLOSED
    assert closed.ballot.second_convocation
    result = closed.result
    assert result.quorum.second_convocation and not result.quorum.required
    assert result.outcome is Outcome.ADOPTED
    assert result.totals["for"].weight == Decimal("4.5")
    assert result.totals["against"].weight == Decimal(1)
    assert closed.ballot.result is not None
