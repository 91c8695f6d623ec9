"""The weighted tally as pure functions: DOMAIN.md's rules, one by one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from meetings.quorum import LiveQuorum
from meetings.wording import explain as wording
from meetings.wording.messages.meetings import quorum_text
from meetings.wording.typography import plain
from voting.electorate import Electorate
from voting.rules import (
    BallotRules,
    Comparison,
    MajorityBase,
    MajorityRule,
    QuorumBasis,
    QuorumCounts,
    QuorumRule,
    RuleError,
    Threshold,
    TieRule,
    rules_from_mapping,
    rules_to_mapping,
)
from voting.tally import ABSTAIN, AGAINST, FOR, Outcome, TallyError, TallyResult, tally


def explain(result: TallyResult, language: str = "fr") -> str:
    """The explanation as read, French non-breaking spaces shown as spaces."""
    return plain(wording.explain(result, language))


def summary_lines(result: TallyResult, language: str = "fr") -> list[str]:
    return [plain(line) for line in wording.summary_lines(result, language)]


D = Decimal
WEIGHTS_2022 = {
    "region": D("4.5"),
    "cea": D("2"),
    "moselle": D("1.5"),
    "ardennes": D("1"),
    "aube": D("1"),
    "marne": D("1"),
    "haute-marne": D("1"),
    "meurthe-et-moselle": D("1"),
    "meuse": D("1"),
    "vosges": D("1"),
}
HALF_AT_LEAST = Threshold(1, 2, Comparison.AT_LEAST)
SIMPLE = Threshold(1, 2, Comparison.MORE_THAN)
COGOUV = BallotRules(
    quorum=QuorumRule(
        QuorumBasis.MEMBERS_AND_WEIGHT, HALF_AT_LEAST, QuorumCounts.PRESENT_OR_REPRESENTED
    ),
    majority=MajorityRule(MajorityBase.EXPRESSED, SIMPLE),
    tie=TieRule.CHAIR,
)


def everyone(weights: dict[str, Decimal] = WEIGHTS_2022) -> Electorate:
    return Electorate(weights, frozenset(weights))


def worked_example_votes() -> dict[str, str]:
    votes = {m: ABSTAIN for m in WEIGHTS_2022}
    votes["region"] = FOR
    for member in ("moselle", "ardennes", "aube", "marne"):
        votes[member] = AGAINST
    return votes


def test_worked_example_is_adopted_by_the_chairs_casting_vote() -> None:
    result = tally(everyone(), worked_example_votes(), COGOUV, chair="region")
    assert result.outcome is Outcome.ADOPTED
    assert result.casting_vote_used and result.tie
    assert result.expressed.weight == D("9")
    assert result.totals[FOR].weight == result.totals[AGAINST].weight == D("4.5")
    assert result.totals[ABSTAIN].weight == D("6")
    assert explain(result) == (
        "Adoptée par la voix prépondérante du président : partage égal, "
        "4,5 voix pour et 4,5 contre sur 9 exprimées."
    )


def test_worked_example_in_secret_is_rejected_without_casting_vote() -> None:
    result = tally(everyone(), worked_example_votes(), COGOUV, chair="region", secret=True)
    assert result.outcome is Outcome.REJECTED
    assert result.tie and not result.casting_vote_used
    assert "sans voix prépondérante" in explain(result)


def test_a_chair_who_does_not_sit_casts_no_deciding_vote() -> None:
    """Represented by proxy or absent, the chair presides nothing: the tie is rejected."""
    weights = WEIGHTS_2022
    present = frozenset(m for m in weights if m != "region")
    represented = Electorate(weights, present, {"region": "cea"})
    result = tally(represented, worked_example_votes(), COGOUV, chair="region")
    assert result.tie and not result.casting_vote_used
    assert result.outcome is Outcome.REJECTED and result.chair is None
    absent = Electorate(weights, present)
    votes = {m: v for m, v in worked_example_votes().items() if m != "region"}
    votes["cea"] = FOR
    votes["moselle"] = ABSTAIN
    votes["haute-marne"] = AGAINST
    result = tally(absent, votes, COGOUV, chair="region")
    assert not result.casting_vote_used


def test_tie_rule_rejected_ignores_the_chair() -> None:
    rules = BallotRules(COGOUV.quorum, COGOUV.majority, TieRule.REJECTED)
    result = tally(everyone(), worked_example_votes(), rules, chair="region")
    assert result.outcome is Outcome.REJECTED and not result.casting_vote_used


def test_chair_voting_against_in_a_tie_rejects_by_casting_vote() -> None:
    votes = worked_example_votes()
    votes["region"], votes["moselle"], votes["ardennes"] = AGAINST, FOR, FOR
    votes["aube"], votes["marne"] = FOR, FOR
    # for: moselle 1.5 + ardennes, aube, marne 3 = 4.5; against: region 4.5
    result = tally(everyone(), votes, COGOUV, chair="region")
    assert result.outcome is Outcome.REJECTED
    assert result.casting_vote_used
    assert explain(result).startswith("Rejetée par la voix prépondérante")


def test_chair_abstaining_in_a_tie_casts_nothing() -> None:
    votes = {m: ABSTAIN for m in WEIGHTS_2022}
    votes.update({"cea": FOR, "ardennes": AGAINST, "aube": AGAINST})
    result = tally(everyone(), votes, COGOUV, chair="region")
    assert result.tie and not result.casting_vote_used
    assert result.outcome is Outcome.REJECTED


def test_simple_majority_message_matches_the_minutes_wording() -> None:
    votes = {m: FOR for m in ("region", "cea", "moselle", "ardennes")}  # 9 for
    votes.update({"aube": AGAINST, "marne": AGAINST, "haute-marne": AGAINST, "meuse": AGAINST})
    votes["vosges"] = ABSTAIN
    result = tally(everyone(), votes, COGOUV, chair="region")
    assert result.outcome is Outcome.ADOPTED
    assert explain(result) == (
        "Adoptée : 9 voix pour sur 13 exprimées, majorité requise : plus de 6,5 voix."
    )
    assert explain(result, "en") == (
        "Adopted: 9 votes for out of 13 cast, required majority: more than 6.5 votes."
    )
    assert result.required == D("6.5")


def test_quorum_needs_half_the_members_as_well_as_half_the_weight() -> None:
    # The three largest members hold 8 of 15 voices but are 3 of 10 members.
    electorate = Electorate(WEIGHTS_2022, frozenset({"region", "cea", "moselle"}))
    result = tally(electorate, {"region": FOR, "cea": FOR, "moselle": FOR}, COGOUV)
    assert result.outcome is Outcome.NO_QUORUM
    assert result.quorum.weight == D("8") and result.quorum.members == 3
    assert result.quorum.required_members == 5 and result.quorum.required_weight == D("7.5")
    assert explain(result) == (
        "Quorum non atteint : 3 membres et 8 voix présents ou représentés ; "
        "requis : au moins 5 membres."
    )


def test_proxies_count_toward_quorum_when_represented_counts() -> None:
    present = frozenset({"region", "ardennes", "aube", "marne"})  # 7.5 voices, 4 members
    electorate = Electorate(WEIGHTS_2022, present, {"meuse": "ardennes"})
    votes = {"region": FOR, "ardennes": FOR, "aube": AGAINST, "marne": AGAINST, "meuse": FOR}
    result = tally(electorate, votes, COGOUV)
    assert result.quorum.met and result.quorum.members == 5
    assert result.quorum.weight == D("8.5")
    assert result.totals[FOR].weight == D("6.5")
    assert result.outcome is Outcome.ADOPTED

    present_only = BallotRules(
        QuorumRule(QuorumBasis.MEMBERS_AND_WEIGHT, HALF_AT_LEAST, QuorumCounts.PRESENT),
        COGOUV.majority,
    )
    assert tally(electorate, votes, present_only).outcome is Outcome.NO_QUORUM


def test_second_convocation_decides_without_quorum() -> None:
    electorate = Electorate(WEIGHTS_2022, frozenset({"meuse", "vosges"}))
    result = tally(electorate, {"meuse": FOR, "vosges": AGAINST}, COGOUV, second_convocation=True)
    assert result.quorum.required is False and result.quorum.met
    # A tie with no chair present: rejected.
    assert result.outcome is Outcome.REJECTED
    result = tally(electorate, {"meuse": FOR, "vosges": ABSTAIN}, COGOUV, second_convocation=True)
    assert result.outcome is Outcome.ADOPTED
    assert "seconde convocation" in summary_lines(result)[2]


def test_a_failed_quorum_names_only_the_requirement_that_failed() -> None:
    # Members 6 of 10 (at least 5: met), 6.5 of 15 voices (at least 7.5: failed).
    few_voices = frozenset({"moselle", "ardennes", "aube", "marne", "haute-marne", "meuse"})
    votes = {"moselle": FOR, "ardennes": FOR}
    report = tally(Electorate(WEIGHTS_2022, few_voices), votes, COGOUV).quorum
    expected = (
        "Quorum non atteint : 6 membres et 6,5 voix présents ou représentés ; "
        "requis : au moins 7,5 voix"
    )
    assert plain(wording.explain_quorum(report)) == expected
    assert plain(wording.quorum_line(report)) == expected
    # Members 3 of 10 (failed), 8 of 15 voices (met).
    few_members = frozenset({"region", "cea", "moselle"})
    report = tally(Electorate(WEIGHTS_2022, few_members), {"region": FOR}, COGOUV).quorum
    assert plain(wording.quorum_line(report)) == (
        "Quorum non atteint : 3 membres et 8 voix présents ou représentés ; "
        "requis : au moins 5 membres"
    )
    assert plain(wording.quorum_line(report, "en")) == (
        "No quorum: 3 members and 8 votes present or represented; required: at least 5 members"
    )
    live = LiveQuorum(report, few_members, frozenset())
    assert plain(quorum_text(live, "fr")) == (
        "⚠️ Quorum non atteint : 3 membres sur 10, 8 voix sur 15 — requis : 5 membres"
    )
    assert plain(quorum_text(live, "fr", forecast=True)).endswith("— requis : 5 membres")


def test_a_second_convocation_states_its_figures_without_a_requirement() -> None:
    electorate = Electorate(WEIGHTS_2022, frozenset({"meuse", "vosges"}))
    result = tally(electorate, {"meuse": FOR}, COGOUV, second_convocation=True)
    line = plain(wording.quorum_line(result.quorum))
    assert line == (
        "Quorum non requis (seconde convocation) : 2 membres sur 10, 2 voix sur 15 "
        "présents ou représentés"
    )
    assert "requis :" not in line


@pytest.mark.parametrize(
    ("comparison", "present", "met"),
    [
        (Comparison.AT_LEAST, 5, True),
        (Comparison.MORE_THAN, 5, False),
        (Comparison.MORE_THAN, 6, True),
    ],
)
def test_quorum_comparison_on_headcount(comparison: Comparison, present: int, met: bool) -> None:
    weights = {f"m{i}": D(1) for i in range(10)}
    rules = BallotRules(
        QuorumRule(QuorumBasis.MEMBERS, Threshold(1, 2, comparison), QuorumCounts.PRESENT),
        COGOUV.majority,
    )
    electorate = Electorate(weights, frozenset(list(weights)[:present]))
    assert tally(electorate, {}, rules).quorum.met is met


def test_majority_of_present_or_represented_counts_abstentions_against() -> None:
    rules = BallotRules(
        COGOUV.quorum, MajorityRule(MajorityBase.PRESENT_OR_REPRESENTED, SIMPLE), TieRule.CHAIR
    )
    votes = {m: ABSTAIN for m in WEIGHTS_2022}
    votes.update({"region": FOR, "cea": FOR, "moselle": AGAINST})  # 6.5 for of 15 present
    result = tally(everyone(), votes, rules, chair="region")
    assert result.outcome is Outcome.REJECTED and not result.tie
    assert result.majority_base.weight == D("15")
    votes["ardennes"] = FOR  # 7.5 of 15 is not more than half
    assert tally(everyone(), votes, rules).outcome is Outcome.REJECTED
    votes["aube"] = FOR
    assert tally(everyone(), votes, rules).outcome is Outcome.ADOPTED


def test_majority_of_all_members_counts_the_absent() -> None:
    rules = BallotRules(
        QuorumRule(QuorumBasis.NONE, None), MajorityRule(MajorityBase.ALL_MEMBERS, SIMPLE)
    )
    electorate = Electorate(WEIGHTS_2022, frozenset({"region", "cea", "moselle"}))
    result = tally(electorate, {"region": FOR, "cea": FOR, "moselle": FOR}, rules)
    assert result.majority_base.weight == D("15")
    assert result.outcome is Outcome.ADOPTED  # 8 > 7.5
    result = tally(electorate, {"region": FOR, "cea": FOR, "moselle": ABSTAIN}, rules)
    assert result.outcome is Outcome.REJECTED  # 6.5


def test_two_thirds_and_unanimity() -> None:
    two_thirds = BallotRules(
        COGOUV.quorum, MajorityRule(MajorityBase.EXPRESSED, Threshold(2, 3, Comparison.AT_LEAST))
    )
    votes = {m: FOR for m in WEIGHTS_2022}
    votes.update({"cea": AGAINST, "moselle": AGAINST, "ardennes": AGAINST})  # 10.5 vs 4.5
    assert tally(everyone(), votes, two_thirds).outcome is Outcome.ADOPTED
    votes["aube"] = AGAINST  # 9.5 for of 15: less than 10
    assert tally(everyone(), votes, two_thirds).outcome is Outcome.REJECTED
    unanimity = BallotRules(
        COGOUV.quorum, MajorityRule(MajorityBase.EXPRESSED, Threshold(1, 1, Comparison.AT_LEAST))
    )
    votes = {m: FOR for m in WEIGHTS_2022}
    votes["vosges"] = ABSTAIN
    assert tally(everyone(), votes, unanimity).outcome is Outcome.ADOPTED
    votes["vosges"] = AGAINST
    assert tally(everyone(), votes, unanimity).outcome is Outcome.REJECTED


def test_double_majority_needs_heads_as_well_as_weight() -> None:
    rules = BallotRules(COGOUV.quorum, MajorityRule(MajorityBase.EXPRESSED, SIMPLE, double=True))
    votes = {"region": FOR, "cea": FOR, "moselle": FOR}  # 8 voices, 3 heads
    votes.update({m: AGAINST for m in ("ardennes", "aube", "marne", "meuse")})  # 4 voices, 4 heads
    result = tally(everyone(), votes, rules)
    assert result.outcome is Outcome.REJECTED
    assert result.required_heads == 4
    assert "et au moins 4 membres sur 7" in explain(result)
    single = BallotRules(COGOUV.quorum, MajorityRule(MajorityBase.EXPRESSED, SIMPLE))
    assert tally(everyone(), votes, single).outcome is Outcome.ADOPTED


def test_no_vote_for_is_never_adopted_even_at_least_zero() -> None:
    rules = BallotRules(
        QuorumRule(QuorumBasis.NONE, None),
        MajorityRule(MajorityBase.EXPRESSED, Threshold(1, 2, Comparison.AT_LEAST)),
    )
    result = tally(everyone(), {m: ABSTAIN for m in WEIGHTS_2022}, rules)
    assert result.outcome is Outcome.REJECTED


def test_named_choices_are_tallied_the_same_way() -> None:
    options = ("Offre A", "Offre B", ABSTAIN)
    votes = {"region": "Offre A", "cea": "Offre B", "moselle": "Offre A", "vosges": ABSTAIN}
    result = tally(everyone(), votes, COGOUV, options=options)
    assert result.outcome is Outcome.ADOPTED and result.winner == "Offre A"
    assert result.expressed.weight == D("8")
    assert explain(result) == (
        "Retenu : « Offre A » avec 6 voix sur 8 exprimées, majorité requise : plus de 4 voix."
    )
    split = {"region": "Offre A", "cea": "Offre B", "moselle": "Offre B", "aube": "Offre B"}
    result = tally(everyone(), split, COGOUV, options=options, chair="region")
    assert result.tie and result.casting_vote_used and result.winner == "Offre A"
    three = ("A", "B", "C", ABSTAIN)
    result = tally(
        everyone(), {"region": "A", "cea": "B", "moselle": "C", "aube": "C"}, COGOUV, options=three
    )
    assert result.outcome is Outcome.REJECTED and not result.tie


@pytest.mark.parametrize(
    ("electorate", "message"),
    [
        (Electorate(WEIGHTS_2022, frozenset({"region"}), {"cea": "ardennes"}), "not present"),
        (Electorate(WEIGHTS_2022, frozenset({"region", "cea"}), {"cea": "region"}), "present"),
        (Electorate(WEIGHTS_2022, frozenset({"region"}), {"cea": "cea"}), "itself"),
        (
            Electorate(
                WEIGHTS_2022, frozenset({"region"}), {"cea": "moselle", "moselle": "region"}
            ),
            "gave its own proxy",
        ),
        (
            Electorate(WEIGHTS_2022, frozenset({"region"}), {"cea": "region", "aube": "region"}),
            "more than the limit of 1",
        ),
        (Electorate(WEIGHTS_2022, frozenset({"paris"})), "not in the electorate"),
    ],
)
def test_proxy_and_presence_rules_are_enforced(electorate: Electorate, message: str) -> None:
    with pytest.raises(TallyError, match=message):
        tally(electorate, {}, COGOUV)


def test_a_vote_from_someone_absent_or_with_an_unknown_option_is_refused() -> None:
    electorate = Electorate(WEIGHTS_2022, frozenset({"region"}))
    with pytest.raises(TallyError, match="neither present nor represented"):
        tally(electorate, {"cea": FOR}, COGOUV)
    with pytest.raises(TallyError, match="'maybe'"):
        tally(electorate, {"region": "maybe"}, COGOUV)


def test_two_proxies_allowed_when_the_limit_says_so() -> None:
    rules = BallotRules(COGOUV.quorum, COGOUV.majority, COGOUV.tie, max_proxies_per_holder=2)
    electorate = Electorate(
        WEIGHTS_2022, frozenset(list(WEIGHTS_2022)[:8]), {"meuse": "region", "vosges": "region"}
    )
    result = tally(electorate, {"meuse": FOR, "vosges": FOR, "region": FOR}, rules)
    assert result.represented.weight == D("2") and result.outcome is Outcome.ADOPTED


@pytest.mark.parametrize(
    ("fraction", "comparison", "message"),
    [
        ("3/2", "at_least", "above 1"),
        ("1/1", "more_than", "never be met"),
        ("0/2", "at_least", "positive"),
        ("half", "at_least", "n/d"),
        ("1/2", "roughly", "comparison"),
    ],
)
def test_rules_that_cannot_be_met_are_refused(fraction: str, comparison: str, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        Threshold.parse(fraction, comparison)


def test_rules_round_trip_through_their_mapping() -> None:
    assert rules_from_mapping(rules_to_mapping(COGOUV)) == COGOUV
    with pytest.raises(RuleError, match=r"quorum\.basis"):
        rules_from_mapping(
            {"quorum": {"basis": "most"}, "majority": rules_to_mapping(COGOUV)["majority"]}
        )


def test_threshold_boundary_is_exact_for_weights_that_do_not_divide() -> None:
    threshold = Threshold(2, 3, Comparison.AT_LEAST)
    assert not threshold.is_met(D("10.66666666666666666666666666"), 16)
    assert threshold.is_met(D("10.67"), 16)
    assert threshold.minimum_heads(16) == 11
    assert Threshold(1, 2, Comparison.MORE_THAN).minimum_heads(10) == 6


def test_a_secret_ballot_publishes_each_options_weight_never_its_headcount() -> None:
    """DOMAIN.md's worked example, secret: 4.5 for could only be the Région if "1 membre"
    were printed beside it."""
    votes = {
        "region": FOR,
        "moselle": AGAINST,
        "ardennes": AGAINST,
        "aube": AGAINST,
        "marne": AGAINST,
        "cea": ABSTAIN,
    }
    electorate = Electorate(WEIGHTS_2022, frozenset(WEIGHTS_2022))
    result = tally(electorate, votes, COGOUV, secret=True, chair="region")

    lines = [plain(line) for line in wording.figures(result, "fr")]

    assert lines[:4] == [
        "Pour : 4,5 voix",
        "Contre : 4,5 voix",
        "Abstention : 2 voix",
        "Suffrages exprimés : 9 voix",
    ]
    assert lines[4] == "Participation : 6 membres sur 10, 11 voix sur 15"
