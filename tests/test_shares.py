"""Weight tables declared as shares (pupils, schools, euros): exact weights derived from them,
the derivation kept and shown; and the Créteil groupement of seed 004, which uses one."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from config.loader import ConfigError, default_config_dir, load_config_dir
from config.models import Governance, WeightTable
from config.summary import describe_derivation, summarize
from meetings.wording.decision_rules import derivation_statement
from meetings.wording.typography import plain
from voting.shares import Derivation, ShareUnit, common_divisor, derive_weights

CRETEIL = "ent-ecoles-creteil"


def table(**fields: object) -> WeightTable:
    base: dict[str, object] = {
        "id": "t",
        "series": "s",
        "effective_from": date(2025, 1, 1),
        "source": "seed",
    }
    return WeightTable.model_validate({**base, **fields})


# --- the pure derivation ----------------------------------------------------------------------


def test_the_shares_are_the_weights_by_default() -> None:
    shares = {"a": Decimal("5800"), "b": Decimal("4100")}
    assert derive_weights(shares, Derivation.SHARES) == shares


def test_reduced_shares_are_the_smallest_whole_numbers_in_the_same_proportions() -> None:
    shares = {"a": Decimal("120000"), "b": Decimal("80000"), "c": Decimal("40000")}
    assert derive_weights(shares, Derivation.REDUCED) == {
        "a": Decimal(3),
        "b": Decimal(2),
        "c": Decimal(1),
    }
    # Decimals too: 1.5 and 1 share 0.5, so 3 and 2; a third of a whole is never needed.
    assert common_divisor([Decimal("1.5"), Decimal("1")]) == Decimal("0.5")
    assert derive_weights({"a": Decimal("1.5"), "b": Decimal("1")}, Derivation.REDUCED) == {
        "a": Decimal(3),
        "b": Decimal(2),
    }
    # Coprime pupil numbers stay as they are.
    assert common_divisor([Decimal(7), Decimal(10)]) == 1


# --- the configuration ------------------------------------------------------------------------


def test_a_table_of_shares_keeps_its_shares_and_derives_its_weights() -> None:
    derived = table(
        shares={"a": "120000", "b": "80000"},
        share_unit="euros",
        shares_source="montants du marché 2025",
        derivation="reduced",
    )
    assert derived.from_shares and derived.share_unit is ShareUnit.EUROS
    assert derived.weights == {"a": Decimal(3), "b": Decimal(2)}
    assert derived.total == 5 and derived.total_shares == 200000
    assert describe_derivation(derived) == (
        "t: weights = shares / 40000 (their gcd) (euros, 200000 in all; weights total 5; "
        "source: montants du marché 2025)"
    )
    # The same table, validated again inside its groupement, stays what it was.
    assert WeightTable.model_validate(derived) == derived


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"weights": {"a": "2"}, "shares": {"a": "1"}, "share_unit": "pupils",
          "shares_source": "x"}, "either weights or shares"),
        ({"shares": {"a": "1"}, "shares_source": "x"}, "share_unit"),
        ({"shares": {"a": "1"}, "share_unit": "pupils"}, "shares_source"),
        ({"shares": {"a": "1"}, "share_unit": "pupils", "shares_source": "x",
          "derivation": "per_cent"}, "derivation"),
        ({"shares": {"a": 12}, "share_unit": "pupils", "shares_source": "x"}, "quoted decimal"),
        ({}, "weights, or shares"),
        ({"weights": {"a": "1"}, "share_unit": "pupils"}, "add shares"),
    ],
)  # fmt: skip
def test_a_table_of_shares_must_say_what_it_counts(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        table(**fields)


def test_an_unknown_member_in_the_shares_is_named_in_the_shares(tmp_path: Path) -> None:
    copy = tmp_path / "groupements"
    shutil.copytree(default_config_dir(), copy)
    path = copy / f"{CRETEIL}.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('meaux = "5800"', 'meau = "5800"'), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config_dir(copy)
    assert any(
        "weight_tables[creteil-eleves-exemple].shares.meau: unknown member; did you mean "
        "'meaux'?" in problem
        for problem in error.value.problems
    ), error.value.problems


# --- the Créteil groupement (seed 004) ---------------------------------------------------------


def test_creteil_has_its_communes_no_body_and_a_consultation_of_the_members(
    governance: Governance,
) -> None:
    creteil = governance.groupement(CRETEIL)
    assert creteil.groupement.coordinator == "region-academique-idf"
    assert creteil.member("region-academique-idf").kind == "rectorat"
    communes = [m for m in creteil.members if m.kind == "commune"]
    assert len(communes) == 12
    assert creteil.instances == []
    assert creteil.consultation is not None and creteil.consultation.weight_series == "eleves"
    # The coordinator asks; the communes answer.
    consulted = creteil.consulted_members(date(2026, 3, 1))
    assert consulted == [m.id for m in communes]
    (pupils,) = creteil.weight_tables
    assert pupils.from_shares and pupils.share_unit is ShareUnit.PUPILS
    assert set(pupils.weights) == set(consulted)
    assert pupils.total == 84700
    assert pupils.name is not None and "EXEMPLE" in pupils.name
    assert pupils.shares_source is not None and "EXAMPLE" in pupils.shares_source
    text = (default_config_dir() / f"{CRETEIL}.toml").read_text(encoding="utf-8")
    assert "EXAMPLE. The members listed here, and every pupil number, are an EXAMPLE" in text


def test_config_check_shows_the_consultation_and_the_derivation(governance: Governance) -> None:
    text = summarize(governance, date(2026, 3, 1))
    row = next(line for line in text.splitlines() if line.startswith(CRETEIL))
    assert row.split()[:5] == [CRETEIL, "membres", "members", "written", "12"]
    assert "84700 or 12" in row and "chosen at opening" in row
    assert (
        f"- {CRETEIL}/creteil-eleves-exemple: weights = shares (pupils, 84700 in all; "
        "weights total 84700; source: EXAMPLE figures" in text
    )


def test_the_coordinator_not_consulted_cannot_carry_a_weight(tmp_path: Path) -> None:
    copy = tmp_path / "groupements"
    shutil.copytree(default_config_dir(), copy)
    path = copy / f"{CRETEIL}.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('meaux = "5800"', 'meaux = "5800"\nregion-academique-idf = "1"')
    path.write_text(text.replace('id = "membres"', 'id = "membres"'), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config_dir(copy)
    assert any("coordinator_votes = false" in p for p in error.value.problems)


def test_the_consultation_is_checked_against_the_file(tmp_path: Path) -> None:
    copy = tmp_path / "groupements"
    shutil.copytree(default_config_dir(), copy)
    path = copy / f"{CRETEIL}.toml"
    text = path.read_text(encoding="utf-8")
    for change, expected in (
        (('weight_series = "eleves"', 'weight_series = "eleve"'), "consultation.weight_series: "
         "no weight table has this series; did you mean 'eleves'? (value: 'eleve')"),
        (('ballot_kind = "public"\n', 'ballot_kind = "public"\nquorum = "1/2"\n'),
         "consultation.quorum: unknown field (value: '1/2')"),
        (('[consultation]\nid = "membres"', '[consultation]\nid = "Membres"'), "consultation.id"),
    ):  # fmt: skip
        path.write_text(text.replace(*change), encoding="utf-8")
        with pytest.raises(ConfigError) as error:
            load_config_dir(copy)
        assert any(expected in problem for problem in error.value.problems), error.value.problems


def test_the_shipped_files_say_what_their_seed_does_not() -> None:
    """Where a file assumes a body its seed does not give, it says so above that body."""
    for name, body in (
        ("ent-grand-est", 'id = "ag"'),
        ("equipements-numeriques", 'id = "ag"'),
        ("equipements-numeriques", 'id = "copil"'),
        ("liaisons-internet", 'id = "ag"'),
    ):
        text = (default_config_dir() / f"{name}.toml").read_text(encoding="utf-8")
        before = text[: text.index(body)].rsplit("[[instances]]", 1)[0]
        comment = before.rstrip().rsplit("\n\n", 1)[-1]
        assert "ASSUMPTION" in comment and "does not say" in comment, (name, body, comment)


def test_the_derivation_is_said_in_the_records_words() -> None:
    reduced = table(
        shares={"a": "120000", "b": "80000"},
        share_unit="euros",
        shares_source="montants du marché 2025",
        derivation="reduced",
    )
    assert plain(derivation_statement(reduced, "fr")) == (
        "200 000 euros en tout (source : montants du marché 2025) ; la part de chaque membre "
        "divisée par 40 000, leur plus grand commun diviseur : les plus petits poids entiers "
        "dans les mêmes proportions."
    )
    schools = table(shares={"a": "12"}, share_unit="schools", shares_source="annuaire")
    assert plain(derivation_statement(schools, "en")) == (
        "12 schools in all (source: annuaire); one voice per school: each member's weight is "
        "its share."
    )
