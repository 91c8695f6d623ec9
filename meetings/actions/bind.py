"""Take up an invitation: the person opening the link becomes the representative of its seat.

Permission: whoever holds the token, once (a link opened twice by the same person is
harmless). One person speaks for one member of a groupement; the seat's previous holder
steps down.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.models import Groupement
from meetings.roster import Seat, SeatConflict
from meetings.services import Services
from meetings.wording.formats import name_of


@dataclass(frozen=True)
class Bound:
    groupement: Groupement
    seat: Seat


async def bind(
    services: Services,
    person_id: str,
    display_name: str,
    client_language: str | None,
    token: str,
) -> Bound:
    try:
        seat = await services.roster.accept(token, person_id, display_name, client_language)
    except SeatConflict as conflict:
        # Say which member, by its name in the groupement of the invitation.
        seats = await services.roster.seats_of(person_id)
        held = [s for s in seats if s.member_id == conflict.member_id]
        if held:
            groupement = services.governance.groupement(held[0].groupement_id)
            conflict.details["member"] = name_of(groupement, conflict.member_id)
        raise
    return Bound(services.governance.groupement(seat.groupement_id), seat)
