"""A written consultation of all the members, outside any body (seed 004), with the rule its
coordinator chooses at the opening: the pure rules, the stored ballot, the action and its
record, and the /scrutin form through the bot."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.harness import OfflineHarness, button_data, form_buttons
from config.models import Governance, GovernanceLookupError
from meetings.actions.actor import Actor, identify
from meetings.actions.ballot_open import (
    DecisionRuleNeeded,
    DecisionRuleRefused,
    ballot_setting,
    open_ballot,
)
from meetings.actions.plan import plan_meeting
from meetings.actions.standing_proxy import NoVotingSeat, give_standing_proxy
from meetings.buttons import FormButton
from meetings.roster import Role
from meetings.services import Services
from meetings.wording.explain import explain
from meetings.wording.typography import plain
from tests.acting import RecordingNotifier
from tests.clock import FakeClock
from tests.conftest import GROUPEMENT, invitation_token, user
from tests.steps import make_plan, paris
from tests.test_minutes import body_text, record_of, rendered
from voting.ballot import Ballot, BallotDraft, BallotMode, BallotState, judge
from voting.decision_rules import DecisionRule, one_voice_each, rules_for
from voting.electorate import Electorate
from voting.rules import BallotKind
from voting.store import BallotStore
from voting.tally import ABSTAIN, AGAINST, FOR, MOTION_OPTIONS, Outcome

CRETEIL = "ent-ecoles-creteil"
MEMBERS_BODY = "membres"
CRETEIL_COORDINATOR_ID = 3001
CRETEIL_COORDINATOR = user(CRETEIL_COORDINATOR_ID, "Rose")
QUESTION = "Autoriser le coordonnateur à agir en justice contre le titulaire"
FOUR = ("a", "b", "c", "d")


# --- the rules, pure ----------------------------------------------------------------------------


def consultation(rule: DecisionRule, weights: dict[str, Decimal]) -> Ballot:
    draft = BallotDraft(
        CRETEIL, MEMBERS_BODY, QUESTION, BallotKind.PUBLIC, MOTION_OPTIONS, BallotMode.WRITTEN,
        decision_rule=rule,
    )  # fmt: skip
    return Ballot(
        1, draft, BallotState.OPEN, paris(2026, 3, 2), paris(2026, 3, 2), None, None,
        rules_for(rule), None, Electorate(weights), None, False, None,
    )  # fmt: skip


def outcome(rule: DecisionRule, votes: dict[str, str], weights: dict[str, Decimal]) -> Outcome:
    return judge(consultation(rule, weights), votes).outcome


HEADS = one_voice_each(FOUR)


def test_unanimity_needs_every_member_in_force_and_silence_counts_against() -> None:
    everyone = dict.fromkeys(FOUR, FOR)
    adopted = judge(consultation(DecisionRule.UNANIMITY, HEADS), everyone)
    assert adopted.outcome is Outcome.ADOPTED
    assert plain(explain(adopted)) == "Adoptée à l'unanimité : 4 voix pour sur 4 au total."
    # One member that does not answer, abstains or votes against prevents the unanimity.
    for missing in ({}, {"d": ABSTAIN}, {"d": AGAINST}):
        votes = {**dict.fromkeys(FOUR[:3], FOR), **missing}
        result = judge(consultation(DecisionRule.UNANIMITY, HEADS), votes)
        assert result.outcome is Outcome.REJECTED and not result.tie
        assert result.majority_base.heads == 4 and result.required == 4


def test_absolute_and_simple_majorities_by_head() -> None:
    # Two for, one against, one silent: a simple majority of the votes cast, not of all.
    votes = {"a": FOR, "b": FOR, "c": AGAINST}
    assert outcome(DecisionRule.HEADS_SIMPLE, votes, HEADS) is Outcome.ADOPTED
    assert outcome(DecisionRule.HEADS_ABSOLUTE, votes, HEADS) is Outcome.REJECTED
    votes["d"] = FOR
    assert outcome(DecisionRule.HEADS_ABSOLUTE, votes, HEADS) is Outcome.ADOPTED


def test_majorities_by_the_weights_in_force() -> None:
    pupils = {"a": Decimal(11600), "b": Decimal(3300), "c": Decimal(4100), "d": Decimal(5800)}
    # The largest commune alone: not half of all the pupils, but most of those cast.
    votes = {"a": FOR, "c": AGAINST}
    assert outcome(DecisionRule.WEIGHT_SIMPLE, votes, pupils) is Outcome.ADOPTED
    assert outcome(DecisionRule.WEIGHT_ABSOLUTE, votes, pupils) is Outcome.REJECTED
    # By head, the same votes are a tie, which rejects a consultation's proposal.
    tied = judge(consultation(DecisionRule.HEADS_SIMPLE, HEADS), votes)
    assert tied.tie and tied.outcome is Outcome.REJECTED
    votes["b"] = FOR  # 14 900 of 24 800 pupils
    assert outcome(DecisionRule.WEIGHT_ABSOLUTE, votes, pupils) is Outcome.ADOPTED


def test_a_consultation_of_the_members_is_valid_only_if_half_take_part() -> None:
    result = judge(consultation(DecisionRule.HEADS_SIMPLE, HEADS), {"a": FOR})
    assert result.outcome is Outcome.NO_QUORUM


# --- on disk --------------------------------------------------------------------------------------


async def test_the_chosen_rule_is_kept_with_the_ballot(services: Services) -> None:
    store: BallotStore = services.ballots
    draft = replace(consultation(DecisionRule.UNANIMITY, HEADS).draft)
    created = await store.create(draft)
    assert created.draft.decision_rule is DecisionRule.UNANIMITY
    plain_ballot = await store.create(replace(draft, decision_rule=None, instance_id="cogouv"))
    assert plain_ballot.draft.decision_rule is None
    opened = await store.open(
        created.id, electorate=Electorate(HEADS), rules=rules_for(DecisionRule.UNANIMITY),
        weight_table_id=None,
    )  # fmt: skip
    again = await store.get(opened.id)
    assert again.draft.decision_rule is DecisionRule.UNANIMITY
    assert again.rules == rules_for(DecisionRule.UNANIMITY) and again.weight_table_id is None


# --- the action and the record ---------------------------------------------------------------


@pytest.fixture
async def creteil(services: Services) -> AsyncIterator[Actor]:
    await services.roster.add_coordinator(
        CRETEIL, f"tg:{CRETEIL_COORDINATOR_ID}", "Rose Test", added_by="tests"
    )
    yield await identify(services, f"tg:{CRETEIL_COORDINATOR_ID}", "Rose Test", "fr")


async def test_the_electorate_follows_the_rule_chosen(
    services: Services, clock: FakeClock, creteil: Actor
) -> None:
    clock.now = paris(2026, 3, 2, 9)
    heads = await ballot_setting(services, CRETEIL, MEMBERS_BODY, DecisionRule.UNANIMITY)
    assert heads.weight_table_id is None and heads.meeting is None and heads.chair is None
    assert len(heads.electorate.weights) == 12 and heads.electorate.total_weight == 12
    assert "region-academique-idf" not in heads.electorate.weights
    weighted = await ballot_setting(services, CRETEIL, MEMBERS_BODY, DecisionRule.WEIGHT_SIMPLE)
    assert weighted.weight_table_id == "creteil-eleves-exemple"
    assert weighted.electorate.weights["saint-denis"] == 11600
    assert weighted.electorate.total_weight == 84700
    with pytest.raises(DecisionRuleNeeded):
        await ballot_setting(services, CRETEIL, MEMBERS_BODY)
    with pytest.raises(DecisionRuleRefused):
        await ballot_setting(services, GROUPEMENT, "cogouv", DecisionRule.UNANIMITY)


async def test_the_members_body_never_meets_and_takes_no_proxy(
    services: Services, clock: FakeClock, creteil: Actor
) -> None:
    plan = replace(make_plan(paris(2027, 1, 5)), groupement_id=CRETEIL, instance_id=MEMBERS_BODY)
    with pytest.raises(GovernanceLookupError, match="never meets"):
        await plan_meeting(services, creteil, plan)
    invitation = await services.roster.invite(
        CRETEIL, "meaux", Role.TITULAIRE, f"tg:{CRETEIL_COORDINATOR_ID}"
    )
    await services.roster.accept(invitation.token, "tg:meaux", "Meaux", "fr")
    meaux = await identify(services, "tg:meaux", "Meaux", "fr")
    with pytest.raises(NoVotingSeat):
        await give_standing_proxy(services, meaux, MEMBERS_BODY, "melun")


async def test_unanimity_through_the_action_and_its_record(
    services: Services, clock: FakeClock, creteil: Actor
) -> None:
    clock.now = paris(2026, 3, 2, 9)
    opened = await open_ballot(
        services, creteil, CRETEIL, MEMBERS_BODY, QUESTION, decision_rule=DecisionRule.UNANIMITY
    )
    ballot = opened.ballot
    assert ballot.draft.mode is BallotMode.WRITTEN
    assert ballot.draft.decision_rule is DecisionRule.UNANIMITY
    assert ballot.rules == rules_for(DecisionRule.UNANIMITY)
    assert ballot.electorate is not None
    for member in ballot.electorate.members[:-1]:  # Ivry-sur-Seine never answers
        clock.advance(timedelta(minutes=5))
        await services.ballots.cast(ballot.id, member, FOR, cast_by="p")
    _closed, result = await services.ballots.close(ballot.id)
    assert result.outcome is Outcome.REJECTED
    text = body_text(rendered(await record_of(services, ballot.id)))
    assert "Consultation des membres" in text
    assert (
        "Règle choisie à l'ouverture : Unanimité des membres en fonction, une voix chacun : la "
        "proposition n'est adoptée que si les 12 membres consultés votent pour ; un membre qui "
        "ne répond pas, s'abstient ou vote contre l'empêche." in text
    )
    assert "Rejetée : l'unanimité est requise, 11 voix pour sur 12 au total." in text


async def test_a_record_by_weight_says_how_the_weights_derive(
    services: Services, clock: FakeClock, creteil: Actor
) -> None:
    clock.now = paris(2026, 3, 2, 9)
    opened = await open_ballot(
        services, creteil, CRETEIL, MEMBERS_BODY, QUESTION,
        decision_rule=DecisionRule.WEIGHT_ABSOLUTE,
    )  # fmt: skip
    ballot = opened.ballot
    for member in ("saint-denis", "montreuil", "aubervilliers", "creteil", "vitry-sur-seine",
                   "champigny-sur-marne"):  # fmt: skip
        await services.ballots.cast(ballot.id, member, FOR, cast_by="p")
    _closed, result = await services.ballots.close(ballot.id)
    assert result.outcome is Outcome.ADOPTED
    text = body_text(rendered(await record_of(services, ballot.id)))
    assert "Règle choisie à l'ouverture : Majorité absolue des poids en vigueur" in text
    assert (
        "Poids tirés de parts : 84 700 élèves en tout (source : EXAMPLE figures, not a census: "
        "replace them with each commune's pupils in the schools of the market) ; une voix par "
        "élève : le poids de chaque membre est sa part." in text
    )
    assert "tableau des poids selon les effectifs d'élèves (EXEMPLE)" in text


# --- through the bot ---------------------------------------------------------------------------


@pytest.fixture
async def creteil_harness(
    services: Services, clock: FakeClock, creteil: Actor
) -> AsyncIterator[OfflineHarness]:
    clock.now = paris(2026, 3, 2, 9)
    async with OfflineHarness(services, clock) as driven:
        yield driven


async def press(harness: OfflineHarness, label: str) -> dict[str, Any]:
    message = harness.last_message_to(CRETEIL_COORDINATOR_ID)
    await harness.press(CRETEIL_COORDINATOR, message, button_data(message, label))
    return harness.last_message_to(CRETEIL_COORDINATOR_ID)


async def test_the_coordinator_chooses_the_rule_in_the_ballot_form(
    creteil_harness: OfflineHarness,
) -> None:
    harness = creteil_harness
    meaux = user(3101, "Meaux")
    await harness.say(CRETEIL_COORDINATOR, "/inviter meaux")
    token = invitation_token(harness.last_message_to(CRETEIL_COORDINATOR_ID)["text"])
    await harness.say(meaux, f"/start {token}")
    # The groupement has no body: its one choice is the consultation of the members.
    await harness.say(CRETEIL_COORDINATOR, "/scrutin")
    asked = plain(harness.last_message_to(CRETEIL_COORDINATOR_ID)["text"])
    assert asked.startswith("Instance : Consultation des membres — Groupement de commandes ENT")
    await harness.say(CRETEIL_COORDINATOR, QUESTION)
    kinds = harness.last_message_to(CRETEIL_COORDINATOR_ID)
    assert [label for label, _data in form_buttons(kinds)] == ["Public (appel nominal)", "Secret"]
    rules = await press(harness, "Public (appel nominal)")
    assert [label for label, _data in form_buttons(rules)] == [
        "Unanimité des membres",
        "Majorité absolue des membres (une voix chacun)",
        "Majorité simple des suffrages exprimés (une voix par membre)",
        "Majorité absolue des poids en vigueur",
        "Majorité simple des poids exprimés",
    ]
    await press(harness, "Unanimité des membres")
    summary = plain((await press(harness, "Sans date limite"))["text"])
    assert "• Membres consultés : 12 membres, une voix chacun" in summary
    assert "• Règle : Unanimité des membres en fonction, une voix chacun" in summary
    opened = plain((await press(harness, "Ouvrir le scrutin"))["text"])
    assert "est ouvert" in opened
    (ballot,) = await harness.services.ballots.find(state=BallotState.OPEN)
    assert ballot.draft.decision_rule is DecisionRule.UNANIMITY
    assert ballot.draft.instance_id == MEMBERS_BODY and ballot.weight_table_id is None
    paper = harness.papers_to(3101)[-1]
    assert "Consultation des membres" in plain(paper["text"])
    assert "la proposition n'est adoptée que si les 12 membres consultés votent pour" in plain(
        paper["text"]
    )
    await harness.press(meaux, paper, button_data(paper, "Pour"))
    await harness.say(CRETEIL_COORDINATOR, f"/clore {ballot.id}")
    closed = await harness.services.ballots.get(ballot.id)
    assert closed.result is not None and closed.result.outcome is Outcome.NO_QUORUM
    result = plain(harness.last_message_to(3101)["text"])
    assert "Consultation non valable : 1 membre sur les 12 membres consultés" in result


async def test_a_forged_rule_is_refused(creteil_harness: OfflineHarness) -> None:
    harness = creteil_harness
    await harness.say(CRETEIL_COORDINATOR, "/scrutin")
    await harness.say(CRETEIL_COORDINATOR, QUESTION)
    rules = await press(harness, "Secret")
    for forged in ("5", "01", "-1", "unanimity"):
        calls = await harness.press(CRETEIL_COORDINATOR, rules, FormButton("rule", forged).encode())
        alerts = [c.params for c in calls if c.method == "answerCallbackQuery"]
        assert alerts and alerts[-1].get("show_alert"), forged
    assert await harness.services.ballots.find(state=BallotState.OPEN) == []


def test_the_shipped_governance_has_the_creteil_consultation(governance: Governance) -> None:
    assert governance.groupement(CRETEIL).consults_members(MEMBERS_BODY)
    assert not governance.groupement(GROUPEMENT).consults_members(MEMBERS_BODY)


# --- through the command line --------------------------------------------------------------


async def consultation_on_file(database: Path, clock: FakeClock, governance: Governance) -> int:
    """A closed consultation of the Créteil members, by an absolute majority of heads."""
    services = await Services.open(governance, database, clock)
    try:
        services.connect(RecordingNotifier())
        await services.roster.add_coordinator(CRETEIL, "tg:3001", "Rose Test", added_by="tests")
        actor = await identify(services, "tg:3001", "Rose Test", "fr")
        clock.now = paris(2026, 3, 2, 9)
        opened = await open_ballot(
            services, actor, CRETEIL, MEMBERS_BODY, QUESTION,
            decision_rule=DecisionRule.HEADS_ABSOLUTE,
        )  # fmt: skip
        seven = ("meaux", "melun", "chelles", "bobigny", "creteil", "montreuil", "saint-denis")
        for member in seven:
            await services.ballots.cast(opened.ballot.id, member, FOR, cast_by="p")
        await services.ballots.close(opened.ballot.id)
        return opened.ballot.id
    finally:
        await services.close()


def test_the_command_line_records_exports_and_verifies_a_consultation_of_the_members(
    tmp_path: Path,
    clock: FakeClock,
    governance: Governance,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    database = tmp_path / "cli.db"
    ballot_id = asyncio.run(consultation_on_file(database, clock, governance))
    monkeypatch.setenv("SCRUTIN_DATABASE_PATH", str(database))
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(ballot_id), "-o", "consultation.json"]) == 0
    exported = json.loads((tmp_path / "consultation.json").read_text(encoding="utf-8"))
    assert exported["weight_table"] is None and exported["written"] is True
    assert set(exported["weights"].values()) == {"1"} and len(exported["weights"]) == 12
    assert exported["result"]["outcome"] == "adopted"
    capsys.readouterr()
    assert main(["verify", "consultation.json"]) == 0
    assert capsys.readouterr().out == "vérifié\n"
    assert main(["minutes", str(ballot_id), "--ballot", "-o", "releve.pdf"]) == 0
    text = body_text((tmp_path / "releve.pdf").read_bytes())
    assert "Règle choisie à l'ouverture : Majorité absolue des membres, une voix chacun" in text
    assert main(["chart", str(ballot_id), "-o", "releve.png"]) == 0
    assert (tmp_path / "releve.png").read_bytes().startswith(b"\x89PNG")
