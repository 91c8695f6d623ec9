"""Calendar files (.ics, RFC 5545) for meetings, so members can add them to their phones.

One VEVENT per file, in the groupement's wall-clock zone with its VTIMEZONE.
A moved meeting keeps its UID and gets a higher SEQUENCE, which makes calendar
apps update the event they already hold instead of adding a second one; a
cancelled meeting is sent with METHOD:CANCEL so they remove it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress

PRODID = "-//Scrutin//FR"
ALARM_BEFORE = timedelta(days=1)
# Outlook's convention for an organizer without an address. A mailto: would
# invite calendar apps to send RSVPs by e-mail, whereas replies go through the bot.
_NO_ADDRESS = "invalid:nomail"


def _vtimezone(zone: ZoneInfo, first: date, last: date) -> Timezone:
    # The library's default span (1970-2038) lists every transition as an RDATE
    # and stops short of later meetings; the event's own years are enough.
    return Timezone.from_tzinfo(
        zone,
        tzid=zone.key,
        first_date=date(first.year, 1, 1),
        last_date=date(last.year + 1, 1, 1),
    )


def _calendar_time(moment: datetime, zone: ZoneInfo) -> datetime:
    local = moment.astimezone(zone)
    # In the autumn repeated hour, a TZID time is read as its first occurrence
    # (RFC 5545 3.3.5); the second one can only be written in UTC.
    if local.replace(fold=0).astimezone(UTC) != moment.astimezone(UTC):
        return moment.astimezone(UTC)
    return local


def meeting_ics(
    *,
    uid: str,
    sequence: int,
    summary: str,
    description: str,
    start: datetime,
    duration: timedelta,
    location: str | None,
    url: str | None,
    organizer_name: str | None,
    stamp: datetime,
    zone: ZoneInfo,
    cancelled: bool = False,
) -> bytes:
    """The .ics file of one meeting, as UTF-8 bytes with CRLF line ends.

    ``start`` and ``stamp`` must be aware; DTSTART/DTEND are written as
    wall-clock times of ``zone`` with its TZID (in UTC for the second pass of
    the autumn repeated hour, which a TZID time cannot name), DTSTAMP in UTC. ``stamp`` is
    given rather than read from the clock so the same meeting gives the same
    bytes. A cancellation carries no alarm: nothing is left to be reminded of.
    """
    _check_arguments(uid=uid, sequence=sequence, start=start, stamp=stamp, duration=duration)
    # Aware arithmetic in a local zone is wall-clock arithmetic: a 2-hour meeting
    # across the October switch would last 3 hours. Add real time in UTC.
    start = start.astimezone(UTC)
    end = start + duration

    calendar = _calendar(zone, start, end, cancelled=cancelled)
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", _calendar_time(start, zone))
    event.add("dtend", _calendar_time(end, zone))
    event.add("summary", summary)
    event.add("description", description)
    _add_whereabouts(event, location=location, url=url, organizer_name=organizer_name)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if not cancelled:
        event.add_component(_alarm(summary))
    calendar.add_component(event)
    result: bytes = calendar.to_ical()
    return result


def _check_arguments(
    *, uid: str, sequence: int, start: datetime, stamp: datetime, duration: timedelta
) -> None:
    for name, moment in (("start", start), ("stamp", stamp)):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{name}={moment!r} is naive: times must carry a time zone")
    if not uid:
        raise ValueError("uid must not be empty")
    if sequence < 0:
        raise ValueError(f"sequence must be 0 or more, not {sequence}")
    if duration <= timedelta(0):
        raise ValueError(f"duration must be positive, not {duration}")


def _calendar(zone: ZoneInfo, start: datetime, end: datetime, *, cancelled: bool) -> Calendar:
    """The VCALENDAR around the event, with the zone's VTIMEZONE over the event's years."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    calendar.add_component(
        _vtimezone(zone, start.astimezone(zone).date(), end.astimezone(zone).date())
    )
    return calendar


def _add_whereabouts(
    event: Event, *, location: str | None, url: str | None, organizer_name: str | None
) -> None:
    """Where the meeting takes place and who convenes it, each only when known."""
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    if organizer_name:
        organizer = vCalAddress(_NO_ADDRESS)
        organizer.params["CN"] = organizer_name
        event.add("organizer", organizer)


def _alarm(summary: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -ALARM_BEFORE)
    # RFC 5545 requires a DESCRIPTION on a DISPLAY alarm: it is the text shown.
    alarm.add("description", summary)
    return alarm
