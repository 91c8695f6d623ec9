"""Close a ballot: judge it on its frozen electorate and keep its result.

Permission: a coordinator of the groupement, or the ballot's own deadline once it has passed.
The result, the dropped deadline reminders and, for a secret ballot, the destroyed link
between members and choices are one transaction; after the commit the write-ahead log is
emptied of the old pages, then the result, in words and as a chart, goes to the groups and to
every voter, and the papers lose their buttons.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from meetings.actions.actor import Actor
from meetings.actions.ballot_open import BallotOpened
from meetings.actions.minutes_approval import settle_approval
from meetings.actions.minutes_send import MinutesSent, send_final_minutes
from meetings.actions.session_chair import settle_ruling
from meetings.actions.session_open import open_urgency_ruling
from meetings.approval import Approval
from meetings.delivery.ballots import announce_result, voters_of
from meetings.delivery.results import Publication
from meetings.meeting import ChairDesignation
from meetings.reminders import ballot_subject
from meetings.services import Services
from voting.ballot import Ballot, BallotNotOpen
from voting.refusal import Refused
from voting.tally import TallyResult

log = logging.getLogger(__name__)

DEADLINE = "deadline"
"""Who closed a ballot at its deadline: nobody, the deadline itself."""


@dataclass(frozen=True)
class BallotClosed:
    ballot: Ballot
    result: TallyResult
    chair: ChairDesignation | None = None
    """The chair for the session this ballot designated, if it was one and was adopted."""
    urgency: BallotOpened | None = None
    """The ballot on the urgency, opened once the session has its chair."""
    voters: tuple[str, ...] = ()
    """Every person who voted, read before the close: a secret ballot then keeps only the
    person whose vote counts for each member, and every voter is told the result."""
    publication: Publication | None = None
    """Who got the result and who did not, once it is announced."""
    approval: Approval | None = None
    """The approval of earlier minutes this ballot's adopted motion recorded, if any."""
    minutes_sent: MinutesSent | None = None
    """Those minutes, sent to the members if the approval made them final."""


async def _close(services: Services, ballot_id: int, closed_by: str) -> BallotClosed:
    ballot = await services.ballots.get(ballot_id)
    zone = services.governance.groupement(ballot.draft.groupement_id).groupement.tzinfo
    # A ruling of the opening (the urgency, the chair) decides how the session is held, not a
    # question of its business: it is no deliberation and takes no number.
    ruling = await services.sessions.ruling_of(ballot_id)
    voters = tuple(await voters_of(services, ballot))
    ballot, result = await services.ballots.close(ballot_id, zone, numbered=ruling is None)
    await services.reminders.drop_subject(ballot_subject(ballot.id), "ballot closed")
    chair = await settle_ruling(services, ballot, result, closed_by)
    approval = await settle_approval(services, ballot, result)
    return BallotClosed(ballot, result, chair, voters=voters, approval=approval)


async def _send_approved(services: Services, closed: BallotClosed) -> BallotClosed:
    """The minutes this ballot approved go to the members if they are signed already."""
    if closed.approval is None:
        return closed
    sent = await send_final_minutes(services, closed.approval.minutes_of)
    return replace(closed, minutes_sent=sent)


async def _forget(services: Services, ballot_id: int) -> None:
    if not await services.ballots.forget():
        log.warning("ballot %s: the write-ahead log could not be emptied yet", ballot_id)


async def close_ballot(services: Services, actor: Actor, ballot_id: int) -> BallotClosed:
    async with services.database.transaction():
        ballot = await services.ballots.get(ballot_id)
        actor.require_coordinator(ballot.draft.groupement_id)
        closed = await _close(services, ballot_id, actor.person_id)
    await _forget(services, ballot_id)
    publication = await announce_result(services, closed.ballot, closed.voters)
    closed = await _send_approved(services, replace(closed, publication=publication))
    meeting_id = closed.ballot.draft.meeting_id
    if closed.chair is not None and meeting_id is not None:
        meeting = await services.meetings.get(meeting_id)
        return replace(closed, urgency=await open_urgency_ruling(services, actor, meeting))
    return closed


async def close_due_ballots(services: Services) -> list[int]:
    """Close every open ballot whose deadline has passed; return their ids.

    The deadline job, the periodic check and a coordinator's /clore may reach the same ballot
    together: whichever comes second is refused, and the others are still closed.
    """
    closed = []
    for due in await services.ballots.due_for_closing():
        try:
            async with services.database.transaction():
                ballot = await services.ballots.get(due.id)
                deadline = ballot.draft.deadline
                if deadline is None or deadline > services.clock():
                    raise BallotNotOpen(f"ballot {due.id} is not due", state=ballot.state)
                done = await _close(services, due.id, DEADLINE)
        except Refused as refused:
            log.info("ballot %s not closed at its deadline: %s", due.id, refused)
            continue
        await _forget(services, due.id)
        publication = await announce_result(services, done.ballot, done.voters)
        await _send_approved(services, done)
        if not publication.complete:
            log.warning(
                "ballot %s closed at its deadline: %d group(s) and %d voter(s) not reached",
                due.id,
                len(publication.failed_groups),
                len(publication.unreached),
            )
        closed.append(due.id)
    return closed
