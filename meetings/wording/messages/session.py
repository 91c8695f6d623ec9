"""What the coordinator and the members read about the opening of a session and its course:
the chair designated, the ruling on the urgency, proxies given or revoked during the session."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from meetings.buttons import SessionProxyButton
from meetings.meeting import ChairDesignation, Meeting
from meetings.notifier import Button, Keyboard
from meetings.wording.formats import Name, clock
from meetings.wording.i18n import translator


def urgency_opened(ballot_id: int, language: str) -> str:
    _ = translator(language)
    return _(
        "The session was convened in urgency: the instance first rules on it. Ballot no. "
        "{ballot} on the urgency is open; no other ballot opens until it is closed (/clore "
        "{ballot}). If the urgency is not recognised, the session can only be adjourned."
    ).format(ballot=ballot_id)


def chair_vote_needed(meeting: Meeting, chair: Name, language: str) -> str:
    _ = translator(language)
    return _(
        "The planned chair, {chair}, is not present: the instance "
        "designates the chair of the session by a vote, before any other ballot: "
        '/presider {number} MEMBER "First name Last name".'
    ).format(chair=chair, number=meeting.id)


def chair_designated(
    designation: ChairDesignation, member: Name, zone: ZoneInfo, language: str
) -> str:
    _ = translator(language)
    return _(
        "{person} ({member}) chairs the session, designated at {time}. They sign the minutes "
        "and hold the casting vote of the ballots opened from now on."
    ).format(
        person=designation.person_name,
        member=member,
        time=clock(designation.at, language, zone),
    )


def chair_ballot_opened(ballot_id: int, person: str, member: Name, language: str) -> str:
    _ = translator(language)
    return _(
        "Ballot no. {ballot} on the designation of {person} ({member}) as chair of the "
        "session is open; once it is adopted (/clore {ballot}), the session goes on."
    ).format(ballot=ballot_id, person=person, member=member)


def session_holders_keyboard(
    meeting: Meeting, giver_index: int, holders: Sequence[tuple[int, Name]]
) -> Keyboard:
    return tuple(
        (Button(str(name), SessionProxyButton(meeting.id, giver_index, index).encode()),)
        for index, name in holders
    )


def offer_proxy(giver: Name, language: str) -> str:
    _ = translator(language)
    return _(
        "{giver} may give its proxy to a member present, for the ballots opened from now on:"
    ).format(giver=giver)


def proxy_given(giver: Name, holder: Name, at: str, language: str) -> str:
    _ = translator(language)
    return _(
        "{giver} gives its proxy to {holder} at {time}; it counts in the ballots opened from "
        "now on. /revoquer withdraws it."
    ).format(giver=giver, holder=holder, time=at)


def proxy_revoked(giver: Name, at: str, language: str) -> str:
    _ = translator(language)
    return _(
        "{giver} revokes its proxy at {time}; it counts no more in the ballots opened from now on."
    ).format(giver=giver, time=at)
