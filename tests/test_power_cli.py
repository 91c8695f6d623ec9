"""``scrutin power`` and the power tables of ``scrutin config check``, on the shipped and on
edited configurations."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from bot.cli import main
from meetings.wording.formats import percent
from meetings.wording.typography import plain

ROOT = Path(__file__).resolve().parent.parent
ENT = ROOT / "config" / "groupements" / "ent-grand-est.toml"


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    status = main(list(arguments))
    captured = capsys.readouterr()
    return status, plain(captured.out), plain(captured.err)


def _row(out: str, name: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(name))


def test_percentages_are_rounded_for_display_only() -> None:
    assert plain(percent(Fraction(4, 9))) == "44,4 %"
    assert percent(Fraction(109, 215), "en") == "50.7%"
    assert plain(percent(Fraction(1, 2))) == "50,0 %"


def test_config_check_prints_a_compact_power_table_per_voting_instance(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, "config", "check", "--on", "2026-12-15")
    assert status == 0
    assert "Pouvoir des tableaux de voix au 15 décembre 2026" in out
    assert "Groupement de commandes ENT Grand Est — Comité de gouvernance" in out
    assert "Comité stratégique (tableau" not in out  # it does not vote
    assert _row(out, "Région Grand Est").split()[-4:] == ["50,7", "%", "44,4", "%"]
    assert "Plus petites minorités de blocage : 3 membres, 8 coalitions." in out
    assert "le vote de la Région Grand Est l'emporte" in out
    assert "Aucun membre ne peut bloquer seul." in out


def test_power_details_one_instance_with_exact_indices_and_the_blocking_minorities(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(
        capsys,
        "power",
        "--groupement",
        "ent-grand-est",
        "--instance",
        "cogouv",
        "--on",
        "2026-12-15",
    )
    assert status == 0
    region = _row(out, "Région Grand Est")
    assert "30,0 %" in region and " 436 " in region
    assert "50,7 % (109/215)" in region and "44,4 % (4/9)" in region
    assert "5,1 % (11/215)" in _row(out, "Département de la Moselle")
    assert "Bascules en tout : 860" in out
    blocking = [line for line in out.splitlines() if line.startswith("  - ")]
    assert len(blocking) == 8
    assert blocking[0].endswith("Département de la Moselle (8 voix)")
    assert all("Région Grand Est, Collectivité européenne d'Alsace" in b for b in blocking)
    assert "Assemblée générale" not in out


def test_power_in_english_and_under_the_2017_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "power",
        "--groupement",
        "ent-grand-est",
        "--instance",
        "cogouv",
        "--on",
        "2021-06-01",
        "--lang",
        "en",
    )
    assert status == 0
    assert "(table ent-2017)" in out
    # In 2021 the CeA holds the voices of the Bas-Rhin (2) and of the Haut-Rhin (1).
    assert _row(out, "Collectivité européenne d'Alsace").split()[3] == "3"
    assert "A tie goes the way Région Grand Est votes" in out


def test_a_secret_ballot_has_no_casting_vote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = tmp_path / "ent-grand-est.toml"
    shutil.copy(ENT, edited)
    text = edited.read_text(encoding="utf-8")
    cogouv = text.index('id = "cogouv"')
    text = text[:cogouv] + text[cogouv:].replace(
        'ballot_kind = "public"', 'ballot_kind = "secret"', 1
    )
    edited.write_text(text, encoding="utf-8")
    status, out, _ = run(
        capsys,
        "power",
        str(tmp_path),
        "--groupement",
        "ent-grand-est",
        "--instance",
        "cogouv",
        "--on",
        "2026-12-15",
    )
    assert status == 0
    assert "En cas de partage égal des voix, la motion est rejetée." in out
    assert "(197/479)" in _row(out, "Région Grand Est")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--instance", "cogouv"], "--instance needs --groupement"),
        (["--groupement", "nowhere"], "nowhere"),
        (["--groupement", "ent-grand-est", "--instance", "costrat"], "does not vote"),
        (["--on", "15/12/2026"], "15/12/2026"),
    ],
)
def test_power_refuses_what_it_cannot_show(
    capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    status, _, err = run(capsys, "power", *arguments)
    assert status == 2 and message in err


def test_power_says_so_when_no_table_is_in_force(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "power", "--on", "2000-01-01")
    assert status == 0
    assert out.strip() == "Aucune instance délibérante n'a de tableau de voix en vigueur."
