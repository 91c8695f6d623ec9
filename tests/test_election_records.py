"""An election held in a session, as its chart and the minutes record it, round by round."""

from __future__ import annotations

from pathlib import Path

from meetings.actions.ballot_close import close_ballot
from meetings.actions.ballot_open import open_ballot
from meetings.actions.election_rounds import open_next_round
from meetings.minutes.markdown import render_markdown
from meetings.services import Services
from tests.acting import coordinator
from tests.clock import FakeClock
from tests.conftest import GROUPEMENT
from tests.steps import in_session, paris, vote
from tests.test_minutes import GENERATED, body_text, flat, minutes_of, rendered
from voting.election import election_options
from voting.tally import BLANK

QUESTION = "Élection du vice-président du comité"
DURAND, MARTIN = "Mme Durand", "M. Martin"
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


async def test_the_minutes_record_each_round_of_an_election(
    services: Services, clock: FakeClock, tmp_path: Path
) -> None:
    meeting = await in_session(services, clock, paris(2026, 12, 22), **PRESENT)
    actor = await coordinator(services)
    first = (
        await open_ballot(
            services,
            actor,
            GROUPEMENT,
            "cogouv",
            QUESTION,
            options=election_options((DURAND, MARTIN)),
            election_round=1,
        )
    ).ballot
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
