"""Plan a meeting of an instance: when, where, its agenda, who chairs and who takes the minutes.

Permission: a coordinator of the groupement. The chair defaults to the coordinator member.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from config.models import GovernanceLookupError
from meetings.actions.actor import Actor
from meetings.actions.minutes_approval import approvals_allowed
from meetings.meeting import InvalidPlan, Meeting, MeetingPlan, PlanInThePast, UnknownChair
from meetings.notice import Notice, notice_for
from meetings.scope import scope_of
from meetings.services import Services
from meetings.texts import Typed, check_agenda, typed
from meetings.wording.i18n import N_


@dataclass(frozen=True)
class Planned:
    meeting: Meeting
    notice: Notice
    """The notice the convocation owes, and the last day to send it."""


def _check_texts(plan: MeetingPlan) -> None:
    """What was typed, within its limits, whatever way the plan came in."""
    for field, text in (
        (Typed.PLACE, plan.place),
        (Typed.VIDEO_LINK, plan.video_link),
        (Typed.CHAIR_NAME, plan.chair_name),
        (Typed.SECRETARY, plan.secretary),
    ):
        if text is not None:
            typed(field, text)
    check_agenda((item.title, item.motion) for item in plan.agenda)


async def plan_meeting(services: Services, actor: Actor, plan: MeetingPlan) -> Planned:
    actor.require_coordinator(plan.groupement_id)
    groupement = services.governance.groupement(plan.groupement_id)
    groupement.instance(plan.instance_id)
    if groupement.consults_members(plan.instance_id):
        raise GovernanceLookupError(
            f"{plan.instance_id!r} is the written consultation of the members: it never meets"
        )
    problems = plan.problems()
    if problems:
        # Before comparing times: a naive start would raise TypeError, not a refusal.
        raise InvalidPlan(problems)
    _check_texts(plan)
    if not await approvals_allowed(services, plan.groupement_id, plan.instance_id, plan.agenda):
        raise InvalidPlan(
            [N_("an agenda item approves minutes of no closed meeting of the instance")]
        )
    now = services.clock()
    if plan.starts_at <= now:
        raise PlanInThePast("the meeting must start in the future")
    if plan.chair is None:
        plan = replace(plan, chair=groupement.groupement.coordinator)
    else:
        try:
            groupement.member(plan.chair)
        except GovernanceLookupError:
            raise UnknownChair(f"no member {plan.chair!r} to chair", chair=plan.chair) from None
    meeting = await services.meetings.plan(plan, actor.person_id)
    return Planned(
        meeting, notice_for(scope_of(services.governance, meeting), meeting.plan.starts_at, now)
    )
