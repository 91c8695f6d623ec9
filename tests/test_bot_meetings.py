"""Meetings through the real handlers: planning, convocations and replies, moves, reminders,
the session with its live quorum, session ballots and the second convocation.

Every update goes through ``Application.process_update`` with the offline bot; assertions are
on what people read (French) and on what the database holds. The clock is a FakeClock: the
meeting of Tuesday 15 December 2026 at 14:00 (Paris) is planned a week ahead, reminded the day
before at 9:00, and held on the day.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bot.harness import OfflineHarness, button_data, vote_buttons
from bot.offline import RecordedCall
from meetings.actions.convene import convene
from meetings.actions.plan import plan_meeting
from meetings.actions.session_open import open_session as open_the_session
from meetings.buttons import HolderButton, ReplyButton
from meetings.delivery.reminders import send_due_reminders
from meetings.meeting import AgendaItem, Meeting, MeetingPlan, MeetingState, ReplyKind
from meetings.reminders import meeting_subject
from meetings.scope import scope_of
from meetings.services import Services
from meetings.wording.typography import plain
from tests.acting import coordinator
from tests.clock import FakeClock
from tests.conftest import (
    COORDINATOR,
    COORDINATOR_ID,
    GROUP_CHAT,
    GROUPEMENT,
    MEMBERS,
    enrol,
    user,
)
from voting.ballot import BallotMode, BallotState
from voting.tally import Count, Outcome

Person = dict[str, Any]
Message = dict[str, Any]

PLANNING_DAY = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)  # Tuesday 8 December, 9:00 in Paris
REMINDER_DAY = datetime(2026, 12, 14, 8, 0, tzinfo=UTC)  # J-1, 9:00 in Paris
MEETING_DAY = datetime(2026, 12, 15, 13, 0, tzinfo=UTC)  # Tuesday 15 December, 14:00 in Paris
SECOND_MEETING_DAY = datetime(2026, 12, 22, 13, 0, tzinfo=UTC)

GROUPEMENT_NAME = "Groupement de commandes ENT Grand Est"
HEADING = f"Réunion n° 1 — Comité de gouvernance, {GROUPEMENT_NAME}"
WHEN = "mardi 15 décembre 2026 à 14 h 00"
PLACE = "Maison de la Région, 1 place Adrien Zeller, Strasbourg"
LINK = "https://visio.grandest.fr/cogouv-ent"
MOTION_PV = "Approuver le procès-verbal de la séance du 22 septembre 2026"
MOTION_MARKET = "Approuver le lancement de la consultation pour le marché ENT 2027-2031"
AGENDA = (
    f"Procès-verbal de la séance du 22 septembre 2026 ; vote : {MOTION_PV}",
    f"Marché ENT 2027-2031 ; vote : {MOTION_MARKET}",
    "Questions diverses",
)
STORED_AGENDA = (
    AgendaItem("Procès-verbal de la séance du 22 septembre 2026", MOTION_PV),
    AgendaItem("Marché ENT 2027-2031", MOTION_MARKET),
    AgendaItem("Questions diverses", None),
)
REPLY_LABELS = [["Présent", "Présent en visio"], ["Excusé", "Donner pouvoir à…"]]
ADVISORY_LABELS = [["Présent", "Présent en visio"], ["Excusé"]]

DANE = user(3001, "Nadia")
STRANGER = user(9999, "Intrus")
ONLY_COORDINATOR = "Seul un coordonnateur peut faire cela."
NOT_VALID = "Ce bouton n'est pas valable."
NOT_YOURS = "Vous ne répondez pas pour ce membre."
REPLY_RECORDED = "Réponse enregistrée."
CHANGE_UNTIL_OPENING = "Vous pouvez la modifier jusqu'à l'ouverture de la séance."
BAD_DATE = "Je n'ai pas reconnu une date à venir. Envoyez-la sous la forme JJ/MM/AAAA HH:MM."
QUORUM_LOST = (
    "⚠️ Le quorum n'est plus atteint : aucun vote ne peut être valable tant qu'il ne l'est pas "
    "de nouveau."
)
QUORUM_BACK = "✅ Le quorum est de nouveau atteint."


# --- helpers --------------------------------------------------------------------------


def name_of(services: Services, participant: str) -> str:
    return services.governance.groupement(GROUPEMENT).participant_name(participant)


def last_text(harness: OfflineHarness, chat_id: int) -> str:
    return str(harness.last_message_to(chat_id)["text"])


def labels(message: Message) -> list[list[str]]:
    markup = message.get("reply_markup") or {}
    return [[button["text"] for button in row] for row in markup.get("inline_keyboard", [])]


def answers(calls: list[RecordedCall]) -> list[dict[str, Any]]:
    return [call.params for call in calls if call.method == "answerCallbackQuery"]


def alert(calls: list[RecordedCall]) -> str:
    """The text of the one notification a press got, which must be shown as an alert."""
    (answer,) = answers(calls)
    assert answer.get("show_alert") is True, answer
    return str(answer["text"])


def edited(calls: list[RecordedCall], method: str | None = None) -> Message:
    """What the pressed message looks like after the press (the group's posts aside).

    By default its text edit: of a message's text, or of a convocation's caption (read as its
    text)."""
    methods = (method,) if method else ("editMessageText", "editMessageCaption")
    (call,) = [c for c in calls if c.method in methods and c.params["chat_id"] > 0]
    assert isinstance(call.result, dict)
    if "text" not in call.result and "caption" in call.result:
        return {**call.result, "text": call.result["caption"]}
    return call.result


def last_caption(harness: OfflineHarness, chat_id: int) -> str:
    """The caption of the last document sent to a chat (a notice riding on its .ics)."""
    (*_, call) = [
        c
        for c in harness.request.calls_to("sendDocument")
        if c.params["chat_id"] == chat_id and c.failed is None
    ]
    return str(plain(call.params["caption"]))


def group_edits(harness: OfflineHarness) -> list[str]:
    return [
        str(plain(call.params["text"]))
        for call in harness.request.calls_to("editMessageText")
        if call.params["chat_id"] == GROUP_CHAT
    ]


def documents_to(harness: OfflineHarness, chat_id: int) -> list[str]:
    return [
        str(call.params["document"]["filename"])
        for call in harness.request.calls_to("sendDocument")
        if call.params["chat_id"] == chat_id and call.failed is None
    ]


async def press_last(harness: OfflineHarness, person: Person, label: str) -> list[RecordedCall]:
    """``person`` presses ``label`` on the last message the bot sent them."""
    message = harness.last_message_to(person["id"])
    return await harness.press(person, message, button_data(message, label))


async def prepare(
    harness: OfflineHarness,
    clock: FakeClock,
    members: tuple[str, ...] = MEMBERS,
    *,
    dane: bool = False,
) -> dict[str, Person]:
    """A week before the meeting: the group is bound and the representatives are enrolled."""
    clock.now = PLANNING_DAY
    await harness.say(COORDINATOR, "/lier ent-grand-est cogouv", chat_id=GROUP_CHAT)
    people = {member: await enrol(harness, member) for member in members}
    if dane:
        people["dane"] = await enrol(harness, "dane", DANE)
    return people


async def plan(
    harness: OfflineHarness,
    moment: str = "15/12/2026 14:00",
    *,
    chair: str = "Région Grand Est",
    agenda: tuple[str, ...] = AGENDA,
) -> int:
    """Drive /planifier to the end, as Demo.plan_and_convene does; the new meeting's number."""
    await harness.say(COORDINATOR, "/planifier")
    await press_last(harness, COORDINATOR, "Comité de gouvernance")
    await harness.say(COORDINATOR, moment)
    await harness.say(COORDINATOR, PLACE)
    await harness.say(COORDINATOR, LINK)
    for item in agenda:
        await harness.say(COORDINATOR, item)
    await press_last(harness, COORDINATOR, "Terminé")
    await press_last(harness, COORDINATOR, chair)
    await harness.say(COORDINATOR, "Jean Muller")
    await harness.say(COORDINATOR, "Claire Weber")
    await press_last(harness, COORDINATOR, "Planifier la réunion")
    assert "planifiée" in last_text(harness, COORDINATOR_ID)
    return (await harness.services.meetings.find())[-1].id


async def meeting(services: Services, meeting_id: int = 1) -> Meeting:
    return await services.meetings.get(meeting_id)


def convocation(harness: OfflineHarness, person: Person) -> Message:
    """The latest convocation ``person`` received, as sent (the base of every reply edit)."""
    found = [m for m in harness.messages_to(person["id"]) if m["text"].startswith("📅")]
    assert found, f"{person['first_name']} received no convocation"
    return found[-1]


def convocation_count(harness: OfflineHarness, person: Person) -> int:
    return sum(m["text"].startswith("📅") for m in harness.messages_to(person["id"]))


async def answer_convocation(
    harness: OfflineHarness, person: Person, label: str
) -> list[RecordedCall]:
    message = convocation(harness, person)
    return await harness.press(person, message, button_data(message, label))


async def reply_all(harness: OfflineHarness, people: dict[str, Person], **replies: str) -> None:
    """Each member named (underscores for dashes) answers its convocation with the label."""
    for member, label in replies.items():
        await answer_convocation(harness, people[member.replace("_", "-")], label)


async def give_proxy(
    harness: OfflineHarness, giver: Person, holder_name: str
) -> list[RecordedCall]:
    """The giver opens "Donner pouvoir à…" and chooses the holder in the list that replaces it."""
    calls = await answer_convocation(harness, giver, "Donner pouvoir à…")
    holders = edited(calls, "editMessageReplyMarkup")
    return await harness.press(giver, holders, button_data(holders, holder_name))


async def open_session(
    harness: OfflineHarness, clock: FakeClock, meeting_id: int = 1, at: datetime = MEETING_DAY
) -> str:
    clock.now = at
    await harness.say(COORDINATOR, f"/ouvrir {meeting_id}")
    return last_text(harness, COORDINATOR_ID)


async def open_session_ballot(harness: OfflineHarness, motion: str) -> int:
    """The coordinator's /scrutin form, with a motion of the session's agenda; the ballot id."""
    await harness.say(COORDINATOR, "/scrutin")
    await press_last(harness, COORDINATOR, "Comité de gouvernance")
    await press_last(harness, COORDINATOR, motion)
    await press_last(harness, COORDINATOR, "Public (appel nominal)")
    await press_last(harness, COORDINATOR, "Sans date limite")
    await press_last(harness, COORDINATOR, "Ouvrir le scrutin")
    assert "est ouvert" in last_text(harness, COORDINATOR_ID)
    return (await harness.services.ballots.find(state=BallotState.OPEN))[-1].id


async def vote(
    harness: OfflineHarness, person: Person, member: str, label: str
) -> list[RecordedCall]:
    """``person`` presses ``label`` on its latest paper for ``member``."""
    name = name_of(harness.services, member)
    papers = [p for p in harness.papers_to(person["id"]) if f" {name} (" in p["text"]]
    assert papers, f"{person['first_name']} has no paper for {member}"
    return await harness.press(person, papers[-1], button_data(papers[-1], label))


# --- /planifier -------------------------------------------------------------------------


async def test_planning_a_meeting_end_to_end(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    clock.now = PLANNING_DAY
    await harness.say(COORDINATOR, "/reunions")
    assert last_text(harness, COORDINATOR_ID) == "Aucune réunion planifiée."

    await harness.say(COORDINATOR, "/planifier")
    choice = harness.last_message_to(COORDINATOR_ID)
    assert choice["text"] == "Nouvelle réunion. Quelle instance se réunit ?"
    assert labels(choice) == [
        ["Assemblée générale"],
        ["Comité stratégique"],
        ["Comité de gouvernance"],
        ["Comité de suivi trimestriel"],
        ["Réunion de lancement"],
        ["Annuler"],
    ]
    await press_last(harness, COORDINATOR, "Comité de gouvernance")
    assert last_text(harness, COORDINATOR_ID) == (
        "Date et heure ? Envoyez-les sous la forme JJ/MM/AAAA HH:MM, heure de Paris."
    )
    for wrong in ("mardi prochain", "31/02/2027 10:00", "01/12/2026 14:00"):
        await harness.say(COORDINATOR, wrong)
        assert last_text(harness, COORDINATOR_ID) == BAD_DATE
    await harness.say(COORDINATOR, "15/12/2026 14:00")
    assert last_text(harness, COORDINATOR_ID) == (
        "Lieu ? (adresse, ou « - » pour une réunion en visioconférence seulement)"
    )
    # Neither a place nor a link: the place is asked again.
    await harness.say(COORDINATOR, "-")
    await harness.say(COORDINATOR, "-")
    assert last_text(harness, COORDINATOR_ID) == (
        "Une réunion a besoin d'un lieu ou d'un lien de visioconférence. Lieu ?"
    )
    await harness.say(COORDINATOR, f"  {PLACE}  ")
    assert last_text(harness, COORDINATOR_ID).startswith("Lien de visioconférence ?")
    await harness.say(COORDINATOR, "visio.grandest.fr/cogouv-ent")
    assert last_text(harness, COORDINATOR_ID).startswith("Un lien commence par https://")
    await harness.say(COORDINATOR, LINK)
    assert last_text(harness, COORDINATOR_ID).startswith("Ordre du jour : envoyez un point")

    for wrong in ("Budget 2027 ; scrutin : Approuver", "Budget 2027 ; vote :", " ; vote : x"):
        await harness.say(COORDINATOR, wrong)
        assert last_text(harness, COORDINATOR_ID) == (
            "Je n'ai pas compris ce point. Écrivez « Titre » ou « Titre ; vote : question »."
        )
    for number, item in enumerate(AGENDA, start=1):
        await harness.say(COORDINATOR, item)
        noted = harness.last_message_to(COORDINATOR_ID)
        assert noted["text"] == f"Point {number} noté. Point suivant, ou « Terminé »."
        assert labels(noted) == [["Terminé"]]
    await press_last(harness, COORDINATOR, "Terminé")
    chairs = harness.last_message_to(COORDINATOR_ID)
    assert chairs["text"] == (
        "Qui préside ? (la voix du président est prépondérante en cas de partage)"
    )
    assert labels(chairs)[0] == ["Région Grand Est"]  # the coordinator member comes first
    assert len(labels(chairs)) == 10
    await press_last(harness, COORDINATOR, "Département de la Moselle")
    assert last_text(harness, COORDINATOR_ID) == "Nom du président de séance, tel qu'il signera ?"
    await harness.say(COORDINATOR, "Marc Schmitt")
    assert last_text(harness, COORDINATOR_ID) == "Secrétaire de séance (nom, tel qu'il signera) ?"
    await harness.say(COORDINATOR, "Claire   Weber")
    summary = harness.last_message_to(COORDINATOR_ID)
    assert summary["text"] == "\n".join(
        [
            "Récapitulatif :",
            "• Instance : Comité de gouvernance",
            f"• Date : {WHEN}",
            f"• Lieu : {PLACE}",
            f"• Visioconférence : {LINK}",
            "• Présidence : Marc Schmitt (Département de la Moselle)",
            "• Secrétaire : Claire Weber",
            "• Ordre du jour :",
            f"  1. Procès-verbal de la séance du 22 septembre 2026 — vote : {MOTION_PV}",
            f"  2. Marché ENT 2027-2031 — vote : {MOTION_MARKET}",
            "  3. Questions diverses",
        ]
    )
    assert labels(summary) == [["Planifier la réunion", "Annuler"]]
    assert await services.meetings.find() == []  # nothing is stored before the confirmation

    calls = await press_last(harness, COORDINATOR, "Planifier la réunion")
    # The pressed summary loses its buttons, so it cannot be confirmed twice.
    assert edited(calls, "editMessageReplyMarkup").get("reply_markup") is None
    assert last_text(harness, COORDINATOR_ID) == (
        "Réunion n° 1 planifiée. Envoyez la convocation avec /convoquer 1 au plus tard le "
        "09/12/2026 (5 jours francs de délai)."
    )
    (stored,) = await services.meetings.find()
    assert stored.state is MeetingState.PLANNED
    assert stored.plan.groupement_id == GROUPEMENT and stored.plan.instance_id == "cogouv"
    assert stored.plan.starts_at == MEETING_DAY
    assert stored.plan.place == PLACE and stored.plan.video_link == LINK
    assert stored.plan.agenda == STORED_AGENDA
    assert (stored.plan.chair, stored.plan.chair_name) == ("moselle", "Marc Schmitt")
    assert stored.plan.secretary == "Claire Weber"
    assert stored.plan.second_convocation_of is None
    assert stored.created_by == f"tg:{COORDINATOR_ID}" and stored.convened_at is None

    await harness.say(COORDINATOR, "/reunions")
    assert last_text(harness, COORDINATOR_ID) == (
        f"Réunions à venir :\n• n° 1 — Comité de gouvernance, {WHEN} "
        "(planifiée, pas encore convoquée)"
    )


async def test_a_video_only_meeting_needs_only_a_link(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    clock.now = PLANNING_DAY
    await harness.say(COORDINATOR, "/planifier")
    await press_last(harness, COORDINATOR, "Comité stratégique")
    await harness.say(COORDINATOR, "15/12/2026 10h30")
    await harness.say(COORDINATOR, "aucun")
    await harness.say(COORDINATOR, LINK)
    await press_last(harness, COORDINATOR, "Terminé")  # an empty agenda is allowed
    await press_last(harness, COORDINATOR, "Région Grand Est")
    await harness.say(COORDINATOR, "Jean Muller")
    await harness.say(COORDINATOR, "Claire Weber")
    summary = last_text(harness, COORDINATOR_ID)
    assert "• Lieu : —" in summary and "• Date : mardi 15 décembre 2026 à 10 h 30" in summary
    await press_last(harness, COORDINATOR, "Planifier la réunion")
    (stored,) = await services.meetings.find()
    assert stored.plan.instance_id == "costrat"
    assert stored.plan.place is None and stored.plan.video_link == LINK
    assert stored.plan.starts_at == datetime(2026, 12, 15, 9, 30, tzinfo=UTC)
    assert stored.plan.agenda == ()


async def test_planning_can_be_cancelled_at_any_step(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    clock.now = PLANNING_DAY
    cancelled = "Annulé ; aucune réunion n'a été planifiée."
    # /annuler in the middle of the form.
    await harness.say(COORDINATOR, "/planifier")
    await press_last(harness, COORDINATOR, "Comité de gouvernance")
    await harness.say(COORDINATOR, "15/12/2026 14:00")
    await harness.say(COORDINATOR, "/annuler")
    assert last_text(harness, COORDINATOR_ID) == cancelled
    # What is typed afterwards is not taken as a place.
    before = len(harness.messages_to(COORDINATOR_ID))
    await harness.say(COORDINATOR, PLACE)
    assert len(harness.messages_to(COORDINATOR_ID)) == before
    # The "Annuler" button of the first step and of the summary.
    await harness.say(COORDINATOR, "/planifier")
    await press_last(harness, COORDINATOR, "Annuler")
    assert last_text(harness, COORDINATOR_ID) == cancelled
    await harness.say(COORDINATOR, "/planifier")
    await press_last(harness, COORDINATOR, "Comité de gouvernance")
    await harness.say(COORDINATOR, "15/12/2026 14:00")
    await harness.say(COORDINATOR, PLACE)
    await harness.say(COORDINATOR, "-")
    await press_last(harness, COORDINATOR, "Terminé")
    await press_last(harness, COORDINATOR, "Région Grand Est")
    await harness.say(COORDINATOR, "Jean Muller")
    await harness.say(COORDINATOR, "Claire Weber")
    await press_last(harness, COORDINATOR, "Annuler")
    assert last_text(harness, COORDINATOR_ID) == cancelled
    assert await services.meetings.find() == []


async def test_only_a_coordinator_plans_and_only_in_private(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    clock.now = PLANNING_DAY
    aube = await enrol(harness, "aube")
    await harness.say(aube, "/planifier")
    assert last_text(harness, aube["id"]) == ONLY_COORDINATOR
    await harness.say(STRANGER, "/planifier")
    assert "Aucun mandat n'est encore enregistré" in last_text(harness, STRANGER["id"])
    await harness.say(COORDINATOR, "/planifier", chat_id=GROUP_CHAT)
    assert last_text(harness, GROUP_CHAT) == (
        "Planifiez les réunions dans votre conversation privée avec le bot."
    )
    # None of these started a form: a date typed now is not taken.
    before = len(harness.request.calls_to("sendMessage"))
    await harness.say(COORDINATOR, "15/12/2026 14:00")
    assert len(harness.request.calls_to("sendMessage")) == before
    for command in (
        "/convoquer 1",
        "/presences 1",
        "/reporter 1 16/12/2026 14:00",
        "/annuler_reunion 1",
        "/reconvoquer 1 22/12/2026 14:00",
        "/ouvrir 1",
        "/lever",
    ):
        await harness.say(aube, command)
        assert last_text(harness, aube["id"]) == ONLY_COORDINATOR, command
    assert await services.meetings.find() == []


# --- /convoquer -------------------------------------------------------------------------


async def test_the_convocation_reaches_everyone_with_its_buttons_and_calendar_file(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, dane=True)
    meeting_id = await plan(harness)
    await harness.say(COORDINATOR, f"/convoquer {meeting_id}")
    assert last_text(harness, COORDINATOR_ID) == (
        "Convocation de la réunion n° 1 envoyée à 11 personnes."
    )

    weights = {"region-grand-est": "4,5 voix", "cea": "2 voix", "moselle": "1,5 voix"}
    for member in MEMBERS:
        message = convocation(harness, people[member])
        assert message["text"] == "\n".join(
            [
                f"📅 Convocation — {HEADING}",
                WHEN.capitalize(),
                f"Lieu : {PLACE}",
                f"Visioconférence : {LINK}",
                "Ordre du jour :",
                f"1. Procès-verbal de la séance du 22 septembre 2026 — vote : {MOTION_PV}",
                f"2. Marché ENT 2027-2031 — vote : {MOTION_MARKET}",
                "3. Questions diverses",
                "",
                f"Vous êtes convoqué(e) pour : {name_of(services, member)} "
                f"({weights.get(member, '1 voix')}).",
                "Merci d'indiquer votre présence :",
            ]
        )
        assert labels(message) == REPLY_LABELS
        assert documents_to(harness, people[member]["id"]) == ["reunion-1.ics"]
    advisory = convocation(harness, people["dane"])
    assert (
        "Vous êtes convoqué(e) pour : Directions académiques au numérique éducatif (DANE)."
        in advisory["text"]
    )
    assert labels(advisory) == ADVISORY_LABELS  # heard, never voting: no proxy to give
    assert button_data(advisory, "Présent").startswith("v1:r:1:a")
    assert documents_to(harness, DANE["id"]) == ["reunion-1.ics"]
    assert harness.messages_to(GROUP_CHAT)[-1]["text"].startswith("Ce groupe reçoit")

    stored = await meeting(services)
    assert stored.state is MeetingState.CONVENED
    assert stored.convened_at == PLANNING_DAY
    assert not stored.urgent and stored.urgency_reason is None
    # J-7 is 8 December at 9:00, now: only the J-1 reminder is still ahead.
    (reminder,) = await services.reminders.pending()
    assert reminder.subject == meeting_subject(1)
    assert reminder.label.startswith("J-1@")
    assert reminder.due_at == REMINDER_DAY and reminder.event_at == MEETING_DAY
    assert [r.label[:3] for r in await services.reminders.all(meeting_subject(1))] == ["J-1"]

    await harness.say(people["aube"], "/reunions")
    assert last_text(harness, people["aube"]["id"]) == (
        f"Réunions à venir :\n• n° 1 — Comité de gouvernance, {WHEN} (convoquée)"
    )


async def test_a_late_convocation_is_refused_and_an_urgent_one_is_recorded(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, ("aube", "marne"))
    await plan(harness)
    clock.now = datetime(2026, 12, 11, 8, 0, tzinfo=UTC)  # 12, 13, 14: 3 clear days left
    await harness.say(COORDINATOR, "/convoquer 1")
    assert last_text(harness, COORDINATOR_ID) == (
        "Trop tard pour le délai normal : 3 jours francs avant la réunion, 5 requis "
        "(dernier jour pour convoquer : 09/12/2026). Reportez la réunion avec /reporter, ou "
        "convoquez en urgence avec /convoquer 1 urgence MOTIF ; le procès-verbal le mentionnera."
    )
    await harness.say(COORDINATOR, "/convoquer 1 urgence")
    assert last_text(harness, COORDINATOR_ID).startswith(
        "Une convocation en urgence indique son motif, que le procès-verbal mentionnera"
    )
    assert (await meeting(services)).state is MeetingState.PLANNED
    assert all(convocation_count(harness, p) == 0 for p in people.values())

    clock.now = datetime(2026, 12, 13, 8, 0, tzinfo=UTC)  # one clear day: the 14th
    reason = "attribution du marché avant la clôture de l'exercice"
    await harness.say(COORDINATOR, f"/convoquer 1 urgence {reason}")
    report = last_text(harness, COORDINATOR_ID)
    assert report.startswith("Convocation de la réunion n° 1 envoyée à 2 personnes.")
    assert f"Enregistrée comme convocation en urgence : {reason}" in report
    text = convocation(harness, people["aube"])["text"]
    assert f"Convocation en urgence, à délai abrégé : {reason}" in text
    stored = await meeting(services)
    assert stored.state is MeetingState.CONVENED
    assert stored.urgent and stored.urgency_reason == reason

    # A meeting tomorrow leaves no clear day at all: even an emergency cannot be convened.
    await plan(harness, "14/12/2026 18:00")
    await harness.say(COORDINATOR, "/convoquer 2 urgence panne de l'ENT")
    assert last_text(harness, COORDINATOR_ID) == (
        "Même en urgence, il faut 1 jour franc de délai, et il n'en reste aucun : le dernier "
        "jour pour convoquer à cette date était le 12/12/2026. Reportez la réunion avec "
        "/reporter."
    )
    assert (await meeting(services, 2)).state is MeetingState.PLANNED
    # On the day itself the notice would be negative: it is never quoted as such.
    await plan(harness, "13/12/2026 18:00")
    await harness.say(COORDINATOR, "/convoquer 3 urgence panne de l'ENT")
    refused = last_text(harness, COORDINATOR_ID)
    assert "il n'en reste aucun" in refused and "-1" not in refused


async def test_without_a_number_the_meetings_are_listed(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    await prepare(harness, clock, ("aube",))
    await harness.say(COORDINATOR, "/convoquer")
    assert last_text(harness, COORDINATOR_ID) == (
        "Utilisation : /convoquer [NUMÉRO] [urgence MOTIF]. Réunions :\n(aucune)"
    )
    first = await plan(harness)
    # The only meeting that can be convened needs no number.
    await harness.say(COORDINATOR, "/presences")
    assert last_text(harness, COORDINATOR_ID).startswith(HEADING)
    second = await plan(harness, "17/12/2026 10:00")
    listing = (
        f"• n° {first} — Comité de gouvernance, mardi 15 décembre 2026 à 14 h 00\n"
        f"• n° {second} — Comité de gouvernance, jeudi 17 décembre 2026 à 10 h 00"
    )
    for command in ("/convoquer", "/convoquer deux"):
        await harness.say(COORDINATOR, command)
        assert last_text(harness, COORDINATOR_ID) == (
            "Utilisation : /convoquer [NUMÉRO] [urgence MOTIF]. Réunions :\n" + listing
        )
    usages = {
        "/presences": "Utilisation : /presences [NUMÉRO]. Réunions :",
        "/annuler_reunion": "Utilisation : /annuler_reunion [NUMÉRO]. Réunions :",
        "/ouvrir": "Utilisation : /ouvrir [NUMÉRO]. Réunions :",
    }
    for command, usage in usages.items():
        await harness.say(COORDINATOR, command)
        assert last_text(harness, COORDINATOR_ID) == usage + "\n" + listing
    await harness.say(COORDINATOR, "/lever")
    assert last_text(harness, COORDINATOR_ID) == (
        "Utilisation : /lever [NUMÉRO]. Séances :\n(aucune)"
    )
    await harness.say(COORDINATOR, "/convoquer 7")
    assert last_text(harness, COORDINATOR_ID) == (
        "Aucune réunion n° 7 ne le permet dans son état actuel."
    )
    assert {m.state for m in await services.meetings.find()} == {MeetingState.PLANNED}


async def test_an_unreachable_person_does_not_stop_the_convocation(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, MEMBERS[:-1])  # nobody for the Vosges yet
    await plan(harness)
    harness.request.fail_next("sendDocument", "forbidden", chat_id=people["marne"]["id"])
    await harness.say(COORDINATOR, "/convoquer 1")
    assert last_text(harness, COORDINATOR_ID) == "\n".join(
        [
            "Convocation de la réunion n° 1 envoyée à 8 personnes.",
            "Convocation non délivrée à : Département de la Marne (représentant injoignable "
            "par le bot), Département des Vosges (aucun représentant enregistré).",
            "Envoyez un lien d'invitation avec /inviter au membre qui n'a pas de représentant, "
            "demandez aux autres d'ouvrir le bot, puis renvoyez /convoquer 1 : la convocation "
            "ne partira qu'à ceux qui ne l'ont pas encore reçue.",
        ]
    )
    for member, person in people.items():
        reached = member != "marne"
        assert (convocation_count(harness, person) == 1) is reached, member
        assert (documents_to(harness, person["id"]) == ["reunion-1.ics"]) is reached, member
    assert (await meeting(services)).state is MeetingState.CONVENED


# --- replies ----------------------------------------------------------------------------


async def test_replies_are_recorded_and_marked_on_the_convocation(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, ("region-grand-est", "cea", "marne"), dane=True)
    await plan(harness)
    await harness.say(COORDINATOR, "/convoquer 1")

    expectations = {
        "region-grand-est": ("Présent", ReplyKind.PRESENT, "présent"),
        "cea": ("Présent en visio", ReplyKind.VIDEO, "présent en visio"),
        "marne": ("Excusé", ReplyKind.EXCUSED, "excusé"),
        "dane": ("Présent en visio", ReplyKind.VIDEO, "présent en visio"),
    }
    for participant, (label, _kind, said) in expectations.items():
        person = people[participant]
        calls = await answer_convocation(harness, person, label)
        assert answers(calls)[0]["text"] == REPLY_RECORDED
        message = edited(calls)
        assert message["text"].startswith(f"📅 Convocation — {HEADING}")
        assert message["text"].endswith(f"\n\n✔ Votre réponse : {said}. {CHANGE_UNTIL_OPENING}")
        marked = [b for row in labels(message) for b in row if b.startswith("✅ ")]
        assert marked == [f"✅ {label}"]
    replies = await services.meetings.replies(1)
    assert {m: r.kind for m, r in replies.items()} == {
        participant: kind for participant, (_label, kind, _said) in expectations.items()
    }
    assert replies["cea"].replied_by == f"tg:{people['cea']['id']}"
    assert replies["cea"].replied_at == PLANNING_DAY

    # A reply may change until the session opens; the message keeps a single confirmation.
    calls = await answer_convocation(harness, people["marne"], "Présent")
    message = edited(calls)
    assert message["text"].count("✔") == 1
    assert message["text"].endswith(f"✔ Votre réponse : présent. {CHANGE_UNTIL_OPENING}")
    assert labels(message) == [["✅ Présent", "Présent en visio"], ["Excusé", "Donner pouvoir à…"]]
    assert (await services.meetings.replies(1))["marne"].kind is ReplyKind.PRESENT


async def test_a_proxy_is_given_from_the_list_of_eligible_holders(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock)
    await plan(harness)
    await harness.say(COORDINATOR, "/convoquer 1")
    await reply_all(harness, people, marne="Excusé")

    calls = await answer_convocation(harness, people["meuse"], "Donner pouvoir à…")
    assert answers(calls)[0].get("text") is None  # no notification, just the list
    meuse_list = edited(calls, "editMessageReplyMarkup")
    everyone_else = [
        [name_of(services, m)] for m in MEMBERS if m not in {"meuse", "marne"}
    ]  # not itself, not an excused member
    assert labels(meuse_list) == [*everyone_else, ["Retour"]]
    # The Vosges opens the same list before the Meuse chooses.
    vosges_list = edited(
        await answer_convocation(harness, people["vosges"], "Donner pouvoir à…"),
        "editMessageReplyMarkup",
    )

    calls = await harness.press(
        people["meuse"], meuse_list, button_data(meuse_list, "Département des Ardennes")
    )
    assert answers(calls)[0]["text"] == REPLY_RECORDED
    message = edited(calls)
    assert message["text"].endswith(
        "✔ Votre réponse : pouvoir donné au Département des Ardennes. " + CHANGE_UNTIL_OPENING
    )
    assert labels(message) == [["Présent", "Présent en visio"], ["Excusé", "✅ Donner pouvoir à…"]]
    meuse = (await services.meetings.replies(1))["meuse"]
    assert (meuse.kind, meuse.proxy_holder) == (ReplyKind.PROXY, "ardennes")

    # The Ardennes now holds one proxy, the limit: the Vosges' older list is refused.
    calls = await harness.press(
        people["vosges"], vosges_list, button_data(vosges_list, "Département des Ardennes")
    )
    assert alert(calls) == "Ce membre détient déjà le nombre maximal de pouvoirs autorisé."
    assert "vosges" not in await services.meetings.replies(1)
    # A fresh list leaves out the holder at its limit and the member that gave its own.
    fresh = edited(
        await answer_convocation(harness, people["vosges"], "Donner pouvoir à…"),
        "editMessageReplyMarkup",
    )
    offered = {row[0] for row in labels(fresh)}
    assert not offered & {"Département des Ardennes", "Département de la Meuse"}
    assert "Département de l'Aube" in offered and "Département des Vosges" not in offered

    # The Ardennes holds a proxy: it cannot give its own, from the list or a forged button.
    calls = await answer_convocation(harness, people["ardennes"], "Donner pouvoir à…")
    assert alert(calls) == "Votre membre détient un pouvoir et ne peut pas donner le sien."
    members = scope_of(services.governance, await meeting(services)).members
    forged = HolderButton(1, members.index("ardennes"), members.index("aube")).encode()
    calls = await harness.press(
        people["ardennes"], convocation(harness, people["ardennes"]), forged
    )
    assert alert(calls) == "Votre membre détient un pouvoir et ne peut pas donner le sien."
    forged = HolderButton(1, members.index("aube"), members.index("aube")).encode()
    calls = await harness.press(people["aube"], convocation(harness, people["aube"]), forged)
    assert alert(calls) == "Un membre ne peut pas se donner pouvoir à lui-même."
    forged = HolderButton(1, members.index("aube"), members.index("meuse")).encode()
    calls = await harness.press(people["aube"], convocation(harness, people["aube"]), forged)
    assert alert(calls) == "Ce membre a lui-même donné pouvoir et ne peut pas en recevoir."
    replies = await services.meetings.replies(1)
    assert set(replies) == {"marne", "meuse"}

    # The Meuse changes its mind: present after all, its proxy is gone.
    await answer_convocation(harness, people["meuse"], "Présent")
    assert (await services.meetings.replies(1))["meuse"].proxy_holder is None


EXCUSED_HOLDER = "Ce membre s'est excusé : il ne siégera pas et ne peut donc pas porter de pouvoir."


async def test_a_proxy_to_an_excused_member_is_refused_at_the_write(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, ("aube", "marne", "meuse"))
    await plan(harness)
    await harness.say(COORDINATOR, "/convoquer 1")
    # The Meuse opens the list while the Marne has not replied yet: the Marne is offered.
    calls = await answer_convocation(harness, people["meuse"], "Donner pouvoir à…")
    stale = edited(calls, "editMessageReplyMarkup")
    marne = name_of(services, "marne")
    assert [marne] in labels(stale)
    await reply_all(harness, people, marne="Excusé")

    # The list the Meuse still has is stale: the Marne excused itself since.
    calls = await harness.press(people["meuse"], stale, button_data(stale, marne))
    assert alert(calls) == EXCUSED_HOLDER
    # A hand-made holder button, never offered, is refused in the same words.
    members = scope_of(services.governance, await meeting(services)).members
    forged = HolderButton(1, members.index("aube"), members.index("marne")).encode()
    calls = await harness.press(people["aube"], convocation(harness, people["aube"]), forged)
    assert alert(calls) == EXCUSED_HOLDER
    replies = await services.meetings.replies(1)
    assert {m: r.kind for m, r in replies.items()} == {"marne": ReplyKind.EXCUSED}


async def test_back_from_the_holders_list_restores_the_reply_buttons(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, ("aube", "marne"))
    await plan(harness)
    await harness.say(COORDINATOR, "/convoquer 1")
    holders = edited(
        await answer_convocation(harness, people["aube"], "Donner pouvoir à…"),
        "editMessageReplyMarkup",
    )
    calls = await harness.press(people["aube"], holders, button_data(holders, "Retour"))
    assert labels(edited(calls, "editMessageReplyMarkup")) == REPLY_LABELS
    assert await services.meetings.replies(1) == {}
    # Back again after a reply: the reply in force stays marked, and unchanged.
    message = edited(await answer_convocation(harness, people["aube"], "Excusé"))
    holders = edited(
        await harness.press(people["aube"], message, button_data(message, "Donner pouvoir à…")),
        "editMessageReplyMarkup",
    )
    calls = await harness.press(people["aube"], holders, button_data(holders, "Retour"))
    assert labels(edited(calls, "editMessageReplyMarkup")) == [
        ["Présent", "Présent en visio"],
        ["✅ Excusé", "Donner pouvoir à…"],
    ]
    assert (await services.meetings.replies(1))["aube"].kind is ReplyKind.EXCUSED


async def test_forged_and_foreign_reply_presses_are_refused(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, ("region-grand-est", "aube"), dane=True)
    await plan(harness)
    await harness.say(COORDINATOR, "/convoquer 1")
    message = convocation(harness, people["aube"])

    async def refused(person: Person, data: str) -> str:
        return alert(await harness.press(person, message, data))

    aube = people["aube"]
    for data in ("v1:r:1:m99:p", "v1:r:1:a9:p", "v1:r:1:m0:q", "v1:r:x:m0:p", "v1:h:1:4:99"):
        assert await refused(aube, data) == NOT_VALID, data
    assert await refused(aube, "v1:r:42:m0:p") == "Cette réunion n'existe pas."
    assert await refused(aube, "v1:h:42:4:0") == "Cette réunion n'existe pas."
    # Someone else's member, an advisory seat not one's own, a stranger.
    assert await refused(aube, ReplyButton(1, False, 0, "present").encode()) == NOT_YOURS
    assert await refused(aube, ReplyButton(1, True, 1, "present").encode()) == NOT_YOURS
    assert await refused(aube, HolderButton(1, 0, 4).encode()) == NOT_YOURS
    assert await refused(STRANGER, ReplyButton(1, False, 4, "present").encode()) == NOT_YOURS
    assert await refused(DANE, ReplyButton(1, False, 4, "excused").encode()) == NOT_YOURS
    assert await services.meetings.replies(1) == {}


async def test_no_reply_to_a_cancelled_meeting(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, ("aube",))
    await plan(harness)
    await harness.say(COORDINATOR, "/convoquer 1")
    await harness.say(COORDINATOR, "/annuler_reunion 1")
    calls = await answer_convocation(harness, people["aube"], "Présent")
    assert alert(calls) == "Cette réunion a été annulée."
    assert await services.meetings.replies(1) == {}


# --- /presences -------------------------------------------------------------------------


async def test_attendance_forecast_before_the_session_and_attendance_during_it(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock)
    await plan(harness)
    await harness.say(COORDINATOR, "/convoquer 1")
    await reply_all(
        harness,
        people,
        region_grand_est="Présent",
        cea="Présent",
        moselle="Présent en visio",
        ardennes="Présent",
        aube="Présent",
        marne="Excusé",
        meurthe_et_moselle="Présent",
        vosges="Présent en visio",
    )
    await give_proxy(harness, people["meuse"], "Département des Ardennes")
    await harness.say(COORDINATOR, "/presences 1")
    assert last_text(harness, COORDINATOR_ID) == "\n".join(
        [
            HEADING,
            WHEN,
            "Présents : Région Grand Est (4,5), Collectivité européenne d'Alsace (2), "
            "Département des Ardennes (1), Département de l'Aube (1), "
            "Département de Meurthe-et-Moselle (1)",
            "En visioconférence : Département de la Moselle (1,5), Département des Vosges (1)",
            "Excusés : Département de la Marne (1)",
            "Sans réponse : Département de la Haute-Marne (1)",
            "Pouvoirs :",
            "• Département de la Meuse → Département des Ardennes",
            "",
            "D'après les réponses, le quorum serait atteint : 8 membres sur 10, 13 voix sur 15 "
            "— requis : 5 membres et 7,5 voix",
        ]
    )
    await open_session(harness, clock)
    await harness.say(COORDINATOR, "/arrivee haute-marne")
    await harness.say(people["vosges"], "/depart")
    await harness.say(COORDINATOR, "/presences")
    assert last_text(harness, COORDINATOR_ID) == "\n".join(
        [
            HEADING,
            WHEN,
            "En séance : Région Grand Est (4,5), Collectivité européenne d'Alsace (2), "
            "Département de la Moselle (1,5), Département des Ardennes (1), "
            "Département de l'Aube (1), Département de la Haute-Marne (1), "
            "Département de Meurthe-et-Moselle (1)",
            "Hors séance : Département de la Marne (1), Département de la Meuse (1), "
            "Département des Vosges (1)",
            "Pouvoirs :",
            "• Département de la Meuse → Département des Ardennes",
            "",
            "Quorum atteint : 8 membres sur 10, 13 voix sur 15 — requis : 5 membres et 7,5 voix",
        ]
    )


# --- /reporter and /annuler_reunion ---------------------------------------------------


async def test_moving_a_convened_meeting_tells_everyone_and_replans_the_reminders(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, ("aube", "marne"))
    await plan(harness)
    await harness.say(COORDINATOR, "/convoquer 1")
    await answer_convocation(harness, people["aube"], "Présent")

    for wrong in (
        "/reporter",
        "/reporter 1",
        "/reporter un 22/12/2026 14:00",
        "/reporter 1 22/12/2026 14:00 vite",
    ):
        await harness.say(COORDINATOR, wrong)
        assert last_text(harness, COORDINATOR_ID) == (
            "Utilisation : /reporter NUMÉRO JJ/MM/AAAA HH:MM [urgence MOTIF]"
        )
    await harness.say(COORDINATOR, "/reporter 1 31/02/2027 14:00")
    assert last_text(harness, COORDINATOR_ID) == BAD_DATE
    await harness.say(COORDINATOR, "/reporter 9 22/12/2026 14:00")
    assert last_text(harness, COORDINATOR_ID) == (
        "Aucune réunion n° 9 ne le permet dans son état actuel."
    )
    assert (await meeting(services)).sequence == 0

    await harness.say(COORDINATOR, "/reporter 1 22/12/2026 14:00")
    new_when = "mardi 22 décembre 2026 à 14 h 00"
    assert last_text(harness, COORDINATOR_ID).startswith(
        f"La réunion n° 1 est déplacée au {new_when}.\n"
        "Nouvelle convocation envoyée à 2 personnes, avec le fichier d'agenda à jour.\n"
        "Convocation non délivrée à : Région Grand Est (aucun représentant enregistré), "
    )
    moved = await meeting(services)
    assert moved.plan.starts_at == SECOND_MEETING_DAY
    assert moved.sequence == 1 and moved.state is MeetingState.CONVENED
    # A move is a new convocation: each person gets the whole of it, buttons included.
    for member, person in people.items():
        new = convocation(harness, person)
        assert new["text"].startswith(f"📅 Convocation — {HEADING}\n{new_when.capitalize()}")
        assert f"Lieu : {PLACE}" in new["text"]
        assert (
            f"🔁 La réunion est déplacée : cette convocation remplace celle pour le {WHEN}."
        ) in new["text"]
        marked = [["✅ Présent", "Présent en visio"], REPLY_LABELS[1]]
        assert labels(new) == (marked if member == "aube" else REPLY_LABELS), member
        assert documents_to(harness, person["id"]) == ["reunion-1.ics", "reunion-1.ics"]
    assert last_text(harness, GROUP_CHAT) == f"🔁 La réunion est déplacée — {HEADING}"
    # The J-1 of the 15th is dropped; the 22nd has its own J-7 and J-1, both ahead.
    pending = await services.reminders.pending()
    assert [(r.label[:3], r.due_at) for r in pending] == [
        ("J-7", datetime(2026, 12, 15, 8, 0, tzinfo=UTC)),
        ("J-1", datetime(2026, 12, 21, 8, 0, tzinfo=UTC)),
    ]
    (dropped,) = [r for r in await services.reminders.all() if r.dropped_at is not None]
    assert dropped.due_at == REMINDER_DAY and dropped.note == "meeting moved"
    # Replies stand: the same meeting, at another time.
    assert (await services.meetings.replies(1))["aube"].kind is ReplyKind.PRESENT

    # Moved closer: the new convocation would be late, so the move is refused...
    await harness.say(COORDINATOR, "/reporter 1 12/12/2026 14:00")
    assert last_text(harness, COORDINATOR_ID) == (
        "Reporter la réunion envoie une nouvelle convocation, et cette date est trop proche "
        "pour son délai : 3 jours francs avant la réunion, 5 jours francs requis (dernier jour "
        "pour convoquer : 06/12/2026). Choisissez une date plus tardive, ou reportez-la en "
        "urgence : /reporter 1 JJ/MM/AAAA HH:MM urgence MOTIF ; le procès-verbal le "
        "mentionnera."
    )
    assert (await meeting(services)).sequence == 1
    # Tomorrow leaves no clear day: even urgent, the move is refused, and says so plainly.
    await harness.say(COORDINATOR, "/reporter 1 09/12/2026 14:00 urgence panne")
    assert last_text(harness, COORDINATOR_ID) == (
        "Même en urgence, la nouvelle convocation demande 1 jour franc de délai, et cette date "
        "n'en laisse aucun (dernier jour pour convoquer : 07/12/2026). Choisissez une date "
        "plus tardive."
    )
    assert (await meeting(services)).sequence == 1
    # ... unless it is made urgent, with its reason, which the convocation carries.
    reason = "avis requis avant la notification du marché"
    await harness.say(COORDINATOR, f"/reporter 1 12/12/2026 14:00 urgence {reason}")
    assert f"\nEnregistrée comme convocation en urgence : {reason}\n" in last_text(
        harness, COORDINATOR_ID
    )
    urgent = await meeting(services)
    assert urgent.sequence == 2 and urgent.urgent and urgent.urgency_reason == reason
    assert urgent.convened_at == clock.now
    assert (
        f"Convocation en urgence, à délai abrégé : {reason}"
        in (convocation(harness, people["aube"])["text"])
    )
    assert [(r.label[:3], r.due_at) for r in await services.reminders.pending()] == [
        ("J-1", datetime(2026, 12, 11, 8, 0, tzinfo=UTC))
    ]


async def test_moving_a_planned_meeting_tells_nobody(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, ("aube",))
    await plan(harness)
    await harness.say(COORDINATOR, "/reporter 1 22/12/2026 14:00")
    assert last_text(harness, COORDINATOR_ID) == (
        "La réunion n° 1 est déplacée au mardi 22 décembre 2026 à 14 h 00."
    )
    assert harness.messages_to(people["aube"]["id"])[-1]["text"].startswith("Bienvenue")
    assert await services.reminders.pending() == []
    await harness.say(COORDINATOR, "/convoquer 1")
    assert [r.label[:3] for r in await services.reminders.pending()] == ["J-7", "J-1"]


async def test_cancelling_a_meeting_tells_everyone_and_drops_its_reminders(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, ("aube", "marne"), dane=True)
    await plan(harness)
    await harness.say(COORDINATOR, "/convoquer 1")
    assert len(await services.reminders.pending()) == 1

    await harness.say(COORDINATOR, "/annuler_reunion 1")
    assert last_text(harness, COORDINATOR_ID) == (
        "La réunion n° 1 est annulée. Personnes prévenues : 3."
    )
    cancelled = await meeting(services)
    assert cancelled.state is MeetingState.CANCELLED
    assert cancelled.cancelled_at == PLANNING_DAY and cancelled.sequence == 1
    for person in people.values():
        assert last_caption(harness, person["id"]) == f"❌ La réunion est annulée — {HEADING}"
        assert documents_to(harness, person["id"]) == ["reunion-1.ics", "reunion-1.ics"]
    assert last_text(harness, GROUP_CHAT) == f"❌ La réunion est annulée — {HEADING}"
    assert await services.reminders.pending() == []
    (dropped,) = await services.reminders.all(meeting_subject(1))
    assert dropped.note == "meeting cancelled"
    clock.now = REMINDER_DAY
    assert await send_due_reminders(services) == []

    await harness.say(COORDINATOR, "/annuler_reunion 1")
    assert last_text(harness, COORDINATOR_ID) == (
        "Aucune réunion n° 1 ne le permet dans son état actuel."
    )
    await harness.say(COORDINATOR, "/reunions")
    assert last_text(harness, COORDINATOR_ID) == "Aucune réunion planifiée."


async def test_cancelling_a_meeting_not_yet_convened(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    await prepare(harness, clock, ("aube",))
    await plan(harness)
    await harness.say(COORDINATOR, "/annuler_reunion")
    assert last_text(harness, COORDINATOR_ID) == (
        "La réunion n° 1 est annulée. Personnes prévenues : 0."
    )
    assert (await meeting(services)).state is MeetingState.CANCELLED
    assert harness.request.calls_to("sendDocument") == []


# --- reminders --------------------------------------------------------------------------


async def test_the_day_before_everyone_is_reminded_once(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, ("region-grand-est", "aube", "haute-marne"), dane=True)
    await plan(harness)
    await harness.say(COORDINATOR, "/convoquer 1")
    await reply_all(harness, people, region_grand_est="Présent", aube="Excusé")
    clock.now = datetime(2026, 12, 14, 7, 59, tzinfo=UTC)
    assert await send_due_reminders(services) == []

    clock.now = REMINDER_DAY
    (sent,) = await send_due_reminders(services)
    assert sent.subject == meeting_subject(1) and sent.label.startswith("J-1@")
    details = "\n".join(
        [
            f"⏰ Rappel — {HEADING}",
            WHEN.capitalize(),
            f"Lieu : {PLACE}",
            f"Visioconférence : {LINK}",
            "Ordre du jour :",
            f"1. Procès-verbal de la séance du 22 septembre 2026 — vote : {MOTION_PV}",
            f"2. Marché ENT 2027-2031 — vote : {MOTION_MARKET}",
            "3. Questions diverses",
        ]
    )
    ask = "\n\nVous n'avez pas encore répondu : serez-vous présent(e) ?"
    for participant in ("region-grand-est", "aube"):
        reminder = harness.last_message_to(people[participant]["id"])
        assert reminder["text"] == details
        assert labels(reminder) == []
    silent = harness.last_message_to(people["haute-marne"]["id"])
    assert silent["text"] == details + ask
    assert labels(silent) == REPLY_LABELS
    advisory = harness.last_message_to(DANE["id"])
    assert advisory["text"] == details + ask
    assert labels(advisory) == ADVISORY_LABELS
    # The buttons of the reminder work like those of the convocation.
    calls = await press_last(harness, people["haute-marne"], "Présent")
    assert edited(calls)["text"].startswith(f"⏰ Rappel — {HEADING}")
    assert (await services.meetings.replies(1))["haute-marne"].kind is ReplyKind.PRESENT

    before = len(harness.request.calls_to("sendMessage"))
    assert await send_due_reminders(services) == []
    clock.now = datetime(2026, 12, 15, 8, 0, tzinfo=UTC)
    assert await send_due_reminders(services) == []
    assert len(harness.request.calls_to("sendMessage")) == before
    (row,) = await services.reminders.all(meeting_subject(1))
    assert row.sent_at == REMINDER_DAY


# --- the session ------------------------------------------------------------------------


async def test_the_session_follows_arrivals_departures_and_the_quorum(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, dane=True)
    await plan(harness)
    await harness.say(COORDINATOR, "/convoquer 1")
    await reply_all(
        harness,
        people,
        region_grand_est="Présent",
        cea="Présent",
        moselle="Présent en visio",
        ardennes="Présent",
        aube="Présent",
        marne="Excusé",
    )
    await give_proxy(harness, people["meuse"], "Département des Ardennes")
    await harness.say(people["aube"], "/arrivee")
    assert last_text(harness, people["aube"]["id"]) == "Aucune séance n'est ouverte."

    opened = await open_session(harness, clock)
    quorum = "Quorum atteint : 6 membres sur 10, 11 voix sur 15 — requis : 5 membres et 7,5 voix"
    assert opened == "\n".join(
        [
            "Séance de la réunion n° 1 ouverte.",
            quorum,
            "Les membres signalent leur arrivée avec /arrivee et leur départ avec /depart ; "
            "vous pouvez le faire pour eux : /arrivee MEMBRE.",
        ]
    )
    post = harness.last_message_to(GROUP_CHAT)
    assert post["text"] == f"{HEADING}\n{quorum}"
    stored = await meeting(services)
    assert stored.state is MeetingState.IN_SESSION and stored.session_opened_at == MEETING_DAY
    attendance = await services.meetings.attendance(1)
    assert attendance.present == {"region-grand-est", "cea", "moselle", "ardennes", "aube"}
    assert attendance.by_video == {"moselle"}

    # Replies are over once the session is open.
    calls = await answer_convocation(harness, people["vosges"], "Présent")
    assert alert(calls) == (
        "La séance est ouverte : les réponses ne peuvent plus changer. "
        "Signalez votre arrivée avec /arrivee."
    )
    assert "vosges" not in await services.meetings.replies(1)

    async def said(person: Person, text: str) -> str:
        await harness.say(person, text)
        return last_text(harness, person["id"])

    def group_quorum() -> str:
        return group_edits(harness)[-1].splitlines()[-1]

    assert (
        await said(people["vosges"], "/arrivee") == "Arrivée enregistrée : Département des Vosges."
    )
    assert group_quorum().startswith("Quorum atteint : 7 membres sur 10, 12 voix sur 15")
    assert all(
        call.params["message_id"] == post["message_id"]
        for call in harness.request.calls_to("editMessageText")
        if call.params["chat_id"] == GROUP_CHAT
    )
    assert await said(people["vosges"], "/arrivee") == "Département des Vosges est déjà en séance."
    assert await said(COORDINATOR, "/arrivee haute-marne visio") == (
        "Arrivée enregistrée : Département de la Haute-Marne."
    )
    assert group_quorum().startswith("Quorum atteint : 8 membres sur 10, 13 voix sur 15")
    assert "haute-marne" in (await services.meetings.attendance(1)).by_video
    assert await said(people["dane"], "/arrivee visio") == (
        "Arrivée enregistrée : Directions académiques au numérique éducatif (DANE)."
    )
    assert (await services.meetings.attendance(1)).advisory_present == {"dane"}

    # Refusals: someone else's member, an unknown member, a coordinator who sits for no one.
    assert await said(people["aube"], "/arrivee marne") == ONLY_COORDINATOR
    assert await said(people["aube"], "/depart ardennes") == ONLY_COORDINATOR
    assert await said(COORDINATOR, "/arrivee bas-rhin-et-moselle") == (
        "Membre inconnu : « bas-rhin-et-moselle »."
    )
    assert await said(COORDINATOR, "/arrivee") == (
        "Vous ne représentez aucun membre de cette réunion."
    )
    assert "Aucun mandat" in await said(STRANGER, "/arrivee")
    assert "marne" not in (await services.meetings.attendance(1)).present

    # Two departures: the Région (4,5) keeps the quorum, the CeA (2) loses it.
    clock.now = datetime(2026, 12, 15, 14, 0, tzinfo=UTC)
    await harness.say(people["region-grand-est"], "/depart")
    departed, offer = [m["text"] for m in harness.messages_to(people["region-grand-est"]["id"])][
        -2:
    ]
    assert departed == "Départ enregistré pour le procès-verbal : Région Grand Est."
    # A member that leaves is offered to give its proxy to a member present.
    assert offer.startswith("La Région Grand Est peut donner pouvoir à un membre présent")
    assert group_quorum() == (
        "Quorum atteint : 7 membres sur 10, 8,5 voix sur 15 — requis : 5 membres et 7,5 voix"
    )
    assert QUORUM_LOST not in [m["text"] for m in harness.messages_to(GROUP_CHAT)]
    clock.now = datetime(2026, 12, 15, 14, 5, tzinfo=UTC)
    await said(COORDINATOR, "/depart cea")
    assert group_quorum() == (
        "⚠️ Quorum non atteint : 6 membres sur 10, 6,5 voix sur 15 — requis : 7,5 voix"
    )
    assert last_text(harness, GROUP_CHAT) == QUORUM_LOST
    assert await said(people["region-grand-est"], "/depart") == (
        "Région Grand Est n'est pas en séance."
    )
    await said(COORDINATOR, "/arrivee cea")
    assert group_quorum().startswith("Quorum atteint : 7 membres sur 10, 8,5 voix sur 15")
    assert last_text(harness, GROUP_CHAT) == QUORUM_BACK
    # Departures are kept for the minutes, even of a member that came back.
    attendance = await services.meetings.attendance(1)
    assert [(d.member_id, d.at) for d in attendance.departures] == [
        ("region-grand-est", datetime(2026, 12, 15, 14, 0, tzinfo=UTC)),
        ("cea", datetime(2026, 12, 15, 14, 5, tzinfo=UTC)),
    ]
    assert "cea" in attendance.present and "region-grand-est" not in attendance.present


async def test_a_ballot_in_the_session(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock)
    await plan(harness)
    await harness.say(COORDINATOR, "/convoquer 1")
    await reply_all(
        harness,
        people,
        region_grand_est="Présent",
        cea="Présent",
        moselle="Présent en visio",
        ardennes="Présent",
        aube="Présent",
        marne="Excusé",
    )
    await give_proxy(harness, people["meuse"], "Département des Ardennes")
    await open_session(harness, clock)

    await harness.say(COORDINATOR, "/scrutin")
    await press_last(harness, COORDINATOR, "Comité de gouvernance")
    question = harness.last_message_to(COORDINATOR_ID)
    assert question["text"].endswith("Ou choisissez une motion de l'ordre du jour de la séance :")
    assert labels(question) == [[MOTION_PV], [MOTION_MARKET]]
    await press_last(harness, COORDINATOR, MOTION_MARKET)
    await press_last(harness, COORDINATOR, "Public (appel nominal)")
    await press_last(harness, COORDINATOR, "Sans date limite")
    summary = last_text(harness, COORDINATOR_ID)
    assert f"• Question : « {MOTION_MARKET} »" in summary
    assert "• Pouvoirs : 1" in summary
    assert (
        "• Corps électoral : 6 membres présents ou représentés, 11 voix "
        "(sur 10 membres, 15 voix au total ; table ent-2022-avenant-1)"
    ) in plain(summary)
    assert "• En séance (réunion n° 1) : membres présents et pouvoirs de la séance" in summary
    await press_last(harness, COORDINATOR, "Ouvrir le scrutin")
    # Papers go to the members present and to the holder of the Meuse's proxy, nobody else.
    assert (
        last_text(harness, COORDINATOR_ID) == "Le scrutin n° 1 est ouvert. Bulletins envoyés : 6."
    )
    papers = {member: len(harness.papers_to(person["id"])) for member, person in people.items()}
    assert papers == {
        "region-grand-est": 1,
        "cea": 1,
        "moselle": 1,
        "ardennes": 2,
        "aube": 1,
        "marne": 0,
        "haute-marne": 0,
        "meurthe-et-moselle": 0,
        "meuse": 0,
        "vosges": 0,
    }
    (ballot,) = await services.ballots.find(state=BallotState.OPEN)
    assert ballot.draft.meeting_id == 1 and ballot.draft.mode is BallotMode.MEETING
    assert ballot.draft.question == MOTION_MARKET
    assert ballot.electorate is not None
    assert ballot.electorate.present == {"region-grand-est", "cea", "moselle", "ardennes", "aube"}
    assert dict(ballot.electorate.proxies) == {"meuse": "ardennes"}
    cursor = await services.database.connection.execute(
        "SELECT meeting_id, mode FROM ballots WHERE id = ?", (ballot.id,)
    )
    assert tuple(await cursor.fetchone() or ()) == (1, "meeting")

    # An absent member cannot vote with a forged paper either.
    marne_index = ballot.electorate.members.index("marne")
    region_paper = harness.papers_to(people["region-grand-est"]["id"])[-1]
    calls = await harness.press(people["marne"], region_paper, f"v1:v:{ballot.id}:{marne_index}:0")
    assert alert(calls) == "Vous ne votez pas pour ce membre dans ce scrutin."

    await harness.say(COORDINATOR, "/lever")
    assert last_text(harness, COORDINATOR_ID) == "Clôturez d'abord les scrutins ouverts : n° 1."
    assert (await meeting(services)).state is MeetingState.IN_SESSION

    for member, label in {
        "region-grand-est": "Pour",
        "cea": "Pour",
        "moselle": "Contre",
        "ardennes": "Pour",
        "aube": "Abstention",
    }.items():
        await vote(harness, people[member], member, label)
    await vote(harness, people["ardennes"], "meuse", "Contre")
    await harness.say(COORDINATOR, "/clore")
    result = last_text(harness, GROUP_CHAT)
    assert "Adoptée : 7,5 voix pour sur 10 exprimées, majorité requise : plus de 5 voix." in result
    assert (
        "Quorum atteint : 6 membres sur 10, 11 voix sur 15 présents ou représentés "
        "(requis : au moins 5 membres et au moins 7,5 voix)"
    ) in result
    closed = await services.ballots.get(ballot.id)
    assert closed.result is not None and closed.result.outcome is Outcome.ADOPTED

    clock.now = datetime(2026, 12, 15, 15, 30, tzinfo=UTC)
    await harness.say(COORDINATOR, "/lever")
    closing = "La séance de la réunion n° 1 est levée (mardi 15 décembre 2026 à 16 h 30)."
    assert last_text(harness, GROUP_CHAT) == closing
    assert last_text(harness, COORDINATOR_ID) == closing
    stored = await meeting(services)
    assert stored.state is MeetingState.CLOSED and stored.session_closed_at == clock.now
    await harness.say(people["aube"], "/arrivee")
    assert last_text(harness, people["aube"]["id"]) == "Aucune séance n'est ouverte."


async def test_without_quorum_the_meeting_is_convened_again(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock)
    await plan(harness)
    await harness.say(COORDINATOR, "/convoquer 1")
    few = {"region_grand_est": "Présent", "cea": "Présent", "moselle": "Présent en visio"}
    await reply_all(harness, people, **few)
    await harness.say(COORDINATOR, "/reconvoquer 1 22/12/2026 14:00")
    assert last_text(harness, COORDINATOR_ID) == (
        "Aucune réunion n° 1 ne le permet dans son état actuel."
    )

    opened = await open_session(harness, clock)
    missing = "⚠️ Quorum non atteint : 3 membres sur 10, 8 voix sur 15 — requis : 5 membres"
    assert opened.splitlines()[1:3] == [
        missing,
        "Un scrutin ouvert maintenant échouerait faute de quorum. Après la réunion, "
        "/reconvoquer fixe une seconde convocation.",
    ]
    assert last_text(harness, GROUP_CHAT) == f"{HEADING}\n{missing}"
    ballot_id = await open_session_ballot(harness, MOTION_PV)
    for member in ("region-grand-est", "cea", "moselle"):
        await vote(harness, people[member], member, "Pour")
    await harness.say(COORDINATOR, "/clore")
    assert (
        "Quorum non atteint : 3 membres et 8 voix présents ou représentés ; "
        "requis : au moins 5 membres."
    ) in last_text(harness, GROUP_CHAT)
    failed = await services.ballots.get(ballot_id)
    assert failed.result is not None and failed.result.outcome is Outcome.NO_QUORUM
    await harness.say(COORDINATOR, "/lever")

    for wrong in ("/reconvoquer", "/reconvoquer 1", "/reconvoquer 1 22/12/2026"):
        await harness.say(COORDINATOR, wrong)
        assert last_text(harness, COORDINATOR_ID) == (
            "Utilisation : /reconvoquer NUMÉRO JJ/MM/AAAA HH:MM"
        )
    await harness.say(COORDINATOR, "/reconvoquer 1 18/12/2026 14:00")
    assert last_text(harness, COORDINATOR_ID) == (
        "Une seconde convocation doit laisser au moins 3 jours francs : le 19/12/2026 au plus tôt."
    )
    assert len(await services.meetings.find()) == 1
    await harness.say(COORDINATOR, "/reconvoquer 1 22/12/2026 14:00")
    assert last_text(harness, COORDINATOR_ID) == (
        "Seconde convocation planifiée : réunion n° 2, même ordre du jour, sans condition de "
        "quorum.\nRéunion n° 2 planifiée. Envoyez la convocation avec /convoquer 2 au plus tard "
        "le 18/12/2026 (3 jours francs de délai)."
    )
    first, second = await services.meetings.find()
    assert second.plan.second_convocation_of == first.id and second.second_convocation
    assert second.plan.starts_at == SECOND_MEETING_DAY
    assert second.plan.agenda == first.plan.agenda == STORED_AGENDA
    assert (second.plan.place, second.plan.video_link) == (PLACE, LINK)
    assert (second.plan.chair, second.plan.chair_name, second.plan.secretary) == (
        "region-grand-est",
        "Jean Muller",
        "Claire Weber",
    )

    await harness.say(COORDINATOR, "/convoquer 2")
    second_heading = f"Réunion n° 2 — Comité de gouvernance, {GROUPEMENT_NAME}"
    text = convocation(harness, people["aube"])["text"]
    assert text.startswith(f"📅 Convocation — {second_heading}\nMardi 22 décembre 2026 à 14 h 00")
    assert (
        "Seconde convocation : le quorum n'ayant pas été atteint lors de la première réunion, "
        "l'instance délibère valablement quel que soit le nombre de présents."
    ) in text
    assert documents_to(harness, people["aube"]["id"]) == ["reunion-1.ics", "reunion-2.ics"]
    await reply_all(harness, people, **few)

    opened = await open_session(harness, clock, 2, SECOND_MEETING_DAY)
    waived = "Seconde convocation, pas de quorum requis : 3 membres sur 10, 8 voix sur 15"
    assert opened.splitlines()[1] == waived
    assert "faute de quorum" not in opened
    assert last_text(harness, GROUP_CHAT) == f"{second_heading}\n{waived}"
    ballot_id = await open_session_ballot(harness, MOTION_PV)
    opened_ballot = await services.ballots.get(ballot_id)
    assert opened_ballot.draft.meeting_id == 2
    for member in ("region-grand-est", "cea", "moselle"):
        await vote(harness, people[member], member, "Pour")
    await harness.say(COORDINATOR, "/clore")
    result = last_text(harness, GROUP_CHAT)
    assert "Adoptée : 8 voix pour sur 8 exprimées" in result
    assert "Quorum non requis (seconde convocation) : 3 membres sur 10, 8 voix sur 15" in result
    decided = await services.ballots.get(ballot_id)
    assert decided.result is not None and decided.result.outcome is Outcome.ADOPTED
    assert decided.result.totals["for"] == Count(Decimal(8), 3)


async def test_a_vote_button_stays_marked_after_the_session_ballot(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    """The papers of a session ballot behave like any other: a vote marks its button."""
    people = await prepare(harness, clock, ("region-grand-est", "cea", "moselle", "aube", "marne"))
    await plan(harness)
    await harness.say(COORDINATOR, "/convoquer 1")
    await reply_all(
        harness,
        people,
        region_grand_est="Présent",
        cea="Présent",
        moselle="Présent",
        aube="Présent",
        marne="Présent",
    )
    await open_session(harness, clock)
    await open_session_ballot(harness, MOTION_PV)
    calls = await vote(harness, people["aube"], "aube", "Pour")
    assert [label for label, _data in vote_buttons(edited(calls))] == [
        "✅ Pour",
        "Contre",
        "Abstention",
    ]


async def test_a_session_opens_only_when_convened_and_on_its_day(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    await prepare(harness, clock, ("aube",))
    number = await plan(harness)
    await harness.say(COORDINATOR, f"/ouvrir {number}")
    assert last_text(harness, COORDINATOR_ID) == (
        f"La réunion n° {number} n'a pas été convoquée : envoyez d'abord la convocation "
        f"avec /convoquer {number}."
    )
    await harness.say(COORDINATOR, f"/convoquer {number}")
    await harness.say(COORDINATOR, f"/ouvrir {number}")
    assert last_text(harness, COORDINATOR_ID) == (
        f"La réunion n° {number} est convoquée pour le mardi 15 décembre 2026 à 14 h 00 : "
        "sa séance s'ouvre ce jour-là."
    )
    assert (await meeting(services)).state is MeetingState.CONVENED


async def test_with_two_sessions_open_a_check_in_names_its_meeting(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, ("aube",))
    actor = await coordinator(services)
    numbers = []
    for instance, hour in (("cogouv", 13), ("ag", 15)):
        plan = MeetingPlan(
            "ent-grand-est", instance, datetime(2026, 12, 15, hour, 0, tzinfo=UTC), place="Metz"
        )
        meeting = (await plan_meeting(services, actor, plan)).meeting
        await convene(services, actor, meeting.id)
        # The planned chair's member comes: each session opens with its chair.
        await services.meetings.reply(
            meeting.id,
            "region-grand-est",
            ReplyKind.PRESENT,
            replied_by="tests",
            voting_members=frozenset(),
            max_proxies_per_holder=1,
        )
        numbers.append(meeting.id)
    clock.now = MEETING_DAY
    for number in numbers:
        await open_the_session(services, actor, number)
    await harness.say(COORDINATOR, "/arrivee aube")
    assert last_text(harness, COORDINATOR_ID).startswith(
        f"Plusieurs séances sont ouvertes : précisez la réunion, par exemple /arrivee {numbers[0]}."
    )
    await harness.say(people["aube"], "/arrivee")
    assert last_text(harness, people["aube"]["id"]).startswith("Plusieurs séances")
    await harness.say(people["aube"], f"/arrivee {numbers[1]}")
    assert last_text(harness, people["aube"]["id"]) == (
        "Arrivée enregistrée : Département de l'Aube."
    )
    assert "aube" in (await services.meetings.attendance(numbers[1])).present
    assert "aube" not in (await services.meetings.attendance(numbers[0])).present
