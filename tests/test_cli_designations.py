"""``scrutin designation add|end|list``: the same rules as the bot, from a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("SCRUTIN_DATABASE_PATH", str(path))
    monkeypatch.chdir(tmp_path)
    return path


def test_an_act_then_an_election_then_the_list(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add = ["designation", "add", "ent-grand-est"]
    assert main([*add, "meuse", "deliberation", "CP-2025-112", "2025-02-03"]) == 0
    assert capsys.readouterr().out == (
        "Département de la Meuse: designated by deliberation no. CP-2025-112 of 3 February 2025\n"
    )
    assert main(["designation", "end", "ent-grand-est", "aube", "2021-06-20"]) == 0
    assert capsys.readouterr().out == (
        "Département de l'Aube: mandates ended by the election of 2021-06-20; 0 seat(s) ended, "
        "waiting for a designation\n"
    )
    assert main(["designation", "list", "ent-grand-est"]) == 0
    listing = capsys.readouterr().out
    assert listing.startswith(
        "Groupement de commandes ENT Grand Est\n1 member waits for a designation.\n"
        "• Département de l'Aube: waiting for a designation since the election of "
        "20 June 2021\n"
    )
    assert "• Département de la Meuse: designated by deliberation no. CP-2025-112" in listing


def test_refusals_record_nothing(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add = ["designation", "add", "ent-grand-est", "meuse"]
    assert main([*add, "vote", "12", "2025-02-03"]) == 2
    assert "expected KIND deliberation|arrete|decision" in capsys.readouterr().err
    assert main([*add, "decision", "12", "2999-01-01"]) == 2
    assert "nothing recorded:" in capsys.readouterr().err
    assert main(["designation", "end", "ent-grand-est", "aube", "2021-06-20"]) == 0
    assert main(["designation", "add", "ent-grand-est", "aube", "arrete", "7", "2021-06-19"]) == 2
    assert "taken before it, cannot fill them" in capsys.readouterr().err
    assert main(["designation", "list", "nowhere"]) == 2
