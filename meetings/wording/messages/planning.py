"""The messages about planning: a meeting planned and its deadline to convene, and the
coordinators' reminders to hold the recurring meetings (quarterly CST, annual AG)."""

from __future__ import annotations

from config.models import Groupement, Instance
from meetings.meeting import Meeting
from meetings.notice import Notice
from meetings.reminders import Reminder, ReminderKind
from meetings.wording.formats import clear_days, quarter, short_date
from meetings.wording.i18n import translator


def planned_text(meeting: Meeting, notice: Notice, language: str) -> str:
    """The coordinator is told how long it has to send the convocation, or that it is late."""
    _ = translator(language)
    fields = {
        "number": meeting.id,
        "last_day": short_date(notice.last_day, language),
        "needed": clear_days(notice.needed, language),
        "urgent_last_day": short_date(notice.urgent_last_day, language),
        "urgent_needed": clear_days(notice.urgent_needed, language),
    }
    if notice.on_time:
        return _(
            "Meeting no. {number} planned. Send the convocation with /convoquer {number} "
            "by {last_day} ({needed} of notice)."
        ).format(**fields)
    late = _(
        "Meeting no. {number} planned, but the last day to convene it with the ordinary "
        "notice ({needed}) was {last_day}."
    ).format(**fields)
    if notice.given >= notice.urgent_needed:
        advice = _(
            "It can still be convened in an emergency, with its reason, by {urgent_last_day} "
            "({urgent_needed} of notice): /convoquer {number} urgence REASON; the minutes "
            "will record it. Otherwise move it with /reporter."
        ).format(**fields)
    else:
        advice = _(
            "It can no longer be convened for this date, even in an emergency "
            "({urgent_needed} of notice): move it with /reporter, or cancel it with "
            "/annuler_reunion {number}."
        ).format(**fields)
    return late + "\n" + advice


def period_reminder(
    reminder: Reminder, groupement: Groupement, instance: Instance, language: str
) -> str:
    """No meeting of a recurring instance is planned in the quarter or the year."""
    _ = translator(language)
    fields = {"instance": instance.name, "groupement": groupement.name}
    if reminder.kind is ReminderKind.ANNUAL:
        text = _(
            "{instance}: no meeting is planned yet for {year} ({groupement}). "
            "Plan it with /planifier."
        ).format(year=reminder.period[0].year, **fields)
    else:
        text = _(
            "{instance}: no meeting is planned yet for the {quarter} ({groupement}). "
            "Plan it with /planifier."
        ).format(quarter=quarter(reminder.quarter, language), **fields)
    return "⏰ " + text
