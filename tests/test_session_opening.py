"""The opening of a session and its course: who presides when the planned chair is absent,
the ruling on the urgency, and proxies given or revoked during the session. Pure rules first,
then the actions on a real database, and what the minutes say of it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from config.models import Governance
from meetings.actions.attendance import record_presence
from meetings.actions.ballot_close import close_ballot
from meetings.actions.convene import convene
from meetings.actions.link_chat import link_chat
from meetings.actions.session_adjourn import adjourn
from meetings.actions.session_chair import designate_chair
from meetings.actions.session_open import open_session
from meetings.actions.session_proxy import (
    give_session_proxy,
    revoke_session_proxy,
    session_holders,
)
from meetings.meeting import (
    ChairByVote,
    ChairDesignation,
    ChairIsPresent,
    ChairNotPresent,
    ChairToDesignate,
    GiverSits,
    HolderAbsent,
    Meeting,
    OpeningRulingPending,
    ProxyNotHeld,
    Reply,
    ReplyKind,
    RulingSubject,
    SessionProxy,
    UrgencyRejected,
)
from meetings.minutes.markdown import render_markdown
from meetings.notifier import Group
from meetings.presence import proxies_at, session_electorate
from meetings.presiding import (
    OpeningStep,
    UrgencyRuling,
    acting_chair,
    chair_absent,
    check_ballot_allowed,
    opening_step,
)
from meetings.roster import ProxyRefused
from meetings.services import Services
from meetings.wording.typography import plain
from tests.acting import coordinator
from tests.clock import FakeClock
from tests.conftest import GROUP_CHAT, GROUPEMENT
from tests.steps import (
    allowing_off_agenda,
    answer,
    ballot_opened,
    convened,
    make_plan,
    minutes_of,
    notifier_of,
    paris,
    person_of,
    planned,
    vote,
)
from voting.tally import Outcome

GENERATED = datetime(2026, 12, 22, 18, 0, tzinfo=UTC)


@pytest.fixture
def governance(governance: Governance) -> Governance:
    """The sessions here vote on questions that are not motions of their agenda."""
    return allowing_off_agenda(governance)


SEVEN_PRESENT = ("cea", "moselle", "ardennes", "aube", "marne", "haute-marne", "vosges")


# --- pure rules ------------------------------------------------------------------------------


def test_the_planned_chair_is_absent_unless_its_member_is_present() -> None:
    plan = make_plan(paris(2026, 12, 22), chair="region-grand-est")
    assert chair_absent(plan, {"cea"})
    assert not chair_absent(plan, {"region-grand-est"})
    # Represented is not present: the holder of the proxy votes for it, it does not preside.
    assert chair_absent(plan, {"cea", "aube"})
    assert not chair_absent(make_plan(paris(2026, 12, 22)), set())


def test_the_acting_chair_follows_the_designation() -> None:
    plan = make_plan(paris(2026, 12, 22), chair="region-grand-est", chair_name="Marie Dupont")
    assert acting_chair(plan, None).member_id == "region-grand-est"
    designation = ChairDesignation("cea", "Paul Martin", "tg:1001", paris(2026, 12, 22), None)
    acting = acting_chair(plan, designation)
    assert (acting.member_id, acting.person_name, acting.planned) == (
        "cea",
        "Paul Martin",
        "region-grand-est",
    )


def test_the_opening_rules_on_the_chair_then_on_the_urgency() -> None:
    step = opening_step(chair_pending=True, urgent=True, urgency=UrgencyRuling.NOT_HELD)
    assert step is OpeningStep.CHAIR
    step = opening_step(chair_pending=False, urgent=True, urgency=UrgencyRuling.OPEN)
    assert step is OpeningStep.URGENCY
    step = opening_step(chair_pending=False, urgent=True, urgency=UrgencyRuling.RECOGNISED)
    assert step is OpeningStep.BUSINESS
    step = opening_step(chair_pending=False, urgent=True, urgency=UrgencyRuling.NOT_RECOGNISED)
    assert step is OpeningStep.ADJOURN
    step = opening_step(chair_pending=False, urgent=False, urgency=UrgencyRuling.NOT_HELD)
    assert step is OpeningStep.BUSINESS

    check_ballot_allowed(OpeningStep.BUSINESS, None, UrgencyRuling.NOT_HELD)
    check_ballot_allowed(OpeningStep.URGENCY, RulingSubject.URGENCY, UrgencyRuling.NOT_HELD)
    with pytest.raises(OpeningRulingPending) as pending:
        check_ballot_allowed(OpeningStep.URGENCY, None, UrgencyRuling.OPEN)
    assert pending.value.code == "opening_ruling_pending.urgency"
    with pytest.raises(OpeningRulingPending):
        check_ballot_allowed(OpeningStep.URGENCY, RulingSubject.URGENCY, UrgencyRuling.OPEN)
    with pytest.raises(OpeningRulingPending):
        check_ballot_allowed(OpeningStep.CHAIR, RulingSubject.URGENCY, UrgencyRuling.NOT_HELD)
    with pytest.raises(UrgencyRejected):
        check_ballot_allowed(OpeningStep.ADJOURN, None, UrgencyRuling.NOT_RECOGNISED)


def test_a_proxy_given_or_revoked_in_session_counts_from_its_time_on() -> None:
    at = paris(2026, 12, 22, 14)
    written = {"aube": Reply("aube", ReplyKind.PROXY, "cea", "tg:aube", paris(2026, 12, 20))}
    changes = (
        SessionProxy("moselle", "ardennes", "tg:moselle", paris(2026, 12, 22, 14, 20)),
        SessionProxy("aube", None, "tg:aube", paris(2026, 12, 22, 14, 30)),
    )
    assert proxies_at(written, changes, at) == {"aube": "cea"}
    assert proxies_at(written, changes, paris(2026, 12, 22, 14, 25)) == {
        "aube": "cea",
        "moselle": "ardennes",
    }
    assert proxies_at(written, changes) == {"moselle": "ardennes"}
    weights = {m: Decimal(1) for m in ("aube", "cea", "moselle", "ardennes")}
    electorate = session_electorate(weights, written, [], None, changes)
    assert dict(electorate.proxies) == {}  # nobody present: no proxy is exercised


# --- the chair of the session ----------------------------------------------------------------


async def _region_absent(services: Services, clock: FakeClock) -> Meeting:
    clock.now = paris(2026, 12, 8, 9)
    meeting = await convened(
        services, paris(2026, 12, 15, 14), **dict.fromkeys(SEVEN_PRESENT, "present")
    )
    clock.now = paris(2026, 12, 15, 14)
    return meeting


async def test_an_absent_chair_is_replaced_before_the_session_opens(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    meeting = await _region_absent(services, clock)
    with pytest.raises(ChairToDesignate):
        await open_session(services, actor, meeting.id)
    with pytest.raises(ChairNotPresent):
        await designate_chair(services, actor, meeting.id, "meuse", "Jean Meuse")
    designated = await designate_chair(services, actor, meeting.id, "cea", " Paul  Martin ")
    assert designated.designation is not None
    assert designated.designation.person_name == "Paul Martin"
    assert designated.designation.designated_by == actor.person_id
    assert designated.designation.at == clock.now
    await open_session(services, actor, meeting.id)

    # A tie, 3 voices to 3: the CeA presides and voted for, so its casting vote carries it.
    ballot = (await ballot_opened(services, "Budget")).ballot
    assert ballot.chair == "cea"
    await vote(services, ballot, "cea", "for")
    await vote(services, ballot, "ardennes", "for")
    for member in ("aube", "marne", "haute-marne"):
        await vote(services, ballot, member, "against")
    result = (await close_ballot(services, actor, ballot.id)).result
    assert result.tie and result.casting_vote_used and result.chair == "cea"
    assert result.outcome is Outcome.ADOPTED

    clock.now = paris(2026, 12, 15, 16)
    await adjourn(services, actor, meeting.id)
    text = await _minutes_text(services, meeting.id)
    assert (
        "Paul Martin (Collectivité européenne d'Alsace) (désigné(e) avant l'ouverture de la "
        "séance, le mardi 15 décembre 2026 à 14 h 00, par le coordonnateur, en l'absence de la "
        "Région Grand Est)"
    ) in text
    signatures = text[text.index("Le président de séance") :]
    assert "Paul Martin (Collectivité européenne d'Alsace)" in signatures


async def _minutes_text(services: Services, meeting_id: int) -> str:
    """The Markdown minutes as read: without emphasis, French spaces as spaces."""
    markdown = render_markdown(await minutes_of(services, meeting_id), GENERATED)
    return plain(markdown).replace("**", "")


async def test_the_planned_chair_present_presides(services: Services, clock: FakeClock) -> None:
    actor = await coordinator(services)
    meeting = await _region_absent(services, clock)
    await answer(services, meeting, region_grand_est="present")
    with pytest.raises(ChairIsPresent):
        await designate_chair(services, actor, meeting.id, "moselle", "Paul Martin")
    opened = await open_session(services, actor, meeting.id)
    minutes = await minutes_of(services, opened.meeting.id)
    assert minutes.chair.member is not None and str(minutes.chair.member) == "Région Grand Est"
    assert minutes.chair.designated is None


def _chair_by_vote(governance: Governance) -> Governance:
    groupement = governance.groupement(GROUPEMENT)
    instances = [
        i.model_copy(update={"chair_designation": "vote"}) if i.id == "cogouv" else i
        for i in groupement.instances
    ]
    changed = groupement.model_copy(update={"instances": instances})
    return governance.model_copy(
        update={"groupements": {**governance.groupements, GROUPEMENT: changed}}
    )


async def test_where_the_rules_ask_for_it_the_chair_is_designated_by_a_vote(
    services: Services, clock: FakeClock
) -> None:
    services.governance = _chair_by_vote(services.governance)
    actor = await coordinator(services)
    meeting = await _region_absent(services, clock)
    with pytest.raises(ChairByVote):
        await designate_chair(services, actor, meeting.id, "cea", "Paul Martin")
    opened = await open_session(services, actor, meeting.id)
    assert opened.chair_vote_pending and opened.urgency is None
    with pytest.raises(OpeningRulingPending) as pending:
        await ballot_opened(services, "Budget")
    assert pending.value.code == "opening_ruling_pending.chair"

    proposed = await designate_chair(services, actor, meeting.id, "cea", "Paul Martin")
    assert proposed.designation is None and proposed.ballot is not None
    ballot = proposed.ballot.ballot
    assert ballot.chair is None  # nobody presides the vote on who presides
    for member in SEVEN_PRESENT:
        await vote(services, ballot, member, "for")
    clock.now = paris(2026, 12, 15, 14, 5)
    closed = await close_ballot(services, actor, ballot.id)
    assert closed.chair is not None and closed.chair.ballot_id == ballot.id
    assert (closed.chair.member_id, closed.chair.designated_by) == ("cea", actor.person_id)
    budget = (await ballot_opened(services, "Budget")).ballot
    assert budget.chair == "cea"

    text = await _minutes_text(services, meeting.id)
    assert (
        "Paul Martin (Collectivité européenne d'Alsace) (désigné(e) en séance à 14 h 05 par un "
        f"vote de l'instance, scrutin n° {ballot.id}, en l'absence de la Région Grand Est)"
    ) in text


# --- the urgency -------------------------------------------------------------------------------


async def _urgent(services: Services, clock: FakeClock) -> Meeting:
    actor = await coordinator(services)
    clock.now = paris(2026, 12, 13, 9)
    meeting = await planned(services, paris(2026, 12, 15, 14))
    await convene(services, actor, meeting.id, "Marché à notifier avant le 31")
    await answer(
        services, meeting, **dict.fromkeys(("region_grand_est", *SEVEN_PRESENT), "present")
    )
    clock.now = paris(2026, 12, 15, 14)
    return meeting


async def test_an_urgent_session_first_rules_on_the_urgency(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    meeting = await _urgent(services, clock)
    opened = await open_session(services, actor, meeting.id)
    assert opened.urgency is not None
    ruling = opened.urgency.ballot
    assert "Marché à notifier avant le 31" in ruling.draft.question
    with pytest.raises(OpeningRulingPending) as pending:
        await ballot_opened(services, "Budget")
    assert pending.value.details["ballot"] == ruling.id
    for member in ("region-grand-est", *SEVEN_PRESENT):
        await vote(services, ruling, member, "for")
    await close_ballot(services, actor, ruling.id)
    await ballot_opened(services, "Budget")

    text = await _minutes_text(services, meeting.id)
    assert "Marché à notifier avant le 31 (exposé à l'ouverture de la séance)." in text
    assert (
        f"urgence reconnue par l'instance à l'ouverture de la séance (scrutin n° {ruling.id})."
    ) in text


async def test_an_urgency_not_recognised_leaves_only_the_adjournment(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    meeting = await _urgent(services, clock)
    ruling = (await open_session(services, actor, meeting.id)).urgency
    assert ruling is not None
    for member in ("region-grand-est", *SEVEN_PRESENT):
        await vote(services, ruling.ballot, member, "against")
    assert (await close_ballot(services, actor, ruling.ballot.id)).result.outcome is (
        Outcome.REJECTED
    )
    with pytest.raises(UrgencyRejected):
        await ballot_opened(services, "Budget")
    await adjourn(services, actor, meeting.id)
    text = await _minutes_text(services, meeting.id)
    assert "urgence non reconnue par l'instance" in text


async def test_an_urgency_without_a_vote_is_not_said_to_be_stated_at_the_opening(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    clock.now = paris(2026, 12, 13, 9)
    meeting = await services.meetings.plan(
        make_plan(paris(2026, 12, 15, 10), "cst"), actor.person_id
    )
    await convene(services, actor, meeting.id, "Rentrée avancée")
    await answer(services, meeting, region_grand_est="present")
    clock.now = paris(2026, 12, 15, 10)
    opened = await open_session(services, actor, meeting.id)
    assert opened.urgency is None
    text = await _minutes_text(services, meeting.id)
    assert "Motif de l'urgence : Rentrée avancée." in text
    assert "exposé à l'ouverture" not in text


# --- proxies during the session ----------------------------------------------------------------


async def test_a_member_who_leaves_gives_its_proxy_for_the_ballots_opened_afterwards(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    clock.now = paris(2026, 12, 8, 9)
    meeting = await convened(
        services,
        paris(2026, 12, 15, 14),
        region_grand_est="present",
        **dict.fromkeys(SEVEN_PRESENT, "present"),
        meuse="proxy:vosges",
    )
    clock.now = paris(2026, 12, 15, 14)
    await open_session(services, actor, meeting.id)
    before = (await ballot_opened(services, "Budget")).ballot

    clock.now = paris(2026, 12, 15, 14, 20)
    with pytest.raises(GiverSits):
        await session_holders(services, actor, meeting.id, "moselle")
    await record_presence(services, actor, meeting.id, "moselle", arrived=False)
    await record_presence(services, actor, meeting.id, "aube", arrived=False)
    holders = await session_holders(services, actor, meeting.id, "moselle")
    # Present, not at the limit (the Vosges holds the Meuse's), never an absent member.
    assert "vosges" not in holders.holders and "aube" not in holders.holders
    assert "ardennes" in holders.holders
    with pytest.raises(HolderAbsent):
        await give_session_proxy(services, actor, meeting.id, "moselle", "aube")
    with pytest.raises(ProxyRefused):
        await give_session_proxy(services, actor, meeting.id, "moselle", "vosges")
    await give_session_proxy(services, actor, meeting.id, "moselle", "ardennes")
    with pytest.raises(ProxyRefused):  # the Ardennes holds one: the limit is one
        await give_session_proxy(services, actor, meeting.id, "aube", "ardennes")

    after = (await ballot_opened(services, "Rapport")).ballot
    assert before.electorate is not None and after.electorate is not None
    assert "moselle" not in before.electorate.proxies  # frozen at its opening
    assert after.electorate.proxies["moselle"] == "ardennes"

    clock.now = paris(2026, 12, 15, 14, 40)
    moselle = await person_of(services, "moselle")
    await revoke_session_proxy(services, moselle, meeting.id, "moselle")
    with pytest.raises(ProxyNotHeld):
        await revoke_session_proxy(services, moselle, meeting.id, "moselle")
    clock.now = paris(2026, 12, 15, 14, 45)
    await revoke_session_proxy(services, actor, meeting.id, "meuse")
    last = (await ballot_opened(services, "Divers")).ballot
    assert last.electorate is not None and dict(last.electorate.proxies) == {}

    text = await _minutes_text(services, meeting.id)
    assert (
        "| 14 h 20 | Département de la Moselle | pouvoir donné au Département des Ardennes |"
        in (text)
    )
    assert "| 14 h 40 | Département de la Moselle | pouvoir révoqué |" in text
    assert "| 14 h 45 | Département de la Meuse | pouvoir révoqué |" in text
    assert "pouvoir donné par écrit le mardi 8 décembre 2026 à 9 h 00" in text


async def test_a_proxy_given_or_revoked_in_session_updates_the_groups_live_quorum(
    services: Services, clock: FakeClock
) -> None:
    actor = await coordinator(services)
    await link_chat(services, actor, GROUP_CHAT, "ENT", GROUPEMENT, "cogouv")
    clock.now = paris(2026, 12, 8, 9)
    meeting = await convened(
        services,
        paris(2026, 12, 15, 14),
        region_grand_est="present",
        **dict.fromkeys(SEVEN_PRESENT, "present"),
    )
    clock.now = paris(2026, 12, 15, 14)
    await open_session(services, actor, meeting.id)
    clock.now = paris(2026, 12, 15, 14, 20)
    await record_presence(services, actor, meeting.id, "moselle", arrived=False)
    notifier = notifier_of(services)
    notifier.sent.clear()

    await give_session_proxy(services, actor, meeting.id, "moselle", "ardennes")
    await revoke_session_proxy(services, actor, meeting.id, "moselle")

    figures = [plain(s.text or "") for s in notifier.sent if s.to == Group(GROUP_CHAT)]
    # 7 members and 11.5 voices once the Moselle left; its proxy brings back 1.5 voices.
    assert [text.splitlines()[-1].split(" — ")[0] for text in figures] == [
        "Quorum atteint : 8 membres sur 10, 13 voix sur 15",
        "Quorum atteint : 7 membres sur 10, 11,5 voix sur 15",
    ]
