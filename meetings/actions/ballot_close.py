"""Close a ballot: judge it on its frozen electorate and keep its result.

Permission: a coordinator of the groupement, or the deadline itself (no actor). The result
and the dropped deadline reminders are one transaction; after the commit the result, in words
and as a chart, goes to the groups and to every voter, and the papers lose their buttons.
"""

from __future__ import annotations

from dataclasses import dataclass

from meetings.actions.actor import Actor
from meetings.delivery.ballots import announce_result
from meetings.reminders import ballot_subject
from meetings.services import Services
from voting.ballot import Ballot
from voting.tally import TallyResult


@dataclass(frozen=True)
class BallotClosed:
    ballot: Ballot
    result: TallyResult


async def close_ballot(services: Services, actor: Actor | None, ballot_id: int) -> BallotClosed:
    async with services.database.transaction():
        if actor is not None:
            ballot = await services.ballots.get(ballot_id)
            actor.require_coordinator(ballot.draft.groupement_id)
        ballot, result = await services.ballots.close(ballot_id)
        await services.reminders.drop_subject(ballot_subject(ballot.id), "ballot closed")
    await announce_result(services, ballot)
    return BallotClosed(ballot, result)


async def close_due_ballots(services: Services) -> list[int]:
    """Close every open ballot whose deadline has passed; return their ids."""
    closed = []
    for ballot in await services.ballots.due_for_closing():
        await close_ballot(services, None, ballot.id)
        closed.append(ballot.id)
    return closed
