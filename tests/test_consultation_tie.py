"""A written consultation has no séance: nobody is present, nobody presides, and its tie follows
the instance's rule for consultations (``rules.consultation_tie``, default ``rejected``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from config.loader import ConfigError, default_config_dir, load_config_dir
from config.models import Governance
from meetings.actions.ballot_open import open_ballot
from meetings.services import Services
from meetings.wording.explain import explain, outcome_label, quorum_line
from meetings.wording.typography import plain
from tests.acting import RecordingNotifier, coordinator
from tests.clock import FakeClock
from tests.conftest import COORDINATOR_ID, GROUPEMENT
from tests.steps import paris
from tests.test_charts import NAMES_2022, make_ballot, render_ballot_figure, texts_of
from tests.test_minutes import body_text, record_of, rendered
from tests.test_tally import COGOUV, WEIGHTS_2022
from voting.ballot import Ballot, BallotMode, judge
from voting.electorate import Electorate
from voting.rules import (
    BallotKind,
    BallotRules,
    RuleError,
    TieRule,
    rules_from_mapping,
    rules_to_mapping,
)
from voting.tally import AGAINST, FOR, Outcome

# Région 4.5 for; Moselle 1.5, Ardennes, Aube and Marne against: 4.5 to 4.5, a tie.
TIE = {"region": FOR, "moselle": AGAINST, "ardennes": AGAINST, "aube": AGAINST, "marne": AGAINST}
EVERYONE = Electorate(WEIGHTS_2022)
SEATED_WORDS = ("présent", "président", "prépondérante")


def written(rules: BallotRules = COGOUV, chair: str | None = "region") -> Ballot:
    return make_ballot(EVERYONE, mode=BallotMode.WRITTEN, chair=chair, rules=rules)


def test_a_consultation_tie_is_rejected_whatever_the_session_rule() -> None:
    # COGOUV gives the chair the casting vote in a session; a consultation has no chair.
    result = judge(written(), TIE)
    assert result.tie and result.outcome is Outcome.REJECTED and not result.casting_vote_used
    text = plain(explain(result))
    assert text == (
        "Rejetée : partage égal, 4,5 voix pour et 4,5 contre sur 9 exprimées ; dans une "
        "consultation écrite, le partage égal des voix vaut rejet."
    )
    assert plain(quorum_line(result.quorum)) == (
        "Consultation valable : 5 membres sur les 10 membres consultés ont pris part au vote, "
        "9 voix sur 15 (requis : au moins 5 membres)"
    )
    for words in SEATED_WORDS:
        assert words not in text and words not in plain(quorum_line(result.quorum))


def test_the_instance_may_give_a_consultation_tie_to_the_coordinator() -> None:
    rules = replace(COGOUV, consultation_tie=TieRule.COORDINATOR)
    result = judge(written(rules), TIE)
    assert result.outcome is Outcome.ADOPTED and result.casting_vote_used
    assert plain(explain(result)).startswith(
        "Adoptée par la voix du coordonnateur, comme le prévoit le règlement de l'instance "
        "pour une consultation écrite : partage égal"
    )
    assert plain(outcome_label(result)) == "adoptée (voix du coordonnateur)"
    ballot = written(rules)
    secret = replace(ballot, draft=replace(ballot.draft, kind=BallotKind.SECRET))
    assert judge(secret, TIE).outcome is Outcome.REJECTED


def test_the_consultation_tie_rule_is_read_and_checked() -> None:
    base = rules_to_mapping(COGOUV)
    assert base["consultation_tie"] == "rejected"
    assert rules_from_mapping({**base, "consultation_tie": "coordinator"}).consultation_tie is (
        TieRule.COORDINATOR
    )
    with pytest.raises(RuleError, match="consultation_tie"):
        rules_from_mapping({**base, "consultation_tie": "chair"})
    with pytest.raises(RuleError, match="tie"):
        rules_from_mapping({**base, "tie": "coordinator"})
    with pytest.raises(RuleError, match=r"quorum\.counts"):
        quorum = {"basis": "members", "fraction": "1/2", "comparison": "at_least"}
        rules_from_mapping({**base, "quorum": {**quorum, "counts": "taking_part"}})


def test_a_consultation_chart_speaks_of_members_who_took_part() -> None:
    votes = {"region": FOR, "cea": FOR, "moselle": AGAINST, "aube": FOR, "marne": AGAINST}
    texts = texts_of(render_ballot_figure(written(chair=None), votes, NAMES_2022))
    joined = " ".join(texts)
    assert "Consultation valable : 5 membres sur les 10 membres consultés ont pris part" in joined
    for words in SEATED_WORDS:
        assert words not in joined
    tied = " ".join(texts_of(render_ballot_figure(written(chair=None), TIE, NAMES_2022)))
    assert "Partage égal : dans une consultation écrite, le partage vaut rejet" in tied


# --- through the services and the record -----------------------------------------------------


async def tied_consultation(services: Services, clock: FakeClock) -> int:
    clock.now = paris(2026, 12, 1, 9)
    opened = await open_ballot(
        services, await coordinator(services), GROUPEMENT, "cogouv", "Approuver l'avenant n° 2"
    )
    for member, option in {**TIE, "region": FOR}.items():
        clock.advance(timedelta(hours=1))
        member_id = "region-grand-est" if member == "region" else member
        await services.ballots.cast(opened.ballot.id, member_id, option, cast_by="p")
    await services.ballots.close(opened.ballot.id)
    return opened.ballot.id


async def test_the_record_states_the_tie_rule_it_applied(
    services: Services, clock: FakeClock
) -> None:
    ballot_id = await tied_consultation(services, clock)
    ballot = await services.ballots.get(ballot_id)
    assert ballot.chair is None  # nobody presides a written consultation
    assert ballot.result is not None and ballot.result.outcome is Outcome.REJECTED
    text = body_text(rendered(await record_of(services, ballot_id)))
    assert (
        "Partage égal des voix : selon le règlement de l'instance pour les consultations "
        "écrites, le partage vaut rejet de la proposition." in text
    )
    for words in ("président", "prépondérante", "présents"):
        assert words not in text


@pytest.fixture
def coordinator_breaks_ties(tmp_path: Path) -> Iterator[Governance]:
    copy = tmp_path / "groupements"
    shutil.copytree(default_config_dir(), copy)
    path = copy / "ent-grand-est.toml"
    text = path.read_text(encoding="utf-8")
    # The comité de gouvernance (second rules table) gives a consultation's tie to the coordinator.
    head, marker, tail = text.rpartition('tie = "chair"\n')
    path.write_text(head + marker + 'consultation_tie = "coordinator"\n' + tail, encoding="utf-8")
    yield load_config_dir(copy)


def test_a_configuration_cannot_give_a_consultation_tie_to_the_chair(tmp_path: Path) -> None:
    copy = tmp_path / "groupements"
    shutil.copytree(default_config_dir(), copy)
    path = copy / "ent-grand-est.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'tie = "chair"\n', 'tie = "chair"\nconsultation_tie = "chair"\n', 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as error:
        load_config_dir(copy)
    assert "consultation_tie" in str(error.value.problems)


async def test_the_coordinator_breaks_a_tie_where_the_rules_say_so(
    tmp_path: Path, clock: FakeClock, coordinator_breaks_ties: Governance
) -> None:
    services = await Services.open(coordinator_breaks_ties, tmp_path / "other.db", clock)
    services.connect(RecordingNotifier())
    await services.roster.add_coordinator(
        GROUPEMENT, f"tg:{COORDINATOR_ID}", "Claire Test", added_by="tests"
    )
    try:
        ballot_id = await tied_consultation(services, clock)
        ballot = await services.ballots.get(ballot_id)
        assert ballot.chair == "region-grand-est"
        assert ballot.result is not None and ballot.result.casting_vote_used
        text = body_text(rendered(await record_of(services, ballot_id)))
        assert (
            "Partage égal des voix : la voix du coordonnateur a départagé, comme le prévoit le "
            "règlement de l'instance pour une consultation écrite." in text
        )
        assert "président" not in text
    finally:
        await services.close()
