"""Bind a group chat to a groupement, or to one of its instances: announcements, live
participation, the live quorum and results go there.

Permission: a coordinator of the groupement. A group already bound is bound elsewhere only by
a coordinator of the groupement it follows: otherwise a coordinator of another groupement
could take it over, and its members would stop receiving their results without knowing. When
a binding changes, the coordinators of both groupements are told in private (the group reads
the handler's answer).
"""

from __future__ import annotations

from dataclasses import dataclass

from config.models import GovernanceLookupError, Groupement, Instance
from meetings.actions.actor import Actor
from meetings.chats import ChatBinding
from meetings.delivery.audience import coordinators_of, language_of
from meetings.notifier import Message, Private
from meetings.services import Services
from meetings.wording.messages.groups import followed, rebinding_notice
from voting.refusal import Refused


class UnknownGroupement(Refused):
    code = "unknown_groupement"


class UnknownInstance(Refused):
    code = "unknown_instance"


class BoundElsewhere(Refused):
    """The group follows a groupement the caller does not coordinate."""

    code = "group_bound_elsewhere"


@dataclass(frozen=True)
class Linked:
    groupement: Groupement
    instance: Instance | None
    binding: ChatBinding
    previous: ChatBinding | None
    """The binding this one replaced, where it was different."""


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
    binding = ChatBinding(chat_id, groupement_id, instance_id, title)
    async with services.database.transaction():
        previous = await services.chats.binding(chat_id)
        if previous is not None and not actor.coordinates(previous.groupement_id):
            raise BoundElsewhere(
                f"chat {chat_id} follows {previous.groupement_id!r}",
                scope=followed(services.governance, previous),
                groupement=services.governance.groupement(previous.groupement_id).name,
            )
        await services.chats.bind(chat_id, groupement_id, instance_id, title, actor.person_id)
    moved = previous is not None and (previous.groupement_id, previous.instance_id) != (
        groupement_id,
        instance_id,
    )
    linked = Linked(groupement, instance, binding, previous if moved else None)
    if linked.previous is not None:
        await _tell_coordinators(services, actor, binding, linked.previous)
    return linked


async def _tell_coordinators(
    services: Services, actor: Actor, binding: ChatBinding, previous: ChatBinding
) -> None:
    """Every coordinator of the groupement the group left and of the one it joined."""
    governance = services.governance
    people: dict[str, None] = {}
    for groupement_id in (previous.groupement_id, binding.groupement_id):
        people.update(
            dict.fromkeys(await coordinators_of(services, governance.groupement(groupement_id)))
        )
    for person_id in people:
        language = await language_of(services, person_id)
        text = rebinding_notice(governance, binding, previous, actor.display_name, language)
        await services.notifier.send(Private(person_id), Message(text))
