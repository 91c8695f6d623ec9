"""Free text a person types: each field has a limit, checked when typed with a message that
gives it, and text that shows nothing is empty (issue #10). The limits make every later use
fit: the convocation in one Telegram message, the minutes' rows on a page, a motion as a
question."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.app import TABLE
from bot.arguments import wall_clock_moment
from bot.harness import OfflineHarness
from meetings.actions.actor import identify
from meetings.actions.agenda_note import note_agenda_item
from meetings.actions.convene import convene
from meetings.actions.plan import plan_meeting
from meetings.actions.reply import reply
from meetings.actions.session_open import open_session
from meetings.meeting import AgendaItem, MeetingPlan, MeetingState, ReplyKind
from meetings.texts import (
    AGENDA_LIMIT,
    COMMAND_LIMIT,
    LIMITS,
    TextEmpty,
    TextTooLong,
    Typed,
    shows_something,
    typed,
)
from meetings.wording.formats import PARIS
from tests.acting import coordinator
from tests.clock import FakeClock
from tests.conftest import (
    COORDINATOR,
    COORDINATOR_ID,
    GROUP_CHAT,
    GROUPEMENT,
    enrol,
    representative,
)
from tests.test_bot_meetings import (
    LINK,
    PLACE,
    convocation_count,
    last_text,
    open_session_ballot,
    plan,
    prepare,
    press_last,
)
from tests.test_bot_meetings import (
    open_session as open_session_via_bot,
)

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u3164\u2800\u180e\u034f"


def long_text(length: int, word: str = "Lorem ") -> str:
    return (word * (length // len(word) + 1))[:length].strip().ljust(length, "x")


# --- the rule ----------------------------------------------------------------------------


@pytest.mark.parametrize("field", list(Typed))
def test_each_field_takes_its_limit_and_refuses_one_more_character(field: Typed) -> None:
    limit = LIMITS[field]
    assert typed(field, long_text(limit)) == long_text(limit)
    with pytest.raises(TextTooLong) as caught:
        typed(field, long_text(limit + 1))
    assert caught.value.details == {"field": field.value, "limit": limit, "length": limit + 1}


@pytest.mark.parametrize("text", ["", "   ", INVISIBLE, "\u200b" * 4000, " \u200b \ufeff "])
def test_text_that_shows_nothing_is_empty(text: str) -> None:
    with pytest.raises(TextEmpty):
        typed(Typed.QUESTION, text)


@given(st.text(max_size=600))
def test_any_text_is_kept_within_its_limit_or_refused(text: str) -> None:
    try:
        value = typed(Typed.QUESTION, text)
    except TextEmpty:
        assert not shows_something(text)
    except TextTooLong:
        assert len(" ".join(text.split())) > LIMITS[Typed.QUESTION]
    else:
        assert shows_something(value) and len(value) <= LIMITS[Typed.QUESTION]


# --- /planifier --------------------------------------------------------------------------


async def start_planning(harness: OfflineHarness) -> None:
    await harness.say(COORDINATOR, "/planifier")
    await press_last(harness, COORDINATOR, "Comité de gouvernance")
    await harness.say(COORDINATOR, "15/12/2026 14:00")


async def test_a_place_too_long_is_refused_with_the_limit_and_the_form_goes_on(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    await prepare(harness, clock, ())
    await start_planning(harness)
    for length in (4000, 3500, 201):
        await harness.say(COORDINATOR, long_text(length))
        shown = f"{length:,}".replace(",", " ")
        assert last_text(harness, COORDINATOR_ID) == (
            f"Texte trop long (lieu) : {shown} caractères, 200 au plus. "
            "Envoyez un texte plus court."
        )
    await harness.say(COORDINATOR, INVISIBLE)
    assert last_text(harness, COORDINATOR_ID).startswith(
        "Il n'y a rien à lire dans ce texte (lieu)"
    )
    await harness.say(COORDINATOR, PLACE)
    assert last_text(harness, COORDINATOR_ID).startswith("Lien de visioconférence ?")


async def test_each_typed_step_of_planning_gives_its_limit(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    await prepare(harness, clock, ())
    await start_planning(harness)
    await harness.say(COORDINATOR, PLACE)
    await harness.say(COORDINATOR, "https://" + "a" * 300)
    assert "(lien de visioconférence) : 308 caractères, 300 au plus" in last_text(
        harness, COORDINATOR_ID
    )
    await harness.say(COORDINATOR, LINK)
    await harness.say(COORDINATOR, long_text(201))
    assert "(point de l'ordre du jour) : 201 caractères, 200 au plus" in last_text(
        harness, COORDINATOR_ID
    )
    # A motion becomes a ballot's question: it takes no more than a question does.
    await harness.say(COORDINATOR, f"Budget ; vote : {long_text(501)}")
    assert "(motion) : 501 caractères, 500 au plus" in last_text(harness, COORDINATOR_ID)
    await harness.say(COORDINATOR, f"Budget ; vote : {INVISIBLE}")
    assert "rien à lire" in last_text(harness, COORDINATOR_ID)
    for _ in range(AGENDA_LIMIT // 700):
        await harness.say(COORDINATOR, f"{long_text(200)} ; vote : {long_text(500)}")
    await harness.say(COORDINATOR, f"{long_text(200)} ; vote : {long_text(500)}")
    assert last_text(harness, COORDINATOR_ID).startswith("L'ordre du jour est complet : 20 points")
    await press_last(harness, COORDINATOR, "Terminé")
    await press_last(harness, COORDINATOR, "Région Grand Est")
    await harness.say(COORDINATOR, long_text(101))
    assert "(nom du président de séance) : 101 caractères, 100 au plus" in last_text(
        harness, COORDINATOR_ID
    )
    await harness.say(COORDINATOR, long_text(100))
    await harness.say(COORDINATOR, "\u200b")
    assert "rien à lire dans ce texte (nom du secrétaire de séance)" in last_text(
        harness, COORDINATOR_ID
    )
    await harness.say(COORDINATOR, long_text(100))
    summary = last_text(harness, COORDINATOR_ID)
    assert summary.startswith("Récapitulatif") and len(summary) <= 4096
    await press_last(harness, COORDINATOR, "Planifier la réunion")
    assert "planifiée" in last_text(harness, COORDINATOR_ID)


# --- convocations and questions ----------------------------------------------------------


async def test_an_urgency_reason_too_long_convenes_nobody(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, ("aube", "marne"))
    await plan(harness)
    clock.now = datetime(2026, 12, 13, 8, 0, tzinfo=UTC)  # one clear day: urgency only
    for reason, answer in [
        (long_text(4000), "Commande trop longue : 4 021 caractères, 1 200 au plus."),
        (long_text(301), "Texte trop long (motif de l'urgence) : 301 caractères, 300 au plus."),
    ]:
        await harness.say(COORDINATOR, f"/convoquer 1 urgence {reason}")
        assert last_text(harness, COORDINATOR_ID).startswith(answer)
        assert (await harness.services.meetings.get(1)).state is MeetingState.PLANNED
        assert all(convocation_count(harness, p) == 0 for p in people.values())
    await harness.say(COORDINATOR, f"/convoquer 1 urgence {long_text(300)}")
    assert (await harness.services.meetings.get(1)).state is MeetingState.CONVENED
    assert all(convocation_count(harness, p) == 1 for p in people.values())


async def test_a_motion_of_the_longest_length_is_chosen_as_the_question(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    motion = long_text(500)
    people = await prepare(harness, clock, ("region-grand-est", "cea", "moselle", "ardennes"))
    await plan(harness, agenda=(f"Budget ; vote : {motion}",))
    await harness.say(COORDINATOR, "/convoquer 1")
    for person in people.values():
        await press_last(harness, person, "Présent")
    await open_session_via_bot(harness, clock)
    ballot_id = await open_session_ballot(harness, motion)
    assert (await harness.services.ballots.get(ballot_id)).draft.question == motion


async def test_a_question_that_shows_nothing_is_refused_and_nothing_is_stored(
    harness: OfflineHarness,
) -> None:
    await harness.say(COORDINATOR, "/scrutin")
    await press_last(harness, COORDINATOR, "Comité de gouvernance")
    await harness.say(COORDINATOR, "\u200b\u200b\u200b")
    assert last_text(harness, COORDINATOR_ID) == (
        "Il n'y a rien à lire dans ce texte (question). Envoyez-le de nouveau."
    )
    await harness.say(COORDINATOR, "/annuler")
    assert await harness.services.ballots.find() == []


# --- the longest texts still make minutes ------------------------------------------------


@pytest.mark.parametrize("word", ["Lorem ipsum ", "x"])
async def test_minutes_print_every_field_at_its_limit(
    harness: OfflineHarness, clock: FakeClock, word: str
) -> None:
    services = harness.services
    clock.now = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
    members = ("region-grand-est", "cea", "moselle", "ardennes", "aube")
    for member in members:
        await enrol(harness, member)
    actor = await coordinator(services)
    items = AGENDA_LIMIT // 700
    plan_ = MeetingPlan(
        GROUPEMENT,
        "cogouv",
        datetime(2026, 12, 15, 13, 0, tzinfo=UTC),
        place=long_text(LIMITS[Typed.PLACE], word),
        video_link="https://" + long_text(LIMITS[Typed.VIDEO_LINK] - 8, word).replace(" ", "-"),
        agenda=tuple(AgendaItem(long_text(200, word), long_text(500, word)) for _ in range(items)),
        chair_name=long_text(LIMITS[Typed.CHAIR_NAME], word),
        secretary=long_text(LIMITS[Typed.SECRETARY], word),
    )
    meeting = (await plan_meeting(services, actor, plan_)).meeting
    await convene(services, actor, meeting.id)
    for member in members:
        person = await identify(services, f"tg:{representative(member)['id']}", member, "fr")
        await reply(services, person, meeting.id, member, ReplyKind.PRESENT)
    clock.now = datetime(2026, 12, 15, 13, 0, tzinfo=UTC)
    await open_session(services, actor, meeting.id)
    for position in range(1, items + 1):
        await note_agenda_item(services, actor, meeting.id, position, long_text(1000, word))
    calls = await harness.say(COORDINATOR, f"/pv {meeting.id}")
    assert [c.params["document"]["filename"] for c in calls if c.method == "sendDocument"] == [
        f"pv-reunion-{meeting.id}-projet.pdf"
    ]


async def test_a_place_too_long_is_refused_by_the_action_too(harness: OfflineHarness) -> None:
    actor = await coordinator(harness.services)
    plan_ = MeetingPlan(
        GROUPEMENT, "cogouv", datetime(2026, 12, 25, 13, 0, tzinfo=UTC), place=long_text(3500)
    )
    with pytest.raises(TextTooLong):
        await plan_meeting(harness.services, actor, plan_)
    assert await harness.services.meetings.find() == []


# --- commands that echo what they were given ---------------------------------------------


@pytest.mark.parametrize("length", [COMMAND_LIMIT, 4096])
@pytest.mark.parametrize("word", ["x", "Lorem ipsum "])
async def test_no_command_answers_a_long_argument_with_a_message_telegram_refuses(
    harness: OfflineHarness, caplog: pytest.LogCaptureFixture, length: int, word: str
) -> None:
    """Each command, with an argument as long as the message may be (Telegram takes 4,096
    characters from a person), in a private chat and in a group."""
    await harness.say(COORDINATOR, "/lier ent-grand-est cogouv", chat_id=GROUP_CHAT)
    caplog.set_level(logging.ERROR)
    for command in TABLE.commands:
        argument = long_text(length - len(command.name) - 2, word)
        for chat in (None, GROUP_CHAT):
            calls = await harness.say(COORDINATOR, f"/{command.name} {argument}", chat_id=chat)
            assert not [c for c in calls if c.failed], (command.name, calls)
            await harness.say(COORDINATOR, "/annuler", chat_id=chat)
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("text", ["١٥/١٢/٢٠٢٦ 14:00", "15/12/2026 １4:00", "15/12/20261 14:00"])
def test_a_date_is_written_with_ascii_digits(text: str) -> None:
    assert wall_clock_moment(text, PARIS) is None
    assert wall_clock_moment("15/12/2026 14:00", PARIS) is not None
