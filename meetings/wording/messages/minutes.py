"""The messages about minutes after the session: signed, approved, sent, and the extract of a
deliberation. Pure functions to a text, in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from meetings.approval import Signatory
from meetings.meeting import Meeting
from meetings.wording.formats import Name, day, moment
from meetings.wording.i18n import translator


def session_day(meeting: Meeting, zone: ZoneInfo, language: str) -> str:
    return day(meeting.plan.starts_at, language, zone)


def signing_prompt(meeting: Meeting, zone: ZoneInfo, language: str) -> str:
    """The words of the signature: what the person confirms with the button."""
    _ = translator(language)
    return _("I sign the minutes of the session of {day}").format(
        day=session_day(meeting, zone, language)
    )


def signing_question(meeting: Meeting, zone: ZoneInfo, language: str) -> str:
    _ = translator(language)
    return _(
        "Minutes of meeting no. {number} (session of {day}). Read them with /pv {number}, "
        "then confirm your signature with the button below."
    ).format(number=meeting.id, day=session_day(meeting, zone, language))


def signed_text(
    meeting: Meeting, signatory: Signatory, at: datetime, zone: ZoneInfo, language: str
) -> str:
    _ = translator(language)
    if signatory is Signatory.CHAIR:
        text = _(
            "You signed the minutes of the session of {day} as chair of the session, on {moment}."
        )
    else:
        text = _(
            "You signed the minutes of the session of {day} as secretary of the session, "
            "on {moment}."
        )
    return text.format(day=session_day(meeting, zone, language), moment=moment(at, language, zone))


def already_signed(meeting: Meeting, zone: ZoneInfo, language: str) -> str:
    _ = translator(language)
    return _("The minutes of the session of {day} already bear your signature.").format(
        day=session_day(meeting, zone, language)
    )


def secretary_recorded(meeting: Meeting, zone: ZoneInfo, language: str) -> str:
    _ = translator(language)
    return _(
        "You are recorded as the secretary of the session of {day} (meeting no. {number}): "
        "you will sign its minutes with /signer {number}."
    ).format(day=session_day(meeting, zone, language), number=meeting.id)


def final_minutes_caption(
    meeting: Meeting, reference: str | None, zone: ZoneInfo, language: str
) -> str:
    _ = translator(language)
    return _(
        "The minutes of the session of {day}, approved (deliberation no. {reference}) and "
        "signed by the chair and the secretary."
    ).format(day=session_day(meeting, zone, language), reference=reference or "—")


def final_minutes_notice(
    meeting: Meeting, reached: int, representatives: int, zone: ZoneInfo, language: str
) -> str:
    """The group's notice: the minutes are final, and how many representatives got them."""
    _ = translator(language)
    return _.ngettext(
        "The minutes of the session of {day} are approved and signed. They were sent to "
        "{reached} representative of the members out of {representatives}, in a private chat "
        "with the bot.",
        "The minutes of the session of {day} are approved and signed. They were sent to "
        "{reached} representatives of the members out of {representatives}, each in a private "
        "chat with the bot.",
        reached,
    ).format(
        day=session_day(meeting, zone, language),
        reached=reached,
        representatives=representatives,
    )


def unsent_minutes_text(
    meeting: Meeting, people: Sequence[tuple[str, Name]], zone: ZoneInfo, language: str
) -> str:
    """To the coordinators: the representatives the final minutes could not reach, each
    named with the member it represents."""
    _ = translator(language)
    names = ", ".join(
        _("{person} for {member}").format(person=person, member=member) for person, member in people
    )
    return _.ngettext(
        "The final minutes of the session of {day} could not be sent to {count} "
        "representative: {names}.",
        "The final minutes of the session of {day} could not be sent to {count} "
        "representatives: {names}.",
        len(people),
    ).format(day=session_day(meeting, zone, language), count=len(people), names=names)


def extract_caption(reference: str, language: str) -> str:
    _ = translator(language)
    return _("Extract from the register of deliberations: deliberation no. {reference}.").format(
        reference=reference
    )


def minutes_sent_text(meeting: Meeting, people: int, zone: ZoneInfo, language: str) -> str:
    _ = translator(language)
    return _.ngettext(
        "The minutes of the session of {day} are now final: they were sent to {count} "
        "representative of the members.",
        "The minutes of the session of {day} are now final: they were sent to {count} "
        "representatives of the members.",
        people,
    ).format(day=session_day(meeting, zone, language), count=people)
