"""Loading groupement TOML files, with every problem reported at once.

A configuration is written by hand by people who are not developers. Stopping at the
first mistake would turn fixing a file into a long series of runs, so each section item is
validated on its own, the cross-item checks run on whatever was valid, and all the
problems come back together, each naming the file, the field and the offending value.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from config.checks import Problem, check_groupement
from config.convention import Convention
from config.models import Governance, Groupement
from config.sections import (
    AdvisoryParticipant,
    GroupementHeader,
    Instance,
    Member,
    MembersConsultation,
    RulesProblem,
    WeightTable,
)

__all__ = [
    "ConfigError",
    "Governance",
    "default_config_dir",
    "load_config_dir",
    "load_groupement_file",
]

_M = TypeVar("_M", bound=BaseModel)

MAX_NESTING = 8
"""Tables and arrays inside each other: a groupement file needs four levels at most."""
_TOO_DEEP = f"tables or arrays nested more than {MAX_NESTING} levels deep"

_ARRAY_SECTIONS = ("members", "weight_tables", "instances", "advisory")
_SECTIONS = ("groupement", *_ARRAY_SECTIONS, "convention", "consultation")


class ConfigError(Exception):
    """A configuration that cannot be used, with one line per problem."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: list[str] = list(problems)
        super().__init__("\n".join(self.problems))

    def __str__(self) -> str:
        return "\n".join(self.problems)


def default_config_dir() -> Path:
    """The groupement files shipped with the package."""
    return Path(__file__).parent / "groupements"


def load_groupement_file(path: Path) -> Groupement:
    """Read and check one groupement file; raise :class:`ConfigError` with all problems."""
    groupement, problems = _load_file(path)
    if groupement is None:
        raise ConfigError(problems)
    return groupement


def load_config_dir(path: Path) -> Governance:
    """Read every ``*.toml`` file of ``path`` (in name order) into one :class:`Governance`.

    Groupement ids must be unique across files; member and instance ids only within
    their groupement.
    """
    if not path.exists():
        raise ConfigError([f"{path}: configuration directory does not exist"])
    if not path.is_dir():
        raise ConfigError([f"{path}: not a directory"])
    files = sorted(p for p in path.glob("*.toml") if p.is_file())
    if not files:
        raise ConfigError([f"{path}: no groupement file (*.toml) in the configuration directory"])

    problems: list[str] = []
    groupements: dict[str, Groupement] = {}
    found_in: dict[str, Path] = {}
    for file in files:
        groupement, file_problems = _load_file(file)
        problems.extend(file_problems)
        if groupement is None:
            continue
        if groupement.id in found_in:
            problems.append(
                Problem(
                    "groupement.id",
                    f"groupement id already used in {found_in[groupement.id]}",
                    groupement.id,
                ).describe(str(file))
            )
            continue
        found_in[groupement.id] = file
        groupements[groupement.id] = groupement
    if problems:
        raise ConfigError(problems)
    return Governance(groupements=groupements)


# --- one file ------------------------------------------------------------------------


def _load_file(path: Path) -> tuple[Groupement | None, list[str]]:
    source = str(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        return None, [f"{source}: cannot read the file: {error.strerror or error}"]
    except UnicodeDecodeError as error:
        return None, [f"{source}: not UTF-8 text: {error.reason} at byte {error.start}"]
    except tomllib.TOMLDecodeError as error:
        # The message carries "(at line N, column M)", which is what the author needs.
        return None, [f"{source}: TOML syntax error: {error}"]
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively.
        return None, [f"{source}: {_TOO_DEEP}"]
    if _depth(data) > MAX_NESTING:
        return None, [f"{source}: {_TOO_DEEP}"]

    problems: list[Problem] = []
    groupement = _build(data, problems)
    return groupement, [problem.describe(source) for problem in problems]


def _depth(data: object) -> int:
    """How deep tables and arrays nest, without recursing (the nesting is the input)."""
    deepest = 0
    pending: list[tuple[object, int]] = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            break
        if isinstance(value, dict):
            pending.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            pending.extend((child, depth + 1) for child in value)
    return deepest


def _build(data: Mapping[str, Any], problems: list[Problem]) -> Groupement | None:
    for key in data:
        if key not in _SECTIONS:
            problems.append(
                Problem(key, f"unknown section; expected one of {', '.join(_SECTIONS)}")
            )

    unvalidated: dict[str, list[str]] = {name: [] for name in (*_ARRAY_SECTIONS, "series")}

    header: GroupementHeader | None = None
    raw_header = data.get("groupement")
    if raw_header is None:
        problems.append(Problem("groupement", "missing [groupement] table"))
    elif not isinstance(raw_header, dict):
        problems.append(Problem("groupement", "expected a [groupement] table", raw_header))
    else:
        header = _validate(GroupementHeader, raw_header, "groupement", problems)

    convention = _convention(data, problems)
    consultation: MembersConsultation | None = None
    raw_consultation = data.get("consultation")
    if raw_consultation is not None and not isinstance(raw_consultation, dict):
        problems.append(
            Problem("consultation", "expected a [consultation] table", raw_consultation)
        )
    elif raw_consultation is not None:
        consultation = _validate(MembersConsultation, raw_consultation, "consultation", problems)

    members = _section(data, "members", Member, problems, unvalidated)
    tables = _section(data, "weight_tables", WeightTable, problems, unvalidated)
    instances = _section(data, "instances", Instance, problems, unvalidated)
    advisory = _section(data, "advisory", AdvisoryParticipant, problems, unvalidated)

    if not members and not unvalidated["members"]:
        problems.append(Problem("members", "a groupement needs at least one [[members]] entry"))

    problems.extend(
        check_groupement(
            header,
            members,
            tables,
            instances,
            advisory,
            unvalidated=unvalidated,
            consultation=consultation,
        )
    )
    if problems or header is None:
        return None
    try:
        return Groupement(
            groupement=header,
            members=members,
            weight_tables=tables,
            instances=instances,
            advisory=advisory,
            convention=convention,
            consultation=consultation,
        )
    except ValidationError as error:  # pragma: no cover - the checks above mirror it
        problems.extend(_problems_from(error, ""))
        return None


def _convention(data: Mapping[str, Any], problems: list[Problem]) -> Convention | None:
    raw = data.get("convention")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(Problem("convention", "expected a [convention] table", raw))
        return None
    return _validate(Convention, raw, "convention", problems)


def _section(
    data: Mapping[str, Any],
    name: str,
    model: type[_M],
    problems: list[Problem],
    unvalidated: dict[str, list[str]],
) -> list[_M]:
    raw = data.get(name, [])
    if not isinstance(raw, list):
        problems.append(Problem(name, f"expected an array of tables [[{name}]]", raw))
        return []
    valid: list[_M] = []
    for index, item in enumerate(raw):
        label = _label(name, index, item)
        if not isinstance(item, dict):
            problems.append(Problem(label, f"expected a [[{name}]] table", item))
            continue
        parsed = _validate(model, item, label, problems)
        if parsed is not None:
            valid.append(parsed)
            continue
        # Keep the ids of broken items known, so references to them are not reported too.
        if isinstance(item.get("id"), str):
            unvalidated[name].append(item["id"])
        if name == "weight_tables" and isinstance(item.get("series"), str):
            unvalidated["series"].append(item["series"])
    return valid


def _label(section: str, index: int, item: object) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]:
        return f"{section}[{item['id']}]"
    return f"{section}[{index}]"


def _validate(
    model: type[_M], raw: Mapping[str, Any], prefix: str, problems: list[Problem]
) -> _M | None:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        problems.extend(_problems_from(error, prefix))
        return None


def _problems_from(error: ValidationError, prefix: str) -> list[Problem]:
    return [_problem(detail, prefix) for detail in error.errors(include_url=False)]


def _problem(detail: ErrorDetails, prefix: str) -> Problem:
    path = _dotted(prefix, detail["loc"])
    kind = detail["type"]
    if kind == "missing":
        return Problem(path, "missing required field")
    if kind == "extra_forbidden":
        return Problem(path, "unknown field", detail["input"])
    message = detail["msg"]
    ctx = detail.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, RulesProblem):
        inner = _dotted(path, cause.subpath)
        return Problem(inner, cause.message, cause.value)
    if kind == "value_error" and cause is not None:
        message = str(cause)  # drop pydantic's "Value error, " prefix
    elif kind == "date_type" and isinstance(detail["input"], str):
        message += "; write TOML dates unquoted, e.g. 2021-01-01"
    elif kind == "date_type":
        message += "; write a date alone, without a time"
    return Problem(path, message, detail["input"])


def _dotted(prefix: str, loc: Sequence[int | str]) -> str:
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path
