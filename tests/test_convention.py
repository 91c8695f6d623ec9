"""The convention's dates in the groupement file: term, amendments that move its end, the
withdrawal window, and the shipped groupements as their seeds give them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from config.convention import Amendment, Convention, WithdrawalRule, add_months
from config.loader import ConfigError, default_config_dir, load_groupement_file
from tests.test_config import MINIMAL, write

SEED_000 = "000_0a26a3086873a58e.txt"


def test_equipements_numeriques_ends_in_february_2030_after_its_amendment() -> None:
    groupement = load_groupement_file(default_config_dir() / "equipements-numeriques.toml")
    convention = groupement.convention
    assert convention is not None
    assert convention.signed == date(2021, 2, 24)
    assert convention.end_in_force(date(2025, 1, 1)) == date(2026, 2, 24)
    assert convention.end_in_force(date(2025, 6, 30)) == date(2030, 2, 24)
    assert [a.number for a in convention.amendments] == [1]
    assert convention.amendments[0].source.startswith(SEED_000)


def test_equipements_numeriques_withdrawal_window_is_the_first_of_january() -> None:
    groupement = load_groupement_file(default_config_dir() / "equipements-numeriques.toml")
    assert groupement.convention is not None
    rule = groupement.convention.withdrawal
    assert rule is not None
    # Received on 1 January 2027: still in time for the school year 2027.
    assert rule.earliest_effect(date(2027, 1, 1)) == date(2027, 9, 1)
    # One day late: the next school year.
    assert rule.earliest_effect(date(2027, 1, 2)) == date(2028, 9, 1)
    assert rule.next_closes(date(2026, 11, 29), 2) == [
        (date(2027, 1, 1), date(2027, 9, 1)),
        (date(2028, 1, 1), date(2028, 9, 1)),
    ]


def test_shipped_configs_say_what_their_seeds_do_not() -> None:
    for name in ("equipements-numeriques.toml", "liaisons-internet.toml", "ent-grand-est.toml"):
        text = (default_config_dir() / name).read_text(encoding="utf-8")
        assert "[convention]" in text, name
        assert "the seed does not say" in text or "none is assumed" in text, name


def test_a_term_given_in_months_starts_at_the_market_notification() -> None:
    convention = Convention(source="004", term_months=48, amendable=False)
    assert convention.end_in_force(date(2026, 1, 1)) is None
    notified = date(2025, 9, 15)
    assert convention.end_in_force(date(2026, 1, 1), notified) == date(2029, 9, 15)


def test_a_later_amendment_moves_the_end_again_and_one_without_end_does_not() -> None:
    convention = Convention(
        source="s",
        term_start=date(2021, 2, 24),
        term_end=date(2026, 2, 24),
        amendments=[
            Amendment(number=1, date=date(2025, 6, 30), source="s", new_end=date(2030, 2, 24)),
            Amendment(number=2, date=date(2027, 1, 10), source="s"),
            Amendment(number=3, date=date(2029, 5, 1), source="s", new_end=date(2031, 2, 24)),
        ],
    )
    assert convention.end_in_force(date(2028, 1, 1)) == date(2030, 2, 24)
    assert convention.end_in_force(date(2029, 5, 1)) == date(2031, 2, 24)


def test_months_are_added_to_the_last_day_of_a_shorter_month() -> None:
    assert add_months(date(2026, 8, 31), -6) == date(2026, 2, 28)
    assert add_months(date(2030, 2, 24), -6) == date(2029, 8, 24)
    assert add_months(date(2027, 1, 1), -1) == date(2026, 12, 1)


def test_a_withdrawal_window_needs_both_its_days() -> None:
    with pytest.raises(ValueError, match="go together"):
        WithdrawalRule(request_by="01-01", source="s")
    with pytest.raises(ValueError, match="MM-DD"):
        WithdrawalRule(request_by="1er janvier", effective_on="09-01", source="s")


def test_convention_problems_are_reported_with_their_field(tmp_path: Path) -> None:
    text = MINIMAL + (
        '\n[convention]\nsource = "s"\namendable = false\nterm_start = 2021-01-01\n'
        "term_end = 2020-01-01\n"
        '[[convention.amendments]]\nnumber = 1\ndate = 2022-01-01\nsource = "s"\n'
    )
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(ConfigError) as raised:
        load_groupement_file(path)
    assert any(p.startswith(f"{path}: convention") for p in raised.value.problems)
    assert "term_end must come after term_start" in str(raised.value)


def test_an_unknown_convention_key_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.toml", MINIMAL + '\n[convention]\nsource = "s"\nterme = 5\n')
    with pytest.raises(ConfigError, match=r"convention\.terme: unknown field"):
        load_groupement_file(path)
