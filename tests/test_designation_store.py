"""Designations on a real SQLite file: acts and elections kept and read back after a reopen,
and an election ending the seats, the pending invitations and the standing proxies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from meetings.designation import ActKind, DesignationAct, Standing
from meetings.designation_store import DesignationStore
from meetings.recipients import recipients
from meetings.roster import InvitationExpired, Role, Roster, Seat, StandingProxy
from meetings.scope import scope_of
from meetings.services import Services
from tests.clock import FakeClock
from tests.conftest import GROUPEMENT, NOW
from tests.steps import planned
from voting.db import Database

ACT = DesignationAct(ActKind.DELIBERATION, "CP-2025-112", date(2025, 2, 3))
ELECTION = date(2026, 6, 28)
MEMBERS = frozenset({"meuse", "aube", "vosges"})


@pytest.fixture
def database_path(database: Path | str) -> Path | str:
    return database


async def opened(path: Path | str, clock: FakeClock) -> tuple[Database, DesignationStore, Roster]:
    database = await Database.open(path, clock)
    store, roster = DesignationStore(database), Roster(database)
    await store.migrate()
    await roster.migrate()
    return database, store, roster


@pytest.fixture
async def stores(
    database_path: Path | str, clock: FakeClock
) -> AsyncIterator[tuple[DesignationStore, Roster]]:
    database, store, roster = await opened(database_path, clock)
    yield store, roster
    await database.close()


async def seat(roster: Roster, member: str, person: str, role: Role = Role.TITULAIRE) -> None:
    invitation = await roster.invite(GROUPEMENT, member, role, "tg:1001")
    await roster.accept(invitation.token, person, person, "fr")


async def test_acts_and_elections_are_kept_with_who_recorded_them_and_when(
    database_path: Path, clock: FakeClock
) -> None:
    database, store, _roster = await opened(database_path, clock)
    recorded = await store.record_designation(GROUPEMENT, "meuse", ACT, "tg:1001")
    clock.advance(timedelta(hours=1))
    ended = await store.record_mandate_end(GROUPEMENT, "meuse", ELECTION, "tg:1001")
    await store.record_designation("other", "meuse", ACT, "tg:9")
    await database.close()

    database, store, _roster = await opened(database_path, clock)
    assert await store.designations(GROUPEMENT) == [recorded]
    assert recorded.act == ACT and recorded.recorded_at == NOW
    assert await store.mandate_ends(GROUPEMENT) == [ended]
    assert ended.election_day == ELECTION and ended.recorded_at == NOW + timedelta(hours=1)
    assert (await store.standing_of(GROUPEMENT, "meuse", NOW)).designation == recorded
    waiting = await store.standing_of(GROUPEMENT, "meuse", clock())
    assert waiting.standing is Standing.WAITING and waiting.waiting_since == ended
    await database.close()


async def test_an_election_ends_the_members_seats_and_nobody_elses(
    stores: tuple[DesignationStore, Roster], clock: FakeClock
) -> None:
    _store, roster = stores
    await seat(roster, "meuse", "tg:titulaire")
    await seat(roster, "meuse", "tg:suppleant", Role.SUPPLEANT)
    await seat(roster, "aube", "tg:aube")
    clock.advance(timedelta(minutes=5))

    ended = await roster.end_mandates(GROUPEMENT, "meuse")

    assert ended == [
        Seat(GROUPEMENT, "meuse", "tg:titulaire", Role.TITULAIRE),
        Seat(GROUPEMENT, "meuse", "tg:suppleant", Role.SUPPLEANT),
    ]
    assert await roster.representatives_of(GROUPEMENT, "meuse") == []
    assert await roster.seats_of("tg:titulaire") == []
    assert [s.person_id for s in await roster.seats(GROUPEMENT)] == ["tg:aube"]
    # The history keeps who held the seats, and until when.
    terms = [t for t in await roster.seat_terms(GROUPEMENT) if t.seat.member_id == "meuse"]
    assert [t.ended_at for t in terms] == [clock(), clock()]


async def test_an_election_voids_the_members_pending_invitations(
    stores: tuple[DesignationStore, Roster],
) -> None:
    _store, roster = stores
    pending = await roster.invite(GROUPEMENT, "meuse", Role.TITULAIRE, "tg:1001")
    other = await roster.invite(GROUPEMENT, "aube", Role.TITULAIRE, "tg:1001")
    await roster.end_mandates(GROUPEMENT, "meuse")
    with pytest.raises(InvitationExpired):
        await roster.accept(pending.token, "tg:late", "Late", "fr")
    assert (await roster.accept(other.token, "tg:aube", "Aube", "fr")).member_id == "aube"


async def test_an_election_revokes_the_standing_proxies_the_member_gave_or_held(
    stores: tuple[DesignationStore, Roster],
) -> None:
    _store, roster = stores
    await roster.give_proxy(StandingProxy(GROUPEMENT, "cogouv", "meuse", "aube"), "p", MEMBERS, 1)
    await roster.give_proxy(StandingProxy(GROUPEMENT, "cst", "vosges", "meuse"), "p", MEMBERS, 1)
    await roster.give_proxy(StandingProxy(GROUPEMENT, "ag", "aube", "vosges"), "p", MEMBERS, 1)
    await roster.end_mandates(GROUPEMENT, "meuse")
    assert await roster.standing_proxies(GROUPEMENT, "cogouv") == {}
    assert await roster.standing_proxies(GROUPEMENT, "cst") == {}
    assert await roster.standing_proxies(GROUPEMENT, "ag") == {"aube": "vosges"}


async def test_a_person_whose_mandate_ended_is_no_longer_convened(services: Services) -> None:
    await seat(services.roster, "meuse", "tg:meuse")
    await seat(services.roster, "aube", "tg:aube")
    meeting = await planned(services, NOW + timedelta(days=20))
    scope = scope_of(services.governance, meeting)
    before = {r.person_id for r in await recipients(services.roster, scope)}
    await services.roster.end_mandates(GROUPEMENT, "meuse")
    after = {r.person_id for r in await recipients(services.roster, scope)}
    assert before - after == {"tg:meuse"} and "tg:aube" in after
