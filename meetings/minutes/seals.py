"""What the minutes print of a closed ballot's chain: its final hash, and for a public ballot
each member's receipt code, so that anyone can hold the record against ``scrutin verify``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from meetings.minutes.model import VoteLine
from voting.ballot import Ballot, BallotState
from voting.ledger import effective_entries, final_hash
from voting.store import BallotStore


@dataclass(frozen=True)
class ChainSeal:
    final_hash: str | None = None
    """None while the ballot is open, or when it was cancelled."""
    receipts: Mapping[str, str] = field(default_factory=dict)
    """Member -> the receipt code of its vote that counts; empty for a secret ballot."""


async def seal_of(ballots: BallotStore, ballot: Ballot) -> ChainSeal:
    if ballot.state is not BallotState.CLOSED:
        return ChainSeal()
    genesis, entries = await ballots.chain(ballot.id)
    if ballot.secret:
        return ChainSeal(final_hash(genesis, entries))
    receipts = {voter: entry.receipt for voter, entry in effective_entries(entries).items()}
    return ChainSeal(final_hash(genesis, entries), receipts)


def with_receipts(lines: Sequence[VoteLine], seal: ChainSeal) -> tuple[VoteLine, ...]:
    return tuple(replace(line, receipt=seal.receipts.get(line.member_id)) for line in lines)
