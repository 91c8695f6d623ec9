"""The messages about group chats: what a group follows, and who is told when that changes.

Pure functions from a binding to a text, in the reader's language.
"""

from __future__ import annotations

from config.models import Governance
from meetings.chats import ChatBinding
from meetings.wording.formats import quoted
from meetings.wording.i18n import translator


def followed(governance: Governance, binding: ChatBinding) -> str:
    """What a group follows: "Comité de gouvernance, Groupement …", or the groupement alone."""
    groupement = governance.groupement(binding.groupement_id)
    if binding.instance_id is None:
        return groupement.name
    return f"{groupement.instance(binding.instance_id).name}, {groupement.name}"


def group_now_follows(
    governance: Governance, binding: ChatBinding, previous: ChatBinding | None, language: str
) -> str:
    """The group's answer to /lier: what it now receives, and what it no longer receives."""
    _ = translator(language)
    now = _("This group now receives the announcements and results of {scope}.").format(
        scope=followed(governance, binding)
    )
    if previous is None:
        return now
    before = _("It no longer receives those of {scope}.").format(
        scope=followed(governance, previous)
    )
    return f"{now}\n{before}"


def rebinding_notice(
    governance: Governance,
    binding: ChatBinding,
    previous: ChatBinding,
    by: str,
    language: str,
) -> str:
    """A coordinator's private notice: a group its groupement had is bound elsewhere, or the
    reverse. Nobody takes a group away silently."""
    _ = translator(language)
    title = quoted(binding.title, language) if binding.title else _("a group chat")
    return _(
        "{person} has bound the group {group} to {scope}. "
        "It no longer receives the announcements and results of {previous}."
    ).format(
        person=by,
        group=title,
        scope=followed(governance, binding),
        previous=followed(governance, previous),
    )
