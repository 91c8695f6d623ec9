"""A convocation re-sent after the last day to convene: it is sent (a late convocation is better
than none), the coordinator is told which members get it with fewer clear days than it owes,
and the minutes name them instead of claiming the notice was met for everyone."""

from __future__ import annotations

from datetime import UTC, datetime

from meetings.actions.convene import convene
from meetings.actions.session_open import open_session
from meetings.meeting import ConvocationDelivery, DeliveryFailure
from meetings.minutes.markdown import render_markdown
from meetings.minutes.model import Minutes
from meetings.notice import LateDelivery, late_deliveries
from meetings.services import Services
from meetings.wording.typography import plain
from tests.acting import coordinator
from tests.clock import FakeClock
from tests.conftest import MEMBERS
from tests.steps import PARIS, answer, minutes_of, paris, person_of, planned

ON_TIME = tuple(m for m in MEMBERS if m not in ("haute-marne", "meurthe-et-moselle", "meuse"))
SESSION = paris(2026, 12, 22, 14)


async def convened_with_three_missing(services: Services, clock: FakeClock) -> int:
    """Convened on Tuesday 1 December for Tuesday 22 December: 20 clear days, 5 owed; the
    Haute-Marne, Meurthe-et-Moselle and Meuse have nobody registered yet."""
    for member in ON_TIME:
        await person_of(services, member)
    clock.now = paris(2026, 12, 1, 9)
    meeting = await planned(services, SESSION)
    await convene(services, await coordinator(services), meeting.id)
    return meeting.id


async def minutes_at_the_session(services: Services, clock: FakeClock, meeting_id: int) -> Minutes:
    meeting = await services.meetings.get(meeting_id)
    await answer(services, meeting, region_grand_est="present")
    clock.now = SESSION
    await open_session(services, await coordinator(services), meeting_id)
    return await minutes_of(services, meeting_id)


def markdown(minutes: Minutes) -> str:
    return plain(render_markdown(minutes, datetime(2026, 12, 23, tzinfo=UTC)))


async def test_a_late_resending_is_sent_and_names_the_members_it_reaches_too_late(
    services: Services, clock: FakeClock
) -> None:
    meeting_id = await convened_with_three_missing(services, clock)
    actor = await coordinator(services)

    # Thursday 10 December: 11 clear days left, the Haute-Marne is convened in time.
    clock.now = paris(2026, 12, 10, 9)
    await person_of(services, "haute-marne")
    in_time = await convene(services, actor, meeting_id)
    assert in_time.again and in_time.delivery.sent == 1
    assert in_time.late == ()

    # Monday 21 December, 18:00: the Meuse is reached the day before the session.
    clock.now = paris(2026, 12, 21, 18)
    await person_of(services, "meuse")
    late = await convene(services, actor, meeting_id)

    assert late.again and late.delivery.sent == 1
    assert late.late == (LateDelivery("meuse", paris(2026, 12, 21, 18), 0),)
    assert late.notice_owed == 5
    assert dict(late.unreached) == {"meurthe-et-moselle": DeliveryFailure.NO_REPRESENTATIVE}

    # A further re-sending that reaches nobody new warns of nobody.
    clock.now = paris(2026, 12, 21, 19)
    assert (await convene(services, actor, meeting_id)).late == ()


async def test_the_minutes_name_the_members_convened_late_and_do_not_claim_the_notice_for_all(
    services: Services, clock: FakeClock
) -> None:
    meeting_id = await convened_with_three_missing(services, clock)
    actor = await coordinator(services)
    clock.now = paris(2026, 12, 10, 9)
    await person_of(services, "haute-marne")
    await convene(services, actor, meeting_id)
    clock.now = paris(2026, 12, 19, 11)
    await person_of(services, "meurthe-et-moselle")
    await convene(services, actor, meeting_id)
    clock.now = paris(2026, 12, 21, 18)
    await person_of(services, "meuse")
    await convene(services, actor, meeting_id)

    minutes = await minutes_at_the_session(services, clock, meeting_id)

    assert [(str(m.member), m.delivered_at, m.clear_days) for m in minutes.late_convened] == [
        ("Département de Meurthe-et-Moselle", paris(2026, 12, 19, 11), 2),
        ("Département de la Meuse", paris(2026, 12, 21, 18), 0),
    ]
    text = markdown(minutes)
    assert (
        "**Convocation** : Première convocation, adressée le mardi 1er décembre 2026 à 9 h 00, "
        "20 jours francs avant la séance : délai de 5 jours francs respecté pour les membres "
        "destinataires de cet envoi." in text
    )
    assert "délai de 5 jours francs respecté." not in text
    assert (
        "**Convocation remise tardivement** : Département de Meurthe-et-Moselle, le samedi "
        "19 décembre 2026 à 11 h 00 (2 jours francs avant la séance) ; Département de la "
        "Meuse, le lundi 21 décembre 2026 à 18 h 00 (aucun jour franc avant la séance)." in text
    )
    assert "Haute-Marne, le" not in text


async def test_minutes_without_a_late_member_state_the_notice_as_before(
    services: Services, clock: FakeClock
) -> None:
    meeting_id = await convened_with_three_missing(services, clock)
    clock.now = paris(2026, 12, 16, 9)  # 5 clear days still: in time
    await person_of(services, "meuse")
    assert (await convene(services, await coordinator(services), meeting_id)).late == ()

    minutes = await minutes_at_the_session(services, clock, meeting_id)

    assert minutes.late_convened == ()
    text = markdown(minutes)
    assert "20 jours francs avant la séance : délai de 5 jours francs respecté." in text
    assert "remise tardivement" not in text


def test_a_members_notice_runs_from_the_first_of_its_people_reached() -> None:
    first_day = paris(2026, 12, 1, 9)
    rows = [
        ConvocationDelivery("moselle", False, "a", first_day, None),
        ConvocationDelivery("moselle", False, "b", paris(2026, 12, 21, 18), None),
        ConvocationDelivery("aube", False, "c", None, DeliveryFailure.UNREACHABLE),
        ConvocationDelivery("aube", False, "c", paris(2026, 12, 20, 9), None),
        ConvocationDelivery("marne", False, "d", paris(2026, 12, 17, 9), None),
        ConvocationDelivery("vosges", False, None, None, DeliveryFailure.NO_REPRESENTATIVE),
    ]
    members = ["moselle", "aube", "marne", "vosges"]

    assert late_deliveries(members, rows, SESSION, 5, PARIS) == (
        LateDelivery("aube", paris(2026, 12, 20, 9), 1),
        LateDelivery("marne", paris(2026, 12, 17, 9), 4),
    )
    # An urgent convocation owes its urgent notice only (1 clear day).
    assert late_deliveries(members, rows, SESSION, 1, PARIS) == ()
    # Reached on the day of the session: no clear day, not a negative number of them.
    same_day = [ConvocationDelivery("moselle", False, "a", paris(2026, 12, 22, 8), None)]
    assert late_deliveries(["moselle"], same_day, SESSION, 5, PARIS) == (
        LateDelivery("moselle", paris(2026, 12, 22, 8), 0),
    )
