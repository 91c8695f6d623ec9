"""The quorum as a gauge: the members and the weight present against the totals.

Each row fills a track with what is present and marks what the rule requires, so a
member sees at a glance how far the meeting is from its quorum, or that none is needed
(no rule, or a second convocation).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from matplotlib.figure import Figure

from meetings.charts.sheet import (
    AGAINST_COLOUR,
    AMOUNT,
    CONTENT_PX,
    FAILED_SYMBOL,
    FOR_COLOUR,
    GAUGE_TITLE,
    GREEN_INK,
    INK,
    MARGIN_PX,
    MET_SYMBOL,
    NEUTRAL_COLOUR,
    OPTION,
    SOFT_INK,
    SUBTLE,
    THRESHOLD,
    TRACK_COLOUR,
    VERMILLION_INK,
    WIDTH_PX,
    Sheet,
    coloured,
    png_bytes,
)
from meetings.wording.explain import both, compared, counted
from meetings.wording.formats import members, voices, weight
from meetings.wording.i18n import Translator, language_of, translator
from voting.rules import Comparison, Threshold
from voting.tally import QuorumReport

GAUGE_ROW_PX = 44
GAUGE_LABEL_GAP_PX = 24


def quorum_chart(report: QuorumReport, language: str = "fr") -> bytes:
    """The quorum as a PNG gauge 1280 pixels wide."""
    return png_bytes(render_quorum_figure(report, language))


def render_quorum_figure(report: QuorumReport, language: str = "fr") -> Figure:
    """The figure behind :func:`quorum_chart`, for tests that inspect its texts."""
    lang = language_of(language)
    sheet = Sheet()
    y = _heading(sheet, float(MARGIN_PX - 12), report, lang)
    y = _gauges(sheet, y + 8, _gauge_rows(report, lang))
    return sheet.figure(y + MARGIN_PX - 16)


def _heading(sheet: Sheet, y: float, report: QuorumReport, lang: str) -> float:
    """Whether the quorum is met, then who it counts and the rule."""
    _ = translator(lang)
    counts = _("Members {counted}").format(counted=counted(report.counts, lang))
    symbol: str | None = None
    colour = INK
    if report.threshold is None:
        title, rule = _("No quorum required"), counts
    elif report.second_convocation:
        title = _("No quorum required (second convocation)")
        rule = _("{counts}; second convocation: valid without quorum").format(counts=counts)
    else:
        met = report.met
        title = _("Quorum met") if met else _("No quorum")
        symbol = MET_SYMBOL if met else FAILED_SYMBOL
        colour = GREEN_INK if met else VERMILLION_INK
        rule = _("{counts}; rule: {parts}").format(
            counts=counts, parts=_rule_parts(report, report.threshold, _)
        )
    y = sheet.title(y, symbol, title, coloured(GAUGE_TITLE, colour), 14)
    return sheet.paragraph(MARGIN_PX, y, rule, SUBTLE, CONTENT_PX, 2)


def _rule_parts(report: QuorumReport, threshold: Threshold, _: Translator) -> str:
    """``au moins 1/2 des membres et au moins 1/2 des voix``."""
    fraction = threshold.fraction_text
    parts: list[str] = []
    if report.required_members is not None:
        share = _("{fraction} of the members").format(fraction=fraction)
        parts.append(compared(threshold.comparison, share, _))
    if report.required_weight is not None:
        share = _("{fraction} of the votes").format(fraction=fraction)
        parts.append(compared(threshold.comparison, share, _))
    return both(parts[0], parts[1], _) if len(parts) == 2 else "".join(parts)


@dataclass(frozen=True)
class _GaugeRow:
    label: str
    amount: Decimal
    total: Decimal
    required: Decimal | None
    required_text: str
    value: str
    met: bool | None
    """None when this row is not tested (no rule, second convocation, other basis)."""


def _gauge_rows(report: QuorumReport, lang: str) -> list[_GaugeRow]:
    _ = translator(lang)
    threshold = report.threshold
    tested = report.required and threshold is not None
    members_required = report.required_members if tested else None
    weight_required = report.required_weight if tested else None
    members_met: bool | None = None
    weight_met: bool | None = None
    if threshold is not None and members_required is not None:
        members_met = threshold.is_met(report.members, report.total_members)
    if threshold is not None and weight_required is not None:
        weight_met = threshold.is_met(report.weight, report.total_weight)
    comparison = threshold.comparison if threshold is not None else Comparison.AT_LEAST
    required_members = members(members_required or 0, lang)
    required_weight = voices(weight_required or Decimal(0), lang)
    return [
        _GaugeRow(
            label=_.pgettext("quorum gauge", "Members"),
            amount=Decimal(report.members),
            total=Decimal(report.total_members),
            required=None if members_required is None else Decimal(members_required),
            required_text=_("required: {amount}").format(
                amount=compared(Comparison.AT_LEAST, required_members, _)
            ),
            value=_("{amount} out of {total}").format(
                amount=members(report.members, lang), total=report.total_members
            ),
            met=members_met,
        ),
        _GaugeRow(
            label=_.pgettext("quorum gauge", "Votes"),
            amount=report.weight,
            total=report.total_weight,
            required=weight_required,
            required_text=_("required: {amount}").format(
                amount=compared(comparison, required_weight, _)
            ),
            value=_("{amount} out of {total}").format(
                amount=voices(report.weight, lang), total=weight(report.total_weight, lang)
            ),
            met=weight_met,
        ),
    ]


def _gauges(sheet: Sheet, y: float, rows: list[_GaugeRow]) -> float:
    """One track per row, filled with what is present, the requirement marked across it."""
    column = max(sheet.width(row.label, OPTION) for row in rows)
    value_column = max(sheet.width(row.value, AMOUNT) for row in rows)
    x0 = MARGIN_PX + column + 20
    x1 = WIDTH_PX - MARGIN_PX - value_column - 20
    track = x1 - x0
    for row in rows:
        if row.required is not None:
            line_x = x0 + track * float(row.required) / float(row.total)
            half = sheet.width(row.required_text, THRESHOLD) / 2
            centre = min(max(line_x, x0 + half), x1 - half)
            sheet.text(centre, y, row.required_text, THRESHOLD, ha="center")
        y += THRESHOLD.pitch + 2
        middle = y + GAUGE_ROW_PX / 2
        fill = NEUTRAL_COLOUR if row.met is None else FOR_COLOUR if row.met else AGAINST_COLOUR
        sheet.rect(x0, y, track, GAUGE_ROW_PX, TRACK_COLOUR, edge=SOFT_INK, edge_px=1)
        if row.total > 0 and row.amount > 0:
            sheet.rect(x0, y, track * float(row.amount) / float(row.total), GAUGE_ROW_PX, fill)
        if row.required is not None:
            line_x = x0 + track * float(row.required) / float(row.total)
            sheet.line(line_x, y - 6, line_x, y + GAUGE_ROW_PX + 6, INK, 3)
        sheet.text(x0 - 20, middle, row.label, OPTION, ha="right", va="center")
        sheet.text(x1 + 20, middle, row.value, AMOUNT, va="center")
        y += GAUGE_ROW_PX + GAUGE_LABEL_GAP_PX
    return y
