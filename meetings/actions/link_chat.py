"""Bind a group chat to a groupement, or to one of its instances: announcements, live
participation, the live quorum and results go there.

Permission: a coordinator of the groupement.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.models import GovernanceLookupError, Groupement, Instance
from meetings.actions.actor import Actor
from meetings.services import Services
from voting.refusal import Refused


class UnknownGroupement(Refused):
    code = "unknown_groupement"


class UnknownInstance(Refused):
    code = "unknown_instance"


@dataclass(frozen=True)
class Linked:
    groupement: Groupement
    instance: Instance | None


async def link_chat(
    services: Services,
    actor: Actor,
    chat_id: int,
    title: str | None,
    groupement_id: str,
    instance_id: str | None,
) -> Linked:
    if not actor.coordinates(groupement_id):
        raise UnknownGroupement(
            f"{actor.person_id} coordinates no groupement {groupement_id!r}",
            groupement=groupement_id,
        )
    groupement = services.governance.groupement(groupement_id)
    instance = None
    if instance_id is not None:
        try:
            instance = groupement.instance(instance_id)
        except GovernanceLookupError:
            raise UnknownInstance(f"no instance {instance_id!r}", instance=instance_id) from None
    await services.chats.bind(chat_id, groupement_id, instance_id, title, actor.person_id)
    return Linked(groupement, instance)
