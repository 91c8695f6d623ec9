"""Minutes after the session, on a real SQLite file: approved by the next meeting of the
instance, signed by the chair and the secretary, then sent once to every member; and the
extract of one deliberation.

The pure rules (:mod:`meetings.approval`) first, then the actions on the database.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from config.models import Governance
from meetings.actions.ballot_close import close_ballot
from meetings.actions.convene import convene
from meetings.actions.documents import source
from meetings.actions.extract import NoSuchDeliberation, build_extract, extract_pdf
from meetings.actions.minutes_approval import propose_approval
from meetings.actions.minutes_sign import NotASignatory, record_secretary, sign_minutes
from meetings.actions.plan import plan_meeting
from meetings.actions.session_open import open_session
from meetings.approval import Approval, Signatory, Signature, is_final, minutes_to_approve
from meetings.meeting import AgendaItem, InvalidPlan, Meeting, MeetingPlan, MeetingState, ReplyKind
from meetings.minutes.document import document
from meetings.minutes.extract import extract_document
from meetings.minutes.markdown import markdown
from meetings.minutes.model import Minutes
from meetings.notifier import Group, Private
from meetings.roster import Role
from meetings.services import Services
from tests.acting import RecordingNotifier, coordinator, seated
from tests.clock import FakeClock
from tests.conftest import GROUPEMENT, MEMBERS
from tests.steps import allowing_off_agenda
from tests.test_minutes import (
    PLACE,
    answer,
    flat,
    held_meeting,
    opened,
    paris,
    pdf_text,
    person_of,
    rendered,
)
from voting.tally import Outcome

APPROVAL_TITLE = "Approbation du procès-verbal de la séance du mardi 15 décembre 2026"
APPROVAL_MOTION = "Approuver le procès-verbal de la séance du mardi 15 décembre 2026"


@pytest.fixture
def governance(governance: Governance) -> Governance:
    """The scripted session of 15 December votes on a question off its agenda."""
    return allowing_off_agenda(governance)


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


# --- the pure rules ---------------------------------------------------------------------------


def meeting(number: int, state: MeetingState) -> Meeting:
    plan = MeetingPlan(GROUPEMENT, "cogouv", datetime(2026, 12, number, 13, tzinfo=UTC), place="x")
    return Meeting(number, plan, state, plan.starts_at, "c", None, False, None, 0, None, None, None)


def test_the_oldest_minutes_waiting_are_the_ones_to_approve() -> None:
    held = [meeting(1, MeetingState.CLOSED), meeting(2, MeetingState.CLOSED)]
    cancelled = [*held, meeting(3, MeetingState.CANCELLED)]
    # Minutes of an earlier session never approved come first, then the next ones.
    assert minutes_to_approve(cancelled, approved=(), on_an_agenda=()) == held[0]
    assert minutes_to_approve(list(reversed(held)), approved=(), on_an_agenda=()) == held[0]
    assert minutes_to_approve(held, approved={1}, on_an_agenda=()) == held[1]
    assert minutes_to_approve(held, approved={2}, on_an_agenda=()) == held[0]
    assert minutes_to_approve(held, approved=(), on_an_agenda={1}) == held[1]
    assert minutes_to_approve(held, approved={1}, on_an_agenda={2}) is None
    assert minutes_to_approve([meeting(1, MeetingState.IN_SESSION)], (), ()) is None


def test_minutes_are_final_once_approved_and_signed_by_both() -> None:
    closed = meeting(1, MeetingState.CLOSED)
    at = datetime(2026, 12, 28, 13, tzinfo=UTC)
    approval = Approval(1, 2, 7, "COGOUV-2026-07", at)
    chair = Signature(1, Signatory.CHAIR, "p", "Jean", at)
    secretary = Signature(1, Signatory.SECRETARY, "q", "Claire", at)
    assert is_final(closed, approval, [chair, secretary])
    assert not is_final(closed, None, [chair, secretary])
    assert not is_final(closed, approval, [chair])
    assert not is_final(
        replace(closed, state=MeetingState.IN_SESSION), approval, [chair, secretary]
    )


# --- approval by the next meeting ---------------------------------------------------------------


async def next_meeting(
    services: Services, clock: FakeClock, agenda: tuple[AgendaItem, ...]
) -> Meeting:
    """The COGOUV of 28 December, convened, everyone present, its session open."""
    actor = await coordinator(services)
    clock.now = paris(16, 10)
    plan = MeetingPlan(GROUPEMENT, "cogouv", paris(28, 14), place=PLACE, agenda=agenda)
    planned = (await plan_meeting(services, actor, plan)).meeting
    await convene(services, actor, planned.id)
    for member in MEMBERS:
        await answer(services, planned.id, member, ReplyKind.PRESENT)
    clock.now = paris(28, 14)
    return (await open_session(services, actor, planned.id)).meeting


async def vote_on_approval(services: Services, clock: FakeClock, option: str) -> int:
    """The minutes of 15 December held, put to the vote on 28 December, closed."""
    held = await held_meeting(services, clock)
    item = await propose_approval(services, GROUPEMENT, "cogouv", paris(28, 14))
    assert item is not None
    await next_meeting(services, clock, (item, AgendaItem("Questions diverses")))
    clock.now = paris(28, 14, 5)
    ballot = await opened(services, APPROVAL_MOTION)
    for member in MEMBERS:
        await services.ballots.cast(ballot.id, member, option, cast_by=f"person-of-{member}")
    clock.now = paris(28, 14, 10)
    await close_ballot(services, await coordinator(services), ballot.id)
    return held.meeting.id


async def test_planning_the_next_meeting_proposes_the_approval_item(
    services: Services, clock: FakeClock
) -> None:
    held = await held_meeting(services, clock)

    item = await propose_approval(services, GROUPEMENT, "cogouv", paris(28, 14))

    assert item == AgendaItem(APPROVAL_TITLE, APPROVAL_MOTION, approves=held.meeting.id)
    # Another instance has no minutes to approve; once on an agenda, it is proposed no more.
    assert await propose_approval(services, GROUPEMENT, "cst", paris(28, 14)) is None
    planned = await next_meeting(services, clock, (item,))
    assert (await services.meetings.get(planned.id)).plan.agenda[0].approves == held.meeting.id
    assert await propose_approval(services, GROUPEMENT, "cogouv", paris(29, 14)) is None


async def test_an_item_cannot_approve_minutes_of_no_closed_meeting(
    services: Services, clock: FakeClock
) -> None:
    plan = MeetingPlan(
        GROUPEMENT, "cogouv", paris(28, 14), place=PLACE, agenda=(AgendaItem("PV", "PV", 99),)
    )
    with pytest.raises(InvalidPlan):
        await plan_meeting(services, await coordinator(services), plan)


async def test_adopting_the_motion_approves_the_minutes(
    services: Services, clock: FakeClock
) -> None:
    minutes_of = await vote_on_approval(services, clock, "for")

    approval = await services.minutes.approval(minutes_of)
    assert approval is not None
    ballot = await services.ballots.get(approval.ballot_id)
    assert ballot.result is not None and ballot.result.outcome is Outcome.ADOPTED
    assert approval.reference == ballot.reference == "COGOUV-2026-03"
    assert approval.approved_at == ballot.closed_at == paris(28, 14, 10)
    assert approval.meeting_id == minutes_of + 1
    text = flat(plain(pdf_text(rendered(await built(services, minutes_of)))))
    assert "approuvé le 28 décembre 2026, délibération n° COGOUV-2026-03" in text
    assert "PROJET" not in text


async def test_a_rejected_motion_leaves_the_minutes_a_draft(
    services: Services, clock: FakeClock
) -> None:
    minutes_of = await vote_on_approval(services, clock, "against")

    assert await services.minutes.approval(minutes_of) is None
    text = plain(pdf_text(rendered(await built(services, minutes_of))))
    assert "PROJET" in text
    assert "attend son approbation" in text


async def test_minutes_whose_approval_was_rejected_are_proposed_again_before_later_ones(
    services: Services, clock: FakeClock
) -> None:
    minutes_of = await vote_on_approval(services, clock, "against")
    rejecting = minutes_of + 1
    clock.now = paris(28, 15)
    await services.meetings.close_session(rejecting)

    item = await propose_approval(services, GROUPEMENT, "cogouv", paris(30, 14))

    assert item == AgendaItem(APPROVAL_TITLE, APPROVAL_MOTION, approves=minutes_of)
    # Once they are on the agenda of the meeting planned, the next minutes come.
    clock.now = paris(28, 16)
    await plan_meeting(
        services,
        await coordinator(services),
        MeetingPlan(GROUPEMENT, "cogouv", paris(30, 14), place=PLACE, agenda=(item,)),
    )
    after = await propose_approval(services, GROUPEMENT, "cogouv", paris(31, 14))
    assert after is not None and after.approves == rejecting


async def built(services: Services, meeting_id: int) -> Minutes:
    minutes = await source(services, meeting_id, ballot=False)
    assert isinstance(minutes, Minutes)
    return minutes


# --- signing and sending ------------------------------------------------------------------------


async def test_only_the_chair_and_the_recorded_secretary_sign(
    services: Services, clock: FakeClock
) -> None:
    held = await held_meeting(services, clock)
    number = held.meeting.id
    chair = await person_of(services, "region-grand-est")
    claire = await coordinator(services)
    clock.now = paris(15, 16)

    for stranger in (await person_of(services, "cea"), claire):
        with pytest.raises(NotASignatory):
            await sign_minutes(services, stranger, number)
    await record_secretary(services, claire, number)
    signed = await sign_minutes(services, chair, number)
    clock.now = paris(15, 16, 30)
    by_secretary = await sign_minutes(services, claire, number)

    assert [s.signatory for s in signed.signatures] == [Signatory.CHAIR]
    assert [s.signatory for s in by_secretary.signatures] == [Signatory.SECRETARY]
    stored = await services.minutes.signatures(number)
    assert [(s.person_id, s.name, s.signed_at) for s in stored] == [
        (chair.person_id, "Region-Grand-Est", paris(15, 16)),
        (claire.person_id, "Claire Test", paris(15, 16, 30)),
    ]
    # Signing again records nothing.
    assert (await sign_minutes(services, chair, number)).signatures == ()
    text = flat(plain(pdf_text(rendered(await built(services, number)))))
    assert "Signé par Region-Grand-Est dans Scrutin le mardi 15 décembre 2026 à 16 h 00" in text
    assert "Signé par Claire Test dans Scrutin le mardi 15 décembre 2026 à 16 h 30" in text
    lines = markdown_of(await built(services, number))
    assert (
        "| Signé par Region-Grand-Est dans Scrutin le mardi 15 décembre 2026 à 16 h 00 |"
        in plain(lines)
    )


async def test_a_chair_designated_in_the_session_signs_not_the_planned_one(
    services: Services, clock: FakeClock
) -> None:
    held = await held_meeting(services, clock)
    await services.sessions.designate_chair(
        held.meeting.id, "cea", "Jean Dupont", designated_by="x"
    )
    # The planned chair's member sat at the opening: the designation does not apply.
    assert (
        await sign_minutes(services, await person_of(services, "region-grand-est"), 1)
    ).signatures
    with pytest.raises(NotASignatory):
        await sign_minutes(services, await person_of(services, "cea"), held.meeting.id)


async def test_the_chair_who_signs_is_the_person_who_sat_and_is_named_under_the_signature(
    services: Services, clock: FakeClock
) -> None:
    held = await held_meeting(services, clock)
    number = held.meeting.id
    # The Région's suppléant holds a seat, but its titulaire replied and sat for it.
    suppleant = await seated(services, "region-grand-est", "sophie", Role.SUPPLEANT)
    with pytest.raises(NotASignatory):
        await sign_minutes(services, suppleant, number)
    clock.now = paris(15, 16)
    signed = await sign_minutes(services, await person_of(services, "region-grand-est"), number)

    assert [(s.person_id, s.name) for s in signed.signatures] == [
        ("person-of-region-grand-est", "Region-Grand-Est")
    ]
    text = flat(plain(pdf_text(rendered(await built(services, number)))))
    assert "Signé par Region-Grand-Est dans Scrutin le mardi 15 décembre 2026 à 16 h 00" in text


async def test_final_minutes_are_sent_once_to_every_representative(
    services: Services, clock: FakeClock
) -> None:
    notifier = services.notifier
    assert isinstance(notifier, RecordingNotifier)
    await services.chats.bind(-100, GROUPEMENT, "cogouv", "COGOUV", bound_by="tests")
    minutes_of = await vote_on_approval(services, clock, "for")
    claire = await coordinator(services)
    await record_secretary(services, claire, minutes_of)
    await sign_minutes(services, claire, minutes_of)
    before = len(notifier.sent)
    assert await services.minutes.sent_at(minutes_of) is None

    signed = await sign_minutes(services, await person_of(services, "region-grand-est"), minutes_of)

    assert signed.sent is not None
    documents = [s for s in notifier.sent[before:] if s.attachment is not None]
    people = {f"person-of-{member}" for member in MEMBERS}
    assert {s.to for s in documents} == {Private(p) for p in people}
    assert all(s.attachment and s.attachment.filename == "pv-reunion-1.pdf" for s in documents)
    assert documents[0].attachment is not None
    pdf = plain(pdf_text(documents[0].attachment.content))
    assert "PROJET" not in pdf and "délibération n° COGOUV-2026-03" in pdf
    notices = [s for s in notifier.sent[before:] if s.to == Group(-100)]
    assert len(notices) == 1 and notices[0].attachment is None
    assert notices[0].text is not None and "approuvé et signé" in plain(notices[0].text)
    # Nothing goes out twice, whoever asks again.
    count = len(notifier.sent)
    await sign_minutes(services, claire, minutes_of)
    assert len(notifier.sent) == count


async def test_the_group_notice_counts_who_got_the_final_minutes_and_coordinators_learn_who_not(
    services: Services, clock: FakeClock
) -> None:
    notifier = services.notifier
    assert isinstance(notifier, RecordingNotifier)
    await services.chats.bind(-100, GROUPEMENT, "cogouv", "COGOUV", bound_by="tests")
    minutes_of = await vote_on_approval(services, clock, "for")
    claire = await coordinator(services)
    await record_secretary(services, claire, minutes_of)
    await sign_minutes(services, claire, minutes_of)
    notifier.unreachable = {"person-of-aube"}
    before = len(notifier.sent)

    signed = await sign_minutes(services, await person_of(services, "region-grand-est"), minutes_of)

    assert signed.sent is not None and signed.sent.unreached == ("person-of-aube",)
    notices = [s.text for s in notifier.sent[before:] if s.to == Group(-100)]
    assert [plain(t or "") for t in notices] == [
        "Le procès-verbal de la séance du mardi 15 décembre 2026 est approuvé et signé. Il a été "
        "envoyé à 9 représentants des membres sur 10, chacun dans sa conversation privée avec le "
        "bot."
    ]
    told = [plain(t) for t in notifier.texts_to(claire.person_id)]
    assert told[-1] == (
        "Le procès-verbal définitif de la séance du mardi 15 décembre 2026 n'a pas pu être "
        "envoyé à 1 représentant : Aube pour le Département de l'Aube."
    )


async def test_minutes_signed_before_their_approval_go_out_at_the_approval(
    services: Services, clock: FakeClock
) -> None:
    notifier = services.notifier
    assert isinstance(notifier, RecordingNotifier)
    held = await held_meeting(services, clock)
    claire = await coordinator(services)
    await record_secretary(services, claire, held.meeting.id)
    await sign_minutes(services, claire, held.meeting.id)
    chair = await person_of(services, "region-grand-est")
    assert (await sign_minutes(services, chair, held.meeting.id)).sent is None

    item = await propose_approval(services, GROUPEMENT, "cogouv", paris(28, 14))
    assert item is not None
    await next_meeting(services, clock, (item,))
    ballot = await opened(services, APPROVAL_MOTION)
    for member in MEMBERS:
        await services.ballots.cast(ballot.id, member, "for", cast_by=f"person-of-{member}")
    closed = await close_ballot(services, claire, ballot.id)

    assert closed.approval is not None and closed.minutes_sent is not None
    assert len(closed.minutes_sent.reached) == len(MEMBERS)


# --- the extract of a deliberation -------------------------------------------------------------


async def test_the_extract_of_approved_minutes_is_certified(
    services: Services, clock: FakeClock
) -> None:
    minutes_of = await vote_on_approval(services, clock, "for")
    ballot = next(d.ballot.id for d in (await built(services, minutes_of)).deliberations)
    extract = await build_extract(services, ballot)
    text = flat(plain(pdf_text((await extract_pdf(services, ballot)).pdf)))

    for expected in (
        "Pour extrait certifié conforme",
        "Le président de séance",
        "Procès-verbal approuvé le 28 décembre 2026",
    ):
        assert expected in text, expected
    assert "PROJET" not in text
    assert not extract_document(extract, paris(29, 9)).draft


async def test_the_extract_of_a_deliberation(services: Services, clock: FakeClock) -> None:
    held = await held_meeting(services, clock)

    extract = await build_extract(services, held.public_ballot)
    text = flat(plain(pdf_text((await extract_pdf(services, held.public_ballot)).pdf)))

    assert extract.reference == "COGOUV-2026-01"
    for expected in (
        "Extrait du registre des délibérations",
        "Groupement de commandes ENT Grand Est",
        "Comité de gouvernance",
        "mardi 15 décembre 2026 à 14 h 00",
        "Délibération n° COGOUV-2026-01",
        "Membres présents et représentés",
        "Département des Ardennes",
        "« Adopter le budget 2027 de l'ENT »",
        "La délibération est adoptée",
        # The minutes await their approval: the extract is a draft, as they are.
        "PROJET",
        "Le procès-verbal dont cet extrait est tiré attend son approbation",
    ):
        assert expected in text, expected
    assert "Membres excusés" not in text
    assert "certifié conforme" not in text and "Le président de séance" not in text
    words = extract_document(extract, paris(16, 9))
    assert words.draft
    # A cancelled ballot, a ballot of no closed session, another groupement's: no extract.
    for wanted, visible in ((held.cancelled_ballot, None), (999, None), (1, {"other"})):
        with pytest.raises(NoSuchDeliberation):
            await build_extract(services, wanted, visible)


def markdown_of(minutes: Minutes) -> str:
    return markdown(document(minutes, paris(16, 9)))


# --- the store, on its own ------------------------------------------------------------------


async def test_each_record_of_the_minutes_is_written_once(
    services: Services, clock: FakeClock
) -> None:
    store = services.minutes
    at = paris(28, 14, 10)
    approval = Approval(1, 2, 7, "COGOUV-2026-07", at)
    assert await store.approve(approval)
    assert not await store.approve(replace(approval, meeting_id=3, ballot_id=8))
    assert await store.approval(1) == approval and await store.approved() == {1}
    clock.now = at
    first = await store.sign(1, Signatory.SECRETARY, "p", "Claire Weber")
    assert first == Signature(1, Signatory.SECRETARY, "p", "Claire Weber", at)
    clock.now = paris(29, 9)
    assert await store.sign(1, Signatory.SECRETARY, "q", "Autre") is None
    assert await store.signatures(1) == [first]
    assert await store.claim_sending(1) and not await store.claim_sending(1)
    assert await store.sent_at(1) == paris(29, 9)
    sessions = services.sessions
    recorded = await sessions.record_secretary(1, "p", recorded_by="p")
    clock.now = paris(30, 9)
    assert await sessions.record_secretary(1, "p", recorded_by="p") == recorded
    assert (await sessions.record_secretary(1, "q", recorded_by="q")).person_id == "q"
    assert await sessions.secretary(1) == replace(
        recorded, person_id="q", recorded_by="q", at=paris(30, 9)
    )
