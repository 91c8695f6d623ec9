"""The ``scrutin`` command line: tally files and config checks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.cli.records import convening_deadline
from meetings.notice import Notice
from meetings.wording.typography import plain

ROOT = Path(__file__).resolve().parent.parent
WORKED_EXAMPLE = ROOT / "examples" / "cogouv-worked-example.json"


def run_tally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: Any, *extra: str
) -> tuple[int, str, str]:
    path = tmp_path / "ballot.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    status = main(["tally", str(path), *extra])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def worked_example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(WORKED_EXAMPLE.read_text(encoding="utf-8"))
    return data


def test_worked_example_is_adopted_with_the_casting_vote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run_tally(tmp_path, capsys, worked_example())
    assert status == 0
    result = json.loads(out)
    assert result["outcome"] == "adopted"
    assert result["casting_vote_used"] is True
    assert result["totals"]["for"] == {"weight": "4.5", "heads": 1}
    assert result["totals"]["against"] == {"weight": "4.5", "heads": 4}
    assert result["totals"]["abstain"] == {"weight": "6", "heads": 5}
    assert result["expressed"] == {"weight": "9", "heads": 5}
    assert result["required"] == "4.5"
    assert result["quorum"]["met"] is True
    assert result["quorum"]["members"] == 10 and result["quorum"]["weight"] == "15"
    assert result["quorum"]["required_members"] == 5
    assert result["quorum"]["required_weight"] == "7.5"
    assert plain(result["explanation"]["fr"]).startswith("Adoptée par la voix prépondérante")
    assert result["explanation"]["en"].startswith("Adopted by the chair's casting vote")


def test_a_chair_only_represented_casts_no_deciding_vote_as_in_the_bot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = worked_example()
    chair = data["chair"]
    data["present"] = [m for m in data["present"] if m != chair]
    holder = next(m for m in data["present"] if m not in data.get("proxies", {}).values())
    data["proxies"] = {**data.get("proxies", {}), chair: holder}
    status, out, _ = run_tally(tmp_path, capsys, data)
    assert status == 0
    result = json.loads(out)
    assert result["tie"] is True and result["casting_vote_used"] is False
    assert result["outcome"] == "rejected" and result["chair"] is None
    assert plain(result["explanation"]["fr"]).startswith("Rejetée")


def test_worked_example_in_secret_is_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = worked_example()
    data["secret"] = True
    status, out, _ = run_tally(tmp_path, capsys, data)
    result = json.loads(out)
    assert status == 0
    assert result["outcome"] == "rejected" and result["casting_vote_used"] is False


def test_text_format_is_a_french_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run_tally(tmp_path, capsys, worked_example(), "--format", "text")
    assert status == 0
    lines = plain(out).splitlines()
    assert lines[0] == "Résultat : adoptée (voix prépondérante du président)"
    assert "Quorum atteint : 10 membres sur 10, 15 voix sur 15" in plain(out)
    assert "Pour : 4,5 voix (1 membre)" in lines
    assert "Contre : 4,5 voix (4 membres)" in lines
    assert "Abstention : 6 voix (5 membres)" in lines


def test_json_numbers_are_read_exactly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        WORKED_EXAMPLE.read_text(encoding="utf-8").replace('"4.5"', "4.5").replace('"1.5"', "1.5")
    )
    status, out, _ = run_tally(tmp_path, capsys, text)
    assert status == 0 and json.loads(out)["totals"]["for"]["weight"] == "4.5"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["weights"].update(aube="-1"), "weights.aube: '-1' must be a positive number"),
        (lambda d: d["weights"].update(aube="un"), "weights.aube: 'un' is not a decimal"),
        (lambda d: d["weights"].update(aube=True), "weights.aube"),
        (lambda d: d["votes"].update(aube="peut-être"), "'peut-être'"),
        (lambda d: d["rules"]["majority"].update(fraction="3/2"), "rules.majority"),
        (lambda d: d["rules"].update(tie="coin"), "rules.tie: 'coin'"),
        (lambda d: d.update(proxies={"aube": "marne"}), "'aube' is present"),
        (lambda d: d.update(chair="paris"), "chair: 'paris'"),
        (lambda d: d.update(colour="red"), "unknown keys ['colour']"),
        (lambda d: d.update(secret="yes"), "secret: 'yes'"),
    ],
)
def test_invalid_input_gets_a_clear_message_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Any, message: str
) -> None:
    data = worked_example()
    change(data)
    status, out, err = run_tally(tmp_path, capsys, data)
    assert status == 2 and out == ""
    assert message in err
    assert "Traceback" not in err


def test_unreadable_files_get_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_tally(tmp_path, capsys, "{not json")
    assert status == 2 and "not valid JSON" in err
    assert main(["tally", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_config_check_summarises_the_shipped_groupements(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["config", "check", "--on", "2026-12-15"]) == 0
    out = capsys.readouterr().out
    assert "ent-grand-est" in out and "cogouv" in out
    assert "ent-2022-avenant-1" in out


def test_config_check_reports_every_problem_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = ROOT / "config" / "groupements" / "ent-grand-est.toml"
    broken = tmp_path / "ent-grand-est.toml"
    shutil.copy(source, broken)
    text = broken.read_text(encoding="utf-8").replace(
        'moselle = "1.5"', 'moselle = "1.5"\nnancy = "1"', 1
    )
    broken.write_text(text, encoding="utf-8")
    assert main(["config", "check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "ent-grand-est.toml" in err and "nancy" in err


def test_the_installed_console_script_runs() -> None:
    script = Path(sys.executable).parent / "scrutin"
    if not script.exists():
        pytest.skip("the console script is installed by `pip install -e .`")
    completed = subprocess.run(
        [str(script), "tally", str(WORKED_EXAMPLE), "--format", "text"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "adoptée" in completed.stdout


def test_meeting_add_plans_a_meeting_in_paris_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "cli.db"
    monkeypatch.setenv("SCRUTIN_DATABASE_PATH", str(database))
    monkeypatch.chdir(tmp_path)
    status = main(
        [
            "meeting",
            "add",
            "--groupement",
            "ent-grand-est",
            "--instance",
            "cst",
            "--at",
            "2099-03-16 10:00",
            "--video",
            "https://visio.example.fr/cst",
            "--agenda",
            "Bilan du trimestre",
            "--agenda",
            "Budget ; vote : Approuver le budget",
            "--secretary",
            "Claire Weber",
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "meeting 1 planned: Comité de suivi trimestriel, lundi 16 mars 2099 à 10 h 00" in plain(
        out
    )
    assert "convene it by 2099-03-10 (5 clear days)" in out

    async def stored() -> tuple[str, tuple[str | None, ...]]:
        from voting.db import Database

        db = await Database.open(database)
        try:
            cursor = await db.connection.execute("SELECT starts_at_utc FROM meetings")
            (start,) = await cursor.fetchone()  # type: ignore[misc]
            cursor = await db.connection.execute(
                "SELECT motion FROM agenda_items ORDER BY position"
            )
            motions = tuple(row[0] for row in await cursor.fetchall())
            return str(start), motions
        finally:
            await db.close()

    import asyncio

    start, motions = asyncio.run(stored())
    assert start == "2099-03-16T09:00:00+00:00"  # 10:00 in Paris, winter time
    assert motions == (None, "Approuver le budget")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--at", "16/03/2099 10h"], "expected 'YYYY-MM-DD HH:MM'"),
        (["--at", "2099-03-16 10:00", "--instance", "bureau"], "no instance 'bureau'"),
        (["--at", "2001-03-16 10:00"], "must start in the future"),
        (["--at", "2099-03-16 10:00", "--agenda", "Budget ; voter"], "--agenda"),
    ],
)
def test_meeting_add_refuses_bad_input(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    arguments: list[str],
    message: str,
) -> None:
    monkeypatch.setenv("SCRUTIN_DATABASE_PATH", str(tmp_path / "cli.db"))
    monkeypatch.chdir(tmp_path)
    base = ["meeting", "add", "--groupement", "ent-grand-est", "--place", "Metz"]
    if "--instance" not in arguments:
        base += ["--instance", "cst"]
    assert main([*base, *arguments]) == 2
    assert message in capsys.readouterr().err


def test_meeting_add_says_when_the_notice_can_no_longer_be_given() -> None:
    def notice(given: int) -> Notice:
        return Notice(5, given, date(2099, 3, 10), 1, date(2099, 3, 14))

    assert convening_deadline(1, notice(6)) == (
        "convene it by 2099-03-10 (5 clear days), with /convoquer 1"
    )
    assert convening_deadline(1, notice(2)) == (
        "too late for the ordinary notice (last day was 2099-03-10): convene it in an "
        "emergency by 2099-03-14 (1 clear day(s)) with /convoquer 1 urgence REASON"
    )
    assert convening_deadline(1, notice(0)) == (
        "too late for the ordinary notice (last day was 2099-03-10) and even for an urgent "
        "one: move it with /reporter or cancel it"
    )
