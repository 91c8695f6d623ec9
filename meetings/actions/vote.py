"""Cast a vote from a ballot paper's button.

The button names a member and an option by their positions in the ballot's frozen electorate
and options: a position out of range is a forged button. Permission: a representative of the
member, or of the member holding its proxy. The vote is on disk before anyone is told, with the
receipt code of its entry in the ballot's chain, which the voter's paper (a private chat) then
shows. The voter is answered first, by the caller; then :func:`announce_vote` marks the group's
participation (figures only, never totals) stale, and returns at once: the edit goes out later,
at the group's pace (:mod:`meetings.live_edits`).
"""

from __future__ import annotations

from dataclasses import dataclass

from meetings.actions.actor import Actor
from meetings.delivery.ballots import deliver_papers, refresh_participation
from meetings.papers import speaks_for
from meetings.services import Services
from voting.ballot import Ballot, BallotState, InvalidOption, NotEntitled, VoteReceipt


@dataclass(frozen=True)
class VoteRecorded:
    ballot: Ballot
    member_id: str
    option: str
    receipt: VoteReceipt

    @property
    def by_proxy(self) -> bool:
        assert self.ballot.electorate is not None
        return self.member_id in self.ballot.electorate.proxies


async def cast_vote(
    services: Services,
    actor: Actor,
    ballot_id: int,
    member_index: int,
    option_index: int,
    callback_id: str | None = None,
) -> VoteRecorded:
    """Record the vote of a press; ``callback_id`` (Telegram's id of the press) makes a press
    that comes again get the first answer, with nothing written twice."""
    ballot = await services.ballots.get_for_voting(ballot_id)
    electorate = ballot.electorate
    if (
        electorate is None
        or member_index >= len(electorate.members)
        or option_index >= len(ballot.draft.options)
    ):
        raise InvalidOption("button out of range")
    member_id = electorate.members[member_index]
    option = ballot.draft.options[option_index]
    # The seats the person holds were read for this update: no second look at the roster.
    if not speaks_for(ballot, actor.seats, member_id):
        raise NotEntitled(
            f"{actor.person_id!r} does not vote for {member_id!r} on ballot {ballot_id}",
            member_id=member_id,
        )
    receipt = await services.ballots.cast(
        ballot_id, member_id, option, cast_by=actor.person_id, callback_id=callback_id
    )
    return VoteRecorded(ballot, member_id, receipt.vote.option, receipt)


async def announce_vote(services: Services, recorded: VoteRecorded) -> None:
    """After the voter was answered: the group's live participation, to be edited soon."""
    await refresh_participation(services, recorded.ballot)


async def send_papers_again(services: Services, actor: Actor) -> int:
    """The person's open ballot papers, sent again (a new phone, a lost message)."""
    sent = 0
    for ballot in await services.ballots.find(state=BallotState.OPEN):
        report = await deliver_papers(services, ballot, only_person=actor.person_id)
        sent += report.sent
    return sent
