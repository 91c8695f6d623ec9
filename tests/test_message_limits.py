"""Replies that list every member of a groupement fit Telegram's 4,096 characters however many
communes it has: ``/registre`` and the seats board of ``/designation`` come in as many messages
as they need, and a message that starts within a list says which list it continues."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from bot.harness import OfflineHarness
from bot.telegram_limits import TEXT_LIMITS
from meetings.designation import MemberStanding, Standing
from meetings.membership import (
    Act,
    ActKind,
    Joining,
    Recorded,
    Register,
    WithdrawalMeans,
    WithdrawalRequest,
)
from meetings.roster import Role
from meetings.services import Services
from meetings.wording.formats import name_of
from meetings.wording.messages.designations import board_messages, board_rows, board_text
from meetings.wording.messages.membership import register_messages, register_text
from meetings.wording.messages.results import MESSAGE_LIMIT, telegram_length
from meetings.wording.typography import plain
from tests.academy import GROUPEMENT, academy_governance, academy_groupement, seat_everyone
from tests.clock import FakeClock
from tests.conftest import COORDINATOR, COORDINATOR_ID

SIZE = 500
RECORDED = Recorded("tg:1001", datetime(2026, 1, 5, 9, 0, tzinfo=UTC))


def _large_register() -> Register:
    groupement = academy_groupement(SIZE)
    act = Act(ActKind.DELIBERATION, date(2020, 12, 14), "CP-2020-12")
    joinings = [
        Joining(index, GROUPEMENT, member.id, date(2021, 1, 1), act, RECORDED)
        for index, member in enumerate(groupement.members, start=1)
    ]
    withdrawals = [
        WithdrawalRequest(
            index,
            GROUPEMENT,
            member.id,
            date(2026, 12, 20),
            WithdrawalMeans.RECORDED_LETTER,
            f"AR-{index}",
            None,
            RECORDED,
        )
        for index, member in enumerate(groupement.members[3:103], start=1)
    ]
    return Register(GROUPEMENT, joinings, withdrawals)


def _lines(parts: tuple[str, ...]) -> set[str]:
    return {line for part in parts for line in part.split("\n")}


def test_a_register_of_hundreds_of_joinings_comes_in_parts_that_each_fit() -> None:
    groupement = academy_groupement(SIZE)
    register = _large_register()

    parts = register_messages(groupement, register, "fr")

    assert len(parts) > 1
    assert all(telegram_length(part) <= MESSAGE_LIMIT for part in parts)
    # Every line of the register is in one of them, each member's name with it.
    assert set(register_text(groupement, register, "fr").split("\n")) - {""} <= _lines(parts)
    text = "\n".join(parts)
    assert all(str(name_of(groupement, member.id)) in text for member in groupement.members)
    assert plain(parts[0]).startswith("Registre des adhésions du Groupement de commandes ENT")
    assert plain(parts[1]).startswith("Adhésions (suite) :\n• ")
    assert any(plain(part).startswith("Retraits (suite) :\n• ") for part in parts)
    assert not any(part.startswith("\n") or part.endswith("\n") for part in parts)


def test_a_short_register_stays_one_message() -> None:
    groupement = academy_groupement(10)
    register = Register(GROUPEMENT)

    assert register_messages(groupement, register, "fr") == (
        register_text(groupement, register, "fr"),
    )


def test_a_board_of_hundreds_of_members_comes_in_parts_that_each_fit() -> None:
    groupement = academy_groupement(SIZE)
    standings = [MemberStanding(member.id, Standing.UNRECORDED) for member in groupement.members]
    sitting = {
        member.id: [(Role.TITULAIRE, f"Élu{index} Test"), (Role.SUPPLEANT, f"Sup{index} Test")]
        for index, member in enumerate(groupement.members)
    }
    board = board_rows(groupement, standings, sitting, "fr")

    parts = board_messages([board, board])

    assert len(parts) > 2
    assert all(telegram_length(part) <= MESSAGE_LIMIT for part in parts)
    assert set(board_text(groupement, standings, sitting, "fr").split("\n")) <= _lines(parts)
    continued = f"{groupement.name} (suite)\n• "
    assert plain(parts[1]).startswith(continued)
    for index in range(SIZE):
        # A member's seats are never apart from it.
        assert any(f"Élu{index} Test\n   suppléant : Sup{index} Test" in plain(p) for p in parts)
    assert not any(part.startswith("\n") or part.endswith("\n") for part in parts)


async def test_the_coordinator_reads_the_seats_of_hundreds_of_communes(
    tmp_path: Path, clock: FakeClock
) -> None:
    services = await Services.open(academy_governance(SIZE), tmp_path / "academy.db", clock)
    try:
        await seat_everyone(services, SIZE)
        async with OfflineHarness(services, clock) as harness:
            before = len(harness.request.calls)
            await harness.say(COORDINATOR, "/designation")
            calls = harness.request.calls[before:]
            # The offline bot refuses what Telegram refuses, as it did the one long board.
            assert [c.failed for c in calls if c.failed] == []
            for call in calls:
                for name, limit in TEXT_LIMITS.items():
                    value = call.params.get(name)
                    assert value is None or telegram_length(value) <= limit
            texts = [str(m["text"]) for m in harness.messages_to(COORDINATOR_ID)]
    finally:
        await services.close()

    assert len(texts) > 1
    groupement = academy_groupement(SIZE)
    assert plain(texts[0]).startswith(f"{groupement.name}\n• ")
    assert all(plain(t).startswith(f"{groupement.name} (suite)\n• ") for t in texts[1:])
    board = "\n".join(texts)
    for index, member in enumerate(groupement.members):
        assert f"{name_of(groupement, member.id)}" in board
        assert f"Élu{index} Test" in board


async def test_a_member_reads_a_register_of_hundreds_of_joinings(
    tmp_path: Path, clock: FakeClock
) -> None:
    services = await Services.open(academy_governance(SIZE), tmp_path / "academy.db", clock)
    groupement = academy_groupement(SIZE)
    act = Act(ActKind.DELIBERATION, date(2020, 12, 14), "CP-2020-12")
    try:
        await seat_everyone(services, SIZE)
        for member in groupement.members:
            await services.membership.add_joining(
                GROUPEMENT, member.id, date(2021, 1, 1), act, "tg:1001", None
            )
        async with OfflineHarness(services, clock) as harness:
            before = len(harness.request.calls)
            await harness.say(COORDINATOR, "/registre")
            assert [c.failed for c in harness.request.calls[before:] if c.failed] == []
            texts = [plain(str(m["text"])) for m in harness.messages_to(COORDINATOR_ID)]
    finally:
        await services.close()

    assert len(texts) > 1
    assert all(telegram_length(text) <= MESSAGE_LIMIT for text in texts)
    assert texts[0].startswith("Registre des adhésions du Groupement de commandes ENT école")
    assert all(text.startswith("Adhésions (suite) :\n• ") for text in texts[1:])
    assert texts[-1].endswith("Retraits :\n• aucune enregistrée")
    register = "\n".join(texts)
    assert all(str(name_of(groupement, member.id)) in register for member in groupement.members)
