"""Meetings through their actions: planning, convening with notice and its reminders, moving and
cancelling, who may do it, who is convened, and the replies with their proxies."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from config.models import GovernanceLookupError
from meetings.actions.actor import Actor, NotCoordinator, identify
from meetings.actions.cancel_meeting import cancel_meeting
from meetings.actions.convene import convene
from meetings.actions.link_chat import link_chat
from meetings.actions.move import move_meeting
from meetings.actions.plan import plan_meeting
from meetings.actions.reconvene import reconvene
from meetings.actions.reply import (
    MeetingWasCancelled,
    NotYourMember,
    RepliesClosed,
    current_reply,
    proxy_holders,
    reply,
)
from meetings.meeting import (
    InvalidPlan,
    LateConvocation,
    Meeting,
    MeetingState,
    NotAVotingInstance,
    NotInThisMeeting,
    PlanInThePast,
    ReplyKind,
    UnknownChair,
    UrgencyWithoutReason,
    WrongMeetingState,
)
from meetings.notice import notice_for
from meetings.notifier import Group, Private
from meetings.quorum import live_quorum
from meetings.recipients import Recipient, recipients, unrepresented
from meetings.reminders import ReminderKind, meeting_subject
from meetings.roster import ProxyProblem, ProxyRefused, Role
from meetings.scope import scope_of
from meetings.services import Services
from meetings.wording.typography import plain
from tests.acting import coordinator, seated
from tests.clock import FakeClock
from tests.conftest import GROUP_CHAT, GROUPEMENT, MEMBERS, NOW
from tests.steps import (
    answer,
    convened,
    in_session,
    make_plan,
    notifier_of,
    paris,
    person_id_of,
    person_of,
    planned,
)


async def pending_reminders(services: Services, meeting: Meeting) -> list[tuple[str, datetime]]:
    """The meeting's reminders still to send, as (J-n, due time)."""
    return [
        (r.label.split("@")[0], r.due_at)
        for r in await services.reminders.all(meeting_subject(meeting.id))
        if r.sent_at is None and r.dropped_at is None
    ]


# --- planning ------------------------------------------------------------------------


async def test_the_chair_defaults_to_the_coordinator(services: Services) -> None:
    meeting = await planned(services, paris(2026, 12, 22))

    assert meeting.plan.chair == "region-grand-est"
    assert meeting.state is MeetingState.PLANNED
    assert meeting.created_by == "tg:1001"


async def test_a_plan_in_the_past_or_with_a_stranger_as_chair_is_refused(
    services: Services,
) -> None:
    actor = await coordinator(services)

    with pytest.raises(PlanInThePast, match="future") as past:
        await plan_meeting(services, actor, make_plan(NOW))
    assert past.value.code == "plan_in_the_past"
    with pytest.raises(UnknownChair) as stranger:
        await plan_meeting(services, actor, make_plan(paris(2026, 12, 22), chair="nowhere"))
    assert stranger.value.details == {"chair": "nowhere"}
    with pytest.raises(GovernanceLookupError):
        await plan_meeting(services, actor, make_plan(paris(2026, 12, 22), instance_id="nope"))
    with pytest.raises(InvalidPlan, match="time zone"):
        naive = datetime(2026, 12, 22, 14, 0)  # noqa: DTZ001
        await plan_meeting(services, actor, make_plan(naive))
    assert await services.meetings.find() == []


# --- convening -------------------------------------------------------------------------


async def test_convening_on_time(services: Services) -> None:
    actor = await coordinator(services)
    planning = await plan_meeting(services, actor, make_plan(paris(2026, 12, 22)))
    meeting = planning.meeting

    notice = planning.notice
    assert (notice.needed, notice.given, notice.last_day) == (5, 6, date(2026, 12, 16))
    assert notice.on_time
    assert (notice.urgent_needed, notice.urgent_last_day) == (1, date(2026, 12, 20))
    scope = scope_of(services.governance, meeting)
    assert scope.notice_days == 5
    assert notice_for(scope, meeting.plan.starts_at, NOW) == notice

    # Urgency claimed without need is not recorded.
    done = await convene(services, actor, meeting.id, urgency="sans objet")
    assert done.meeting.state is MeetingState.CONVENED
    assert done.meeting.convened_at == NOW
    assert not done.meeting.urgent and done.meeting.urgency_reason is None


async def test_on_the_last_day_the_convocation_is_still_on_time(
    services: Services, clock: FakeClock
) -> None:
    meeting = await planned(services, paris(2026, 12, 22))
    clock.now = paris(2026, 12, 16, 23, 59)

    done = await convene(services, await coordinator(services), meeting.id)

    assert done.meeting.state is MeetingState.CONVENED


async def test_a_late_convocation_is_refused_with_the_last_day(services: Services) -> None:
    meeting = await planned(services, paris(2026, 12, 18))

    with pytest.raises(LateConvocation) as refused:
        await convene(services, await coordinator(services), meeting.id)

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


async def test_a_refused_convocation_writes_nothing_and_sends_nothing(services: Services) -> None:
    await seated(services, "region-grand-est")
    await seated(services, "moselle")
    meeting = await planned(services, paris(2026, 12, 18))
    actor = await coordinator(services)

    with pytest.raises(LateConvocation):
        await convene(services, actor, meeting.id)
    with pytest.raises(UrgencyWithoutReason):
        await convene(services, actor, meeting.id, urgency=" ")
    with pytest.raises(NotCoordinator):
        await convene(services, await person_of(services, "moselle"), meeting.id)

    assert await services.meetings.get(meeting.id) == meeting
    assert await services.reminders.all(meeting_subject(meeting.id)) == []
    assert notifier_of(services).sent == []


async def test_convening_and_its_reminders_are_one_transaction(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = await planned(services, paris(2026, 12, 29))

    async def broken(*args: object) -> int:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services.reminders, "plan_meeting", broken)
    with pytest.raises(RuntimeError):
        await convene(services, await coordinator(services), meeting.id)

    assert (await services.meetings.get(meeting.id)).state is MeetingState.PLANNED
    assert notifier_of(services).sent == []


async def test_an_urgent_convocation_with_its_reason_is_accepted_and_recorded(
    services: Services,
) -> None:
    meeting = await planned(services, paris(2026, 12, 18))
    reason = "Attribution du marché avant la fin de l'exercice"

    done = await convene(services, await coordinator(services), meeting.id, urgency=reason)

    assert done.meeting.state is MeetingState.CONVENED
    assert done.meeting.urgent
    assert done.meeting.urgency_reason == reason
    cursor = await services.database.connection.execute(
        "SELECT state, urgent, urgency_reason FROM meetings WHERE id = ?", (meeting.id,)
    )
    assert tuple(await cursor.fetchone() or ()) == ("convened", 1, reason)
    # The reason is kept as stated, without the spaces around it.
    other = await planned(services, paris(2026, 12, 18, 18))
    again = await convene(services, await coordinator(services), other.id, urgency=" Vite ")
    assert again.meeting.urgency_reason == "Vite"


async def test_an_urgent_convocation_needs_one_clear_day(services: Services) -> None:
    meeting = await planned(services, paris(2026, 12, 16, 18))

    with pytest.raises(LateConvocation) as refused:
        await convene(services, await coordinator(services), meeting.id, urgency="Urgence")

    late = refused.value
    assert (late.needed, late.actual, late.urgent) == (1, 0, True)
    assert late.code == "late_urgent_convocation"
    # The last day to convene with one clear day, not the ordinary five.
    assert late.last_day == date(2026, 12, 14)
    assert (await services.meetings.get(meeting.id)).state is MeetingState.PLANNED


@pytest.mark.parametrize(
    ("reason", "refusal"),
    [
        # No reason at all is an ordinary convocation, which is late.
        (None, LateConvocation),
        ("", UrgencyWithoutReason),
        ("   ", UrgencyWithoutReason),
    ],
)
async def test_an_urgent_convocation_states_its_reason(
    services: Services, reason: str | None, refusal: type[Exception]
) -> None:
    meeting = await planned(services, paris(2026, 12, 18))

    with pytest.raises(refusal):
        await convene(services, await coordinator(services), meeting.id, urgency=reason)

    assert (await services.meetings.get(meeting.id)).state is MeetingState.PLANNED


async def test_convening_plans_the_reminders_still_ahead(services: Services) -> None:
    actor = await coordinator(services)
    later = await planned(services, paris(2026, 12, 29))
    soon = await planned(services, paris(2026, 12, 22))

    await convene(services, actor, later.id)
    await convene(services, actor, soon.id)

    assert await pending_reminders(services, later) == [
        ("J-7", paris(2026, 12, 22, 9)),
        ("J-1", paris(2026, 12, 28, 9)),
    ]
    # J-7 of the 22nd was this morning, before the convocation.
    assert await pending_reminders(services, soon) == [("J-1", paris(2026, 12, 21, 9))]
    reminders = await services.reminders.all(meeting_subject(later.id))
    assert {(r.kind, r.groupement_id, r.event_at) for r in reminders} == {
        (ReminderKind.MEETING, GROUPEMENT, paris(2026, 12, 29))
    }
    # Convening again does not plan them twice.
    await convene(services, actor, later.id)
    assert len(await services.reminders.all(meeting_subject(later.id))) == 2


# --- moving and cancelling ---------------------------------------------------------------


async def test_moving_a_convened_meeting_plans_its_reminders_again_and_tells_everyone(
    services: Services,
) -> None:
    actor = await coordinator(services)
    await link_chat(services, actor, GROUP_CHAT, "ENT", GROUPEMENT, None)
    for member in ("region-grand-est", "moselle", "dane"):
        await person_of(services, member)
    meeting = await convened(services, paris(2026, 12, 29))
    notifier = notifier_of(services)
    notifier.sent.clear()

    moved = await move_meeting(services, actor, meeting.id, paris(2027, 1, 5, 10))

    assert moved.was_convened and moved.told == 3
    assert moved.meeting.state is MeetingState.CONVENED
    assert moved.meeting.plan.starts_at == paris(2027, 1, 5, 10)
    assert moved.meeting.sequence == meeting.sequence + 1
    assert (moved.notice.needed, moved.notice.given) == (5, 20)
    assert await pending_reminders(services, meeting) == [
        ("J-7", paris(2026, 12, 29, 9)),
        ("J-1", paris(2027, 1, 4, 9)),
    ]
    dropped = [r for r in await services.reminders.all(meeting_subject(meeting.id)) if r.dropped_at]
    assert [(r.label.split("@")[0], r.note) for r in dropped] == [
        ("J-7", "meeting moved"),
        ("J-1", "meeting moved"),
    ]
    # A move is a new convocation: each person gets the whole of it, for the new date.
    for member in ("region-grand-est", "moselle", "dane"):
        (text,) = notifier.texts_to(person_id_of(member))
        assert plain(text).startswith(f"📅 Convocation — Réunion n° {meeting.id}")
        assert "Mardi 5 janvier 2027 à 10 h 00" in plain(text)
        assert (
            "🔁 La réunion est déplacée : cette convocation remplace celle pour le "
            "mardi 29 décembre 2026 à 14 h 00." in plain(text)
        )
    calendars = [s.attachment for s in notifier.sent if s.attachment is not None]
    assert len(calendars) == 3
    assert all(b"SEQUENCE:1" in c.content for c in calendars)
    (group_post,) = [s.text for s in notifier.sent if s.to == Group(GROUP_CHAT)]
    assert group_post is not None and "La réunion est déplacée" in plain(group_post)


async def test_a_meeting_moved_back_gets_its_first_reminders_again(services: Services) -> None:
    meeting = await convened(services, paris(2026, 12, 29))
    actor = await coordinator(services)

    await move_meeting(services, actor, meeting.id, paris(2027, 1, 5))
    await move_meeting(services, actor, meeting.id, paris(2026, 12, 29))

    assert await pending_reminders(services, meeting) == [
        ("J-7", paris(2026, 12, 22, 9)),
        ("J-1", paris(2026, 12, 28, 9)),
    ]
    assert len(await services.reminders.all(meeting_subject(meeting.id))) == 4


async def test_moving_a_planned_meeting_tells_nobody(services: Services) -> None:
    await person_of(services, "moselle")
    meeting = await planned(services, paris(2026, 12, 22))
    actor = await coordinator(services)

    moved = await move_meeting(services, actor, meeting.id, paris(2026, 12, 29))

    assert not moved.was_convened and moved.told == 0
    assert moved.meeting.state is MeetingState.PLANNED
    assert await services.reminders.all(meeting_subject(meeting.id)) == []
    assert notifier_of(services).sent == []
    with pytest.raises(PlanInThePast):
        await move_meeting(services, actor, meeting.id, NOW - timedelta(minutes=1))
    assert (await services.meetings.get(meeting.id)).plan.starts_at == paris(2026, 12, 29)


async def test_a_move_that_fails_keeps_the_date_and_the_reminders(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = await convened(services, paris(2026, 12, 29))
    before = await services.reminders.all(meeting_subject(meeting.id))

    async def broken(*args: object) -> int:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services.reminders, "plan_meeting", broken)
    with pytest.raises(RuntimeError):
        await move_meeting(services, await coordinator(services), meeting.id, paris(2027, 1, 5))

    assert await services.meetings.get(meeting.id) == meeting
    assert await services.reminders.all(meeting_subject(meeting.id)) == before


async def test_cancelling_a_convened_meeting_drops_its_reminders_and_tells_everyone(
    services: Services,
) -> None:
    await person_of(services, "moselle")
    meeting = await convened(services, paris(2026, 12, 29))
    notifier_of(services).sent.clear()

    cancelled = await cancel_meeting(services, await coordinator(services), meeting.id)

    assert cancelled.meeting.state is MeetingState.CANCELLED and cancelled.told == 1
    assert await pending_reminders(services, meeting) == []
    (text,) = notifier_of(services).texts_to("tg:moselle")
    assert plain(text).startswith("❌ La réunion est annulée")
    with pytest.raises(WrongMeetingState):
        await cancel_meeting(services, await coordinator(services), meeting.id)


# --- permission ------------------------------------------------------------------------


async def test_only_a_coordinator_of_the_groupement_plans_convenes_moves_and_cancels(
    services: Services,
) -> None:
    meeting = await planned(services, paris(2026, 12, 22))
    representative = await person_of(services, "moselle")
    await services.roster.add_coordinator("liaisons-internet", "tg:9001", "Autre", "tests")
    elsewhere = await identify(services, "tg:9001", "Autre", "fr")
    assert elsewhere.coordinated == ("liaisons-internet",)

    outsiders: tuple[Actor, ...] = (representative, elsewhere)
    for outsider in outsiders:
        with pytest.raises(NotCoordinator) as refused:
            await plan_meeting(services, outsider, make_plan(paris(2026, 12, 23)))
        assert refused.value.code == "not_coordinator"
        with pytest.raises(NotCoordinator):
            await convene(services, outsider, meeting.id)
        with pytest.raises(NotCoordinator):
            await move_meeting(services, outsider, meeting.id, paris(2026, 12, 29))
        with pytest.raises(NotCoordinator):
            await cancel_meeting(services, outsider, meeting.id)
        with pytest.raises(NotCoordinator):
            await reconvene(services, outsider, meeting.id, paris(2027, 1, 5))

    assert await services.meetings.find() == [meeting]


# --- recipients ------------------------------------------------------------------------


async def test_recipients_are_the_representatives_and_the_advisory_people(
    services: Services,
) -> None:
    await seated(services, "region-grand-est", "tg:2001")
    await seated(services, "region-grand-est", "tg:3001", Role.SUPPLEANT)
    await seated(services, "moselle", "tg:2003")
    await seated(services, "dane", "tg:4001", Role.ADVISORY)
    await seated(services, "autorites-academiques", "tg:4002", Role.ADVISORY)
    # A seat of an advisory participant that is not an advisory one is not convened.
    await seated(services, "dane", "tg:4003")
    # Bas-Rhin left in 2021: its former representative is not convened.
    await seated(services, "bas-rhin", "tg:5001")
    meeting = await planned(services, paris(2026, 12, 22))
    scope = scope_of(services.governance, meeting)

    found = await recipients(services.roster, scope)

    assert sorted(found, key=lambda r: r.person_id) == [
        Recipient("tg:2001", "region-grand-est", advisory=False),
        Recipient("tg:2003", "moselle", advisory=False),
        Recipient("tg:3001", "region-grand-est", advisory=False),
        Recipient("tg:4001", "dane", advisory=True),
        Recipient("tg:4002", "autorites-academiques", advisory=True),
    ]
    # Members first, then the advisory people.
    assert [r.advisory for r in found] == [False, False, False, True, True]
    nobody = [m for m in scope.members if m not in ("region-grand-est", "moselle")]
    assert unrepresented(scope, found) == nobody

    # The convocation reaches each of them, with its .ics, and names who it could not reach.
    done = await convene(services, await coordinator(services), meeting.id)
    assert done.delivery.sent == 5 and done.delivery.unreachable == []
    assert done.unrepresented == tuple(nobody)
    notifier = notifier_of(services)
    for recipient in found:
        to_them = [s for s in notifier.sent if s.to == Private(recipient.person_id)]
        # One request per person: the .ics, with the convocation and its buttons as caption.
        (letter,) = to_them
        assert letter.attachment is not None and letter.attachment.keyboard is not None
        assert letter.attachment.filename == f"reunion-{meeting.id}.ics"
        assert letter.text is not None and letter.text.startswith("📅 Convocation")
    assert notifier.texts_to("tg:5001") == notifier.texts_to("tg:4003") == []


async def test_a_non_voting_instance_convenes_every_active_member(services: Services) -> None:
    await seated(services, "vosges", "tg:2010")
    await seated(services, "bas-rhin", "tg:5001")
    await seated(services, "dane", "tg:4001", Role.ADVISORY)
    meeting = await planned(services, paris(2026, 12, 22), "cst")
    scope = scope_of(services.governance, meeting)

    assert sorted(scope.members) == sorted(MEMBERS)
    assert not scope.voting and scope.weights == {} and scope.proxy_limit == 0
    assert await recipients(services.roster, scope) == [
        Recipient("tg:2010", "vosges", advisory=False),
        Recipient("tg:4001", "dane", advisory=True),
    ]


# --- replies -----------------------------------------------------------------------------


async def test_only_a_participant_convened_replies(services: Services) -> None:
    """The Bas-Rhin left in 2021: its former representative can reply to nothing now."""
    meeting = await planned(services, paris(2026, 12, 22))
    former = await seated(services, "bas-rhin", "tg:5001")

    with pytest.raises(NotInThisMeeting):
        await reply(services, former, meeting.id, "bas-rhin", ReplyKind.PRESENT)
    with pytest.raises(NotInThisMeeting):
        await proxy_holders(services, former, meeting.id, "bas-rhin")
    assert await services.meetings.replies(meeting.id) == {}


async def test_no_proxy_in_an_instance_that_does_not_vote(services: Services) -> None:
    meeting = await planned(services, paris(2026, 12, 22), "cst")
    aube = await person_of(services, "aube")

    with pytest.raises(NotAVotingInstance):
        await reply(services, aube, meeting.id, "aube", ReplyKind.PROXY, "marne")
    with pytest.raises(NotAVotingInstance):
        await proxy_holders(services, aube, meeting.id, "aube")

    assert await services.meetings.replies(meeting.id) == {}
    # Other replies are welcome.
    await reply(services, aube, meeting.id, "aube", ReplyKind.EXCUSED)
    assert (await services.meetings.replies(meeting.id))["aube"].kind is ReplyKind.EXCUSED
    assert await live_quorum(services, meeting) is None


async def test_eligible_holders_follow_the_instance_rules(services: Services) -> None:
    meeting = await planned(services, paris(2026, 12, 22))
    await answer(services, meeting, aube="proxy:marne", vosges="excused")

    choice = await proxy_holders(services, await person_of(services, "meuse"), meeting.id, "meuse")

    assert choice.giver == "meuse"
    assert choice.holders == (
        "region-grand-est",
        "cea",
        "moselle",
        "ardennes",
        "haute-marne",
        "meurthe-et-moselle",
    )


async def test_a_proxy_holder_is_refused_as_a_giver_and_at_its_limit(services: Services) -> None:
    meeting = await planned(services, paris(2026, 12, 22))
    await answer(services, meeting, aube="proxy:marne")

    with pytest.raises(ProxyRefused) as holds_one:
        await proxy_holders(services, await person_of(services, "marne"), meeting.id, "marne")
    assert holds_one.value.problem is ProxyProblem.GIVER_HOLDS_ONE
    with pytest.raises(ProxyRefused) as at_limit:
        await answer(services, meeting, meuse="proxy:marne")
    assert at_limit.value.code == "proxy.holder_at_limit"
    assert set(await services.meetings.replies(meeting.id)) == {"aube"}


async def test_a_reply_comes_from_the_members_own_representative(services: Services) -> None:
    meeting = await planned(services, paris(2026, 12, 22))
    moselle = await person_of(services, "moselle")
    await person_of(services, "aube")

    for stranger in (moselle, await coordinator(services)):
        with pytest.raises(NotYourMember) as refused:
            await reply(services, stranger, meeting.id, "aube", ReplyKind.PRESENT)
        assert refused.value.code == "not_your_member"
        with pytest.raises(NotYourMember):
            await current_reply(services, stranger, meeting.id, "aube")
    assert await services.meetings.replies(meeting.id) == {}

    recorded_reply = await reply(services, moselle, meeting.id, "moselle", ReplyKind.VIDEO)
    assert recorded_reply.reply.replied_by == "tg:moselle"
    _meeting, _scope, current = await current_reply(services, moselle, meeting.id, "moselle")
    assert current == recorded_reply.reply


async def test_replies_close_when_the_session_opens_or_the_meeting_is_cancelled(
    services: Services, clock: FakeClock
) -> None:
    opened = await in_session(services, clock, paris(2026, 12, 22), moselle="present")
    moselle = await person_of(services, "moselle")
    with pytest.raises(RepliesClosed):
        await reply(services, moselle, opened.id, "moselle", ReplyKind.EXCUSED)

    cancelled = await planned(services, paris(2026, 12, 29))
    await cancel_meeting(services, await coordinator(services), cancelled.id)
    with pytest.raises(MeetingWasCancelled):
        await reply(services, moselle, cancelled.id, "moselle", ReplyKind.PRESENT)
    assert await services.meetings.replies(cancelled.id) == {}
