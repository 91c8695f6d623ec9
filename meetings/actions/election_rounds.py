"""The rounds of an election of a person: the next round, and the oldest on a final tie.

Permission: a coordinator of the groupement. A round that elected nobody is followed by the
next one, with the same question and, unless the coordinator gives a new list, the same
candidates. The next round is held as the previous one was: in the same session while it is
still open, or as a written consultation while no session of the instance is open, with a
deadline as long as the previous round's (counted from now) if it had one.

A tie at the third round is settled by the tied candidates' birth dates, which the
coordinator gives once it happens; the kept result then names the oldest, and the result is
proclaimed again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from meetings.actions.actor import Actor
from meetings.actions.ballot_open import BallotOpened, open_ballot, session_of
from meetings.delivery.ballots import announce_result
from meetings.services import Services
from meetings.texts import Typed, shows_something, typed
from voting.ballot import Ballot, BallotMode, BallotState
from voting.election import candidates_of, election_options, next_round
from voting.refusal import Refused
from voting.rules import BallotKind
from voting.tally import TallyError


class NoFurtherRound(Refused):
    """The ballot is no election, still open, already decided, or already followed."""

    code = "no_further_round"


class RoundSessionClosed(Refused):
    """The previous round was held in a session that is no longer open."""

    code = "round_session_closed"


class RoundWhileInSession(Refused):
    """The previous round was written, and a session of the instance is open now."""

    code = "round_while_in_session"


class InvalidCandidates(Refused):
    code = "invalid_candidates"


def candidate_options(candidates: Sequence[str]) -> tuple[str, ...]:
    """A ballot's options for these candidates, refused in words a person can act on."""
    for name in candidates:
        if shows_something(name):
            typed(Typed.CANDIDATE, name)
    try:
        return election_options(candidates)
    except TallyError as error:
        raise InvalidCandidates(str(error)) from None


async def _followed(services: Services, previous: Ballot, round_number: int) -> bool:
    """Whether a later ballot already holds this round of the same election, wherever it is
    held."""
    later = await services.ballots.find(groupement_id=previous.draft.groupement_id)
    return any(
        ballot.id > previous.id
        and ballot.draft.instance_id == previous.draft.instance_id
        and ballot.draft.question == previous.draft.question
        and ballot.draft.election_round == round_number
        and ballot.state is not BallotState.CANCELLED
        for ballot in later
    )


async def _check_same_setting(services: Services, previous: Ballot) -> None:
    """The next round is held where the previous one was: in its session, or in writing."""
    draft = previous.draft
    session = await session_of(services, draft.groupement_id, draft.instance_id)
    if draft.mode is BallotMode.MEETING and (session is None or session.id != draft.meeting_id):
        raise RoundSessionClosed(
            f"ballot {previous.id} was held in meeting {draft.meeting_id}, no longer in session",
            number=previous.id,
            meeting=draft.meeting_id,
        )
    if draft.mode is BallotMode.WRITTEN and session is not None:
        raise RoundWhileInSession(
            f"ballot {previous.id} was written; meeting {session.id} is in session",
            number=previous.id,
            meeting=session.id,
        )


def _next_deadline(services: Services, previous: Ballot) -> datetime | None:
    """A written round's deadline: as long after now as the previous one was after its
    opening."""
    draft = previous.draft
    if draft.mode is not BallotMode.WRITTEN or draft.deadline is None:
        return None
    if previous.opened_at is None:
        return None
    return services.clock() + (draft.deadline - previous.opened_at)


async def open_next_round(
    services: Services,
    actor: Actor,
    ballot_id: int,
    candidates: Sequence[str] | None = None,
) -> BallotOpened:
    """Open the round after ``ballot_id``, which elected nobody."""
    previous = await services.ballots.get(ballot_id)
    actor.require_coordinator(previous.draft.groupement_id)
    result = previous.result
    round_number = None if result is None else next_round(result)
    if round_number is None:
        raise NoFurtherRound(f"ballot {ballot_id} calls for no further round", number=ballot_id)

    async def not_yet_opened() -> None:
        # Checked in the new round's transaction: a second press waits, then finds it open,
        # and a session cannot open or close between the check and the new ballot.
        assert round_number is not None
        if await _followed(services, previous, round_number):
            raise NoFurtherRound(f"ballot {ballot_id} is followed already", number=ballot_id)
        await _check_same_setting(services, previous)

    names = candidates_of(previous.draft.options) if candidates is None else candidates
    return await open_ballot(
        services,
        actor,
        previous.draft.groupement_id,
        previous.draft.instance_id,
        previous.draft.question,
        kind=BallotKind.SECRET,
        options=candidate_options(names),
        deadline=_next_deadline(services, previous),
        election_round=round_number,
        precondition=not_yet_opened,
    )


async def settle_by_age(
    services: Services, actor: Actor, ballot_id: int, birth_dates: Mapping[str, date]
) -> Ballot:
    """The tied third round of ``ballot_id`` elects the oldest of its tied candidates."""
    async with services.database.transaction():
        ballot = await services.ballots.get(ballot_id)
        actor.require_coordinator(ballot.draft.groupement_id)
        ballot, _result = await services.ballots.elect_the_oldest(ballot_id, birth_dates)
    await announce_result(services, ballot)
    return ballot
