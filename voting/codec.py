"""JSON shapes of a tally's input and result.

Used by ``scrutin tally`` and by the ballot store, which freezes a ballot's
electorate and keeps its result: :func:`result_to_mapping` and :func:`result_from_mapping`
are the one way a result is written and read back. Decimals always travel as strings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from voting.ballot import consultation_terms
from voting.decimal_text import (
    DecimalTextError,
    is_plain_decimal,
    plain_positive_decimal,
    plain_text_of,
)
from voting.election import LAST_ROUND, elect
from voting.electorate import Electorate
from voting.ledger import LedgerError, stand_in_votes
from voting.rules import (
    BallotRules,
    MajorityBase,
    QuorumCounts,
    RuleError,
    Threshold,
    rules_from_mapping,
)
from voting.tally import (
    MOTION_OPTIONS,
    Count,
    Outcome,
    QuorumReport,
    TallyError,
    TallyResult,
    tally,
)


class TallyInputError(ValueError):
    """A tally file that cannot be read; the message names the key at fault."""


@dataclass(frozen=True)
class TallyInput:
    electorate: Electorate
    votes: Mapping[str, str]
    rules: BallotRules
    options: tuple[str, ...] = MOTION_OPTIONS
    secret: bool = False
    chair: str | None = None
    second_convocation: bool = False
    election_round: int | None = None
    """Set for an election: ``options`` are then its candidates."""
    birth_dates: Mapping[str, date] = field(default_factory=dict)
    written: bool = False
    """A written consultation: judged as :func:`voting.ballot.judge` judges one."""

    def run(self) -> TallyResult:
        electorate, rules = self.electorate, self.rules
        if self.written:
            electorate, rules = consultation_terms(electorate, rules, self.votes)
        if self.election_round is not None:
            return elect(
                electorate,
                self.votes,
                rules,
                candidates=self.options,
                round_number=self.election_round,
                birth_dates=self.birth_dates or None,
                second_convocation=self.second_convocation,
                written=self.written,
            )
        return tally(
            electorate,
            self.votes,
            rules,
            options=self.options,
            secret=self.secret,
            chair=self.chair,
            second_convocation=self.second_convocation,
            written=self.written,
        )


class UnreadNumber:
    """A JSON number the tally does not read: not plain, or too long to be any figure.

    Kept as its text so that the field it stands in is refused by name, in one line.
    """

    def __init__(self, text: str) -> None:
        self.text = text if len(text) <= 40 else f"{text[:20]}…({len(text)} characters)"

    def __repr__(self) -> str:
        return self.text


_LONGEST_INTEGER = 18


def _json_float(text: str) -> Decimal | UnreadNumber:
    return Decimal(text) if is_plain_decimal(text) else UnreadNumber(text)


def _json_integer(text: str) -> int | UnreadNumber:
    # int() of a 5,001-digit text raises ValueError past Python's conversion limit.
    return int(text) if len(text.lstrip("-")) <= _LONGEST_INTEGER else UnreadNumber(text)


def read_tally_json(text: str) -> object:
    """The JSON of a tally file; weights never pass through a float, and no number, depth
    or constant (``NaN``) the tally cannot use gets further than a one-line refusal."""
    try:
        return json.loads(
            text, parse_float=_json_float, parse_int=_json_integer, parse_constant=UnreadNumber
        )
    except json.JSONDecodeError as error:
        raise TallyInputError(f"not valid JSON: {error}") from None
    except RecursionError:
        raise TallyInputError("not valid JSON: arrays or objects nested too deep") from None


EXPORT_KEYS = frozenset(
    {"ballot", "question", "weight_table", "written", "voted", "box", "chain", "result"}
)
"""What ``scrutin export`` adds to a tally input (see :mod:`voting.audit`). ``written`` and, in
place of ``votes`` for a secret ballot, ``voted`` and ``box`` count; the rest is what
``scrutin verify`` checks, and ``scrutin tally`` reads past."""


def _votes(data: Mapping[str, Any], weights: Mapping[str, Decimal]) -> dict[str, str]:
    """The votes, or for a secret ballot's export, stand-ins that add up as its box does."""
    if "box" not in data:
        if "voted" in data:
            raise TallyInputError("voted: only a file with a ballot box (box) has one")
        return _string_map(data, "votes")
    if "votes" in data:
        raise TallyInputError("votes: a file with a ballot box has no votes")
    voted, box = data.get("voted"), data["box"]
    if not isinstance(voted, list) or not all(isinstance(m, str) for m in voted):
        raise TallyInputError("voted: expected a list of the member ids that voted")
    if not isinstance(box, list) or not all(
        isinstance(e, dict) and set(e) == {"option", "weight"} and isinstance(e["option"], str)
        for e in box
    ):
        raise TallyInputError('box: expected a list of {"option": ..., "weight": "decimal"}')
    entries = [
        (e["option"], parse_weight(e["weight"], f"box[{i}].weight"))
        for i, e in enumerate(box, start=1)
    ]
    try:
        return stand_in_votes(entries, voted, weights)
    except LedgerError as error:
        raise TallyInputError(str(error)) from None


def parse_weight(value: object, where: str) -> Decimal:
    """A weight from a plain decimal string (see :mod:`voting.decimal_text`), or a JSON number
    written the same way; never a float, an exponent or a digit outside 0-9."""
    if isinstance(value, UnreadNumber):
        value = value.text
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        value = plain_text_of(Decimal(value)) or str(value)
    if not isinstance(value, str):
        raise TallyInputError(
            f'{where}: {value!r} must be a decimal written as a string, such as "1.5"'
        )
    try:
        return plain_positive_decimal(value)
    except DecimalTextError as error:
        raise TallyInputError(f"{where}: {error}") from None


TALLY_INPUT_KEYS = (
    frozenset(
        {
            "weights",
            "present",
            "proxies",
            "votes",
            "secret",
            "chair",
            "second_convocation",
            "rules",
            "options",
            "kind",
            "round",
            "birth_dates",
        }
    )
    | EXPORT_KEYS
)
"""The keys of a tally file. Any other is refused: a misspelt key must never fall back to a
default. The keys of ``rules`` are :data:`voting.rules.RULE_KEYS`; every other object of the
file maps member ids or candidate names to values."""

_LONGEST_NAME = 200


def _at(prefix: str, name: str) -> str:
    """Where a named entry is, readable on one line whatever the name holds."""
    return (
        f"{prefix}.{name}" if name.isprintable() and name.strip() == name else f"{prefix}[{name!r}]"
    )


def _name(value: object, where: str) -> str:
    """A member id or option name: a non-empty string of bounded length."""
    if not isinstance(value, str) or not value.strip():
        raise TallyInputError(f"{where}: {value!r} is not a non-empty name")
    if len(value) > _LONGEST_NAME:
        raise TallyInputError(f"{where}: a name has at most {_LONGEST_NAME} characters")
    return value


def _names(data: Mapping[str, Any], key: str, default: list[str]) -> list[str]:
    value = data.get(key, default)
    if not isinstance(value, list):
        raise TallyInputError(f"{key}: expected a list of names")
    return [_name(item, f"{key}[{index}]") for index, item in enumerate(value)]


def _string_map(data: Mapping[str, Any], key: str) -> dict[str, str]:
    value = data.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise TallyInputError(f"{key}: expected an object of strings to strings")
    return {_name(name, f"{key}"): text for name, text in value.items()}


def _flag(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise TallyInputError(f"{key}: {value!r} is not true or false")
    return value


def _weights(data: Mapping[str, Any]) -> dict[str, Decimal]:
    raw_weights = data.get("weights")
    if not isinstance(raw_weights, dict) or not raw_weights:
        raise TallyInputError('weights: expected a non-empty object of member -> "decimal"')
    return {
        _name(member, "weights"): parse_weight(value, _at("weights", member))
        for member, value in raw_weights.items()
    }


def _rules(data: Mapping[str, Any]) -> BallotRules:
    rules_data = data.get("rules")
    if not isinstance(rules_data, dict):
        raise TallyInputError("rules: expected an object with quorum, majority and tie")
    try:
        return rules_from_mapping(rules_data)
    except RuleError as error:
        raise TallyInputError(f"rules.{error}") from None


def tally_input_from_mapping(data: object) -> TallyInput:
    if not isinstance(data, dict):
        raise TallyInputError("the file must hold a JSON object")
    unknown = sorted(set(data) - TALLY_INPUT_KEYS)
    if unknown:
        expected = sorted(TALLY_INPUT_KEYS)
        raise TallyInputError(f"unknown keys {unknown}; expected some of {expected}")
    weights = _weights(data)
    present = _names(data, "present", [])
    options = _names(data, "options", list(MOTION_OPTIONS))
    chair = data.get("chair")
    if chair is not None and (not isinstance(chair, str) or chair not in weights):
        raise TallyInputError(f"chair: {chair!r} is not in weights")
    rules = _rules(data)
    election_round = _election_round(data)
    if election_round is not None and "options" not in data:
        raise TallyInputError("options: an election needs its candidates' names")
    return TallyInput(
        electorate=Electorate(
            weights=weights, present=frozenset(present), proxies=_string_map(data, "proxies")
        ),
        votes=_votes(data, weights),
        rules=rules,
        options=tuple(options),
        secret=_flag(data, "secret") or election_round is not None,
        chair=chair,
        second_convocation=_flag(data, "second_convocation"),
        election_round=election_round,
        birth_dates=_birth_dates(data) if election_round is not None else {},
        written=_flag(data, "written"),
    )


def _election_round(data: Mapping[str, Any]) -> int | None:
    """``"kind": "election"`` with ``"round": 1|2|3``; any other ballot has neither."""
    kind = data.get("kind", "vote")
    if kind not in ("vote", "election"):
        raise TallyInputError(f"kind: {kind!r} is not 'vote' or 'election'")
    round_number = data.get("round")
    if kind == "vote":
        for key in ("round", "birth_dates"):
            if key in data:
                raise TallyInputError(f'{key}: only an election ("kind": "election") has one')
        return None
    if data.get("secret") is False:
        raise TallyInputError("secret: an election is always a secret ballot")
    if "chair" in data:
        raise TallyInputError("chair: nobody breaks an election's tie by a casting vote")
    if isinstance(round_number, bool) or not isinstance(round_number, int):
        raise TallyInputError(f"round: {round_number!r} is not 1, 2 or 3")
    if not 1 <= round_number <= LAST_ROUND:
        raise TallyInputError(f"round: {round_number!r} is not 1, 2 or 3")
    return round_number


def _birth_dates(data: Mapping[str, Any]) -> dict[str, date]:
    dates: dict[str, date] = {}
    for name, text in _string_map(data, "birth_dates").items():
        try:
            dates[name] = date.fromisoformat(text)
        except ValueError:
            problem = f"{_at('birth_dates', name)}: {text!r} is not a date YYYY-MM-DD"
            raise TallyInputError(problem) from None
    return dates


def run_tally_mapping(data: object) -> TallyResult:
    """Parse and judge, turning every refusal into :class:`TallyInputError`."""
    request = tally_input_from_mapping(data)
    try:
        return request.run()
    except TallyError as error:
        raise TallyInputError(str(error)) from None


def electorate_to_mapping(electorate: Electorate) -> dict[str, Any]:
    return {
        "weights": {m: str(w) for m, w in electorate.weights.items()},
        "present": sorted(electorate.present),
        "proxies": dict(sorted(electorate.proxies.items())),
    }


def electorate_from_mapping(data: Mapping[str, Any]) -> Electorate:
    return Electorate(
        weights={m: Decimal(w) for m, w in data["weights"].items()},
        present=frozenset(data["present"]),
        proxies=dict(data["proxies"]),
    )


def _count(count: Count) -> dict[str, Any]:
    return {"weight": _decimal_text(count.weight), "heads": count.heads}


def _decimal_text(value: Decimal | None) -> str | None:
    """``9`` rather than ``9.0``: an amount reads the same however it was summed."""
    if value is None:
        return None
    # A boundary such as 2/3 of 16 does not end; 10 places say enough for a reader.
    exact = value.normalize()
    if len(exact.as_tuple().digits) > 20:
        exact = value.quantize(Decimal("1e-10")).normalize()
    return format(exact, "f")


def result_to_mapping(result: TallyResult) -> dict[str, Any]:
    """The figures of a result; :func:`result_from_mapping` reads them back."""
    quorum = result.quorum
    return {
        "outcome": result.outcome.value,
        "casting_vote_used": result.casting_vote_used,
        "tie": result.tie,
        "winner": result.winner,
        "chair": result.chair,
        "secret": result.secret,
        "options": list(result.options),
        "quorum": {
            "required": quorum.required,
            "met": quorum.met,
            "members": quorum.members,
            "weight": _decimal_text(quorum.weight),
            "total_members": quorum.total_members,
            "total_weight": _decimal_text(quorum.total_weight),
            "required_members": quorum.required_members,
            "required_weight": _decimal_text(quorum.required_weight),
            "fraction": quorum.threshold.fraction_text if quorum.threshold else None,
            "comparison": quorum.threshold.comparison.value if quorum.threshold else None,
            "counts": quorum.counts.value,
            "second_convocation": quorum.second_convocation,
        },
        "totals": {option: _count(count) for option, count in result.totals.items()},
        "expressed": _count(result.expressed),
        "voted": _count(result.voted),
        "electorate": _count(result.electorate),
        "present": _count(result.present),
        "represented": _count(result.represented),
        "majority": {
            "base": result.majority_base_kind.value,
            "base_amount": _count(result.majority_base),
            "fraction": result.threshold.fraction_text,
            "comparison": result.threshold.comparison.value,
            "double": result.double_majority,
            "required_heads": result.required_heads,
        },
        "required": _decimal_text(result.required),
        "written": result.written,
        "election": _election_to_mapping(result),
    }


def _election_to_mapping(result: TallyResult) -> dict[str, Any] | None:
    if result.election_round is None:
        return None
    return {
        "round": result.election_round,
        "tied": list(result.tied),
        "birth_dates": {name: day.isoformat() for name, day in result.birth_dates.items()},
        "decided_by_age": result.decided_by_age,
    }


def _count_from(data: Mapping[str, Any]) -> Count:
    return Count(Decimal(data["weight"]), int(data["heads"]))


def _optional_decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _quorum_from(data: Mapping[str, Any]) -> QuorumReport:
    fraction, comparison = data.get("fraction"), data.get("comparison")
    return QuorumReport(
        required=bool(data["required"]),
        met=bool(data["met"]),
        members=int(data["members"]),
        weight=Decimal(data["weight"]),
        total_members=int(data["total_members"]),
        total_weight=Decimal(data["total_weight"]),
        required_members=data.get("required_members"),
        required_weight=_optional_decimal(data.get("required_weight")),
        threshold=Threshold.parse(fraction, comparison) if fraction and comparison else None,
        counts=QuorumCounts(data["counts"]),
        second_convocation=bool(data["second_convocation"]),
    )


def result_from_mapping(data: Mapping[str, Any]) -> TallyResult:
    """A stored result, typed again: the figures it was judged with, never judged anew."""
    majority = data["majority"]
    return TallyResult(
        outcome=Outcome(data["outcome"]),
        options=tuple(data["options"]),
        totals={option: _count_from(count) for option, count in data["totals"].items()},
        expressed=_count_from(data["expressed"]),
        voted=_count_from(data["voted"]),
        electorate=_count_from(data["electorate"]),
        present=_count_from(data["present"]),
        represented=_count_from(data["represented"]),
        majority_base=_count_from(majority["base_amount"]),
        majority_base_kind=MajorityBase(majority["base"]),
        threshold=Threshold.parse(majority["fraction"], majority["comparison"]),
        required=Decimal(data["required"]),
        required_heads=majority.get("required_heads"),
        double_majority=bool(majority["double"]),
        quorum=_quorum_from(data["quorum"]),
        tie=bool(data["tie"]),
        casting_vote_used=bool(data["casting_vote_used"]),
        chair=data.get("chair"),
        winner=data.get("winner"),
        secret=bool(data["secret"]),
        written=bool(data.get("written", False)),
        **_election_from(data.get("election")),
    )


def _election_from(data: Mapping[str, Any] | None) -> dict[str, Any]:
    if data is None:
        return {}
    return {
        "election_round": int(data["round"]),
        "tied": tuple(data["tied"]),
        "birth_dates": {name: date.fromisoformat(d) for name, d in data["birth_dates"].items()},
        "decided_by_age": bool(data["decided_by_age"]),
    }
