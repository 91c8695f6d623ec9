"""Make a person a coordinator of groupements (the operator does it, from the command line)."""

from __future__ import annotations

from collections.abc import Sequence

from meetings.services import Services


async def add_coordinator(
    services: Services, groupement_ids: Sequence[str], person_id: str, name: str, added_by: str
) -> list[str]:
    """The groupements the person now coordinates and did not before."""
    added = []
    for groupement_id in groupement_ids:
        services.governance.groupement(groupement_id)
        if await services.roster.add_coordinator(groupement_id, person_id, name, added_by):
            added.append(groupement_id)
    return added
