"""The roster on a real SQLite file: invitations, seats, coordinators, languages, proxies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from meetings.roster import (
    INVITATION_LIFETIME,
    InvitationExpired,
    InvitationUnknown,
    InvitationUsed,
    Person,
    ProxyProblem,
    ProxyRefused,
    Role,
    Roster,
    RosterError,
    Seat,
    SeatConflict,
    StandingProxy,
    proxy_problem,
)
from tests.clock import FakeClock
from tests.conftest import NOW
from voting.db import Database

G = "ent-grand-est"
COORD = "tg:1001"
MEMBERS = frozenset({"region-grand-est", "cea", "moselle", "meuse", "vosges"})


@pytest.fixture
def database_path(database: Path | str) -> Path | str:
    return database


@pytest.fixture
async def roster(database_path: Path | str, clock: FakeClock) -> AsyncIterator[Roster]:
    database = await Database.open(database_path, clock)
    opened = Roster(database)
    await opened.migrate()
    yield opened
    await database.close()


async def count(roster: Roster, sql: str) -> int:
    cursor = await roster.database.connection.execute(sql)
    row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


# --- invitations --------------------------------------------------------------------


async def test_an_invitation_lasts_seven_days(roster: Roster) -> None:
    invitation = await roster.invite(G, "meuse", Role.TITULAIRE, COORD)
    assert timedelta(days=7) == INVITATION_LIFETIME
    assert invitation.expires_at == NOW + timedelta(days=7)
    assert (invitation.groupement_id, invitation.member_id, invitation.role) == (
        G,
        "meuse",
        Role.TITULAIRE,
    )
    # A Telegram deep-link payload is at most 64 characters of [A-Za-z0-9_-].
    assert 16 <= len(invitation.token) <= 64
    assert invitation.token.replace("-", "").replace("_", "").isalnum()


async def test_tokens_are_distinct(roster: Roster) -> None:
    tokens = {(await roster.invite(G, "meuse", Role.TITULAIRE, COORD)).token for _ in range(20)}
    assert len(tokens) == 20


async def test_valid_one_second_before_expiry(roster: Roster, clock: FakeClock) -> None:
    invitation = await roster.invite(G, "meuse", Role.TITULAIRE, COORD)
    clock.advance(INVITATION_LIFETIME - timedelta(seconds=1))
    seat = await roster.accept(invitation.token, "tg:1", "Un")
    assert seat == Seat(G, "meuse", "tg:1", Role.TITULAIRE)
    assert await roster.seats_of("tg:1") == [seat]


async def test_refused_at_the_instant_of_expiry(roster: Roster, clock: FakeClock) -> None:
    invitation = await roster.invite(G, "meuse", Role.TITULAIRE, COORD)
    clock.advance(INVITATION_LIFETIME)
    with pytest.raises(InvitationExpired) as refused:
        await roster.accept(invitation.token, "tg:1", "Un")
    assert refused.value.code == "invitation_expired"
    assert await roster.seats_of("tg:1") == []
    assert await roster.person("tg:1") is None
    # An expired link is not spent: it stays unused on disk.
    assert await count(roster, "SELECT count(*) FROM invitations WHERE used_at_utc IS NULL") == 1


async def test_an_invitation_serves_once(roster: Roster) -> None:
    invitation = await roster.invite(G, "meuse", Role.TITULAIRE, COORD)
    first = await roster.accept(invitation.token, "tg:1", "Un", "fr")

    with pytest.raises(InvitationUsed) as refused:
        await roster.accept(invitation.token, "tg:2", "Deux")
    assert refused.value.code == "invitation_used"
    # Its own holder opening the link again is told the seat is theirs, and nothing changes.
    assert await roster.accept(invitation.token, "tg:1", "Un") == first

    assert await roster.seats_of("tg:2") == []
    assert await roster.person("tg:2") is None
    assert await roster.representatives_of(G, "meuse") == [first]
    assert await count(roster, "SELECT count(*) FROM representatives") == 1
    cursor = await roster.database.connection.execute("SELECT used_by FROM invitations")
    assert [row[0] for row in await cursor.fetchall()] == ["tg:1"]


async def test_a_replaced_holder_cannot_reuse_its_old_link(roster: Roster) -> None:
    old = await roster.invite(G, "meuse", Role.TITULAIRE, COORD)
    await roster.accept(old.token, "tg:1", "Un")
    new = await roster.invite(G, "meuse", Role.TITULAIRE, COORD)
    await roster.accept(new.token, "tg:2", "Deux")
    with pytest.raises(InvitationUsed):
        await roster.accept(old.token, "tg:1", "Un")
    assert [seat.person_id for seat in await roster.representatives_of(G, "meuse")] == ["tg:2"]


async def test_an_unknown_token(roster: Roster) -> None:
    with pytest.raises(InvitationUnknown) as refused:
        await roster.accept("no-such-token", "tg:1", "Un")
    assert isinstance(refused.value, RosterError)
    assert await roster.person("tg:1") is None


# --- seats --------------------------------------------------------------------------


async def seat_for(roster: Roster, member: str, role: Role, person: str) -> Seat:
    invitation = await roster.invite(G, member, role, COORD)
    return await roster.accept(invitation.token, person, person.upper())


async def test_a_new_titular_replaces_the_old_one(roster: Roster, clock: FakeClock) -> None:
    old = await seat_for(roster, "meuse", Role.TITULAIRE, "tg:1")
    substitute = await seat_for(roster, "meuse", Role.SUPPLEANT, "tg:2")
    clock.advance(timedelta(days=30))

    new = await seat_for(roster, "meuse", Role.TITULAIRE, "tg:3")

    assert await roster.seats_of("tg:1") == []
    assert await roster.seats_of("tg:3") == [new]
    # The substitute is a different seat and stays.
    assert await roster.representatives_of(G, "meuse") == [new, substitute]
    assert old != new
    # History is kept: the old mandate is ended, not deleted.
    assert await count(roster, "SELECT count(*) FROM representatives") == 3
    cursor = await roster.database.connection.execute(
        "SELECT ended_at_utc FROM representatives WHERE person_id = 'tg:1'"
    )
    row = await cursor.fetchone()
    assert row is not None
    assert row[0] == (NOW + timedelta(days=30)).isoformat(timespec="seconds")


async def test_accepting_a_second_link_for_the_same_seat_keeps_one_seat(roster: Roster) -> None:
    await seat_for(roster, "meuse", Role.TITULAIRE, "tg:1")
    await seat_for(roster, "meuse", Role.TITULAIRE, "tg:1")
    assert await roster.seats_of("tg:1") == [Seat(G, "meuse", "tg:1", Role.TITULAIRE)]


async def test_seats_of_a_groupement(roster: Roster) -> None:
    meuse = await seat_for(roster, "meuse", Role.TITULAIRE, "tg:1")
    vosges = await seat_for(roster, "vosges", Role.TITULAIRE, "tg:3")
    vosges_sub = await seat_for(roster, "vosges", Role.SUPPLEANT, "tg:2")
    # One person may represent a member in several groupements.
    other = await roster.invite("liaisons-internet", "meuse", Role.TITULAIRE, COORD)
    elsewhere = await roster.accept(other.token, "tg:1", "Ailleurs")

    assert await roster.seats(G) == [meuse, vosges, vosges_sub]
    assert await roster.seats_of("tg:1") == [meuse, elsewhere]


async def test_one_person_does_not_represent_two_members_of_a_groupement(
    roster: Roster,
) -> None:
    await seat_for(roster, "meuse", Role.TITULAIRE, "tg:1")
    invitation = await roster.invite(G, "vosges", Role.SUPPLEANT, COORD)
    with pytest.raises(SeatConflict) as refused:
        await roster.accept(invitation.token, "tg:1", "Un")
    assert refused.value.member_id == "meuse"
    assert await roster.representatives_of(G, "vosges") == []
    # The link was not spent on the refusal.
    assert (await roster.accept(invitation.token, "tg:2", "Deux")).person_id == "tg:2"


async def test_the_roster_survives_a_restart(
    roster: Roster, database_path: Path | str, clock: FakeClock
) -> None:
    seat = await seat_for(roster, "meuse", Role.TITULAIRE, "tg:1")
    await roster.add_coordinator(G, COORD, "Claire", added_by="tests")
    await roster.set_language("tg:1", "TG:1", "en")
    pending = await roster.invite(G, "vosges", Role.SUPPLEANT, COORD)
    await roster.database.close()

    reopened = Roster(await Database.open(database_path, clock))
    try:
        await reopened.migrate()
        assert await reopened.seats_of("tg:1") == [seat]
        assert await reopened.coordinated_groupements(COORD) == [G]
        person = await reopened.person("tg:1")
        assert person is not None
        assert person.language == "en"
        assert (await reopened.accept(pending.token, "tg:2", "Deux")).role is Role.SUPPLEANT
    finally:
        await reopened.database.close()


# --- coordinators -------------------------------------------------------------------


async def test_adding_a_coordinator_twice(roster: Roster) -> None:
    assert await roster.add_coordinator(G, COORD, "Claire Test", added_by="cli") is True
    assert await roster.add_coordinator(G, COORD, "Claire Test", added_by="cli") is False
    assert await roster.add_coordinator("liaisons-internet", COORD, "Claire", None) is True

    assert await roster.coordinated_groupements(COORD) == ["ent-grand-est", "liaisons-internet"]
    assert await roster.coordinated_groupements("tg:2") == []
    assert await roster.coordinators() == [(G, COORD), ("liaisons-internet", COORD)]
    # The latest name is the one remembered.
    assert await roster.person(COORD) == Person(COORD, "Claire", None, None)


# --- languages ----------------------------------------------------------------------


async def test_language_setting_and_client_language(roster: Roster) -> None:
    assert await roster.person("tg:1") is None
    await roster.remember("tg:1", "Jane", "en")
    assert await roster.person("tg:1") == Person("tg:1", "Jane", None, "en")

    await roster.set_language("tg:1", "Jane Doe", "fr")
    assert await roster.person("tg:1") == Person("tg:1", "Jane Doe", "fr", "en")

    # Seen again without a language code: what was known is kept.
    await roster.remember("tg:1", "Jane Doe")
    assert await roster.person("tg:1") == Person("tg:1", "Jane Doe", "fr", "en")

    # A new app language does not override the person's own choice.
    await roster.remember("tg:1", "Jane Doe", "de")
    assert await roster.person("tg:1") == Person("tg:1", "Jane Doe", "fr", "de")


async def test_set_language_for_someone_never_seen(roster: Roster) -> None:
    await roster.set_language("tg:5", "Nouveau", "en")
    assert await roster.person("tg:5") == Person("tg:5", "Nouveau", "en", None)


async def test_accepting_records_the_app_language(roster: Roster) -> None:
    invitation = await roster.invite(G, "meuse", Role.TITULAIRE, COORD)
    await roster.accept(invitation.token, "tg:1", "Jane", "en-GB")
    assert await roster.person("tg:1") == Person("tg:1", "Jane", None, "en-GB")


# --- standing proxies ---------------------------------------------------------------


def proxy(giver: str, holder: str, instance: str = "cogouv") -> StandingProxy:
    return StandingProxy(G, instance, giver, holder)


async def give(roster: Roster, giver: str, holder: str, limit: int = 1) -> None:
    await roster.give_proxy(proxy(giver, holder), f"tg:{giver}", MEMBERS, limit)


async def test_give_and_revoke_a_proxy(roster: Roster) -> None:
    await give(roster, "meuse", "vosges")
    assert await roster.standing_proxies(G, "cogouv") == {"meuse": "vosges"}
    # Another instance of the same groupement is not affected.
    assert await roster.standing_proxies(G, "ag") == {}

    assert await roster.revoke_proxy(G, "cogouv", "meuse") is True
    assert await roster.standing_proxies(G, "cogouv") == {}
    assert await roster.revoke_proxy(G, "cogouv", "meuse") is False

    # Revoked, it can be given again.
    await give(roster, "meuse", "cea")
    assert await roster.standing_proxies(G, "cogouv") == {"meuse": "cea"}


async def test_revoking_when_none_was_given(roster: Roster) -> None:
    assert await roster.revoke_proxy(G, "cogouv", "meuse") is False
    await give(roster, "meuse", "vosges")
    assert await roster.revoke_proxy(G, "ag", "meuse") is False
    assert await roster.revoke_proxy(G, "cogouv", "vosges") is False
    assert await roster.standing_proxies(G, "cogouv") == {"meuse": "vosges"}


async def test_giving_again_replaces_the_previous_proxy(roster: Roster) -> None:
    await give(roster, "meuse", "vosges")
    await give(roster, "meuse", "cea")
    assert await roster.standing_proxies(G, "cogouv") == {"meuse": "cea"}
    # The old holder is free again to receive another.
    await give(roster, "moselle", "vosges")
    assert await roster.standing_proxies(G, "cogouv") == {"meuse": "cea", "moselle": "vosges"}
    assert await count(roster, "SELECT count(*) FROM standing_proxies") == 3
    assert (
        await count(roster, "SELECT count(*) FROM standing_proxies WHERE revoked_at_utc IS NULL")
        == 2
    )


async def test_the_limit_per_holder_is_configurable(roster: Roster) -> None:
    await give(roster, "meuse", "region-grand-est", limit=2)
    await give(roster, "vosges", "region-grand-est", limit=2)
    with pytest.raises(ProxyRefused) as refused:
        await give(roster, "moselle", "region-grand-est", limit=2)
    assert refused.value.problem is ProxyProblem.HOLDER_AT_LIMIT
    assert await roster.standing_proxies(G, "cogouv") == {
        "meuse": "region-grand-est",
        "vosges": "region-grand-est",
    }


@pytest.mark.parametrize(
    ("existing", "giver", "holder", "problem"),
    [
        # The giver's own proxy in force (meuse -> region) must survive a refused change.
        ([("cea", "moselle")], "haut-rhin", "meuse", ProxyProblem.GIVER_NOT_VOTING),
        ([("meuse", "region-grand-est")], "meuse", "bas-rhin", ProxyProblem.HOLDER_NOT_VOTING),
        ([("meuse", "region-grand-est")], "meuse", "meuse", ProxyProblem.TO_ITSELF),
        (
            [("meuse", "region-grand-est"), ("vosges", "cea")],
            "meuse",
            "vosges",
            ProxyProblem.HOLDER_GAVE_ITS_OWN,
        ),
        ([("vosges", "meuse")], "meuse", "cea", ProxyProblem.GIVER_HOLDS_ONE),
        (
            [("meuse", "region-grand-est"), ("vosges", "cea")],
            "meuse",
            "cea",
            ProxyProblem.HOLDER_AT_LIMIT,
        ),
    ],
)
async def test_a_refused_proxy_writes_nothing(
    roster: Roster,
    existing: list[tuple[str, str]],
    giver: str,
    holder: str,
    problem: ProxyProblem,
) -> None:
    for earlier_giver, earlier_holder in existing:
        await give(roster, earlier_giver, earlier_holder)
    before = await roster.standing_proxies(G, "cogouv")
    rows = await count(roster, "SELECT count(*) FROM standing_proxies")

    with pytest.raises(ProxyRefused) as refused:
        await give(roster, giver, holder)

    assert refused.value.problem is problem
    assert refused.value.code == f"proxy.{problem.value}"
    assert await roster.standing_proxies(G, "cogouv") == before
    assert await count(roster, "SELECT count(*) FROM standing_proxies") == rows
    assert (
        await count(
            roster, "SELECT count(*) FROM standing_proxies WHERE revoked_at_utc IS NOT NULL"
        )
        == 0
    )


@pytest.mark.parametrize(
    ("giver", "holder", "others", "limit", "expected"),
    [
        ("x", "meuse", {}, 1, ProxyProblem.GIVER_NOT_VOTING),
        ("x", "x", {}, 1, ProxyProblem.GIVER_NOT_VOTING),
        ("meuse", "x", {}, 1, ProxyProblem.HOLDER_NOT_VOTING),
        ("meuse", "meuse", {}, 1, ProxyProblem.TO_ITSELF),
        ("meuse", "vosges", {"vosges": "cea"}, 1, ProxyProblem.HOLDER_GAVE_ITS_OWN),
        ("meuse", "cea", {"vosges": "meuse"}, 1, ProxyProblem.GIVER_HOLDS_ONE),
        ("meuse", "cea", {"vosges": "cea"}, 1, ProxyProblem.HOLDER_AT_LIMIT),
        ("meuse", "cea", {"vosges": "cea"}, 2, None),
        ("meuse", "cea", {"vosges": "cea", "moselle": "cea"}, 2, ProxyProblem.HOLDER_AT_LIMIT),
        ("meuse", "cea", {}, 1, None),
        ("meuse", "cea", {"vosges": "moselle"}, 1, None),
        ("meuse", "cea", {}, 0, ProxyProblem.HOLDER_AT_LIMIT),
    ],
)
def test_proxy_problem(
    giver: str,
    holder: str,
    others: dict[str, str],
    limit: int,
    expected: ProxyProblem | None,
) -> None:
    assert proxy_problem(giver, holder, others, MEMBERS, limit) is expected
