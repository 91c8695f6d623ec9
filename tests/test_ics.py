"""The .ics files of meetings, read back with icalendar as a calendar app would read them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from icalendar import Calendar, Component

from meetings.ics import meeting_ics

PARIS = ZoneInfo("Europe/Paris")
STAMP = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
SUMMARY = "COGOUV — réunion de décembre"
DESCRIPTION = "Ordre du jour :\n1. Désignation du secrétaire de séance\n2. Élection"
LOCATION = "Hôtel de Région, salle Ève, Metz"
URL = "https://visio.example.org/cogouv-décembre"


def make(**overrides: Any) -> bytes:
    arguments: dict[str, Any] = {
        "uid": "meeting-42@scrutin",
        "sequence": 0,
        "summary": SUMMARY,
        "description": DESCRIPTION,
        # Tuesday 15 December 2026, 14:00 in Paris.
        "start": datetime(2026, 12, 15, 13, 0, tzinfo=UTC),
        "duration": timedelta(hours=2),
        "location": LOCATION,
        "url": URL,
        "organizer_name": "Région Grand Est",
        "stamp": STAMP,
        "zone": PARIS,
    }
    arguments.update(overrides)
    return meeting_ics(**arguments)


def parse(data: bytes) -> tuple[Calendar, Component]:
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def as_utc(event: Component, name: str) -> datetime:
    # Comparing aware datetimes across zones is never equal inside a repeated
    # hour (PEP 495), and subtracting two in one zone ignores the offset change.
    moment: datetime = event.decoded(name)
    return moment.astimezone(UTC)


def test_calendar_header() -> None:
    calendar, _ = parse(make())
    assert str(calendar["PRODID"]) == "-//Scrutin//FR"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "REQUEST"


def test_uid_sequence_and_stamp() -> None:
    _, event = parse(make(sequence=3))
    assert str(event["UID"]) == "meeting-42@scrutin"
    assert event.decoded("SEQUENCE") == 3
    assert event.decoded("DTSTAMP") == STAMP


def test_start_and_end_are_paris_wall_clock_times_in_winter() -> None:
    data = make()
    assert b"DTSTART;TZID=Europe/Paris:20261215T140000\r\n" in data
    assert b"DTEND;TZID=Europe/Paris:20261215T160000\r\n" in data
    _, event = parse(data)
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    start = event.decoded("DTSTART")
    assert start.replace(tzinfo=None) == datetime(2026, 12, 15, 14, 0)  # noqa: DTZ001
    assert start == datetime(2026, 12, 15, 13, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 12, 15, 15, 0, tzinfo=UTC)


def test_start_in_summer_is_two_hours_ahead_of_utc() -> None:
    data = make(start=datetime(2027, 6, 15, 12, 0, tzinfo=UTC), duration=timedelta(minutes=90))
    assert b"DTSTART;TZID=Europe/Paris:20270615T140000\r\n" in data
    assert b"DTEND;TZID=Europe/Paris:20270615T153000\r\n" in data


def test_a_start_in_another_zone_is_written_in_the_groupement_zone() -> None:
    start = datetime(2026, 12, 15, 8, 0, tzinfo=ZoneInfo("America/New_York"))
    assert b"DTSTART;TZID=Europe/Paris:20261215T140000\r\n" in make(start=start)


def test_a_meeting_across_the_october_switch_ends_at_the_right_wall_clock_time() -> None:
    # Sunday 31 October 2027, 01:00 CEST for three hours of real time ends at 03:00 CET.
    start = datetime(2027, 10, 30, 23, 0, tzinfo=UTC)
    data = make(start=start, duration=timedelta(hours=3))
    assert b"DTSTART;TZID=Europe/Paris:20271031T010000\r\n" in data
    assert b"DTEND;TZID=Europe/Paris:20271031T030000\r\n" in data
    _, event = parse(data)
    assert as_utc(event, "DTEND") - as_utc(event, "DTSTART") == timedelta(hours=3)


def test_the_second_pass_of_the_repeated_hour_is_written_in_utc() -> None:
    # 02:30 CET on 31 October 2027 (01:30 UTC): "02:30 Europe/Paris" would mean 02:30 CEST.
    start = datetime(2027, 10, 30, 23, 30, tzinfo=UTC)
    data = make(start=start, duration=timedelta(hours=2))
    assert b"DTSTART;TZID=Europe/Paris:20271031T013000\r\n" in data
    assert b"DTEND:20271031T013000Z\r\n" in data
    _, event = parse(data)
    assert as_utc(event, "DTEND") == start + timedelta(hours=2)


def test_vtimezone_for_the_zone_is_included() -> None:
    calendar, _ = parse(make(start=datetime(2027, 6, 15, 12, 0, tzinfo=UTC)))
    timezones = calendar.walk("VTIMEZONE")
    assert [str(timezone["TZID"]) for timezone in timezones] == ["Europe/Paris"]
    assert calendar.get_missing_tzids() == set()
    offsets = {
        (component.name, component.decoded("TZOFFSETTO"))
        for component in timezones[0].subcomponents
    }
    assert ("DAYLIGHT", timedelta(hours=2)) in offsets
    assert ("STANDARD", timedelta(hours=1)) in offsets


def test_location_url_and_organizer() -> None:
    _, event = parse(make())
    assert str(event["LOCATION"]) == LOCATION
    assert str(event["URL"]) == URL
    assert event["ORGANIZER"].params["CN"] == "Région Grand Est"


def test_optional_fields_can_be_left_out() -> None:
    _, event = parse(make(location=None, url=None, organizer_name=None))
    for name in ("LOCATION", "URL", "ORGANIZER"):
        assert name not in event


def test_status_and_alarm_of_a_confirmed_meeting() -> None:
    _, event = parse(make())
    assert str(event["STATUS"]) == "CONFIRMED"
    alarms = event.walk("VALARM")
    assert len(alarms) == 1
    assert str(alarms[0]["ACTION"]) == "DISPLAY"
    assert alarms[0].decoded("TRIGGER") == timedelta(days=-1)
    assert str(alarms[0]["DESCRIPTION"]) == SUMMARY


def test_french_accents_survive() -> None:
    data = make()
    assert "réunion de décembre".encode() in data
    _, event = parse(data)
    assert str(event["SUMMARY"]) == SUMMARY
    assert str(event["DESCRIPTION"]) == DESCRIPTION


def test_long_accented_text_is_folded_within_75_octets_and_survives() -> None:
    description = "Délibération sur l'avenant n°1 : pondérations révisées, à l'unanimité. " * 8
    data = make(description=description)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    _, event = parse(data)
    assert str(event["DESCRIPTION"]) == description


def test_lines_end_with_crlf() -> None:
    data = make()
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_same_inputs_give_identical_bytes() -> None:
    assert make() == make()
    assert make() != make(stamp=STAMP + timedelta(seconds=1))


def test_a_moved_meeting_keeps_its_uid_and_raises_its_sequence() -> None:
    _, first = parse(make(sequence=0))
    _, moved = parse(make(sequence=1, start=datetime(2026, 12, 17, 9, 0, tzinfo=UTC)))
    assert str(moved["UID"]) == str(first["UID"])
    assert moved.decoded("SEQUENCE") == first.decoded("SEQUENCE") + 1
    assert moved.decoded("DTSTART") != first.decoded("DTSTART")


def test_a_cancelled_meeting() -> None:
    calendar, event = parse(make(sequence=2, cancelled=True))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == "meeting-42@scrutin"
    assert event.decoded("SEQUENCE") == 2
    assert event.walk("VALARM") == []


def test_a_local_start_with_a_duration_across_the_switch_lasts_that_long() -> None:
    # 01:00 CEST on 31 October 2027 plus two real hours is 02:00 CET, not 03:00 CET.
    start = datetime(2027, 10, 31, 1, 0, tzinfo=PARIS)
    _, event = parse(make(start=start, duration=timedelta(hours=2)))
    assert as_utc(event, "DTEND") == datetime(2027, 10, 31, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start": datetime(2026, 12, 15, 14, 0)}, "naive"),  # noqa: DTZ001
        ({"stamp": datetime(2026, 12, 1, 8, 0)}, "naive"),  # noqa: DTZ001
        ({"uid": ""}, "uid"),
        ({"sequence": -1}, "sequence"),
        ({"duration": timedelta(0)}, "duration"),
    ],
)
def test_bad_inputs_are_refused(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make(**overrides)


@given(
    start=st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001
        max_value=datetime(2099, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    minutes=st.integers(1, 24 * 60),
)
# 02:30 CEST to 02:30 CET, both in the repeated hour of 31 October 2027.
@example(start=datetime(2027, 10, 31, 0, 30, tzinfo=UTC), minutes=60)
# From just before the spring gap of 28 March 2027 to just after it.
@example(start=datetime(2027, 3, 28, 0, 59, tzinfo=UTC), minutes=2)
def test_start_and_end_read_back_as_the_same_instants(start: datetime, minutes: int) -> None:
    start = start.replace(second=0, microsecond=0)
    duration = timedelta(minutes=minutes)
    _, event = parse(make(start=start, duration=duration))
    assert as_utc(event, "DTSTART") == start
    assert as_utc(event, "DTEND") == start + duration
