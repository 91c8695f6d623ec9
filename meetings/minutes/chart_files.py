"""The charts of a document as files, for the Markdown that links to them: the same charts
the PDF embeds, drawn by :mod:`meetings.charts` and named by
:func:`meetings.minutes.markdown.chart_files`."""

from __future__ import annotations

from datetime import datetime

from meetings.chart_cache import BallotChart
from meetings.charts.ballot import ballot_chart
from meetings.charts.quorum import quorum_chart
from meetings.minutes.blocks import ChartSlot
from meetings.minutes.document import document
from meetings.minutes.markdown import chart_files
from meetings.minutes.model import ConsultationRecord, Minutes
from meetings.wording.i18n import DEFAULT_LANGUAGE


def drawn(slot: ChartSlot, language: str, draw: BallotChart = ballot_chart) -> bytes:
    """The slot's chart; ``draw`` draws a ballot's (a :class:`ChartCache`'s, to reuse it)."""
    if slot.ballot is not None:
        shown = slot.ballot
        return draw(shown.ballot, shown.votes, shown.names, language, shown.outcome_only)
    assert slot.quorum is not None, "a chart slot shows a ballot or a quorum"
    return quorum_chart(slot.quorum, language)


def drawn_charts(
    source: Minutes | ConsultationRecord,
    generated_at: datetime,
    prefix: str,
    language: str = DEFAULT_LANGUAGE,
    draw: BallotChart = ballot_chart,
) -> list[tuple[str, bytes]]:
    """(file name, PNG) for each chart of the minutes or the record, in document order."""
    doc = document(source, generated_at, language)
    return [(name, drawn(slot, language, draw)) for name, slot in chart_files(doc, prefix)]
