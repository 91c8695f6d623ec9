"""The minutes' record of how the members convened designated their representatives: for each
one with a record, the act in force at the opening of the session, or the election since which
its seats waited. From the designation records only: a member with none is left out."""

from __future__ import annotations

from dataclasses import replace

from config.models import Governance
from meetings.designation import Standing, standing_at
from meetings.designation_store import DesignationStore
from meetings.minutes.model import DesignationLine, Minutes
from meetings.scope import scope_of
from meetings.store import MeetingStore
from meetings.wording.formats import name_of


async def with_designations(
    minutes: Minutes, governance: Governance, meetings: MeetingStore, store: DesignationStore
) -> Minutes:
    """``minutes`` with the designation of each member convened, as recorded at the opening."""
    scope = scope_of(governance, await meetings.get(minutes.meeting_id))
    groupement = scope.groupement
    acts = await store.designations(groupement.id)
    ends = await store.mandate_ends(groupement.id)
    lines = []
    for member_id in scope.members:
        standing = standing_at(member_id, acts, ends, minutes.opened_at)
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
    return replace(minutes, designations=tuple(lines))
