"""Who is asking: the person behind an update, their language and their roles."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update, User

from bot.services import Services
from meetings.roster import Seat
from meetings.wording.i18n import Translator, choose_language, translator


def person_id_of(user: User | int) -> str:
    return f"tg:{user if isinstance(user, int) else user.id}"


def user_id_of(person_id: str) -> int | None:
    """The Telegram user id (also its private chat id) behind a person id."""
    prefix, _, number = person_id.partition(":")
    return int(number) if prefix == "tg" and number.isdigit() else None


@dataclass(frozen=True)
class Caller:
    user: User
    person_id: str
    language: str
    coordinated: tuple[str, ...]
    seats: tuple[Seat, ...]

    @property
    def display_name(self) -> str:
        return self.user.full_name

    @property
    def is_known(self) -> bool:
        return bool(self.coordinated or self.seats)

    @property
    def groupements(self) -> tuple[str, ...]:
        """Every groupement the caller coordinates or sits in, in a stable order."""
        seen = dict.fromkeys(self.coordinated)
        seen.update(dict.fromkeys(seat.groupement_id for seat in self.seats))
        return tuple(seen)

    def coordinates(self, groupement_id: str) -> bool:
        return groupement_id in self.coordinated

    @property
    def _(self) -> Translator:
        return translator(self.language)


async def identify(update: Update, services: Services) -> Caller | None:
    user = update.effective_user
    if user is None:
        return None
    person_id = person_id_of(user)
    person = await services.roster.person(person_id)
    from_config = [g.id for g in services.governance.coordinated_by(user.id)]
    from_database = await services.roster.coordinated_groupements(person_id)
    return Caller(
        user=user,
        person_id=person_id,
        language=choose_language(person.language if person else None, user.language_code),
        coordinated=tuple(dict.fromkeys(from_config + from_database)),
        seats=tuple(await services.roster.seats_of(person_id)),
    )
