"""The Application that handles each Telegram update once, from the inbox, and stops promptly.

PTB tells Telegram that updates arrived (the next ``getUpdates`` offset, or the webhook's 200)
as soon as ``update_queue.put`` returns. :class:`InboxQueue` commits the update to the
:class:`~bot.inbox.Inbox` inside ``put``, so a crash can no longer lose what Telegram was told
it delivered: :meth:`ScrutinApplication.resume` queues what the inbox still holds at the
next start. :meth:`ScrutinApplication.process_update`, the path of both ``scrutin run`` and
the offline harness, skips an update already handled and names the one it handles, so that
its mark is written with its change. The forms people are filling in are kept in the same
database (:mod:`bot.form_store`), opened with the inbox.

Updates are handled concurrently, each person's in order (:mod:`bot.ordering`). At a stop,
what is queued or waiting for its turn is not started (it waits in the inbox for the next
start), and what is in flight gets a few seconds to finish, then is abandoned: its
transaction rolls back, so it too waits in the inbox. Without this, PTB would handle every
queued update before stopping, each one possibly waiting minutes for a group's flood limit.

Behind one webhook, several replicas share the inbox. Each holds what it admitted, renewing
its lease while the update is queued or in flight, and adopts, now and then
(:meth:`ScrutinApplication.adopt_orphans`), what a replica that died left waiting.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.context import FORMS_KEY, SERVICES_KEY
from bot.form_store import FormStore
from bot.inbox import LEASE, Handling, Inbox, Waiting, handling
from meetings.services import Services

log = logging.getLogger(__name__)

# How long a stop lets the update in flight finish before abandoning it.
STOP_GRACE_SECONDS = 3.0
# How often a running bot forgets the marks older than the inbox's retention window, and the
# forms left unfinished longer than theirs.
FORGET_EVERY_SECONDS = 3600.0


class InboxQueue(asyncio.Queue[object]):
    """The update queue: an update is in the database before ``put`` returns."""

    def __init__(self) -> None:
        super().__init__()
        self.inbox: Inbox | None = None
        self.forms: FormStore | None = None
        self.held: set[int] = set()
        """The updates this process admitted or adopted and has not finished with."""
        self._forgotten_at = time.monotonic()

    async def put(self, item: object) -> None:
        fresh = (
            await self.inbox.admit(item.update_id, json.dumps(item.to_dict()))
            if isinstance(item, Update) and self.inbox is not None
            else True
        )
        if not fresh:
            log.info("an update fetched again is already in the inbox: not queued twice")
            return
        if isinstance(item, Update):
            self.held.add(item.update_id)
        await super().put(item)
        if self.inbox is not None and time.monotonic() - self._forgotten_at > FORGET_EVERY_SECONDS:
            self._forgotten_at = time.monotonic()
            await self.inbox.forget_old()
            if self.forms is not None:
                await self.forms.forget_old()

    def hand_back(self) -> int:
        """Empty the queue without handling it: what was queued stays in the inbox."""
        count = 0
        while not self.empty():
            self.get_nowait()
            self.task_done()
            count += 1
        self.held.clear()
        return count


class ScrutinApplication(Application[Any, Any, Any, Any, Any, Any]):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._inbox: Inbox | None = None
        self._forms: FormStore | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self._stopping = False
        self.inbox_lease = LEASE
        """How long an update admitted here stays with this process without a renewal."""

    async def inbox(self) -> Inbox | None:
        """The inbox in the services' database (None before services are attached); the form
        store opens with it, in the same database."""
        services = self.bot_data.get(SERVICES_KEY)
        if not isinstance(services, Services):
            return None
        if self._inbox is None or self._inbox.database is not services.database:
            inbox = Inbox(services.database, self.inbox_lease)
            await inbox.migrate()
            forms = FormStore(services.database)
            await forms.migrate()
            self._inbox, self._forms = inbox, forms
            self.bot_data[FORMS_KEY] = forms
            if isinstance(self.update_queue, InboxQueue):
                self.update_queue.inbox = inbox
                self.update_queue.forms = forms
        return self._inbox

    async def resume(self, alone: bool = True) -> int:
        """At start: forget old marks and forms, and queue what the inbox still holds,
        oldest first. ``alone``: no other process fetches updates (long polling), so all of
        it is ours; else only what no live replica holds."""
        inbox = await self._attached_inbox()
        await inbox.forget_old()
        if self._forms is None:
            raise RuntimeError("the services must be attached before the inbox is resumed")
        await self._forms.forget_old()
        waiting = self._queue(await inbox.adopt(every_waiting=alone))
        if waiting:
            log.info("%d update(s) left in the inbox are handled first", waiting)
        return waiting

    async def adopt_orphans(self) -> int:
        """Renew the lease of what this process holds, and queue what a replica that died
        left waiting in the inbox; how many were adopted."""
        inbox = await self._attached_inbox()
        if isinstance(self.update_queue, InboxQueue) and self.update_queue.held:
            await inbox.renew(self.update_queue.held)
        adopted = self._queue(await inbox.adopt())
        if adopted:
            log.info("adopted %d update(s) left waiting by another replica", adopted)
        return adopted

    async def _attached_inbox(self) -> Inbox:
        inbox = await self.inbox()
        if inbox is None:
            raise RuntimeError("the services must be attached before the inbox is read")
        return inbox

    def _queue(self, waiting: list[Waiting]) -> int:
        for item in waiting:
            # Straight into the queue: these are in the inbox already.
            if isinstance(self.update_queue, InboxQueue):
                self.update_queue.held.add(item.update_id)
            self.update_queue.put_nowait(Update.de_json(json.loads(item.payload), self.bot))
        return len(waiting)

    def _release(self, update: Update) -> None:
        if isinstance(self.update_queue, InboxQueue):
            self.update_queue.held.discard(update.update_id)

    async def start(self) -> None:
        self._stopping = False
        await super().start()

    async def process_update(self, update: object) -> None:
        if self._stopping:
            # Its turn came after the stop began (updates are handled concurrently): it waits
            # in the inbox for the next start, as a queued one does.
            log.info(
                "not started, the bot is stopping: update %s", getattr(update, "update_id", "?")
            )
            return
        inbox = await self.inbox() if isinstance(update, Update) else None
        if inbox is None or not isinstance(update, Update):
            await super().process_update(update)
            return
        if await inbox.is_handled(update.update_id):
            log.info("ignored update %s: it was already handled", update.update_id)
            self._release(update)
            return
        with handling(update.update_id) as current:
            # A task of its own, that a stop can abandon; it inherits the update's name.
            task = asyncio.create_task(self._handle(update, inbox, current))
        self._in_flight.add(task)
        try:
            await asyncio.wait({task})
        except asyncio.CancelledError:
            task.cancel()
            raise
        finally:
            self._in_flight.discard(task)
            self._release(update)
        if not task.cancelled():
            task.result()
        elif current.recorded:
            log.warning("abandoned update %s at stop, after its change was saved", update.update_id)
        else:
            log.warning("abandoned update %s at stop: it waits in the inbox", update.update_id)

    async def _handle(self, update: Update, inbox: Inbox, current: Handling) -> None:
        await super().process_update(update)
        await inbox.finish(current)

    async def stop(self) -> None:
        self._stopping = True
        if isinstance(self.update_queue, InboxQueue):
            handed_back = self.update_queue.hand_back()
            if handed_back:
                log.info("%d queued update(s) wait in the inbox for the next start", handed_back)
        if self._in_flight:
            _done, late = await asyncio.wait(set(self._in_flight), timeout=STOP_GRACE_SECONDS)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late, timeout=STOP_GRACE_SECONDS)
        services = self.bot_data.get(SERVICES_KEY)
        if isinstance(services, Services):
            # Edits of live messages still waiting for a group's pace: the next start redoes
            # them. A paper still waiting for its edit keeps its old text (its press was
            # answered and the vote is on disk; /vote sends the paper again).
            await services.live.stop()
            await services.papers.stop()
        await super().stop()
