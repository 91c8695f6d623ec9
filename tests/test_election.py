"""The election of a person (CGCT L2122-7): pure rule, Hypothesis properties, the tally file,
and its rounds and ages kept on a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main
from meetings.wording.explain import explain, outcome_label
from meetings.wording.typography import plain
from tests.clock import FakeClock
from tests.test_tally import COGOUV, WEIGHTS_2022, everyone
from voting.ballot import BallotDraft, BallotMode, InvalidOption, InvalidTransition
from voting.codec import (
    TallyInputError,
    result_from_mapping,
    result_to_mapping,
    run_tally_mapping,
)
from voting.db import Database, inserted_id
from voting.election import LAST_ROUND, elect, elect_the_oldest, election_options
from voting.electorate import Electorate
from voting.rules import NO_QUORUM, SIMPLE_MAJORITY, BallotKind, BallotRules, TieRule
from voting.store import MIGRATIONS, BallotStore
from voting.tally import BLANK, Outcome, TallyError

D = Decimal
DURAND, MARTIN, PETIT = "Mme Durand", "M. Martin", "M. Petit"
CANDIDATES = (DURAND, MARTIN)


def votes_for(**groups: tuple[str, ...]) -> dict[str, str]:
    names = {"durand": DURAND, "martin": MARTIN, "petit": PETIT, "blank": BLANK}
    return {member: names[key] for key, members in groups.items() for member in members}


# Durand 4.5 + 1 = 5.5, Martin 2 + 1.5 = 3.5, blank 1: 9 cast, absolute majority above 4.5.
CLEAR = votes_for(durand=("region", "aube"), martin=("cea", "moselle"), blank=("marne",))
# Durand 4.5, Martin 2 + 1.5 + 1 = 4.5: a tie in weight.
TIED = votes_for(durand=("region",), martin=("cea", "moselle", "aube"), blank=("marne",))


def test_an_absolute_majority_of_the_votes_cast_elects_at_the_first_round() -> None:
    result = elect(everyone(), CLEAR, COGOUV, candidates=CANDIDATES, round_number=1)
    assert result.outcome is Outcome.ADOPTED and result.winner == DURAND
    assert result.expressed.weight == D("9") and result.secret
    assert plain(explain(result)) == (
        "Mme Durand est élue au 1er tour avec 5,5 voix sur 9 exprimées, "
        "majorité absolue : plus de 4,5 voix."
    )


def test_a_blank_vote_is_cast_but_not_expressed() -> None:
    # Durand 4.5 against Martin 4.5 and a blank 1: without the blank, nobody has more than half.
    result = elect(everyone(), TIED, COGOUV, candidates=CANDIDATES, round_number=2)
    assert result.totals[BLANK].weight == D("1") and result.expressed.weight == D("9")
    assert result.voted.weight == D("10")
    assert result.winner is None and result.outcome is Outcome.REJECTED
    assert not result.tie and not result.casting_vote_used
    assert plain(outcome_label(result)) == "aucun élu"


def test_the_chair_never_breaks_a_tie_of_an_election() -> None:
    # The chair (Région) voted Durand, and the instance gives the chair the casting vote.
    for round_number in (1, 2):
        result = elect(everyone(), TIED, COGOUV, candidates=CANDIDATES, round_number=round_number)
        assert result.winner is None and not result.casting_vote_used


def test_a_relative_majority_elects_at_the_third_round() -> None:
    votes = votes_for(durand=("cea", "aube"), martin=("moselle", "marne"), petit=("region",))
    result = elect(everyone(), votes, COGOUV, candidates=(DURAND, MARTIN, PETIT), round_number=3)
    assert result.winner == PETIT and result.outcome is Outcome.ADOPTED
    assert plain(explain(result)) == (
        "M. Petit est élu au 3e tour à la majorité relative avec 4,5 voix sur 10 exprimées."
    )


def test_a_tie_at_the_third_round_awaits_the_ages_then_elects_the_oldest() -> None:
    result = elect(everyone(), TIED, COGOUV, candidates=CANDIDATES, round_number=3)
    assert result.awaiting_ages and result.tied == (DURAND, MARTIN)
    assert result.winner is None and not result.casting_vote_used
    ages = {DURAND: date(1971, 5, 2), MARTIN: date(1958, 11, 30)}
    decided = elect_the_oldest(result, ages)
    assert decided.winner == MARTIN and decided.decided_by_age
    assert decided.outcome is Outcome.ADOPTED
    assert plain(explain(decided)) == (
        "M. Martin est élu au 3e tour comme le plus âgé des candidats à égalité "
        "avec 4,5 voix sur 9 exprimées."
    )
    given_up_front = elect(
        everyone(), TIED, COGOUV, candidates=CANDIDATES, round_number=3, birth_dates=ages
    )
    assert given_up_front == decided


def test_the_ages_are_asked_of_the_tied_candidates_only() -> None:
    result = elect(everyone(), TIED, COGOUV, candidates=CANDIDATES, round_number=3)
    with pytest.raises(TallyError, match="missing"):
        elect_the_oldest(result, {DURAND: date(1971, 5, 2)})
    with pytest.raises(TallyError, match="same day"):
        elect_the_oldest(result, {DURAND: date(1971, 5, 2), MARTIN: date(1971, 5, 2)})
    clear = elect(everyone(), CLEAR, COGOUV, candidates=CANDIDATES, round_number=3)
    with pytest.raises(TallyError, match="only a tie"):
        elect_the_oldest(clear, {DURAND: date(1971, 5, 2), MARTIN: date(1958, 1, 1)})


def test_an_election_needs_the_instances_quorum() -> None:
    few = Electorate(WEIGHTS_2022, frozenset({"region", "cea"}))
    votes = votes_for(durand=("region",), martin=("cea",))
    result = elect(few, votes, COGOUV, candidates=CANDIDATES, round_number=3)
    assert result.outcome is Outcome.NO_QUORUM and result.winner is None
    assert not result.awaiting_ages


def test_candidates_are_distinct_names() -> None:
    assert election_options(["Mme Durand ", "M. Martin"]) == (DURAND, MARTIN, BLANK)
    for bad in ([], ["Mme Durand", "Mme Durand"], ["blank"], [" "]):
        with pytest.raises(TallyError):
            election_options(bad)


def test_a_kept_election_result_reads_back_the_same() -> None:
    result = elect(everyone(), TIED, COGOUV, candidates=CANDIDATES, round_number=3)
    decided = elect_the_oldest(result, {DURAND: date(1971, 5, 2), MARTIN: date(1958, 11, 30)})
    for kept in (result, decided):
        assert result_from_mapping(result_to_mapping(kept)) == kept


ANY_TURNOUT = BallotRules(NO_QUORUM, SIMPLE_MAJORITY, TieRule.CHAIR)

# --- properties ----------------------------------------------------------------------------

names_st = st.lists(
    st.sampled_from(["Mme A", "M. B", "Mme C", "M. D"]), min_size=1, max_size=4, unique=True
)


@st.composite
def elections_st(draw: st.DrawFn) -> tuple[Electorate, dict[str, str], tuple[str, ...]]:
    weights = draw(
        st.dictionaries(
            st.sampled_from([f"m{i}" for i in range(8)]),
            st.decimals(min_value=D("0.5"), max_value=D("9"), places=1),
            min_size=1,
            max_size=8,
        )
    )
    candidates = tuple(draw(names_st))
    choices = st.sampled_from([*candidates, BLANK])
    votes = {m: draw(choices) for m in weights if draw(st.booleans())}
    return Electorate(weights, frozenset(weights)), votes, candidates


@settings(max_examples=300, deadline=None)
@given(elections_st(), st.integers(min_value=1, max_value=LAST_ROUND))
def test_the_election_rule_holds_for_every_vote(
    election: tuple[Electorate, dict[str, str], tuple[str, ...]], round_number: int
) -> None:
    electorate, votes, candidates = election
    result = elect(
        electorate,
        votes,
        ANY_TURNOUT,
        candidates=candidates,
        round_number=round_number,
    )
    totals = {c: result.totals[c].weight for c in candidates}
    expressed = sum(totals.values(), D(0))
    assert result.expressed.weight == expressed
    assert not result.casting_vote_used
    top = max(totals.values())
    leaders = [c for c in candidates if totals[c] == top]
    if round_number < LAST_ROUND:
        # Elected if and only if more than half of the votes cast, blank votes not counted.
        majority = [c for c in candidates if totals[c] * 2 > expressed]
        assert result.winner == (majority[0] if majority else None)
    elif top == 0:
        assert result.winner is None and not result.awaiting_ages
    elif len(leaders) == 1:
        assert result.winner == leaders[0]
    else:
        assert result.awaiting_ages and set(result.tied) == set(leaders)
        born = {c: date(1950 + i, 1, 1) for i, c in enumerate(reversed(leaders))}
        assert elect_the_oldest(result, born).winner == leaders[-1]
    # Adding blank votes never changes who is elected.
    more = dict(votes, extra=BLANK)
    wider = Electorate({**electorate.weights, "extra": D("5")}, electorate.present | {"extra"})
    again = elect(
        wider,
        more,
        ANY_TURNOUT,
        candidates=candidates,
        round_number=round_number,
    )
    assert again.winner == result.winner and again.tied == result.tied


# --- the tally file ------------------------------------------------------------------------


def tally_file(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "election",
        "round": 3,
        "options": list(CANDIDATES),
        "weights": {m: str(w) for m, w in WEIGHTS_2022.items()},
        "present": list(WEIGHTS_2022),
        "votes": TIED,
        "rules": {
            "quorum": {"basis": "none"},
            "majority": {"base": "expressed", "fraction": "1/2", "comparison": "more_than"},
            "tie": "chair",
        },
    }
    data.update(changes)
    return data


def test_scrutin_tally_judges_an_election_round() -> None:
    assert run_tally_mapping(tally_file()).awaiting_ages
    decided = run_tally_mapping(
        tally_file(birth_dates={DURAND: "1971-05-02", MARTIN: "1958-11-30"})
    )
    assert decided.winner == MARTIN and decided.decided_by_age
    assert run_tally_mapping(tally_file(round=1, votes=CLEAR)).winner == DURAND
    assert run_tally_mapping(tally_file(round=2)).winner is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"round": 4}, "round: 4 is not 1, 2 or 3"),
        ({"round": None}, "round"),
        ({"secret": False}, "always a secret ballot"),
        ({"chair": "region"}, "casting vote"),
        ({"kind": "vote"}, "only an election"),
        ({"kind": "referendum"}, "kind"),
        ({"birth_dates": {DURAND: "2 mai 1971"}}, "birth_dates"),
    ],
)
def test_scrutin_tally_refuses_a_malformed_election(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(TallyInputError, match=message):
        run_tally_mapping(tally_file(**changes))


# --- on disk -------------------------------------------------------------------------------


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[BallotStore]:
    database = await Database.open(
        tmp_path / "scrutin.db", FakeClock(datetime(2026, 12, 15, 13, tzinfo=UTC))
    )
    ballots = BallotStore(database)
    await ballots.migrate()
    yield ballots
    await database.close()


def election_draft(round_number: int, kind: BallotKind = BallotKind.SECRET) -> BallotDraft:
    return BallotDraft(
        groupement_id="ent-grand-est",
        instance_id="cogouv",
        question="Élection du vice-président",
        kind=kind,
        options=election_options(CANDIDATES),
        mode=BallotMode.MEETING,
        election_round=round_number,
    )


async def test_an_election_round_and_its_ages_are_kept_on_disk(store: BallotStore) -> None:
    ballot = await store.create(election_draft(3))
    assert (await store.get(ballot.id)).draft.election_round == 3
    await store.open(
        ballot.id, electorate=everyone(), rules=COGOUV, weight_table_id=None, chair="region"
    )
    for member, option in TIED.items():
        await store.cast(ballot.id, member, option, cast_by=f"tg:{member}")
    closed, result = await store.close(ballot.id)
    assert result.awaiting_ages and closed.result == result
    with pytest.raises(InvalidOption, match="missing"):
        await store.elect_the_oldest(ballot.id, {DURAND: date(1971, 5, 2)})
    ages = {DURAND: date(1971, 5, 2), MARTIN: date(1958, 11, 30)}
    decided, result = await store.elect_the_oldest(ballot.id, ages)
    assert result.winner == MARTIN and (await store.get(ballot.id)).result == result
    assert decided.result is not None and decided.result.birth_dates == ages
    with pytest.raises(InvalidTransition):
        await store.elect_the_oldest(ballot.id, ages)


async def test_an_election_is_never_public(store: BallotStore) -> None:
    with pytest.raises(InvalidTransition, match="secret"):
        await store.create(election_draft(1, BallotKind.PUBLIC))


def test_the_command_line_tallies_an_election(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "election.json"
    path.write_text(json.dumps(tally_file()), encoding="utf-8")
    assert main(["tally", str(path)]) == 0
    output = json.loads(capsys.readouterr().out)
    assert output["outcome"] == "rejected" and output["winner"] is None
    assert output["election"] == {
        "round": 3,
        "tied": [DURAND, MARTIN],
        "birth_dates": {},
        "decided_by_age": False,
    }
    assert plain(output["explanation"]["fr"]).startswith("Égalité au 3e tour : Mme Durand")
    dated = tally_file(birth_dates={DURAND: "1958-11-30", MARTIN: "1971-05-02"})
    path.write_text(json.dumps(dated), encoding="utf-8")
    assert main(["tally", str(path), "--format", "text"]) == 0
    lines = plain(capsys.readouterr().out).splitlines()
    assert lines[0] == "Résultat : élue : Mme Durand"
    assert lines[1] == (
        "Mme Durand est élue au 3e tour comme la plus âgée des candidats à égalité avec "
        "4,5 voix sur 9 exprimées."
    )
    # A secret ballot gives each option's weight, never its headcount.
    assert "Blanc ou nul : 1 voix" in lines
    assert {"Mme Durand : 4,5 voix", "M. Martin : 4,5 voix"} <= set(lines)
    path.write_text(json.dumps(tally_file(round=0)), encoding="utf-8")
    assert main(["tally", str(path)]) == 2
    assert "round: 0 is not 1, 2 or 3" in capsys.readouterr().err


async def test_a_database_of_before_elections_is_migrated_and_keeps_its_ballots(
    tmp_path: Path,
) -> None:
    clock = FakeClock(datetime(2026, 12, 15, 13, tzinfo=UTC))
    path = tmp_path / "old.db"
    database = await Database.open(path, clock)
    assert await database.migrate("voting", MIGRATIONS[:1]) == [1]
    async with database.transaction() as connection:
        old = await inserted_id(
            connection,
            """INSERT INTO ballots (groupement_id, instance_id, question, kind, mode, options,
                   allow_vote_change, state, created_at_utc)
               VALUES ('ent-grand-est', 'cogouv', 'Budget', 'public', 'meeting',
                   '["for", "against", "abstain"]', 1, 'draft', '2026-12-01T09:00:00+00:00')""",
            (),
        )
    await database.close()
    database = await Database.open(path, clock)
    ballots = BallotStore(database)
    await ballots.migrate()
    try:
        assert (await ballots.get(old)).draft.election_round is None
        elected = await ballots.create(election_draft(2))
        assert (await ballots.get(elected.id)).draft.election_round == 2
    finally:
        await database.close()
