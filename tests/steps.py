"""A COGOUV meeting scripted through the actions, below the Telegram adapter: planned by the
coordinator, answered by each member's own representative, opened at its start time, and its
ballots voted by the people who hold the papers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from config.models import Governance
from meetings.actions.actor import Actor, identify
from meetings.actions.ballot_open import BallotOpened, open_ballot
from meetings.actions.convene import convene
from meetings.actions.plan import plan_meeting
from meetings.actions.reply import reply
from meetings.actions.session_chair import designate_chair
from meetings.actions.session_open import open_session
from meetings.actions.vote import VoteRecorded, cast_vote
from meetings.meeting import AgendaItem, Meeting, MeetingPlan, ReplyKind
from meetings.minutes.builder import build_minutes
from meetings.minutes.designation_lines import with_designations
from meetings.minutes.model import Minutes
from meetings.presence import coming
from meetings.presiding import chair_absent
from meetings.roster import Role
from meetings.scope import scope_of
from meetings.services import Services
from tests.acting import GROUPEMENT, RecordingNotifier, coordinator, seated
from tests.clock import FakeClock
from voting.ballot import Ballot
from voting.rules import BallotKind

PARIS = ZoneInfo("Europe/Paris")
PLACE = "Hôtel de Région, Metz"
ACTING_CHAIR_NAME = "Camille Durand"
AGENDA = (
    AgendaItem("Approbation du procès-verbal", "Approuver le PV du 20 octobre"),
    AgendaItem("Budget 2027", "Adopter le budget 2027"),
)


def paris(year: int, month: int, day: int, hour: int = 14, minute: int = 0) -> datetime:
    """A Paris wall-clock time, as the UTC instant the stores keep."""
    return datetime(year, month, day, hour, minute, tzinfo=PARIS).astimezone(UTC)


def make_plan(starts_at: datetime, instance_id: str = "cogouv", **changes: Any) -> MeetingPlan:
    return MeetingPlan(
        groupement_id=GROUPEMENT,
        instance_id=instance_id,
        starts_at=starts_at,
        place=PLACE,
        agenda=AGENDA,
        **changes,
    )


def person_id_of(member: str) -> str:
    return f"tg:{member}"


async def person_of(services: Services, member: str) -> Actor:
    """The representative of ``member`` (titulaire, or advisory), seated when first needed."""
    person = person_id_of(member)
    found = await identify(services, person, member.title(), "fr")
    if found.seats:
        return found
    advisory = services.governance.groupement(GROUPEMENT).is_advisory(member)
    return await seated(services, member, person, Role.ADVISORY if advisory else Role.TITULAIRE)


async def planned(services: Services, starts_at: datetime, instance_id: str = "cogouv") -> Meeting:
    actor = await coordinator(services)
    return (await plan_meeting(services, actor, make_plan(starts_at, instance_id))).meeting


async def answer(services: Services, meeting: Meeting, **answers: str) -> None:
    """``aube="proxy:region-grand-est"``, ``moselle="video"``... with ``_`` for ``-``; each
    reply comes from the member's own representative."""
    for key, text in answers.items():
        member = key.replace("_", "-")
        kind, _, holder = text.partition(":")
        actor = await person_of(services, member)
        await reply(services, actor, meeting.id, member, ReplyKind(kind), holder or None)


async def convened(services: Services, starts_at: datetime, **answers: str) -> Meeting:
    """A COGOUV meeting planned, convened and replied to."""
    meeting = await planned(services, starts_at)
    meeting = (await convene(services, await coordinator(services), meeting.id)).meeting
    await answer(services, meeting, **answers)
    return meeting


async def chair_for_the_session(services: Services, meeting: Meeting) -> None:
    """Where the planned chair's member will neither sit nor be represented, the coordinator
    designates the first member coming as chair for the session, as the opening requires."""
    replies = await services.meetings.replies(meeting.id)
    sitting = coming(replies)
    if chair_absent(meeting.plan, sitting) and sitting:
        scope = scope_of(services.governance, meeting)
        first = next(m for m in scope.members if m in sitting)
        actor = await coordinator(services)
        await designate_chair(services, actor, meeting.id, first, ACTING_CHAIR_NAME)


async def in_session(
    services: Services, clock: FakeClock, starts_at: datetime, **answers: str
) -> Meeting:
    """A COGOUV meeting convened, replied to, and opened at its start time (with a chair for
    the session designated if the planned one will not sit)."""
    meeting = await convened(services, starts_at, **answers)
    clock.now = starts_at
    await chair_for_the_session(services, meeting)
    return (await open_session(services, await coordinator(services), meeting.id)).meeting


async def ballot_opened(
    services: Services,
    question: str,
    instance_id: str = "cogouv",
    *,
    kind: BallotKind | None = None,
    deadline: datetime | None = None,
) -> BallotOpened:
    """A ballot opened by the coordinator: the session's, if one of the instance is open."""
    actor = await coordinator(services)
    return await open_ballot(
        services, actor, GROUPEMENT, instance_id, question, kind=kind, deadline=deadline
    )


async def vote(
    services: Services, ballot: Ballot, member: str, option: str, by: str | None = None
) -> VoteRecorded:
    """The button of ``member``'s paper pressed by the representative of ``by`` (the proxy's
    holder) or of ``member`` itself."""
    assert ballot.electorate is not None
    actor = await person_of(services, by or member)
    return await cast_vote(
        services,
        actor,
        ballot.id,
        ballot.electorate.members.index(member),
        ballot.draft.options.index(option),
    )


def notifier_of(services: Services) -> RecordingNotifier:
    """What the actions sent, as the ``services`` fixture records it."""
    assert isinstance(services.notifier, RecordingNotifier)
    return services.notifier


def allowing_off_agenda(governance: Governance, instance_id: str = "cogouv") -> Governance:
    """The governance with ``off_agenda_ballots = true`` for one instance of the groupement."""
    groupement = governance.groupement(GROUPEMENT)
    instances = [
        i.model_copy(update={"off_agenda_ballots": True}) if i.id == instance_id else i
        for i in groupement.instances
    ]
    changed = groupement.model_copy(update={"instances": instances})
    return governance.model_copy(
        update={"groupements": {**governance.groupements, GROUPEMENT: changed}}
    )


async def minutes_of(services: Services, meeting_id: int, *, named: bool = False) -> Minutes:
    """The minutes as the stores give them; ``named``: with the persons who sat (the roster)."""
    minutes = await build_minutes(
        meeting_id,
        governance=services.governance,
        meetings=services.meetings,
        ballots=services.ballots,
        sessions=services.sessions,
        roster=services.roster if named else None,
    )
    return await with_designations(
        minutes, services.governance, services.meetings, services.designations
    )
