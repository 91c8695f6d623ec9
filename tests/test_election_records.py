"""An election held in a session, as its chart and the minutes record it, round by round."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

import meetings.charts.ballot as drawn
from config.models import Governance
from meetings.actions.ballot_close import close_ballot
from meetings.actions.ballot_open import open_ballot
from meetings.actions.election_rounds import NoFurtherRound, open_next_round
from meetings.minutes.markdown import render_markdown
from meetings.services import Services
from tests.acting import coordinator
from tests.clock import FakeClock
from tests.conftest import GROUPEMENT
from tests.steps import allowing_off_agenda, in_session, minutes_of, paris, vote
from tests.test_charts import NAMES_2022, make_ballot, render_ballot_figure, texts_of
from tests.test_minutes import GENERATED, body_text, flat, rendered
from tests.test_tally import WEIGHTS_2022
from voting.ballot import Ballot, judge
from voting.election import elect_the_oldest, election_options
from voting.electorate import Electorate
from voting.rules import BallotKind
from voting.tally import BLANK

QUESTION = "Élection du vice-président du comité"


@pytest.fixture
def governance(governance: Governance) -> Governance:
    """The scripted session elects its vice-chair on a question that is not a motion of its
    agenda."""
    return allowing_off_agenda(governance)


DURAND, MARTIN = "Mme Durand", "M. Martin"
CANDIDATES = (DURAND, MARTIN)
PRESENT = {
    m.replace("-", "_"): "present"
    for m in ("region-grand-est", "cea", "moselle", "ardennes", "aube", "marne")
}
# Durand 4.5; Martin 2 + 1.5 + 1 = 4.5; a blank 1: nobody above 4.5 out of 9 cast.
SPLIT = {
    "region-grand-est": DURAND,
    "cea": MARTIN,
    "moselle": MARTIN,
    "ardennes": MARTIN,
    "aube": BLANK,
}
# Then the Marne (1) joins Durand: 5.5 out of 10 cast.
DURAND_AHEAD = {**SPLIT, "marne": DURAND}


async def first_round_opened(services: Services) -> Ballot:
    """The first round of the election of the vice-chair, open in the session."""
    opened = await open_ballot(
        services,
        await coordinator(services),
        GROUPEMENT,
        "cogouv",
        QUESTION,
        options=election_options(CANDIDATES),
        election_round=1,
    )
    return opened.ballot


async def test_the_minutes_record_each_round_of_an_election(
    services: Services, clock: FakeClock, tmp_path: Path
) -> None:
    meeting = await in_session(services, clock, paris(2026, 12, 22), **PRESENT)
    actor = await coordinator(services)
    first = await first_round_opened(services)
    assert first.chair == "region-grand-est"  # the session's chair, who never decides a round
    for member, option in SPLIT.items():
        await vote(services, first, member, option)
    await close_ballot(services, actor, first.id)
    second = (await open_next_round(services, actor, first.id)).ballot
    for member, option in DURAND_AHEAD.items():
        await vote(services, second, member, option)
    closed = await close_ballot(services, actor, second.id)
    assert closed.result.winner == DURAND

    minutes = await minutes_of(services, meeting.id)
    pdf = rendered(minutes)
    (tmp_path / "minutes.pdf").write_bytes(pdf)
    text = body_text(pdf)
    markdown = flat(render_markdown(minutes, GENERATED).replace("**", ""))
    for sample in (text, markdown):
        assert (
            "Élection d'une personne 1er tour" in sample
            or "Élection d'une personne : 1er tour" in sample
        )
        assert (
            "Aucun élu au 1er tour : la majorité absolue est de plus de 4,5 voix sur 9 exprimées."
            in sample
        )
        assert (
            "Mme Durand est élue au 2e tour avec 5,5 voix sur 10 exprimées, majorité absolue : "
            "plus de 5 voix." in sample
        )
        assert "Élue : Mme Durand." in sample
        assert "Blanc ou nul" in sample
        assert "prépondérante" not in sample


def test_the_chart_of_an_election_round_names_the_elected_candidate() -> None:
    electorate = Electorate(WEIGHTS_2022, frozenset(WEIGHTS_2022))
    votes = {"region": DURAND, "cea": MARTIN, "moselle": MARTIN, "aube": MARTIN, "marne": BLANK}
    ballot = make_ballot(electorate, kind=BallotKind.SECRET, options=election_options(CANDIDATES))
    first = replace(ballot, draft=replace(ballot.draft, election_round=1))
    texts = texts_of(render_ballot_figure(first, votes, NAMES_2022))
    assert "Aucun élu au 1er tour" in texts
    assert "majorité absolue : plus de 4,5 voix sur 9 exprimées" in texts
    assert "Élection d'une personne, 1er tour, scrutin secret — 10 membres, 15 voix" in texts
    assert "1 voix (non exprimée)" in texts  # secret: the weight, never the headcount

    third = replace(ballot, draft=replace(ballot.draft, election_round=3))
    tied = judge(third, votes)
    decided = elect_the_oldest(tied, {DURAND: date(1958, 1, 2), MARTIN: date(1970, 1, 1)})
    figure = drawn.render_ballot_figure(replace(third, result=decided), votes, NAMES_2022)
    texts = texts_of(figure)
    assert "Mme Durand élue au 3e tour" in texts
    assert "Égalité au troisième tour : le plus âgé des candidats est élu." in " ".join(texts)
    # A relative majority decides the third round: no majority line is drawn.
    assert not any(text.startswith("majorité") for text in texts)


async def test_two_presses_of_the_next_round_button_open_one_round(
    services: Services, clock: FakeClock
) -> None:
    await in_session(services, clock, paris(2026, 12, 22), **PRESENT)
    actor = await coordinator(services)
    first = await first_round_opened(services)
    for member, option in SPLIT.items():
        await vote(services, first, member, option)
    await close_ballot(services, actor, first.id)

    outcomes = await asyncio.gather(
        open_next_round(services, actor, first.id),
        open_next_round(services, actor, first.id),
        return_exceptions=True,
    )

    assert sum(isinstance(o, NoFurtherRound) for o in outcomes) == 1
    rounds = [b for b in await services.ballots.find() if b.draft.election_round == 2]
    assert len(rounds) == 1
