"""Two ``scrutin run --webhook`` replicas on one PostgreSQL database, behind a round-robin
forwarder, with a Bot API double that plays Telegram: it posts each update with the webhook's
secret, and posts it again after a timeout or an error (Telegram delivers at least once).

A written ballot of an academy's 300 members: each member's representative presses the paper,
some presses come twice (same update) and some are repeated (a new press of the same paper),
the deadline passes in the middle of the burst, a deadline reminder falls due, and one replica
is killed with SIGKILL while the burst goes on. Then: no acknowledged vote lost, none counted
twice, one close and one announcement, no reminder twice, and no vote both counted and refused.
The throughput of one replica against two is measured on the same burst, without the kill.
"""

from __future__ import annotations

import asyncio
import http.client
import itertools
import json
import signal
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bot.harness import OfflineHarness
from meetings.actions.ballot_open import open_ballot
from meetings.buttons import VoteButton
from meetings.reminders import ReminderKind, ballot_subject
from meetings.services import Services
from meetings.wording.typography import plain
from tests.academy import (
    COORDINATOR_USER,
    GROUPEMENT,
    INSTANCE,
    academy_coordinator,
    academy_governance,
    academy_toml,
    member_ids,
    seat_everyone,
    user_of,
)
from tests.acting import RecordingNotifier
from tests.botapi import BOT_USER, Bot, FakeBotApi, child_environment, posix_only, serving_fake_api
from tests.clock import FakeClock
from tests.postgres_server import PostgresServer, unique_database_name

SIZE = 300
SECRET = "replicas_shared-secret-0123456789"
HOOK_PATH = "telegram-hook"
WEBHOOK_URL = f"https://scrutin.example.org/{HOOK_PATH}"
LEASE_SECONDS = 6
GROUP = -1002000000001
QUESTION = "Adopter le budget 2027 de l'ENT école"
RECORDED = "Vote enregistré."
WAIT = 90.0  # seconds at most, for anything the replicas must do (a shared CI machine)
COORDINATOR = {
    "id": COORDINATOR_USER,
    "is_bot": False,
    "first_name": "Claire",
    "last_name": "Test",
    "language_code": "fr",
}


# --- the load balancer ------------------------------------------------------------------------


class Forwarder(ThreadingHTTPServer):
    """Round-robin over the replicas' ports; a replica that refuses the connection is skipped
    (nginx's ``proxy_next_upstream error``); one that dies mid-request gives a 502."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, ports: Sequence[int]) -> None:
        super().__init__(("127.0.0.1", 0), ForwardOne)
        self.ports = list(ports)
        self._turn = itertools.count()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Telegram gave up waiting (it posts again): not the forwarder's failure.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def in_turn(self) -> list[int]:
        start = next(self._turn) % len(self.ports)
        return self.ports[start:] + self.ports[:start]


class ForwardOne(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        forwarder = self.server
        assert isinstance(forwarder, Forwarder)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        status, answer = 502, b""
        for port in forwarder.in_turn():
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                connection.request("POST", self.path, body, headers)
                response = connection.getresponse()
                status, answer = response.status, response.read()
            except ConnectionRefusedError:
                continue
            except (OSError, http.client.HTTPException):
                status, answer = 502, b""
            finally:
                connection.close()
            break
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def forwarding(ports: Sequence[int]) -> Iterator[Forwarder]:
    forwarder = Forwarder(ports)
    thread = threading.Thread(target=forwarder.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield forwarder
    finally:
        forwarder.shutdown()
        forwarder.server_close()
        thread.join(timeout=5)


# --- Telegram, posting updates ----------------------------------------------------------------


def post(port: int, update: dict[str, Any], secret: str | None = SECRET) -> int:
    """One webhook call; its HTTP status, 0 when the connection failed."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("POST", f"/{HOOK_PATH}", json.dumps(update).encode(), headers)
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        connection.close()


def deliver(port: int, update: dict[str, Any]) -> None:
    """As Telegram does: again, after a pause, until the webhook answers 200."""
    give_up = time.monotonic() + WAIT
    while post(port, update) != 200:
        if time.monotonic() > give_up:
            raise AssertionError(f"update {update['update_id']} was never accepted")
        time.sleep(0.2)


def burst(port: int, updates: Sequence[dict[str, Any]], at: Sequence[float]) -> None:
    """Deliver each update at its moment (``time.monotonic()``), 20 connections at most."""

    def one(update: dict[str, Any], moment: float) -> None:
        time.sleep(max(0.0, moment - time.monotonic()))
        deliver(port, update)

    with ThreadPoolExecutor(max_workers=20) as pool:
        for future in [pool.submit(one, u, m) for u, m in zip(updates, at, strict=True)]:
            future.result()


# --- the database, prepared in this process ---------------------------------------------------


@dataclass(frozen=True)
class Opened:
    url: str
    ballot_id: int
    electorate: tuple[str, ...]


def _services(url: str, tmp_path: Path, clock: FakeClock | None = None) -> Any:
    documents = tmp_path / "documents"
    if clock is None:
        return Services.open(academy_governance(SIZE), url, documents=documents)
    return Services.open(academy_governance(SIZE), url, clock, documents=documents)


async def _seat(url: str, tmp_path: Path) -> None:
    """Every member's representative, and a group bound to the assembly."""
    clock = FakeClock(datetime.now(UTC))
    services = await _services(url, tmp_path, clock)
    try:
        await seat_everyone(services, SIZE)
        async with OfflineHarness(services, clock) as harness:
            await harness.say(COORDINATOR, f"/lier {GROUPEMENT} {INSTANCE}", chat_id=GROUP)
    finally:
        await services.close()


async def _open(url: str, tmp_path: Path, deadline: datetime | None) -> Opened:
    """A written ballot; with a deadline, a reminder of it falls due in a second (its
    papers come again with it, to the members that have not voted)."""
    services = await _services(url, tmp_path)
    services.connect(RecordingNotifier())
    try:
        actor = await academy_coordinator(services)
        opened = await open_ballot(
            services, actor, GROUPEMENT, INSTANCE, QUESTION, deadline=deadline
        )
        ballot = opened.ballot
        if deadline is not None:
            due = datetime.now(UTC) + timedelta(seconds=1)
            subject = ballot_subject(ballot.id)
            # A reminder found due less than an hour before its event is dropped as useless:
            # this one says its event is later, so that it is sent.
            event = deadline + timedelta(hours=2)
            await services.reminders.schedule(
                ReminderKind.BALLOT_DEADLINE, GROUPEMENT, subject, "test", due, event
            )
        assert ballot.electorate is not None
        return Opened(url, ballot.id, tuple(ballot.electorate.members))
    finally:
        await services.close()


@pytest.fixture(scope="module")
def seated(postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database with the 300 members seated: copied for each run."""
    name = unique_database_name("seated")
    url = postgres_server.create_database(name)
    asyncio.run(_seat(url, tmp_path_factory.mktemp("seated")))
    return name


def fresh_ballot(
    server: PostgresServer, seated: str, tmp_path: Path, deadline: datetime | None = None
) -> Opened:
    url = server.create_database(unique_database_name("replicas"), template=seated)
    return asyncio.run(_open(url, tmp_path, deadline))


# --- the presses ------------------------------------------------------------------------------


def press(opened: Opened, update_id: int, member: str, option: int) -> dict[str, Any]:
    """The representative of ``member`` presses ``option`` on its paper."""
    person = user_of(member_ids(SIZE).index(member))
    paper = {
        "message_id": 5000 + opened.electorate.index(member),
        "date": int(time.time()),
        "chat": {"id": person["id"], "type": "private", "first_name": person["first_name"]},
        "from": BOT_USER,
        "text": "Bulletin",
    }
    code = VoteButton(opened.ballot_id, opened.electorate.index(member), option).encode()
    query = {"id": f"press-{update_id}", "from": person, "chat_instance": "1", "data": code}
    return {"update_id": update_id, "callback_query": {**query, "message": paper}}


def first_presses(opened: Opened) -> list[dict[str, Any]]:
    return [press(opened, 1000 + i, m, 0) for i, m in enumerate(opened.electorate)]


def scenario_presses(opened: Opened) -> list[dict[str, Any]]:
    """Every member presses Pour; one in three presses Contre later on (a new press); one
    delivery in seven comes again a little later (Telegram's retry of the same update)."""
    firsts = first_presses(opened)
    again = [press(opened, 2000 + i, m, 1) for i, m in enumerate(opened.electorate) if i % 3 == 0]
    deliveries: list[dict[str, Any]] = []
    for index, update in enumerate(firsts):
        deliveries.append(update)
        if index >= 30 and (index - 30) < len(again):
            deliveries.append(again[index - 30])
    deliveries += again[len(firsts) - 30 :]
    for index in range(len(deliveries) - 10, 0, -7):
        deliveries.insert(index + 10, deliveries[index])
    return deliveries


# --- the replicas -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class Replicas:
    """``scrutin run --webhook`` processes on their ports, stopped at the end of the test."""

    def __init__(self, tmp_path: Path, api: FakeBotApi) -> None:
        self.tmp_path = tmp_path
        self.api = api
        self.started: list[Bot] = []
        self.config = tmp_path / "config"
        self.config.mkdir(exist_ok=True)
        (self.config / f"{GROUPEMENT}.toml").write_text(academy_toml(SIZE), encoding="utf-8")

    def start(self, url: str, count: int) -> tuple[list[Bot], list[int], float]:
        """``count`` replicas on ``url``; once all listen: them, their ports, the seconds
        it took."""
        begun = time.monotonic()
        environment = child_environment(
            self.tmp_path / "unused.db",
            SCRUTIN_DATABASE_URL=url,
            SCRUTIN_WEBHOOK_SECRET=SECRET,
            SCRUTIN_API_BASE_URL=self.api.url,
            SCRUTIN_CONFIG_DIR=str(self.config),
            SCRUTIN_DOCUMENTS_PATH=str(self.tmp_path / "documents"),
            SCRUTIN_INBOX_LEASE_SECONDS=str(LEASE_SECONDS),
        )
        ports = [free_port() for _ in range(count)]
        bots = []
        for port in ports:
            args = ["--webhook", WEBHOOK_URL, "--listen", "127.0.0.1", "--port", str(port)]
            name = f"replica-{len(self.started) + 1}"
            bots.append(Bot(self.tmp_path, args, environment, name=name))
            self.started.append(bots[-1])
        for bot, port in zip(bots, ports, strict=True):
            bot.wait_for(f"port {port} to listen", lambda port=port: listening(port))  # type: ignore[misc]
        return bots, ports, time.monotonic() - begun

    def stop_all(self) -> None:
        for bot in self.started:
            if bot.process.poll() is None:
                bot.process.kill()
                bot.process.wait(timeout=5)
            bot._log.close()


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with serving_fake_api() as served:
        yield served


@pytest.fixture
def replicas(tmp_path: Path, api: FakeBotApi) -> Iterator[Replicas]:
    started = Replicas(tmp_path, api)
    yield started
    started.stop_all()


# --- what the Bot API double saw --------------------------------------------------------------


def answers(api: FakeBotApi) -> dict[int, list[str]]:
    """Each press's answers (by update id), as the person read them."""
    found: dict[int, list[str]] = {}
    for call in api.calls_to("answerCallbackQuery"):
        update_id = int(call.params["callback_query_id"].removeprefix("press-"))
        found.setdefault(update_id, []).append(plain(call.params.get("text", "")))
    return found


def acknowledged(api: FakeBotApi) -> set[int]:
    return {u for u, texts in answers(api).items() if RECORDED in texts}


def wait_until(what: str, condition: Callable[[], bool], bots: Sequence[Bot]) -> None:
    give_up = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > give_up:
            logs = "\n".join(bot.output()[-3000:] for bot in bots)
            pytest.fail(f"no {what} within {WAIT:.0f} s:\n{logs}")
        time.sleep(0.05)


def reminders_sent(api: FakeBotApi) -> list[tuple[str, str]]:
    """(chat, text) of every deadline reminder sent."""
    return [
        (call.params["chat_id"], call.params["text"])
        for call in api.calls_to("sendMessage")
        if call.params.get("text", "").startswith("⏰")
    ]


def throughput(
    server: PostgresServer, seated: str, tmp_path: Path, replicas: Replicas, count: int
) -> tuple[float, float, list[tuple[str, str]]]:
    """Acknowledged votes per second on a burst of one press per member, with ``count``
    replicas, while a deadline reminder falls due; how long they took to start; the
    reminders sent (every replica looks for it at once)."""
    deadline = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    opened = fresh_ballot(server, seated, tmp_path, deadline)
    bots, ports, startup = replicas.start(opened.url, count)
    with replicas.api.lock:
        replicas.api.calls.clear()  # the presses' ids are the same from one run to the next
    presses = first_presses(opened)
    # The burst starts once the reminder is on its way, to everyone (nobody voted yet).
    wait_until("the reminder", lambda: bool(reminders_sent(replicas.api)), bots)
    with forwarding(ports) as forwarder:
        begun = time.monotonic()
        sender = threading.Thread(
            target=burst, args=(forwarder.server_address[1], presses, [begun] * len(presses))
        )
        sender.start()
        wait_until(
            "acknowledgement of every press",
            lambda: len(acknowledged(replicas.api)) >= len(presses),
            bots,
        )
        elapsed = time.monotonic() - begun
        sender.join()
    # A reminder sent by both would go to the same people first: a second's worth shows it.
    wait_until("reminders", lambda: len(reminders_sent(replicas.api)) >= 30, bots)
    for bot in bots:
        bot.process.kill()
        bot.process.wait(timeout=5)
    return len(presses) / elapsed, startup, reminders_sent(replicas.api)


# --- the database, read after the run ---------------------------------------------------------


def waiting_and_closed(url: str, ballot_id: int) -> tuple[int, bool]:
    """How many updates wait in the inbox; whether the ballot is closed."""
    with psycopg.connect(url) as connection:
        waiting = connection.execute(
            "SELECT COUNT(*) FROM bot_updates WHERE handled_at_utc IS NULL"
        ).fetchone()
        state = connection.execute("SELECT state FROM ballots WHERE id = %s", (ballot_id,))
        row = state.fetchone()
    return (int(waiting[0]) if waiting else -1), bool(row and row[0] == "closed")


def charts_to(api: FakeBotApi, chat_id: int) -> int:
    return sum(1 for c in api.calls_to("sendPhoto") if c.params.get("chat_id") == str(chat_id))


@dataclass(frozen=True)
class Outcome:
    closed: bool
    counted: dict[str, str]  # the effective votes
    history: list[tuple[str, str]]  # every vote recorded, (member, option)
    recorded_presses: set[int]  # update ids whose press is in the ledger
    presses: set[int]  # every press's update id


async def _outcome(opened: Opened, tmp_path: Path, presses: set[int]) -> Outcome:
    services = await _services(opened.url, tmp_path)
    try:
        ballot = await services.ballots.get(opened.ballot_id)
        recorded = {
            update_id
            for update_id in presses
            if await services.ballots.ledger.pressed(opened.ballot_id, f"press-{update_id}")
        }
        return Outcome(
            closed=ballot.result is not None,
            counted=await services.ballots.effective_votes(opened.ballot_id),
            history=[(v.member_id, v.option) for v in await services.ballots.history(ballot.id)],
            recorded_presses=recorded,
            presses=presses,
        )
    finally:
        await services.close()


def sent_twice(texts: list[tuple[str, str]]) -> int:
    return sum(count - 1 for count in Counter(texts).values() if count > 1)


# --- the tests --------------------------------------------------------------------------------


def kill_during_burst(
    server: PostgresServer, seated: str, tmp_path: Path, replicas: Replicas, startup: float
) -> tuple[list[dict[str, Any]], Outcome]:
    """The scenario, spread around the deadline, one replica killed before it; the
    deliveries, and the closed ballot's outcome once every update is handled."""
    lead = 2 * startup + 3
    deadline = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=lead + 1)
    opened = fresh_ballot(server, seated, tmp_path, deadline)
    (first, second), ports, _ = replicas.start(opened.url, 2)
    deliveries = scenario_presses(opened)
    now = time.monotonic()
    to_deadline = (deadline - datetime.now(UTC)).total_seconds()
    assert to_deadline > 1, "the replicas took too long to start"
    at = [now + 2 * to_deadline * i / len(deliveries) for i in range(len(deliveries))]
    with forwarding(ports) as forwarder:
        sender = threading.Thread(target=burst, args=(forwarder.server_address[1], deliveries, at))
        sender.start()
        time.sleep(to_deadline * 2 / 3)
        second.process.send_signal(signal.SIGKILL)
        second.process.wait(timeout=5)
        sender.join()

    def settled() -> bool:
        waiting, closed = waiting_and_closed(opened.url, opened.ballot_id)
        return waiting == 0 and closed and charts_to(replicas.api, GROUP) > 0

    wait_until("close with every update handled", settled, [first, second])
    time.sleep(1)  # a second announcement, were there one, would be on its way
    presses = {update["update_id"] for update in deliveries}
    outcome = asyncio.run(_outcome(opened, tmp_path, presses))
    # How fast a stop is, test_run_delivery checks; here a loaded machine may be slow.
    assert first.stop(signal.SIGTERM, within=WAIT) == 0, first.output()
    return deliveries, outcome


@posix_only
def test_two_replicas_behind_a_load_balancer_lose_nothing_and_repeat_nothing(
    tmp_path: Path,
    postgres_server: PostgresServer,
    seated: str,
    api: FakeBotApi,
    replicas: Replicas,
) -> None:
    one, startup_one, _ = throughput(postgres_server, seated, tmp_path, replicas, 1)
    two, startup_two, reminded = throughput(postgres_server, seated, tmp_path, replicas, 2)
    print(f"\nthroughput: {one:.0f} acknowledged votes/s with one replica, {two:.0f} with two")
    print(f"two replicas, no kill: reminders {len(reminded)}, twice: {sent_twice(reminded)}")
    assert sent_twice(reminded) == 0
    with api.lock:
        api.calls.clear()
    startup = max(startup_one, startup_two)
    deliveries, outcome = kill_during_burst(postgres_server, seated, tmp_path, replicas, startup)

    answered = answers(api)
    acked = acknowledged(api)
    refused = {u for u, texts in answered.items() if any(t != RECORDED for t in texts)}
    refusals = Counter(t for texts in answered.values() for t in texts if t != RECORDED)
    lost = acked - outcome.recorded_presses
    counted_twice = len(outcome.history) - len(outcome.recorded_presses)
    group_texts = [("group", text) for text in api.messages_to(GROUP)]
    for text in api.messages_to(GROUP):
        print("group:", plain(text)[:100].replace("\n", " | "))
    for text, count in refusals.items():
        print(f"refused {count} times: {text}")
    reminders = reminders_sent(api)
    print(
        f"deliveries: {len(deliveries)} ({len(outcome.presses)} presses); acknowledged:"
        f" {len(acked)};"
        f" lost: {len(lost)}; counted twice: {counted_twice}; refused: {len(refused)};"
        f" both: {len(acked & refused)}; group messages: {len(group_texts)}, repeated:"
        f" {sent_twice(group_texts)}; charts: {charts_to(api, GROUP)}; reminders:"
        f" {len(reminders)}, twice: {sent_twice(reminders)}"
    )
    assert outcome.closed
    assert lost == set()
    assert counted_twice == 0
    assert acked & refused == set()
    # Refused with the close's message: the deadline passed, or the ballot is closed.
    assert all("date limite" in text or "clos" in text for text in refusals), refusals
    assert sent_twice(group_texts) == 0 and charts_to(api, GROUP) == 1
    assert sent_twice(reminders) == 0
    assert answered.keys() <= outcome.presses
    assert {m for m, _ in outcome.history} == set(outcome.counted)
