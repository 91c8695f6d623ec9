"""The coordinators are reminded of the convention's dates: six months and one month before its
term ends (as amendments leave it) and before a withdrawal window closes, each once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.harness import OfflineHarness
from config.convention import Amendment
from config.models import Governance
from meetings import reminders as reminders_module
from meetings.delivery.reminders import plan_standing_reminders, send_due_reminders
from meetings.reminders import ConventionEvent, ReminderKind, Reminders, convention_subject
from meetings.services import Services
from meetings.wording.formats import PARIS
from tests.clock import FakeClock
from voting.db import Database

EQUIPEMENTS = "equipements-numeriques"
CLAIRE = 1001


def texts_to(harness: OfflineHarness) -> list[str]:
    """Claire's messages about the convention (she coordinates the ENT too: its CST reminders
    come to her as well)."""
    return [m["text"] for m in harness.messages_to(CLAIRE) if "Rappel :" in m["text"]]


async def coordinate_equipements(services: Services) -> None:
    await services.roster.add_coordinator(EQUIPEMENTS, f"tg:{CLAIRE}", "Claire", "tests")


async def test_the_term_end_and_the_withdrawal_windows_are_planned_once(
    services: Services,
) -> None:
    assert await plan_standing_reminders(services) > 0
    assert await plan_standing_reminders(services) == 0
    pending = [r for r in await services.reminders.pending() if r.kind is ReminderKind.CONVENTION]
    planned = [(r.subject, r.label, r.due_at.astimezone(PARIS)) for r in pending]
    # Today is 15 December 2026: the window closing on 1 January 2027 is too near for
    # either reminder; the next one, and the end of February 2030, get both.
    assert [(s, label, due.date()) for s, label, due in planned] == [
        (
            convention_subject(EQUIPEMENTS, ConventionEvent.WITHDRAWAL_CLOSE, date(2028, 1, 1)),
            "M-6",
            date(2027, 7, 1),
        ),
        (
            convention_subject(EQUIPEMENTS, ConventionEvent.WITHDRAWAL_CLOSE, date(2028, 1, 1)),
            "M-1",
            date(2027, 12, 1),
        ),
        (
            convention_subject(EQUIPEMENTS, ConventionEvent.TERM_END, date(2030, 2, 24)),
            "M-6",
            date(2029, 8, 24),
        ),
        (
            convention_subject(EQUIPEMENTS, ConventionEvent.TERM_END, date(2030, 2, 24)),
            "M-1",
            date(2030, 1, 24),
        ),
    ]
    assert all(due.hour == 9 for _s, _l, due in planned)


async def test_coordinators_get_each_reminder_once_in_private(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    services = harness.services
    await coordinate_equipements(services)
    await plan_standing_reminders(services)
    clock.now = datetime(2027, 7, 1, 7, 0, tzinfo=UTC)  # 9 h 00 in Paris
    sent = [r for r in await send_due_reminders(services) if r.kind is ReminderKind.CONVENTION]
    assert [r.label for r in sent] == ["M-6"]
    assert texts_to(harness)[-1] == (
        "⏰ Rappel : dans 6 mois, le 1er janvier 2028, se clôt le délai dans lequel les membres "
        "du Groupement de commandes pour des équipements numériques peuvent demander à se "
        "retirer à compter du 1er septembre 2028."
    )
    before = len(texts_to(harness))
    # Planned again (a restart), the reminder already sent is not sent again.
    await plan_standing_reminders(services)
    again = [r for r in await send_due_reminders(services) if r.kind is ReminderKind.CONVENTION]
    assert again == []
    assert len(texts_to(harness)) == before

    clock.now = datetime(2030, 1, 24, 8, 0, tzinfo=UTC)
    await send_due_reminders(services)
    assert texts_to(harness)[-1] == (
        "⏰ Rappel : la convention du Groupement de commandes pour des équipements numériques "
        "prend fin le 24 février 2030, dans 1 mois. Un avenant peut la prolonger ; les membres "
        "en décident à temps."
    )


async def test_an_amendment_that_moves_the_end_drops_the_old_reminders(
    services: Services, clock: FakeClock
) -> None:
    await coordinate_equipements(services)
    await plan_standing_reminders(services)
    # A second amendment, signed in 2029, extends the term to 2032 (the bot restarts with it).
    groupement = services.governance.groupement(EQUIPEMENTS)
    assert groupement.convention is not None
    amended = groupement.convention.model_copy(
        update={
            "amendments": [
                *groupement.convention.amendments,
                Amendment(
                    number=2, date=date(2029, 6, 1), source="test", new_end=date(2032, 2, 24)
                ),
            ]
        }
    )
    services.governance = Governance(
        groupements={
            **services.governance.groupements,
            EQUIPEMENTS: groupement.model_copy(update={"convention": amended}),
        }
    )
    clock.now = datetime(2029, 8, 24, 7, 0, tzinfo=UTC)
    sent = await send_due_reminders(services)
    assert [r for r in sent if r.kind is ReminderKind.CONVENTION] == []
    assert await plan_standing_reminders(services) > 0
    subjects = {r.subject for r in await services.reminders.pending()}
    assert convention_subject(EQUIPEMENTS, ConventionEvent.TERM_END, date(2032, 2, 24)) in subjects
    assert convention_subject(EQUIPEMENTS, ConventionEvent.TERM_END, date(2030, 2, 24)) not in (
        subjects
    )


async def test_a_database_from_before_keeps_its_reminders_and_takes_the_new_kind(
    tmp_path: Path,
) -> None:
    now = datetime(2026, 12, 15, 13, 0, tzinfo=UTC)
    database = await Database.open(tmp_path / "old.db", lambda: now)
    await database.migrate(reminders_module.COMPONENT, reminders_module.MIGRATIONS[:1])
    old = Reminders(database)
    assert await old.schedule(
        ReminderKind.ANNUAL, "g", "year:ag:2027", "01-02", now + timedelta(days=20), now
    )
    await old.migrate()
    (kept,) = await old.pending()
    assert (kept.kind, kept.subject) == (ReminderKind.ANNUAL, "year:ag:2027")
    assert await old.plan_convention("g", ConventionEvent.TERM_END, date(2030, 2, 24), PARIS) == 2
    await database.close()
