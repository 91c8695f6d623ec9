"""A closed ballot's audit file: what ``scrutin export`` writes and ``scrutin verify`` checks.

The file is a ``scrutin tally`` input (:mod:`voting.codec`) with the ballot's chain and its
result added, so ``scrutin tally`` reads it as it is:

- the terms, frozen at the opening: the ballot's id, question and weight table, the electorate
  (``weights``, ``present``, ``proxies``), the ``rules``, the ``options``, ``secret``,
  ``chair``, ``second_convocation``, ``written``, and an election's ``kind`` and ``round``;
- the votes that count: ``votes`` (member -> option) for a public ballot; for a secret one the
  members that ``voted`` and the ``box``, their choices with their weight, with no member;
- the ``chain``: where it starts (the hash of the terms), its entries, its final hash;
- the stored ``result``.

Verifying recomputes the start from the terms, every hash of the chain, the votes or the box
from the chain, and the result from the votes; any difference is named by its key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from voting.ballot import Ballot, BallotMode
from voting.codec import (
    TallyInputError,
    electorate_to_mapping,
    result_to_mapping,
    run_tally_mapping,
)
from voting.election import candidates_of
from voting.ledger import (
    ChainEntry,
    LedgerError,
    box_of,
    chain_problems,
    effective_entries,
    entry_from_mapping,
    entry_to_mapping,
    final_hash,
    find_receipt,
    terms_hash,
    weight_text,
)
from voting.rules import rules_to_mapping

TERMS_KEYS = (
    "ballot",
    "question",
    "weight_table",
    "weights",
    "present",
    "proxies",
    "rules",
    "options",
    "secret",
    "chair",
    "second_convocation",
    "written",
    "kind",
    "round",
)
"""The keys whose values the chain's start binds: editing any of them breaks the chain."""


def ballot_terms(ballot: Ballot) -> dict[str, Any]:
    """The ballot's terms as its audit file writes them; the opening hashes them."""
    assert ballot.electorate is not None and ballot.rules is not None
    terms: dict[str, Any] = {
        "ballot": ballot.id,
        "question": ballot.draft.question,
        "weight_table": ballot.weight_table_id,
        **electorate_to_mapping(ballot.electorate),
        "rules": rules_to_mapping(ballot.rules),
        "options": list(ballot.draft.options),
        "secret": ballot.secret,
        "second_convocation": ballot.second_convocation,
        "written": ballot.draft.mode is BallotMode.WRITTEN,
    }
    if ballot.draft.election_round is not None:
        # The tally input names the candidates; a blank vote needs no option of its own.
        terms["options"] = list(candidates_of(ballot.draft.options))
        terms["kind"] = "election"
        terms["round"] = ballot.draft.election_round
    elif ballot.chair is not None:
        terms["chair"] = ballot.chair
    return terms


def export_mapping(
    ballot: Ballot, genesis: str, entries: Sequence[ChainEntry], voted: Sequence[str]
) -> dict[str, Any]:
    """The audit file of a closed ballot, from its record, its chain and who voted."""
    if ballot.result is None:
        raise ValueError(f"ballot {ballot.id} is not closed: it has no result to export")
    data = ballot_terms(ballot)
    if ballot.secret:
        data["voted"] = sorted(voted)
        data["box"] = [{"option": o, "weight": weight_text(w)} for o, w in box_of(entries)]
    else:
        effective = effective_entries(entries)
        data["votes"] = {voter: effective[voter].option for voter in sorted(effective)}
    if ballot.result.birth_dates:
        data["birth_dates"] = {n: d.isoformat() for n, d in ballot.result.birth_dates.items()}
    data["chain"] = {
        "start": genesis,
        "entries": [entry_to_mapping(entry) for entry in entries],
        "final": final_hash(genesis, entries),
    }
    data["result"] = result_to_mapping(ballot.result)
    return data


def _chain_of(data: Mapping[str, Any]) -> tuple[str, list[ChainEntry], str]:
    chain = data.get("chain")
    if not isinstance(chain, dict) or set(chain) != {"start", "entries", "final"}:
        raise LedgerError('chain: expected {"start": ..., "entries": [...], "final": ...}')
    start, entries, final = chain["start"], chain["entries"], chain["final"]
    if not isinstance(start, str) or not isinstance(final, str) or not isinstance(entries, list):
        raise LedgerError("chain: start and final are hashes, entries a list")
    parsed = [entry_from_mapping(e, f"chain.entries[{i}]") for i, e in enumerate(entries, 1)]
    return start, parsed, final


def _chain_findings(data: Mapping[str, Any], ballot_id: int) -> list[str]:
    start, entries, final = _chain_of(data)
    terms = {key: data[key] for key in TERMS_KEYS if key in data}
    found: list[str] = []
    if terms_hash(terms) != start:
        found.append(
            "chain.start: the terms (ballot, weights, present, proxies, rules, options, ...) "
            "do not hash to the chain's start"
        )
    found += chain_problems(ballot_id, start, entries)
    if final_hash(start, entries) != final:
        found.append(f"chain.final: {final} is not the last hash {final_hash(start, entries)}")
    return found + _counted_findings(data, entries)


def _counted_findings(data: Mapping[str, Any], entries: Sequence[ChainEntry]) -> list[str]:
    """The votes (or the box) the file counts, against the chain's effective entries."""
    if data.get("secret") is True:
        box = data.get("box")
        expected = [{"option": o, "weight": weight_text(w)} for o, w in box_of(entries)]
        written = box if isinstance(box, list) else []
        mine = sorted((str(e.get("option")), _weight(e.get("weight"))) for e in written)
        theirs = sorted((e["option"], e["weight"]) for e in expected)
        found = [] if mine == theirs else ["box: its choices differ from the chain's"]
        if len(data.get("voted") or []) != len(expected):
            found.append(f"voted: {len(expected)} voters in the chain")
        return found
    votes = data.get("votes")
    votes = votes if isinstance(votes, dict) else {}
    effective = {v: e.option for v, e in effective_entries(entries).items()}
    return [
        f"votes.{member}: the file says {votes.get(member)!r}, the chain {effective.get(member)!r}"
        for member in sorted(set(votes) | set(effective))
        if votes.get(member) != effective.get(member)
    ]


def _weight(value: object) -> str:
    try:
        return weight_text(Decimal(str(value)))
    except ArithmeticError:
        return str(value)


def _differences(path: str, said: object, computed: object) -> list[str]:
    if isinstance(said, dict) and isinstance(computed, dict):
        return [
            found
            for key in sorted(set(said) | set(computed), key=str)
            for found in _differences(f"{path}.{key}", said.get(key), computed.get(key))
        ]
    if said != computed:
        return [f"{path}: the file says {said!r}, the recount {computed!r}"]
    return []


def verify_export(data: object) -> list[str]:
    """Everything in an audit file that does not match; an empty list: verified."""
    if not isinstance(data, dict):
        return ["the file must hold a JSON object"]
    ballot_id = data.get("ballot")
    if isinstance(ballot_id, bool) or not isinstance(ballot_id, int):
        return ["ballot: expected the ballot's number: is this a file from scrutin export?"]
    try:
        found = _chain_findings(data, ballot_id)
    except LedgerError as error:
        return [str(error)]
    try:
        recounted = result_to_mapping(run_tally_mapping(data))
    except TallyInputError as error:
        return [*found, f"recount: {error}"]
    return found + _differences("result", data.get("result"), recounted)


def receipt_position(data: object, code: str) -> int | None:
    """The position (from 1) in the file's chain of the entry a receipt code names."""
    if not isinstance(data, dict):
        return None
    try:
        _, entries, _ = _chain_of(data)
    except LedgerError:
        return None
    entry = find_receipt(entries, code)
    return None if entry is None else entries.index(entry) + 1
