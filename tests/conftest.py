"""Shared fixtures: a controlled clock, the shipped governance, services on a real SQLite file,
and the bot driven offline through ``Application.process_update``."""

from __future__ import annotations

import asyncio
import os
import re
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite.core
import pytest

from bot.harness import OfflineHarness
from config.loader import default_config_dir, load_config_dir
from config.models import Governance
from meetings.services import Services
from tests.acting import RecordingNotifier
from tests.botapi import fake_api, start_bot

__all__ = ["fake_api", "start_bot"]  # fixtures of the tests that run `scrutin run` for real
from tests.clock import FakeClock
from tests.postgres_server import PostgresServer, unique_database_name

GROUPEMENT = "ent-grand-est"
GROUP_CHAT = -1001000000001
COORDINATOR_ID = 1001
# 15 December 2026, 14:00 in Paris.
NOW = datetime(2026, 12, 15, 13, 0, tzinfo=UTC)

MEMBERS = (
    "region-grand-est",
    "cea",
    "moselle",
    "ardennes",
    "aube",
    "marne",
    "haute-marne",
    "meurthe-et-moselle",
    "meuse",
    "vosges",
)


def user(user_id: int, first_name: str, language_code: str = "fr") -> dict[str, Any]:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": first_name,
        "last_name": "Test",
        "language_code": language_code,
    }


COORDINATOR = user(COORDINATOR_ID, "Claire")


def representative(member: str) -> dict[str, Any]:
    """A distinct person for each member: user ids 2001, 2002, ... in MEMBERS order."""
    return user(2001 + MEMBERS.index(member), member.replace("-", " ").title())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture(scope="session")
def governance() -> Governance:
    return load_config_dir(default_config_dir())


ENGINES = tuple(os.environ.get("SCRUTIN_TEST_ENGINES", "sqlite,postgresql").split(","))
"""The engines the storage and handler tests run on: both, unless a developer narrows it."""


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def migrated_template(postgres_server: PostgresServer, governance: Governance) -> str:
    """A database with every store's migrations applied, copied for each test: cheaper
    than migrating each test's database from nothing."""
    name = unique_database_name("template")
    url = postgres_server.create_database(name)

    async def migrate() -> None:
        await (await Services.open(governance, url, documents=Path("unused"))).close()

    asyncio.run(migrate())
    return name


@pytest.fixture
def database(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Path | str]:
    """Where a test's database lives: a SQLite file, or a PostgreSQL database of its own."""
    if engine == "sqlite":
        yield tmp_path / "scrutin.db"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    template: str = request.getfixturevalue("migrated_template")
    name = unique_database_name()
    yield server.create_database(name, template=template)
    server.drop_database(name)


@pytest.fixture
async def services(
    database: Path | str, tmp_path: Path, clock: FakeClock, governance: Governance
) -> AsyncIterator[Services]:
    documents = tmp_path / "scrutin-documents"
    opened = await Services.open(governance, database, clock, documents=documents)
    # Below the adapter, what would be sent is recorded; the harness connects the bot instead.
    opened.connect(RecordingNotifier())
    await opened.roster.add_coordinator(
        GROUPEMENT, f"tg:{COORDINATOR_ID}", "Claire Test", added_by="tests"
    )
    yield opened
    await opened.close()


@pytest.fixture
async def harness(services: Services, clock: FakeClock) -> AsyncIterator[OfflineHarness]:
    async with OfflineHarness(services, clock) as driven:
        yield driven


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server on 127.0.0.1, started on first use and stopped (its files
    removed) at the end of the session."""
    with PostgresServer() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh, empty database of its own for one test, dropped afterwards."""
    name = unique_database_name()
    url = postgres_server.create_database(name)
    yield url
    postgres_server.drop_database(name)


def invitation_token(text: str) -> str:
    match = re.search(r"\?start=([A-Za-z0-9_-]+)", text)
    assert match is not None, f"no deep link in {text!r}"
    return match.group(1)


async def enrol(
    harness: OfflineHarness, member: str, person: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The coordinator invites ``member``'s titulaire, who opens the link; returns the person."""
    person = person or representative(member)
    await harness.say(COORDINATOR, f"/inviter {member}")
    token = invitation_token(harness.last_message_to(COORDINATOR_ID)["text"])
    await harness.say(person, f"/start {token}")
    return person


async def enrol_everyone(harness: OfflineHarness) -> dict[str, dict[str, Any]]:
    return {member: await enrol(harness, member) for member in MEMBERS}


# --- connections left open ------------------------------------------------------------------

_THREAD_CREATORS: dict[str, str] = {}
"""The test during which each thread first appeared, by thread name (names are unique)."""


@pytest.fixture(autouse=True)
def _note_new_threads(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    for thread in threading.enumerate():
        _THREAD_CREATORS.setdefault(thread.name, request.node.nodeid)


def pytest_unconfigure(config: pytest.Config) -> None:
    """A database connection a test left open keeps a worker thread that would hold the
    interpreter at exit forever: name the test, and stop the thread so the run still ends."""
    for thread in threading.enumerate():
        if thread.daemon or thread is threading.main_thread():
            continue
        target = getattr(thread, "_target", None)
        if target is aiosqlite.core._connection_worker_thread:
            creator = _THREAD_CREATORS.get(thread.name, "an unknown test")
            print(f"\nwarning: an aiosqlite connection was left open by {creator}")
            queue = thread._args[0]  # type: ignore[attr-defined]
            queue.put_nowait((None, lambda: aiosqlite.core._STOP_RUNNING_SENTINEL))
