"""Who is in the room and who may vote: the one pure function the quorum, the ballots and the
minutes share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from meetings.meeting import AttendanceEvent, Reply, ReplyKind
from meetings.presence import (
    attendance_at,
    consultation_electorate,
    electorate_of,
    session_electorate,
)

OPENING = datetime(2026, 12, 15, 13, 0, tzinfo=UTC)
WEIGHTS = {"region": Decimal("4.5"), "cea": Decimal(2), "meuse": Decimal(1), "aube": Decimal(1)}


def reply(member: str, kind: ReplyKind, holder: str | None = None) -> Reply:
    return Reply(member, kind, holder, f"tg:{member}", OPENING - timedelta(days=3))


def event(
    participant: str, minutes: int, *, arrived: bool = True, advisory: bool = False
) -> AttendanceEvent:
    return AttendanceEvent(
        participant, advisory, arrived, False, OPENING + timedelta(minutes=minutes), "tests"
    )


REPLIES = {
    "region": reply("region", ReplyKind.PRESENT),
    "cea": reply("cea", ReplyKind.VIDEO),
    "meuse": reply("meuse", ReplyKind.PROXY, "aube"),
    "aube": reply("aube", ReplyKind.EXCUSED),
}


def test_before_the_session_the_replies_forecast_who_sits() -> None:
    electorate = session_electorate(WEIGHTS, REPLIES, None)
    assert electorate.present == {"region", "cea"}
    # The Aube excused itself: the Meuse's proxy to it cannot be exercised.
    assert electorate.proxies == {}


def test_during_the_session_the_events_decide() -> None:
    events = [event("region", 0), event("aube", 0), event("dane", 0, advisory=True)]
    electorate = session_electorate(WEIGHTS, REPLIES, events)
    assert electorate.present == {"region", "aube"}
    assert electorate.proxies == {"meuse": "aube"}


def test_a_proxy_lapses_when_its_holder_leaves_and_a_giver_who_comes_sits_itself() -> None:
    events = [event("region", 0), event("aube", 0), event("aube", 30, arrived=False)]
    assert session_electorate(WEIGHTS, REPLIES, events).proxies == {}
    # At the opening, before the departure, the proxy counted.
    assert session_electorate(WEIGHTS, REPLIES, events, at=OPENING).proxies == {"meuse": "aube"}
    arrived = [event("region", 0), event("aube", 0), event("meuse", 10)]
    electorate = session_electorate(WEIGHTS, REPLIES, arrived)
    assert electorate.proxies == {} and "meuse" in electorate.present


def test_attendance_is_replayed_up_to_a_moment() -> None:
    events = [event("region", 0), event("cea", 5), event("cea", 20, arrived=False)]
    assert attendance_at(events, OPENING + timedelta(minutes=10)).present == {"region", "cea"}
    later = attendance_at(events)
    assert later.present == {"region"}
    assert [d.member_id for d in later.departures] == ["cea"]


def test_nobody_without_a_weight_votes() -> None:
    electorate = electorate_of(WEIGHTS, {"region", "dane"}, {"gone": "region"})
    assert electorate.present == {"region"}
    assert electorate.proxies == {}


def test_a_written_consultation_counts_every_member_or_its_proxy() -> None:
    electorate = consultation_electorate(WEIGHTS, {"meuse": "aube"})
    assert electorate.present == {"region", "cea", "aube"}
    assert electorate.proxies == {"meuse": "aube"}
    assert electorate.total_weight == Decimal("8.5")
