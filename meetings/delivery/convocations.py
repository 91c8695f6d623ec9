"""Send the convocation in force and put on record who received it, when, or why not.

A person whose copy arrived is never sent the same convocation again: sending it once more
reaches only those it has not reached yet (someone who blocked the bot, a member that had no
representative registered).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from meetings.delivery.audience import DeliveryReport
from meetings.delivery.documents import deliver_documents
from meetings.delivery.meetings import send_convocations
from meetings.meeting import (
    Convocation,
    ConvocationDelivery,
    DeliveryFailure,
    Meeting,
    unreached_members,
)
from meetings.recipients import Recipient, recipients, unrepresented
from meetings.scope import MeetingScope, scope_of
from meetings.services import Services


@dataclass(frozen=True)
class ConvocationSent:
    convocation: Convocation
    """The convocation in force, that was sent."""
    delivery: DeliveryReport
    already_reached: int
    """People who had received this convocation before, and were not sent it again."""
    unreached: tuple[tuple[str, DeliveryFailure], ...]
    """Members none of whose people has received the convocation yet, and why."""


def _outcomes(
    targets: list[Recipient], report: DeliveryReport, unrepresented_members: list[str]
) -> list[ConvocationDelivery]:
    advisory = {(r.person_id, r.participant_id): r.advisory for r in targets}
    rows = [
        ConvocationDelivery(member, advisory[(person, member)], person, at, None)
        for person, member, at in report.delivered
    ]
    rows += [
        ConvocationDelivery(
            member, advisory[(person, member)], person, None, DeliveryFailure.UNREACHABLE
        )
        for person, member in report.unreachable
    ]
    rows += [
        ConvocationDelivery(member, False, None, None, DeliveryFailure.NO_REPRESENTATIVE)
        for member in unrepresented_members
    ]
    return rows


async def deliver_convocation(
    services: Services,
    meeting: Meeting,
    *,
    moved_from: datetime | None = None,
    only_unreached: bool = False,
) -> ConvocationSent:
    """Send the latest convocation on record (to all, or to those it has not reached yet)."""
    scope, found = await _audience(services, meeting)
    convocation = (await services.meetings.convocations(meeting.id))[-1]
    before = await services.meetings.deliveries(convocation.id)
    reached = {(d.person_id, d.participant_id) for d in before if d.delivered}
    targets = found
    if only_unreached:
        targets = [r for r in found if (r.person_id, r.participant_id) not in reached]
    report = await send_convocations(services, meeting, targets, moved_from)
    reached_members = {member for _person, member in reached}
    missing = [m for m in unrepresented(scope, found) if m not in reached_members]
    rows = _outcomes(targets, report, missing)
    await services.meetings.record_deliveries(convocation.id, rows)
    # The documents follow the convocation, to those it reached (each only once).
    reached_now = {(person, member) for person, member, _at in report.delivered}
    await deliver_documents(
        services,
        meeting,
        [r for r in targets if (r.person_id, r.participant_id) in reached_now],
        complement=False,
    )
    return ConvocationSent(
        convocation,
        report,
        len(found) - len(targets),
        tuple(unreached_members(scope.members, [*before, *rows])),
    )


async def _audience(services: Services, meeting: Meeting) -> tuple[MeetingScope, list[Recipient]]:
    scope = scope_of(services.governance, meeting)
    return scope, await recipients(services.roster, scope)
