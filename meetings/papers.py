"""Ballot papers: which person votes for which member, and how many have voted.

A member votes through its own representatives (titulaire and suppléant), or through the
representatives of the member holding its proxy. In a session, a member neither present nor
represented gets no paper.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from meetings.roster import Roster, Seat
from voting.ballot import Ballot, BallotMode
from voting.tally import Count, count_of


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


async def papers(roster: Roster, ballot: Ballot) -> list[BallotPaper]:
    """Every paper to deliver: each representative of a member, or of its proxy holder."""
    electorate = ballot.electorate
    if electorate is None:
        return []
    found: list[BallotPaper] = []
    for member in electorate.members:
        if ballot.draft.mode is BallotMode.MEETING and not electorate.can_vote(member):
            continue
        holder = electorate.proxies.get(member)
        for seat in await roster.representatives_of(ballot.draft.groupement_id, holder or member):
            found.append(BallotPaper(seat.person_id, member, member if holder else None))
    return found


def speaks_for(ballot: Ballot, seats: Iterable[Seat], member_id: str) -> bool:
    """Whether a person holding ``seats`` votes for ``member_id`` in this ballot: it sits for
    the member, or for the member holding its proxy."""
    electorate = ballot.electorate
    if electorate is None or member_id not in electorate.weights:
        return False
    voter = electorate.proxies.get(member_id, member_id)
    return any(
        seat.groupement_id == ballot.draft.groupement_id and seat.member_id == voter
        for seat in seats
    )


def participation(ballot: Ballot, votes: Mapping[str, str]) -> Participation:
    electorate = ballot.electorate
    if electorate is None:
        return Participation(Count(), Count())
    return Participation(
        voted=count_of(votes, electorate.weights),
        electorate=count_of(electorate.members, electorate.weights),
    )
