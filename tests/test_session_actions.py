"""The session through its actions: opening, who is in the room, the electorate and the live
quorum, the ballots of the session (opened, voted, closed, cancelled), and adjourning."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from meetings.actions.actor import NotCoordinator
from meetings.actions.attendance import record_presence
from meetings.actions.ballot_cancel import cancel_ballot
from meetings.actions.ballot_close import close_ballot, close_due_ballots
from meetings.actions.ballot_open import SessionChanged, ballot_setting, open_ballot, session_of
from meetings.actions.convene import convene
from meetings.actions.link_chat import link_chat
from meetings.actions.lookups import meetings_in
from meetings.actions.session_adjourn import adjourn
from meetings.actions.session_chair import designate_chair
from meetings.actions.session_open import open_session
from meetings.meeting import (
    BallotsStillOpen,
    ChairToDesignate,
    MeetingState,
    NotAVotingInstance,
    NotConvened,
    NotInThisMeeting,
    NotItsDay,
)
from meetings.notifier import Group, Private
from meetings.quorum import live_quorum, meeting_electorate
from meetings.reminders import ballot_subject
from meetings.scope import scope_of
from meetings.services import Services
from meetings.wording.formats import PARIS
from meetings.wording.typography import plain
from tests.acting import coordinator
from tests.clock import FakeClock
from tests.conftest import GROUP_CHAT, GROUPEMENT
from tests.steps import (
    answer,
    ballot_opened,
    convened,
    in_session,
    notifier_of,
    paris,
    person_id_of,
    person_of,
    planned,
    vote,
)
from voting.ballot import (
    Ballot,
    BallotMode,
    BallotNotOpen,
    BallotState,
    InvalidTransition,
    NotEntitled,
)
from voting.rules import BallotKind
from voting.tally import Outcome

FOUR_AND_A_PROXY: dict[str, str] = {
    "region_grand_est": "present",
    "cea": "present",
    "moselle": "video",
    "ardennes": "present",
    "aube": "proxy:region-grand-est",
    "marne": "excused",
    "dane": "present",
}


# --- opening -------------------------------------------------------------------------------


async def test_only_a_convened_meeting_opens_and_only_on_its_day(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    meeting = await planned(services, paris(2026, 12, 22))
    with pytest.raises(NotConvened):
        await open_session(services, actor, meeting.id)
    await convene(services, actor, meeting.id)
    clock.now = paris(2026, 12, 21, 14)
    with pytest.raises(NotItsDay) as refused:
        await open_session(services, actor, meeting.id)
    assert refused.value.details == {"starts_at": paris(2026, 12, 22), "zone": PARIS}
    clock.now = paris(2026, 12, 22, 13, 55)
    await answer(services, meeting, region_grand_est="present")
    opened = await open_session(services, actor, meeting.id)
    assert opened.meeting.state is MeetingState.IN_SESSION
    assert opened.meeting.session_opened_at == clock.now


# --- the session: electorate and live quorum ----------------------------------------------


async def test_four_present_and_a_proxy_make_the_quorum(
    services: Services, clock: FakeClock
) -> None:
    meeting = await convened(services, paris(2026, 12, 22), **FOUR_AND_A_PROXY)
    clock.now = paris(2026, 12, 22)
    opened = await open_session(services, await coordinator(services), meeting.id)
    meeting = opened.meeting

    scope = scope_of(services.governance, meeting)
    assert scope.weight_table is not None and scope.weight_table.id == "ent-2022-avenant-1"
    electorate = await meeting_electorate(services, meeting, scope)
    assert electorate.present == {"region-grand-est", "cea", "moselle", "ardennes"}
    assert dict(electorate.proxies) == {"aube": "region-grand-est"}
    assert electorate.total_weight == scope.total_weight == Decimal(15)
    setting = await ballot_setting(services, GROUPEMENT, "cogouv")
    assert setting.meeting == meeting and setting.mode is BallotMode.MEETING
    assert (setting.weight_table_id, setting.electorate) == ("ent-2022-avenant-1", electorate)

    live = await live_quorum(services, meeting)
    assert live is not None and opened.quorum == live
    assert live.present == {"region-grand-est", "cea", "moselle", "ardennes"}
    assert live.represented == {"aube"}
    report = live.report
    assert report.required and report.met
    assert (report.members, report.weight) == (5, Decimal("10"))
    assert (report.total_members, report.total_weight) == (10, Decimal(15))
    assert (report.required_members, report.required_weight) == (5, Decimal("7.5"))
    assert not report.second_convocation


async def test_a_proxy_whose_holder_left_does_not_count(
    services: Services, clock: FakeClock
) -> None:
    meeting = await in_session(services, clock, paris(2026, 12, 22), **FOUR_AND_A_PROXY)
    actor = await coordinator(services)
    clock.advance(timedelta(minutes=40))

    left = await record_presence(services, actor, meeting.id, "region-grand-est", arrived=False)
    assert left.changed
    # Recorded twice, a departure changes nothing.
    again = await record_presence(services, actor, meeting.id, "region-grand-est", arrived=False)
    assert not again.changed

    electorate = await meeting_electorate(services, meeting, scope_of(services.governance, meeting))
    assert electorate.present == {"cea", "moselle", "ardennes"}
    assert dict(electorate.proxies) == {}
    live = await live_quorum(services, meeting)
    assert live is not None
    assert (live.report.members, live.report.weight, live.report.met) == (3, Decimal("4.5"), False)

    # The holder comes back: the proxy is exercised again.
    back = await record_presence(services, actor, meeting.id, "region-grand-est", arrived=True)
    assert back.changed
    live = await live_quorum(services, meeting)
    assert live is not None
    assert live.represented == {"aube"}
    assert live.report.met


async def test_a_giver_who_arrives_sits_itself(services: Services, clock: FakeClock) -> None:
    meeting = await in_session(services, clock, paris(2026, 12, 22), **FOUR_AND_A_PROXY)
    clock.advance(timedelta(minutes=5))

    # The Aube's own representative records its arrival.
    aube = await person_of(services, "aube")
    await record_presence(services, aube, meeting.id, "aube", arrived=True)

    electorate = await meeting_electorate(services, meeting, scope_of(services.governance, meeting))
    assert "aube" in electorate.present
    assert dict(electorate.proxies) == {}
    live = await live_quorum(services, meeting)
    assert live is not None
    assert live.represented == frozenset()
    assert (live.report.members, live.report.weight) == (5, Decimal("10"))

    ballot = (await ballot_opened(services, "Budget 2027")).ballot
    assert ballot.electorate is not None
    assert dict(ballot.electorate.proxies) == {}
    voted = await vote(services, ballot, "aube", "for")
    assert not voted.by_proxy and voted.receipt.vote.cast_by == person_id_of("aube")


async def test_presence_is_recorded_by_the_coordinator_or_for_ones_own_member(
    services: Services, clock: FakeClock
) -> None:
    meeting = await in_session(services, clock, paris(2026, 12, 22), **FOUR_AND_A_PROXY)
    moselle = await person_of(services, "moselle")

    with pytest.raises(NotCoordinator):
        await record_presence(services, moselle, meeting.id, "cea", arrived=False)
    with pytest.raises(NotInThisMeeting):
        # Bas-Rhin left the groupement in 2021.
        await record_presence(
            services, await coordinator(services), meeting.id, "bas-rhin", arrived=True
        )
    assert (await record_presence(services, moselle, meeting.id, "moselle", arrived=False)).changed

    attendance = await services.meetings.attendance(meeting.id)
    assert attendance.present == {"region-grand-est", "cea", "ardennes"}


async def test_the_quorum_is_lost_when_members_leave(services: Services, clock: FakeClock) -> None:
    meeting = await in_session(services, clock, paris(2026, 12, 22), **FOUR_AND_A_PROXY)
    actor = await coordinator(services)
    live = await live_quorum(services, meeting)
    assert live is not None and live.report.met

    clock.advance(timedelta(minutes=50))
    await record_presence(services, actor, meeting.id, "ardennes", arrived=False)

    # Four members (with the proxy) and 9 voices: the headcount fails.
    live = await live_quorum(services, meeting)
    assert live is not None
    assert (live.report.members, live.report.weight, live.report.met) == (4, Decimal(9), False)

    await record_presence(services, actor, meeting.id, "meuse", arrived=True, by_video=True)
    live = await live_quorum(services, meeting)
    assert live is not None and live.report.met

    await record_presence(services, actor, meeting.id, "cea", arrived=False)
    await record_presence(services, actor, meeting.id, "moselle", arrived=False)
    # Region, Meuse and Aube's proxy: 3 members, 6.5 voices.
    live = await live_quorum(services, meeting)
    assert live is not None
    assert (live.report.members, live.report.weight, live.report.met) == (3, Decimal("6.5"), False)
    attendance = await services.meetings.attendance(meeting.id)
    assert [d.member_id for d in attendance.departures] == ["ardennes", "cea", "moselle"]
    assert attendance.by_video == {"meuse"}


async def test_advisory_participants_never_enter_the_electorate(
    services: Services, clock: FakeClock
) -> None:
    meeting = await in_session(services, clock, paris(2026, 12, 22), **FOUR_AND_A_PROXY)
    await record_presence(
        services, await coordinator(services), meeting.id, "autorites-academiques", arrived=True
    )

    attendance = await services.meetings.attendance(meeting.id)
    assert attendance.advisory_present == {"dane", "autorites-academiques"}
    electorate = await meeting_electorate(services, meeting, scope_of(services.governance, meeting))
    assert not {"dane", "autorites-academiques"} & set(electorate.weights)
    assert not {"dane", "autorites-academiques"} & electorate.present


# --- ballots in session ------------------------------------------------------------------


async def test_a_session_ballot_freezes_the_replies_proxies_and_the_chair(
    services: Services, clock: FakeClock
) -> None:
    meeting = await in_session(services, clock, paris(2026, 12, 22), **FOUR_AND_A_PROXY)

    opened = await ballot_opened(services, "Adopter le budget 2027")

    ballot = opened.ballot
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
    # One paper per member that may vote; the Région's person holds the Aube's too.
    assert opened.delivery.sent == 5 and opened.unrepresented == ()
    assert len(notifier_of(services).texts_to(person_id_of("region-grand-est"))) == 2

    # The holder votes for the giver; the electorate stays frozen when people leave.
    assert (await vote(services, ballot, "aube", "for", by="region-grand-est")).by_proxy
    await vote(services, ballot, "region-grand-est", "for")
    await vote(services, ballot, "cea", "against")
    await record_presence(
        services, await coordinator(services), meeting.id, "region-grand-est", arrived=False
    )
    await vote(services, ballot, "moselle", "abstain")
    closed = await close_ballot(services, await coordinator(services), ballot.id)
    result = closed.result
    assert result.quorum.met
    assert result.outcome is Outcome.ADOPTED
    assert result.totals["for"].weight == Decimal("5.5")
    assert closed.ballot.result == result


async def test_a_ballot_opened_after_the_holder_left_carries_no_proxy(
    services: Services, clock: FakeClock
) -> None:
    meeting = await in_session(services, clock, paris(2026, 12, 22), **FOUR_AND_A_PROXY)
    actor = await coordinator(services)
    await record_presence(services, actor, meeting.id, "region-grand-est", arrived=False)

    ballot = (await ballot_opened(services, "Budget 2027")).ballot

    assert ballot.electorate is not None
    assert dict(ballot.electorate.proxies) == {}
    # Neither the former holder nor the Aube itself, absent, may vote for the Aube.
    for person in ("region-grand-est", "aube"):
        with pytest.raises(NotEntitled):
            await vote(services, ballot, "aube", "for", by=person)
    with pytest.raises(NotEntitled):
        await services.ballots.cast(ballot.id, "aube", "for", cast_by=person_id_of("aube"))
    closed = await close_ballot(services, actor, ballot.id)
    assert closed.result.outcome is Outcome.NO_QUORUM


async def test_no_ballot_outside_the_session_or_in_a_non_voting_instance(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    await planned(services, paris(2026, 12, 22))
    # A ballot opened while the meeting is only planned would not be one of its ballots.
    assert await session_of(services, GROUPEMENT, "cogouv") is None
    setting = await ballot_setting(services, GROUPEMENT, "cogouv")
    assert setting.meeting is None and setting.mode is BallotMode.WRITTEN

    cst = await planned(services, paris(2026, 12, 22, 17), "cst")
    await convene(services, actor, cst.id)
    held = await in_session(services, clock, paris(2026, 12, 22), region_grand_est="present")
    await adjourn(services, actor, held.id)
    # Nor while it is closed.
    assert await session_of(services, GROUPEMENT, "cogouv") is None
    assert (await ballot_setting(services, GROUPEMENT, "cogouv")).meeting is None

    await answer(services, cst, region_grand_est="present")
    await open_session(services, actor, cst.id)
    with pytest.raises(NotAVotingInstance):
        await open_ballot(services, actor, GROUPEMENT, "cst", "Budget 2027")
    with pytest.raises(NotAVotingInstance):
        await ballot_setting(services, GROUPEMENT, "cst")
    cst_meeting = await services.meetings.get(cst.id)
    with pytest.raises(NotAVotingInstance):
        await meeting_electorate(services, cst_meeting, scope_of(services.governance, cst_meeting))

    assert await services.ballots.find() == []
    # What the coordinator opens now is a written consultation, not a ballot of the meeting.
    consultation = (await ballot_opened(services, "Budget 2027")).ballot
    assert consultation.draft.mode is BallotMode.WRITTEN
    assert consultation.draft.meeting_id is None
    assert await services.ballots.find(meeting_id=held.id) == []


async def test_the_ballot_opened_is_the_one_confirmed(services: Services, clock: FakeClock) -> None:
    """The summary said "in the session": if the session closed before the coordinator pressed
    "open", a written consultation of every member must not open in its place."""
    actor = await coordinator(services)
    held = await in_session(services, clock, paris(2026, 12, 22), region_grand_est="present")
    shown = await ballot_setting(services, GROUPEMENT, "cogouv")
    assert shown.session == held.id
    await adjourn(services, actor, held.id)

    with pytest.raises(SessionChanged):
        await open_ballot(services, actor, GROUPEMENT, "cogouv", "Budget 2027", confirmed=shown)
    assert await services.ballots.find() == []
    # Confirmed as a consultation now, it opens as one.
    now = await ballot_setting(services, GROUPEMENT, "cogouv")
    opened = await open_ballot(services, actor, GROUPEMENT, "cogouv", "Budget 2027", confirmed=now)
    assert opened.ballot.draft.mode is BallotMode.WRITTEN


async def test_meetings_in_session_are_listed_by_groupement(
    services: Services, clock: FakeClock
) -> None:
    await planned(services, paris(2026, 12, 23))
    held = await in_session(services, clock, paris(2026, 12, 22), aube="present")

    in_session_now = (MeetingState.IN_SESSION,)
    assert [m.id for m in await meetings_in(services, (GROUPEMENT,), in_session_now)] == [held.id]
    assert await meetings_in(services, ("liaisons-internet",), in_session_now) == []
    assert await session_of(services, GROUPEMENT, "cogouv") == held
    assert await session_of(services, GROUPEMENT, "cst") is None


async def test_a_chair_represented_by_proxy_neither_presides_nor_casts_the_deciding_vote(
    services: Services, clock: FakeClock
) -> None:
    """The worked example's tie, with the Région absent and represented: a chair is
    designated among the members present, and its casting vote decides."""
    actor = await coordinator(services)
    clock.now = paris(2026, 12, 8, 9)
    meeting = await planned(services, paris(2026, 12, 15, 14))
    await convene(services, actor, meeting.id)
    present = ("cea", "moselle", "ardennes", "aube", "marne", "haute-marne", "vosges")
    await answer(services, meeting, **dict.fromkeys(present, "present"))
    await answer(services, meeting, region_grand_est="proxy:cea")
    clock.now = paris(2026, 12, 15, 14)
    with pytest.raises(ChairToDesignate):
        await open_session(services, actor, meeting.id)
    await designate_chair(services, actor, meeting.id, "moselle", "Jeanne Moselle")
    await open_session(services, actor, meeting.id)
    ballot = (await ballot_opened(services, "Budget 2027")).ballot
    assert ballot.chair == "moselle"
    await vote(services, ballot, "region-grand-est", "for", by="cea")
    for member in ("moselle", "ardennes", "aube", "marne"):
        await vote(services, ballot, member, "against")
    result = (await close_ballot(services, actor, ballot.id)).result
    assert result.tie and result.casting_vote_used and result.chair == "moselle"
    assert result.outcome.value == "rejected"


# --- cancelling a ballot, adjourning -------------------------------------------------------


async def test_cancelling_a_ballot_drops_its_reminders_and_tells_the_voters_and_the_groups(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    await link_chat(services, actor, GROUP_CHAT, "ENT", GROUPEMENT, "cogouv")
    await in_session(services, clock, paris(2026, 12, 22), **FOUR_AND_A_PROXY)
    deadline = clock.now + timedelta(days=2)
    ballot = (await ballot_opened(services, "Budget 2027", deadline=deadline)).ballot
    await vote(services, ballot, "cea", "for")
    planned_reminders = await services.reminders.all(ballot_subject(ballot.id))
    assert [(r.label, r.due_at, r.dropped_at) for r in planned_reminders] == [
        ("H-24", deadline - timedelta(hours=24), None),
        ("H-2", deadline - timedelta(hours=2), None),
    ]
    notifier = notifier_of(services)
    notifier.sent.clear()

    with pytest.raises(NotCoordinator):
        await cancel_ballot(services, await person_of(services, "cea"), ballot.id)
    assert (await services.ballots.get(ballot.id)).state is BallotState.OPEN
    assert await services.reminders.all(ballot_subject(ballot.id)) == planned_reminders

    cancelled = await cancel_ballot(services, actor, ballot.id)

    assert cancelled.state is BallotState.CANCELLED
    assert cancelled.cancelled_at == clock.now and cancelled.result is None
    reminders = await services.reminders.all(ballot_subject(ballot.id))
    assert [r.label for r in reminders] == ["H-24", "H-2"]
    assert all(r.dropped_at == clock.now and r.note == "ballot cancelled" for r in reminders)
    (group_post,) = [s.text for s in notifier.sent if s.to == Group(GROUP_CHAT)]
    assert group_post is not None
    assert "Ce scrutin est annulé : ses votes ne seront pas décomptés." in plain(group_post)
    # Everyone who had a paper, once, the holder of a proxy included.
    told = [s.to for s in notifier.sent if isinstance(s.to, Private)]
    assert told == [
        Private(person_id_of(m)) for m in ("region-grand-est", "cea", "moselle", "ardennes")
    ]
    for person in told:
        (text,) = notifier.texts_to(person.person_id)
        assert plain(text).startswith(f"❌ Scrutin n° {ballot.id}")
    # Every paper loses its buttons.
    retired = [posted for posted, message in notifier.edits if message is None]
    assert len(retired) == 5

    with pytest.raises(BallotNotOpen):
        await vote(services, ballot, "moselle", "for")
    with pytest.raises(InvalidTransition):
        await cancel_ballot(services, actor, ballot.id)
    with pytest.raises(InvalidTransition):
        await close_ballot(services, actor, ballot.id)


async def test_a_closed_ballot_cannot_be_cancelled(services: Services, clock: FakeClock) -> None:
    actor = await coordinator(services)
    await in_session(services, clock, paris(2026, 12, 22), **FOUR_AND_A_PROXY)
    ballot = (await ballot_opened(services, "Budget 2027")).ballot
    closed = await close_ballot(services, actor, ballot.id)

    with pytest.raises(InvalidTransition) as refused:
        await cancel_ballot(services, actor, ballot.id)

    assert refused.value.details == {"state": "closed"}
    assert await services.ballots.get(ballot.id) == closed.ballot


async def test_a_session_with_open_ballots_is_not_adjourned(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    await link_chat(services, actor, GROUP_CHAT, "ENT", GROUPEMENT, None)
    meeting = await in_session(services, clock, paris(2026, 12, 22), **FOUR_AND_A_PROXY)
    first = (await ballot_opened(services, "Budget 2027")).ballot
    second = (await ballot_opened(services, "Approuver le PV du 20 octobre")).ballot

    with pytest.raises(NotCoordinator):
        await adjourn(services, await person_of(services, "cea"), meeting.id)
    with pytest.raises(BallotsStillOpen) as refused:
        await adjourn(services, actor, meeting.id)
    assert refused.value.code == "ballots_still_open"
    assert refused.value.details == {"ballots": [first.id, second.id]}
    assert (await services.meetings.get(meeting.id)).state is MeetingState.IN_SESSION

    await close_ballot(services, actor, first.id)
    with pytest.raises(BallotsStillOpen) as refused:
        await adjourn(services, actor, meeting.id)
    assert refused.value.details == {"ballots": [second.id]}

    # A cancelled ballot does not hold the session open.
    await cancel_ballot(services, actor, second.id)
    notifier_of(services).sent.clear()
    clock.advance(timedelta(hours=1))
    closed = await adjourn(services, actor, meeting.id)
    assert closed.state is MeetingState.CLOSED and closed.session_closed_at == clock.now
    (post,) = [s.text for s in notifier_of(services).sent if s.to == Group(GROUP_CHAT)]
    assert post is not None
    assert plain(post).startswith(f"La séance de la réunion n° {meeting.id} est levée")


async def test_only_a_coordinator_runs_the_session(services: Services, clock: FakeClock) -> None:
    meeting = await convened(services, paris(2026, 12, 22), **FOUR_AND_A_PROXY)
    clock.now = paris(2026, 12, 22)
    cea = await person_of(services, "cea")

    with pytest.raises(NotCoordinator):
        await open_session(services, cea, meeting.id)
    assert (await services.meetings.get(meeting.id)).state is MeetingState.CONVENED
    await open_session(services, await coordinator(services), meeting.id)
    with pytest.raises(NotCoordinator):
        await open_ballot(services, cea, GROUPEMENT, "cogouv", "Budget 2027")
    assert await services.ballots.find() == []
    ballot = (await ballot_opened(services, "Budget 2027")).ballot
    with pytest.raises(NotCoordinator):
        await close_ballot(services, cea, ballot.id)
    assert (await services.ballots.get(ballot.id)).state is BallotState.OPEN


async def test_a_ballot_closed_by_hand_is_skipped_by_the_deadline_job(
    services: Services, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/clore and the deadline may reach one ballot together: the second one is refused and
    the job goes on with the other due ballots."""
    actor = await coordinator(services)
    deadline = clock.now + timedelta(hours=1)
    first, second = [
        (
            await open_ballot(services, actor, GROUPEMENT, "cogouv", question, deadline=deadline)
        ).ballot
        for question in ("Approuver le budget", "Approuver le calendrier")
    ]
    clock.advance(timedelta(hours=2))
    due = await services.ballots.due_for_closing()
    await close_ballot(services, actor, first.id)

    async def stale() -> list[Ballot]:
        return due

    monkeypatch.setattr(services.ballots, "due_for_closing", stale)
    assert await close_due_ballots(services) == [second.id]
    assert (await services.ballots.get(second.id)).state is BallotState.CLOSED
