"""The minutes' record of how the members convened designated their representatives: for each
one with a record, the act in force at the opening of the session, or the election since which
its seats waited. From the designation records only: a member with none is left out."""

from __future__ import annotations

from datetime import datetime

from meetings.designation import Standing, standing_at
from meetings.designation_store import DesignationStore
from meetings.minutes.model import DesignationLine
from meetings.scope import MeetingScope
from meetings.wording.formats import name_of


async def designation_lines(
    store: DesignationStore | None, scope: MeetingScope, at: datetime
) -> tuple[DesignationLine, ...]:
    if store is None:
        return ()
    groupement = scope.groupement
    acts = await store.designations(groupement.id)
    ends = await store.mandate_ends(groupement.id)
    lines = []
    for member_id in scope.members:
        standing = standing_at(member_id, acts, ends, at)
        if standing.standing is Standing.UNRECORDED:
            continue
        lines.append(
            DesignationLine(
                member_id,
                name_of(groupement, member_id),
                None if standing.designation is None else standing.designation.act,
                None if standing.waiting_since is None else standing.waiting_since.election_day,
            )
        )
    return tuple(lines)
