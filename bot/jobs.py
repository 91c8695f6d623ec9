"""What runs on the clock: closing ballots at their deadline and sending due reminders.

The database is the source of truth: these jobs only look at what is due, so a restart
rebuilds the schedule by itself, and PTB's JobQueue only decides when to look.
"""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from telegram.ext import JobQueue

from bot.context import ScrutinContext
from bot.updates import ScrutinApplication
from meetings.actions.ballot_close import close_due_ballots
from meetings.delivery.reminders import send_due_reminders
from meetings.services import Services
from voting.ballot import Ballot, BallotState

CLOSING_CHECK_INTERVAL = timedelta(seconds=30)
REMINDER_CHECK_INTERVAL = timedelta(seconds=60)
LEASE_RENEWALS = 4
"""How many times per inbox lease a bot renews what it holds and adopts what is orphaned."""


async def close_due_job(context: ScrutinContext) -> None:
    """Close the ballots whose deadline has passed (also run periodically, for restarts)."""
    await close_due_ballots(context.services)


async def adopt_orphans_job(context: ScrutinContext) -> None:
    """Keep what this replica holds, and adopt what a replica that died left in the inbox."""
    application = context.application
    if isinstance(application, ScrutinApplication):
        await application.adopt_orphans()


async def reminders_job(context: ScrutinContext) -> None:
    await send_due_reminders(context.services)


def close_at_deadline(context: ScrutinContext, ballot: Ballot) -> None:
    """Look again at the very moment of the ballot's deadline, not up to 30 seconds later."""
    # PTB cannot tell from the context's type which context its jobs receive: ours.
    jobs = cast("JobQueue[ScrutinContext] | None", context.job_queue)
    if ballot.draft.deadline is not None and jobs is not None:
        jobs.run_once(close_due_job, when=ballot.draft.deadline, name=f"close-ballot-{ballot.id}")


async def close_open_ballots_at_their_deadlines(
    jobs: JobQueue[ScrutinContext], services: Services
) -> int:
    """At start, what :func:`close_at_deadline` did for the ballots opened elsewhere: by an
    earlier run, or by another replica (each replica closes at the deadline; the ballot is
    closed once). How many deadlines are ahead."""
    ahead = 0
    for ballot in await services.ballots.find(state=BallotState.OPEN):
        deadline = ballot.draft.deadline
        if deadline is not None and deadline > services.clock():
            jobs.run_once(close_due_job, when=deadline, name=f"close-ballot-{ballot.id}")
            ahead += 1
    return ahead
