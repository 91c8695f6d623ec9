"""What a person may look at: their meetings, sessions, ballots and results.

Read-only: nothing here changes state. The handlers show what these return.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from meetings.meeting import Attendance, Meeting, MeetingState, Reply
from meetings.presence import proxies_at
from meetings.quorum import LiveQuorum, live_quorum
from meetings.scope import MeetingScope, scope_of
from meetings.services import Services
from voting.ballot import Ballot, BallotNotFound, BallotState

COMING = (MeetingState.PLANNED, MeetingState.CONVENED, MeetingState.IN_SESSION)


async def meetings_in(
    services: Services, groupements: Iterable[str], states: tuple[MeetingState, ...]
) -> list[Meeting]:
    """The meetings of these groupements in these states, by date."""
    wanted = set(groupements)
    return [
        meeting
        for meeting in await services.meetings.find(states=states)
        if meeting.plan.groupement_id in wanted
    ]


async def ballots_in(
    services: Services, groupements: Iterable[str], state: BallotState
) -> list[Ballot]:
    found = [
        ballot
        for groupement_id in sorted(set(groupements))
        for ballot in await services.ballots.find(state=state, groupement_id=groupement_id)
    ]
    return sorted(found, key=lambda ballot: ballot.id)


LATEST_RESULTS = 3
"""How many results ``/resultats`` shows when no number is asked for."""


async def results_seen(
    services: Services,
    groupements: Iterable[str],
    group_chat: int | None,
    wanted: int | None = None,
) -> list[Ballot] | None:
    """The closed ballots whose result may be shown, oldest first: ballot ``wanted`` if it is
    one of them, else the :data:`LATEST_RESULTS` latest. In a private chat (``group_chat``
    None), those of the person's ``groupements``; in a group, only what the group itself
    receives (its groupement, and its instance where it follows one), whoever asks, so that a
    person known elsewhere never shows another groupement's results there. None in a group
    bound to nothing. Only the ballots shown are read: never every closed ballot."""
    scopes: list[tuple[str, str | None]]
    if group_chat is None:
        scopes = [(groupement_id, None) for groupement_id in sorted(set(groupements))]
    else:
        binding = await services.chats.binding(group_chat)
        if binding is None:
            return None
        scopes = [(binding.groupement_id, binding.instance_id)]
    if wanted is not None:
        return [ballot for ballot in await _closed(services, wanted) if _within(ballot, scopes)]
    found = [
        ballot
        for groupement_id, instance_id in scopes
        for ballot in await services.ballots.latest(
            groupement_id, BallotState.CLOSED, instance_id=instance_id, limit=LATEST_RESULTS
        )
    ]
    return sorted(found, key=lambda ballot: ballot.id)[-LATEST_RESULTS:]


async def _closed(services: Services, ballot_id: int) -> list[Ballot]:
    try:
        ballot = await services.ballots.get(ballot_id)
    except BallotNotFound:
        return []
    return [ballot] if ballot.state is BallotState.CLOSED else []


def _within(ballot: Ballot, scopes: Sequence[tuple[str, str | None]]) -> bool:
    return any(
        ballot.draft.groupement_id == groupement_id
        and (instance_id is None or ballot.draft.instance_id == instance_id)
        for groupement_id, instance_id in scopes
    )


async def attendance_view(
    services: Services, meeting: Meeting
) -> tuple[MeetingScope, dict[str, Reply], dict[str, str], Attendance | None, LiveQuorum | None]:
    """Replies (before the session) or who is there (during it), the proxies in force (with
    those given or revoked during the session), and the quorum in figures."""
    in_session = meeting.state is MeetingState.IN_SESSION
    replies = await services.meetings.replies(meeting.id)
    return (
        scope_of(services.governance, meeting),
        replies,
        proxies_at(replies, await services.sessions.session_proxies(meeting.id)),
        await services.meetings.attendance(meeting.id) if in_session else None,
        await live_quorum(services, meeting, forecast=not in_session),
    )
