"""The election of a person (CGCT L2122-7): a secret ballot over named candidates.

An absolute majority of the votes cast elects at the first and the second round, a relative
majority at the third; on a tie at the third round the oldest candidate is elected. A blank
or spoilt vote is cast but not expressed. The chair never breaks an election's tie.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from voting.electorate import Electorate
from voting.rules import (
    BallotRules,
    Comparison,
    MajorityBase,
    MajorityRule,
    Threshold,
    TieRule,
)
from voting.tally import BLANK, NOT_EXPRESSED, Outcome, TallyError, TallyResult, tally

LAST_ROUND = 3
ABSOLUTE_MAJORITY = MajorityRule(MajorityBase.EXPRESSED, Threshold(1, 2, Comparison.MORE_THAN))
"""More than half of the votes cast, blank and spoilt votes not counted."""


def election_options(candidates: Sequence[str]) -> tuple[str, ...]:
    """A ballot's options for these candidates: each name, then the blank vote."""
    names = tuple(name.strip() for name in candidates)
    if not names or any(not name for name in names):
        raise TallyError("an election needs at least one named candidate")
    if len(set(names)) != len(names) or any(name in NOT_EXPRESSED for name in names):
        raise TallyError(f"candidates {list(names)} must be distinct names")
    return (*names, BLANK)


def candidates_of(options: Sequence[str]) -> tuple[str, ...]:
    return tuple(option for option in options if option not in NOT_EXPRESSED)


def elect(
    electorate: Electorate,
    votes: Mapping[str, str],
    rules: BallotRules,
    *,
    candidates: Sequence[str],
    round_number: int,
    birth_dates: Mapping[str, date] | None = None,
    second_convocation: bool = False,
    written: bool = False,
) -> TallyResult:
    """Judge one round of an election, on the instance's quorum and weights.

    At the last round a tie without ``birth_dates`` leaves the result awaiting the tied
    candidates' ages (:attr:`TallyResult.awaiting_ages`); :func:`elect_the_oldest` ends it.
    """
    if not 1 <= round_number <= LAST_ROUND:
        raise TallyError(f"round {round_number} is not 1, 2 or 3")
    counted = tally(
        electorate,
        votes,
        replace(rules, majority=ABSOLUTE_MAJORITY, tie=TieRule.REJECTED),
        options=election_options(candidates),
        secret=True,
        second_convocation=second_convocation,
        written=written,
    )
    result = replace(counted, election_round=round_number, tie=False)
    if round_number < LAST_ROUND or result.outcome is Outcome.NO_QUORUM:
        return result
    top = max(result.totals[name].weight for name in result.candidates)
    leaders = tuple(name for name in result.candidates if result.totals[name].weight == top)
    if top <= 0:
        return replace(result, winner=None, outcome=Outcome.REJECTED)
    if len(leaders) == 1:
        return replace(result, winner=leaders[0], outcome=Outcome.ADOPTED)
    tied = replace(result, winner=None, outcome=Outcome.REJECTED, tie=True, tied=leaders)
    return tied if birth_dates is None else elect_the_oldest(tied, birth_dates)


def elect_the_oldest(result: TallyResult, birth_dates: Mapping[str, date]) -> TallyResult:
    """The result of a tied last round once the tied candidates' birth dates are known."""
    if not result.awaiting_ages:
        raise TallyError("only a tie at an election's last round is decided by age")
    missing = [name for name in result.tied if name not in birth_dates]
    if missing:
        raise TallyError(f"the birth date of {missing} is missing")
    dates = {name: birth_dates[name] for name in result.tied}
    eldest = min(dates.values())
    oldest = [name for name in result.tied if dates[name] == eldest]
    if len(oldest) > 1:
        raise TallyError(f"{oldest} were born the same day: the law leaves them tied")
    return replace(
        result,
        winner=oldest[0],
        outcome=Outcome.ADOPTED,
        birth_dates=dates,
        decided_by_age=True,
    )


def next_round(result: TallyResult) -> int | None:
    """The round to hold after this one, when it elected nobody and a round remains.

    A round without quorum is held again; a tie at the last round is settled by age, not
    by another round.
    """
    if result.election_round is None or result.winner is not None or result.awaiting_ages:
        return None
    if result.outcome is Outcome.NO_QUORUM:
        return result.election_round
    return result.election_round + 1 if result.election_round < LAST_ROUND else None
