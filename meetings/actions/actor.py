"""Who asks for an action: a person, the groupements it coordinates and the seats it holds.

Every action receives an :class:`Actor` and checks its own permission against it; the
adapter only says who the person is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from meetings.roster import Seat
from meetings.services import Services
from meetings.wording.i18n import Translator, choose_language, translator
from voting.refusal import Refused


class NotCoordinator(Refused):
    code = "not_coordinator"


class NotRegistered(Refused):
    """The person is known to the bot through no seat and no coordination."""

    code = "not_registered"


@dataclass(frozen=True)
class Actor:
    person_id: str
    display_name: str
    language: str
    client_language: str | None
    coordinated: tuple[str, ...]
    seats: tuple[Seat, ...]

    @property
    def is_known(self) -> bool:
        return bool(self.coordinated or self.seats)

    @property
    def groupements(self) -> tuple[str, ...]:
        """Every groupement the person coordinates or sits in, in a stable order."""
        seen = dict.fromkeys(self.coordinated)
        seen.update(dict.fromkeys(seat.groupement_id for seat in self.seats))
        return tuple(seen)

    def coordinates(self, groupement_id: str) -> bool:
        return groupement_id in self.coordinated

    def seats_in(self, groupement_id: str) -> list[Seat]:
        return [seat for seat in self.seats if seat.groupement_id == groupement_id]

    def require_coordinator(self, groupement_id: str) -> None:
        if not self.coordinates(groupement_id):
            raise NotCoordinator(f"{self.person_id} does not coordinate {groupement_id!r}")

    @property
    def _(self) -> Translator:
        return translator(self.language)


async def identify(
    services: Services,
    person_id: str,
    display_name: str,
    client_language: str | None,
    coordinated_by_configuration: Sequence[str] = (),
) -> Actor:
    """The person as the bot knows it; ``coordinated_by_configuration`` comes from the config
    files (``coordinator_telegram_ids``), the rest from the database."""
    person = await services.roster.person(person_id)
    from_database = await services.roster.coordinated_groupements(person_id)
    return Actor(
        person_id=person_id,
        display_name=display_name,
        language=choose_language(person.language if person else None, client_language),
        client_language=client_language,
        coordinated=tuple(dict.fromkeys([*coordinated_by_configuration, *from_database])),
        seats=tuple(await services.roster.seats_of(person_id)),
    )


def operator(services: Services, name: str) -> Actor:
    """The person at the command line of this deployment: it coordinates every groupement."""
    return Actor(
        person_id=name,
        display_name=name,
        language="fr",
        client_language=None,
        coordinated=tuple(sorted(services.governance.groupements)),
        seats=(),
    )
