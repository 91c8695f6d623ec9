"""A plain-text overview of the configuration, for ``scrutin config check``.

It answers "what would a ballot held on this date be judged by?" for every instance, so
that a person can check the files against the conventions at a glance.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from config.models import Governance, GovernanceLookupError, Groupement, Instance, WeightTable
from config.sections import format_decimal
from voting.rules import BallotRules, Comparison, QuorumBasis, Threshold
from voting.shares import Derivation, common_divisor

__all__ = [
    "describe_conventions",
    "describe_derivation",
    "describe_majority",
    "describe_quorum",
    "summarize",
]

HEADERS = (
    "groupement",
    "instance",
    "kind",
    "voting",
    "electorate",
    "total",
    "table",
    "quorum",
    "majority",
    "tie",
)

_NONE = "-"


def _threshold(threshold: Threshold) -> str:
    sign = "≥" if threshold.comparison is Comparison.AT_LEAST else ">"
    return f"{sign}{threshold.fraction_text}"


def describe_quorum(rules: BallotRules) -> str:
    """E.g. ``members_and_weight ≥1/2 (present_or_represented)``."""
    quorum = rules.quorum
    if quorum.basis is QuorumBasis.NONE or quorum.threshold is None:
        return "none"
    return f"{quorum.basis.value} {_threshold(quorum.threshold)} ({quorum.counts.value})"


def describe_majority(rules: BallotRules) -> str:
    """E.g. ``expressed >1/2 weight``, or ``... weight+heads`` for a double majority."""
    majority = rules.majority
    counted = "weight+heads" if majority.double else "weight"
    return f"{majority.base.value} {_threshold(majority.threshold)} {counted}"


def _row(groupement: Groupement, instance: Instance, on: date) -> tuple[str, ...]:
    rules = instance.rules
    if not instance.voting or rules is None or instance.weight_series is None:
        electorate = str(len(groupement.active_members(on)))
        return (groupement.id, instance.id, instance.kind.value, "no", electorate) + (_NONE,) * 5
    try:
        table, weights = groupement.electorate_weights(instance.weight_series, on)
    except GovernanceLookupError:
        electorate, total, table_id = _NONE, _NONE, f"none in force ({instance.weight_series})"
    else:
        total = format_decimal(sum(weights.values(), Decimal(0)))
        electorate, table_id = str(len(weights)), table.id
    return (
        groupement.id,
        instance.id,
        instance.kind.value,
        "yes",
        electorate,
        total,
        table_id,
        describe_quorum(rules),
        describe_majority(rules),
        rules.tie.value,
    )


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def _consultation_row(groupement: Groupement, on: date) -> tuple[str, ...]:
    """The consultation of all the members: its rule is chosen at each opening."""
    consultation = groupement.consultation
    assert consultation is not None
    heads = str(len(groupement.consulted_members(on)))
    table_id, total = "one voice per member", heads
    if consultation.weight_series is not None:
        try:
            table, weights = groupement.electorate_weights(consultation.weight_series, on)
        except GovernanceLookupError:
            table_id = f"none in force ({consultation.weight_series}); by head only"
        else:
            table_id = f"{table.id} or one voice per member"
            total = f"{format_decimal(sum(weights.values(), Decimal(0)))} or {heads}"
    return (
        groupement.id,
        consultation.id,
        "members",
        "written",
        heads,
        total,
        table_id,
        "half of the members take part",
        "chosen at opening",
        "rejected",
    )


def describe_derivation(table: WeightTable) -> str:
    """E.g. ``creteil-eleves: weights = shares (pupils, 84700 in all; source: ...)``."""
    assert table.shares is not None and table.share_unit is not None
    total = table.total_shares
    assert total is not None
    rule = (
        "weights = shares"
        if table.derivation is Derivation.SHARES
        else f"weights = shares / {format_decimal(common_divisor(table.shares))} (their gcd)"
    )
    return (
        f"{table.id}: {rule} ({table.share_unit.value}, {format_decimal(total)} in all; "
        f"weights total {format_decimal(table.total)}; source: {table.shares_source})"
    )


def summarize(governance: Governance, on: date) -> str:
    """One row per instance of each groupement, as things stand on ``on``, then how each
    table declared as shares derives its weights."""
    rows: list[tuple[str, ...]] = [HEADERS]
    derivations: list[str] = []
    for groupement_id in sorted(governance.groupements):
        groupement = governance.groupements[groupement_id]
        rows.extend(_row(groupement, instance, on) for instance in groupement.instances)
        if groupement.consultation is not None:
            rows.append(_consultation_row(groupement, on))
        derivations.extend(
            f"- {groupement_id}/{describe_derivation(table)}"
            for table in groupement.weight_tables
            if table.from_shares
        )
    text = f"Governance on {on.isoformat()}\n\n{_table(rows)}\n"
    if derivations:
        text += "\nWeights derived from shares:\n" + "\n".join(derivations) + "\n"
    return text


def _convention_line(groupement: Groupement, on: date) -> str:
    convention = groupement.convention
    if convention is None:
        return f"{groupement.id}: no [convention] section"
    parts = [f"source {convention.source}"]
    if convention.signed is not None:
        parts.append(f"signed {convention.signed.isoformat()}")
    if convention.term_start is not None:
        parts.append(f"term from {convention.term_start.isoformat()}")
    elif convention.term_months is not None:
        parts.append(f"term of {convention.term_months} months from the market's notification")
    for amendment in convention.amendments:
        moved = f", end {amendment.new_end.isoformat()}" if amendment.new_end else ""
        parts.append(f"amendment {amendment.number} of {amendment.date.isoformat()}{moved}")
    end = convention.end_in_force(on)
    parts.append(f"end in force {end.isoformat() if end else _NONE}")
    rule = convention.withdrawal
    if rule is not None:
        window = rule.next_closes(on, 1)
        parts.append(
            f"withdrawal by {rule.means}"
            + (
                f", next window closes {window[0][0].isoformat()} for {window[0][1].isoformat()}"
                if window
                else ""
            )
        )
    return f"{groupement.id}: " + "; ".join(parts)


def describe_conventions(governance: Governance, on: date) -> str:
    """One line per groupement: its convention's dates as they stand on ``on``."""
    lines = [
        _convention_line(governance.groupements[g], on) for g in sorted(governance.groupements)
    ]
    return f"Conventions on {on.isoformat()}\n\n" + "\n".join(lines) + "\n"
