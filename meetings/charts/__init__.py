"""Ballot results and quorum as PNG images that a member reads at a glance on a phone.

- :mod:`meetings.charts.sheet`: the drawing sheet that both charts share: pixels from the
  top-left corner, DejaVu fonts, text styles, the Okabe–Ito palette, :func:`png_bytes`
  (deterministic bytes) and :func:`label_boxes` (for the overlap tests).
- :mod:`meetings.charts.ballot`: the result of a closed ballot, drawn from the result the
  store kept (``ballot_chart``, ``render_ballot_figure``, ``outcome_title``).
- :mod:`meetings.charts.quorum`: the quorum gauge (``quorum_chart``,
  ``render_quorum_figure``).

Callers import from the submodules; ballot and quorum depend on the sheet only.
"""
