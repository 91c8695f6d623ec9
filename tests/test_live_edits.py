"""The coalescer of live messages' edits, below any transport: one pending edit per chat, sent
at the chat's pace with the text of the moment it leaves, and never lost to a failure.

Time is a :class:`~tests.clock.FakeClock` read by a :class:`ManualScheduler`: nothing sleeps.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from meetings.live_edits import (
    ATTEMPTS,
    GROUP_EDIT_INTERVAL,
    LiveEdits,
    ManualScheduler,
)
from meetings.notifier import Message, Posted
from tests.clock import FakeClock
from tests.conftest import NOW

GROUP = Posted(-100, 7)
OTHER_GROUP = Posted(-200, 3)


@dataclass
class Transport:
    """Records each edit (when, what) and fails the ones it is told to."""

    clock: FakeClock
    edits: list[tuple[float, Posted, str]] = field(default_factory=list)
    failing: int = 0

    async def edit(self, posted: Posted, message: Message) -> bool:
        self.edits.append((self.clock().timestamp(), posted, message.text))
        if self.failing:
            self.failing -= 1
            return False
        return True

    def texts(self, posted: Posted = GROUP) -> list[str]:
        return [text for _at, where, text in self.edits if where == posted]


@dataclass
class Figures:
    """What the live message shows: the votes counted when it is rendered."""

    votes: int = 0

    async def render(self) -> Message:
        return Message(f"{self.votes} votes")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def transport(clock: FakeClock) -> Transport:
    return Transport(clock)


@pytest.fixture
def live(clock: FakeClock, transport: Transport) -> LiveEdits:
    return LiveEdits(transport.edit, ManualScheduler(clock))


async def later(clock: FakeClock, live: LiveEdits, seconds: float) -> None:
    clock.advance(timedelta(seconds=seconds))
    await live.settle()


async def test_a_burst_waits_as_one_edit_that_carries_the_latest_figures(
    clock: FakeClock, transport: Transport, live: LiveEdits
) -> None:
    figures = Figures()
    for _vote in range(40):
        figures.votes += 1
        live.stale(GROUP, figures.render)
        await live.settle()
    # The first vote found the group idle; the 39 others wait as one edit.
    assert transport.texts() == ["1 votes"]
    assert live.pending == 1
    await later(clock, live, GROUP_EDIT_INTERVAL - 0.5)
    assert transport.texts() == ["1 votes"]
    await later(clock, live, 0.5)
    assert transport.texts() == ["1 votes", "40 votes"]
    assert live.pending == 0


async def test_a_vote_while_an_edit_is_on_its_way_gets_an_edit_of_its_own(
    clock: FakeClock, transport: Transport, live: LiveEdits
) -> None:
    figures = Figures(votes=1)
    released = asyncio.Event()

    async def slow_render() -> Message:
        await released.wait()
        return await figures.render()

    live.stale(GROUP, slow_render)
    await asyncio.sleep(0)  # the edit starts, and waits for its figures
    figures.votes = 2
    live.stale(GROUP, figures.render)
    released.set()
    await live.settle()
    await later(clock, live, GROUP_EDIT_INTERVAL)
    assert transport.texts() == ["2 votes", "2 votes"]


async def test_a_group_gets_at_most_twenty_edits_a_minute(
    clock: FakeClock, transport: Transport, live: LiveEdits
) -> None:
    figures = Figures()
    for _second in range(120):
        figures.votes += 1
        live.stale(GROUP, figures.render)
        await later(clock, live, 1)
    moments = [at for at, _posted, _text in transport.edits]
    for start in moments:
        assert len([m for m in moments if start <= m < start + 60]) <= 20
    assert len(moments) >= 39
    await later(clock, live, GROUP_EDIT_INTERVAL)
    assert transport.texts()[-1] == "120 votes"


async def test_each_group_has_its_own_pace(
    clock: FakeClock, transport: Transport, live: LiveEdits
) -> None:
    first, second = Figures(votes=1), Figures(votes=5)
    live.stale(GROUP, first.render)
    live.stale(OTHER_GROUP, second.render)
    await live.settle()
    assert transport.texts(GROUP) == ["1 votes"] and transport.texts(OTHER_GROUP) == ["5 votes"]


async def test_a_failed_edit_is_tried_again_with_the_figures_of_that_moment(
    clock: FakeClock, transport: Transport, live: LiveEdits
) -> None:
    figures = Figures(votes=1)
    transport.failing = 2
    live.stale(GROUP, figures.render)
    await live.settle()
    figures.votes = 3  # votes go on while the group refuses
    await later(clock, live, GROUP_EDIT_INTERVAL)
    assert transport.texts() == ["1 votes"]  # a failure waits longer than the pace
    await later(clock, live, GROUP_EDIT_INTERVAL)
    assert transport.texts() == ["1 votes", "3 votes"]
    figures.votes = 4
    await later(clock, live, 4 * GROUP_EDIT_INTERVAL)
    assert transport.texts() == ["1 votes", "3 votes", "4 votes"]
    assert live.pending == 0


async def test_a_render_that_raises_is_a_failed_edit(
    clock: FakeClock, transport: Transport, live: LiveEdits
) -> None:
    figures = Figures(votes=2)
    broken = True

    async def render() -> Message:
        if broken:
            raise OSError("database is locked")
        return await figures.render()

    live.stale(GROUP, render)
    await live.settle()
    broken = False
    await later(clock, live, 2 * GROUP_EDIT_INTERVAL)
    assert transport.texts() == ["2 votes"]


async def test_a_message_that_keeps_failing_is_left_until_it_changes_again(
    clock: FakeClock, transport: Transport, live: LiveEdits
) -> None:
    figures = Figures(votes=1)
    transport.failing = 1000
    live.stale(GROUP, figures.render)
    for _minute in range(30):
        await later(clock, live, 60)
    assert len(transport.edits) == ATTEMPTS
    assert live.pending == 0
    transport.failing = 0
    figures.votes = 2
    live.stale(GROUP, figures.render)
    await later(clock, live, 60)
    assert transport.texts()[-1] == "2 votes"


async def test_a_stop_drops_what_waits(
    clock: FakeClock, transport: Transport, live: LiveEdits
) -> None:
    figures = Figures(votes=1)
    live.stale(GROUP, figures.render)
    live.stale(GROUP, figures.render)
    await live.stop()
    assert live.pending == 0
    await later(clock, live, 60)
    assert transport.texts() in ([], ["1 votes"])
