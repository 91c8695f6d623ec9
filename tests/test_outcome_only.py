"""``secret_results = "outcome"``: a secret ballot's result, chart and record give the outcome,
the quorum and the turnout, and no figure of any option (not even a tie)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.harness import OfflineHarness
from config.loader import default_config_dir, load_config_dir
from config.models import Governance
from meetings.actions.documents import source
from meetings.charts.ballot import render_ballot_figure
from meetings.minutes.markdown import render_markdown
from meetings.wording.typography import plain
from tests.conftest import COORDINATOR, GROUP_CHAT, GROUPEMENT, NOW, enrol_everyone
from tests.test_bot_ballots import WORKED_EXAMPLE, bind_group, open_ballot, vote
from tests.test_charts import NAMES_2022, closed, texts_of, worked_example
from voting.rules import BallotKind

REJECTED = "Rejetée : la majorité requise n'est pas atteinte (scrutin secret, résultat seul)."
# The worked example's figures: 4.5 for, 4.5 against, 9 cast, a tie.
GIVEN_AWAY = ("4,5", "exprimées", "partage", "Pour :", "Contre :", "Suffrages exprimés")


@pytest.fixture
def governance() -> Governance:
    """The shipped configuration, the ENT's COGOUV publishing its secret outcomes only."""
    shipped = load_config_dir(default_config_dir())
    groupement = shipped.groupement(GROUPEMENT)
    instances = [
        i.model_copy(update={"secret_results": "outcome"}) if i.id == "cogouv" else i
        for i in groupement.instances
    ]
    changed = groupement.model_copy(update={"instances": instances})
    return shipped.model_copy(update={"groupements": {**shipped.groupements, GROUPEMENT: changed}})


def test_the_shipped_instances_publish_option_weights() -> None:
    shipped = load_config_dir(default_config_dir())
    assert shipped.instance(GROUPEMENT, "cogouv").secret_results == "weights"
    assert not shipped.instance(GROUPEMENT, "cogouv").outcome_only


def test_an_outcome_only_chart_draws_no_option() -> None:
    ballot, votes = worked_example(BallotKind.SECRET)
    ballot = closed(ballot, votes)
    texts = texts_of(render_ballot_figure(ballot, votes, NAMES_2022, outcome_only=True))
    joined = "\n".join(texts)
    assert "Rejetée" in texts
    assert "Scrutin secret : seuls le résultat et la participation sont publiés." in joined
    assert "Participation : 10/10 membres, 15 voix sur 15" in texts
    for figure in GIVEN_AWAY:
        assert figure not in joined, figure
    # The same ballot with option weights (the default) does show them.
    default = "\n".join(texts_of(render_ballot_figure(ballot, votes, NAMES_2022)))
    assert "4,5" in default and "partage" in default


async def test_the_result_and_the_record_give_the_outcome_only(
    harness: OfflineHarness,
) -> None:
    await bind_group(harness)
    await enrol_everyone(harness)
    ballot_id = await open_ballot(harness, "Question secrète", kind="Secret")
    for member, label in WORKED_EXAMPLE.items():
        await vote(harness, member, label)
    await harness.say(COORDINATOR, f"/clore {ballot_id}")

    text = plain(harness.last_message_to(GROUP_CHAT)["text"])
    assert REJECTED in text
    assert "Participation : 10 membres sur 10, 15 voix sur 15" in text
    for figure in GIVEN_AWAY:
        assert figure not in text, figure
    (photo,) = harness.request.calls_to("sendPhoto")
    assert plain(photo.params["caption"]).endswith(" — " + REJECTED)

    record = await source(harness.services, ballot_id, ballot=True)
    markdown = plain(render_markdown(record, NOW + timedelta(days=1)))
    assert REJECTED in markdown
    assert "seuls le résultat et la participation sont consignés" in markdown
    assert "Votants" in markdown and "10 sur 10" in markdown
    # The chain's final hash is printed all the same: it gives no choice away.
    assert "Empreinte finale de la chaîne des votes" in markdown
    # The electors' weights and who took part are public; no option's total is.
    for figure in ("| Pour |", "| Contre |", "| Abstention |", "exprimé", "partage"):
        assert figure not in markdown, figure
