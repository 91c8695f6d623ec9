"""Designations, pure: the act checked, and what covers a member's seats at a moment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.arguments import calendar_day
from meetings.designation import (
    ActBeforeElection,
    ActKind,
    AlreadyWaiting,
    DateInFuture,
    Designation,
    DesignationAct,
    ElectionBeforeAct,
    MandateEnd,
    SeatWaiting,
    Standing,
    check_election_day,
    check_fills,
    check_may_end,
    check_may_sit,
    checked_act,
    standing_at,
)
from meetings.texts import TextEmpty, TextTooLong
from meetings.wording.formats import Name
from meetings.wording.refusals import refusal
from meetings.wording.typography import plain

TODAY = date(2026, 12, 15)
T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)


def act(reference: str = "CP-2025-112", signed_on: date = date(2025, 2, 3)) -> DesignationAct:
    return DesignationAct(ActKind.DELIBERATION, reference, signed_on)


def designation(
    row: int,
    hours: int,
    member: str = "meuse",
    reference: str = "CP-2025-112",
    signed_on: date = date(2025, 2, 3),
) -> Designation:
    recorded_at = T0 + timedelta(hours=hours)
    return Designation(row, "g", member, act(reference, signed_on), recorded_at, "tg:1")


def election(
    row: int, hours: int, day: date = date(2026, 6, 28), member: str = "meuse"
) -> MandateEnd:
    return MandateEnd(row, "g", member, day, T0 + timedelta(hours=hours), "tg:1")


def test_an_act_keeps_its_kind_its_folded_reference_and_its_date() -> None:
    checked = checked_act(ActKind.DECREE, "  2025 /  44 ", date(2025, 3, 1), TODAY)
    assert checked == DesignationAct(ActKind.DECREE, "2025 / 44", date(2025, 3, 1))


def test_an_act_dated_today_is_taken_and_one_dated_tomorrow_is_refused() -> None:
    assert checked_act(ActKind.DECISION, "12", TODAY, TODAY).signed_on == TODAY
    with pytest.raises(DateInFuture):
        checked_act(ActKind.DECISION, "12", TODAY + timedelta(days=1), TODAY)


def test_an_act_needs_a_reference_within_its_bound() -> None:
    with pytest.raises(TextEmpty):
        checked_act(ActKind.DELIBERATION, " \u200b ", TODAY, TODAY)
    with pytest.raises(TextTooLong):
        checked_act(ActKind.DELIBERATION, "x" * 101, TODAY, TODAY)
    assert checked_act(ActKind.DELIBERATION, "x" * 100, TODAY, TODAY).reference == "x" * 100


def test_an_election_in_the_future_is_refused() -> None:
    check_election_day(TODAY, TODAY)
    with pytest.raises(DateInFuture):
        check_election_day(TODAY + timedelta(days=1), TODAY)


def test_nothing_recorded_leaves_the_seats_as_the_invitations_made_them() -> None:
    standing = standing_at("meuse", [designation(1, 0, member="aube")], [], T0 + timedelta(days=1))
    assert standing.standing is Standing.UNRECORDED
    check_may_sit(standing)
    check_may_end(standing)


def test_the_latest_act_recorded_before_the_moment_covers_the_seats() -> None:
    first, second = designation(1, 0, reference="A"), designation(2, 5, reference="B")
    assert standing_at("meuse", [first, second], [], T0 + timedelta(hours=4)).designation == first
    assert standing_at("meuse", [first, second], [], T0 + timedelta(hours=5)).designation == second
    assert (
        standing_at("meuse", [first], [], T0 - timedelta(hours=1)).standing is Standing.UNRECORDED
    )


def test_an_election_after_the_act_leaves_the_seats_waiting_until_a_new_act() -> None:
    first, end = designation(1, 0), election(2, 2)
    later = designation(3, 9, signed_on=date(2026, 7, 10))
    waiting = standing_at("meuse", [first, later], [end], T0 + timedelta(hours=3))
    assert waiting.standing is Standing.WAITING and waiting.waiting_since == end
    with pytest.raises(SeatWaiting):
        check_may_sit(waiting)
    with pytest.raises(AlreadyWaiting):
        check_may_end(waiting)
    filled = standing_at("meuse", [first, later], [end], T0 + timedelta(hours=9))
    assert filled.standing is Standing.DESIGNATED and filled.designation == later
    check_may_sit(filled)


def test_records_of_the_same_second_follow_the_order_they_were_recorded_in() -> None:
    act_then_election = standing_at("meuse", [designation(1, 0)], [election(2, 0)], T0)
    assert act_then_election.standing is Standing.WAITING
    election_then_act = standing_at("meuse", [designation(2, 0)], [election(1, 0)], T0)
    assert election_then_act.standing is Standing.DESIGNATED


def test_only_an_act_taken_on_or_after_the_election_fills_a_waiting_seat() -> None:
    waiting = standing_at("meuse", [], [election(1, 0)], T0 + timedelta(hours=1))
    with pytest.raises(ActBeforeElection):
        check_fills(waiting, act(signed_on=date(2026, 6, 27)))
    check_fills(waiting, act(signed_on=date(2026, 6, 28)))


def test_days_are_typed_the_french_way_or_as_iso_dates() -> None:
    assert calendar_day("03/02/2025") == date(2025, 2, 3)
    assert calendar_day("3/2/2025") == date(2025, 2, 3)
    assert calendar_day("2025-02-03") == date(2025, 2, 3)
    assert calendar_day("31/02/2025") is None
    assert calendar_day("demain") is None


def test_an_election_recorded_late_does_not_end_the_mandates_of_a_later_act() -> None:
    # The act of 1 July is recorded first; the election of 28 June only afterwards.
    later_act = designation(1, 0, signed_on=date(2026, 7, 1))
    standing = standing_at("meuse", [later_act], [], T0 + timedelta(hours=1))
    with pytest.raises(ElectionBeforeAct) as refused:
        check_may_end(standing, date(2026, 6, 28), Name("Département de la Meuse", "le"))
    assert plain(refusal(refused.value, "fr")) == (
        "L'acte en vigueur pour le Département de la Meuse, du 01/07/2026, a été pris le jour "
        "de l'élection du 28/06/2026 ou après : les mandats qu'il a donnés n'ont pas pris fin "
        "avec elle."
    )
    with pytest.raises(ElectionBeforeAct):  # an act of the election's day is the new one
        check_may_end(standing, date(2026, 7, 1))
    check_may_end(standing, date(2026, 7, 2))
