"""Numbers, weights, dates and names as French officials write them (and in English)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from config.loader import default_config_dir, load_config_dir
from meetings.wording.formats import (
    Name,
    clear_days,
    clock,
    day,
    long_date,
    members,
    moment,
    name_of,
    voices,
    weight,
)
from meetings.wording.typography import NBSP, french_spacing, plain

D = Decimal


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (datetime(2026, 12, 15, 13, 0, tzinfo=UTC), "fr", "mardi 15 décembre 2026 à 14 h 00"),
        (datetime(2026, 12, 1, 13, 5, tzinfo=UTC), "fr", "mardi 1er décembre 2026 à 14 h 05"),
        (datetime(2027, 7, 1, 7, 30, tzinfo=UTC), "fr", "jeudi 1er juillet 2027 à 9 h 30"),
        (datetime(2026, 12, 1, 13, 0, tzinfo=UTC), "en", "Tuesday 1 December 2026 at 14:00"),
    ],
)
def test_a_moment_in_paris_time(value: datetime, language: str, expected: str) -> None:
    assert plain(moment(value, language)) == expected


def test_the_hour_stays_with_its_minutes() -> None:
    assert clock(datetime(2026, 12, 15, 13, 0, tzinfo=UTC)) == f"14{NBSP}h{NBSP}00"


def test_days_and_dates() -> None:
    assert day(datetime(2026, 12, 1, 13, 0, tzinfo=UTC)) == "mardi 1er décembre 2026"
    assert long_date(date(2022, 10, 20)) == "20 octobre 2022"
    assert long_date(date(2021, 1, 1)) == "1er janvier 2021"
    assert long_date(date(2021, 1, 1), "en") == "1 January 2021"


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        moment(datetime(2026, 12, 1, 14, 0))  # noqa: DTZ001 - the point of the test


@pytest.mark.parametrize(
    ("amount", "french", "english"),
    [
        (D("4.5"), "4,5 voix", "4.5 votes"),
        (D("1"), "1 voix", "1 vote"),
        (D("1.5"), "1,5 voix", "1.5 votes"),
        (D("15"), "15 voix", "15 votes"),
        (D("10.6666666"), "10,67 voix", "10.67 votes"),
    ],
)
def test_voices(amount: Decimal, french: str, english: str) -> None:
    assert voices(amount) == french.replace(" ", NBSP)
    assert voices(amount, "en") == english


def test_a_weight_alone() -> None:
    assert weight(D("7.5")) == "7,5"
    assert weight(D("7.5"), "en") == "7.5"


@pytest.mark.parametrize(
    ("count", "french", "english"),
    [(0, "0 membre", "0 members"), (1, "1 membre", "1 member"), (2, "2 membres", "2 members")],
)
def test_members_agree_in_number(count: int, french: str, english: str) -> None:
    assert members(count) == french.replace(" ", NBSP)
    assert members(count, "en") == english


def test_clear_days() -> None:
    assert plain(clear_days(1)) == "1 jour franc"
    assert clear_days(5) == f"5{NBSP}jours francs"
    assert clear_days(5, "en") == "5 clear days"


def test_french_spacing() -> None:
    assert french_spacing("Quorum atteint : 8 membres ; « oui » ?") == (
        f"Quorum atteint{NBSP}: 8{NBSP}membres{NBSP}; «{NBSP}oui{NBSP}»{NBSP}?"
    )
    # A link keeps its colon.
    assert french_spacing("Visio : https://visio.fr/x") == f"Visio{NBSP}: https://visio.fr/x"


@pytest.mark.parametrize(
    ("name", "spec", "expected"),
    [
        (Name("Département des Ardennes", "le"), "à", "au Département des Ardennes"),
        (Name("Département des Ardennes", "le"), "de", "du Département des Ardennes"),
        (Name("Département des Ardennes", "le"), "le", "le Département des Ardennes"),
        (Name("Département des Ardennes", "le"), "Le", "Le Département des Ardennes"),
        (Name("Région Grand Est", "la"), "à", "à la Région Grand Est"),
        (Name("Région Grand Est", "la"), "De", "De la Région Grand Est"),
        (Name("Académie de Créteil", "l'"), "à", "à l'Académie de Créteil"),
        (Name("Autorités académiques", "les"), "à", "aux Autorités académiques"),
        (Name("Autorités académiques", "les"), "de", "des Autorités académiques"),
        (Name("Ville de Paris"), "à", "à Ville de Paris"),
        (Name("Ville de Paris"), "", "Ville de Paris"),
    ],
)
def test_names_take_their_article(name: Name, spec: str, expected: str) -> None:
    assert format(name, spec) == expected


def test_an_unknown_name_form_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown name form"):
        format(Name("Région Grand Est", "la"), "pour")


def test_a_template_contracts_the_article() -> None:
    holder = Name("Département des Ardennes", "le")
    assert f"pouvoir donné {holder:à}" == ("pouvoir donné au Département des Ardennes")


def test_the_shipped_members_have_their_article() -> None:
    governance = load_config_dir(default_config_dir())
    for groupement in governance.groupements.values():
        for member in groupement.members:
            assert member.article is not None, member.id
        for advisory in groupement.advisory:
            assert advisory.article is not None, advisory.id
    ent = governance.groupement("ent-grand-est")
    assert f"{name_of(ent, 'ardennes'):à}" == "au Département des Ardennes"
    assert f"{name_of(ent, 'region-grand-est'):Le}" == "La Région Grand Est"
    assert f"{name_of(ent, 'dane'):de}" == (
        "des Directions académiques au numérique éducatif (DANE)"
    )
    assert str(name_of(ent, "gone")) == "gone"
