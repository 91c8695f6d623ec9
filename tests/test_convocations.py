"""Convocations on record: a move is a new convocation whose notice is checked again, each
sending is kept, and so is what became of each person's copy; the minutes state the notice of
the convocation in force, its earlier dates and the members it did not reach."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from meetings.actions.convene import convene
from meetings.actions.move import move_meeting
from meetings.actions.session_open import open_session
from meetings.meeting import (
    ConvenedWithoutUrgency,
    ConvocationDelivery,
    DeliveryFailure,
    LateConvocation,
    MeetingState,
    UrgencyWithoutReason,
    unreached_members,
)
from meetings.minutes.markdown import render_markdown
from meetings.minutes.model import Minutes
from meetings.notifier import Private
from meetings.reminders import meeting_subject
from meetings.services import Services
from meetings.store import MIGRATIONS, MeetingStore
from meetings.wording.refusals import refusal
from meetings.wording.typography import plain
from tests.acting import coordinator
from tests.clock import FakeClock
from tests.conftest import MEMBERS
from tests.steps import (
    answer,
    make_plan,
    minutes_of,
    notifier_of,
    paris,
    person_id_of,
    person_of,
    planned,
)
from voting.db import INTEGRITY_ERRORS, Database

REASON = "Attribution du marché avant la clôture de l'exercice"


async def convened_on_1_december(services: Services, clock: FakeClock) -> int:
    """The issue's case: convened on Tuesday 1 December for Tuesday 22 December, 14 h 00."""
    clock.now = paris(2026, 12, 1, 10)
    meeting = await planned(services, paris(2026, 12, 22))
    await convene(services, await coordinator(services), meeting.id)
    return meeting.id


async def minutes_at_opening(services: Services, clock: FakeClock, meeting_id: int) -> Minutes:
    meeting = await services.meetings.get(meeting_id)
    clock.now = meeting.plan.starts_at
    await answer(services, meeting, region_grand_est="present")
    await open_session(services, await coordinator(services), meeting_id)
    return await minutes_of(services, meeting_id)


# --- a move is a new convocation --------------------------------------------------------------


async def test_a_move_too_late_for_the_notice_is_refused_and_changes_nothing(
    services: Services, clock: FakeClock
) -> None:
    await person_of(services, "moselle")
    meeting_id = await convened_on_1_december(services, clock)
    before = await services.meetings.get(meeting_id)
    reminders = await services.reminders.all(meeting_subject(meeting_id))
    notifier_of(services).sent.clear()
    clock.now = paris(2026, 12, 19, 10)

    with pytest.raises(LateConvocation) as refused:
        await move_meeting(services, await coordinator(services), meeting_id, paris(2026, 12, 21))

    assert (refused.value.needed, refused.value.actual, refused.value.urgent) == (5, 1, False)
    assert await services.meetings.get(meeting_id) == before
    assert len(await services.meetings.convocations(meeting_id)) == 1
    assert await services.reminders.all(meeting_subject(meeting_id)) == reminders
    assert notifier_of(services).sent == []
    with pytest.raises(UrgencyWithoutReason):
        await move_meeting(
            services, await coordinator(services), meeting_id, paris(2026, 12, 21), " "
        )
    # Even urgent, the day before is too late for one clear day.
    with pytest.raises(LateConvocation) as too_late:
        await move_meeting(
            services, await coordinator(services), meeting_id, paris(2026, 12, 20), REASON
        )
    assert (too_late.value.needed, too_late.value.actual, too_late.value.urgent) == (1, 0, True)


async def test_an_urgent_move_is_a_new_convocation_and_the_minutes_state_its_notice(
    services: Services, clock: FakeClock
) -> None:
    await person_of(services, "moselle")
    meeting_id = await convened_on_1_december(services, clock)
    notifier = notifier_of(services)
    notifier.sent.clear()
    clock.now = paris(2026, 12, 19, 10)

    moved = await move_meeting(
        services, await coordinator(services), meeting_id, paris(2026, 12, 21), REASON
    )

    meeting = moved.meeting
    assert meeting.state is MeetingState.CONVENED
    assert (meeting.convened_at, meeting.urgent, meeting.urgency_reason) == (
        paris(2026, 12, 19, 10),
        True,
        REASON,
    )
    history = await services.meetings.convocations(meeting_id)
    assert [(c.sent_at, c.starts_at, c.urgent, c.urgency_reason) for c in history] == [
        (paris(2026, 12, 1, 10), paris(2026, 12, 22), False, None),
        (paris(2026, 12, 19, 10), paris(2026, 12, 21), True, REASON),
    ]
    # The full convocation with the new date and the urgency, and its calendar file.
    (text,) = notifier.texts_to(person_id_of("moselle"))
    assert plain(text).startswith(f"📅 Convocation — Réunion n° {meeting_id}")
    assert "Lundi 21 décembre 2026 à 14 h 00" in plain(text)
    assert REASON in text
    (calendar,) = [s.attachment for s in notifier.sent if s.attachment is not None]
    assert b"SEQUENCE:1" in calendar.content
    assert f"UID:meeting-{meeting_id}@".encode() in calendar.content

    minutes = await minutes_at_opening(services, clock, meeting_id)
    text = plain(render_markdown(minutes, datetime(2026, 12, 21, 18, tzinfo=UTC)))
    assert (
        "Première convocation, adressée le samedi 19 décembre 2026 à 10 h 00, 1 jour franc "
        "avant la séance : en urgence" in text
    )
    assert "19 jours francs" not in text and "délai de 5 jours francs respecté" not in text
    assert (
        "Séance initialement convoquée pour le mardi 22 décembre 2026 à 14 h 00 "
        "(convocation du mardi 1er décembre 2026)." in text
    )


async def test_a_move_on_time_is_an_ordinary_convocation_from_its_own_sending(
    services: Services, clock: FakeClock
) -> None:
    meeting_id = await convened_on_1_december(services, clock)
    clock.now = paris(2026, 12, 8, 9)

    moved = await move_meeting(
        services, await coordinator(services), meeting_id, paris(2026, 12, 21), "sans objet"
    )

    assert moved.meeting.convened_at == paris(2026, 12, 8, 9)
    assert not moved.meeting.urgent
    minutes = await minutes_at_opening(services, clock, meeting_id)
    text = plain(render_markdown(minutes, datetime(2026, 12, 21, 18, tzinfo=UTC)))
    assert "adressée le mardi 8 décembre 2026 à 9 h 00, 12 jours francs avant la séance" in text


# --- who was convened, and when --------------------------------------------------------------


async def test_each_copy_of_the_convocation_is_on_record_and_a_second_sending_reaches_the_rest(
    services: Services, clock: FakeClock
) -> None:
    for member in ("region-grand-est", "moselle", "dane"):
        await person_of(services, member)
    notifier = notifier_of(services)
    notifier.unreachable.add(person_id_of("moselle"))
    meeting = await planned(services, paris(2026, 12, 29))
    actor = await coordinator(services)

    first = await convene(services, actor, meeting.id)

    (convocation,) = await services.meetings.convocations(meeting.id)
    rows = await services.meetings.deliveries(convocation.id)
    by_member = {d.participant_id: d for d in rows}
    assert by_member["region-grand-est"].delivered_at == clock.now
    assert by_member["dane"].advisory and by_member["dane"].delivered
    assert by_member["moselle"].failure is DeliveryFailure.UNREACHABLE
    assert by_member["moselle"].person_id == person_id_of("moselle")
    assert by_member["aube"] == ConvocationDelivery(
        "aube", False, None, None, DeliveryFailure.NO_REPRESENTATIVE
    )
    unreached = dict(first.unreached)
    assert unreached["moselle"] is DeliveryFailure.UNREACHABLE
    assert unreached["aube"] is DeliveryFailure.NO_REPRESENTATIVE
    assert "region-grand-est" not in unreached

    # The Moselle starts the bot, the Aube is registered: /convoquer again reaches only them.
    notifier.unreachable.clear()
    await person_of(services, "aube")
    notifier.sent.clear()
    sent_at = clock.now
    clock.now = paris(2026, 12, 16, 9)
    again = await convene(services, actor, meeting.id)

    assert again.again and again.already_reached == 2
    assert again.delivery.sent == 2
    assert {s.to for s in notifier.sent} == {
        Private(person_id_of("moselle")),
        Private(person_id_of("aube")),
    }
    assert again.meeting.convened_at == sent_at
    assert len(await services.meetings.convocations(meeting.id)) == 1
    rows = await services.meetings.deliveries(convocation.id)
    assert [d.delivered_at for d in rows if d.participant_id == "moselle"] == [
        None,
        paris(2026, 12, 16, 9),
    ]
    assert "moselle" not in dict(again.unreached) and "aube" not in dict(again.unreached)
    assert "cea" in dict(again.unreached)


async def test_the_minutes_list_the_members_the_convocation_did_not_reach(
    services: Services, clock: FakeClock
) -> None:
    for member in MEMBERS:
        if member not in ("moselle", "vosges"):
            await person_of(services, member)
    await person_of(services, "moselle")
    notifier_of(services).unreachable.add(person_id_of("moselle"))
    meeting = await planned(services, paris(2026, 12, 22))
    await convene(services, await coordinator(services), meeting.id)

    minutes = await minutes_at_opening(services, clock, meeting.id)

    assert [(str(u.member), u.failure) for u in minutes.undelivered] == [
        ("Département de la Moselle", DeliveryFailure.UNREACHABLE),
        ("Département des Vosges", DeliveryFailure.NO_REPRESENTATIVE),
    ]
    text = plain(render_markdown(minutes, datetime(2026, 12, 22, 18, tzinfo=UTC)))
    assert (
        "**Convocation non délivrée** : Département de la Moselle (représentant injoignable par "
        "le bot), Département des Vosges (aucun représentant enregistré)." in text
    )


def test_a_member_is_reached_once_one_of_its_people_is() -> None:
    rows = [
        ConvocationDelivery("moselle", False, "a", None, DeliveryFailure.UNREACHABLE),
        ConvocationDelivery("moselle", False, "b", paris(2026, 12, 1), None),
        ConvocationDelivery("aube", False, "c", None, DeliveryFailure.UNREACHABLE),
        ConvocationDelivery("vosges", False, None, None, DeliveryFailure.NO_REPRESENTATIVE),
    ]

    assert unreached_members(["moselle", "aube", "vosges", "marne"], rows) == [
        ("aube", DeliveryFailure.UNREACHABLE),
        ("vosges", DeliveryFailure.NO_REPRESENTATIVE),
    ]


# --- storage ---------------------------------------------------------------------------------


async def test_each_sending_is_stored_with_its_date_and_its_deliveries(
    services: Services, clock: FakeClock
) -> None:
    store = services.meetings
    meeting = await store.plan(make_plan(paris(2026, 12, 29)), created_by="tg:1")
    await store.mark_convened(meeting.id, urgent=False, urgency_reason=None)
    clock.now = paris(2026, 12, 18, 11)
    await store.move(meeting.id, paris(2026, 12, 21))
    moved = await store.mark_convened(meeting.id, urgent=True, urgency_reason=REASON)

    first, second = await store.convocations(meeting.id)
    assert (first.starts_at, second.starts_at) == (paris(2026, 12, 29), paris(2026, 12, 21))
    assert second.sent_at == moved.convened_at == paris(2026, 12, 18, 11)
    rows = [
        ConvocationDelivery("moselle", False, "tg:7", paris(2026, 12, 18, 11), None),
        ConvocationDelivery("dane", True, "tg:8", None, DeliveryFailure.UNREACHABLE),
        ConvocationDelivery("vosges", False, None, None, DeliveryFailure.NO_REPRESENTATIVE),
    ]
    await store.record_deliveries(second.id, rows)
    assert await store.deliveries(second.id) == rows
    assert await store.deliveries(first.id) == []
    with pytest.raises(INTEGRITY_ERRORS, match=r"(?i)check"):
        await store.record_deliveries(
            second.id, [ConvocationDelivery("aube", False, "tg:9", None, None)]
        )


async def test_a_meeting_convened_before_the_history_gets_its_convocation_on_record(
    tmp_path: Path, clock: FakeClock
) -> None:
    database = await Database.open(tmp_path / "old.db", clock)
    try:
        await database.migrate("meetings", MIGRATIONS[:1])
        async with database.transaction() as connection:
            await connection.execute(
                """INSERT INTO meetings (groupement_id, instance_id, starts_at_utc,
                       duration_minutes, place, state, created_by, created_at_utc,
                       convened_at_utc, urgent, urgency_reason)
                   VALUES ('g', 'cogouv', '2026-12-22T13:00:00+00:00', 120, 'ici', 'convened',
                       'tg:1', '2026-11-30T09:00:00+00:00', '2026-12-01T09:00:00+00:00', 1,
                       'Vite')"""
            )
        store = MeetingStore(database)
        await store.migrate()

        (convocation,) = await store.convocations(1)
        assert (convocation.sent_at, convocation.starts_at) == (
            paris(2026, 12, 1, 10),
            paris(2026, 12, 22),
        )
        assert (convocation.urgent, convocation.urgency_reason) == (True, "Vite")
    finally:
        await database.close()


async def test_a_convocation_sent_is_not_made_urgent_afterwards(
    services: Services, clock: FakeClock
) -> None:
    await person_of(services, "region-grand-est")
    meeting = await planned(services, paris(2026, 12, 29))
    actor = await coordinator(services)
    await convene(services, actor, meeting.id)
    notifier = notifier_of(services)
    notifier.sent.clear()

    with pytest.raises(ConvenedWithoutUrgency) as refused:
        await convene(services, actor, meeting.id, urgency="budget à voter avant la fin d'année")

    assert notifier.sent == []
    (convocation,) = await services.meetings.convocations(meeting.id)
    assert not convocation.urgent
    assert "/reporter" in plain(refusal(refused.value, "fr", number=meeting.id))
