"""The benchmark runs from end to end with small numbers, so that it never rots.

No timing is asserted: the quick figures mean nothing. What is checked is that every measure
ran and that the report is written, with the machine and the date, and printed as a table.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import main


def test_the_quick_bench_measures_everything_and_writes_its_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "results.json"
    assert main(["--quick", "--output", str(output)]) == 0

    report = json.loads(output.read_text(encoding="utf-8"))
    assert report["mode"] == "quick"
    assert report["date"] and report["machine"]["python"]
    measures = [row["measure"] for row in report["rows"]]
    for expected in (
        "Vote burst",
        "Vote ack",
        "Convocation to",
        "/clore at",
        "Record PDF",
        "Tally of",
        "`scrutin run` ready",
        "`scrutin run` idle RSS",
    ):
        assert any(m.startswith(expected) for m in measures), expected
    # One request per person and no 429 hold whatever the machine's speed.
    (fan_out,) = [row for row in report["rows"] if row["measure"].startswith("… 429s")]
    assert fan_out["met"] is True
    printed = capsys.readouterr().out
    assert "| Measure | Project | Baseline | Ratio | Goal | Met |" in printed
