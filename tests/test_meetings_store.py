"""The meeting store on a real SQLite file: plans, moves, replies and proxies, attendance."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from meetings.meeting import (
    AgendaItem,
    Departure,
    InvalidPlan,
    Meeting,
    MeetingNotFound,
    MeetingPlan,
    MeetingState,
    Reply,
    ReplyKind,
    WrongMeetingState,
)
from meetings.presence import proxies_of
from meetings.roster import ProxyProblem, ProxyRefused
from meetings.services import Services
from meetings.store import MeetingStore
from tests.clock import FakeClock
from tests.conftest import GROUPEMENT, MEMBERS, NOW

VOTERS = frozenset(MEMBERS)
# Tuesday 22 December 2026, 14:00 in Paris.
STARTS = datetime(2026, 12, 22, 13, 0, tzinfo=UTC)
SECRETARY = "tg:1001"

AGENDA = (
    AgendaItem("Approbation du procès-verbal", "Approuver le PV du 20 octobre"),
    AgendaItem("Point d'étape du déploiement"),
    AgendaItem("  Budget 2027  ", "Adopter le budget 2027"),
)


def make_plan(**changes: Any) -> MeetingPlan:
    fields: dict[str, Any] = {
        "groupement_id": GROUPEMENT,
        "instance_id": "cogouv",
        "starts_at": STARTS,
        "place": "Hôtel de Région, Strasbourg",
        "agenda": AGENDA,
        "chair": "region-grand-est",
        "secretary": "Claire Test",
    }
    fields.update(changes)
    return MeetingPlan(**fields)


async def rows(services: Services, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    cursor = await services.database.connection.execute(sql, params)
    return [tuple(row) for row in await cursor.fetchall()]


async def count(services: Services, sql: str, *params: Any) -> int:
    found = await rows(services, sql, *params)
    return int(found[0][0])


async def answer(
    store: MeetingStore,
    meeting_id: int,
    member: str,
    kind: ReplyKind,
    holder: str | None = None,
) -> Reply:
    return await store.reply(
        meeting_id,
        member,
        kind,
        replied_by=f"person-of-{member}",
        voting_members=VOTERS,
        max_proxies_per_holder=1,
        proxy_holder=holder,
    )


@pytest.fixture
def store(services: Services) -> MeetingStore:
    return services.meetings


@pytest.fixture
async def meeting(store: MeetingStore) -> Meeting:
    return await store.plan(make_plan(), created_by=SECRETARY)


# --- planning --------------------------------------------------------------------------


async def test_a_plan_is_stored_with_its_agenda_in_order(
    services: Services, store: MeetingStore
) -> None:
    planned = await store.plan(make_plan(duration=timedelta(minutes=90)), created_by=SECRETARY)

    assert planned.state is MeetingState.PLANNED
    assert planned.sequence == 0
    assert planned.created_at == NOW
    assert planned.created_by == SECRETARY
    assert planned.convened_at is None
    assert not planned.urgent and planned.urgency_reason is None
    assert not planned.second_convocation
    assert planned.plan.starts_at == STARTS
    assert planned.ends_at == STARTS + timedelta(minutes=90)
    assert [item.title for item in planned.plan.agenda] == [
        "Approbation du procès-verbal",
        "Point d'étape du déploiement",
        "Budget 2027",
    ]
    assert [item.motion for item in planned.plan.agenda] == [
        "Approuver le PV du 20 octobre",
        None,
        "Adopter le budget 2027",
    ]
    assert await rows(
        services,
        "SELECT position, title, motion FROM agenda_items WHERE meeting_id = ? ORDER BY position",
        planned.id,
    ) == [
        (1, "Approbation du procès-verbal", "Approuver le PV du 20 octobre"),
        (2, "Point d'étape du déploiement", None),
        (3, "Budget 2027", "Adopter le budget 2027"),
    ]
    assert await rows(
        services,
        "SELECT starts_at_utc, duration_minutes, state FROM meetings WHERE id = ?",
        planned.id,
    ) == [("2026-12-22T13:00:00+00:00", 90, "planned")]
    assert await store.get(planned.id) == planned


async def test_a_plan_by_video_only_is_accepted(store: MeetingStore) -> None:
    planned = await store.plan(
        make_plan(place=None, video_link="https://visio.example/cogouv"), created_by=SECRETARY
    )

    assert planned.plan.place is None
    assert planned.plan.video_link == "https://visio.example/cogouv"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"place": None, "video_link": None}, "place or a video link"),
        ({"starts_at": datetime(2026, 12, 22, 14, 0)}, "time zone"),  # noqa: DTZ001
        ({"agenda": (AgendaItem("Budget"), AgendaItem("   "))}, "no title"),
        ({"duration": timedelta(0)}, "duration"),
    ],
)
async def test_a_bad_plan_is_refused_and_nothing_is_written(
    services: Services, store: MeetingStore, changes: dict[str, Any], reason: str
) -> None:
    with pytest.raises(InvalidPlan, match=reason):
        await store.plan(make_plan(**changes), created_by=SECRETARY)

    assert await count(services, "SELECT COUNT(*) FROM meetings") == 0
    assert await count(services, "SELECT COUNT(*) FROM agenda_items") == 0


async def test_an_unknown_meeting_is_not_found(store: MeetingStore) -> None:
    with pytest.raises(MeetingNotFound):
        await store.get(404)


async def test_find_filters_by_instance_and_state(store: MeetingStore) -> None:
    later = await store.plan(make_plan(starts_at=STARTS + timedelta(days=7)), SECRETARY)
    earlier = await store.plan(make_plan(), SECRETARY)
    cst = await store.plan(make_plan(instance_id="cst"), SECRETARY)
    await store.cancel(later.id)

    assert [m.id for m in await store.find(groupement_id=GROUPEMENT)] == [
        earlier.id,
        cst.id,
        later.id,
    ]
    assert [m.id for m in await store.find(instance_id="cogouv")] == [earlier.id, later.id]
    assert [m.id for m in await store.find(states=(MeetingState.PLANNED,))] == [earlier.id, cst.id]


# --- moving, cancelling, convening -----------------------------------------------------


async def test_a_move_changes_the_time_and_increments_the_sequence(
    services: Services, store: MeetingStore, meeting: Meeting
) -> None:
    moved = await store.move(meeting.id, STARTS + timedelta(days=1))
    assert moved.plan.starts_at == STARTS + timedelta(days=1)
    assert moved.sequence == 1

    moved = await store.move(meeting.id, STARTS + timedelta(days=2, hours=1))
    assert moved.sequence == 2
    assert moved.plan.agenda == meeting.plan.agenda
    assert await rows(
        services, "SELECT starts_at_utc, sequence FROM meetings WHERE id = ?", meeting.id
    ) == [("2026-12-24T14:00:00+00:00", 2)]


async def test_a_convened_meeting_can_still_move(store: MeetingStore, meeting: Meeting) -> None:
    convened = await store.mark_convened(meeting.id, urgent=False, urgency_reason=None)
    assert convened.state is MeetingState.CONVENED
    assert convened.convened_at == NOW

    moved = await store.move(meeting.id, STARTS + timedelta(days=1))
    assert moved.state is MeetingState.CONVENED
    assert moved.sequence == 1


async def test_no_move_once_the_session_has_opened(
    services: Services, store: MeetingStore, meeting: Meeting
) -> None:
    await store.open_session(meeting.id, frozenset())

    with pytest.raises(WrongMeetingState) as refused:
        await store.move(meeting.id, STARTS + timedelta(days=1))

    assert refused.value.state is MeetingState.IN_SESSION
    assert refused.value.code == "wrong_meeting_state"
    assert await rows(
        services, "SELECT starts_at_utc, sequence FROM meetings WHERE id = ?", meeting.id
    ) == [("2026-12-22T13:00:00+00:00", 0)]


async def test_a_cancellation_is_recorded_and_final(
    services: Services, store: MeetingStore, clock: FakeClock, meeting: Meeting
) -> None:
    clock.advance(timedelta(hours=3))
    cancelled = await store.cancel(meeting.id)

    assert cancelled.state is MeetingState.CANCELLED
    assert cancelled.cancelled_at == NOW + timedelta(hours=3)
    assert cancelled.sequence == 1
    assert await rows(
        services, "SELECT state, cancelled_at_utc FROM meetings WHERE id = ?", meeting.id
    ) == [("cancelled", "2026-12-15T16:00:00+00:00")]
    for refused in (
        store.move(meeting.id, STARTS + timedelta(days=1)),
        store.cancel(meeting.id),
        store.mark_convened(meeting.id, urgent=False, urgency_reason=None),
        store.open_session(meeting.id, frozenset()),
        answer(store, meeting.id, "aube", ReplyKind.PRESENT),
    ):
        with pytest.raises(WrongMeetingState):
            await refused
    assert (await store.get(meeting.id)).sequence == 1
    assert await count(services, "SELECT COUNT(*) FROM meeting_replies") == 0


async def test_a_held_meeting_cannot_be_cancelled(store: MeetingStore, meeting: Meeting) -> None:
    await store.open_session(meeting.id, frozenset())

    with pytest.raises(WrongMeetingState):
        await store.cancel(meeting.id)


# --- replies ---------------------------------------------------------------------------


async def test_the_latest_reply_counts_and_earlier_ones_are_kept(
    services: Services, store: MeetingStore, clock: FakeClock, meeting: Meeting
) -> None:
    await answer(store, meeting.id, "aube", ReplyKind.PRESENT)
    clock.advance(timedelta(hours=1))
    await answer(store, meeting.id, "aube", ReplyKind.EXCUSED)
    clock.advance(timedelta(hours=1))
    latest = await answer(store, meeting.id, "aube", ReplyKind.PROXY, holder="marne")
    await answer(store, meeting.id, "meuse", ReplyKind.VIDEO)

    assert latest == Reply(
        "aube", ReplyKind.PROXY, "marne", "person-of-aube", NOW + timedelta(hours=2)
    )
    replies = await store.replies(meeting.id)
    assert replies == {
        "aube": latest,
        "meuse": Reply("meuse", ReplyKind.VIDEO, None, "person-of-meuse", NOW + timedelta(hours=2)),
    }
    assert proxies_of(replies) == {"aube": "marne"}
    assert await rows(
        services,
        "SELECT reply, proxy_holder, replied_at_utc FROM meeting_replies "
        "WHERE meeting_id = ? AND member_id = 'aube' ORDER BY id",
        meeting.id,
    ) == [
        ("present", None, "2026-12-15T13:00:00+00:00"),
        ("excused", None, "2026-12-15T14:00:00+00:00"),
        ("proxy", "marne", "2026-12-15T15:00:00+00:00"),
    ]


async def test_replies_are_kept_per_meeting(store: MeetingStore, meeting: Meeting) -> None:
    other = await store.plan(make_plan(starts_at=STARTS + timedelta(days=7)), SECRETARY)
    await answer(store, meeting.id, "aube", ReplyKind.PROXY, holder="marne")
    # The same holder may carry a proxy at another meeting.
    await answer(store, other.id, "meuse", ReplyKind.PROXY, holder="marne")

    assert proxies_of(await store.replies(meeting.id)) == {"aube": "marne"}
    assert proxies_of(await store.replies(other.id)) == {"meuse": "marne"}


async def test_a_proxy_reply_names_its_holder_and_only_a_proxy_does(
    services: Services, store: MeetingStore, meeting: Meeting
) -> None:
    with pytest.raises(ValueError, match="names its holder"):
        await answer(store, meeting.id, "aube", ReplyKind.PROXY)
    with pytest.raises(ValueError, match="names its holder"):
        await answer(store, meeting.id, "aube", ReplyKind.PRESENT, holder="marne")
    assert await count(services, "SELECT COUNT(*) FROM meeting_replies") == 0


@pytest.mark.parametrize(
    ("given", "giver", "holder", "problem"),
    [
        # Two givers to one holder: the limit is one proxy per holder.
        ((("aube", "marne"),), "meuse", "marne", ProxyProblem.HOLDER_AT_LIMIT),
        # To a member that gave its own proxy.
        ((("aube", "marne"),), "meuse", "aube", ProxyProblem.HOLDER_GAVE_ITS_OWN),
        # From a member that holds one.
        ((("aube", "marne"),), "marne", "vosges", ProxyProblem.GIVER_HOLDS_ONE),
        # To itself.
        ((), "aube", "aube", ProxyProblem.TO_ITSELF),
        # Between members that do not vote in this instance.
        ((), "bas-rhin", "aube", ProxyProblem.GIVER_NOT_VOTING),
        ((), "aube", "dane", ProxyProblem.HOLDER_NOT_VOTING),
    ],
)
async def test_a_proxy_breaking_the_rules_is_refused_and_not_written(
    services: Services,
    store: MeetingStore,
    meeting: Meeting,
    given: Sequence[tuple[str, str]],
    giver: str,
    holder: str,
    problem: ProxyProblem,
) -> None:
    for earlier_giver, earlier_holder in given:
        await answer(store, meeting.id, earlier_giver, ReplyKind.PROXY, holder=earlier_holder)
    before = await count(services, "SELECT COUNT(*) FROM meeting_replies")

    with pytest.raises(ProxyRefused) as refused:
        await answer(store, meeting.id, giver, ReplyKind.PROXY, holder=holder)

    assert refused.value.problem is problem
    assert await count(services, "SELECT COUNT(*) FROM meeting_replies") == before
    assert giver not in await store.replies(meeting.id)


async def test_a_proxy_to_an_excused_member_is_refused_in_the_store(
    services: Services, store: MeetingStore, meeting: Meeting
) -> None:
    """The list of holders leaves an excused member out; the write refuses it as well."""
    await answer(store, meeting.id, "vosges", ReplyKind.EXCUSED)
    with pytest.raises(ProxyRefused) as refused:
        await answer(store, meeting.id, "aube", ReplyKind.PROXY, holder="vosges")
    assert refused.value.problem is ProxyProblem.HOLDER_EXCUSED
    assert await count(services, "SELECT COUNT(*) FROM meeting_replies") == 1
    # Once it says it will sit after all, it may carry the proxy.
    await answer(store, meeting.id, "vosges", ReplyKind.PRESENT)
    await answer(store, meeting.id, "aube", ReplyKind.PROXY, holder="vosges")
    assert proxies_of(await store.replies(meeting.id)) == {"aube": "vosges"}


async def test_a_giver_may_move_its_proxy_and_free_the_first_holder(
    store: MeetingStore, meeting: Meeting
) -> None:
    await answer(store, meeting.id, "aube", ReplyKind.PROXY, holder="marne")
    # Its own earlier proxy does not count against it.
    await answer(store, meeting.id, "aube", ReplyKind.PROXY, holder="vosges")
    # Marne is free again.
    await answer(store, meeting.id, "meuse", ReplyKind.PROXY, holder="marne")

    assert proxies_of(await store.replies(meeting.id)) == {"aube": "vosges", "meuse": "marne"}


async def test_a_proxy_withdrawn_by_a_later_reply_frees_its_holder(
    store: MeetingStore, meeting: Meeting
) -> None:
    await answer(store, meeting.id, "aube", ReplyKind.PROXY, holder="marne")
    await answer(store, meeting.id, "aube", ReplyKind.PRESENT)

    await answer(store, meeting.id, "meuse", ReplyKind.PROXY, holder="marne")
    # And aube, no longer a giver, may now hold one.
    await answer(store, meeting.id, "vosges", ReplyKind.PROXY, holder="aube")

    assert proxies_of(await store.replies(meeting.id)) == {"meuse": "marne", "vosges": "aube"}


async def test_eligible_holders_leave_out_who_cannot_carry_the_proxy(
    store: MeetingStore, meeting: Meeting
) -> None:
    await answer(store, meeting.id, "aube", ReplyKind.PROXY, holder="marne")
    await answer(store, meeting.id, "vosges", ReplyKind.EXCUSED)
    await answer(store, meeting.id, "cea", ReplyKind.PRESENT)

    eligible = await store.eligible_holders(meeting.id, "meuse", MEMBERS, 1)

    # Not itself, not marne (holds one), not aube (gave its own), not vosges (excused).
    assert eligible == [
        "region-grand-est",
        "cea",
        "moselle",
        "ardennes",
        "haute-marne",
        "meurthe-et-moselle",
    ]
    # The giver's own current holder stays eligible: giving again replaces it.
    assert "marne" in await store.eligible_holders(meeting.id, "aube", MEMBERS, 1)
    # A member that holds a proxy cannot give one: nobody is eligible.
    assert await store.eligible_holders(meeting.id, "marne", MEMBERS, 1) == []
    # With a higher limit marne may carry a second one.
    assert "marne" in await store.eligible_holders(meeting.id, "meuse", MEMBERS, 2)


async def test_no_reply_once_the_session_has_opened(
    services: Services, store: MeetingStore, meeting: Meeting
) -> None:
    await answer(store, meeting.id, "aube", ReplyKind.PRESENT)
    await store.open_session(meeting.id, frozenset())

    for kind, holder in ((ReplyKind.EXCUSED, None), (ReplyKind.PROXY, "marne")):
        with pytest.raises(WrongMeetingState) as refused:
            await answer(store, meeting.id, "aube", kind, holder=holder)
        assert refused.value.state is MeetingState.IN_SESSION
    assert await count(services, "SELECT COUNT(*) FROM meeting_replies") == 1

    await store.close_session(meeting.id)
    with pytest.raises(WrongMeetingState) as refused:
        await answer(store, meeting.id, "meuse", ReplyKind.PRESENT)
    assert refused.value.state is MeetingState.CLOSED


# --- the session -----------------------------------------------------------------------


async def test_opening_the_session_turns_present_replies_into_arrivals(
    services: Services, store: MeetingStore, clock: FakeClock, meeting: Meeting
) -> None:
    await answer(store, meeting.id, "region-grand-est", ReplyKind.PRESENT)
    await answer(store, meeting.id, "moselle", ReplyKind.VIDEO)
    await answer(store, meeting.id, "cea", ReplyKind.PRESENT)
    await answer(store, meeting.id, "cea", ReplyKind.EXCUSED)  # changed its mind
    await answer(store, meeting.id, "aube", ReplyKind.PROXY, holder="region-grand-est")
    await answer(store, meeting.id, "dane", ReplyKind.PRESENT)
    clock.now = STARTS

    opened = await store.open_session(meeting.id, frozenset({"dane", "autorites-academiques"}))

    assert opened.state is MeetingState.IN_SESSION
    assert opened.session_opened_at == STARTS
    attendance = await store.attendance(meeting.id)
    assert attendance.present == {"region-grand-est", "moselle"}
    assert attendance.by_video == {"moselle"}
    assert attendance.advisory_present == {"dane"}
    assert attendance.departures == ()
    assert await rows(
        services,
        "SELECT participant_id, advisory, event, by_video, recorded_by, at_utc "
        "FROM attendance_events WHERE meeting_id = ? ORDER BY participant_id",
        meeting.id,
    ) == [
        ("dane", 1, "arrive", 0, "replies", "2026-12-22T13:00:00+00:00"),
        ("moselle", 0, "arrive", 1, "replies", "2026-12-22T13:00:00+00:00"),
        ("region-grand-est", 0, "arrive", 0, "replies", "2026-12-22T13:00:00+00:00"),
    ]

    with pytest.raises(WrongMeetingState):
        await store.open_session(meeting.id, frozenset())


async def test_recording_what_is_already_so_changes_nothing(
    services: Services, store: MeetingStore, meeting: Meeting
) -> None:
    await answer(store, meeting.id, "aube", ReplyKind.PRESENT)
    await store.open_session(meeting.id, frozenset())

    assert not await store.record(meeting.id, "aube", arrived=True, recorded_by=SECRETARY)
    assert not await store.record(meeting.id, "marne", arrived=False, recorded_by=SECRETARY)
    assert await count(services, "SELECT COUNT(*) FROM attendance_events") == 1

    assert await store.record(meeting.id, "marne", arrived=True, recorded_by=SECRETARY)
    assert not await store.record(meeting.id, "marne", arrived=True, recorded_by=SECRETARY)
    assert await store.record(meeting.id, "aube", arrived=False, recorded_by=SECRETARY)
    assert not await store.record(meeting.id, "aube", arrived=False, recorded_by=SECRETARY)
    assert await count(services, "SELECT COUNT(*) FROM attendance_events") == 3


async def test_attendance_is_refused_outside_the_session(
    store: MeetingStore, meeting: Meeting
) -> None:
    with pytest.raises(WrongMeetingState):
        await store.record(meeting.id, "aube", arrived=True, recorded_by=SECRETARY)
    await store.open_session(meeting.id, frozenset())
    await store.close_session(meeting.id)
    with pytest.raises(WrongMeetingState):
        await store.record(meeting.id, "aube", arrived=True, recorded_by=SECRETARY)


async def test_departures_are_kept_with_their_times_and_attendance_replays(
    services: Services, store: MeetingStore, clock: FakeClock, meeting: Meeting
) -> None:
    await answer(store, meeting.id, "region-grand-est", ReplyKind.PRESENT)
    await answer(store, meeting.id, "cea", ReplyKind.VIDEO)
    clock.now = STARTS
    await store.open_session(meeting.id, frozenset({"dane"}))

    clock.advance(timedelta(minutes=10))
    await store.record(meeting.id, "moselle", arrived=True, recorded_by=SECRETARY)
    await store.record(
        meeting.id, "dane", arrived=True, recorded_by=SECRETARY, advisory=True, by_video=True
    )
    clock.advance(timedelta(minutes=20))
    await store.record(meeting.id, "cea", arrived=False, recorded_by=SECRETARY)
    await store.record(meeting.id, "dane", arrived=False, recorded_by=SECRETARY, advisory=True)
    clock.advance(timedelta(minutes=15))
    # The CeA comes back, in the room this time.
    await store.record(meeting.id, "cea", arrived=True, recorded_by=SECRETARY)
    clock.advance(timedelta(minutes=30))
    await store.record(meeting.id, "region-grand-est", arrived=False, recorded_by=SECRETARY)

    attendance = await store.attendance(meeting.id)
    assert attendance.present == {"cea", "moselle"}
    assert attendance.by_video == frozenset()
    assert attendance.advisory_present == frozenset()
    assert attendance.departures == (
        Departure("cea", STARTS + timedelta(minutes=30)),
        Departure("region-grand-est", STARTS + timedelta(minutes=75)),
    )
    arrived = {e.participant_id for e in await store.attendance_events(meeting.id) if e.arrived}
    assert arrived == {"region-grand-est", "cea", "moselle", "dane"}
    assert await rows(
        services,
        "SELECT participant_id, event, at_utc FROM attendance_events "
        "WHERE meeting_id = ? AND event = 'leave' ORDER BY id",
        meeting.id,
    ) == [
        ("cea", "leave", "2026-12-22T13:30:00+00:00"),
        ("dane", "leave", "2026-12-22T13:30:00+00:00"),
        ("region-grand-est", "leave", "2026-12-22T14:15:00+00:00"),
    ]


async def test_attendance_reads_the_same_after_a_restart(
    services: Services,
    store: MeetingStore,
    clock: FakeClock,
    meeting: Meeting,
    database: Path | str,
) -> None:
    await answer(store, meeting.id, "moselle", ReplyKind.VIDEO)
    await store.open_session(meeting.id, frozenset())
    clock.advance(timedelta(minutes=5))
    await store.record(meeting.id, "moselle", arrived=False, recorded_by=SECRETARY)
    clock.advance(timedelta(minutes=5))
    await store.record(meeting.id, "moselle", arrived=True, recorded_by=SECRETARY, by_video=True)
    before = await store.attendance(meeting.id)

    reopened = await Services.open(
        services.governance, database, clock, documents=services.files.root
    )
    try:
        assert await reopened.meetings.attendance(meeting.id) == before
    finally:
        await reopened.close()
    assert before.present == before.by_video == {"moselle"}
    assert before.departures == (Departure("moselle", NOW + timedelta(minutes=5)),)


async def test_closing_the_session(
    services: Services, store: MeetingStore, clock: FakeClock, meeting: Meeting
) -> None:
    await store.open_session(meeting.id, frozenset())
    clock.advance(timedelta(hours=2))

    closed = await store.close_session(meeting.id)

    assert closed.state is MeetingState.CLOSED
    assert closed.session_opened_at == NOW
    assert closed.session_closed_at == NOW + timedelta(hours=2)
    assert await rows(
        services, "SELECT state, session_closed_at_utc FROM meetings WHERE id = ?", meeting.id
    ) == [("closed", "2026-12-15T15:00:00+00:00")]
    with pytest.raises(WrongMeetingState):
        await store.close_session(meeting.id)
    with pytest.raises(WrongMeetingState):
        await store.open_session(meeting.id, frozenset())


async def test_a_meeting_not_in_session_cannot_be_closed(
    store: MeetingStore, meeting: Meeting
) -> None:
    with pytest.raises(WrongMeetingState) as refused:
        await store.close_session(meeting.id)
    assert refused.value.state is MeetingState.PLANNED
