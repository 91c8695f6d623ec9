"""The minutes' table of designations, built from the records: the act in force for each member
convened at the opening, or the election since which its seats waited; nothing for a member
without a record, and nothing recorded after the opening."""

from __future__ import annotations

from datetime import date, timedelta

from meetings.actions.designate import designate, end_mandate
from meetings.designation import ActKind, DesignationAct
from meetings.minutes.markdown import render_markdown
from meetings.minutes.model import DesignationLine
from meetings.services import Services
from meetings.wording.formats import name_of
from meetings.wording.typography import plain
from tests.acting import coordinator
from tests.clock import FakeClock
from tests.conftest import GROUPEMENT
from tests.steps import in_session, minutes_of, person_of

ACT = DesignationAct(ActKind.DELIBERATION, "CP-2025-112", date(2025, 2, 3))
ELECTION = date(2026, 6, 28)


async def test_the_minutes_name_the_acts_in_force_at_the_opening(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    await person_of(services, "aube")
    await designate(services, actor, "meuse", ACT.kind, ACT.reference, ACT.signed_on)
    await end_mandate(services, actor, "aube", ELECTION)
    starts_at = clock() + timedelta(days=10)
    meeting = await in_session(
        services, clock, starts_at, region_grand_est="present", meuse="present", cea="present"
    )
    # Recorded after the opening: not what covered the seats during this session.
    clock.advance(timedelta(minutes=10))
    await designate(services, actor, "aube", ActKind.DECREE, "A-1", date(2026, 12, 1))
    await designate(services, actor, "cea", ActKind.DECISION, "D-9", date(2026, 12, 1))

    minutes = await minutes_of(services, meeting.id, named=True)

    groupement = services.governance.groupement(GROUPEMENT)
    assert minutes.designations == (
        DesignationLine("aube", name_of(groupement, "aube"), None, ELECTION),
        DesignationLine("meuse", name_of(groupement, "meuse"), ACT),
    )
    text = plain(render_markdown(minutes, clock()))
    assert "## Désignation des représentants" in text
    assert (
        "| Département de l'Aube |  | en attente de désignation depuis l'élection du 28 juin 2026 |"
    ) in text
    assert (
        "| Département de la Meuse | Meuse (titulaire) | délibération n° CP-2025-112 du "
        "3 février 2025 |"
    ) in text
    assert "D-9" not in text


async def test_minutes_without_any_designation_have_no_such_table(
    services: Services, clock: FakeClock
) -> None:
    meeting = await in_session(
        services, clock, clock() + timedelta(days=10), region_grand_est="present"
    )
    minutes = await minutes_of(services, meeting.id, named=True)
    assert minutes.designations == ()
    assert "Désignation des représentants" not in render_markdown(minutes, clock())
