"""Open a ballot: the one entry point for a ballot of a session and a written consultation.

Permission: a coordinator of the groupement. While a session of the instance is open, the
ballot belongs to it: its electorate is the members present and the proxies exercised at
this moment, its chair the meeting's (if sitting), and a second convocation needs no quorum.
Otherwise it is a consultation écrite: every member with a weight in force today takes part
itself or through the holder of its standing proxy, and those proxies serve this once.

In one transaction the ballot is created, frozen and opened, the standing proxies consumed and
the deadline's reminders planned; after the commit the papers go out and the groups see the
participation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from config.models import GovernanceLookupError, Groupement, Instance
from meetings.actions.actor import Actor
from meetings.delivery.audience import DeliveryReport
from meetings.delivery.ballots import deliver_papers, post_participation
from meetings.meeting import (
    Meeting,
    MeetingState,
    NotAVotingInstance,
    OffAgenda,
    OffAgendaOnSecondConvocation,
    RulingSubject,
    SessionRuling,
    agenda_position,
)
from meetings.opening import opening_state
from meetings.presence import consultation_electorate
from meetings.presiding import check_ballot_allowed
from meetings.quorum import meeting_electorate
from meetings.schedule import local_day
from meetings.scope import scope_of
from meetings.services import Services
from meetings.texts import Typed, typed
from voting.ballot import Ballot, BallotDraft, BallotMode
from voting.decision_rules import DecisionRule, one_voice_each, rules_for
from voting.electorate import Electorate
from voting.refusal import Refused
from voting.rules import BallotKind, BallotRules, TieRule
from voting.tally import MOTION_OPTIONS


class SessionChanged(Refused):
    """A session opened or closed since the coordinator confirmed the ballot's setting."""

    code = "session_changed"


class DecisionRuleNeeded(Refused):
    """A consultation of all the members opens only with the rule the coordinator chose."""

    code = "decision_rule_needed"


class DecisionRuleRefused(Refused):
    """A rule chosen where it cannot apply: for an instance (its rules are configured), or
    by weight where the groupement has no weights in force for its consultations."""

    code = "decision_rule_refused"


@dataclass(frozen=True)
class BallotSetting:
    """What a ballot opened now would be: in which session (if any), and its electorate."""

    instance: Instance
    meeting: Meeting | None
    weight_table_id: str | None
    """None for a consultation of all the members by head: one voice each, no table."""
    electorate: Electorate
    chair: str | None
    second_convocation: bool
    rules: BallotRules
    decision_rule: DecisionRule | None = None

    @property
    def mode(self) -> BallotMode:
        return BallotMode.WRITTEN if self.meeting is None else BallotMode.MEETING

    @property
    def session(self) -> int | None:
        return None if self.meeting is None else self.meeting.id


@dataclass(frozen=True)
class BallotOpened:
    ballot: Ballot
    delivery: DeliveryReport
    unrepresented: tuple[str, ...]
    """Members that may vote but that nobody represents yet: no paper reached them."""


async def session_of(services: Services, groupement_id: str, instance_id: str) -> Meeting | None:
    """The session of the instance now open, if any."""
    for meeting in await services.meetings.find(
        groupement_id=groupement_id, instance_id=instance_id, states=(MeetingState.IN_SESSION,)
    ):
        return meeting
    return None


def members_setting(
    groupement: Groupement, instance: Instance, rule: DecisionRule | None, today: date
) -> BallotSetting:
    """A consultation of all the members opened ``today`` under the ``rule`` chosen: the
    members in force, one voice each, or their weights in force; no proxy, nobody presides."""
    if rule is None:
        raise DecisionRuleNeeded(f"consulting the members of {groupement.id!r} needs a rule")
    consulted = groupement.consulted_members(today)
    table_id: str | None = None
    if rule.by_weight:
        if instance.weight_series is None:
            raise DecisionRuleRefused(f"{groupement.id!r} consults its members by head only")
        try:
            table, weights = groupement.electorate_weights(instance.weight_series, today)
        except GovernanceLookupError:
            raise DecisionRuleRefused(f"no weights in force in {groupement.id!r}") from None
        table_id, weights = table.id, {m: w for m, w in weights.items() if m in consulted}
    else:
        weights = one_voice_each(consulted)
    return BallotSetting(
        instance,
        None,
        table_id,
        Electorate(weights),
        None,
        second_convocation=False,
        rules=rules_for(rule),
        decision_rule=rule,
    )


async def ballot_setting(
    services: Services, groupement_id: str, instance_id: str, rule: DecisionRule | None = None
) -> BallotSetting:
    """The setting of a ballot of the instance opened now, as the coordinator confirms it;
    ``rule``: the rule chosen for a consultation of all the members (and only there)."""
    groupement = services.governance.groupement(groupement_id)
    instance = groupement.instance(instance_id)
    if groupement.consults_members(instance_id):
        today = local_day(services.clock(), groupement.groupement.tzinfo)
        return members_setting(groupement, instance, rule, today)
    if rule is not None:
        raise DecisionRuleRefused(f"instance {instance_id!r} is judged by its own rules")
    if not instance.voting or instance.weight_series is None:
        raise NotAVotingInstance(f"instance {instance_id!r} does not vote")
    meeting = await session_of(services, groupement_id, instance_id)
    if meeting is not None:
        scope = scope_of(services.governance, meeting)
        assert scope.weight_table is not None
        electorate = await meeting_electorate(services, meeting, scope)
        # The acting chair holds the casting vote, and only while it sits: a chair represented
        # by proxy casts no deciding vote.
        acting = (await opening_state(services, meeting)).chair.member_id
        chair = acting if acting in electorate.present else None
        return BallotSetting(
            instance,
            meeting,
            scope.weight_table.id,
            electorate,
            chair,
            meeting.second_convocation,
            instance.voting_rules,
        )
    today = local_day(services.clock(), groupement.groupement.tzinfo)
    table, weights = groupement.electorate_weights(instance.weight_series, today)
    standing = await services.roster.standing_proxies(groupement_id, instance_id)
    coordinator = groupement.groupement.coordinator
    # Nobody presides a written consultation: the coordinator's vote counts for more only
    # where the instance's rules give it the tie.
    decides_ties = instance.voting_rules.consultation_tie is TieRule.COORDINATOR
    return BallotSetting(
        instance,
        None,
        table.id,
        consultation_electorate(weights, standing),
        coordinator if decides_ties and coordinator in weights else None,
        second_convocation=False,
        rules=instance.voting_rules,
    )


async def _check_opening(
    services: Services, meeting: Meeting, ruling: SessionRuling | None
) -> None:
    """Refuse a ballot of the session that its opening does not allow yet."""
    opening = await opening_state(services, meeting)
    subject: RulingSubject | None = None if ruling is None else ruling.subject
    check_ballot_allowed(
        opening.step,
        subject,
        opening.urgency,
        meeting=meeting.id,
        ballot=None if opening.urgency_ballot is None else opening.urgency_ballot.id,
    )


def check_on_agenda(instance: Instance, meeting: Meeting, question: str) -> None:
    """A session votes on its agenda; a question off it only where the instance allows one,
    and never on a second convocation, which deliberates without quorum on the agenda the
    members were convened for."""
    if agenda_position(meeting.plan.agenda, question) is not None:
        return
    if meeting.second_convocation:
        raise OffAgendaOnSecondConvocation(
            f"meeting {meeting.id} is a second convocation: only its agenda is put to the vote",
            number=meeting.id,
        )
    if not instance.off_agenda_ballots:
        raise OffAgenda(f"instance {instance.id!r} votes only on its agenda", number=meeting.id)


def _kind(
    setting: BallotSetting, asked: BallotKind | None, election_round: int | None
) -> BallotKind:
    """An election is always secret; otherwise the kind asked, else the instance's default."""
    if election_round is not None:
        return BallotKind.SECRET
    return asked or setting.instance.ballot_kind


async def open_ballot(
    services: Services,
    actor: Actor,
    groupement_id: str,
    instance_id: str,
    question: str,
    *,
    kind: BallotKind | None = None,
    deadline: datetime | None = None,
    options: tuple[str, ...] = MOTION_OPTIONS,
    confirmed: BallotSetting | None = None,
    ruling: SessionRuling | None = None,
    election_round: int | None = None,
    precondition: Callable[[], Awaitable[None]] | None = None,
    decision_rule: DecisionRule | None = None,
) -> BallotOpened:
    """``confirmed`` is the setting the coordinator saw: if a session has opened or closed
    since, the ballot would not be the one confirmed, and it is refused. A ``ruling`` (its
    ``ballot_id`` ignored) marks a ballot of the opening: until the opening has ruled, only
    such a ballot opens in the session. An election (``election_round`` set) is always a
    secret ballot. ``precondition`` runs in the ballot's own transaction, so that what it
    checks still holds when the ballot is written (two presses of one button open one).
    A consultation of all the members needs its ``decision_rule``; no other ballot takes one."""
    actor.require_coordinator(groupement_id)
    typed(Typed.QUESTION, question)
    async with services.database.transaction():
        if precondition is not None:
            await precondition()
        setting = await ballot_setting(services, groupement_id, instance_id, decision_rule)
        if confirmed is not None and confirmed.session != setting.session:
            raise SessionChanged(f"confirmed in session {confirmed.session}, now {setting.session}")
        if setting.meeting is not None:
            await _check_opening(services, setting.meeting, ruling)
            if ruling is None:
                check_on_agenda(setting.instance, setting.meeting, question)
        draft = await services.ballots.create(
            BallotDraft(
                groupement_id=groupement_id,
                instance_id=instance_id,
                question=question,
                kind=_kind(setting, kind, election_round),
                options=options,
                mode=setting.mode,
                allow_vote_change=setting.instance.allow_vote_change,
                deadline=deadline,
                meeting_id=None if setting.meeting is None else setting.meeting.id,
                created_by=actor.person_id,
                election_round=election_round,
                decision_rule=setting.decision_rule,
            )
        )
        ballot = await services.ballots.open(
            draft.id,
            electorate=setting.electorate,
            rules=setting.rules,
            weight_table_id=setting.weight_table_id,
            chair=setting.chair,
            second_convocation=setting.second_convocation,
        )
        await _record_consequences(services, setting, ballot, ruling)
    return await _deliver(services, ballot, setting.electorate)


async def _record_consequences(
    services: Services, setting: BallotSetting, ballot: Ballot, ruling: SessionRuling | None
) -> None:
    """In the ballot's transaction: its place in the opening, the standing proxies it used
    up, and its deadline's reminders."""
    if setting.meeting is not None and ruling is not None:
        await services.sessions.record_ruling(
            setting.meeting.id, replace(ruling, ballot_id=ballot.id)
        )
    if setting.meeting is None and setting.decision_rule is None:
        # A proxy is given for one occasion: this consultation has frozen them.
        await services.roster.consume_proxies(ballot.draft.groupement_id, ballot.draft.instance_id)
    if ballot.draft.deadline is not None:
        await services.reminders.plan_ballot(
            ballot.draft.groupement_id, ballot.id, ballot.draft.deadline
        )


async def _deliver(services: Services, ballot: Ballot, electorate: Electorate) -> BallotOpened:
    """After the commit: the papers go out and the groups see the participation."""
    delivery = await deliver_papers(services, ballot)
    await post_participation(services, ballot)
    # In a session, a member absent and not represented gets no paper: that is not "silent".
    silent = tuple(
        m for m in electorate.members if m not in delivery.covered and electorate.can_vote(m)
    )
    return BallotOpened(ballot, delivery, silent)
