"""Who reads a message, and in which language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from config.models import Groupement
from meetings.services import Services
from meetings.wording.i18n import choose_language


@dataclass
class DeliveryReport:
    sent: int = 0
    unreachable: list[tuple[str, str]] = field(default_factory=list)
    """(person id, member id) pairs whose message could not be delivered."""
    delivered: list[tuple[str, str, datetime]] = field(default_factory=list)
    """(person id, member id, time) of each message delivered, where the sender records it."""
    covered: set[str] = field(default_factory=set)
    """The members someone was meant to receive a message for, reached or not."""


async def language_of(services: Services, person_id: str) -> str:
    """The person's own choice, else their app's language, else French."""
    person = await services.roster.person(person_id)
    if person is None:
        return choose_language(None, None)
    return choose_language(person.language, person.client_language)


def group_language(groupement: Groupement) -> str:
    """Group chats are shared: they read the groupement's own language."""
    return choose_language(groupement.groupement.locale, None)


async def coordinators_of(services: Services, groupement: Groupement) -> list[str]:
    """The person ids of the groupement's coordinators: from its configuration and from the
    database (``scrutin admin add``), each once."""
    found = {p for g, p in await services.roster.coordinators() if g == groupement.id}
    found |= {f"tg:{uid}" for uid in groupement.groupement.coordinator_telegram_ids}
    return sorted(found)
