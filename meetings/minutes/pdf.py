"""The minutes and the consultation records as A4 PDF pages, with fpdf2.

The pages draw the blocks of :func:`meetings.minutes.document.document`, so they say exactly
what the Markdown says; the words around them (the draft mark, "Page 2 / 6", "Signature :")
come with the document too. Print adds only the typographic apostrophe. The DejaVu Sans
fonts that matplotlib ships are embedded, so the accents, « », — and … print on every
reader, whatever fonts it has.

Two renderings of the same database differ only by the generation time: the PDF's
creation date is set to it, nothing else reads the clock, and fpdf2's file identifier
is a hash of the content.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from io import BytesIO
from pathlib import Path

import matplotlib
from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from meetings.charts.ballot import ballot_chart as drawn_ballot
from meetings.charts.quorum import quorum_chart as drawn_quorum
from meetings.minutes.blocks import (
    Banner,
    Block,
    ChartSlot,
    Document,
    Fields,
    Generated,
    Heading,
    Items,
    Paragraph,
    Signatures,
    Table,
    Title,
)
from meetings.minutes.document import document
from meetings.minutes.model import ConsultationRecord, Minutes
from meetings.wording.formats import Name
from meetings.wording.i18n import DEFAULT_LANGUAGE
from meetings.wording.typography import print_apostrophes
from voting.ballot import Ballot
from voting.tally import QuorumReport

BallotChart = Callable[[Ballot, Mapping[str, str], Mapping[str, Name], str, bool], bytes]
"""``ballot_chart(ballot, votes, names, language, outcome_only)``: a PNG of one ballot's
result."""
QuorumChart = Callable[[QuorumReport, str], bytes]
"""``quorum_chart(report, language)``: a PNG gauge of a quorum report."""

FONT = "DejaVu"
_FONT_FILES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
    "BI": "DejaVuSans-BoldOblique.ttf",
}

INK = (25, 25, 25)
NAVY = (24, 54, 99)
GREY = (105, 105, 105)
RULE = (170, 180, 195)
RED = (178, 24, 24)
WATERMARK = (248, 222, 222)
HEADING_FILL = (226, 232, 241)
ROW_FILL = (246, 248, 251)

LINE = 5.0
"""Line height of body text, in mm."""
CHART_WIDTH = 125.0
CHART_MIN_WIDTH = 105.0
"""A chart shrinks to this width to fit the rest of a page, rather than leave a blank."""
SIGNATURE_HEIGHT = 40.0

SHORT_TABLE = 8
"""A table of up to this many rows (a result's totals) is kept whole on one page."""

PDF_LANGUAGES = {"fr": "fr-FR", "en": "en-GB"}


def font_directory() -> Path:
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _png_size(png: bytes) -> tuple[int, int]:
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("a chart renderer must return PNG bytes")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


class _Pages(FPDF):
    """A4 pages with the groupement in the header and "Page n / N" in the footer."""

    def __init__(self, doc: Document) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc = doc
        for style, file in _FONT_FILES.items():
            self.add_font(FONT, style, str(font_directory() / file))
        self.set_margins(20, 24, 20)
        self.set_auto_page_break(True, margin=20)

    def header(self) -> None:
        if self.doc.draft:
            # Drawn first, so the text of the page prints over it.
            with self.rotation(48, x=self.w / 2, y=self.h / 2):
                self.set_font(FONT, "B", 84)
                self.set_text_color(*WATERMARK)
                label = self.doc.words.draft_mark
                self.text(self.w / 2 - self.get_string_width(label) / 2, self.h / 2 + 12, label)
        self.set_xy(self.l_margin, 10)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        width = self.epw - (40 if self.doc.draft else 0)
        self.cell(width, 5, self.doc.running_title)
        if self.doc.draft:
            self.set_font(FONT, "B", 8)
            self.set_text_color(*RED)
            self.cell(40, 5, self.doc.words.draft_mark, align="R")
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, 16, self.w - self.r_margin, 16)
        self.set_xy(self.l_margin, self.t_margin)
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.y, self.w - self.r_margin, self.y)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        self.cell(self.epw - 30, 6, self.doc.title)
        page = self.doc.words.page.format(page=self.page_no(), pages=self.str_alias_nb_pages)
        self.cell(30, 6, page, align="R")

    @contextmanager
    def styled(
        self, style: str = "", size: float = 10, color: tuple[int, int, int] = INK
    ) -> Iterator[None]:
        self.set_font(FONT, style, size)
        self.set_text_color(*color)
        try:
            yield
        finally:
            self.set_font(FONT, "", 10)
            self.set_text_color(*INK)

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit: no heading alone at a page foot."""
        if self.will_page_break(height):
            self.add_page()

    def paragraph(self, text: str, *, align: str = "L", height: float = LINE) -> None:
        self.multi_cell(
            0, height, print_apostrophes(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )


def _title(pdf: _Pages, block: Title) -> None:
    with pdf.styled("B", 18, NAVY):
        pdf.paragraph(block.text, align="C", height=9)
    pdf.ln(1)
    for index, line in enumerate(block.subtitles):
        last = index == len(block.subtitles) - 1
        with pdf.styled("B" if last else "", 12, INK if last else NAVY):
            pdf.paragraph(line, align="C", height=6.5)
    pdf.ln(5)


def _banner(pdf: _Pages, block: Banner) -> None:
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.7)
    top = pdf.get_y()
    pdf.ln(2)
    with pdf.styled("B", 15, RED):
        pdf.paragraph(block.text, align="C", height=8)
    with pdf.styled("", 9, RED):
        pdf.paragraph(block.detail, align="C")
    pdf.ln(2)
    pdf.rect(pdf.l_margin, top, pdf.epw, pdf.get_y() - top)
    pdf.ln(5)


def _estimate(pdf: _Pages, block: Block | None) -> float:
    """Roughly how tall the start of ``block`` is, to keep it with its heading."""
    if isinstance(block, Fields):
        pdf.set_font(FONT, "", 10)
        value_width = pdf.epw * 0.64 - 3
        lines = sum(
            1 + int(pdf.get_string_width(print_apostrophes(value)) // value_width)
            for _, value in block.rows
        )
        return lines * LINE + len(block.rows) * 1.8
    if isinstance(block, Table):
        # As much as _table keeps together, so that a heading goes with it.
        rows = len(block.rows)
        return 8 + 6 * (rows if rows <= SHORT_TABLE else 3)
    if isinstance(block, Paragraph | Items):
        return 3 * LINE
    if isinstance(block, Signatures):
        return SIGNATURE_HEIGHT + 12
    if isinstance(block, Generated):
        return LINE
    return 20


SHORT_SECTION = 90.0
"""A section up to this tall (mm) is kept on one page, e.g. the closing and the signatures."""


def _heading(pdf: _Pages, block: Heading, section: Sequence[Block]) -> None:
    # Never a heading alone at the foot of a page: it keeps the start of what follows,
    # and a short section (the closing sentence and the signatures) stays whole.
    whole = sum(_estimate(pdf, following) for following in section)
    first = _estimate(pdf, section[0]) if section else 0
    pdf.keep(10 + (whole if whole <= SHORT_SECTION else min(first, 100)))
    if block.level == 1:
        pdf.ln(3)
        with pdf.styled("B", 13, NAVY):
            pdf.paragraph(block.text, height=7)
        pdf.set_draw_color(*NAVY)
        pdf.set_line_width(0.4)
        pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)
        pdf.ln(3)
    else:
        pdf.ln(2)
        with pdf.styled("B", 11, NAVY):
            pdf.paragraph(block.text, height=6)
        pdf.ln(1)


def _paragraph(pdf: _Pages, block: Paragraph) -> None:
    if block.note:
        with pdf.styled("I", 8.5, GREY):
            pdf.paragraph(block.text, height=4.4)
    else:
        with pdf.styled("B" if block.bold else "", 10):
            pdf.paragraph(block.text)
    pdf.ln(1.5)


def _fields(pdf: _Pages, block: Fields) -> None:
    label_style = FontFace(emphasis="BOLD", color=NAVY)
    with (
        pdf.styled("", 10),
        pdf.table(
            col_widths=(36, 64),
            borders_layout="NONE",
            first_row_as_headings=False,
            text_align=("LEFT", "LEFT"),
            v_align="TOP",
            line_height=LINE,
            padding=(0.9, 1.5),
        ) as table,
    ):
        for label, value in block.rows:
            row = table.row()
            row.cell(print_apostrophes(pdf.doc.words.label.format(label=label)), style=label_style)
            row.cell(print_apostrophes(value))
    pdf.ln(2)


def _table(pdf: _Pages, block: Table) -> None:
    rows = len(block.rows)
    pdf.keep(7 + 6 * (rows if rows <= SHORT_TABLE else 3))
    align = tuple("RIGHT" if i in block.numeric else "LEFT" for i in range(len(block.header)))
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    with (
        pdf.styled("", 9),
        pdf.table(
            col_widths=block.widths,
            width=pdf.epw * block.width,
            align="LEFT",
            text_align=align,
            v_align="TOP",
            line_height=4.6,
            padding=(1.1, 1.6),
            headings_style=FontFace(emphasis="BOLD", color=NAVY, fill_color=HEADING_FILL),
            cell_fill_color=ROW_FILL,
            cell_fill_mode="ROWS",
            borders_layout="HORIZONTAL_LINES",
        ) as table,
    ):
        heading = table.row()
        for text in block.header:
            heading.cell(print_apostrophes(text))
        bold = FontFace(emphasis="BOLD")
        for index, cells in enumerate(block.rows):
            row = table.row()
            for text in cells:
                row.cell(print_apostrophes(text), style=bold if index in block.bold_rows else None)
    pdf.ln(3)


def _items(pdf: _Pages, block: Items) -> None:
    for index, item in enumerate(block.items):
        note = block.note(index)
        pdf.keep((4 if note else 2) * LINE)
        with pdf.styled("", 10):
            pdf.set_x(pdf.l_margin + 2)
            pdf.cell(8, LINE, f"{index + 1}." if block.numbered else "•")
            pdf.multi_cell(
                0, LINE, print_apostrophes(item), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
        if note:
            # Under its item, indented like the item's text, and set apart from it.
            with pdf.styled("I", 9.5, GREY):
                pdf.set_x(pdf.l_margin + 10)
                pdf.multi_cell(
                    0, LINE, print_apostrophes(note), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
                )
        pdf.ln(1)
    pdf.ln(1.5)


def _chart(
    pdf: _Pages,
    block: ChartSlot,
    ballot_chart: BallotChart | None,
    quorum_chart: QuorumChart | None,
) -> None:
    png: bytes | None = None
    language = pdf.doc.language
    if block.quorum is not None:
        if quorum_chart is not None:
            png = quorum_chart(block.quorum, language)
    elif ballot_chart is not None and block.ballot is not None:
        shown = block.ballot
        png = ballot_chart(shown.ballot, shown.votes, shown.names, language, shown.outcome_only)
    if png is None:
        return
    width, height = _png_size(png)
    shown_width = CHART_WIDTH
    room = pdf.page_break_trigger - pdf.get_y() - 10
    if shown_width * height / width > room:
        shown_width = max(CHART_MIN_WIDTH, room * width / height)
    shown_height = shown_width * height / width
    pdf.keep(shown_height + 10)
    top = pdf.get_y()
    pdf.image(BytesIO(png), x=(pdf.w - shown_width) / 2, y=top, w=shown_width, h=shown_height)
    pdf.set_y(top + shown_height + 1)
    with pdf.styled("I", 8.5, GREY):
        pdf.paragraph(block.caption, align="C", height=4.4)
    pdf.ln(3)


def _signatures(pdf: _Pages, block: Signatures) -> None:
    pdf.keep(SIGNATURE_HEIGHT + 12)
    pdf.ln(6)
    gap = 10.0
    count = len(block.boxes)
    width = min(80.0, (pdf.epw - gap * (count - 1)) / count)
    left = pdf.l_margin + (pdf.epw - (width * count + gap * (count - 1))) / 2
    top = pdf.get_y()
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    for index, (role, name) in enumerate(block.boxes):
        x = left + index * (width + gap)
        pdf.rect(x, top, width, SIGNATURE_HEIGHT)
        pdf.set_xy(x + 3, top + 3)
        with pdf.styled("B", 10, NAVY):
            pdf.multi_cell(
                width - 6,
                LINE,
                print_apostrophes(role),
                align="L",
                new_x=XPos.LEFT,
                new_y=YPos.NEXT,
            )
        with pdf.styled("", 10):
            pdf.multi_cell(
                width - 6,
                LINE,
                print_apostrophes(name or " "),
                align="L",
                new_x=XPos.LEFT,
                new_y=YPos.NEXT,
            )
        confirmation = block.confirmation(index)
        if confirmation:
            with pdf.styled("I", 8.5, NAVY):
                pdf.multi_cell(
                    width - 6,
                    4.4,
                    print_apostrophes(confirmation),
                    align="L",
                    new_x=XPos.LEFT,
                    new_y=YPos.NEXT,
                )
        # Below the name however many lines it took, leaving the rest of the box to sign in.
        pdf.set_xy(x + 3, max(top + 17, pdf.get_y() + 2))
        with pdf.styled("", 9, GREY):
            pdf.cell(width - 6, LINE, print_apostrophes(pdf.doc.words.signature))
    pdf.set_xy(pdf.l_margin, top + SIGNATURE_HEIGHT + 6)


def _generated(pdf: _Pages, block: Generated) -> None:
    with pdf.styled("I", 8, GREY):
        pdf.paragraph(block.text)


def _section_after(blocks: Sequence[Block], index: int) -> Sequence[Block]:
    """The blocks after ``blocks[index]`` up to the next heading."""
    end = index + 1
    while end < len(blocks) and not isinstance(blocks[end], Heading):
        end += 1
    return blocks[index + 1 : end]


def _draw(
    pdf: _Pages,
    block: Block,
    section: Sequence[Block],
    ballot_chart: BallotChart | None,
    quorum_chart: QuorumChart | None,
) -> None:
    if isinstance(block, Title):
        _title(pdf, block)
    elif isinstance(block, Banner):
        _banner(pdf, block)
    elif isinstance(block, Heading):
        _heading(pdf, block, section)
    elif isinstance(block, Paragraph):
        _paragraph(pdf, block)
    elif isinstance(block, Fields):
        _fields(pdf, block)
    elif isinstance(block, Table):
        _table(pdf, block)
    elif isinstance(block, Items):
        _items(pdf, block)
    elif isinstance(block, ChartSlot):
        _chart(pdf, block, ballot_chart, quorum_chart)
    elif isinstance(block, Signatures):
        _signatures(pdf, block)
    else:
        _generated(pdf, block)


def pdf_of(
    doc: Document,
    generated_at: datetime,
    ballot_chart: BallotChart | None,
    quorum_chart: QuorumChart | None,
) -> bytes:
    """The blocks of ``doc`` on A4 pages, the charts drawn by the given renderers (if any)."""
    pdf = _Pages(doc)
    pdf.set_creation_date(generated_at)
    pdf.set_title(doc.title)
    pdf.set_author(doc.author)
    pdf.set_subject(doc.running_title)
    pdf.set_creator("Scrutin")
    pdf.set_lang(PDF_LANGUAGES.get(doc.language, doc.language))
    pdf.add_page()
    for index, block in enumerate(doc.blocks):
        _draw(pdf, block, _section_after(doc.blocks, index), ballot_chart, quorum_chart)
    return bytes(pdf.output())


def render_pdf(
    source: Minutes | ConsultationRecord,
    generated_at: datetime,
    charts: bool = True,
    ballot_chart: BallotChart | None = None,
    quorum_chart: QuorumChart | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> bytes:
    """The minutes or the record as an A4 PDF with embedded fonts (French by default).

    With ``charts``, each deliberation gets its chart and the quorum its gauge, drawn by
    the given renderers, or else by :mod:`meetings.charts`; without charts, the figures
    stay in the tables.
    """
    if charts:
        ballot_chart = ballot_chart or drawn_ballot
        quorum_chart = quorum_chart or drawn_quorum
    else:
        ballot_chart = quorum_chart = None
    return pdf_of(
        document(source, generated_at, language), generated_at, ballot_chart, quorum_chart
    )
