"""``scrutin demo``: a whole COGOUV meeting of the ENT Grand Est, offline, as a transcript.

The real Application and handlers run with an offline bot (no network, no
token). The coordinator binds the group and invites the ten representatives
and the DANE, who join through their deep links. She plans a COGOUV meeting,
attaches the budget and sends the convocation (with its .ics, then the budget to each
person convened); the members reply, the Région (whose
representative was to preside) is excused, the Meuse gives its proxy to the
Ardennes, one member forgets and gets the J-1 reminder. On the day, the
session cannot open until a chair for the session is designated among the
members present; it then opens with its live quorum, a member arrives late and
one leaves, giving its proxy to a member present, and two ballots are held in
the session, each closed with its weighted result as a numbered deliberation.
The item without a vote is noted, the session closes and its minutes are
posted; the acting chair and the secretary sign them, and the next meeting, in January,
approves them: final, they go to every representative. The database, the charts and the
minutes (PDF and Markdown) are left in ``./scrutin-demo/``.
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

from bot.harness import OfflineHarness, as_read, button_data
from bot.offline import RecordedCall
from config.loader import default_config_dir, load_config_dir
from meetings.actions.documents import source
from meetings.delivery.ballots import result_chart
from meetings.delivery.reminders import send_due_reminders
from meetings.minutes.markdown import render_markdown
from meetings.minutes.pdf import render_pdf
from meetings.services import Services

GROUPEMENT = "ent-grand-est"
GROUP_CHAT = -1001000000001
GROUP_TITLE = "COGOUV ENT Grand Est"
START = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)  # Tuesday 8 December, 9 h 00 in Paris
MEETING_DAY = datetime(2026, 12, 15, 13, 0, tzinfo=UTC)  # Tuesday 15 December, 14 h 00
REMINDER_DAY = datetime(2026, 12, 14, 8, 0, tzinfo=UTC)  # J-1, 9 h 00 in Paris
NEXT_MEETING_DAY = datetime(2027, 1, 12, 13, 0, tzinfo=UTC)  # Tuesday 12 January, 14 h 00
DAY_1 = "mardi 15 décembre 2026"


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
ADVISORY = Person(3001, "Nadia", "Benali", "dane")
AGENDA = (
    "Approbation du procès-verbal de la séance du 22 septembre 2026 ; vote : Approuver le "
    "procès-verbal de la séance du 22 septembre 2026",
    "Marché ENT 2027-2031 ; vote : Approuver le lancement de la consultation pour le "
    "marché ENT 2027-2031",
    "Questions diverses",
)
BUDGET_NAME = "budget-previsionnel-2027.csv"
BUDGET_CSV = (
    "poste;montant TTC (EUR)\n"
    "Licences ENT (10 membres);1200000\n"
    "Accompagnement et formation;150000\n"
    "Hébergement et exploitation;90000\n"
    "Total;1440000\n"
)
"""A small budget, attached to the convocation (figures invented for the demo)."""
DIVERSES_NOTE = (
    "La DANE présente les nouveaux services de l'ENT ; aucune autre question n'est soulevée."
)
REPLIES = {
    "region-grand-est": "Excusé",
    "cea": "Présent",
    "moselle": "Présent en visio",
    "ardennes": "Présent",
    "aube": "Présent",
    "marne": "Excusé",
    "meurthe-et-moselle": "Présent",
    "vosges": "Présent en visio",
    "dane": "Présent en visio",
}
FIRST_BALLOT = {
    "cea": "Pour",
    "moselle": "Pour",
    "ardennes": "Pour",
    "meuse": "Pour",
    "aube": "Pour",
    "haute-marne": "Abstention",
    "meurthe-et-moselle": "Pour",
    "vosges": "Pour",
    "marne": "Pour",
}
SECOND_BALLOT = {
    "cea": "Pour",
    "moselle": "Contre",
    "ardennes": "Pour",
    "meuse": "Contre",
    "aube": "Abstention",
    "haute-marne": "Contre",
    "meurthe-et-moselle": "Pour",
    "vosges": "Abstention",
    "marne": "Pour",
}


class DemoClock:
    """Moves a few seconds per step, so the transcript's times read like a real session."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: int = 20) -> None:
        self.now += timedelta(seconds=seconds)


class Transcript:
    """Prints the conversation, shortening what repeats: a message like the previous one
    shows only its differing lines, and an edited message only its last line."""

    def __init__(self, out: TextIO, names: dict[int, str]) -> None:
        self.out = out
        self.names = names
        self.last_lines: list[str] = []

    def chat_name(self, chat_id: int) -> str:
        return (
            f"groupe « {GROUP_TITLE} »"
            if chat_id == GROUP_CHAT
            else self.names.get(chat_id, str(chat_id))
        )

    def step(self, title: str) -> None:
        self.out.write(f"\n━━━ {title} ━━━\n")

    def said(self, person: Person, text: str, where: int | None = None) -> None:
        place = "" if where is None else f" (dans le {self.chat_name(where)})"
        self.out.write(f"\n👤 {person.name}{place} : {text}\n")

    def sent_file(self, person: Person, filename: str, caption: str) -> None:
        self.out.write(f"\n👤 {person.name} envoie le fichier {filename} (légende : {caption})\n")

    def pressed(self, person: Person, label: str) -> None:
        self.out.write(f"\n👤 {person.name} appuie sur « {label} »\n")

    def bot_call(self, call: RecordedCall) -> None:
        call = as_read(call)
        params = call.params
        # A convocation is its .ics, captioned, with buttons: shown as the message it is.
        letter = call.method == "sendDocument" and bool(params.get("reply_markup"))
        if call.method == "sendMessage" or letter:
            chat = self.chat_name(int(params["chat_id"]))
            lines = str(params.get("text") or params.get("caption") or "").splitlines()
            if lines == self.last_lines:
                self.out.write(f"🤖 → {chat} : (le même message)\n")
            elif self.last_lines and lines[:1] == self.last_lines[:1] and len(lines) > 3:
                changed = [line for line in lines if line not in self.last_lines]
                heading = f"🤖 → {chat} : (le même message" + (", sauf)" if changed else ")")
                self._block(heading, changed, params)
            else:
                self._block(f"🤖 → {chat}", lines, params)
            self.last_lines = lines
            if letter:
                self.out.write(f"   📎 {params['document'].get('filename', '?')}\n")
        elif call.method in ("editMessageText", "editMessageCaption"):
            chat = self.chat_name(int(params["chat_id"]))
            last = str(params.get("text") or params.get("caption") or "").splitlines()[-1:]
            self._block(f"🤖 ✎ {chat} (message modifié)", last, params)
        elif call.method == "editMessageReplyMarkup" and params.get("reply_markup"):
            chat = self.chat_name(int(params["chat_id"]))
            self._block(f"🤖 ✎ {chat} (nouveaux boutons)", [], params)
        elif call.method in ("sendDocument", "sendPhoto"):
            attached = params.get("document") or params.get("photo") or {}
            name = attached.get("filename", "?") if isinstance(attached, dict) else _sent(call)
            # To whom, and the caption's first lines.
            caption = " — ".join(str(params.get("caption") or "").splitlines()[:2])
            caption = f" → {self.chat_name(int(params['chat_id']))}" + (
                f" — {caption}" if caption else ""
            )
            icon = "🖼" if call.method == "sendPhoto" else "📎"
            self.out.write(f"   {icon} {name}{caption}\n")
        elif call.method == "answerCallbackQuery" and params.get("text"):
            self.out.write(f"   🤖 (notification) {params['text']}\n")

    def _block(self, heading: str, lines: list[str], params: dict[str, Any]) -> None:
        self.out.write(f"{heading}\n")
        for line in lines:
            self.out.write(f"   │ {line}\n")
        markup = params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        for row in rows:
            self.out.write("   │ " + "  ".join(f"[{b['text']}]" for b in row) + "\n")


def run_demo(directory: Path, out: TextIO = sys.stdout) -> Path:
    """Play the scripted meeting in a fresh ``directory``; return the database it leaves."""
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
    people = (COORDINATOR, *REPRESENTATIVES, ADVISORY)
    transcript = Transcript(out, {p.user_id: p.name for p in people})
    await services.roster.add_coordinator(
        GROUPEMENT, f"tg:{COORDINATOR.user_id}", COORDINATOR.name, added_by="scrutin demo"
    )
    out.write("Scrutin — démonstration hors ligne d'une réunion du COGOUV de l'ENT Grand Est\n")
    out.write(f"(base de données : {database})\n")
    try:
        async with OfflineHarness(services, clock, listener=transcript.bot_call) as harness:
            await Demo(harness, transcript, clock).play()
        written = await _write_documents(services, database.parent)
    finally:
        await services.close()
    out.write("\nDocuments de la réunion :\n")
    for path in written:
        out.write(f"  {path}\n")


class Demo:
    def __init__(self, harness: OfflineHarness, transcript: Transcript, clock: DemoClock) -> None:
        self.harness = harness
        self.transcript = transcript
        self.clock = clock

    async def say(self, person: Person, text: str, where: int | None = None) -> None:
        self.clock.tick()
        self.transcript.said(person, text, where)
        title = GROUP_TITLE if where else None
        await self.harness.say(person.user, text, chat_id=where, chat_title=title)

    async def press(self, person: Person, message: dict[str, Any], label: str) -> None:
        self.clock.tick()
        self.transcript.pressed(person, label)
        await self.harness.press(person.user, message, button_data(message, label))

    async def press_last(self, person: Person, label: str) -> None:
        await self.press(person, self.harness.last_message_to(person.user_id), label)

    async def play(self) -> None:
        await self.enrol()
        await self.plan_and_convene()
        await self.replies()
        await self.reminder()
        await self.session()
        await self.signatures()
        await self.next_meeting()

    async def enrol(self) -> None:
        self.transcript.step("Inscription des représentants")
        coordinator = COORDINATOR
        await self.say(coordinator, "/lier ent-grand-est cogouv", GROUP_CHAT)
        for person in (*REPRESENTATIVES, ADVISORY):
            assert person.member is not None
            await self.say(coordinator, f"/inviter {person.member}")
            token = _token_of(self.harness.last_message_to(coordinator.user_id)["text"])
            await self.say(person, f"/start {token}")

    async def plan_and_convene(self) -> None:
        self.transcript.step("Planification et convocation")
        coordinator = COORDINATOR
        await self.say(coordinator, "/planifier")
        await self.press_last(coordinator, "Comité de gouvernance")
        await self.say(coordinator, "15/12/2026 14:00")
        await self.say(coordinator, "Maison de la Région, 1 place Adrien Zeller, Strasbourg")
        await self.say(coordinator, "https://visio.grandest.fr/cogouv-ent")
        for item in AGENDA:
            await self.say(coordinator, item)
        await self.press_last(coordinator, "Terminé")
        await self.press_last(coordinator, "Région Grand Est")
        await self.say(coordinator, "Jean Muller")
        await self.say(coordinator, "Claire Weber")
        await self.press_last(coordinator, "Planifier la réunion")
        await self.attach_budget()
        await self.say(coordinator, "/convoquer 1")
        await self.say(coordinator, "/documents 1")

    async def attach_budget(self) -> None:
        """The budget goes with the convocation: listed in it, and sent to each person."""
        self.clock.tick()
        self.transcript.sent_file(COORDINATOR, BUDGET_NAME, "/document 1")
        content = BUDGET_CSV.encode()
        await self.harness.send_file(COORDINATOR.user, BUDGET_NAME, content, caption="/document 1")

    async def replies(self) -> None:
        self.transcript.step("Réponses aux convocations")
        for member, label in REPLIES.items():
            person = _person(member)
            await self.press(person, _convocation(self.harness, person), label)
        meuse = _person("meuse")
        await self.press(meuse, _convocation(self.harness, meuse), "Donner pouvoir à…")
        holders = _latest_markup(self.harness, meuse)
        await self.press(meuse, holders, "Département des Ardennes")
        await self.say(COORDINATOR, "/presences 1")

    async def reminder(self) -> None:
        self.transcript.step("Rappel J-1 (lundi 14 décembre, 9 h 00)")
        self.clock.now = REMINDER_DAY
        await send_due_reminders(self.harness.services)
        late = _person("haute-marne")
        await self.press_last(late, "Présent")

    async def session(self) -> None:
        self.transcript.step("La séance (mardi 15 décembre, 14 h 00)")
        coordinator = COORDINATOR
        self.clock.now = MEETING_DAY
        # The Région, whose representative was to preside, is excused: the session opens
        # only once a chair is designated among the members present.
        await self.say(coordinator, "/ouvrir 1")
        await self.say(coordinator, f'/presider 1 cea "{_person("cea").name}"')
        await self.say(coordinator, "/ouvrir 1")
        await self.say(coordinator, "/arrivee marne")
        await self.ballot(
            "Approuver le procès-verbal de la séance du 22 septembre 2026",
            FIRST_BALLOT,
            proxies={"meuse": "ardennes"},
        )
        moselle = _person("moselle")
        await self.say(moselle, "/depart")
        await self.press_last(moselle, "Collectivité européenne d'Alsace")
        await self.ballot(
            "Approuver le lancement de la consultation pour le marché ENT 2027-2031",
            SECOND_BALLOT,
            proxies={"meuse": "ardennes", "moselle": "cea"},
        )
        # Questions diverses: no vote, a note for the minutes.
        await self.say(coordinator, f"/noter 1 3 {DIVERSES_NOTE}")
        await self.say(coordinator, "/lever")
        await self.say(coordinator, "/pv 1")

    async def signatures(self) -> None:
        """The acting chair and the secretary sign the minutes; they go out once approved."""
        self.transcript.step("Signature du procès-verbal")
        await self.say(COORDINATOR, "/secretaire 1")
        for person in (COORDINATOR, _person("cea")):
            await self.say(person, "/signer 1")
            await self.press_last(person, f"Je signe le procès-verbal de la séance du {DAY_1}")

    async def next_meeting(self) -> None:
        """The next COGOUV approves the minutes of 15 December: signed, they go to everyone."""
        self.transcript.step("La séance suivante approuve le procès-verbal (12 janvier 2027)")
        coordinator = COORDINATOR
        await self.say(coordinator, "/planifier")
        await self.press_last(coordinator, "Comité de gouvernance")
        await self.say(coordinator, "12/01/2027 14:00")
        await self.say(coordinator, "Maison de la Région, 1 place Adrien Zeller, Strasbourg")
        await self.say(coordinator, "-")
        await self.press_last(coordinator, "Terminé")
        await self.press_last(coordinator, "Région Grand Est")
        await self.say(coordinator, "Jean Muller")
        await self.say(coordinator, "Claire Weber")
        await self.press_last(coordinator, "Planifier la réunion")
        await self.say(coordinator, "/convoquer 2")
        voters = ("region-grand-est", "cea", "moselle", "ardennes", "aube", "vosges")
        for member in voters:
            person = _person(member)
            await self.press(person, _convocation(self.harness, person), "Présent")
        self.clock.now = NEXT_MEETING_DAY
        await self.say(coordinator, "/ouvrir 2")
        motion = f"Approuver le procès-verbal de la séance du {DAY_1}"
        votes = {member: "Pour" for member in voters[:-1]}
        await self.ballot(motion, {**votes, "vosges": "Abstention"}, {})
        await self.say(coordinator, "/lever 2")

    async def ballot(self, motion: str, votes: dict[str, str], proxies: dict[str, str]) -> None:
        """Hold one ballot; ``proxies`` maps a represented member to the member voting for it."""
        coordinator = COORDINATOR
        await self.say(coordinator, "/scrutin")
        await self.press_last(coordinator, "Comité de gouvernance")
        await self.press_last(coordinator, motion)
        await self.press_last(coordinator, "Public (appel nominal)")
        await self.press_last(coordinator, "Sans date limite")
        await self.press_last(coordinator, "Ouvrir le scrutin")
        for member, label in votes.items():
            voter = _person(proxies.get(member, member))
            await self.press(voter, _paper_for(self.harness, voter, member), label)
        await self.say(coordinator, "/clore")


async def _write_documents(services: Services, directory: Path) -> list[Path]:
    """The charts of the session's ballots and its minutes, beside the database."""
    written: list[Path] = []
    for ballot in await services.ballots.find():
        votes = await services.ballots.effective_votes(ballot.id)
        path = directory / f"scrutin-{ballot.id}.png"
        path.write_bytes(await result_chart(services, ballot, votes, "fr"))
        written.append(path)
    generated_at = services.clock()
    minutes = await source(services, 1, ballot=False)
    markdown = directory / "pv-reunion-1.md"
    markdown.write_text(render_markdown(minutes, generated_at), encoding="utf-8")
    pdf = directory / "pv-reunion-1.pdf"
    pdf.write_bytes(await asyncio.to_thread(render_pdf, minutes, generated_at))
    return [*written, pdf, markdown]


def _sent(call: RecordedCall) -> str:
    """The name of a file sent by its file_id, as Telegram's answer gives it."""
    result = call.result if isinstance(call.result, dict) else {}
    return str(result.get("document", {}).get("file_name", "?"))


def _person(participant: str) -> Person:
    return next(p for p in (*REPRESENTATIVES, ADVISORY) if p.member == participant)


def _token_of(text: str) -> str:
    match = re.search(r"\?start=([A-Za-z0-9_-]+)", text)
    if match is None:
        raise RuntimeError(f"no invitation link in {text!r}")
    return match.group(1)


def _convocation(harness: OfflineHarness, person: Person) -> dict[str, Any]:
    for message in reversed(harness.messages_to(person.user_id)):
        if message["text"].startswith("📅"):
            return message
    raise RuntimeError(f"{person.name} received no convocation")


def _latest_markup(harness: OfflineHarness, person: Person) -> dict[str, Any]:
    """The message as the bot last edited it (the proxy holders' list replaces the buttons)."""
    edits = [
        call.result
        for call in harness.request.calls
        if call.method == "editMessageReplyMarkup"
        and call.params.get("chat_id") == person.user_id
        and isinstance(call.result, dict)
    ]
    if not edits:
        raise RuntimeError(f"no edited message for {person.name}")
    return edits[-1]


def _paper_for(harness: OfflineHarness, person: Person, member: str) -> dict[str, Any]:
    """The latest paper ``person`` received for ``member``."""
    name = harness.services.governance.groupement(GROUPEMENT).member(member).name
    papers = [p for p in harness.papers_to(person.user_id) if f" {name} (" in p["text"]]
    if not papers:
        raise RuntimeError(f"{person.name} received no paper for {member}")
    return papers[-1]
