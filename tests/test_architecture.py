"""The domain stays free of the transport: voting/ and meetings/ never import telegram."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", ["voting", "meetings", "config"])
def test_domain_packages_do_not_import_telegram(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no Python files"
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name for name in imported_modules(path) if name.split(".")[0] in {"telegram", "bot"}
        )
        for path in files
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_check_sees_a_telegram_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from telegram.ext import Application\nimport os\n", encoding="utf-8")
    assert "telegram.ext" in imported_modules(sample)
