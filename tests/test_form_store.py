"""The forms in progress on both engines: one per person and form, replaced at each step,
read back by another connection (another replica, or after a restart), marked handled with
the update that wrote them, deleted once, and forgotten after the retention.

And the forms' JSON: whatever a form holds reads back equal, without pickle."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.form_store import RETENTION, FormChanged, FormStore, SavedForm
from bot.forms import decoded, encoded
from bot.handlers.ballot_form import BallotForm
from bot.handlers.documents import Upload
from bot.handlers.meeting_form import MeetingForm
from bot.inbox import Inbox, handling
from meetings.documents import DocumentKind
from meetings.meeting import AgendaItem
from tests.clock import FakeClock
from voting.db import Database
from voting.decision_rules import DecisionRule
from voting.rules import BallotKind

ALICE, BRUNO = "tg:1", "tg:2"


@pytest.fixture
async def forms(database: Path | str, clock: FakeClock) -> AsyncIterator[FormStore]:
    opened = await Database.open(database, clock)
    store = FormStore(opened)
    await store.migrate()
    yield store
    await opened.close()


async def test_a_form_is_kept_per_person_and_replaced_at_each_step(forms: FormStore) -> None:
    await forms.save(ALICE, "ballot_form", 1, '{"a": 1}')
    await forms.save(ALICE, "meeting_form", 10, "{}")
    await forms.save(BRUNO, "ballot_form", 2, '{"b": 2}')
    await forms.save(ALICE, "ballot_form", 3, '{"a": 3}')
    assert await forms.of_person(ALICE) == {
        "ballot_form": SavedForm(3, '{"a": 3}', 1),
        "meeting_form": SavedForm(10, "{}", 0),
    }
    assert await forms.load(BRUNO, "ballot_form") == SavedForm(2, '{"b": 2}', 0)
    assert await forms.load(BRUNO, "meeting_form") is None


async def test_a_save_expects_the_version_it_read(forms: FormStore) -> None:
    """Two answers of one person, read from the same version on two replicas: the first is
    kept, the second is refused instead of silently replacing it."""
    first = await forms.save(ALICE, "meeting_form", 14, '{"agenda": []}')
    assert await forms.save(ALICE, "meeting_form", 14, '{"agenda": ["A"]}', read=first) == 1
    with pytest.raises(FormChanged):
        await forms.save(ALICE, "meeting_form", 14, '{"agenda": ["B"]}', read=first)
    assert await forms.load(ALICE, "meeting_form") == SavedForm(14, '{"agenda": ["A"]}', 1)
    await forms.delete(ALICE, "meeting_form")
    with pytest.raises(FormChanged):
        await forms.save(ALICE, "meeting_form", 14, '{"agenda": ["C"]}', read=1)


async def test_another_process_on_the_same_file_reads_the_form(
    forms: FormStore, database: Path | str, clock: FakeClock
) -> None:
    await forms.save(ALICE, "meeting_form", 12, '{"place": "Metz"}')
    other = await Database.open(database, clock)
    try:
        store = FormStore(other)
        await store.migrate()  # already done: nothing runs twice
        assert await store.load(ALICE, "meeting_form") == SavedForm(12, '{"place": "Metz"}', 0)
        assert await store.delete(ALICE, "meeting_form")
    finally:
        await other.close()
    assert await forms.load(ALICE, "meeting_form") is None


async def test_a_form_is_deleted_once(forms: FormStore) -> None:
    """Whoever deletes it confirms it: a second press elsewhere finds it gone."""
    await forms.save(ALICE, "ballot_form", 4, "{}")
    assert await forms.delete(ALICE, "ballot_form")
    assert not await forms.delete(ALICE, "ballot_form")


async def test_a_form_left_a_day_is_forgotten(forms: FormStore, clock: FakeClock) -> None:
    start = clock.now
    await forms.save(ALICE, "ballot_form", 1, "{}")
    clock.now = start + timedelta(hours=1)
    await forms.save(BRUNO, "ballot_form", 1, "{}")
    clock.now = start + RETENTION
    assert await forms.load(ALICE, "ballot_form") is not None
    clock.now = start + RETENTION + timedelta(minutes=1)
    assert await forms.load(ALICE, "ballot_form") is None  # no longer read
    assert await forms.load(BRUNO, "ballot_form") is not None
    assert await forms.forget_old() == 1
    assert await forms.of_person(BRUNO) != {}


async def test_saving_a_form_marks_the_update_that_did_it(forms: FormStore, tmp_path: Path) -> None:
    inbox = Inbox(forms.database)
    await inbox.migrate()
    await inbox.admit(41, "{}")
    with handling(41):
        await forms.save(ALICE, "meeting_form", 11, "{}")
    assert await inbox.is_handled(41)


# --- JSON, and back ----------------------------------------------------------------------------

ZONES = st.sampled_from(
    [UTC, ZoneInfo("Europe/Paris"), ZoneInfo("America/Cayenne"), ZoneInfo("Pacific/Noumea")]
)
# Hypothesis takes naive bounds and puts each moment in one of the zones.
MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=ZONES,
)
TEXTS = st.text(max_size=40)
PAIRS = st.lists(st.tuples(TEXTS, TEXTS), max_size=5)

BALLOT_FORMS = st.builds(
    BallotForm,
    choices=PAIRS,
    groupement_id=TEXTS,
    instance_id=TEXTS,
    question=TEXTS,
    kind=st.sampled_from(BallotKind),
    candidates=st.lists(TEXTS, max_size=4).map(tuple),
    deadline=st.none() | MOMENTS,
    motions=st.lists(TEXTS, max_size=4),
    setting=st.none(),
    rules=st.lists(st.sampled_from(DecisionRule), max_size=5),
    rule=st.none() | st.sampled_from(DecisionRule),
)
MEETING_FORMS = st.builds(
    MeetingForm,
    choices=PAIRS,
    groupement_id=TEXTS,
    instance_id=TEXTS,
    starts_at=st.none() | MOMENTS,
    place=st.none() | TEXTS,
    video_link=st.none() | TEXTS,
    agenda=st.lists(
        st.builds(AgendaItem, TEXTS, st.none() | TEXTS, st.none() | st.integers(1, 2**40)),
        max_size=5,
    ),
    chair=st.none() | TEXTS,
    chair_name=st.none() | TEXTS,
    secretary=st.none() | TEXTS,
)
UPLOADS = st.builds(
    Upload,
    st.integers(1, 2**62),
    st.sampled_from(DocumentKind),
    st.none() | st.integers(1, 99),
    st.booleans(),
)


@given(st.one_of(BALLOT_FORMS, MEETING_FORMS, UPLOADS))
def test_a_form_reads_back_equal(form: object) -> None:
    read = decoded(encoded(form), type(form))
    assert read == form
    assert encoded(read) == encoded(form)


def test_json_of_another_shape_reads_as_no_form() -> None:
    meeting = encoded(MeetingForm([("g", "i")], "g", "i"))
    assert decoded(meeting, MeetingForm) == MeetingForm([("g", "i")], "g", "i")
    assert decoded(meeting, BallotForm) is None  # its choices fit, its other fields do not
    assert decoded('{"choices": "none"}', MeetingForm) is None
    assert decoded("not json", MeetingForm) is None
    assert decoded('{"meeting_id": 1, "kind": "unknown"}', Upload) is None
