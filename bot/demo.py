"""``scrutin demo``: a whole COGOUV ballot of the ENT Grand Est, offline, as a transcript.

The real Application and handlers run with an offline bot (no network, no
token). The coordinator binds the group, invites the ten representatives, who
join through their deep links; the Meuse gives its proxy to the Ardennes; the
coordinator opens a ballot, everyone votes from the buttons, the coordinator
closes it and the weighted result is posted. The database is left in
``./scrutin-demo/`` for inspection.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from bot.harness import OfflineHarness, button_data
from bot.offline import RecordedCall
from bot.services import Services
from config.loader import default_config_dir, load_config_dir

GROUPEMENT = "ent-grand-est"
GROUP_CHAT = -1001000000001
GROUP_TITLE = "COGOUV ENT Grand Est"
START = datetime(2026, 12, 15, 13, 30, tzinfo=UTC)  # 14 h 30 in Paris


@dataclass(frozen=True)
class Person:
    user_id: int
    first_name: str
    last_name: str
    member: str | None

    @property
    def user(self) -> dict[str, Any]:
        return {
            "id": self.user_id,
            "is_bot": False,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "language_code": "fr",
        }

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# Fictional people: the groupement's real representatives are not in the seeds.
COORDINATOR = Person(1001, "Claire", "Weber", None)
REPRESENTATIVES = (
    Person(2001, "Jean", "Muller", "region-grand-est"),
    Person(2002, "Sophie", "Klein", "cea"),
    Person(2003, "Marc", "Schmitt", "moselle"),
    Person(2004, "Anne", "Lefèvre", "ardennes"),
    Person(2005, "Paul", "Girard", "aube"),
    Person(2006, "Julie", "Roux", "marne"),
    Person(2007, "Luc", "Bernard", "haute-marne"),
    Person(2008, "Emma", "Petit", "meurthe-et-moselle"),
    Person(2009, "Hugo", "Laurent", "meuse"),
    Person(2010, "Léa", "Fontaine", "vosges"),
)
QUESTION = "Approuver le lancement de la consultation pour le marché ENT 2027-2031"
VOTES = {
    "region-grand-est": "Pour",
    "cea": "Pour",
    "moselle": "Contre",
    "ardennes": "Pour",
    "aube": "Abstention",
    "marne": "Pour",
    "haute-marne": "Contre",
    "meurthe-et-moselle": "Pour",
    "vosges": "Abstention",
}
PROXY_VOTE = ("meuse", "Pour")  # cast by the Ardennes, holder of the Meuse's proxy


class DemoClock:
    """Moves a few seconds per step, so the transcript's times read like a real session."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: int = 20) -> None:
        self.now += timedelta(seconds=seconds)


class Transcript:
    """Prints the conversation; repeated texts and edited papers are shortened to what changed."""

    def __init__(self, out: TextIO, names: dict[int, str]) -> None:
        self.out = out
        self.names = names
        self.last_text = ""

    def chat_name(self, chat_id: int) -> str:
        return (
            f"groupe « {GROUP_TITLE} »"
            if chat_id == GROUP_CHAT
            else self.names.get(chat_id, str(chat_id))
        )

    def said(self, person: Person, text: str, where: int | None = None) -> None:
        place = "" if where is None else f" (dans le {self.chat_name(where)})"
        self.out.write(f"\n👤 {person.name}{place} : {text}\n")

    def pressed(self, person: Person, label: str) -> None:
        self.out.write(f"\n👤 {person.name} appuie sur « {label} »\n")

    def bot_call(self, call: RecordedCall) -> None:
        params = call.params
        if call.method == "sendMessage":
            chat = self.chat_name(int(params["chat_id"]))
            text = str(params["text"])
            if text == self.last_text:
                self.out.write(f"🤖 → {chat} : (le même message)\n")
            else:
                self._block(f"🤖 → {chat}", text, params)
            self.last_text = text
        elif call.method == "editMessageText":
            # An edited message repeats its beginning: show only the line that changed.
            changed = str(params["text"]).splitlines()[-1]
            chat = self.chat_name(int(params["chat_id"]))
            self._block(f"🤖 ✎ {chat} (message modifié)", changed, params)
        elif call.method == "answerCallbackQuery" and params.get("text"):
            self.out.write(f"   🤖 (notification) {params['text']}\n")

    def _block(self, heading: str, text: str, params: dict[str, Any]) -> None:
        self.out.write(f"{heading}\n")
        for line in text.splitlines():
            self.out.write(f"   │ {line}\n")
        markup = params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        for row in rows:
            self.out.write("   │ " + "  ".join(f"[{b['text']}]" for b in row) + "\n")


def run_demo(directory: Path, out: TextIO = sys.stdout) -> Path:
    """Play the scripted ballot in a fresh ``directory``; return the database it leaves."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    database = directory / "scrutin.db"
    asyncio.run(_play_in(database, out))
    return database


async def _play_in(database: Path, out: TextIO) -> None:
    clock = DemoClock(START)
    governance = load_config_dir(default_config_dir())
    services = await Services.open(governance, database, clock)
    names = {p.user_id: p.name for p in (COORDINATOR, *REPRESENTATIVES)}
    transcript = Transcript(out, names)
    await services.roster.add_coordinator(
        GROUPEMENT, f"tg:{COORDINATOR.user_id}", COORDINATOR.name, added_by="scrutin demo"
    )
    out.write("Scrutin — démonstration hors ligne d'un scrutin du COGOUV de l'ENT Grand Est\n")
    out.write(f"(base de données : {database})\n")
    try:
        async with OfflineHarness(services, clock, listener=transcript.bot_call) as harness:
            await _play(harness, transcript, clock)
    finally:
        await services.close()


async def _play(harness: OfflineHarness, transcript: Transcript, clock: DemoClock) -> None:
    async def say(person: Person, text: str, where: int | None = None) -> None:
        clock.tick()
        transcript.said(person, text, where)
        await harness.say(
            person.user, text, chat_id=where, chat_title=GROUP_TITLE if where else None
        )

    async def press(person: Person, message: dict[str, Any], label: str) -> None:
        clock.tick()
        transcript.pressed(person, label)
        await harness.press(person.user, message, button_data(message, label))

    coordinator = COORDINATOR
    await say(coordinator, "/lier ent-grand-est cogouv", GROUP_CHAT)
    for person in REPRESENTATIVES:
        assert person.member is not None
        await say(coordinator, f"/inviter {person.member}")
        link = harness.last_message_to(coordinator.user_id)["text"]
        token = _token_of(link)
        await say(person, f"/start {token}")
    meuse = _person("meuse")
    await say(meuse, "/pouvoir cogouv ardennes")

    await say(coordinator, "/scrutin")
    await press(coordinator, harness.last_message_to(coordinator.user_id), "Comité de gouvernance")
    await say(coordinator, QUESTION)
    await press(coordinator, harness.last_message_to(coordinator.user_id), "Public (appel nominal)")
    await press(coordinator, harness.last_message_to(coordinator.user_id), "Sans date limite")
    await press(coordinator, harness.last_message_to(coordinator.user_id), "Ouvrir le scrutin")

    for member, label in VOTES.items():
        person = _person(member)
        paper = _paper_for(harness, person, member)
        await press(person, paper, label)
    holder = _person("ardennes")
    await press(holder, _paper_for(harness, holder, PROXY_VOTE[0]), PROXY_VOTE[1])
    # A change of mind before the close: the Vosges move from abstention to "Pour".
    vosges = _person("vosges")
    await press(vosges, _paper_for(harness, vosges, "vosges"), "Pour")

    await say(coordinator, "/clore")


def _person(member: str) -> Person:
    return next(p for p in REPRESENTATIVES if p.member == member)


def _token_of(text: str) -> str:
    match = re.search(r"\?start=([A-Za-z0-9_-]+)", text)
    if match is None:
        raise RuntimeError(f"no invitation link in {text!r}")
    return match.group(1)


def _paper_for(harness: OfflineHarness, person: Person, member: str) -> dict[str, Any]:
    """The latest version of ``person``'s paper for ``member`` (edits included)."""
    services = harness.services
    name = services.governance.groupement(GROUPEMENT).member(member).name
    papers = [p for p in harness.papers_to(person.user_id) if f": {name} (" in p["text"]]
    if not papers:
        raise RuntimeError(f"{person.name} received no paper for {member}")
    return papers[-1]
