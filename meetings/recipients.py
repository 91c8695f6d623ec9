"""Who is convened to a meeting, person by person: the representatives of its members (titulaire
and suppléant) and the people of its advisory participants."""

from __future__ import annotations

from dataclasses import dataclass

from meetings.roster import Role, Roster
from meetings.scope import MeetingScope


@dataclass(frozen=True)
class Recipient:
    """A person convened, and for whom: a member's representative or an advisory participant."""

    person_id: str
    participant_id: str
    advisory: bool


async def recipients(roster: Roster, scope: MeetingScope) -> list[Recipient]:
    """Every person to convene: representatives of the members, then advisory people."""
    groupement_id = scope.groupement.id
    found: list[Recipient] = []
    for member in scope.members:
        for seat in await roster.representatives_of(groupement_id, member):
            found.append(Recipient(seat.person_id, member, advisory=False))
    for participant in scope.advisory:
        for seat in await roster.representatives_of(groupement_id, participant):
            if seat.role is Role.ADVISORY:
                found.append(Recipient(seat.person_id, participant, advisory=True))
    return found


def unrepresented(scope: MeetingScope, found: list[Recipient]) -> list[str]:
    """The members convened that nobody represents yet: they cannot be reached."""
    covered = {recipient.participant_id for recipient in found}
    return [member for member in scope.members if member not in covered]
