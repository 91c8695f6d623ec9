"""What a secret ballot's published figures give away, measured on the shipped weight tables.

Every member of a table is present and, in each ballot, votes for, against, abstains, or does
not vote: 4^n ballots. Who voted is public (the group follows the participation live), so a
member's choice is *determined* where every ballot with the same participation and the same
published figures gives that member the same choice. Members of equal weight are
interchangeable, so the ballots are enumerated per weight class with their multiplicities,
and each one is judged by the real tally under the instance's rules, as a secret ballot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import product
from math import factorial

import pytest

from config.models import Governance
from voting.electorate import Electorate
from voting.rules import BallotRules
from voting.tally import ABSTAIN, AGAINST, FOR, TallyResult, tally

CHOICES = (FOR, AGAINST, ABSTAIN)
Published = Callable[[TallyResult], Hashable]

HEADCOUNTS_AND_WEIGHTS: Published = lambda r: tuple(  # noqa: E731
    (c.weight, c.heads) for c in r.totals.values()
)
WEIGHTS_ONLY: Published = lambda r: tuple(c.weight for c in r.totals.values())  # noqa: E731
OUTCOME_ONLY: Published = lambda r: r.outcome  # noqa: E731


@dataclass(frozen=True)
class WeightClass:
    weight: Decimal
    members: tuple[str, ...]


def weight_classes(weights: dict[str, Decimal]) -> list[WeightClass]:
    by_weight: dict[Decimal, list[str]] = defaultdict(list)
    for member, amount in weights.items():
        by_weight[amount].append(member)
    return [WeightClass(w, tuple(ms)) for w, ms in sorted(by_weight.items())]


def splits(size: int) -> Iterator[tuple[int, int, int, int]]:
    """How ``size`` interchangeable members split into for, against, abstain, no vote."""
    for f in range(size + 1):
        for a in range(size - f + 1):
            for b in range(size - f - a + 1):
                yield f, a, b, size - f - a - b


def multinomial(split: tuple[int, ...]) -> int:
    result = factorial(sum(split))
    for part in split:
        result //= factorial(part)
    return result


@dataclass(frozen=True)
class Judged:
    """One way the classes split, how many ballots it stands for, and its result."""

    config: tuple[tuple[int, int, int, int], ...]
    multiplicity: int
    result: TallyResult


def every_ballot(weights: dict[str, Decimal], rules: BallotRules) -> list[Judged]:
    """Every ballot of the table, up to interchangeable members, judged as a secret ballot."""
    classes = weight_classes(weights)
    electorate = Electorate(weights, frozenset(weights))
    judged = []
    for config in product(*(splits(len(c.members)) for c in classes)):
        votes = {}
        multiplicity = 1
        for weight_class, split in zip(classes, config, strict=True):
            members = iter(weight_class.members)
            for choice, count in zip(CHOICES, split, strict=False):
                votes.update({next(members): choice for _ in range(count)})
            multiplicity *= multinomial(split)
        judged.append(Judged(config, multiplicity, tally(electorate, votes, rules, secret=True)))
    return judged


def determined(
    weights: dict[str, Decimal], ballots: list[Judged], published: Published
) -> tuple[Fraction, dict[str, Fraction]]:
    """The share of (ballot, member) pairs whose choice the publication determines, overall
    and per member: a member's choice is known where no ballot with the same participation
    and the same publication gives another member of its class another choice."""
    classes = weight_classes(weights)
    seen: dict[Hashable, list[set[int]]] = defaultdict(lambda: [set() for _ in classes])
    keys = []
    for ballot in ballots:
        key = (tuple(split[3] for split in ballot.config), published(ballot.result))
        for index, split in enumerate(ballot.config):
            seen[key][index].update(i for i in range(3) if split[i])
        keys.append(key)
    known = [0] * len(classes)
    for ballot, key in zip(ballots, keys, strict=True):
        for index, split in enumerate(ballot.config):
            if len(seen[key][index]) == 1:
                # The members of this class that voted: their one possible choice is known.
                known[index] += ballot.multiplicity * sum(split[:3])
    ballots_count = 4 ** len(weights)
    per_member = {
        member: Fraction(known[i], len(c.members) * ballots_count)
        for i, c in enumerate(classes)
        for member in c.members
    }
    return Fraction(sum(known), len(weights) * ballots_count), per_member


def shipped_tables(governance: Governance) -> Iterator[tuple[str, dict[str, Decimal], BallotRules]]:
    """Each shipped weight table an instance votes with, with the rules of the first voting
    instance that uses it. (The Créteil table serves only its consultations of the members,
    whose rule is chosen at each opening.)"""
    for groupement in governance.groupements.values():
        for table in groupement.weight_tables:
            instance = next(
                (i for i in groupement.instances if i.voting and i.weight_series == table.series),
                None,
            )
            if instance is not None:
                yield table.id, dict(table.weights), instance.voting_rules


def percent(share: Fraction) -> str:
    return f"{float(share) * 100:.1f} %"


@pytest.mark.parametrize(
    ("table_id", "shares", "largest"),
    [
        # The 2017 table: Région 3, Bas-Rhin and Moselle 2, eight members of 1 voice.
        ("ent-2017", ("11.7 %", "1.2 %", "0.0 %"), ("66.6 %", "9.5 %")),
        # The 2022 table: Région 4.5, CeA 2, Moselle 1.5, seven members of 1 voice.
        ("ent-2022-avenant-1", ("23.3 %", "13.1 %", "0.0 %"), ("75.0 %", "59.3 %")),
        # Three members of 1 voice: one voter alone is known by the outcome it carried.
        ("equipements-2021", ("18.8 %", "18.8 %", "1.6 %"), ("18.8 %", "18.8 %")),
        ("liaisons-2025", ("18.8 %", "18.8 %", "1.6 %"), ("18.8 %", "18.8 %")),
    ],
)
def test_what_the_published_figures_of_a_secret_ballot_determine(
    governance: Governance,
    table_id: str,
    shares: tuple[str, str, str],
    largest: tuple[str, str],
) -> None:
    """Headcounts and weights, option weights alone (what a secret ballot publishes by
    default), the outcome alone (``secret_results = "outcome"``); and, for the Région, the
    share of all ballots in which the first two give its vote away."""
    weights, rules = next((w, r) for t, w, r in shipped_tables(governance) if t == table_id)
    ballots = every_ballot(weights, rules)
    with_heads, by_member = determined(weights, ballots, HEADCOUNTS_AND_WEIGHTS)
    weights_only, by_member_weights = determined(weights, ballots, WEIGHTS_ONLY)
    outcome_only, _ = determined(weights, ballots, OUTCOME_ONLY)
    assert (percent(with_heads), percent(weights_only), percent(outcome_only)) == shares
    region = "region-grand-est"
    assert (percent(by_member[region]), percent(by_member_weights[region])) == largest
    # Each step publishes less, and never gives away more.
    assert with_heads >= weights_only >= outcome_only
    # The default of every shipped instance is option weights, no headcount.
    groupement = next(
        g for g in governance.groupements.values() if table_id in {t.id for t in g.weight_tables}
    )
    assert {i.secret_results for i in groupement.instances} == {"weights"}
