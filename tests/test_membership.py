"""The membership register: its rules (pure), its records on a real SQLite file, and the
actions a coordinator takes, with the certificate of a joining."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from config.loader import load_groupement_file
from config.models import Governance, Groupement
from meetings.actions.actor import operator
from meetings.actions.invite import UnknownMember
from meetings.actions.membership import (
    AlreadyNotified,
    MemberWithdrew,
    certificate_for,
    decide_withdrawal,
    record_exception,
    record_joining,
    record_market_notification,
    record_withdrawal_request,
)
from meetings.membership import (
    Act,
    ActKind,
    AlreadyDecided,
    AlreadyMember,
    EffectTooEarly,
    ExceptionArticle,
    Joining,
    JoiningClosed,
    NotAMember,
    Recorded,
    Register,
    WithdrawalMeans,
    WithdrawalPending,
    disagreements,
)
from meetings.membership_certificate import certificate_of
from meetings.membership_store import MembershipStore
from meetings.services import Services
from meetings.wording.messages.membership import REGISTER_REFUSALS
from meetings.wording.refusals import refusal
from meetings.wording.typography import plain
from tests.clock import FakeClock
from tests.test_config import MINIMAL, edit, write
from voting.db import Database

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ACT = Act(ActKind.DELIBERATION, date(2026, 2, 10), "DELIB-2026-14")

CRETEIL_LIKE = (
    MINIMAL
    + """
[[members]]
id = "c"
name = "Commune de Créteil"
article = "la"
kind = "commune"
joined = 2026-03-01

[convention]
source = "004_a3b175dc00d068b7.txt"
term_months = 48
amendable = false
closed_after_notification = true

[convention.withdrawal]
means = "recorded_letter"
source = "004_a3b175dc00d068b7.txt, article 10.1"
"""
)

WINDOWED = (
    edit(MINIMAL, 'kind = "departement"', 'kind = "departement"\nleft = 2027-09-01')
    + """
[convention]
source = "000_0a26a3086873a58e.txt"
term_start = 2021-02-24
term_end = 2026-02-24

[convention.withdrawal]
request_by = "01-01"
effective_on = "09-01"
source = "000_0a26a3086873a58e.txt"
"""
)


def groupement_from(tmp_path: Path, text: str, name: str = "g.toml") -> Groupement:
    return load_groupement_file(write(tmp_path, name, text))


@pytest.fixture
async def opened(tmp_path: Path) -> AsyncIterator[tuple[Services, FakeClock]]:
    clock = FakeClock(NOW)
    groupement = groupement_from(tmp_path, CRETEIL_LIKE)
    governance = Governance(groupements={groupement.id: groupement})
    services = await Services.open(governance, tmp_path / "register.db", clock)
    yield services, clock
    await services.close()


# --- pure rules -----------------------------------------------------------------------


def joined_register(groupement_id: str, member_id: str, on: date) -> Register:
    recorded = Recorded("tg:1", NOW)
    return Register(groupement_id, [Joining(1, groupement_id, member_id, on, ACT, recorded)])


def test_the_config_must_agree_with_what_the_register_recorded(tmp_path: Path) -> None:
    groupement = groupement_from(tmp_path, CRETEIL_LIKE)
    register = joined_register("test", "c", date(2026, 3, 5))
    (found,) = disagreements(groupement, register)
    assert (found.member_id, found.key) == ("c", "joined")
    assert found.describe() == (
        "test: members[c].joined is 2026-03-01 but the register records 2026-03-05"
    )
    agreeing = joined_register("test", "c", date(2026, 3, 1))
    assert disagreements(groupement, agreeing) == []


def test_founders_without_records_stand_on_the_config(tmp_path: Path) -> None:
    groupement = groupement_from(tmp_path, CRETEIL_LIKE)
    assert disagreements(groupement, Register("test")) == []


# --- the register on a real SQLite file ------------------------------------------------


async def test_records_survive_reopening_the_database(tmp_path: Path) -> None:
    path = tmp_path / "file.db"
    database = await Database.open(path, lambda: NOW)
    store = MembershipStore(database)
    await store.migrate()
    await store.add_joining("g", "c", date(2026, 3, 1), ACT, "tg:1", None)
    request = await store.add_withdrawal(
        "g", "c", date(2026, 12, 20), WithdrawalMeans.RECORDED_LETTER, "AR 1A", None, "tg:1"
    )
    assert await store.decide_withdrawal(request, True, date(2027, 1, 5), date(2027, 9, 1), "", "x")
    assert not await store.decide_withdrawal(request, False, date(2027, 1, 6), None, "", "x")
    assert await store.set_notification("g", date(2026, 4, 1), "BOAMP 26-1", "tg:1")
    assert not await store.set_notification("g", date(2026, 4, 2), "again", "tg:1")
    await database.close()

    database = await Database.open(path, lambda: NOW)
    store = MembershipStore(database)
    await store.migrate()
    register = await store.register("g")
    (joining,) = register.joinings
    assert (joining.joined_on, joining.act, joining.recorded.by) == (date(2026, 3, 1), ACT, "tg:1")
    (withdrawal,) = register.withdrawals
    assert withdrawal.decision is not None
    assert (withdrawal.decision.accepted, withdrawal.decision.effective_on) == (
        True,
        date(2027, 9, 1),
    )
    assert register.notification is not None
    assert register.notification.notified_on == date(2026, 4, 1)
    await database.close()


# --- actions ----------------------------------------------------------------------------


async def test_no_joining_after_the_notification_without_an_exception(
    opened: tuple[Services, FakeClock],
) -> None:
    services, _clock = opened
    actor = operator(services, "cli")
    await record_market_notification(services, actor, None, date(2026, 2, 1), "BOAMP 26-1")
    with pytest.raises(JoiningClosed) as refused:
        await record_joining(services, actor, "c", date(2026, 3, 1), ACT)
    assert refused.value.details["notified_on"] == date(2026, 2, 1)
    assert (await services.membership.register("test")).joinings == []

    await record_exception(
        services, actor, "c", ExceptionArticle.R2194_8, date(2026, 2, 20), "DEC-R2194-8-01"
    )
    recorded, joining = await record_joining(services, actor, "c", date(2026, 3, 1), ACT)
    assert joining.exception is not None
    assert joining.exception.reference == "DEC-R2194-8-01"
    # The exception served once: a second one would be needed for another joining.
    assert recorded.register.unused_exception("c") is None
    with pytest.raises(AlreadyNotified):
        await record_market_notification(services, actor, None, date(2026, 2, 2), "again")


async def test_a_member_joins_once_until_it_has_left(opened: tuple[Services, FakeClock]) -> None:
    services, _clock = opened
    actor = operator(services, "cli")
    await record_joining(services, actor, "c", date(2026, 3, 1), ACT)
    with pytest.raises(AlreadyMember):
        await record_joining(services, actor, "c", date(2026, 4, 1), ACT)
    with pytest.raises(UnknownMember):
        await record_joining(services, actor, "nobody", date(2026, 4, 1), ACT)
    with pytest.raises(NotAMember):  # an advisory participant is no member
        await record_joining(services, actor, "aa", date(2026, 4, 1), ACT)


async def test_withdrawal_request_then_decision(opened: tuple[Services, FakeClock]) -> None:
    services, _clock = opened
    actor = operator(services, "cli")
    _recorded, request = await record_withdrawal_request(
        services, actor, "b", date(2026, 5, 4), WithdrawalMeans.RECORDED_LETTER, "AR 2C 123"
    )
    assert request.earliest_effect is None  # seed 004: no window
    with pytest.raises(WithdrawalPending):
        await record_withdrawal_request(
            services, actor, "b", date(2026, 5, 5), WithdrawalMeans.LETTER, ""
        )
    with pytest.raises(EffectTooEarly):
        await decide_withdrawal(
            services, actor, request.id, True, date(2026, 6, 1), date(2026, 5, 1), "D-1"
        )
    recorded, decided = await decide_withdrawal(
        services, actor, request.id, True, date(2026, 6, 1), date(2026, 9, 1), "D-1"
    )
    assert decided.decision is not None and decided.decision.effective_on == date(2026, 9, 1)
    with pytest.raises(AlreadyDecided):
        await decide_withdrawal(services, actor, request.id, False, date(2026, 6, 2), None, "")
    # The config still says "b" is a member: the check names it.
    (found,) = disagreements(recorded.groupement, recorded.register)
    assert (found.member_id, found.key, found.recorded) == ("b", "left", date(2026, 9, 1))


async def test_a_withdrawal_window_sets_the_earliest_effect(tmp_path: Path) -> None:
    groupement = groupement_from(tmp_path, WINDOWED)
    services = await Services.open(
        Governance(groupements={groupement.id: groupement}), tmp_path / "w.db", FakeClock(NOW)
    )
    actor = operator(services, "cli")
    _recorded, late = await record_withdrawal_request(
        services, actor, "b", date(2026, 1, 2), WithdrawalMeans.LETTER, ""
    )
    assert late.earliest_effect == date(2027, 9, 1)
    with pytest.raises(EffectTooEarly) as refused:
        await decide_withdrawal(
            services, actor, late.id, True, date(2026, 2, 1), date(2026, 9, 1), ""
        )
    assert refused.value.details["earliest"] == date(2027, 9, 1)
    recorded, _decided = await decide_withdrawal(
        services, actor, late.id, True, date(2026, 2, 1), date(2027, 9, 1), ""
    )
    # "b" has left = 2027-09-01 in the file: config and register agree.
    assert disagreements(recorded.groupement, recorded.register) == []
    await services.close()


async def test_the_certificate_names_the_member_its_date_and_its_act(
    opened: tuple[Services, FakeClock],
) -> None:
    services, _clock = opened
    actor = operator(services, "cli")
    recorded, joining = await record_joining(services, actor, "c", date(2026, 3, 1), ACT)
    certificate = certificate_of(recorded.groupement, joining, None, "fr")
    fields = dict((plain(label), plain(value)) for label, value in certificate.fields)
    assert fields["Membre"] == "Commune de Créteil"
    assert fields["Membre depuis le"] == "1er mars 2026"
    assert fields["Acte d'adhésion"] == "délibération du 10 février 2026, référence DELIB-2026-14"
    produced = await certificate_for(services, actor, "c", "fr")
    assert produced.filename == f"certificat-adhesion-c-{joining.id}.pdf"
    pages = PdfReader(BytesIO(produced.pdf)).pages
    text = " ".join(plain(" ".join(page.extract_text() for page in pages)).split())
    assert "CERTIFICAT D’ADHÉSION" in text
    assert "la Commune de Créteil en est membre à compter du 1er mars 2026" in text
    assert produced.pdf == (await certificate_for(services, actor, "c", "fr")).pdf


async def test_no_certificate_says_a_member_that_left_is_one(
    opened: tuple[Services, FakeClock],
) -> None:
    services, clock = opened
    actor = operator(services, "cli")
    await record_joining(services, actor, "c", date(2026, 3, 1), ACT)
    _recorded, request = await record_withdrawal_request(
        services, actor, "c", date(2026, 3, 1), WithdrawalMeans.RECORDED_LETTER, "AR 1"
    )
    await decide_withdrawal(
        services, actor, request.id, True, date(2026, 3, 2), date(2026, 9, 1), "D-2"
    )
    # Until the withdrawal takes effect, the member is one.
    assert (await certificate_for(services, actor, "c", "fr")).pdf.startswith(b"%PDF")

    clock.now = datetime(2026, 9, 1, 8, tzinfo=UTC)
    with pytest.raises(MemberWithdrew) as refused:
        await certificate_for(services, actor, "c", "fr")
    assert plain(refusal(refused.value, "fr", REGISTER_REFUSALS)) == (
        "La Commune de Créteil a quitté le groupement le 01/09/2026 : aucun certificat ne peut "
        "plus attester son adhésion."
    )
