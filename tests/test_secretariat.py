"""The secretariat: planning and convening with notice, second convocation, recipients,
replies, and the session's electorate, live quorum and ballots."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from meetings.secretariat import (
    LateConvocation,
    NotAVotingInstance,
    NotConvened,
    NotItsDay,
    QuorumWasMet,
    Recipient,
    SecondConvocationTooEarly,
    Secretariat,
)

from config.models import GovernanceLookupError
from meetings.meeting import (
    AgendaItem,
    InvalidPlan,
    Meeting,
    MeetingPlan,
    MeetingState,
    ReplyKind,
    WrongMeetingState,
)
from meetings.roster import Role
from meetings.services import Services
from tests.clock import FakeClock
from tests.conftest import GROUPEMENT, MEMBERS, NOW
from voting.ballot import BallotMode, BallotState
from voting.rules import BallotKind
from voting.tally import Outcome

PARIS = ZoneInfo("Europe/Paris")
COORD = "tg:1001"
AGENDA = (
    AgendaItem("Approbation du procès-verbal", "Approuver le PV du 20 octobre"),
    AgendaItem("Budget 2027", "Adopter le budget 2027"),
)


def paris(year: int, month: int, day: int, hour: int = 14, minute: int = 0) -> datetime:
    """A Paris wall-clock time, as the UTC instant the stores keep."""
    return datetime(year, month, day, hour, minute, tzinfo=PARIS).astimezone(UTC)


def make_plan(starts_at: datetime, instance_id: str = "cogouv", **changes: Any) -> MeetingPlan:
    return MeetingPlan(
        groupement_id=GROUPEMENT,
        instance_id=instance_id,
        starts_at=starts_at,
        place="Hôtel de Région, Metz",
        agenda=AGENDA,
        **changes,
    )


@pytest.fixture
def secretariat(services: Services) -> Secretariat:
    return services.secretariat


async def plan(
    secretariat: Secretariat, starts_at: datetime, instance_id: str = "cogouv"
) -> Meeting:
    return await secretariat.plan(make_plan(starts_at, instance_id), COORD)


async def replies(secretariat: Secretariat, meeting: Meeting, **answers: str) -> None:
    """``aube="proxy:region-grand-est"``, ``moselle="video"``... with ``_`` for ``-``."""
    for member, answer in answers.items():
        kind, _, holder = answer.partition(":")
        await secretariat.reply(
            meeting.id,
            member.replace("_", "-"),
            ReplyKind(kind),
            replied_by=f"person-of-{member}",
            proxy_holder=holder or None,
        )


async def in_session(
    secretariat: Secretariat, clock: FakeClock, starts_at: datetime, **answers: str
) -> Meeting:
    """A COGOUV meeting convened, replied to, and opened at its start time."""
    meeting = await plan(secretariat, starts_at)
    await secretariat.convene(meeting.id)
    await replies(secretariat, meeting, **answers)
    clock.now = starts_at
    return await secretariat.open_session(meeting.id)


# --- planning ------------------------------------------------------------------------


async def test_the_chair_defaults_to_the_coordinator(secretariat: Secretariat) -> None:
    meeting = await plan(secretariat, paris(2026, 12, 22))

    assert meeting.plan.chair == "region-grand-est"
    assert meeting.state is MeetingState.PLANNED


async def test_a_plan_in_the_past_or_with_a_stranger_as_chair_is_refused(
    services: Services, secretariat: Secretariat
) -> None:
    with pytest.raises(InvalidPlan, match="future"):
        await secretariat.plan(make_plan(NOW), COORD)
    with pytest.raises(GovernanceLookupError):
        await secretariat.plan(make_plan(paris(2026, 12, 22), chair="nowhere"), COORD)
    with pytest.raises(GovernanceLookupError):
        await secretariat.plan(make_plan(paris(2026, 12, 22), instance_id="nope"), COORD)
    with pytest.raises(InvalidPlan, match="time zone"):
        await secretariat.plan(make_plan(datetime(2026, 12, 22, 14, 0)), COORD)  # noqa: DTZ001
    assert await services.meetings.find() == []


# --- convening -------------------------------------------------------------------------


async def test_convening_on_time(services: Services, secretariat: Secretariat) -> None:
    meeting = await plan(secretariat, paris(2026, 12, 22))

    assert secretariat.notice(meeting) == (5, 6, date(2026, 12, 16))
    convened = await secretariat.convene(meeting.id)

    assert convened.state is MeetingState.CONVENED
    assert convened.convened_at == NOW
    assert not convened.urgent and convened.urgency_reason is None
    # Urgency claimed without need is not recorded.
    again = await secretariat.convene(meeting.id, urgent=True, reason="sans objet")
    assert not again.urgent and again.urgency_reason is None


async def test_on_the_last_day_the_convocation_is_still_on_time(
    secretariat: Secretariat, clock: FakeClock
) -> None:
    meeting = await plan(secretariat, paris(2026, 12, 22))
    clock.now = paris(2026, 12, 16, 23, 59)
    assert (await secretariat.convene(meeting.id)).state is MeetingState.CONVENED


async def test_a_late_convocation_is_refused_with_the_last_day(
    services: Services, secretariat: Secretariat
) -> None:
    meeting = await plan(secretariat, paris(2026, 12, 18))

    with pytest.raises(LateConvocation) as refused:
        await secretariat.convene(meeting.id)

    late = refused.value
    assert (late.needed, late.actual, late.last_day, late.urgent) == (
        5,
        2,
        date(2026, 12, 12),
        False,
    )
    assert "5 needed" in str(late) and "2026-12-12" in str(late)
    assert late.code == "late_convocation"
    stored = await services.meetings.get(meeting.id)
    assert stored.state is MeetingState.PLANNED
    assert stored.convened_at is None


async def test_an_urgent_convocation_with_its_reason_is_accepted_and_recorded(
    services: Services, secretariat: Secretariat
) -> None:
    meeting = await plan(secretariat, paris(2026, 12, 18))

    convened = await secretariat.convene(
        meeting.id, urgent=True, reason="Attribution du marché avant la fin de l'exercice"
    )

    assert convened.state is MeetingState.CONVENED
    assert convened.urgent
    assert convened.urgency_reason == "Attribution du marché avant la fin de l'exercice"
    cursor = await services.database.connection.execute(
        "SELECT state, urgent, urgency_reason FROM meetings WHERE id = ?", (meeting.id,)
    )
    assert tuple(await cursor.fetchone() or ()) == (
        "convened",
        1,
        "Attribution du marché avant la fin de l'exercice",
    )


async def test_an_urgent_convocation_needs_one_clear_day(
    services: Services, secretariat: Secretariat
) -> None:
    meeting = await plan(secretariat, paris(2026, 12, 16, 18))

    with pytest.raises(LateConvocation) as refused:
        await secretariat.convene(meeting.id, urgent=True, reason="Urgence")

    late = refused.value
    assert (late.needed, late.actual, late.urgent) == (1, 0, True)
    # The last day to convene with one clear day, not the ordinary five.
    assert late.last_day == date(2026, 12, 14)
    assert (await services.meetings.get(meeting.id)).state is MeetingState.PLANNED


@pytest.mark.parametrize("reason", [None, "", "   "])
async def test_an_urgent_convocation_states_its_reason(
    services: Services, secretariat: Secretariat, reason: str | None
) -> None:
    meeting = await plan(secretariat, paris(2026, 12, 18))

    with pytest.raises(InvalidPlan, match="reason"):
        await secretariat.convene(meeting.id, urgent=True, reason=reason)

    assert (await services.meetings.get(meeting.id)).state is MeetingState.PLANNED


# --- second convocation ------------------------------------------------------------------


async def held(secretariat: Secretariat, clock: FakeClock, starts_at: datetime) -> Meeting:
    meeting = await in_session(secretariat, clock, starts_at, aube="present")
    clock.advance(timedelta(hours=2))
    return await secretariat.meetings.close_session(meeting.id)


async def test_a_second_convocation_follows_a_meeting_that_was_held(
    services: Services, secretariat: Secretariat
) -> None:
    first = await plan(secretariat, paris(2026, 12, 22))
    await secretariat.convene(first.id)

    with pytest.raises(WrongMeetingState) as refused:
        await secretariat.second_convocation(first.id, paris(2027, 1, 5), COORD)

    assert refused.value.state is MeetingState.CONVENED
    assert len(await services.meetings.find()) == 1


async def test_a_second_convocation_waits_three_clear_days(
    services: Services, secretariat: Secretariat, clock: FakeClock
) -> None:
    first = await held(secretariat, clock, paris(2026, 12, 22))

    with pytest.raises(SecondConvocationTooEarly) as refused:
        await secretariat.second_convocation(first.id, paris(2026, 12, 25, 23, 30), COORD)

    assert refused.value.earliest == date(2026, 12, 26)
    assert "2026-12-26" in str(refused.value)
    assert len(await services.meetings.find()) == 1


async def test_a_second_convocation_keeps_the_agenda_and_drops_the_quorum(
    secretariat: Secretariat, clock: FakeClock
) -> None:
    first = await held(secretariat, clock, paris(2026, 12, 22))

    second = await secretariat.second_convocation(first.id, paris(2026, 12, 26, 9), COORD)

    assert second.id != first.id
    assert second.state is MeetingState.PLANNED
    assert second.second_convocation
    assert second.plan.second_convocation_of == first.id
    assert second.plan.agenda == first.plan.agenda == AGENDA
    assert second.plan.starts_at == paris(2026, 12, 26, 9)
    assert (second.plan.instance_id, second.plan.place, second.plan.chair) == (
        "cogouv",
        "Hôtel de Région, Metz",
        "region-grand-est",
    )
    assert await secretariat.meetings.get(second.id) == second


# --- recipients ------------------------------------------------------------------------


async def bind(services: Services, member: str, role: Role, person: str) -> None:
    invitation = await services.roster.invite(GROUPEMENT, member, role, COORD)
    await services.roster.accept(invitation.token, person, person)


async def test_recipients_are_the_representatives_and_the_advisory_people(
    services: Services, secretariat: Secretariat
) -> None:
    await bind(services, "region-grand-est", Role.TITULAIRE, "tg:2001")
    await bind(services, "region-grand-est", Role.SUPPLEANT, "tg:3001")
    await bind(services, "moselle", Role.TITULAIRE, "tg:2003")
    await bind(services, "dane", Role.ADVISORY, "tg:4001")
    await bind(services, "autorites-academiques", Role.ADVISORY, "tg:4002")
    # A seat of an advisory participant that is not an advisory one is not convened.
    await bind(services, "dane", Role.TITULAIRE, "tg:4003")
    # Bas-Rhin left in 2021: its former representative is not convened.
    await bind(services, "bas-rhin", Role.TITULAIRE, "tg:5001")
    meeting = await plan(secretariat, paris(2026, 12, 22))

    found = await secretariat.recipients(meeting)

    assert sorted(found, key=lambda r: r.person_id) == [
        Recipient("tg:2001", "region-grand-est", advisory=False),
        Recipient("tg:2003", "moselle", advisory=False),
        Recipient("tg:3001", "region-grand-est", advisory=False),
        Recipient("tg:4001", "dane", advisory=True),
        Recipient("tg:4002", "autorites-academiques", advisory=True),
    ]
    # Members first, then the advisory people.
    assert [r.advisory for r in found] == [False, False, False, True, True]


async def test_a_non_voting_instance_convenes_every_active_member(
    services: Services, secretariat: Secretariat
) -> None:
    await bind(services, "vosges", Role.TITULAIRE, "tg:2010")
    await bind(services, "bas-rhin", Role.TITULAIRE, "tg:5001")
    await bind(services, "dane", Role.ADVISORY, "tg:4001")
    meeting = await plan(secretariat, paris(2026, 12, 22), "cst")

    assert sorted(secretariat.members(meeting)) == sorted(MEMBERS)
    assert await secretariat.recipients(meeting) == [
        Recipient("tg:2010", "vosges", advisory=False),
        Recipient("tg:4001", "dane", advisory=True),
    ]


# --- replies -----------------------------------------------------------------------------


async def test_no_proxy_in_an_instance_that_does_not_vote(
    services: Services, secretariat: Secretariat
) -> None:
    meeting = await plan(secretariat, paris(2026, 12, 22), "cst")

    with pytest.raises(NotAVotingInstance):
        await secretariat.reply(meeting.id, "aube", ReplyKind.PROXY, "tg:2005", "marne")

    assert await services.meetings.replies(meeting.id) == {}
    # Other replies are welcome.
    await secretariat.reply(meeting.id, "aube", ReplyKind.EXCUSED, "tg:2005")
    assert (await services.meetings.replies(meeting.id))["aube"].kind is ReplyKind.EXCUSED
    assert await secretariat.live_quorum(meeting) is None


async def test_eligible_holders_follow_the_instance_rules(secretariat: Secretariat) -> None:
    meeting = await plan(secretariat, paris(2026, 12, 22))
    await replies(secretariat, meeting, aube="proxy:marne", vosges="excused")

    assert await secretariat.eligible_holders(meeting, "meuse") == [
        "region-grand-est",
        "cea",
        "moselle",
        "ardennes",
        "haute-marne",
        "meurthe-et-moselle",
    ]


# --- the session: electorate and live quorum ----------------------------------------------


FOUR_AND_A_PROXY: dict[str, str] = {
    "region_grand_est": "present",
    "cea": "present",
    "moselle": "video",
    "ardennes": "present",
    "aube": "proxy:region-grand-est",
    "marne": "excused",
    "dane": "present",
}


async def test_four_present_and_a_proxy_make_the_quorum(
    secretariat: Secretariat, clock: FakeClock
) -> None:
    meeting = await in_session(secretariat, clock, paris(2026, 12, 22), **FOUR_AND_A_PROXY)

    table, electorate = await secretariat.electorate(meeting)
    assert table == "ent-2022-avenant-1"
    assert electorate.present == {"region-grand-est", "cea", "moselle", "ardennes"}
    assert dict(electorate.proxies) == {"aube": "region-grand-est"}
    assert electorate.total_weight == Decimal(15)

    live = await secretariat.live_quorum(meeting)
    assert live is not None
    assert live.present == {"region-grand-est", "cea", "moselle", "ardennes"}
    assert live.represented == {"aube"}
    report = live.report
    assert report.required and report.met
    assert (report.members, report.weight) == (5, Decimal("10"))
    assert (report.total_members, report.total_weight) == (10, Decimal(15))
    assert (report.required_members, report.required_weight) == (5, Decimal("7.5"))
    assert not report.second_convocation


async def test_a_proxy_whose_holder_left_does_not_count(
    secretariat: Secretariat, clock: FakeClock
) -> None:
    meeting = await in_session(secretariat, clock, paris(2026, 12, 22), **FOUR_AND_A_PROXY)
    clock.advance(timedelta(minutes=40))

    assert await secretariat.record_presence(meeting, "region-grand-est", False, COORD)

    _, electorate = await secretariat.electorate(meeting)
    assert electorate.present == {"cea", "moselle", "ardennes"}
    assert dict(electorate.proxies) == {}
    live = await secretariat.live_quorum(meeting)
    assert live is not None
    assert (live.report.members, live.report.weight, live.report.met) == (3, Decimal("4.5"), False)

    # The holder comes back: the proxy is exercised again.
    assert await secretariat.record_presence(meeting, "region-grand-est", True, COORD)
    live = await secretariat.live_quorum(meeting)
    assert live is not None
    assert live.represented == {"aube"}
    assert live.report.met


async def test_a_giver_who_arrives_sits_itself(
    services: Services, secretariat: Secretariat, clock: FakeClock
) -> None:
    meeting = await in_session(secretariat, clock, paris(2026, 12, 22), **FOUR_AND_A_PROXY)
    clock.advance(timedelta(minutes=5))

    await secretariat.record_presence(meeting, "aube", True, COORD)

    _, electorate = await secretariat.electorate(meeting)
    assert "aube" in electorate.present
    assert dict(electorate.proxies) == {}
    live = await secretariat.live_quorum(meeting)
    assert live is not None
    assert live.represented == frozenset()
    assert (live.report.members, live.report.weight) == (5, Decimal("10"))

    ballot = await secretariat.open_ballot(meeting.id, "Budget 2027", kind=None, created_by=COORD)
    assert ballot.electorate is not None
    assert dict(ballot.electorate.proxies) == {}
    await services.ballots.cast(ballot.id, "aube", "for", cast_by="tg:2005")


async def test_the_quorum_is_lost_when_members_leave(
    secretariat: Secretariat, clock: FakeClock
) -> None:
    meeting = await in_session(secretariat, clock, paris(2026, 12, 22), **FOUR_AND_A_PROXY)
    live = await secretariat.live_quorum(meeting)
    assert live is not None and live.report.met

    clock.advance(timedelta(minutes=50))
    await secretariat.record_presence(meeting, "ardennes", False, COORD)

    # Four members (with the proxy) and 9 voices: the headcount fails.
    live = await secretariat.live_quorum(meeting)
    assert live is not None
    assert (live.report.members, live.report.weight, live.report.met) == (4, Decimal(9), False)

    await secretariat.record_presence(meeting, "meuse", True, COORD, video=True)
    live = await secretariat.live_quorum(meeting)
    assert live is not None and live.report.met

    await secretariat.record_presence(meeting, "cea", False, COORD)
    await secretariat.record_presence(meeting, "moselle", False, COORD)
    # Region, Meuse and Aube's proxy: 3 members, 6.5 voices.
    live = await secretariat.live_quorum(meeting)
    assert live is not None
    assert (live.report.members, live.report.weight, live.report.met) == (3, Decimal("6.5"), False)
    attendance = await secretariat.meetings.attendance(meeting.id)
    assert [d.member_id for d in attendance.departures] == ["ardennes", "cea", "moselle"]


async def test_advisory_participants_never_enter_the_electorate(
    secretariat: Secretariat, clock: FakeClock
) -> None:
    meeting = await in_session(secretariat, clock, paris(2026, 12, 22), **FOUR_AND_A_PROXY)
    await secretariat.record_presence(meeting, "autorites-academiques", True, COORD)

    attendance = await secretariat.meetings.attendance(meeting.id)
    assert attendance.advisory_present == {"dane", "autorites-academiques"}
    _, electorate = await secretariat.electorate(meeting)
    assert not {"dane", "autorites-academiques"} & set(electorate.weights)
    assert not {"dane", "autorites-academiques"} & electorate.present


# --- ballots in session ------------------------------------------------------------------


async def test_a_session_ballot_freezes_the_replies_proxies_and_the_chair(
    services: Services, secretariat: Secretariat, clock: FakeClock
) -> None:
    meeting = await in_session(secretariat, clock, paris(2026, 12, 22), **FOUR_AND_A_PROXY)

    ballot = await secretariat.open_ballot(
        meeting.id, "Adopter le budget 2027", kind=None, created_by=COORD
    )

    assert ballot.state is BallotState.OPEN
    assert ballot.draft.mode is BallotMode.MEETING
    assert ballot.draft.meeting_id == meeting.id
    assert ballot.draft.kind is BallotKind.PUBLIC
    assert ballot.chair == "region-grand-est"
    assert not ballot.second_convocation
    assert ballot.weight_table_id == "ent-2022-avenant-1"
    assert ballot.electorate is not None
    assert ballot.electorate.present == {"region-grand-est", "cea", "moselle", "ardennes"}
    assert dict(ballot.electorate.proxies) == {"aube": "region-grand-est"}
    assert await services.ballots.get(ballot.id) == ballot

    # The holder votes for the giver; the electorate stays frozen when people leave.
    await services.ballots.cast(ballot.id, "aube", "for", cast_by="tg:2001")
    await services.ballots.cast(ballot.id, "region-grand-est", "for", cast_by="tg:2001")
    await services.ballots.cast(ballot.id, "cea", "against", cast_by="tg:2002")
    await secretariat.record_presence(meeting, "region-grand-est", False, COORD)
    await services.ballots.cast(ballot.id, "moselle", "abstain", cast_by="tg:2003")
    _, result = await services.ballots.close(ballot.id)
    assert result.quorum.met
    assert result.outcome is Outcome.ADOPTED
    assert result.totals["for"].weight == Decimal("5.5")


async def test_a_ballot_opened_after_the_holder_left_carries_no_proxy(
    services: Services, secretariat: Secretariat, clock: FakeClock
) -> None:
    from voting.ballot import NotEntitled

    meeting = await in_session(secretariat, clock, paris(2026, 12, 22), **FOUR_AND_A_PROXY)
    await secretariat.record_presence(meeting, "region-grand-est", False, COORD)

    ballot = await secretariat.open_ballot(meeting.id, "Budget", kind=None, created_by=COORD)

    assert ballot.electorate is not None
    assert dict(ballot.electorate.proxies) == {}
    with pytest.raises(NotEntitled):
        await services.ballots.cast(ballot.id, "aube", "for", cast_by="tg:2001")
    _, result = await services.ballots.close(ballot.id)
    assert result.outcome is Outcome.NO_QUORUM


async def test_no_ballot_outside_the_session_or_in_a_non_voting_instance(
    services: Services, secretariat: Secretariat, clock: FakeClock
) -> None:
    planned = await plan(secretariat, paris(2026, 12, 22))
    with pytest.raises(WrongMeetingState) as refused:
        await secretariat.open_ballot(planned.id, "Budget", kind=None, created_by=COORD)
    assert refused.value.state is MeetingState.PLANNED

    cst = await plan(secretariat, paris(2026, 12, 22, 17), "cst")
    await secretariat.convene(cst.id)
    held = await in_session(secretariat, clock, paris(2026, 12, 22), region_grand_est="present")
    await secretariat.meetings.close_session(held.id)
    with pytest.raises(WrongMeetingState) as refused:
        await secretariat.open_ballot(held.id, "Budget", kind=None, created_by=COORD)
    assert refused.value.state is MeetingState.CLOSED

    await secretariat.open_session(cst.id)
    with pytest.raises(NotAVotingInstance):
        await secretariat.open_ballot(cst.id, "Budget", kind=None, created_by=COORD)
    with pytest.raises(NotAVotingInstance):
        await secretariat.electorate(await services.meetings.get(cst.id))

    assert await services.ballots.find() == []


async def test_a_second_convocation_ballot_is_judged_without_quorum(
    services: Services, secretariat: Secretariat, clock: FakeClock
) -> None:
    # The first meeting: two members, no quorum.
    first = await in_session(
        secretariat, clock, paris(2026, 12, 22), region_grand_est="present", meuse="present"
    )
    live = await secretariat.live_quorum(first)
    assert live is not None and live.report.required and not live.report.met
    failed = await secretariat.open_ballot(first.id, "Budget 2027", kind=None, created_by=COORD)
    await services.ballots.cast(failed.id, "region-grand-est", "for", cast_by="tg:2001")
    _, result = await services.ballots.close(failed.id)
    assert result.outcome is Outcome.NO_QUORUM
    clock.advance(timedelta(hours=2))
    await secretariat.meetings.close_session(first.id)

    second = await secretariat.second_convocation(first.id, paris(2027, 1, 5), COORD)
    await secretariat.convene(second.id)
    await replies(secretariat, second, region_grand_est="present", meuse="present")
    clock.now = paris(2027, 1, 5)
    second = await secretariat.open_session(second.id)

    live = await secretariat.live_quorum(second)
    assert live is not None
    assert not live.report.required and live.report.met and live.report.second_convocation
    assert (live.report.members, live.report.weight) == (2, Decimal("5.5"))

    ballot = await secretariat.open_ballot(second.id, "Budget 2027", kind=None, created_by=COORD)
    assert ballot.second_convocation
    await services.ballots.cast(ballot.id, "region-grand-est", "for", cast_by="tg:2001")
    await services.ballots.cast(ballot.id, "meuse", "against", cast_by="tg:2009")
    closed, result = await services.ballots.close(ballot.id)

    assert closed.state is BallotState.CLOSED
    assert closed.second_convocation
    assert result.quorum.second_convocation and not result.quorum.required
    assert result.outcome is Outcome.ADOPTED
    assert result.totals["for"].weight == Decimal("4.5")
    assert result.totals["against"].weight == Decimal(1)
    assert closed.result is not None


async def test_meetings_in_session_are_listed_by_groupement(
    secretariat: Secretariat, clock: FakeClock
) -> None:
    await plan(secretariat, paris(2026, 12, 23))
    held = await in_session(secretariat, clock, paris(2026, 12, 22), aube="present")

    assert [m.id for m in await secretariat.in_session((GROUPEMENT,))] == [held.id]
    assert await secretariat.in_session(("liaisons-internet",)) == []


async def test_a_chair_represented_by_proxy_has_no_casting_vote(
    services: Services, secretariat: Secretariat, clock: FakeClock
) -> None:
    """The worked example's tie, with the Région absent and represented: rejected."""
    clock.now = paris(2026, 12, 8, 9)
    meeting = await secretariat.plan(
        MeetingPlan(GROUPEMENT, "cogouv", paris(2026, 12, 15, 14), place="Metz"),
        created_by=COORD,
    )
    await secretariat.convene(meeting.id)
    present = ("cea", "moselle", "ardennes", "aube", "marne", "haute-marne", "vosges")
    for member in present:
        await secretariat.reply(meeting.id, member, ReplyKind.PRESENT, COORD)
    await secretariat.reply(
        meeting.id, "region-grand-est", ReplyKind.PROXY, COORD, proxy_holder="cea"
    )
    clock.now = paris(2026, 12, 15, 14)
    await secretariat.open_session(meeting.id)
    ballot = await secretariat.open_ballot(meeting.id, "Budget", kind=None, created_by=COORD)
    assert ballot.chair is None
    votes = {
        "region-grand-est": "for",
        "moselle": "against",
        "ardennes": "against",
        "aube": "against",
        "marne": "against",
    }
    for member, option in votes.items():
        await services.ballots.cast(ballot.id, member, option, cast_by=COORD)
    _, result = await services.ballots.close(ballot.id)
    assert result.tie and not result.casting_vote_used
    assert result.outcome.value == "rejected"


async def test_only_a_convened_meeting_opens_and_only_on_its_day(
    services: Services, secretariat: Secretariat, clock: FakeClock
) -> None:
    meeting = await plan(secretariat, paris(2026, 12, 22))
    with pytest.raises(NotConvened):
        await secretariat.open_session(meeting.id)
    await secretariat.convene(meeting.id)
    clock.now = paris(2026, 12, 21, 14)
    with pytest.raises(NotItsDay):
        await secretariat.open_session(meeting.id)
    clock.now = paris(2026, 12, 22, 13, 55)
    opened = await secretariat.open_session(meeting.id)
    assert opened.state is MeetingState.IN_SESSION


async def test_no_second_convocation_after_a_meeting_that_had_its_quorum(
    services: Services, secretariat: Secretariat, clock: FakeClock
) -> None:
    held = await in_session(
        secretariat,
        clock,
        paris(2026, 12, 22),
        region_grand_est="present",
        cea="present",
        moselle="present",
        ardennes="present",
        aube="present",
    )
    await secretariat.meetings.close_session(held.id)
    with pytest.raises(QuorumWasMet):
        await secretariat.second_convocation(held.id, paris(2027, 1, 5, 14), COORD)
    assert len(await services.meetings.find()) == 1
