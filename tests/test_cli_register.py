"""The membership register from the command line, and ``scrutin config check --database``
naming each member whose configured dates disagree with the register."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "scrutin.db"
    monkeypatch.setenv("SCRUTIN_DATABASE_PATH", str(path))
    monkeypatch.setenv("SCRUTIN_CONFIG_DIR", str(ROOT / "config" / "groupements"))
    return path


def test_join_writes_the_certificate_and_show_prints_the_register(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "certificat.pdf"
    arguments = ["register", "join", "ent-grand-est/cea", "--on", "2021-01-01"]
    arguments += ["--act", "deliberation", "--act-date", "2020-12-14", "--reference", "CP-12"]
    assert main([*arguments, "-o", str(pdf)]) == 0
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf.read_bytes())).pages)
    assert "Collectivité européenne" in text
    assert main(["register", "show", "ent-grand-est"]) == 0
    out = capsys.readouterr().out
    assert "Collectivité européenne d'Alsace, adhésion le 1er janvier 2021" in out
    assert main(["config", "check", "--database", str(database)]) == 0
    assert "agree with the membership register" in capsys.readouterr().out


def test_config_check_names_each_disagreement(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    member = "equipements-numeriques/meuse"
    assert (
        main(["register", "withdraw", member, "--received", "2026-12-20", "--means", "letter"]) == 0
    )
    assert "effective on 1 September 2027 at the earliest" in capsys.readouterr().out
    refused = [
        "register",
        "decide",
        "1",
        "accept",
        "--on",
        "2027-01-10",
        "--effective",
        "2026-09-01",
    ]
    assert main(refused) == 2
    assert "can take effect on 01/09/2027 at the earliest" in capsys.readouterr().err
    accepted = [
        "register",
        "decide",
        "1",
        "accept",
        "--on",
        "2027-01-10",
        "--effective",
        "2027-09-01",
    ]
    assert main(accepted) == 0
    assert main(["config", "check", "--database", str(database)]) == 2
    err = capsys.readouterr().err
    assert (
        "scrutin: equipements-numeriques: members[meuse].left is none but the register records "
        "2027-09-01"
    ) in err
    assert "which is the source of truth" in err
