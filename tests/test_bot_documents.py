"""A meeting's documents through the real handlers: sent to the bot with ``/document``, listed
in the convocation and delivered with it, complements after it, confidential ones to the
representatives only with their "Reçu", the coordinator's view, the signed minutes, and what
Telegram refuses (a file over 20 MB, a caption over 1,024 characters, a forgotten file_id)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from bot.harness import OfflineHarness, button_data
from meetings.services import Services
from meetings.wording.typography import plain
from tests.clock import FakeClock
from tests.conftest import COORDINATOR, COORDINATOR_ID, GROUP_CHAT, MEMBERS
from tests.test_bot_meetings import DANE, PLANNING_DAY, convocation, last_text, plan, prepare

BUDGET = b"poste;montant\nLicences ENT;1200000\nAccompagnement;150000\n"
ANALYSIS = b"%PDF-1.4 analyse des offres (confidentiel)\n"


def documents_to(harness: OfflineHarness, person: dict[str, Any]) -> list[dict[str, Any]]:
    """The files the bot sent to a person, the .ics of the convocation aside."""
    return [
        d
        for d in harness.documents_to(person["id"])
        if d["document"].get("file_name") != "reunion-1.ics"
        and not str(d.get("caption", "")).startswith("📅")
    ]


def uploads_of(harness: OfflineHarness, filename: str) -> int:
    """How many times the bot uploaded the bytes of ``filename`` (not a resend by file_id)."""
    return sum(
        isinstance(call.params.get("document"), dict)
        and call.params["document"]["filename"] == filename
        for call in harness.request.calls_to("sendDocument")
    )


async def convened_with_budget(
    harness: OfflineHarness, clock: FakeClock
) -> dict[str, dict[str, Any]]:
    people = await prepare(harness, clock, MEMBERS, dane=True)
    await plan(harness)
    await harness.send_file(COORDINATOR, "budget-2027.csv", BUDGET, caption="/document 1")
    await harness.say(COORDINATOR, "/convoquer 1")
    return people


async def test_a_document_sent_with_its_command_is_stored_and_goes_with_the_convocation(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, MEMBERS, dane=True)
    await plan(harness)

    calls = await harness.send_file(COORDINATOR, "budget-2027.csv", BUDGET, caption="/document 1")

    assert [c.method for c in calls][:1] == ["getFile"]
    assert any(c.method == "download" for c in calls)
    (document,) = await services.documents.of_meeting(1)
    digest = hashlib.sha256(BUDGET).hexdigest()
    assert (document.filename, document.size, document.sha256) == (
        "budget-2027.csv",
        len(BUDGET),
        digest,
    )
    assert document.mime_type == "text/csv"
    assert document.added_by == f"tg:{COORDINATOR_ID}"
    assert document.added_at == PLANNING_DAY
    assert services.files.read(digest) == BUDGET
    assert services.files.path_of(digest).parent.parent.name == "scrutin-documents"
    assert "Il sera envoyé avec la convocation." in last_text(harness, COORDINATOR_ID)

    await harness.say(COORDINATOR, "/convoquer 1")

    for member in [*MEMBERS, "dane"]:
        text = convocation(harness, people[member])["text"]
        assert "📎 budget-2027.csv (57 octets)" in text, member
        (sent,) = documents_to(harness, people[member])
        assert sent["caption"].startswith("📎 Document — Réunion n° 1"), member
        assert "complémentaire" not in sent["caption"]
    # Sent by the file_id Telegram gave the coordinator's file: nothing is uploaded again.
    assert uploads_of(harness, "budget-2027.csv") == 0
    assert (await services.documents.get(document.id)).telegram_file_id == "offline-sent-1"
    deliveries = await services.documents.deliveries(1)
    assert len(deliveries) == len(MEMBERS) + 1
    assert all(not d.complement and d.sent_at == PLANNING_DAY for d in deliveries)
    # Never to a group.
    assert not harness.documents_to(GROUP_CHAT)


async def test_a_document_added_after_the_convocation_is_sent_as_a_complement(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await convened_with_budget(harness, clock)
    clock.advance(timedelta(hours=3))

    await harness.say(COORDINATOR, "/document 1 point 2")
    await harness.send_file(COORDINATOR, "rapport.pdf", b"%PDF-1.4 rapport")

    assert "Envoyé en complément à 11 personnes." in last_text(harness, COORDINATOR_ID)
    for member in [*MEMBERS, "dane"]:
        budget, report = documents_to(harness, people[member])
        assert budget["document"]["file_name"] == "budget-2027.csv"
        assert report["caption"].startswith("📎 Document complémentaire — Réunion n° 1"), member
        assert "Pour le point 2 : Marché ENT 2027-2031" in report["caption"]
    complements = [d for d in await services.documents.deliveries(1) if d.complement]
    assert len(complements) == len(MEMBERS) + 1
    assert {d.sent_at for d in complements} == {clock.now}

    # Sent once: convening again does not send the documents again.
    await harness.say(COORDINATOR, "/convoquer 1")
    assert len(documents_to(harness, people["aube"])) == 2


async def test_a_confidential_document_reaches_the_representatives_only_with_a_receipt(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await convened_with_budget(harness, clock)
    clock.advance(timedelta(hours=1))

    await harness.send_file(
        COORDINATOR, "analyse-offres.pdf", ANALYSIS, caption="/document 1 confidentiel"
    )

    assert documents_to(harness, people["dane"])[-1]["document"]["file_name"] == "budget-2027.csv"
    assert not harness.documents_to(GROUP_CHAT)
    aube_copy = documents_to(harness, people["aube"])[-1]
    assert "Confidentiel" in aube_copy["caption"]
    assert "Telegram n'indique pas au bot si un message a été lu" in aube_copy["caption"]

    clock.advance(timedelta(minutes=10))
    message = {**aube_copy, "text": aube_copy["caption"]}
    calls = await harness.press(people["aube"], aube_copy, button_data(message, "Reçu"))
    assert any(c.method == "editMessageCaption" for c in calls)

    (analysis,) = [d for d in await services.documents.of_meeting(1) if d.confidential]
    receipts = {
        d.participant_id: d.received_at
        for d in await services.documents.deliveries(1)
        if d.document_id == analysis.id
    }
    assert receipts["aube"] == clock.now
    assert "dane" not in receipts
    assert receipts["marne"] is None

    # Someone it was not sent to cannot press for it.
    stray = await harness.press(
        DANE,
        {**aube_copy, "chat": {"id": DANE["id"], "type": "private"}},
        button_data(message, "Reçu"),
    )
    assert any(
        c.method == "answerCallbackQuery" and "ne vous a pas été envoyé" in c.params.get("text", "")
        for c in stray
    )

    await harness.say(COORDINATOR, "/documents 1")
    status = plain(last_text(harness, COORDINATOR_ID))
    analysis_part = status[status.index("analyse-offres.pdf") :]
    assert "Reçu par 10 personnes." in analysis_part
    pressed, waiting = analysis_part.split("A appuyé sur « Reçu » (1) :\n")[1].split(
        "Pas encore (9) :\n"
    )
    aube = await services.roster.person(f"tg:{people['aube']['id']}")
    assert aube is not None
    # The person, not only the member: a titulaire and a suppléant both read.
    assert pressed.startswith(f"• {aube.display_name} (Département de l'Aube), le ")
    assert "• " in waiting and "Marne" in waiting and "Aube" not in waiting


async def test_a_file_over_twenty_megabytes_is_refused_before_any_download(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    await prepare(harness, clock, ("aube",))
    await plan(harness)

    calls = await harness.send_file(
        COORDINATOR, "scan.pdf", 21 * 1024 * 1024, caption="/document 1"
    )

    assert not [c for c in calls if c.method in ("getFile", "download")]
    assert "Telegram permet à un bot d'en télécharger 20 Mo au plus" in last_text(
        harness, COORDINATOR_ID
    )
    assert await services.documents.of_meeting(1) == []


async def test_the_offline_telegram_refuses_what_telegram_refuses(
    harness: OfflineHarness,
) -> None:
    bot = harness.bot
    too_big = harness.request.files.declared("big.pdf", 20 * 1024 * 1024 + 1)
    try:
        await bot.get_file(too_big["file_id"])
    except Exception as error:
        assert "file is too big" in str(error).lower()
    else:
        raise AssertionError("getFile accepted a file over 20 MB")
    try:
        await bot.send_document(COORDINATOR_ID, b"x", filename="a.txt", caption="x" * 1025)
    except Exception as error:
        assert "caption is too long" in str(error)
    else:
        raise AssertionError("a caption over 1,024 characters was accepted")
    sent = await bot.send_document(COORDINATOR_ID, b"x", filename="a.txt", caption="x" * 1024)
    assert sent.document is not None
    await bot.send_document(COORDINATOR_ID, sent.document.file_id)
    harness.request.files.forget()
    try:
        await bot.send_document(COORDINATOR_ID, sent.document.file_id)
    except Exception as error:
        assert "wrong file identifier" in str(error).lower()
    else:
        raise AssertionError("a forgotten file_id was accepted")


async def test_a_file_telegram_forgot_is_uploaded_again_from_disk(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, ("aube", "marne"))
    await plan(harness)
    await harness.send_file(COORDINATOR, "budget-2027.csv", BUDGET, caption="/document 1")
    harness.request.files.forget()

    await harness.say(COORDINATOR, "/convoquer 1")

    for member in ("aube", "marne"):
        (sent,) = documents_to(harness, people[member])
        assert sent["document"]["file_name"] == "budget-2027.csv"
    assert len(await services.documents.deliveries(1)) == 2
    # Refused by id once, uploaded from disk once, then sent by the new id.
    assert uploads_of(harness, "budget-2027.csv") == 1
    refused = [c for c in harness.request.calls_to("sendDocument") if c.failed]
    assert len(refused) == 1


async def test_the_signed_minutes_wait_for_the_session_to_close(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    await prepare(harness, clock, ("aube",))
    await plan(harness)

    await harness.send_file(COORDINATOR, "pv-signe.pdf", b"%PDF scan", caption="/pv_signe 1")

    assert "n'est pas close" in last_text(harness, COORDINATOR_ID)
    assert await services.documents.of_meeting(1) == []


async def test_a_file_without_a_command_says_how_to_attach_it(harness: OfflineHarness) -> None:
    await harness.send_file(COORDINATOR, "notes.txt", b"notes")
    assert "/document NUMÉRO" in last_text(harness, COORDINATOR_ID)


async def test_many_documents_keep_the_convocation_within_telegram_s_caption_limit(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await prepare(harness, clock, ("aube",))
    await plan(harness)
    for number in range(1, 8):
        name = f"annexe-{number}-" + "rapport-detaille-du-comite-technique-" * 2 + ".pdf"
        await harness.send_file(COORDINATOR, name, b"%PDF annexe", caption="/document 1 point 2")

    await harness.say(COORDINATOR, "/convoquer 1")

    assert not [c for c in harness.request.calls if c.failed]
    text = convocation(harness, people["aube"])["text"]
    assert text.count("📎 annexe-") == 2
    assert "… et 5 autres documents." in text
    assert text.endswith("Merci d'indiquer votre présence :")
    assert len(documents_to(harness, people["aube"])) == 7


async def test_the_button_under_a_meeting_s_documents_takes_the_next_file(
    harness: OfflineHarness, services: Services, clock: FakeClock
) -> None:
    people = await convened_with_budget(harness, clock)
    await harness.say(COORDINATOR, "/documents 1")
    listing = harness.last_message_to(COORDINATOR_ID)

    # A representative pressing it (a forwarded message, a forged code) is refused.
    stray = {**listing, "chat": {"id": people["aube"]["id"], "type": "private"}}
    calls = await harness.press(
        people["aube"], stray, button_data(listing, "Joindre un document confidentiel")
    )
    assert any("Seul un coordonnateur" in c.params.get("text", "") for c in calls)

    await harness.press(
        COORDINATOR, listing, button_data(listing, "Joindre un document confidentiel")
    )
    assert last_text(harness, COORDINATOR_ID).startswith("Envoyez maintenant le fichier")
    await harness.send_file(COORDINATOR, "analyse-offres.pdf", ANALYSIS)

    (_budget, analysis) = await services.documents.of_meeting(1)
    assert analysis.confidential and analysis.filename == "analyse-offres.pdf"
    assert "analyse-offres.pdf" not in str(documents_to(harness, people["dane"]))
