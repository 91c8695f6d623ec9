"""Plan the second convocation of a meeting that lacked its quorum (CGCT L2121-17).

The same agenda, at least three clear days after the first meeting, and convened with three
clear days of notice counted from today: the earliest day is whichever comes later. The new
meeting deliberates without quorum. Permission: a coordinator of the groupement.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from meetings.actions.actor import Actor
from meetings.actions.plan import Planned, plan_meeting
from meetings.meeting import (
    AlreadyReconvened,
    MeetingState,
    QuorumWasMet,
    SecondConvocationTooEarly,
    WrongMeetingState,
)
from meetings.quorum import quorum_failed
from meetings.schedule import local_day, second_convocation_earliest
from meetings.scope import notice_days
from meetings.services import Services


async def reconvene(
    services: Services, actor: Actor, meeting_id: int, starts_at: datetime
) -> Planned:
    async with services.database.transaction():
        first = await services.meetings.get(meeting_id)
        actor.require_coordinator(first.plan.groupement_id)
        if first.state not in (MeetingState.CLOSED, MeetingState.IN_SESSION):
            raise WrongMeetingState(
                "a second convocation follows a meeting that was held", first.state
            )
        if not await quorum_failed(services, first):
            raise QuorumWasMet(f"meeting {meeting_id} had its quorum: no second convocation")
        alive = tuple(state for state in MeetingState if state is not MeetingState.CANCELLED)
        for later in await services.meetings.find(
            groupement_id=first.plan.groupement_id, states=alive
        ):
            if later.plan.second_convocation_of == first.id:
                raise AlreadyReconvened(
                    f"meeting {later.id} is already the second convocation of {meeting_id}",
                    second=later.id,
                )
        groupement = services.governance.groupement(first.plan.groupement_id)
        zone = groupement.groupement.tzinfo
        notice = notice_days(groupement.instance(first.plan.instance_id), second_convocation=True)
        convened_in_time = local_day(services.clock(), zone) + timedelta(days=notice + 1)
        earliest = max(second_convocation_earliest(first.plan.starts_at, zone), convened_in_time)
        if local_day(starts_at, zone) < earliest:
            raise SecondConvocationTooEarly(earliest)
        plan = replace(first.plan, starts_at=starts_at, second_convocation_of=first.id)
        return await plan_meeting(services, actor, plan)
