"""The shape of the code, guarded: who may import whom, and where SQL may run.

- The domain and the application layer (``voting/``, ``meetings/``, ``config/``) import neither
  ``telegram`` nor ``bot``: the transport is an adapter.
- ``voting/`` is the engine: it imports neither ``meetings/`` nor ``config/``.
- No handler module imports another handler module; the command line imports no handler.
- Only a store (a module defining a subclass of :class:`voting.db.Store`), the database
  module itself or an engine (``voting/engines/``) runs SQL.
- ``scrutin tally``, ``scrutin config check`` and ``scrutin --help`` load neither
  python-telegram-bot nor matplotlib; ``scrutin run`` starts without matplotlib, fpdf2,
  icalendar or the offline bot.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "meetings", "voting", "config")
SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|BEGIN|PRAGMA)\b", re.I)
SQL_CALLS = {"execute", "executemany", "executescript"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def sources(package: str) -> list[Path]:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no Python files"
    return files


def offenders(package: str, forbidden: set[str]) -> dict[str, list[str]]:
    found = {}
    for path in sources(package):
        names = sorted(
            name
            for name in imported_modules(path)
            if any(name == f or name.startswith(f + ".") for f in forbidden)
        )
        if names:
            found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize("package", ["voting", "meetings", "config"])
def test_the_domain_and_the_application_import_no_transport(package: str) -> None:
    assert offenders(package, {"telegram", "bot"}) == {}


def test_the_engine_stands_alone() -> None:
    assert offenders("voting", {"meetings", "config"}) == {}


def test_no_handler_module_imports_another() -> None:
    handlers = sources("bot/handlers")
    for path in handlers:
        others = {f"bot.handlers.{p.stem}" for p in handlers if p != path} | {"bot.handlers"}
        assert imported_modules(path) & others == set(), path.name


def test_the_command_line_imports_no_handler() -> None:
    assert offenders("bot/cli", {"bot.handlers", "bot.app", "bot.commands"}) == {}


def _defines_a_store(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ClassDef)
        and any(isinstance(base, ast.Name) and base.id == "Store" for base in node.bases)
        for node in ast.walk(tree)
    )


def _is_sql(node: ast.AST) -> bool:
    calls = (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SQL_CALLS
    )
    text = isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value)
    return bool(calls or text)


def runs_sql(tree: ast.Module) -> bool:
    return any(_is_sql(node) for node in ast.walk(tree))


def test_only_a_store_runs_sql() -> None:
    running = []
    for package in PACKAGES:
        for path in sources(package):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            storage = path == ROOT / "voting/db.py" or path.parent == ROOT / "voting/engines"
            if runs_sql(tree) and not _defines_a_store(tree) and not storage:
                running.append(str(path.relative_to(ROOT)))
    assert running == []


def test_the_stores_share_one_base() -> None:
    stores = [
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for path in sources(package)
        if _defines_a_store(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert stores == [
        "bot/form_store.py",
        "bot/inbox.py",
        "meetings/chats.py",
        "meetings/designation_store.py",
        "meetings/document_store.py",
        "meetings/membership_store.py",
        "meetings/minutes_store.py",
        "meetings/reminders.py",
        "meetings/roster.py",
        "meetings/session_store.py",
        "meetings/store.py",
        "voting/ledger_store.py",
        "voting/store.py",
    ]


def test_the_checks_see_what_they_look_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from telegram.ext import Application\nimport os\n"
        "async def f(c):\n    await c.execute('SELECT 1')\n",
        encoding="utf-8",
    )
    assert "telegram.ext" in imported_modules(sample)
    assert runs_sql(ast.parse(sample.read_text(encoding="utf-8")))
    assert not runs_sql(ast.parse("text = 'Selected members'\n"))


LOADED = (
    "import sys, runpy\n"
    "sys.argv = ['scrutin', *sys.argv[1:]]\n"
    "try:\n"
    "    from bot.cli import main\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
    "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'telegram', 'matplotlib'})\n"
    "print('HEAVY=' + ','.join(heavy))\n"
)


@pytest.mark.parametrize(
    "arguments",
    [
        ["--help"],
        ["tally", str(ROOT / "examples" / "cogouv-worked-example.json")],
        ["config", "check"],
        ["verify", str(ROOT / "examples" / "cogouv-worked-example.json")],
    ],
)
def test_light_commands_load_no_transport_and_no_plotting(arguments: list[str]) -> None:
    ran = subprocess.run(
        [sys.executable, "-c", LOADED, *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert "HEAVY=\n" in ran.stdout, ran.stdout + ran.stderr


STARTED = (
    "import sys\n"
    "import bot.cli.telegram\n"
    "import bot.handlers\n"
    "wanted = {'matplotlib', 'fpdf', 'icalendar', 'bot.demo', 'bot.harness', 'bot.offline'}\n"
    "print('LOADED=' + ','.join(sorted(m for m in sys.modules if m in wanted)))\n"
)


def test_the_bot_starts_without_plotting_printing_calendars_or_the_offline_bot() -> None:
    """What ``scrutin run`` imports before its first update: matplotlib comes with the first
    chart, fpdf2 with the first PDF, icalendar with the first convocation; the offline bot
    belongs to ``scrutin demo`` and the tests."""
    ran = subprocess.run(
        [sys.executable, "-c", STARTED], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert "LOADED=\n" in ran.stdout, ran.stdout + ran.stderr
