"""Choose the language of one's messages: French or English."""

from __future__ import annotations

from meetings.actions.actor import Actor
from meetings.services import Services
from meetings.wording.i18n import LANGUAGES
from voting.refusal import Refused


class UnknownLanguage(Refused):
    code = "unknown_language"


async def set_language(services: Services, actor: Actor, choice: str) -> str:
    language = choice.lower()
    if language not in LANGUAGES:
        raise UnknownLanguage(f"no language {choice!r}", language=choice)
    await services.roster.set_language(actor.person_id, actor.display_name, language)
    return language
