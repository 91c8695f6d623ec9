"""The ballot form's summary states the electorate the ballot will really have."""

from __future__ import annotations

from meetings.wording.messages.ballots import electorate_summary
from meetings.wording.typography import plain
from tests.test_tally import WEIGHTS_2022
from voting.electorate import Electorate

TABLE = "ent-2022-avenant-1"


def test_a_session_ballot_counts_the_members_present_and_represented() -> None:
    present = frozenset({"region", "cea", "moselle", "ardennes", "aube"})
    electorate = Electorate(WEIGHTS_2022, present, {"meuse": "ardennes"})
    assert plain(electorate_summary(electorate, TABLE, in_session=True, language="fr")) == (
        "• Corps électoral : 6 membres présents ou représentés, 11 voix "
        "(sur 10 membres, 15 voix au total ; table ent-2022-avenant-1)"
    )
    assert plain(electorate_summary(electorate, TABLE, in_session=True, language="en")) == (
        "• Electorate: 6 members present or represented, 11 votes "
        "(out of 10 members, 15 votes in all; table ent-2022-avenant-1)"
    )
    alone = Electorate(WEIGHTS_2022, frozenset({"region"}))
    assert plain(electorate_summary(alone, TABLE, in_session=True, language="fr")).startswith(
        "• Corps électoral : 1 membre présent ou représenté, 4,5 voix (sur 10 membres"
    )


def test_a_written_consultation_consults_every_member() -> None:
    electorate = Electorate(WEIGHTS_2022)
    assert plain(electorate_summary(electorate, TABLE, in_session=False, language="fr")) == (
        "• Corps électoral : 10 membres, 15 voix (table ent-2022-avenant-1)"
    )
