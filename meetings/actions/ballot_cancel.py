"""Cancel a ballot that is open (or still a draft): its votes will never be counted.

Permission: a coordinator of the groupement. The cancellation is recorded with its time and
shows in the minutes; its deadline reminders are dropped in the same transaction. After the
commit the groups and everyone who had a paper are told, and the papers lose their buttons.
"""

from __future__ import annotations

from meetings.actions.actor import Actor
from meetings.delivery.ballots import announce_cancellation
from meetings.reminders import ballot_subject
from meetings.services import Services
from voting.ballot import Ballot


async def cancel_ballot(services: Services, actor: Actor, ballot_id: int) -> Ballot:
    async with services.database.transaction():
        ballot = await services.ballots.get(ballot_id)
        actor.require_coordinator(ballot.draft.groupement_id)
        ballot = await services.ballots.cancel(ballot_id)
        await services.reminders.drop_subject(ballot_subject(ballot.id), "ballot cancelled")
    await services.ballots.forget()
    await announce_cancellation(services, ballot)
    return ballot
