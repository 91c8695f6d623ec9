"""Who is in the room, and who may vote, at a given moment: the one place these are decided.

Pure functions over what the stores hold: the replies to a convocation, the attendance
events of a session, the weights in force and the proxies. The live quorum, the opening of
a ballot (in a session or by written consultation) and the minutes all ask here, so they
cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from meetings.meeting import (
    Attendance,
    AttendanceEvent,
    Departure,
    Reply,
    ReplyKind,
    SessionProxy,
)
from meetings.roster import ProxyProblem, proxy_problem
from voting.electorate import Electorate


def attendance_at(events: Sequence[AttendanceEvent], until: datetime | None = None) -> Attendance:
    """Who is in the session after ``events`` (those up to ``until``), replayed in order."""
    present: dict[str, bool] = {}
    advisory: set[str] = set()
    departures: list[Departure] = []
    for event in events:
        if until is not None and event.at > until:
            continue
        if event.advisory:
            advisory.add(event.participant_id)
        if event.arrived:
            present[event.participant_id] = event.by_video
        else:
            present.pop(event.participant_id, None)
            departures.append(Departure(event.participant_id, event.at))
    return Attendance(
        present=frozenset(p for p in present if p not in advisory),
        by_video=frozenset(p for p, video in present.items() if video and p not in advisory),
        departures=tuple(d for d in departures if d.member_id not in advisory),
        advisory_present=frozenset(p for p in present if p in advisory),
    )


def coming(replies: Mapping[str, Reply]) -> frozenset[str]:
    """Who said they will sit, in the room or by video: the forecast before the session."""
    return frozenset(
        member
        for member, reply in replies.items()
        if reply.kind in (ReplyKind.PRESENT, ReplyKind.VIDEO)
    )


def proxies_of(replies: Mapping[str, Reply]) -> dict[str, str]:
    """giver -> holder, from the latest replies."""
    return {
        member: reply.proxy_holder
        for member, reply in replies.items()
        if reply.kind is ReplyKind.PROXY and reply.proxy_holder is not None
    }


def reply_proxy_problem(
    giver: str,
    holder: str,
    replies: Mapping[str, Reply],
    members: frozenset[str],
    max_per_holder: int,
) -> ProxyProblem | None:
    """Why ``giver`` may not give its proxy to ``holder`` in reply to the convocation, given
    the other ``replies``: the rules of any proxy, and a member that excused itself will not
    sit, so it cannot carry one. The holders offered and the proxy written both ask here."""
    others = {g: h for g, h in proxies_of(replies).items() if g != giver}
    problem = proxy_problem(giver, holder, others, members, max_per_holder)
    if problem is None and holder in replies and replies[holder].kind is ReplyKind.EXCUSED:
        return ProxyProblem.HOLDER_EXCUSED
    return problem


def proxies_at(
    replies: Mapping[str, Reply],
    session_proxies: Sequence[SessionProxy] = (),
    at: datetime | None = None,
) -> dict[str, str]:
    """giver -> holder at ``at`` (at the end by default): the replies' proxies, then those
    given or revoked during the session up to that moment, in the order they were recorded."""
    proxies = proxies_of(replies)
    for change in session_proxies:
        if at is not None and change.at > at:
            continue
        if change.holder is None:
            proxies.pop(change.giver, None)
        else:
            proxies[change.giver] = change.holder
    return proxies


def electorate_of(
    weights: Mapping[str, Decimal], present: Iterable[str], proxies: Mapping[str, str]
) -> Electorate:
    """Who may vote: the members present, and the proxies whose holder is present.

    A member that gave a proxy and came after all sits itself; a proxy whose holder is
    absent cannot be exercised; someone without a weight (an advisory participant, a member
    gone) never votes.
    """
    sitting = frozenset(member for member in present if member in weights)
    exercised = {
        giver: holder
        for giver, holder in proxies.items()
        if giver in weights and giver not in sitting and holder in sitting
    }
    return Electorate(dict(weights), sitting, exercised)


def session_electorate(
    weights: Mapping[str, Decimal],
    replies: Mapping[str, Reply],
    events: Sequence[AttendanceEvent] | None,
    at: datetime | None = None,
    session_proxies: Sequence[SessionProxy] = (),
) -> Electorate:
    """The electorate of a meeting at ``at`` (now by default).

    During and after the session, presence comes from the attendance ``events`` and the
    proxies from the replies and the ``session_proxies`` given or revoked until ``at``;
    before it (``events`` is None) the replies forecast who will sit.
    """
    if events is None:
        return electorate_of(weights, coming(replies), proxies_of(replies))
    present = attendance_at(events, at).present
    return electorate_of(weights, present, proxies_at(replies, session_proxies, at))


def consultation_electorate(
    weights: Mapping[str, Decimal], standing_proxies: Mapping[str, str]
) -> Electorate:
    """A written consultation: every member takes part itself, or through its proxy's holder."""
    givers = {g for g, h in standing_proxies.items() if g in weights and h in weights}
    return electorate_of(weights, (m for m in weights if m not in givers), standing_proxies)
