"""The coordinator's office: plans meetings, convenes them, runs the session, holds its ballots.

It joins the governance configuration (instances, notice, weights, rules), the
meeting store, the roster and the ballot store. Every rule about timing
(clear days, second convocation) comes from :mod:`meetings.schedule`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from config.models import Governance, Groupement, Instance
from meetings.meeting import (
    InvalidPlan,
    Meeting,
    MeetingError,
    MeetingPlan,
    MeetingState,
    Reply,
    ReplyKind,
    WrongMeetingState,
)
from meetings.presence import session_electorate
from meetings.roster import Role, Roster
from meetings.schedule import clear_days_between, last_sending_day, second_convocation_earliest
from meetings.scope import notice_days, scope_of
from meetings.store import MeetingStore
from voting.ballot import Ballot, BallotDraft, BallotMode
from voting.electorate import Electorate
from voting.rules import BallotKind
from voting.store import BallotStore
from voting.tally import MOTION_OPTIONS, Outcome, QuorumReport, quorum_report

SECOND_CONVOCATION_NOTICE = 3
"""Clear days between a failed meeting and its second convocation, and of the latter's notice."""


class LateConvocation(MeetingError):
    """The convocation would not give the notice the instance requires."""

    code = "late_convocation"

    def __init__(self, needed: int, actual: int, last_day: date, urgent: bool) -> None:
        super().__init__(
            f"{actual} clear day(s) before the meeting, {needed} needed "
            f"(last day to convene: {last_day.isoformat()})"
        )
        self.needed = needed
        self.actual = actual
        self.last_day = last_day
        self.urgent = urgent


class QuorumWasMet(MeetingError):
    """Only a meeting that lacked its quorum is followed by a second convocation."""

    code = "quorum_was_met"


class SecondConvocationTooEarly(MeetingError):
    code = "second_convocation_too_early"

    def __init__(self, earliest: date) -> None:
        super().__init__(f"a second convocation meets on {earliest.isoformat()} at the earliest")
        self.earliest = earliest


class NotConvened(MeetingError):
    code = "not_convened"


class NotItsDay(MeetingError):
    code = "not_its_day"


class NotAVotingInstance(MeetingError):
    code = "not_a_voting_instance"


@dataclass(frozen=True)
class Recipient:
    """A person convened, and for whom: a member's representative or an advisory participant."""

    person_id: str
    participant_id: str
    advisory: bool


@dataclass(frozen=True)
class LiveQuorum:
    report: QuorumReport
    present: frozenset[str]
    represented: frozenset[str]


class Secretariat:
    def __init__(
        self,
        governance: Governance,
        meetings: MeetingStore,
        ballots: BallotStore,
        roster: Roster,
    ) -> None:
        self.governance = governance
        self.meetings = meetings
        self.ballots = ballots
        self.roster = roster

    @property
    def now(self) -> datetime:
        return self.meetings.database.clock()

    def context(self, meeting: Meeting) -> tuple[Groupement, Instance]:
        scope = scope_of(self.governance, meeting)
        return scope.groupement, scope.instance

    def zone(self, meeting: Meeting) -> ZoneInfo:
        return scope_of(self.governance, meeting).zone

    def meeting_day(self, meeting: Meeting) -> date:
        return scope_of(self.governance, meeting).day

    def weights(self, meeting: Meeting) -> tuple[str, dict[str, Decimal]] | None:
        """The weight table and weights in force on the meeting's day; None if it does not vote."""
        scope = scope_of(self.governance, meeting)
        if scope.weight_table is None:
            return None
        return scope.weight_table.id, dict(scope.weights)

    def members(self, meeting: Meeting) -> list[str]:
        """The members convened: those with a weight, or every active member if it does not vote."""
        return list(scope_of(self.governance, meeting).members)

    # --- planning and convening ---------------------------------------------------------

    async def plan(self, plan: MeetingPlan, created_by: str) -> Meeting:
        groupement = self.governance.groupement(plan.groupement_id)
        groupement.instance(plan.instance_id)
        problems = plan.problems()
        if problems:
            # Before comparing times: a naive start would raise TypeError, not InvalidPlan.
            raise InvalidPlan("; ".join(problems))
        if plan.starts_at <= self.now:
            raise InvalidPlan("the meeting must start in the future")
        if plan.chair is None:
            plan = replace(plan, chair=groupement.groupement.coordinator)
        else:
            groupement.member(plan.chair)
        return await self.meetings.plan(plan, created_by)

    async def second_convocation(
        self, meeting_id: int, starts_at: datetime, created_by: str
    ) -> Meeting:
        """The same agenda again, without quorum, at least three clear days after the first.

        Its own convocation owes the same three clear days (CGCT L2121-17), counted from
        today: the earliest day is whichever of the two rules comes later.
        """
        first = await self.meetings.get(meeting_id)
        if first.state is not MeetingState.CLOSED and first.state is not MeetingState.IN_SESSION:
            raise WrongMeetingState(
                "a second convocation follows a meeting that was held", first.state
            )
        if not await self.quorum_failed(first):
            raise QuorumWasMet(f"meeting {meeting_id} had its quorum: no second convocation")
        groupement, _instance = self.context(first)
        zone = groupement.groupement.tzinfo
        convened_in_time = self.now.astimezone(zone).date() + timedelta(
            days=self.notice_days(first, second=True) + 1
        )
        earliest = max(second_convocation_earliest(first.plan.starts_at, zone), convened_in_time)
        if starts_at.astimezone(zone).date() < earliest:
            raise SecondConvocationTooEarly(earliest)
        plan = replace(first.plan, starts_at=starts_at, second_convocation_of=first.id)
        return await self.plan(plan, created_by)

    def notice_days(self, meeting: Meeting, *, second: bool = False) -> int:
        """Clear days of notice: the instance's, or three for a second convocation."""
        _, instance = self.context(meeting)
        return notice_days(instance, second or meeting.second_convocation)

    def notice(self, meeting: Meeting) -> tuple[int, int, date]:
        """(clear days needed, clear days if sent now, last day to send) for a convocation."""
        groupement, _instance = self.context(meeting)
        zone = groupement.groupement.tzinfo
        needed = self.notice_days(meeting)
        actual = clear_days_between(self.now, meeting.plan.starts_at, zone)
        return needed, actual, last_sending_day(meeting.plan.starts_at, needed, zone)

    async def convene(
        self, meeting_id: int, *, urgent: bool = False, reason: str | None = None
    ) -> Meeting:
        """Record the convocation, if the notice allows it (or urgency, justified)."""
        meeting = await self.meetings.get(meeting_id)
        groupement, instance = self.context(meeting)
        needed, actual, last_day = self.notice(meeting)
        if actual < needed:
            if not urgent:
                raise LateConvocation(needed, actual, last_day, urgent=False)
            urgent_needed = instance.urgent_notice_clear_days
            if actual < urgent_needed:
                # The last day for the urgent notice, not for the ordinary one.
                urgent_last_day = last_sending_day(
                    meeting.plan.starts_at, urgent_needed, groupement.groupement.tzinfo
                )
                raise LateConvocation(urgent_needed, actual, urgent_last_day, True)
            if not reason or not reason.strip():
                raise InvalidPlan("an urgent convocation states its reason")
        else:
            urgent, reason = False, None
        return await self.meetings.mark_convened(meeting_id, urgent=urgent, urgency_reason=reason)

    async def recipients(self, meeting: Meeting) -> list[Recipient]:
        """Every person to convene: representatives of the members, then advisory people."""
        groupement, _ = self.context(meeting)
        found: list[Recipient] = []
        for member in self.members(meeting):
            for seat in await self.roster.representatives_of(groupement.id, member):
                found.append(Recipient(seat.person_id, member, advisory=False))
        for participant in groupement.advisory_for(meeting.plan.instance_id):
            for seat in await self.roster.representatives_of(groupement.id, participant.id):
                if seat.role is Role.ADVISORY:
                    found.append(Recipient(seat.person_id, participant.id, advisory=True))
        return found

    # --- replies ---------------------------------------------------------------------

    def _proxy_limit(self, meeting: Meeting) -> int:
        _, instance = self.context(meeting)
        return instance.voting_rules.max_proxies_per_holder if instance.voting else 0

    async def reply(
        self,
        meeting_id: int,
        member_id: str,
        kind: ReplyKind,
        replied_by: str,
        proxy_holder: str | None = None,
    ) -> Reply:
        meeting = await self.meetings.get(meeting_id)
        _, instance = self.context(meeting)
        if kind is ReplyKind.PROXY and not instance.voting:
            raise NotAVotingInstance(f"{instance.name} does not vote: no proxy to give")
        return await self.meetings.reply(
            meeting_id,
            member_id,
            kind,
            replied_by=replied_by,
            voting_members=frozenset(self.members(meeting)),
            max_proxies_per_holder=self._proxy_limit(meeting),
            proxy_holder=proxy_holder,
        )

    async def eligible_holders(self, meeting: Meeting, giver: str) -> list[str]:
        return await self.meetings.eligible_holders(
            meeting.id, giver, self.members(meeting), self._proxy_limit(meeting)
        )

    # --- the session -------------------------------------------------------------------

    async def open_session(self, meeting_id: int) -> Meeting:
        """Open the session of a convened meeting, on the day it was convened for.

        A meeting nobody was convened to, or held on another day, could not deliberate
        validly: its minutes would state a convocation that did not happen.
        """
        meeting = await self.meetings.get(meeting_id)
        if meeting.state is not MeetingState.CONVENED:
            raise NotConvened(f"meeting {meeting_id} is {meeting.state.value}, not convened")
        if self.now.astimezone(self.zone(meeting)).date() != self.meeting_day(meeting):
            raise NotItsDay(f"meeting {meeting_id} is convened for {self.meeting_day(meeting)}")
        groupement, _ = self.context(meeting)
        advisory = frozenset(a.id for a in groupement.advisory_for(meeting.plan.instance_id))
        return await self.meetings.open_session(meeting_id, advisory)

    async def electorate(
        self, meeting: Meeting, *, forecast: bool = False, at: datetime | None = None
    ) -> tuple[str, Electorate]:
        """Who votes now: the members present, and the proxies whose holder is present.

        A member that gave a proxy and came after all sits itself; a proxy whose holder is
        absent cannot be exercised. Before the session (``forecast``), the replies say who
        will be present.
        """
        scope = scope_of(self.governance, meeting)
        if scope.weight_table is None:
            raise NotAVotingInstance(f"meeting {meeting.id}'s instance does not vote")
        replies = await self.meetings.replies(meeting.id)
        events = None if forecast else await self.meetings.attendance_events(meeting.id)
        return scope.weight_table.id, session_electorate(scope.weights, replies, events, at)

    async def quorum_failed(self, meeting: Meeting) -> bool:
        """Whether the meeting lacked its quorum: at the opening, or at one of its ballots."""
        _, instance = self.context(meeting)
        if not instance.voting or meeting.second_convocation:
            return False
        for ballot in await self.ballots.find():
            result = ballot.result
            if (
                ballot.draft.meeting_id == meeting.id
                and result is not None
                and result.outcome is Outcome.NO_QUORUM
            ):
                return True
        _, electorate = await self.electorate(meeting, at=meeting.session_opened_at)
        report = quorum_report(electorate, instance.voting_rules, second_convocation=False)
        return report.required and not report.met

    async def live_quorum(self, meeting: Meeting, *, forecast: bool = False) -> LiveQuorum | None:
        """The quorum now in the session, or as the replies announce it (``forecast``)."""
        _, instance = self.context(meeting)
        if not instance.voting:
            return None
        _, electorate = await self.electorate(meeting, forecast=forecast)
        report = quorum_report(electorate, instance.voting_rules, meeting.second_convocation)
        return LiveQuorum(report, electorate.present, electorate.represented)

    async def open_ballot(
        self,
        meeting_id: int,
        question: str,
        *,
        kind: BallotKind | None,
        created_by: str,
        deadline: datetime | None = None,
        options: tuple[str, ...] = MOTION_OPTIONS,
    ) -> Ballot:
        """A ballot of the session, judged on the attendance and proxies at its opening."""
        meeting = await self.meetings.get(meeting_id)
        if meeting.state is not MeetingState.IN_SESSION:
            raise WrongMeetingState("ballots are opened during the session", meeting.state)
        _, instance = self.context(meeting)
        if not instance.voting:
            raise NotAVotingInstance(f"{instance.name} does not vote")
        table_id, electorate = await self.electorate(meeting)
        draft = await self.ballots.create(
            BallotDraft(
                groupement_id=meeting.plan.groupement_id,
                instance_id=meeting.plan.instance_id,
                question=question,
                kind=kind or instance.ballot_kind,
                options=options,
                mode=BallotMode.MEETING,
                allow_vote_change=instance.allow_vote_change,
                deadline=deadline,
                meeting_id=meeting.id,
                created_by=created_by,
            )
        )
        # Only a chair who sits presides: a chair represented by proxy casts no deciding vote.
        chair = meeting.plan.chair
        return await self.ballots.open(
            draft.id,
            electorate=electorate,
            rules=instance.voting_rules,
            weight_table_id=table_id,
            chair=chair if chair in electorate.present else None,
            second_convocation=meeting.second_convocation,
        )

    async def record_presence(
        self, meeting: Meeting, participant_id: str, arrived: bool, by: str, video: bool = False
    ) -> bool:
        groupement, _ = self.context(meeting)
        advisory = participant_id in {a.id for a in groupement.advisory}
        return await self.meetings.record(
            meeting.id,
            participant_id,
            arrived=arrived,
            recorded_by=by,
            advisory=advisory,
            by_video=video,
        )

    async def in_session(self, groupement_ids: tuple[str, ...]) -> list[Meeting]:
        return [
            m
            for m in await self.meetings.find(states=(MeetingState.IN_SESSION,))
            if m.plan.groupement_id in groupement_ids
        ]
