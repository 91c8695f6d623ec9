"""A meeting's documents below the bot: who reads which (pure), the content-addressed files
and the tables on a real SQLite file, the actions (attach, complement, receipts, signed
minutes), the minutes' record of when each was sent, and ``scrutin backup``."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from meetings.actions.attach_document import (
    attach_document,
    confirm_received,
    receipts_of,
    stored_documents,
)
from meetings.actions.convene import convene
from meetings.actions.session_adjourn import adjourn
from meetings.actions.session_open import open_session
from meetings.document_files import DocumentFiles, copy_documents, documents_directory
from meetings.documents import (
    DocumentCorrupted,
    DocumentDelivery,
    DocumentKind,
    DocumentTooLarge,
    MeetingDocument,
    MinutesNotHeld,
    NewDocument,
    NotAReceiver,
    complement,
    readers,
    receipt_status,
    shown_name,
)
from meetings.minutes.builder import build_minutes
from meetings.minutes.model import Minutes
from meetings.minutes.session_fields import documents_text
from meetings.notifier import Private
from meetings.recipients import Recipient
from meetings.services import Services
from meetings.wording.messages.documents import file_size, status_messages
from meetings.wording.typography import plain
from tests.acting import coordinator
from tests.clock import FakeClock
from tests.steps import (
    answer,
    chair_for_the_session,
    convened,
    in_session,
    minutes_of,
    notifier_of,
    paris,
    person_of,
    planned,
)

AT = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
MEETING_DAY = paris(2026, 12, 15)
BUDGET = NewDocument("budget-2027.csv", b"poste;montant\nLicences;1200000\n", "text/csv")
AUBE = Recipient("tg:aube", "aube", advisory=False)
AUBE_SUPPLEANT = Recipient("tg:aube-s", "aube", advisory=False)
DANE = Recipient("tg:dane", "dane", advisory=True)


def document(**changes: object) -> MeetingDocument:
    values: dict[str, object] = dict(
        id=1,
        meeting_id=1,
        agenda_position=None,
        kind=DocumentKind.ANNEX,
        confidential=False,
        filename="budget.csv",
        mime_type="text/csv",
        size=10,
        sha256="a" * 64,
        added_by="tg:1001",
        added_at=AT,
    )
    values.update(changes)
    return MeetingDocument(**values)  # type: ignore[arg-type]


# --- pure ---------------------------------------------------------------------------------


def test_a_confidential_document_reaches_the_representatives_and_no_advisory_participant() -> None:
    people = [AUBE, AUBE_SUPPLEANT, DANE]
    assert readers(document(), people) == people
    assert readers(document(confidential=True), people) == [AUBE, AUBE_SUPPLEANT]
    assert readers(document(kind=DocumentKind.SIGNED_MINUTES), people) == []


def test_a_document_added_after_the_convocation_is_a_complement() -> None:
    assert not complement(document(), None)
    assert not complement(document(), AT)
    assert complement(document(added_at=AT + timedelta(seconds=1)), AT)


def test_the_shown_name_keeps_no_directory_and_its_extension() -> None:
    assert shown_name("C:\\Users\\claire\\budget.pdf") == "budget.pdf"
    assert shown_name("../../etc/passwd") == "passwd"
    assert shown_name("\u202e\n") == "document"
    long = shown_name("x" * 300 + ".pdf")
    assert len(long) <= 120 and long.endswith("….pdf")


def test_the_receipts_say_who_pressed_and_who_has_not() -> None:
    confidential = document(confidential=True)
    deliveries = [
        DocumentDelivery(1, "tg:aube", "aube", AT, False, received_at=AT + timedelta(hours=1)),
        DocumentDelivery(1, "tg:aube-s", "aube", AT, False),
    ]
    status = receipt_status(confidential, deliveries, [AUBE, AUBE_SUPPLEANT, DANE])
    assert [d.person_id for d in status.confirmed] == ["tg:aube"]
    assert [d.person_id for d in status.unconfirmed] == ["tg:aube-s"]
    assert status.not_delivered == ()
    nobody = receipt_status(confidential, [], [AUBE, DANE])
    assert nobody.not_delivered == (AUBE,)


def test_sizes_read_as_people_write_them() -> None:
    assert plain(file_size(1, "fr")) == "1 octet"
    assert plain(file_size(850, "fr")) == "850 octets"
    assert plain(file_size(12_700, "fr")) == "12,4 Ko"
    assert plain(file_size(20 * 1024 * 1024, "fr")) == "20 Mo"
    assert file_size(1_300_000, "en") == "1.2 MB"


# --- files and tables on disk ------------------------------------------------------------------


def test_files_are_stored_once_under_their_digest_and_checked_when_read(tmp_path: Path) -> None:
    files = DocumentFiles(documents_directory(tmp_path / "scrutin.db"))
    digest = files.put(b"budget")
    assert files.put(b"budget") == digest
    path = files.path_of(digest)
    assert path == tmp_path / "scrutin-documents" / digest[:2] / digest
    assert files.read(digest) == b"budget"
    path.write_bytes(b"budget altered")
    with pytest.raises(DocumentCorrupted):
        files.read(digest)
    path.unlink()
    with pytest.raises(DocumentCorrupted):
        files.read(digest)
    with pytest.raises(ValueError):
        files.path_of("../../etc/passwd")


async def test_documents_and_deliveries_survive_a_restart(
    tmp_path: Path, database: Path | str, services: Services, clock: FakeClock
) -> None:
    clock.now = AT
    meeting = await planned(services, MEETING_DAY)
    attached = await attach_document(
        services, await coordinator(services), meeting.id, BUDGET, agenda_position=2
    )
    delivery = DocumentDelivery(attached.document.id, "tg:aube", "aube", AT, True, None, 5, 9)
    await services.documents.record_delivery(delivery)
    await services.documents.record_delivery(delivery)  # once only
    assert await services.documents.mark_received(attached.document.id, "tg:aube", AT)
    assert not await services.documents.mark_received(attached.document.id, "tg:marne", AT)

    reopened = await Services.open(
        services.governance, database, clock, documents=tmp_path / "scrutin-documents"
    )
    try:
        (found,) = await reopened.documents.of_meeting(meeting.id)
        assert found == attached.document
        assert found.agenda_position == 2 and found.added_at == AT
        assert await reopened.documents.deliveries(meeting.id) == [
            DocumentDelivery(attached.document.id, "tg:aube", "aube", AT, True, AT, 5, 9)
        ]
        assert reopened.files.read(found.sha256) == BUDGET.content
    finally:
        await reopened.close()


# --- actions --------------------------------------------------------------------------------


async def test_only_a_coordinator_attaches_and_not_too_large_a_file(
    services: Services, clock: FakeClock
) -> None:
    clock.now = AT
    meeting = await planned(services, MEETING_DAY)
    aube = await person_of(services, "aube")
    with pytest.raises(Exception, match="does not coordinate"):
        await attach_document(services, aube, meeting.id, BUDGET)
    big = NewDocument("scan.pdf", b"x" * (20 * 1024 * 1024 + 1), "application/pdf")
    with pytest.raises(DocumentTooLarge):
        await attach_document(services, await coordinator(services), meeting.id, big)
    assert await services.documents.of_meeting(meeting.id) == []


async def test_a_confidential_complement_and_its_receipts(
    services: Services, clock: FakeClock
) -> None:
    clock.now = AT
    for member in ("aube", "marne", "dane"):
        await person_of(services, member)
    meeting = await convened(services, MEETING_DAY)
    clock.advance(timedelta(hours=2))
    actor = await coordinator(services)
    bids = NewDocument("analyse.pdf", b"%PDF analyse", "application/pdf")

    attached = await attach_document(services, actor, meeting.id, bids, confidential=True)

    assert attached.convened and attached.sent == 2
    sent_to = [
        s.to
        for s in notifier_of(services).sent
        if s.attachment is not None and s.attachment.filename == "analyse.pdf"
    ]
    assert sorted(to.person_id for to in sent_to if isinstance(to, Private)) == [
        "tg:aube",
        "tg:marne",
    ]
    with pytest.raises(NotAReceiver):
        await confirm_received(services, "tg:dane", attached.document.id)
    clock.advance(timedelta(minutes=5))
    first = await confirm_received(services, "tg:aube", attached.document.id)
    clock.advance(timedelta(minutes=5))
    again = await confirm_received(services, "tg:aube", attached.document.id)
    assert first.at == again.at == AT + timedelta(hours=2, minutes=5)

    _meeting, (status,), _names = await receipts_of(services, actor, meeting.id)
    assert [d.person_id for d in status.confirmed] == ["tg:aube"]
    assert [d.person_id for d in status.unconfirmed] == ["tg:marne"]


async def test_the_minutes_say_which_document_was_sent_when(
    services: Services, clock: FakeClock
) -> None:
    clock.now = AT
    await person_of(services, "aube")
    meeting = await planned(services, MEETING_DAY)
    actor = await coordinator(services)
    await attach_document(services, actor, meeting.id, BUDGET)
    await convene(services, actor, meeting.id)
    await answer(services, meeting, aube="present")
    clock.now = AT + timedelta(days=1)
    report = NewDocument("rapport.pdf", b"%PDF rapport", "application/pdf")
    await attach_document(services, actor, meeting.id, report)
    clock.now = MEETING_DAY
    await chair_for_the_session(services, meeting)
    await open_session(services, actor, meeting.id)

    minutes = await minutes_of(services, meeting.id)
    assert minutes.documents == ()  # without the documents store, nothing is claimed
    text = plain(documents_text(await _with_documents(services, meeting.id), "fr"))
    assert text == (
        "budget-2027.csv (31 octets), envoyé avec la convocation le mardi 8 décembre 2026 à "
        "9 h 00 ; rapport.pdf (12 octets), envoyé en complément le mercredi 9 décembre 2026 à "
        "9 h 00."
    )


async def _with_documents(services: Services, meeting_id: int) -> Minutes:
    return await build_minutes(
        meeting_id,
        governance=services.governance,
        meetings=services.meetings,
        ballots=services.ballots,
        sessions=services.sessions,
        documents=services.documents,
    )


async def test_the_signed_minutes_are_kept_with_the_closed_meeting(
    services: Services, clock: FakeClock
) -> None:
    clock.now = AT
    await person_of(services, "aube")
    meeting = await in_session(services, clock, MEETING_DAY, aube="present")
    actor = await coordinator(services)
    scan = NewDocument("pv-signe.pdf", b"%PDF signed", "application/pdf")
    with pytest.raises(MinutesNotHeld):
        await attach_document(services, actor, meeting.id, scan, kind=DocumentKind.SIGNED_MINUTES)
    await adjourn(services, actor, meeting.id)
    before = len(notifier_of(services).sent)

    attached = await attach_document(
        services, actor, meeting.id, scan, kind=DocumentKind.SIGNED_MINUTES
    )

    assert attached.document.kind is DocumentKind.SIGNED_MINUTES
    assert attached.sent == 0 and len(notifier_of(services).sent) == before
    (stored,) = await stored_documents(services, meeting.id)
    assert stored.document == attached.document
    assert stored.path.read_bytes() == b"%PDF signed"


# --- backup ---------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["sqlite"])  # scrutin backup copies a SQLite file
async def test_scrutin_backup_copies_the_documents_beside_the_copy(
    tmp_path: Path,
    services: Services,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock.now = AT
    meeting = await planned(services, MEETING_DAY)
    attached = await attach_document(services, await coordinator(services), meeting.id, BUDGET)
    monkeypatch.setenv("SCRUTIN_DATABASE_PATH", str(tmp_path / "scrutin.db"))
    backups = tmp_path / "backups"
    backups.mkdir()

    assert await asyncio.to_thread(main, ["backup", str(backups / "nightly.db")]) == 0

    assert "documents: 1 file(s)" in capsys.readouterr().out
    restored = await Services.open(services.governance, backups / "nightly.db", clock)
    try:
        (found,) = await restored.documents.of_meeting(meeting.id)
        assert restored.files.root == backups / "nightly-documents"
        assert found == attached.document
        assert restored.files.read(found.sha256) == BUDGET.content
    finally:
        await restored.close()
    # Only the new files are copied again; a damaged one is not.
    assert copy_documents(tmp_path / "scrutin-documents", backups / "nightly-documents") == 1


async def test_the_receipts_of_hundreds_of_readers_fit_in_several_messages(
    services: Services, clock: FakeClock
) -> None:
    clock.now = AT
    meeting = await planned(services, MEETING_DAY)
    confidential = document(confidential=True, meeting_id=meeting.id)
    readers_ = [Recipient(f"tg:{n}", "aube", advisory=False) for n in range(500)]
    deliveries = [
        DocumentDelivery(1, r.person_id, "aube", AT, False, received_at=AT if n < 200 else None)
        for n, r in enumerate(readers_)
    ]
    names = {r.person_id: f"Conseillère municipale n° {n}" for n, r in enumerate(readers_)}
    status = receipt_status(confidential, deliveries, readers_)
    groupement = services.governance.groupement(meeting.plan.groupement_id)

    parts = status_messages(meeting, groupement, [status], names, "fr")

    assert len(parts) > 1
    assert all(len(part) <= 4096 for part in parts)
    text = plain("\n".join(parts))
    assert all(f"• {name} (Département de l'Aube)" in text for name in names.values())
    assert "A appuyé sur « Reçu » (200) :" in text and "Pas encore (300) :" in text
    # A message that starts within a list says which document and which list it continues.
    assert plain(parts[-1]).startswith("N° 1 : budget.csv")
