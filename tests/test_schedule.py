"""Scheduling rules in Paris wall-clock time, across the DST weekends, on fixed dates only.

DST in Paris: 2026-03-29, 2026-10-25, 2027-03-28 and 2027-10-31 (last Sundays).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meetings.schedule import (
    Quarter,
    clear_days_between,
    cst_coordinator_reminders,
    expected_quarters,
    last_sending_day,
    local_day,
    notice_is_met,
    reminder_is_still_useful,
    reminder_times,
    second_convocation_earliest,
    wall_clock,
)
from meetings.wording import formats
from meetings.wording.typography import plain

PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An unambiguous Paris wall-clock moment, as UTC, built without the code under test."""
    return datetime(year, month, day, hour, minute, tzinfo=PARIS).astimezone(UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- wall_clock -------------------------------------------------------------------------------


def test_wall_clock_in_winter_and_summer() -> None:
    assert wall_clock(date(2027, 1, 12), time(9, 0), PARIS) == utc(2027, 1, 12, 8)
    assert wall_clock(date(2027, 7, 12), time(9, 0), PARIS) == utc(2027, 7, 12, 7)


def test_wall_clock_returns_utc() -> None:
    assert wall_clock(date(2027, 7, 12), time(9, 0), PARIS).tzinfo is UTC


def test_wall_clock_in_the_spring_gap_moves_forward() -> None:
    moment = wall_clock(date(2027, 3, 28), time(2, 30), PARIS)
    assert moment == utc(2027, 3, 28, 1, 30)
    local = moment.astimezone(PARIS)
    assert (local.hour, local.minute, local.tzname()) == (3, 30, "CEST")


def test_wall_clock_around_the_spring_gap() -> None:
    assert wall_clock(date(2027, 3, 28), time(1, 59), PARIS) == utc(2027, 3, 28, 0, 59)
    assert wall_clock(date(2027, 3, 28), time(3, 0), PARIS) == utc(2027, 3, 28, 1, 0)


def test_wall_clock_in_the_repeated_hour_means_the_first_occurrence() -> None:
    moment = wall_clock(date(2027, 10, 31), time(2, 30), PARIS)
    assert moment == utc(2027, 10, 31, 0, 30)
    assert moment.astimezone(PARIS).tzname() == "CEST"
    # Asking for the second occurrence changes nothing: the rule is the first.
    assert wall_clock(date(2027, 10, 31), time(2, 30, fold=1), PARIS) == moment


def test_wall_clock_wants_a_naive_time() -> None:
    with pytest.raises(ValueError, match="naive wall-clock"):
        wall_clock(date(2027, 1, 12), time(9, 0, tzinfo=UTC), PARIS)


def test_local_day_is_the_paris_day_not_the_utc_day() -> None:
    assert local_day(utc(2027, 3, 25, 23, 30), PARIS) == date(2027, 3, 26)
    assert local_day(utc(2027, 7, 25, 22, 0), PARIS) == date(2027, 7, 26)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        local_day(datetime(2027, 1, 1, 9, 0), PARIS)  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive"):
        clear_days_between(datetime(2027, 1, 1), utc(2027, 1, 9), PARIS)  # noqa: DTZ001


# --- quarters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 1, 1), Quarter(2027, 1)),
        (date(2027, 3, 31), Quarter(2027, 1)),
        (date(2027, 4, 1), Quarter(2027, 2)),
        (date(2027, 6, 30), Quarter(2027, 2)),
        (date(2027, 7, 1), Quarter(2027, 3)),
        (date(2027, 9, 30), Quarter(2027, 3)),
        (date(2027, 10, 1), Quarter(2027, 4)),
        (date(2027, 12, 31), Quarter(2027, 4)),
    ],
)
def test_quarter_of(day: date, expected: Quarter) -> None:
    assert Quarter.of(day) == expected


@pytest.mark.parametrize(
    ("quarter", "first", "last", "label"),
    [
        (Quarter(2027, 1), date(2027, 1, 1), date(2027, 3, 31), "1er trimestre 2027"),
        (Quarter(2027, 2), date(2027, 4, 1), date(2027, 6, 30), "2e trimestre 2027"),
        (Quarter(2027, 3), date(2027, 7, 1), date(2027, 9, 30), "3e trimestre 2027"),
        (Quarter(2027, 4), date(2027, 10, 1), date(2027, 12, 31), "4e trimestre 2027"),
    ],
)
def test_quarter_bounds_and_label(quarter: Quarter, first: date, last: date, label: str) -> None:
    assert quarter.first_day == first
    assert quarter.last_day == last
    assert plain(formats.quarter(quarter)) == label


def test_quarter_next_wraps_the_year() -> None:
    assert Quarter(2026, 3).next == Quarter(2026, 4)
    assert Quarter(2026, 4).next == Quarter(2027, 1)


def test_quarters_are_ordered() -> None:
    assert Quarter(2026, 4) < Quarter(2027, 1) < Quarter(2027, 2)


@pytest.mark.parametrize("number", [0, 5, -1])
def test_quarter_number_is_checked(number: int) -> None:
    with pytest.raises(ValueError, match="1 to 4"):
        Quarter(2027, number)


def test_expected_quarters() -> None:
    assert expected_quarters(date(2026, 11, 5), 3) == [
        Quarter(2026, 4),
        Quarter(2027, 1),
        Quarter(2027, 2),
    ]
    assert expected_quarters(date(2026, 11, 5), 0) == []
    with pytest.raises(ValueError):
        expected_quarters(date(2026, 11, 5), -1)


# --- CST reminders for the coordinators -------------------------------------------------------


@pytest.mark.parametrize(
    ("quarter", "first", "second"),
    [
        # Winter, UTC+1: 09:00 is 08:00 UTC.
        (Quarter(2027, 1), utc(2027, 1, 1, 8), utc(2027, 3, 1, 8)),
        # Summer, UTC+2: 09:00 is 07:00 UTC.
        (Quarter(2027, 2), utc(2027, 4, 1, 7), utc(2027, 6, 1, 7)),
        (Quarter(2027, 3), utc(2027, 7, 1, 7), utc(2027, 9, 1, 7)),
        # 1 October is still summer time, 1 December is winter time.
        (Quarter(2027, 4), utc(2027, 10, 1, 7), utc(2027, 12, 1, 8)),
    ],
)
def test_cst_coordinator_reminders(quarter: Quarter, first: datetime, second: datetime) -> None:
    assert cst_coordinator_reminders(quarter, PARIS) == (first, second)


def test_cst_coordinator_reminders_at_another_time() -> None:
    assert cst_coordinator_reminders(Quarter(2027, 1), PARIS, time(14, 30)) == (
        utc(2027, 1, 1, 13, 30),
        utc(2027, 3, 1, 13, 30),
    )


# --- clear days -------------------------------------------------------------------------------


def test_clear_days_across_the_march_switch() -> None:
    meeting = paris(2027, 3, 31, 10)  # Wednesday, CEST
    sent = paris(2027, 3, 25, 18)  # Thursday, CET
    # 26, 27, 28 (the switch), 29, 30.
    assert clear_days_between(sent, meeting, PARIS) == 5
    assert notice_is_met(sent, meeting, 5, PARIS)
    assert not notice_is_met(sent, meeting, 6, PARIS)
    assert last_sending_day(meeting, 5, PARIS) == date(2027, 3, 25)


def test_clear_days_count_paris_days_not_utc_days() -> None:
    meeting = paris(2027, 3, 31, 10)
    # 23:30 UTC on the 25th is already Friday 26 March in Paris.
    sent = utc(2027, 3, 25, 23, 30)
    assert clear_days_between(sent, meeting, PARIS) == 4
    assert not notice_is_met(sent, meeting, 5, PARIS)


@pytest.mark.parametrize(
    ("sent", "meeting"),
    [
        # Switch on Sunday 31 October 2027: clear days 29, 30, 31, 1, 2.
        (paris(2027, 10, 28, 18), paris(2027, 11, 3, 10)),
        # Switch on Sunday 25 October 2026: clear days 23, 24, 25, 26, 27.
        (paris(2026, 10, 22, 18), paris(2026, 10, 28, 10)),
    ],
)
def test_clear_days_across_the_october_switch(sent: datetime, meeting: datetime) -> None:
    assert clear_days_between(sent, meeting, PARIS) == 5
    assert notice_is_met(sent, meeting, 5, PARIS)
    assert not notice_is_met(sent + timedelta(hours=8), meeting, 5, PARIS)


def test_the_15_december_2026_example() -> None:
    meeting = paris(2026, 12, 15, 14)  # Tuesday
    assert last_sending_day(meeting, 5, PARIS) == date(2026, 12, 9)  # Wednesday
    assert notice_is_met(paris(2026, 12, 9, 23, 59), meeting, 5, PARIS)
    assert clear_days_between(paris(2026, 12, 10, 0, 0), meeting, PARIS) == 4
    assert not notice_is_met(paris(2026, 12, 10, 0, 0), meeting, 5, PARIS)


def test_late_convocations_give_no_clear_days() -> None:
    meeting = paris(2026, 12, 15, 14)
    assert clear_days_between(paris(2026, 12, 14, 8), meeting, PARIS) == 0
    assert clear_days_between(paris(2026, 12, 15, 8), meeting, PARIS) == -1
    assert clear_days_between(paris(2026, 12, 16, 8), meeting, PARIS) == -2
    # An emergency convocation (1 clear day) sent the day before the day before.
    assert notice_is_met(paris(2026, 12, 13, 20), meeting, 1, PARIS)
    assert notice_is_met(paris(2026, 12, 14, 8), meeting, 0, PARIS)
    assert not notice_is_met(paris(2026, 12, 15, 8), meeting, 0, PARIS)


def test_negative_clear_days_are_refused() -> None:
    meeting = paris(2026, 12, 15, 14)
    with pytest.raises(ValueError, match="clear_days"):
        notice_is_met(paris(2026, 12, 1), meeting, -1, PARIS)
    with pytest.raises(ValueError, match="clear_days"):
        last_sending_day(meeting, -1, PARIS)


def test_second_convocation_earliest() -> None:
    # Failed on Tuesday 15 December: 16, 17, 18 are clear, Saturday 19 is the earliest.
    assert second_convocation_earliest(paris(2026, 12, 15, 14), PARIS) == date(2026, 12, 19)
    assert second_convocation_earliest(paris(2026, 12, 15, 14), PARIS, 5) == date(2026, 12, 21)


def test_second_convocation_earliest_uses_the_paris_day() -> None:
    assert second_convocation_earliest(paris(2027, 3, 26, 23, 30), PARIS) == date(2027, 3, 30)
    # 00:30 on Saturday 27 March in Paris is still the 26th in UTC: the Paris day counts.
    failed = paris(2027, 3, 27, 0, 30)
    assert failed.date() == date(2027, 3, 26)
    assert second_convocation_earliest(failed, PARIS) == date(2027, 3, 31)


# --- meeting reminders ------------------------------------------------------------------------


def test_reminders_across_the_march_switch() -> None:
    meeting = paris(2027, 3, 29, 14)  # Monday, CEST
    assert reminder_times(meeting, [7, 1], PARIS) == [
        (7, utc(2027, 3, 22, 8)),  # Monday 22 March 09:00 CET
        (1, utc(2027, 3, 28, 7)),  # Sunday 28 March 09:00 CEST, the day of the switch
    ]


def test_reminders_across_the_october_switch() -> None:
    meeting = paris(2027, 11, 1, 14)  # Monday, CET
    assert reminder_times(meeting, [7, 1], PARIS) == [
        (7, utc(2027, 10, 25, 7)),  # Monday 25 October 09:00 CEST
        (1, utc(2027, 10, 31, 8)),  # Sunday 31 October 09:00 CET, the day of the switch
    ]


def test_reminders_are_sorted_and_deduplicated() -> None:
    meeting = paris(2027, 3, 29, 14)
    assert reminder_times(meeting, [1, 7, 1, 3], PARIS) == [
        (7, utc(2027, 3, 22, 8)),
        (3, utc(2027, 3, 26, 8)),
        (1, utc(2027, 3, 28, 7)),
    ]


@pytest.mark.parametrize(
    ("hour", "minute", "kept"),
    [(8, 30, False), (9, 0, False), (9, 1, True), (14, 0, True)],
)
def test_a_reminder_at_or_after_the_start_is_dropped(hour: int, minute: int, kept: bool) -> None:
    meeting = paris(2027, 6, 15, hour, minute)
    expected = [(1, utc(2027, 6, 14, 7))]
    if kept:
        expected.append((0, utc(2027, 6, 15, 7)))
    assert reminder_times(meeting, [0, 1], PARIS) == expected


def test_reminders_at_another_time_and_none() -> None:
    meeting = paris(2027, 6, 15, 14)
    assert reminder_times(meeting, [1], PARIS, time(18, 0)) == [(1, utc(2027, 6, 14, 16))]
    assert reminder_times(meeting, [], PARIS) == []
    with pytest.raises(ValueError, match="days_before"):
        reminder_times(meeting, [-1], PARIS)


# --- missed reminders -------------------------------------------------------------------------

MEETING = paris(2027, 3, 29, 14)
J7 = paris(2027, 3, 22, 9)
J1 = paris(2027, 3, 28, 9)


def test_a_j7_reminder_found_two_days_late_is_still_useful() -> None:
    assert reminder_is_still_useful(J7, MEETING, J7 + timedelta(days=2))


def test_a_j1_reminder_found_the_morning_of_the_meeting_is_still_useful() -> None:
    assert reminder_is_still_useful(J1, MEETING, paris(2027, 3, 29, 8))


def test_a_reminder_found_after_the_start_is_useless() -> None:
    assert not reminder_is_still_useful(J1, MEETING, MEETING)
    assert not reminder_is_still_useful(J1, MEETING, MEETING + timedelta(minutes=5))
    assert not reminder_is_still_useful(J7, MEETING, MEETING + timedelta(days=1))


def test_no_reminder_within_the_last_hour() -> None:
    assert reminder_is_still_useful(J1, MEETING, MEETING - timedelta(minutes=61))
    assert not reminder_is_still_useful(J1, MEETING, MEETING - timedelta(hours=1))
    assert not reminder_is_still_useful(J1, MEETING, MEETING - timedelta(minutes=10))


def test_the_lead_can_be_changed() -> None:
    now = MEETING - timedelta(minutes=10)
    assert reminder_is_still_useful(J1, MEETING, now, min_lead=timedelta(0))
    assert not reminder_is_still_useful(J1, MEETING, now, min_lead=timedelta(hours=2))


def test_a_reminder_due_after_the_event_is_never_useful() -> None:
    assert not reminder_is_still_useful(MEETING, MEETING, J7)
    assert not reminder_is_still_useful(MEETING + timedelta(hours=1), MEETING, J7)


def test_the_last_hour_is_real_time_even_for_a_local_event() -> None:
    # 03:30 CET on 31 October 2027 is 02:30 UTC; the hour before starts at 01:30 UTC,
    # which is 02:30 CET, not 02:30 CEST (00:30 UTC).
    event = datetime(2027, 10, 31, 3, 30, tzinfo=PARIS)
    due = paris(2027, 10, 30, 9)
    assert reminder_is_still_useful(due, event, utc(2027, 10, 31, 1, 29))
    assert not reminder_is_still_useful(due, event, utc(2027, 10, 31, 1, 30))


def test_missed_reminders_need_aware_times() -> None:
    with pytest.raises(ValueError, match="now"):
        reminder_is_still_useful(J1, MEETING, datetime(2027, 3, 29, 8))  # noqa: DTZ001


# --- properties -------------------------------------------------------------------------------

ZONES = st.sampled_from(
    [
        PARIS,
        ZoneInfo("Indian/Reunion"),  # no DST, UTC+4
        ZoneInfo("America/Martinique"),  # no DST, UTC-4
        ZoneInfo("Pacific/Noumea"),  # no DST, UTC+11: the UTC day often differs
    ]
)
MEETINGS = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001
    max_value=datetime(2099, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@given(meeting=MEETINGS, clear_days=st.integers(0, 15), zone=ZONES)
def test_the_last_sending_day_is_exact(meeting: datetime, clear_days: int, zone: ZoneInfo) -> None:
    last = last_sending_day(meeting, clear_days, zone)
    just_in_time = wall_clock(last, time(23, 59), zone)
    too_late = wall_clock(last + timedelta(days=1), time(0, 0), zone)
    assert just_in_time < meeting
    assert notice_is_met(just_in_time, meeting, clear_days, zone)
    assert clear_days_between(just_in_time, meeting, zone) == clear_days
    assert not notice_is_met(too_late, meeting, clear_days, zone)


@given(sent=MEETINGS, meeting=MEETINGS, clear_days=st.integers(0, 15), zone=ZONES)
def test_notice_is_met_iff_sent_by_the_last_sending_day(
    sent: datetime, meeting: datetime, clear_days: int, zone: ZoneInfo
) -> None:
    on_time = local_day(sent, zone) <= last_sending_day(meeting, clear_days, zone)
    assert notice_is_met(sent, meeting, clear_days, zone) == on_time


@given(meeting=MEETINGS, days=st.lists(st.integers(0, 30), max_size=6), zone=ZONES)
def test_reminders_fall_at_nine_on_their_day_before_the_meeting(
    meeting: datetime, days: list[int], zone: ZoneInfo
) -> None:
    reminders = reminder_times(meeting, days, zone)
    moments = [moment for _, moment in reminders]
    assert moments == sorted(set(moments))
    for n, moment in reminders:
        assert moment < meeting
        local = moment.astimezone(zone)
        assert local.date() == local_day(meeting, zone) - timedelta(days=n)
        assert (local.hour, local.minute) == (9, 0)
