"""What a replica takes over from another, through the real Application: an update admitted by
a replica that died before handling it (adopted once its lease ran out, handled once), and the
deadline of a ballot another replica opened."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.harness import OfflineHarness, button_data
from bot.inbox import LEASE, Inbox
from bot.jobs import close_open_ballots_at_their_deadlines
from meetings.services import Services
from tests.clock import FakeClock
from tests.conftest import enrol
from tests.test_bot_ballots import answers, bind_group, member_name, open_ballot, paper


async def test_a_press_left_by_a_replica_that_died_is_adopted_and_counted_once(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    await bind_group(harness)
    person = await enrol(harness, "aube")
    ballot_id = await open_ballot(harness)
    message = paper(harness, person, member_name(services, "aube"))
    press = harness.press_update(person, message, button_data(message, "Pour"))
    # Another replica admitted the press (Telegram got its 200), then was killed.
    elsewhere = Inbox(services.database)
    assert await elsewhere.admit(press.update_id, json.dumps(press.to_dict()))
    application = harness.application
    # Telegram's retry, landing here, finds it in the inbox: not queued a second time.
    await application.update_queue.put(press)
    assert application.update_queue.empty()
    assert await application.adopt_orphans() == 0  # its lease still runs

    clock.advance(LEASE + timedelta(seconds=1))
    assert await application.adopt_orphans() == 1
    adopted = application.update_queue.get_nowait()
    calls = await harness.together([adopted])

    assert len(answers(calls)) == 1
    votes = await services.ballots.history(ballot_id)
    assert [(vote.member_id, vote.option) for vote in votes] == [("aube", "for")]
    # Handled, it is neither adopted nor handled again.
    clock.advance(LEASE * 3)
    assert await application.adopt_orphans() == 0
    assert answers(await harness.together([press])) == []
    assert len(await services.ballots.history(ballot_id)) == 1


async def test_what_a_replica_holds_is_renewed_and_not_adopted_by_the_others(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    await bind_group(harness)
    person = await enrol(harness, "aube")
    await open_ballot(harness)
    message = paper(harness, person, member_name(services, "aube"))
    press = harness.press_update(person, message, button_data(message, "Pour"))
    application = harness.application
    await application.update_queue.put(press)  # admitted here, queued, not handled yet
    other = Inbox(services.database)
    for _ in range(4):
        clock.advance(LEASE / 2)
        assert await application.adopt_orphans() == 0  # renews what it holds
        assert await other.adopt() == []


async def test_a_replica_closes_at_the_deadline_a_ballot_another_one_opened(
    harness: OfflineHarness, services: Services
) -> None:
    await bind_group(harness)
    await enrol(harness, "aube")
    ballot_id = await open_ballot(harness, deadline="15/12/2026 18:00")
    jobs = harness.application.job_queue
    assert jobs is not None
    name = f"close-ballot-{ballot_id}"
    for job in jobs.get_jobs_by_name(name):
        job.schedule_removal()  # what the opening scheduled lives in the replica that opened it

    assert await close_open_ballots_at_their_deadlines(jobs, services) == 1
    assert len(jobs.get_jobs_by_name(name)) == 1
