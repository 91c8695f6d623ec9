"""Opening an instance's ballots and routing each member's vote to the right person.

The desk joins the governance configuration (weights in force, rules), the
roster (who represents whom, standing proxies) and the ballot store. A ballot
opened outside a meeting is a *consultation écrite*: every member with a
weight may take part, directly or through the holder of its proxy, and the
result is valid only if at least half of the members took part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from config.models import Governance, GovernanceLookupError, Groupement, Instance
from meetings.presence import consultation_electorate
from meetings.roster import Roster
from voting.ballot import Ballot, BallotDraft, BallotMode, NotEntitled, VoteReceipt
from voting.electorate import Electorate
from voting.rules import BallotKind
from voting.store import BallotStore
from voting.tally import MOTION_OPTIONS, Count, count_of


class DeskError(Exception):
    """A request the desk refuses before touching a ballot."""

    code = "desk_error"


class InstanceDoesNotVote(DeskError):
    code = "instance_does_not_vote"


@dataclass(frozen=True)
class BallotPaper:
    """One ballot paper, delivered to one person, for one member."""

    person_id: str
    member_id: str
    proxy_of: str | None
    """Set when the person votes for ``member_id`` as holder of its proxy."""


@dataclass(frozen=True)
class Participation:
    voted: Count
    electorate: Count


class BallotDesk:
    def __init__(self, governance: Governance, ballots: BallotStore, roster: Roster) -> None:
        self.governance = governance
        self.ballots = ballots
        self.roster = roster

    def voting_instance(self, groupement_id: str, instance_id: str) -> tuple[Groupement, Instance]:
        groupement = self.governance.groupement(groupement_id)
        instance = groupement.instance(instance_id)
        if not instance.voting or instance.weight_series is None:
            raise InstanceDoesNotVote(f"instance {instance_id!r} does not vote")
        return groupement, instance

    async def electorate(self, groupement_id: str, instance_id: str) -> tuple[str, Electorate]:
        """The weight table id and the electorate in force now, with standing proxies."""
        groupement, instance = self.voting_instance(groupement_id, instance_id)
        assert instance.weight_series is not None
        today = self.ballots.database.clock().astimezone(groupement.groupement.tzinfo).date()
        table, weights = groupement.electorate_weights(instance.weight_series, today)
        standing = await self.roster.standing_proxies(groupement_id, instance_id)
        return table.id, consultation_electorate(weights, standing)

    async def open_consultation(
        self,
        groupement_id: str,
        instance_id: str,
        question: str,
        *,
        kind: BallotKind | None = None,
        deadline: datetime | None = None,
        created_by: str,
        options: Sequence[str] = MOTION_OPTIONS,
    ) -> Ballot:
        """Create and open a written consultation of the instance, frozen as of now."""
        groupement, instance = self.voting_instance(groupement_id, instance_id)
        table_id, electorate = await self.electorate(groupement_id, instance_id)
        draft = await self.ballots.create(
            BallotDraft(
                groupement_id=groupement_id,
                instance_id=instance_id,
                question=question,
                kind=kind or instance.ballot_kind,
                options=tuple(options),
                mode=BallotMode.WRITTEN,
                allow_vote_change=instance.allow_vote_change,
                deadline=deadline,
                created_by=created_by,
            )
        )
        chair = groupement.groupement.coordinator
        ballot = await self.ballots.open(
            draft.id,
            electorate=electorate,
            rules=instance.voting_rules,
            weight_table_id=table_id,
            chair=chair if chair in electorate.weights else None,
        )
        # A proxy is given for one occasion: this consultation has frozen them.
        await self.roster.consume_proxies(groupement_id, instance_id)
        return ballot

    async def papers(self, ballot: Ballot) -> list[BallotPaper]:
        """Every paper to deliver: each representative of a member, or of its proxy holder."""
        electorate = ballot.electorate
        if electorate is None:
            return []
        papers: list[BallotPaper] = []
        for member in electorate.members:
            if ballot.draft.mode is BallotMode.MEETING and not electorate.can_vote(member):
                continue  # absent and not represented: no paper in a session ballot
            holder = electorate.proxies.get(member)
            voter = holder or member
            for seat in await self.roster.representatives_of(ballot.draft.groupement_id, voter):
                papers.append(BallotPaper(seat.person_id, member, member if holder else None))
        return papers

    async def may_vote(self, ballot: Ballot, person_id: str, member_id: str) -> bool:
        electorate = ballot.electorate
        if electorate is None or member_id not in electorate.weights:
            return False
        voter = electorate.proxies.get(member_id, member_id)
        seats = await self.roster.representatives_of(ballot.draft.groupement_id, voter)
        return any(seat.person_id == person_id for seat in seats)

    async def cast(
        self, ballot_id: int, member_id: str, option: str, person_id: str
    ) -> VoteReceipt:
        """Record the vote if ``person_id`` speaks for ``member_id`` on this ballot."""
        ballot = await self.ballots.get(ballot_id)
        if not await self.may_vote(ballot, person_id, member_id):
            raise NotEntitled(
                f"{person_id!r} does not vote for {member_id!r} on ballot {ballot_id}",
                member_id=member_id,
            )
        return await self.ballots.cast(ballot_id, member_id, option, cast_by=person_id)

    async def participation(self, ballot: Ballot) -> Participation:
        electorate = ballot.electorate
        if electorate is None:
            return Participation(Count(), Count())
        votes = await self.ballots.effective_votes(ballot.id)
        return Participation(
            voted=count_of(votes, electorate.weights),
            electorate=count_of(electorate.members, electorate.weights),
        )

    def member_name(self, groupement_id: str, member_id: str) -> str:
        try:
            return self.governance.groupement(groupement_id).member(member_id).name
        except GovernanceLookupError:
            return member_id
