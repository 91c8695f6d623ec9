"""The approval of a meeting's minutes by the next meeting of its instance.

Planning that meeting proposes the item that approves the oldest minutes of the instance
still waiting (neither approved nor on the agenda of a meeting not yet closed), with its
motion, linked to them (the coordinator may drop it). When the ballot on that motion is
adopted, the approval is recorded in the transaction that closes the ballot: the minutes then
say when and by which deliberation they were approved. A rejected motion leaves them a draft,
to be proposed again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from meetings.approval import Approval, approval_item, minutes_to_approve
from meetings.meeting import AgendaItem, MeetingState, agenda_position
from meetings.services import Services
from meetings.wording.i18n import DEFAULT_LANGUAGE
from voting.ballot import Ballot
from voting.tally import Outcome, TallyResult

PENDING = (MeetingState.PLANNED, MeetingState.CONVENED, MeetingState.IN_SESSION)


async def propose_approval(
    services: Services, groupement_id: str, instance_id: str, starts_at: datetime
) -> AgendaItem | None:
    """The item approving the instance's oldest minutes still waiting, for a meeting at
    ``starts_at``; None if every closed session's minutes are approved or on the agenda of a
    meeting not yet closed."""
    meetings = await services.meetings.find(groupement_id=groupement_id, instance_id=instance_id)
    held = [m for m in meetings if m.plan.starts_at < starts_at]
    on_an_agenda = {
        item.approves
        for meeting in meetings
        if meeting.state in PENDING
        for item in meeting.plan.agenda
        if item.approves is not None
    }
    previous = minutes_to_approve(held, await services.minutes.approved(), on_an_agenda)
    if previous is None:
        return None
    zone = services.governance.groupement(groupement_id).groupement.tzinfo
    return approval_item(previous, zone, DEFAULT_LANGUAGE)


async def approvals_allowed(
    services: Services, groupement_id: str, instance_id: str, agenda: Sequence[AgendaItem]
) -> bool:
    """Whether every item that approves minutes names a closed meeting of the same instance."""
    for item in agenda:
        if item.approves is None:
            continue
        found = await services.meetings.find(
            groupement_id=groupement_id, instance_id=instance_id, states=(MeetingState.CLOSED,)
        )
        if item.approves not in {meeting.id for meeting in found}:
            return False
    return True


async def settle_approval(
    services: Services, ballot: Ballot, result: TallyResult
) -> Approval | None:
    """Record the approval of the minutes a ballot's motion approves, if it was adopted.

    Called inside the transaction that closes the ballot, so the approval and the result are
    one."""
    meeting_id = ballot.draft.meeting_id
    if meeting_id is None or result.outcome is not Outcome.ADOPTED or ballot.closed_at is None:
        return None
    meeting = await services.meetings.get(meeting_id)
    position = agenda_position(meeting.plan.agenda, ballot.draft.question)
    if position is None:
        return None
    minutes_of = meeting.plan.agenda[position - 1].approves
    if minutes_of is None:
        return None
    approval = Approval(minutes_of, meeting.id, ballot.id, ballot.reference, ballot.closed_at)
    return approval if await services.minutes.approve(approval) else None
