"""``scrutin run`` as a real process against the Bot API double: a coordinator's file is
downloaded through ``getFile`` and the file URL, stored by its SHA-256 beside the database,
and sent with the convocation; what Telegram refuses (a caption over 1,024 characters, a
file over 20 MB) the double refuses too."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.harness import OfflineHarness
from config.loader import default_config_dir, load_config_dir
from meetings.document_files import documents_directory
from meetings.services import Services
from tests.botapi import TOKEN, Bot, FakeBotApi, child_environment, posix_only
from tests.clock import FakeClock
from tests.conftest import COORDINATOR, COORDINATOR_ID, GROUPEMENT, enrol
from tests.test_bot_meetings import plan
from tests.test_run_delivery import StartBot

BUDGET = b"poste;montant\nLicences ENT;1200000\n"


async def _prepare(database: Path) -> dict[str, Any]:
    """A coordinator, the Aube's representative, and meeting no. 1 planned (not convened)."""
    clock = FakeClock(datetime.now(UTC))
    services = await Services.open(load_config_dir(default_config_dir()), database, clock)
    await services.roster.add_coordinator(
        GROUPEMENT, f"tg:{COORDINATOR_ID}", "Claire Test", added_by="tests"
    )
    try:
        async with OfflineHarness(services, clock) as harness:
            aube = await enrol(harness, "aube")
            await plan(harness, "15/12/2027 14:00")
            return aube
    finally:
        await services.close()


def _message(update_id: int, **content: Any) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": COORDINATOR_ID, "type": "private", "first_name": "Claire"},
            "from": COORDINATOR,
            **content,
        },
    }


def _convene(update_id: int) -> dict[str, Any]:
    text = "/convoquer 1"
    entities = [{"type": "bot_command", "offset": 0, "length": 10}]
    return _message(update_id, text=text, entities=entities)


def _said(api: FakeBotApi, chat_id: int, words: str) -> bool:
    return any(words in text for text in api.messages_to(chat_id))


@posix_only
def test_the_bot_downloads_a_file_keeps_it_and_sends_it_with_the_convocation(
    tmp_path: Path, fake_api: FakeBotApi, start_bot: StartBot
) -> None:
    database = tmp_path / "scrutin.db"
    aube = asyncio.run(_prepare(database))
    document = fake_api.add_file("sent-by-claire", "budget.csv", BUDGET)
    fake_api.queue_update(_message(10_000, document=document, caption="/document 1"))
    fake_api.queue_update(_convene(10_001))
    bot: Bot = start_bot(["--api-url", fake_api.url], child_environment(database))

    bot.wait_for("the document on record", lambda: _said(fake_api, COORDINATOR_ID, "SHA-256"))
    bot.wait_for(
        "the budget sent to the Aube",
        lambda: any(
            c.params.get("chat_id") == str(aube["id"])
            and c.params.get("caption", "").startswith("📎")
            for c in fake_api.calls_to("sendDocument")
        ),
    )
    bot.stop()

    assert fake_api.calls_to("getFile") and fake_api.calls_to("download")
    digest = hashlib.sha256(BUDGET).hexdigest()
    stored = documents_directory(database) / digest[:2] / digest
    assert stored.read_bytes() == BUDGET
    convocation = next(
        c for c in fake_api.calls_to("sendDocument") if c.params.get("caption", "").startswith("📅")
    )
    assert "📎 budget.csv" in convocation.params["caption"]
    # Sent by the file_id the coordinator's upload has: no bytes uploaded again.
    (sent,) = [
        c
        for c in fake_api.calls_to("sendDocument")
        if c.params.get("chat_id") == str(aube["id"])
        and c.params.get("caption", "").startswith("📎")
    ]
    assert sent.params["document"] == "sent-by-claire"


def test_the_double_refuses_a_long_caption_and_a_file_too_big(fake_api: FakeBotApi) -> None:
    fake_api.add_file("big", "scan.pdf", b"x" * (20 * 1024 * 1024 + 1))

    def call(method: str, **params: str) -> dict[str, Any]:
        data = "&".join(f"{k}={v}" for k, v in params.items()).encode()
        request = urllib.request.Request(f"{fake_api.url}/bot{TOKEN}/{method}", data=data)
        try:
            with urllib.request.urlopen(request) as answer:
                return dict(json.load(answer))
        except urllib.error.HTTPError as error:
            return dict(json.load(error))

    assert call("getFile", file_id="big")["description"] == "Bad Request: file is too big"
    long = call("sendDocument", chat_id="1", document="x", caption="é" * 1025)
    assert long["description"] == "Bad Request: message caption is too long"
    assert call("sendDocument", chat_id="1", document="x", caption="e" * 1024)["ok"] is True
