"""A ballot's votes as an append-only hash chain, their receipts and pseudonyms; no I/O.

Each entry binds the ballot, the voter, the option, the weight, a server nonce and the entry
before it; the first entry follows the hash of the ballot's terms (its electorate, weights and
rules, frozen at the opening). Changing any entry, or any term, breaks every hash after it.

In a public ballot the voter of an entry is the member. In a secret ballot it is a per-ballot
pseudonym, an HMAC of the member under a random key that the store keeps only while the ballot
is open: once the key is gone, nobody can tell which member a pseudonym stands for, while the
chain still shows which entries one voter replaced.

A receipt code is the start of its entry's hash, short enough to type in a chat.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

TERMS_DOMAIN = "scrutin/ballot-terms/v1"
ENTRY_DOMAIN = "scrutin/vote/v1"
RECEIPT_DIGITS = 16
"""Hex digits of a receipt code: 64 bits, shown as four groups of four."""

KEY_BYTES = 32
NONCE_BYTES = 16


class LedgerError(ValueError):
    """A chain or a ballot box that does not add up; the message says where."""


def canonical(value: Any) -> bytes:
    """One byte string per JSON value: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _digest(domain: str, value: Any) -> str:
    return hashlib.sha256(domain.encode() + b"\0" + canonical(value)).hexdigest()


def terms_hash(terms: Mapping[str, Any]) -> str:
    """The hash the chain starts from: the ballot's terms, as its export writes them."""
    return _digest(TERMS_DOMAIN, dict(terms))


def pseudonym(key: bytes, member_id: str) -> str:
    """The member's name in one secret ballot's chain; unlinkable once the key is gone."""
    return hmac.new(key, member_id.encode(), hashlib.sha256).hexdigest()[:32]


def weight_text(weight: Decimal) -> str:
    """A weight as the chain binds it: ``1.5``, never ``1.50``."""
    return format(weight.normalize(), "f")


@dataclass(frozen=True)
class ChainEntry:
    voter: str
    """The member (public ballot) or its per-ballot pseudonym (secret ballot)."""
    option: str
    weight: Decimal
    nonce: str
    previous: str
    hash: str

    @property
    def receipt(self) -> str:
        return receipt_code(self.hash)


def entry_hash(
    ballot_id: int, voter: str, option: str, weight: Decimal, nonce: str, previous: str
) -> str:
    fields = [ballot_id, voter, option, weight_text(weight), nonce, previous]
    return _digest(ENTRY_DOMAIN, fields)


def next_entry(
    ballot_id: int, voter: str, option: str, weight: Decimal, nonce: str, previous: str
) -> ChainEntry:
    """The entry that follows ``previous`` (the last hash, or the terms' hash)."""
    digest = entry_hash(ballot_id, voter, option, weight, nonce, previous)
    return ChainEntry(voter, option, weight, nonce, previous, digest)


def final_hash(genesis: str, entries: Sequence[ChainEntry]) -> str:
    """The hash that seals the chain: its last entry's, or the terms' for an empty ballot."""
    return entries[-1].hash if entries else genesis


def receipt_code(digest: str) -> str:
    head = digest[:RECEIPT_DIGITS].upper()
    return "-".join(head[i : i + 4] for i in range(0, RECEIPT_DIGITS, 4))


def normalized_receipt(text: str) -> str | None:
    """The hash prefix a typed code stands for (dashes, spaces and case ignored), or None."""
    digits = "".join(c for c in text if c not in "- ").lower()
    if len(digits) != RECEIPT_DIGITS or any(c not in "0123456789abcdef" for c in digits):
        return None
    return digits


def find_receipt(entries: Iterable[ChainEntry], code: str) -> ChainEntry | None:
    prefix = normalized_receipt(code)
    if prefix is None:
        return None
    return next((entry for entry in entries if entry.hash.startswith(prefix)), None)


def chain_problems(ballot_id: int, genesis: str, entries: Sequence[ChainEntry]) -> list[str]:
    """Every entry whose link or hash does not match, named by its position (from 1)."""
    problems: list[str] = []
    previous = genesis
    for position, entry in enumerate(entries, start=1):
        if entry.previous != previous:
            problems.append(f"chain[{position}]: previous {entry.previous} is not {previous}")
        expected = entry_hash(
            ballot_id, entry.voter, entry.option, entry.weight, entry.nonce, entry.previous
        )
        if entry.hash != expected:
            problems.append(f"chain[{position}]: hash {entry.hash} should be {expected}")
        previous = entry.hash
    return problems


def effective_entries(entries: Iterable[ChainEntry]) -> dict[str, ChainEntry]:
    """Each voter's latest entry: the vote that counts (a change of vote is a new entry)."""
    latest: dict[str, ChainEntry] = {}
    for entry in entries:
        latest[entry.voter] = entry
    return latest


def box_of(entries: Iterable[ChainEntry]) -> list[tuple[str, Decimal]]:
    """The effective choices with their weight, in an order that says nothing of time."""
    effective = effective_entries(entries).values()
    return sorted((entry.option, entry.weight) for entry in effective)


def stand_in_votes(
    box: Sequence[tuple[str, Decimal]], voters: Sequence[str], weights: Mapping[str, Decimal]
) -> dict[str, str]:
    """Votes that add up exactly as the ballot box does, given to the members who voted.

    The tally needs each option's weight and headcount only, so giving each box entry to any
    voter of the same weight yields the result of the real, forgotten, assignment.
    """
    if len(box) != len(voters) or len(set(voters)) != len(voters):
        raise LedgerError(f"box: {len(box)} entries for {len(set(voters))} members who voted")
    waiting: dict[Decimal, list[str]] = {}
    for member in sorted(voters):
        if member not in weights:
            raise LedgerError(f"voted: {member!r} is not in weights")
        waiting.setdefault(weights[member].normalize(), []).append(member)
    votes: dict[str, str] = {}
    for option, weight in sorted(box):
        members = waiting.get(weight.normalize())
        if not members:
            raise LedgerError(f"box: no member who voted has the weight {weight_text(weight)}")
        votes[members.pop()] = option
    return votes


def entry_to_mapping(entry: ChainEntry) -> dict[str, str]:
    return {
        "voter": entry.voter,
        "option": entry.option,
        "weight": weight_text(entry.weight),
        "nonce": entry.nonce,
        "previous": entry.previous,
        "hash": entry.hash,
    }


def entry_from_mapping(data: object, where: str) -> ChainEntry:
    keys = ("voter", "option", "weight", "nonce", "previous", "hash")
    if not isinstance(data, dict) or set(data) != set(keys):
        raise LedgerError(f"{where}: expected an object with exactly {list(keys)}")
    if not all(isinstance(data[key], str) for key in keys):
        raise LedgerError(f"{where}: every field is a string")
    try:
        weight = Decimal(data["weight"])
    except ArithmeticError:
        raise LedgerError(f"{where}.weight: {data['weight']!r} is not a decimal") from None
    return ChainEntry(
        data["voter"], data["option"], weight, data["nonce"], data["previous"], data["hash"]
    )
