"""The forms (/planifier, /scrutin) and the file announced with /document are kept in the
database: a person's next message may reach another replica of the bot, or the same one after
a restart, and the form goes on. Each question is asked once the form is saved at its step;
confirming or cancelling deletes it; a form kept in an older shape is dropped and the person
told; one left unfinished is forgotten after a day."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, closing
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

import bot.forms
from bot.context import FORMS_KEY
from bot.form_store import RETENTION, FormStore
from bot.handlers import ballot_form, meeting_form
from bot.harness import OfflineHarness, button_data
from bot.offline import RecordedCall
from config.models import Governance
from meetings.services import Services
from meetings.texts import COMMAND_LIMIT
from tests.clock import FakeClock
from tests.conftest import COORDINATOR, COORDINATOR_ID
from tests.steps import in_session, paris
from tests.test_bot_ballots import QUESTION, press_form
from tests.test_bot_documents import BUDGET
from tests.test_bot_meetings import AGENDA, LINK, PLACE, PLANNING_DAY, last_text, press_last
from voting.ballot import BallotState
from voting.db import Connection

COORDINATOR_PERSON = f"tg:{COORDINATOR_ID}"


@asynccontextmanager
async def replica(
    path: Path | str, governance: Governance, clock: FakeClock, telegram: OfflineHarness
) -> AsyncIterator[OfflineHarness]:
    """Another process of the bot on the same database, behind the same Telegram as
    ``telegram`` (one bot, one numbering of the updates): beside it, or after it stopped."""
    services = await Services.open(governance, path, clock, documents=telegram.services.files.root)
    try:
        async with OfflineHarness(services, clock, bot=(telegram.bot, telegram.request)) as other:
            other.updates = telegram.updates
            yield other
    finally:
        await services.close()


def stored_forms(database: Path | str) -> list[tuple[str, str, int]]:
    """(person, form, step) of every form kept, as another process reads the database."""
    query = "SELECT person_id, form, step FROM bot_forms ORDER BY form"
    if isinstance(database, Path):
        with closing(sqlite3.connect(database)) as connection:
            rows = connection.execute(query).fetchall()
    else:
        with psycopg.connect(database) as postgres:
            rows = postgres.execute(query).fetchall()
    return [(row[0], row[1], row[2]) for row in rows]


async def test_a_meeting_form_goes_on_whichever_replica_gets_each_answer(
    harness: OfflineHarness, governance: Governance, clock: FakeClock, database: Path | str
) -> None:
    clock.now = PLANNING_DAY
    async with replica(database, governance, clock, harness) as other:
        one, two = harness, other
        await one.say(COORDINATOR, "/planifier")
        await press_last(two, COORDINATOR, "Comité de gouvernance")
        await one.say(COORDINATOR, "15/12/2026 14:00")
        await two.say(COORDINATOR, PLACE)
        await one.say(COORDINATOR, LINK)
        for number, item in enumerate(AGENDA):
            await (one, two)[number % 2].say(COORDINATOR, item)
        assert last_text(one, COORDINATOR_ID) == "Point 3 noté. Point suivant, ou « Terminé »."
        await press_last(two, COORDINATOR, "Terminé")
        await press_last(one, COORDINATOR, "Département de la Moselle")
        await two.say(COORDINATOR, "Jean Muller")
        await one.say(COORDINATOR, "Claire Weber")
        summary = last_text(two, COORDINATOR_ID)
        assert f"• Lieu : {PLACE}\n• Visioconférence : {LINK}\n" in summary
        await press_last(two, COORDINATOR, "Planifier la réunion")
    assert "planifiée" in last_text(harness, COORDINATOR_ID)
    (planned,) = await harness.services.meetings.find()
    plan = planned.plan
    assert plan.starts_at == paris(2026, 12, 15)
    assert (plan.place, plan.video_link, plan.chair) == (PLACE, LINK, "moselle")
    assert (plan.chair_name, plan.secretary) == ("Jean Muller", "Claire Weber")
    assert [item.title for item in plan.agenda][2] == "Questions diverses"
    assert stored_forms(database) == []


async def test_a_ballot_form_goes_on_after_a_restart(
    services: Services, governance: Governance, clock: FakeClock, database: Path | str
) -> None:
    path = database
    async with OfflineHarness(services, clock) as before:
        await before.say(COORDINATOR, "/scrutin")
        await press_form(before, "Comité de gouvernance")
        await before.say(COORDINATOR, QUESTION)
    assert stored_forms(path) == [(COORDINATOR_PERSON, "ballot_form", ballot_form.KIND)]
    await services.close()  # the process stops; another starts on the same file

    async with replica(path, governance, clock, before) as after:
        await press_form(after, "Public (appel nominal)")
        await press_form(after, "Sans date limite")
        assert f"• Question : « {QUESTION} »" in last_text(after, COORDINATOR_ID)
        await press_form(after, "Ouvrir le scrutin")
        assert "est ouvert" in last_text(after, COORDINATOR_ID)
        (opened,) = await after.services.ballots.find(state=BallotState.OPEN)
    assert opened.draft.question == QUESTION
    assert stored_forms(path) == []


async def test_the_file_announced_with_document_may_come_after_a_restart(
    harness: OfflineHarness, governance: Governance, clock: FakeClock, database: Path | str
) -> None:
    clock.now = PLANNING_DAY
    await harness.say(COORDINATOR, "/planifier")  # a meeting to attach the file to
    await press_last(harness, COORDINATOR, "Comité de gouvernance")
    for answer in ("15/12/2026 14:00", PLACE, LINK, AGENDA[0]):
        await harness.say(COORDINATOR, answer)
    await press_last(harness, COORDINATOR, "Terminé")
    await press_last(harness, COORDINATOR, "Région Grand Est")
    await harness.say(COORDINATOR, "Jean Muller")
    await harness.say(COORDINATOR, "Claire Weber")
    await press_last(harness, COORDINATOR, "Planifier la réunion")
    await harness.say(COORDINATOR, "/document 1 point 1")
    assert last_text(harness, COORDINATOR_ID).startswith("Envoyez maintenant le fichier")

    path = database
    async with replica(path, governance, clock, harness) as other:
        await other.send_file(COORDINATOR, "budget-2027.csv", BUDGET)
        (document,) = await other.services.documents.of_meeting(1)
    assert (document.filename, document.agenda_position) == ("budget-2027.csv", 1)
    assert stored_forms(path) == []


async def test_each_question_is_asked_once_the_form_is_saved_at_its_step(
    services: Services, clock: FakeClock, database: Path | str
) -> None:
    path = database
    asked: list[tuple[str, list[tuple[str, str, int]]]] = []

    def listen(call: RecordedCall) -> None:
        if call.method == "sendMessage" and call.params["chat_id"] == COORDINATOR_ID:
            asked.append((str(call.params["text"]), stored_forms(path)))

    clock.now = PLANNING_DAY
    async with OfflineHarness(services, clock, listener=listen) as harness:
        await harness.say(COORDINATOR, "/planifier")
        await press_last(harness, COORDINATOR, "Comité de gouvernance")
        await harness.say(COORDINATOR, "15/12/2026 14:00")
        await harness.say(COORDINATOR, PLACE)
        await harness.say(COORDINATOR, LINK)
        await harness.say(COORDINATOR, AGENDA[0])
        await press_last(harness, COORDINATOR, "Terminé")
    steps = [
        meeting_form.INSTANCE,
        meeting_form.DATE,
        meeting_form.PLACE,
        meeting_form.LINK,
        meeting_form.AGENDA,
        meeting_form.AGENDA,
        meeting_form.CHAIR,
    ]
    assert [kept for _text, kept in asked] == [
        [(COORDINATOR_PERSON, "meeting_form", step)] for step in steps
    ]


async def test_confirming_or_cancelling_deletes_the_form(
    harness: OfflineHarness, database: Path | str
) -> None:
    path = database
    await harness.say(COORDINATOR, "/scrutin")
    await harness.say(COORDINATOR, "/planifier")
    assert [form for _p, form, _s in stored_forms(path)] == ["ballot_form", "meeting_form"]
    await harness.say(COORDINATOR, "/annuler")
    assert last_text(harness, COORDINATOR_ID) == "Annulé ; aucune réunion n'a été planifiée."
    assert [form for _p, form, _s in stored_forms(path)] == ["ballot_form"]
    await harness.say(COORDINATOR, "/annuler")
    assert last_text(harness, COORDINATOR_ID) == "Annulé ; aucun scrutin n'a été ouvert."
    assert stored_forms(path) == []
    await harness.say(COORDINATOR, "/annuler")
    assert last_text(harness, COORDINATOR_ID) == "Aucun formulaire n'est en cours : rien à annuler."

    await harness.say(COORDINATOR, "/scrutin")
    await press_form(harness, "Annuler")
    assert stored_forms(path) == []
    await harness.say(COORDINATOR, "/scrutin")
    await press_form(harness, "Comité de gouvernance")
    await harness.say(COORDINATOR, QUESTION)
    await press_form(harness, "Public (appel nominal)")
    await press_form(harness, "Sans date limite")
    await press_form(harness, "Ouvrir le scrutin")
    assert "est ouvert" in last_text(harness, COORDINATOR_ID)
    assert stored_forms(path) == []


async def test_starting_a_form_again_starts_it_afresh(
    harness: OfflineHarness, database: Path | str
) -> None:
    """A form left half-filled is kept a day: typing its command again starts a new one."""
    await harness.say(COORDINATOR, "/scrutin")
    await press_form(harness, "Comité de gouvernance")
    await harness.say(COORDINATOR, "/scrutin")
    assert last_text(harness, COORDINATOR_ID) == "Nouveau scrutin. Quelle instance vote ?"
    assert stored_forms(database) == [(COORDINATOR_PERSON, "ballot_form", ballot_form.INSTANCE)]


async def test_a_form_left_unfinished_is_forgotten_after_a_day(
    harness: OfflineHarness, services: Services, clock: FakeClock, database: Path | str
) -> None:
    clock.now = PLANNING_DAY
    await harness.say(COORDINATOR, "/planifier")
    await press_last(harness, COORDINATOR, "Comité de gouvernance")
    clock.now = PLANNING_DAY + RETENTION - timedelta(minutes=1)
    await harness.say(COORDINATOR, "15/12/2026 14:00")
    assert last_text(harness, COORDINATOR_ID).startswith("Lieu ?")
    clock.now += RETENTION + timedelta(minutes=1)
    before = len(harness.messages_to(COORDINATOR_ID))
    await harness.say(COORDINATOR, PLACE)
    assert len(harness.messages_to(COORDINATOR_ID)) == before  # no form takes it any more
    assert len(stored_forms(database)) == 1
    await harness.application.resume()  # at a start, and every hour, old forms are deleted
    assert stored_forms(database) == []


async def test_a_form_kept_in_an_older_shape_is_dropped_and_the_person_told(
    harness: OfflineHarness, services: Services, database: Path | str
) -> None:
    path = database
    store = harness.application.bot_data[FORMS_KEY]
    await store.save(COORDINATOR_PERSON, "ballot_form", ballot_form.QUESTION, '{"choix": 3}')
    await harness.say(COORDINATOR, QUESTION)
    assert last_text(harness, COORDINATOR_ID) == (
        "Le formulaire que vous remplissiez n'a pas pu être repris après une mise à jour du "
        "bot. Recommencez avec /scrutin."
    )
    assert stored_forms(path) == []

    # A step the form no longer has: the same.
    await store.save(COORDINATOR_PERSON, "meeting_form", 99, "{}")
    await harness.say(COORDINATOR, PLACE)
    assert last_text(harness, COORDINATOR_ID).endswith("Recommencez avec /planifier.")
    assert stored_forms(path) == []

    # A file announced in an older shape.
    await store.save(COORDINATOR_PERSON, "pending_document", 0, '{"meeting": "un"}')
    await harness.send_file(COORDINATOR, "budget-2027.csv", BUDGET)
    assert last_text(harness, COORDINATOR_ID).startswith(
        "Le bot a été mis à jour depuis que vous avez annoncé ce fichier. Renvoyez-le avec "
        "la légende /document"
    )
    assert stored_forms(path) == []


async def test_a_form_answered_elsewhere_than_in_private_is_left_alone(
    harness: OfflineHarness, database: Path | str
) -> None:
    """A form is filled in the private chat: the same person typing in a group does not
    answer it."""
    await harness.say(COORDINATOR, "/scrutin")
    await press_form(harness, "Comité de gouvernance")
    group = -100777
    await harness.say(COORDINATOR, QUESTION, chat_id=group, chat_title="Un groupe")
    assert harness.messages_to(group) == []
    assert stored_forms(database) == [(COORDINATOR_PERSON, "ballot_form", ballot_form.QUESTION)]


# --- the forms read back as they were saved --------------------------------------------------


@pytest.fixture
def saved_forms(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every form as a step saves it."""
    saved: list[object] = []
    encode: Callable[[object], str] = bot.forms.encoded

    def spy(form: object) -> str:
        saved.append(form)
        return encode(form)

    monkeypatch.setattr(bot.forms, "encoded", spy)
    return saved


def assert_read_back(saved: list[object]) -> None:
    for form in list(saved):  # encoding again is spied on too
        assert bot.forms.decoded(bot.forms.encoded(form), type(form)) == form


async def test_a_ballot_form_in_session_reads_back_equal_at_every_step(
    harness: OfflineHarness, services: Services, clock: FakeClock, saved_forms: list[object]
) -> None:
    await in_session(services, clock, paris(2026, 12, 22), region_grand_est="present")
    await harness.say(COORDINATOR, "/scrutin")
    await press_form(harness, "Comité de gouvernance")
    await press_form(harness, "Adopter le budget 2027")
    await press_form(harness, "Secret")
    await harness.say(COORDINATOR, "22/12/2026 16:30")
    await press_form(harness, "Ouvrir le scrutin")
    assert "est ouvert" in last_text(harness, COORDINATOR_ID)
    kinds = [type(form).__name__ for form in saved_forms]
    assert kinds == ["BallotForm"] * 5
    last = saved_forms[-1]
    assert isinstance(last, ballot_form.BallotForm) and last.setting is not None
    assert last.setting.meeting is not None and last.deadline is not None
    assert_read_back(saved_forms)


async def test_an_election_form_reads_back_equal_at_every_step(
    harness: OfflineHarness, saved_forms: list[object]
) -> None:
    await harness.say(COORDINATOR, "/scrutin")
    await press_form(harness, "Comité de gouvernance")
    await harness.say(COORDINATOR, "Élection du vice-président")
    await press_form(harness, "Élection d'une personne")
    await harness.say(COORDINATOR, "Mme Durand, M. Martin")
    await press_form(harness, "Sans date limite")
    last = saved_forms[-1]
    assert isinstance(last, ballot_form.BallotForm)
    assert last.candidates == ("Mme Durand", "M. Martin") and last.setting is not None
    assert_read_back(saved_forms)


async def test_a_meeting_form_reads_back_equal_at_every_step(
    harness: OfflineHarness, clock: FakeClock, saved_forms: list[object]
) -> None:
    clock.now = PLANNING_DAY
    await harness.say(COORDINATOR, "/planifier")
    await press_last(harness, COORDINATOR, "Comité de gouvernance")
    for answer in ("15/12/2026 14:00", PLACE, LINK, *AGENDA):
        await harness.say(COORDINATOR, answer)
    await press_last(harness, COORDINATOR, "Terminé")
    await press_last(harness, COORDINATOR, "Région Grand Est")
    await harness.say(COORDINATOR, "Jean Muller")
    await harness.say(COORDINATOR, "Claire Weber")
    assert len(saved_forms) == 12
    last = saved_forms[-1]
    assert isinstance(last, meeting_form.MeetingForm) and last.secretary == "Claire Weber"
    assert_read_back(saved_forms)


async def test_open_pressed_twice_on_two_replicas_opens_one_ballot(
    harness: OfflineHarness, governance: Governance, clock: FakeClock, database: Path | str
) -> None:
    """A double tap whose two presses reach two replicas at once: the replica that deletes the
    form opens the ballot; the other finds it gone."""
    async with replica(database, governance, clock, harness) as other:
        await harness.say(COORDINATOR, "/scrutin")
        await press_form(harness, "Comité de gouvernance")
        await harness.say(COORDINATOR, QUESTION)
        await press_form(harness, "Public (appel nominal)")
        await press_form(harness, "Sans date limite")
        summary = harness.last_message_to(COORDINATOR_ID)
        data = button_data(summary, "Ouvrir le scrutin")
        presses = [harness.press_update(COORDINATOR, summary, data) for _twice in range(2)]
        await asyncio.gather(
            harness.application.process_update(presses[0]),
            other.application.process_update(presses[1]),
        )
        assert len(await harness.services.ballots.find(state=BallotState.OPEN)) == 1
    assert stored_forms(database) == []


async def test_a_step_that_fails_is_answered_once(
    harness: OfflineHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step's error is reported as any handler's; the update goes to no other handler (here
    the /annuler of no form)."""
    await harness.say(COORDINATOR, "/planifier")

    async def broken(context: object, key: str) -> bool:
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(meeting_form, "drop", broken)
    calls = await harness.say(COORDINATOR, "/annuler")
    sent = [call.params["text"] for call in calls if call.method == "sendMessage"]
    assert sent == [
        "Une erreur est survenue de notre côté. Ce que le bot vous a confirmé est bien "
        "enregistré ; veuillez réessayer dans un instant."
    ]


async def test_a_step_its_guard_refuses_ends_the_form(
    harness: OfflineHarness, database: Path | str
) -> None:
    """As a conversation ended on a refusal: the form is gone too."""
    await harness.say(COORDINATOR, "/planifier")
    await harness.say(COORDINATOR, "/annuler " + "x" * COMMAND_LIMIT)
    assert last_text(harness, COORDINATOR_ID).startswith("Commande trop longue")
    assert stored_forms(database) == []


async def test_a_confirmation_whose_change_does_not_commit_keeps_the_form(
    harness: OfflineHarness, database: Path | str
) -> None:
    """The form ends in the transaction of the ballot it opens: when that transaction rolls
    back (a crash, a lost connection), the form is still there to confirm again."""

    async def fail_on_a_new_ballot(connection: Connection) -> None:
        cursor = await connection.execute("SELECT count(*) FROM ballots")
        row = await cursor.fetchone()
        if row is not None and row[0] > 0:
            raise RuntimeError("the commit of the new ballot failed")

    await harness.say(COORDINATOR, "/scrutin")
    await press_form(harness, "Comité de gouvernance")
    await harness.say(COORDINATOR, QUESTION)
    await press_form(harness, "Public (appel nominal)")
    await press_form(harness, "Sans date limite")
    harness.services.database.before_commit(fail_on_a_new_ballot)
    await press_form(harness, "Ouvrir le scrutin")
    assert await harness.services.ballots.find() == []
    assert stored_forms(database) == [(COORDINATOR_PERSON, "ballot_form", ballot_form.CONFIRM)]


async def test_two_answers_at_once_on_two_replicas_keep_one_and_say_so_for_the_other(
    harness: OfflineHarness, governance: Governance, clock: FakeClock, database: Path | str
) -> None:
    """Each replica reads the form as it was. Handled one after the other, both answers are
    kept; crossing, the first save wins and the other answer is not acknowledged but sent
    back. Either way, every answer acknowledged is in the form, and no other."""
    clock.now = PLANNING_DAY
    async with replica(database, governance, clock, harness) as other:
        await harness.say(COORDINATOR, "/planifier")
        await press_last(harness, COORDINATOR, "Comité de gouvernance")
        await harness.say(COORDINATOR, "15/12/2026 14:00")
        await harness.say(COORDINATOR, PLACE)
        await harness.say(COORDINATOR, LINK)
        await asyncio.gather(harness.say(COORDINATOR, "Point A"), other.say(COORDINATOR, "Point B"))
        answers = {str(m["text"]) for m in harness.messages_to(COORDINATOR_ID)[-2:]}
    crossed = "Cette réponse a croisé la précédente, qui est enregistrée. Envoyez-la de nouveau."
    assert answers in (
        {"Point 1 noté. Point suivant, ou « Terminé ».", crossed},
        {
            "Point 1 noté. Point suivant, ou « Terminé ».",
            "Point 2 noté. Point suivant, ou « Terminé ».",
        },
    )
    kept = await FormStore(harness.services.database).load(COORDINATOR_PERSON, "meeting_form")
    assert kept is not None
    noted = [item for item in ("Point A", "Point B") if item in kept.payload]
    assert len(noted) == (1 if crossed in answers else 2)
