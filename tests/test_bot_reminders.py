"""Recurring instances remind the coordinators: the CST each quarter, the AG each year."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.harness import OfflineHarness
from meetings.actions.ballot_open import open_ballot
from meetings.actions.plan import plan_meeting
from meetings.delivery.reminders import plan_standing_reminders, send_due_reminders
from meetings.meeting import MeetingPlan
from meetings.reminders import ReminderKind, year_subject
from meetings.wording.formats import PARIS
from meetings.wording.typography import plain
from tests.acting import coordinator
from tests.clock import FakeClock
from tests.conftest import COORDINATOR_ID, GROUPEMENT


async def test_standing_reminders_are_planned_once(harness: OfflineHarness) -> None:
    services = harness.services
    assert await plan_standing_reminders(services) > 0
    assert await plan_standing_reminders(services) == 0
    pending = await services.reminders.pending()
    annual = [r for r in pending if r.kind is ReminderKind.ANNUAL and r.groupement_id == GROUPEMENT]
    # 2026's are past on 15 December 2026: 2027's two (2 January, 1 October) remain.
    assert [(r.subject, r.due_at.astimezone(PARIS).date()) for r in annual] == [
        (year_subject("ag", 2027), date(2027, 1, 2)),
        (year_subject("ag", 2027), date(2027, 10, 1)),
    ]
    assert annual[0].period == (date(2027, 1, 1), date(2027, 12, 31))
    quarterly = [r for r in pending if r.kind is ReminderKind.CST_QUARTER]
    assert quarterly and all(r.instance_id == "cst" for r in quarterly)


async def test_coordinators_are_reminded_to_plan_the_ag_until_it_is_planned(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    services = harness.services
    await plan_standing_reminders(services)
    clock.now = datetime(2027, 1, 2, 8, 0, tzinfo=UTC)  # 9 h 00 in Paris
    sent = await send_due_reminders(services)
    assert {r.kind for r in sent} == {ReminderKind.ANNUAL, ReminderKind.CST_QUARTER}
    texts = [m["text"] for m in harness.messages_to(COORDINATOR_ID)]
    assert (
        "⏰ Assemblée générale : aucune réunion n'est encore planifiée en 2027 "
        "(Groupement de commandes ENT Grand Est). Planifiez-la avec /planifier."
    ) in texts
    assert any("Comité de suivi trimestriel" in t and "1er trimestre 2027" in t for t in texts)
    assert await send_due_reminders(services) == []

    await plan_meeting(
        services,
        await coordinator(services),
        MeetingPlan(GROUPEMENT, "ag", datetime(2027, 6, 22, 12, 0, tzinfo=UTC), place="Metz"),
    )
    clock.now = datetime(2027, 10, 1, 7, 0, tzinfo=UTC) + timedelta(minutes=1)
    before = len(harness.messages_to(COORDINATOR_ID))
    sent = await send_due_reminders(services)
    assert all(r.kind is not ReminderKind.ANNUAL for r in sent)
    new = [m["text"] for m in harness.messages_to(COORDINATOR_ID)[before:]]
    assert not any("Assemblée générale" in text for text in new)
    dropped = [r for r in await services.reminders.all(year_subject("ag", 2027)) if r.dropped_at]
    assert [r.note for r in dropped] == ["a meeting is planned in that period"]


async def test_a_deadline_reminds_each_person_once_and_only_those_who_have_not_voted(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    from tests.conftest import enrol

    services = harness.services
    people = {m: await enrol(harness, m) for m in ("meuse", "ardennes", "aube")}
    await harness.say(people["meuse"], "/pouvoir cogouv ardennes")
    opened = await open_ballot(
        services,
        await coordinator(services),
        GROUPEMENT,
        "cogouv",
        "Approuver le budget 2027",
        deadline=clock.now + timedelta(days=2),
    )
    ballot = opened.ballot
    assert ballot.draft.deadline is not None
    await services.ballots.cast(ballot.id, "aube", "for", f"tg:{people['aube']['id']}")
    before = len(harness.request.calls)
    clock.now = ballot.draft.deadline - timedelta(hours=24)
    sent = await send_due_reminders(services)
    assert [r.label for r in sent] == ["H-24"]
    calls = harness.request.calls[before:]
    to = [c.params["chat_id"] for c in calls if c.method == "sendMessage"]
    ardennes = people["ardennes"]["id"]
    # One reminder and two papers (its own, and the Meuse's by proxy); nothing for the Aube.
    assert to == [ardennes, ardennes, ardennes]
    reminder = plain(next(plain(c.params["text"]) for c in calls if c.method == "sendMessage"))
    assert reminder == (
        f"⏰ Rappel : le scrutin n° {ballot.id} se clôt le jeudi 17 décembre 2026 à 14 h 00 ; "
        "pas encore de vote pour : Département des Ardennes, Département de la Meuse."
    )
    assert await send_due_reminders(services) == []
