"""The quorum of a meeting: live during the session, forecast before it, and whether it failed.

The figures come from :func:`meetings.presence.session_electorate` and the tally's
:func:`~voting.tally.quorum_report`, the same functions a ballot and the minutes use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from meetings.meeting import Meeting, NotAVotingInstance
from meetings.presence import session_electorate
from meetings.scope import MeetingScope, scope_of
from meetings.services import Services
from voting.electorate import Electorate
from voting.tally import Outcome, QuorumReport, quorum_report


@dataclass(frozen=True)
class LiveQuorum:
    report: QuorumReport
    present: frozenset[str]
    represented: frozenset[str]


async def meeting_electorate(
    services: Services,
    meeting: Meeting,
    scope: MeetingScope,
    *,
    forecast: bool = False,
    at: datetime | None = None,
) -> Electorate:
    """Who votes in the meeting now (or at ``at``); before the session, as the replies say."""
    if not scope.voting:
        raise NotAVotingInstance(f"meeting {meeting.id}'s instance does not vote")
    replies = await services.meetings.replies(meeting.id)
    if forecast:
        return session_electorate(scope.weights, replies, None)
    events = await services.meetings.attendance_events(meeting.id)
    changes = await services.sessions.session_proxies(meeting.id)
    return session_electorate(scope.weights, replies, events, at, changes)


async def live_quorum(
    services: Services, meeting: Meeting, *, forecast: bool = False
) -> LiveQuorum | None:
    """The quorum now in the session, or as the replies announce it (``forecast``)."""
    scope = scope_of(services.governance, meeting)
    if not scope.voting:
        return None
    electorate = await meeting_electorate(services, meeting, scope, forecast=forecast)
    report = quorum_report(electorate, scope.rules, meeting.second_convocation)
    return LiveQuorum(report, electorate.present, electorate.represented)


async def quorum_failed(services: Services, meeting: Meeting) -> bool:
    """Whether the meeting lacked its quorum: at the opening, or at one of its ballots."""
    scope = scope_of(services.governance, meeting)
    if not scope.voting or meeting.second_convocation:
        return False
    for ballot in await services.ballots.find(meeting_id=meeting.id):
        if ballot.result is not None and ballot.result.outcome is Outcome.NO_QUORUM:
            return True
    electorate = await meeting_electorate(services, meeting, scope, at=meeting.session_opened_at)
    report = quorum_report(electorate, scope.rules, second_convocation=False)
    return report.required and not report.met
