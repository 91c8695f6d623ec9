"""Malformed configurations and tally files: a clear one-line refusal, never a silent wrong
value and never a traceback. The listed cases come from an attack on the bot (issue #10); the
generated ones keep the attack running in CI."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import main
from config.loader import ConfigError, load_groupement_file
from tests.test_config import MINIMAL, edit, write
from voting.codec import TallyInputError, read_tally_json, run_tally_mapping
from voting.decimal_text import is_plain_decimal

ROOT = Path(__file__).resolve().parent.parent
WORKED_EXAMPLE = (ROOT / "examples" / "cogouv-worked-example.json").read_text(encoding="utf-8")
WEIGHT_B = 'b = "1" }'


def config_problems(directory: Path, weight: str) -> list[str]:
    path = write(directory, "weights.toml", edit(MINIMAL, WEIGHT_B, f"b = {weight} }}"))
    try:
        load_groupement_file(path)
    except ConfigError as error:
        return [problem.removeprefix(f"{path}: ") for problem in error.problems]
    return []


def toml_string(text: str) -> str:
    escaped = "".join(
        f"\\u{ord(c):04x}" if c in '"\\' or ord(c) < 0x20 or ord(c) == 0x7F else c for c in text
    )
    return f'"{escaped}"'


# --- config weights ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "weight",
    [
        '"4_5"',
        '"٤.٥"',
        '"1e400"',
        '"1e-400"',
        '"１"',
        '" 4.5"',
        '"4.5\\n"',
        '"4."',
        '".5"',
        '"+4"',
        '"1234567890"',
        '"1.1234567"',
        '"0x10"',
        '"4,5"',
        '"NaN"',
        '"sNaN"',
        '"-0"',
    ],
)
def test_a_weight_that_is_not_a_plain_decimal_is_refused_by_file_field_and_value(
    tmp_path: Path, weight: str
) -> None:
    problems = config_problems(tmp_path, weight)
    assert len(problems) == 1, problems
    assert problems[0].startswith("weight_tables[t1].weights.b: "), problems
    assert f"(value: {json.loads(weight)!r})" in problems[0]


@pytest.mark.parametrize(("weight", "value"), [('"4.5"', "4.5"), ('"123456789.123456"', None)])
def test_a_plain_decimal_weight_is_read_exactly(tmp_path: Path, weight: str, value: str) -> None:
    path = write(tmp_path, "weights.toml", edit(MINIMAL, WEIGHT_B, f"b = {weight} }}"))
    table = load_groupement_file(path).weight_table("t1")
    assert table.weights["b"] == Decimal(json.loads(weight))


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.text(max_size=12),
        st.text(alphabet="0123456789._-+eE ", max_size=14),
        st.from_regex(r"[0-9]{1,11}(\.[0-9]{1,8})?", fullmatch=True),
    )
)
def test_any_weight_text_is_read_exactly_or_refused_by_name(tmp_path: Path, text: str) -> None:
    problems = config_problems(tmp_path, toml_string(text))
    if is_plain_decimal(text) and Decimal(text) > 0:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].startswith("weight_tables[t1].weights.b: ")


# --- deep TOML ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "nesting",
    [
        "x = " + "[" * 5000 + "]" * 5000,
        "x = " + "{a=" * 5000 + "1" + "}" * 5000,
        "deep." + "a." * 3000 + "b = 1",
        "x = " + "[" * 12 + "]" * 12,
    ],
)
def test_a_deeply_nested_config_gets_a_clear_error(tmp_path: Path, nesting: str) -> None:
    text = MINIMAL.replace('coordinator = "a"\n', f'coordinator = "a"\n{nesting}\n')
    path = write(tmp_path, "deep.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_groupement_file(path)
    assert caught.value.problems == [f"{path}: tables or arrays nested more than 8 levels deep"]


# --- tally files -------------------------------------------------------------------------


def cli_tally(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> tuple[int, str]:
    path = tmp_path / "ballot.json"
    path.write_text(text, encoding="utf-8")
    status = main(["tally", str(path)])
    captured = capsys.readouterr()
    assert captured.out == ""
    return status, captured.err


def with_weight(text: str) -> str:
    return WORKED_EXAMPLE.replace('"aube": "1"', f'"aube": {text}')


HUGE = "9" * 5001


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (with_weight("1e400"), "weights.aube: '1e400' is not a decimal number written as"),
        (with_weight('"1e400"'), "weights.aube: '1e400' is not a decimal number"),
        (with_weight("1e999999999"), "weights.aube: '1e999999999' is not a decimal number"),
        (with_weight(HUGE), "weights.aube: '99999999999999999999…(5001 characters)' is not"),
        (with_weight('"' + HUGE + '"'), "weights.aube: "),
        (with_weight("NaN"), "weights.aube: 'NaN' is not a decimal number"),
        (with_weight("-Infinity"), "weights.aube: '-Infinity' is not a decimal number"),
        (with_weight("1.5e0"), "weights.aube: '1.5e0' is not a decimal number"),
        (
            WORKED_EXAMPLE.replace('"aube": "1"', '"aube": 1e30').replace(
                '"marne": "1"', '"marne": 1e-30'
            ),
            "weights.aube: '1e30' is not a decimal number",
        ),
        (
            WORKED_EXAMPLE.replace('"aube": "1"', '"aube": "1e30"').replace(
                '"marne": "1"', '"marne": "1e-30"'
            ),
            "weights.aube: '1e30' is not a decimal number",
        ),
        ("[" * 5000 + "]" * 5000, "not valid JSON: arrays or objects nested too deep"),
        ('{"weights": ' + "[" * 5000 + "]" * 5000 + "}", "nested too deep"),
        (with_weight('"4_5"'), "weights.aube: '4_5' is not a decimal number"),
        (with_weight('"٤"'), "weights.aube: '٤' is not a decimal number"),
        (
            WORKED_EXAMPLE.replace('"tie": "chair"', '"tie": "chair", "tye": "x"'),
            "rules.tye: unknown key",
        ),
        (
            WORKED_EXAMPLE.replace('"double": false', '"double": false, "dobule": true'),
            "rules.majority.dobule: unknown key",
        ),
        (
            WORKED_EXAMPLE.replace('"counts"', '"count": "present", "counts"'),
            "rules.quorum.count: unknown key",
        ),
        (WORKED_EXAMPLE.replace('"aube": "1"', '"": "1"'), "weights: '' is not a non-empty name"),
        (WORKED_EXAMPLE.replace('"aube": "against"', '"": "against"'), "votes: '' is not"),
        (WORKED_EXAMPLE.replace('"aube",', '"",'), "present[4]: '' is not a non-empty name"),
        (
            WORKED_EXAMPLE.replace('"fraction": "1/2"', '"fraction": "1/' + HUGE + '"', 1),
            "rules.quorum",
        ),
        (WORKED_EXAMPLE.replace('"fraction": "1/2"', '"fraction": "١/٢"', 1), "rules.quorum"),
    ],
)
def test_a_malformed_tally_file_gets_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    status, err = cli_tally(tmp_path, capsys, text)
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("scrutin: "), err[:300]
    assert message in err, err[:300]


def mutations() -> st.SearchStrategy[Any]:
    leaf = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.text(max_size=8),
        st.sampled_from(["1e400", "4_5", "٤", "", "1/2", "for", "chair", "aube", "NaN"]),
    )
    return st.recursive(leaf, lambda inner: st.lists(inner, max_size=3), max_leaves=5)


def paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_mutated_tally_file_is_judged_or_refused_in_one_line(data: st.DataObject) -> None:
    document = json.loads(WORKED_EXAMPLE)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths(document)[1:]))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            parent[data.draw(st.text(max_size=6))] = data.draw(mutations())
        else:
            parent[path[-1]] = data.draw(mutations())
    try:
        run_tally_mapping(read_tally_json(json.dumps(document)))
    except TallyInputError as error:
        assert "\n" not in str(error)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='{}[]":,0123456789.eE-+ aNInfity', max_size=40))
def test_any_json_text_is_read_or_refused_in_one_line(text: str) -> None:
    try:
        run_tally_mapping(read_tally_json(text))
    except TallyInputError as error:
        assert "\n" not in str(error)


def test_an_unknown_rule_key_holding_a_line_break_is_named_on_one_line() -> None:
    document = json.loads(WORKED_EXAMPLE)
    document["rules"]["quorum"] = {"\n": 1}
    with pytest.raises(TallyInputError) as refused:
        run_tally_mapping(read_tally_json(json.dumps(document)))
    assert "\n" not in str(refused.value)
    assert "quorum.'\\n'" in str(refused.value)
