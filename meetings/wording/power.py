"""The power of a weight table in words and tables, for ``scrutin config check`` and
``scrutin power``.

Indices are exact fractions; they are rounded here, for display only (one decimal of a
percentage), and the detailed table also gives the exact fraction.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from meetings.power import InstancePower
from meetings.wording.explain import compared
from meetings.wording.formats import members, name_of, percent, voices, weight
from meetings.wording.i18n import Translator, translator
from voting.power import PowerReport

__all__ = ["compact_power", "detailed_power"]


def _columns(rows: Sequence[Sequence[str]], numeric_from: int) -> list[str]:
    """Rows aligned in columns: text to the left, numbers to the right."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(width) if index >= numeric_from else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


def _title(item: InstancePower, _: Translator) -> str:
    return _("{groupement} — {instance} (table {table})").format(
        groupement=item.groupement.name, instance=item.instance.name, table=item.table_id
    )


def _winning_rule(report: PowerReport, language: str, _: Translator) -> str:
    game = report.game
    threshold = game.threshold.fraction_text
    of_the = _("{fraction} of the {total}")
    total = voices(game.total_weight, language)
    weight_part = compared(
        game.threshold.comparison, of_the.format(fraction=threshold, total=total), _
    )
    if game.double:
        heads = members(game.size, language)
        heads_part = compared(
            game.threshold.comparison, of_the.format(fraction=threshold, total=heads), _
        )
        return _("A motion passes with {weight} and {heads} voting for it.").format(
            weight=weight_part, heads=heads_part
        )
    return _("A motion passes with {weight} voting for it.").format(weight=weight_part)


def _tie_rule(item: InstancePower, report: PowerReport, _: Translator) -> str:
    casting = report.game.casting
    if casting is not None:
        return _("A tie goes the way {holder} votes: its chair's casting vote.").format(
            holder=name_of(item.groupement, casting)
        )
    return _("A tie rejects the motion.")


def _alone(item: InstancePower, report: PowerReport, _: Translator) -> list[str]:
    name = item.groupement.participant_name
    vetoes = report.vetoes
    if vetoes:
        blocks = _.ngettext(
            "Alone blocks (veto): {names}.", "Alone block (veto): {names}.", len(vetoes)
        ).format(names=", ".join(name(member) for member in vetoes))
    else:
        blocks = _("No member alone can block.")
    if report.dictator is not None:
        decides = _("Alone decides: {name}.").format(name=name(report.dictator))
    else:
        decides = _("No member alone can decide.")
    return [blocks, decides]


def _blocking_summary(report: PowerReport, language: str, _: Translator) -> str:
    return _.ngettext(
        "Smallest blocking minority: {members}, {count} coalition.",
        "Smallest blocking minorities: {members}, {count} coalitions.",
        report.blocking_count,
    ).format(members=members(report.blocking_size, language), count=report.blocking_count)


def _intro(item: InstancePower, language: str, _: Translator) -> list[str]:
    lines = [_title(item, _)]
    if item.report is None:
        lines.append(_("Power not worked out: {reason}.").format(reason=item.problem))
        return lines
    lines.append(_("Every member present, voting for or against."))
    lines.append(_winning_rule(item.report, language, _))
    lines.append(_tie_rule(item, item.report, _))
    return lines


def compact_power(item: InstancePower, language: str = "fr") -> list[str]:
    """Each member's weight and indices, the smallest blocking minorities, vetoes."""
    _ = translator(language)
    lines = _intro(item, language, _)
    report = item.report
    if report is None:
        return lines
    rows = [(_("Member"), _("Weight"), _("Banzhaf"), _("Shapley–Shubik"))]
    for power in report.powers:
        rows.append(
            (
                item.groupement.participant_name(power.member),
                weight(power.weight, language),
                percent(power.banzhaf, language),
                percent(power.shapley_shubik, language),
            )
        )
    summary = _blocking_summary(report, language, _)
    return [*lines, *_columns(rows, 1), summary, *_alone(item, report, _)]


def _exact(share: Fraction, language: str) -> str:
    return f"{percent(share, language)} ({share.numerator}/{share.denominator})"


def detailed_power(item: InstancePower, language: str = "fr") -> list[str]:
    """The compact table with each member's share of the weight, its swings and the exact
    indices, then the smallest blocking minorities by name."""
    _ = translator(language)
    lines = _intro(item, language, _)
    report = item.report
    if report is None:
        return lines
    name = item.groupement.participant_name
    rows = [(_("Member"), _("Weight"), _("Share"), _("Swings"), _("Banzhaf"), _("Shapley–Shubik"))]
    for power in report.powers:
        rows.append(
            (
                name(power.member),
                weight(power.weight, language),
                percent(report.weight_share(power), language),
                str(power.swings),
                _exact(power.banzhaf, language),
                _exact(power.shapley_shubik, language),
            )
        )
    lines += _columns(rows, 1)
    lines.append(
        _("Swings in all: {count} (Banzhaf: a member's swings over this total).").format(
            count=report.total_swings
        )
    )
    lines.append(_blocking_summary(report, language, _))
    for coalition in report.blocking:
        names = ", ".join(name(member) for member in coalition.members)
        lines.append(f"  - {names} ({voices(coalition.weight, language)})")
    unlisted = report.blocking_count - len(report.blocking)
    if unlisted > 0:
        lines.append(
            "  " + _.ngettext("… and {n} more.", "… and {n} more.", unlisted).format(n=unlisted)
        )
    return lines + _alone(item, report, _)
