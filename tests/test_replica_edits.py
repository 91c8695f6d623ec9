"""Two replicas on one database edit one group's participation message: whichever has the
latest figures edits it, and older figures never replace newer ones.

Each replica is a :class:`Services` of its own on the same database, with its own
:class:`~meetings.live_edits.LiveEdits`. What the group sees is the text of the last edit that
reached Telegram; the tests hold a replica's edit (or its render) and release it when they
choose, to force the interleavings that two processes can produce. Time is the shared fake
clock: nothing sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from config.models import Governance
from meetings.delivery.ballots import participation_render, refresh_participation
from meetings.live_edits import (
    GROUP_EDIT_INTERVAL,
    SENDING_LEASE,
    ManualScheduler,
    Render,
    Versioned,
)
from meetings.notifier import Message, Posted
from meetings.services import Services
from meetings.wording.typography import plain
from tests.acting import GROUPEMENT, RecordingNotifier
from tests.clock import FakeClock
from tests.conftest import GROUP_CHAT
from tests.steps import ballot_opened, vote
from voting.ballot import Ballot

QUESTION = "Adopter le budget 2027"


@dataclass
class Screen:
    """What the group sees: every edit in the order it reached Telegram; the last one shows."""

    landed: list[str] = field(default_factory=list)

    @property
    def shown(self) -> str | None:
        return self.landed[-1] if self.landed else None


@dataclass
class HeldNotifier(RecordingNotifier):
    """A replica's transport: its edits reach the shared screen, or wait while held."""

    screen: Screen = field(default_factory=Screen)
    released: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.released.set()

    def hold(self) -> None:
        self.released.clear()
        self.arrived.clear()

    async def edit(self, posted: Posted, message: Message) -> bool:
        self.arrived.set()
        await self.released.wait()
        self.screen.landed.append(plain(message.text))
        return await super().edit(posted, message)


@dataclass
class Replicas:
    a: Services
    b: Services
    screen: Screen

    def transport(self, replica: Services) -> HeldNotifier:
        assert isinstance(replica.notifier, HeldNotifier)
        return replica.notifier


def replica(services: Services, clock: FakeClock, screen: Screen) -> Services:
    services.connect(HeldNotifier(screen=screen))
    services.live.scheduler = ManualScheduler(clock)
    services.papers.scheduler = ManualScheduler(clock)
    return services


@pytest.fixture
async def replicas(
    services: Services,
    database: Path | str,
    tmp_path: Path,
    clock: FakeClock,
    governance: Governance,
) -> AsyncIterator[Replicas]:
    screen = Screen()
    other = await Services.open(governance, database, clock, documents=tmp_path / "documents")
    pair = Replicas(replica(services, clock, screen), replica(other, clock, screen), screen)
    try:
        yield pair
    finally:
        for side in (pair.a, pair.b):
            pair.transport(side).released.set()
            await side.live.stop()
        await other.close()


async def opened_with_group(replicas: Replicas) -> tuple[Ballot, Posted]:
    """A consultation opened on replica A, its participation posted to the bound group."""
    await replicas.a.chats.bind(GROUP_CHAT, GROUPEMENT, None, "Groupe", "tests")
    ballot = (await ballot_opened(replicas.a, QUESTION)).ballot
    (post,) = await replicas.a.chats.posts(ballot.id, "participation")
    return ballot, Posted(post.chat_id, post.message_id)


async def voted(side: Services, ballot: Ballot, member: str) -> None:
    """A vote handled by ``side``: recorded, then the group's message marked stale there."""
    await vote(side, ballot, member, "for")
    await refresh_participation(side, ballot)


async def newest(replicas: Replicas, ballot: Ballot) -> str:
    rendered = await participation_render(replicas.b, ballot)()
    assert isinstance(rendered, Versioned)
    return plain(rendered.message.text)


def members(ballot: Ballot) -> tuple[str, ...]:
    assert ballot.electorate is not None
    return ballot.electorate.members


async def test_older_figures_rendered_first_never_replace_newer_ones(
    replicas: Replicas,
) -> None:
    ballot, posted = await opened_with_group(replicas)
    first, second = members(ballot)[:2]
    await vote(replicas.a, ballot, first, "for")
    rendered, go_on = asyncio.Event(), asyncio.Event()
    render = participation_render(replicas.a, ballot)

    async def slow_render() -> Message | Versioned | None:
        figures = await render()  # one vote
        rendered.set()
        await go_on.wait()
        return figures

    held: Render = slow_render
    replicas.a.live.stale(posted, held)
    await rendered.wait()
    await voted(replicas.b, ballot, second)
    await replicas.b.live.settle()
    assert replicas.screen.shown == await newest(replicas, ballot)
    go_on.set()
    await replicas.a.live.settle()
    assert replicas.screen.landed == [await newest(replicas, ballot)]
    assert "2/" in replicas.screen.landed[-1]


async def test_a_replica_that_finds_the_message_being_edited_sends_the_newest_figures_after(
    replicas: Replicas, clock: FakeClock
) -> None:
    ballot, _posted = await opened_with_group(replicas)
    first, second = members(ballot)[:2]
    replicas.transport(replicas.a).hold()
    await voted(replicas.a, ballot, first)
    await replicas.transport(replicas.a).arrived.wait()  # A's edit (one vote) is on its way
    await voted(replicas.b, ballot, second)
    await replicas.b.live.settle()
    assert replicas.screen.landed == []  # B waits for A's edit instead of racing it
    replicas.transport(replicas.a).released.set()
    await replicas.a.live.settle()
    clock.advance(timedelta(seconds=GROUP_EDIT_INTERVAL))
    await replicas.b.live.settle()
    assert len(replicas.screen.landed) == 2
    assert replicas.screen.shown == await newest(replicas, ballot)
    assert "2/" in replicas.screen.landed[-1]


async def test_a_replica_killed_while_editing_blocks_the_message_only_until_its_lease_ends(
    replicas: Replicas, clock: FakeClock
) -> None:
    ballot, _posted = await opened_with_group(replicas)
    first, second = members(ballot)[:2]
    replicas.transport(replicas.a).hold()
    await voted(replicas.a, ballot, first)
    await replicas.transport(replicas.a).arrived.wait()
    await replicas.a.live.stop()  # killed with its claim on the message
    await voted(replicas.b, ballot, second)
    waited = 0.0
    while not replicas.screen.landed and waited <= 2 * SENDING_LEASE.total_seconds():
        clock.advance(timedelta(seconds=1))
        waited += 1
        await replicas.b.live.settle()
    assert replicas.screen.landed == [await newest(replicas, ballot)]
    assert "2/" in replicas.screen.landed[-1]
    assert waited >= SENDING_LEASE.total_seconds()


async def test_an_edit_with_figures_already_shown_is_not_sent_again(
    replicas: Replicas, clock: FakeClock
) -> None:
    ballot, posted = await opened_with_group(replicas)
    await voted(replicas.a, ballot, members(ballot)[0])
    await replicas.a.live.settle()
    replicas.b.live.stale(posted, participation_render(replicas.b, ballot))
    await replicas.b.live.settle()
    assert len(replicas.screen.landed) == 1


async def test_the_message_as_posted_needs_no_edit_until_the_figures_move(
    replicas: Replicas,
) -> None:
    ballot, _posted = await opened_with_group(replicas)
    await refresh_participation(replicas.b, ballot)  # a restart of B, say: nobody voted yet
    await replicas.b.live.settle()
    assert replicas.screen.landed == []
    await voted(replicas.b, ballot, members(ballot)[0])
    await replicas.b.live.settle()
    assert replicas.screen.landed == [await newest(replicas, ballot)]


async def test_an_edit_slower_than_its_lease_is_followed_by_the_newest_figures(
    replicas: Replicas, clock: FakeClock
) -> None:
    ballot, _posted = await opened_with_group(replicas)
    first, second = members(ballot)[:2]
    replicas.transport(replicas.a).hold()
    await voted(replicas.a, ballot, first)
    await replicas.transport(replicas.a).arrived.wait()
    clock.advance(SENDING_LEASE)  # A's edit hangs on the network past its claim
    await voted(replicas.b, ballot, second)
    await replicas.b.live.settle()
    replicas.transport(replicas.a).released.set()  # ...and lands after B's newer one
    await replicas.a.live.settle()
    assert "1/" in (replicas.screen.shown or "")
    clock.advance(timedelta(seconds=GROUP_EDIT_INTERVAL))
    await replicas.a.live.settle()
    await replicas.b.live.settle()
    assert replicas.screen.shown == await newest(replicas, ballot)
    assert "2/" in replicas.screen.landed[-1]
