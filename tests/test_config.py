"""Behaviour of the governance configuration: shipped files, weights over time, and the
problems a hand-written file can have, each reported with file, field and value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from config.loader import ConfigError, default_config_dir, load_config_dir, load_groupement_file
from config.models import (
    GovernanceLookupError,
    Groupement,
    InstanceKind,
    format_decimal,
    parse_decimal,
)
from config.summary import summarize
from voting.rules import BallotKind, Comparison, MajorityBase, QuorumBasis, TieRule

ENT_FILE = default_config_dir() / "ent-grand-est.toml"

# A small file where every cross-reference is used once, so that each test can break one.
MINIMAL = """\
[groupement]
id = "test"
name = "Groupement de test"
coordinator = "a"

[[members]]
id = "a"
name = "Membre A"
kind = "region"

[[members]]
id = "b"
name = "Membre B"
kind = "departement"

[[weight_tables]]
id = "t1"
series = "voix"
effective_from = 2020-01-01
source = "test fixture"
weights = { a = "2", b = "1" }

[[instances]]
id = "cogouv"
kind = "COGOUV"
name = "Comité de gouvernance"
voting = true
weight_series = "voix"
notice_clear_days = 5
rules = { tie = "chair", quorum = { basis = "members", fraction = "1/2", \
comparison = "at_least" }, majority = { base = "expressed", fraction = "1/2", \
comparison = "more_than" } }

[[advisory]]
id = "aa"
name = "Autorité académique"
kind = "autorite_academique"
instances = ["cogouv"]
"""

EXTRA_MEMBER_A = """
[[members]]
id = "a"
name = "Membre A bis"
kind = "commune"
"""


def edit(text: str, old: str, new: str) -> str:
    """Replace ``old`` exactly once, so that a fixture edit can never silently miss."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_groupement_file(path)
    assert caught.value.problems, "a ConfigError must carry at least one problem"
    return caught.value.problems


def only_problem(path: Path) -> str:
    problems = problems_of(path)
    assert len(problems) == 1, problems
    return problems[0]


@pytest.fixture
def ent() -> Groupement:
    return load_groupement_file(ENT_FILE)


# --- shipped configuration ---------------------------------------------------------------


def test_shipped_directory_loads() -> None:
    governance = load_config_dir(default_config_dir())
    assert set(governance.groupements) == {
        "ent-ecoles-creteil",
        "ent-grand-est",
        "equipements-numeriques",
        "liaisons-internet",
    }
    creteil = governance.groupements["ent-ecoles-creteil"]
    assert creteil.groupement.coordinator == "region-academique-idf"
    for groupement in governance.groupements.values():
        if groupement is creteil:
            continue
        assert groupement.groupement.coordinator == "region-grand-est"
        assert groupement.member("region-grand-est").name == "Région Grand Est"


def test_minimal_fixture_is_valid(tmp_path: Path) -> None:
    groupement = load_groupement_file(write(tmp_path, "ok.toml", MINIMAL))
    assert groupement.id == "test"
    assert groupement.groupement.timezone == "Europe/Paris"
    assert groupement.groupement.locale == "fr_FR"
    cogouv = groupement.instance("cogouv")
    assert cogouv.ballot_kind is BallotKind.PUBLIC
    assert cogouv.allow_vote_change is True
    assert cogouv.chair_designation == "coordinator"
    assert cogouv.urgent_notice_clear_days == 1
    assert cogouv.reminder_days_before == [7, 1]
    assert cogouv.recurrence == "none"


def test_ent_instances_and_rules(ent: Groupement) -> None:
    assert [i.id for i in ent.instances] == ["ag", "costrat", "cogouv", "cst", "rl"]
    assert [i.id for i in ent.instances if i.voting] == ["ag", "cogouv"]
    assert ent.instance("cst").recurrence == "quarterly"
    assert ent.instance("ag").recurrence == "annual"
    assert ent.instance("cogouv").kind is InstanceKind.COGOUV
    rules = ent.instance("cogouv").voting_rules
    assert rules.quorum.basis is QuorumBasis.MEMBERS_AND_WEIGHT
    assert rules.quorum.threshold is not None
    assert rules.quorum.threshold.fraction_text == "1/2"
    assert rules.quorum.threshold.comparison is Comparison.AT_LEAST
    assert rules.majority.base is MajorityBase.EXPRESSED
    assert rules.majority.threshold.comparison is Comparison.MORE_THAN
    assert rules.majority.double is False
    assert rules.tie is TieRule.CHAIR
    assert rules.max_proxies_per_holder == 1
    assert ent.instance("ag").rules == rules
    assert all(i.notice_clear_days == 5 for i in ent.instances)
    assert {a.id for a in ent.advisory_for("cst")} == {"autorites-academiques", "dane"}


def test_non_voting_instance_has_no_voting_rules(ent: Groupement) -> None:
    with pytest.raises(GovernanceLookupError, match="costrat"):
        _ = ent.instance("costrat").voting_rules


def test_weights_are_decimals_never_floats(ent: Groupement) -> None:
    for table in ent.weight_tables:
        assert all(type(weight) is Decimal for weight in table.weights.values())


# --- weights over time ---------------------------------------------------------------------


def test_ent_2023_uses_the_2022_amendment(ent: Groupement) -> None:
    table, weights = ent.electorate_weights("voix", date(2023, 3, 1))
    assert table.id == "ent-2022-avenant-1"
    assert len(weights) == 10
    assert sum(weights.values(), Decimal(0)) == Decimal("15")
    assert weights["region-grand-est"] == Decimal("4.5")
    assert weights["cea"] == Decimal("2")
    assert weights["moselle"] == Decimal("1.5")
    assert "bas-rhin" not in weights
    assert list(weights) == list(table.weights)  # the table's order is kept


def test_ent_2021_gives_the_alsatian_voices_to_the_cea(ent: Groupement) -> None:
    table, weights = ent.electorate_weights("voix", date(2021, 6, 1))
    assert table.id == "ent-2017"
    assert weights["cea"] == Decimal("3")
    assert "bas-rhin" not in weights
    assert "haut-rhin" not in weights
    assert len(weights) == 10
    assert sum(weights.values(), Decimal(0)) == Decimal("15")
    # The CeA takes the Bas-Rhin's place in the table's order.
    assert list(weights).index("cea") == list(table.weights).index("bas-rhin")


def test_ent_2019_counts_bas_rhin_and_haut_rhin(ent: Groupement) -> None:
    table, weights = ent.electorate_weights("voix", date(2019, 6, 1))
    assert table.id == "ent-2017"
    assert weights["bas-rhin"] == Decimal("2")
    assert weights["haut-rhin"] == Decimal("1")
    assert "cea" not in weights
    assert len(weights) == 11
    assert sum(weights.values(), Decimal(0)) == Decimal("15")


def test_table_in_force_switches_on_its_effective_date(ent: Groupement) -> None:
    assert ent.weight_table_in_force("voix", date(2022, 10, 19)).id == "ent-2017"
    assert ent.weight_table_in_force("voix", date(2022, 10, 20)).id == "ent-2022-avenant-1"
    assert ent.weight_table_in_force("voix", date(2017, 11, 6)).id == "ent-2017"


def test_no_table_in_force_before_the_first(ent: Groupement) -> None:
    with pytest.raises(GovernanceLookupError, match=r"2017-11-05.*2017-11-06"):
        ent.weight_table_in_force("voix", date(2017, 11, 5))
    with pytest.raises(GovernanceLookupError, match="'poids'"):
        ent.weight_table_in_force("poids", date(2023, 1, 1))


def test_lookups_of_unknown_ids(ent: Groupement) -> None:
    with pytest.raises(GovernanceLookupError, match="'alsace'"):
        ent.member("alsace")
    with pytest.raises(GovernanceLookupError, match="'cofil'"):
        ent.instance("cofil")
    governance = load_config_dir(default_config_dir())
    with pytest.raises(GovernanceLookupError, match="'ent'"):
        governance.groupement("ent")
    assert governance.instance("ent-grand-est", "cogouv").name == "Comité de gouvernance"


def test_member_not_yet_joined_or_gone_without_successor(tmp_path: Path) -> None:
    text = edit(MINIMAL, 'kind = "departement"', 'kind = "departement"\nleft = 2021-01-01')
    text = edit(text, 'kind = "region"', 'kind = "region"\njoined = 2020-06-01')
    groupement = load_groupement_file(write(tmp_path, "g.toml", text))
    assert groupement.electorate_weights("voix", date(2020, 3, 1))[1] == {"b": Decimal("1")}
    assert groupement.electorate_weights("voix", date(2020, 7, 1))[1] == {
        "a": Decimal("2"),
        "b": Decimal("1"),
    }
    # b left without a successor: its voice is gone, the total drops.
    assert groupement.electorate_weights("voix", date(2021, 1, 1))[1] == {"a": Decimal("2")}


def test_weight_follows_a_chain_of_successors(tmp_path: Path) -> None:
    text = edit(
        MINIMAL,
        'kind = "departement"',
        'kind = "departement"\nleft = 2021-01-01\nsucceeded_by = "c"',
    )
    text += """
[[members]]
id = "c"
name = "C"
kind = "collectivite"
joined = 2021-01-01
left = 2022-01-01
succeeded_by = "a"
"""
    groupement = load_groupement_file(write(tmp_path, "g.toml", text))
    assert groupement.electorate_weights("voix", date(2021, 6, 1))[1] == {
        "a": Decimal("2"),
        "c": Decimal("1"),
    }
    assert groupement.electorate_weights("voix", date(2022, 6, 1))[1] == {"a": Decimal("3")}


# --- the declared total -------------------------------------------------------------------

ENT_2017_TOTAL = 'declared_total = "15"\n\n[weight_tables.weights]\nregion-grand-est = "3"'


def test_ent_2017_declared_total_of_16_is_refused(tmp_path: Path) -> None:
    text = edit(
        ENT_FILE.read_text(encoding="utf-8"), ENT_2017_TOTAL, ENT_2017_TOTAL.replace('"15"', '"16"')
    )
    path = write(tmp_path, "ent-16.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_groupement_file(path)
    message = str(caught.value)
    assert "ent-16.toml" in message
    assert "weight_tables[ent-2017].declared_total" in message
    assert "declared_total 16 disagrees with the sum of the weights, 15" in message
    assert len(caught.value.problems) == 1


def test_declared_total_is_optional(tmp_path: Path) -> None:
    text = edit(
        ENT_FILE.read_text(encoding="utf-8"),
        ENT_2017_TOTAL,
        ENT_2017_TOTAL.replace('declared_total = "15"\n', ""),
    )
    groupement = load_groupement_file(write(tmp_path, "ent.toml", text))
    assert groupement.weight_table("ent-2017").declared_total is None
    assert groupement.weight_table("ent-2017").total == Decimal("15")


# --- one test per kind of problem ------------------------------------------------------------
# Each case: the edit to MINIMAL, the field path, the value as shown, a piece of the message.

PROBLEMS = {
    "unknown member in a weight table": (
        ('weights = { a = "2", b = "1" }', 'weights = { a = "2", bb = "1" }'),
        "weight_tables[t1].weights.bb",
        "'bb'",
        "unknown member; did you mean 'b'?",
    ),
    "zero weight": (
        ('b = "1" }', 'b = "0" }'),
        "weight_tables[t1].weights.b",
        "'0'",
        "must be a positive number",
    ),
    "negative weight": (
        ('b = "1" }', 'b = "-1" }'),
        "weight_tables[t1].weights.b",
        "'-1'",
        "must be a positive number",
    ),
    "weight that is not a decimal": (
        ('b = "1" }', 'b = "un" }'),
        "weight_tables[t1].weights.b",
        "'un'",
        "is not a decimal number",
    ),
    "weight with a decimal comma": (
        ('b = "1" }', 'b = "1,5" }'),
        "weight_tables[t1].weights.b",
        "'1,5'",
        "use a dot as decimal separator",
    ),
    "NaN weight": (
        ('b = "1" }', 'b = "NaN" }'),
        "weight_tables[t1].weights.b",
        "'NaN'",
        "not a decimal number written as digits 0-9",
    ),
    "infinite weight": (
        ('b = "1" }', 'b = "Infinity" }'),
        "weight_tables[t1].weights.b",
        "'Infinity'",
        "not a decimal number written as digits 0-9",
    ),
    "float weight": (
        ('b = "1" }', "b = 1.5 }"),
        "weight_tables[t1].weights.b",
        "1.5",
        'quoted decimal string, e.g. "1.5"',
    ),
    "integer weight": (
        ('b = "1" }', "b = 1 }"),
        "weight_tables[t1].weights.b",
        "1",
        'quoted decimal string, e.g. "1"',
    ),
    "declared total that disagrees": (
        ('source = "test fixture"', 'source = "test fixture"\ndeclared_total = "4"'),
        "weight_tables[t1].declared_total",
        "4",
        "declared_total 4 disagrees with the sum of the weights, 3",
    ),
    "float declared total": (
        ('source = "test fixture"', 'source = "test fixture"\ndeclared_total = 3.0'),
        "weight_tables[t1].declared_total",
        "3.0",
        "quoted decimal string",
    ),
    "duplicate member id": (
        ("[[weight_tables]]", EXTRA_MEMBER_A + "\n[[weight_tables]]"),
        "members[a].id",
        "'a'",
        "duplicate member id, used 2 times",
    ),
    "duplicate instance id": (
        (
            "[[advisory]]",
            '[[instances]]\nid = "cogouv"\nkind = "CST"\nname = "Suivi"\n'
            "voting = false\n\n[[advisory]]",
        ),
        "instances[cogouv].id",
        "'cogouv'",
        "duplicate instance id",
    ),
    "duplicate weight table id": (
        (
            "[[instances]]",
            '[[weight_tables]]\nid = "t1"\nseries = "voix"\n'
            'effective_from = 2022-01-01\nsource = "x"\nweights = { a = "1" }\n\n[[instances]]',
        ),
        "weight_tables[t1].id",
        "'t1'",
        "duplicate weight table id",
    ),
    "duplicate advisory id": (
        (
            'instances = ["cogouv"]',
            'instances = ["cogouv"]\n\n[[advisory]]\nid = "aa"\nname = "DANE"\nkind = "dane"',
        ),
        "advisory[aa].id",
        "'aa'",
        "duplicate advisory participant id",
    ),
    "two tables of a series on one date": (
        (
            "[[instances]]",
            '[[weight_tables]]\nid = "t2"\nseries = "voix"\n'
            'effective_from = 2020-01-01\nsource = "x"\nweights = { a = "1" }\n\n[[instances]]',
        ),
        "weight_tables[t2].effective_from",
        "2020-01-01",
        "'t1' of series 'voix' already takes effect on that date",
    ),
    "coordinator not a member": (
        ('coordinator = "a"', 'coordinator = "zz"'),
        "groupement.coordinator",
        "'zz'",
        "the coordinator is not a member",
    ),
    "succeeded_by unknown": (
        ('kind = "departement"', 'kind = "departement"\nleft = 2021-01-01\nsucceeded_by = "cae"'),
        "members[b].succeeded_by",
        "'cae'",
        "unknown member",
    ),
    "succeeded_by without a departure": (
        ('kind = "departement"', 'kind = "departement"\nsucceeded_by = "a"'),
        "members[b].succeeded_by",
        "'a'",
        "set 'left' too",
    ),
    "left before joined": (
        ('kind = "departement"', 'kind = "departement"\njoined = 2021-01-01\nleft = 2020-01-01'),
        "members[b].left",
        "2020-01-01",
        "left 2020-01-01 is not after joined 2021-01-01",
    ),
    "quoted date": (
        ('kind = "departement"', 'kind = "departement"\njoined = "2021-01-01"'),
        "members[b].joined",
        "'2021-01-01'",
        "write TOML dates unquoted",
    ),
    "unknown member kind": (
        ('kind = "departement"', 'kind = "department"'),
        "members[b].kind",
        "'department'",
        "'departement'",
    ),
    "rule above 1": (
        ('base = "expressed", fraction = "1/2"', 'base = "expressed", fraction = "3/2"'),
        "instances[cogouv].rules.majority.fraction",
        "'3/2'",
        "fraction 3/2 is above 1 and can never be met",
    ),
    "more than all": (
        ('base = "expressed", fraction = "1/2"', 'base = "expressed", fraction = "1/1"'),
        "instances[cogouv].rules.majority.fraction",
        "'1/1'",
        "'more than 1/1' of a total can never be met",
    ),
    "fraction that is not n/d": (
        ('basis = "members", fraction = "1/2"', 'basis = "members", fraction = "0.5"'),
        "instances[cogouv].rules.quorum.fraction",
        "'0.5'",
        "is not of the form 'n/d'",
    ),
    "unknown comparison": (
        ('comparison = "at_least"', 'comparison = "at least"'),
        "instances[cogouv].rules.quorum.comparison",
        "'at least'",
        "comparison 'at least' is not one of",
    ),
    "unknown quorum basis": (
        ('basis = "members"', 'basis = "heads"'),
        "instances[cogouv].rules.quorum.basis",
        "'heads'",
        "is not one of 'none', 'members'",
    ),
    "unknown tie rule": (
        ('tie = "chair"', 'tie = "casting_vote"'),
        "instances[cogouv].rules.tie",
        "'casting_vote'",
        "is not one of 'rejected', 'chair'",
    ),
    "negative proxy limit": (
        ('tie = "chair"', 'tie = "chair", max_proxies_per_holder = -1'),
        "instances[cogouv].rules.max_proxies_per_holder",
        "-1",
        "is not a whole number >= 0",
    ),
    "misspelt rule key": (
        ('comparison = "more_than" }', 'comparison = "more_than", dobule = true }'),
        "instances[cogouv].rules.majority.dobule",
        "True",
        "unknown key; expected one of base, comparison, double, fraction",
    ),
    "unknown instance kind": (
        ('kind = "COGOUV"', 'kind = "COFIL"'),
        "instances[cogouv].kind",
        "'COFIL'",
        "unknown instance kind 'COFIL'; expected one of AG, COSTRAT, COGOUV",
    ),
    "voting instance whose series has no table": (
        ('weight_series = "voix"', 'weight_series = "votes"'),
        "instances[cogouv].weight_series",
        "'votes'",
        "no weight table has this series",
    ),
    "urgent notice longer than the normal one": (
        ("notice_clear_days = 5", "notice_clear_days = 5\nurgent_notice_clear_days = 6"),
        "instances[cogouv].urgent_notice_clear_days",
        "6",
        "cannot be longer than the normal one",
    ),
    "chair designated by a vote in an instance that does not vote": (
        (
            "[[advisory]]",
            '[[instances]]\nid = "suivi"\nkind = "CST"\nname = "Suivi"\n'
            'voting = false\nchair_designation = "vote"\n\n[[advisory]]',
        ),
        "instances[suivi].chair_designation",
        "'vote'",
        "cannot designate its chair by a vote",
    ),
    "unknown way to designate the chair": (
        ("notice_clear_days = 5", 'notice_clear_days = 5\nchair_designation = "lot"'),
        "instances[cogouv].chair_designation",
        "'lot'",
        "coordinator",
    ),
    "misspelt field": (
        ("notice_clear_days = 5", "notice_clear_day = 5"),
        "instances[cogouv].notice_clear_day",
        "5",
        "unknown field",
    ),
    "boolean written as a string": (
        ("voting = true", 'voting = "yes"'),
        "instances[cogouv].voting",
        "'yes'",
        "valid boolean",
    ),
    "advisory referring to an unknown instance": (
        ('instances = ["cogouv"]', 'instances = ["cogouv", "cst"]'),
        "advisory[aa].instances[1]",
        "'cst'",
        "unknown instance",
    ),
    "unknown time zone": (
        ('coordinator = "a"', 'coordinator = "a"\ntimezone = "Europe/Strasbourg"'),
        "groupement.timezone",
        "'Europe/Strasbourg'",
        "unknown time zone",
    ),
    "unknown locale": (
        ('coordinator = "a"', 'coordinator = "a"\nlocale = "xx_YY"'),
        "groupement.locale",
        "'xx_YY'",
        "unknown locale",
    ),
    "id that is not a slug": (
        ('id = "test"', 'id = "Test Groupement"'),
        "groupement.id",
        "'Test Groupement'",
        "is not a valid id",
    ),
}


@pytest.mark.parametrize("case", sorted(PROBLEMS))
def test_each_problem_names_file_field_and_value(tmp_path: Path, case: str) -> None:
    (old, new), field, value, message = PROBLEMS[case]
    path = write(tmp_path, "broken.toml", edit(MINIMAL, old, new))
    problem = only_problem(path)
    assert problem.startswith(f"{path}: {field}: "), problem
    assert f"(value: {value})" in problem, problem
    assert message in problem, problem


@pytest.mark.parametrize(
    ("old", "field"),
    [
        ('weight_series = "voix"\n', "instances[cogouv].weight_series"),
        ("rules = {", "instances[cogouv].rules"),
    ],
)
def test_voting_instance_needs_series_and_rules(tmp_path: Path, old: str, field: str) -> None:
    text = MINIMAL
    if old == "rules = {":
        start = text.index("rules = {")
        text = text[:start] + text[text.index("\n\n[[advisory]]") :]
    else:
        text = edit(text, old, "")
    path = write(tmp_path, "broken.toml", text)
    problem = only_problem(path)
    assert problem.startswith(f"{path}: {field}: a voting instance needs"), problem


def test_missing_required_field(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.toml", edit(MINIMAL, 'name = "Membre B"\n', ""))
    assert only_problem(path) == f"{path}: members[b].name: missing required field"


def test_several_problems_in_one_file_are_all_reported(tmp_path: Path) -> None:
    text = edit(MINIMAL, 'coordinator = "a"', 'coordinator = "zz"')
    text = edit(text, 'b = "1" }', "b = 1.5 }")
    text = edit(text, 'kind = "COGOUV"', 'kind = "COFIL"')
    text = edit(text, 'instances = ["cogouv"]', 'instances = ["cogouv", "rl"]')
    path = write(tmp_path, "broken.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_groupement_file(path)
    problems = caught.value.problems
    assert len(problems) == 4, problems
    assert all(problem.startswith(f"{path}: ") for problem in problems)
    fields = sorted(problem.split(": ")[1] for problem in problems)
    assert fields == [
        "advisory[aa].instances[1]",
        "groupement.coordinator",
        "instances[cogouv].kind",
        "weight_tables[t1].weights.b",
    ]
    assert str(caught.value) == "\n".join(problems)


def test_a_broken_item_is_not_echoed_by_references_to_it(tmp_path: Path) -> None:
    # Member b is invalid, but the weight table that names it must not add
    # "unknown member" on top of the real problem.
    text = edit(MINIMAL, 'kind = "departement"', 'kind = "department"')
    text = edit(text, 'kind = "COGOUV"', 'kind = "COFIL"')
    path = write(tmp_path, "broken.toml", text)
    problems = problems_of(path)
    assert [p.split(": ")[1] for p in problems] == ["members[b].kind", "instances[cogouv].kind"]


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    text = edit(MINIMAL, 'name = "Membre B"', 'name = "Membre B')
    line = text.splitlines().index('name = "Membre B') + 1
    path = write(tmp_path, "broken.toml", text)
    problem = only_problem(path)
    assert problem.startswith(f"{path}: TOML syntax error"), problem
    assert f"line {line}" in problem, problem


def test_unknown_section_and_missing_header(tmp_path: Path) -> None:
    text = edit(MINIMAL, "[groupement]", "[groupemnt]")
    problems = problems_of(write(tmp_path, "broken.toml", text))
    assert any(": groupemnt: unknown section" in p for p in problems), problems
    assert any(": groupement: missing [groupement] table" in p for p in problems), problems


def test_programmatic_groupement_is_checked_too() -> None:
    ent = load_groupement_file(ENT_FILE)
    data = ent.model_dump()
    data["groupement"]["coordinator"] = "nobody"
    with pytest.raises(ValidationError, match=r"groupement\.coordinator"):
        Groupement.model_validate(data)


# --- the directory -----------------------------------------------------------------------------


def test_duplicate_groupement_ids_across_files(tmp_path: Path) -> None:
    first = write(tmp_path, "a.toml", MINIMAL)
    second = write(
        tmp_path, "b.toml", edit(MINIMAL, 'name = "Groupement de test"', 'name = "Autre"')
    )
    with pytest.raises(ConfigError) as caught:
        load_config_dir(tmp_path)
    assert caught.value.problems == [
        f"{second}: groupement.id: groupement id already used in {first} (value: 'test')"
    ]


def test_problems_are_collected_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", edit(MINIMAL, 'coordinator = "a"', 'coordinator = "zz"'))
    write(
        tmp_path, "b.toml", edit(MINIMAL, 'id = "test"', 'id = "other"').replace('"1" }', '"0" }')
    )
    with pytest.raises(ConfigError) as caught:
        load_config_dir(tmp_path)
    problems = caught.value.problems
    assert len(problems) == 2, problems
    assert "a.toml: groupement.coordinator" in problems[0]
    assert "b.toml: weight_tables[t1].weights.b" in problems[1]


def test_same_member_ids_in_different_groupements_are_fine(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", MINIMAL)
    write(tmp_path, "b.toml", edit(MINIMAL, 'id = "test"', 'id = "other"'))
    assert set(load_config_dir(tmp_path).groupements) == {"test", "other"}


def test_empty_or_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no groupement file"):
        load_config_dir(tmp_path)
    with pytest.raises(ConfigError, match="does not exist"):
        load_config_dir(tmp_path / "nowhere")


def test_missing_file(tmp_path: Path) -> None:
    problem = only_problem(tmp_path / "nowhere.toml")
    assert problem.startswith(f"{tmp_path / 'nowhere.toml'}: cannot read the file")


# --- summary ------------------------------------------------------------------------------------


def test_summary_of_the_shipped_configuration() -> None:
    text = summarize(load_config_dir(default_config_dir()), date(2023, 3, 1))
    rows = [line.split() for line in text.splitlines()]
    header = next(row for row in rows if row and row[0] == "groupement")
    assert header == [
        "groupement",
        "instance",
        "kind",
        "voting",
        "electorate",
        "total",
        "table",
        "quorum",
        "majority",
        "tie",
    ]
    cogouv = next(row for row in rows if row[:2] == ["ent-grand-est", "cogouv"])
    assert " ".join(cogouv) == (
        "ent-grand-est cogouv COGOUV yes 10 15 ent-2022-avenant-1 "
        "members_and_weight ≥1/2 (present_or_represented) expressed >1/2 weight chair"
    )
    cst = next(row for row in rows if row[:2] == ["ent-grand-est", "cst"])
    assert cst == ["ent-grand-est", "cst", "CST", "no", "10", "-", "-", "-", "-", "-"]
    groupement_ids = {"ent-grand-est", "liaisons-internet", "equipements-numeriques"}
    assert len([row for row in rows if row and row[0] in groupement_ids]) == 9


def test_summary_columns_are_aligned() -> None:
    text = summarize(load_config_dir(default_config_dir()), date(2021, 6, 1))
    lines = text.splitlines()
    header_index = next(i for i, line in enumerate(lines) if line.startswith("groupement"))
    header = lines[header_index]
    starts = [header.index(name) for name in ("instance", "kind", "voting", "table", "tie")]
    table_end = lines.index("", header_index)
    rows = lines[header_index + 2 : table_end]
    # Nine instances, and the Créteil groupement's consultation of its members.
    assert len(rows) == 10
    for row in rows:
        for start in starts:
            assert row[start - 2 : start] == "  " and row[start] != " ", (row, start)
    assert "ent-2017" in text


# --- decimals -----------------------------------------------------------------------------------


@given(st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(10**6), places=4))
def test_decimal_strings_round_trip_exactly(value: Decimal) -> None:
    parsed = parse_decimal(str(value))
    assert parsed == value
    assert parse_decimal(format_decimal(parsed)) == value
