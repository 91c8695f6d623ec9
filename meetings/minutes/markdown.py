"""Minutes and records as Markdown: headings, field lists and tables, the same words as the PDF.

The figures of the charts are already in the tables. Given a file prefix, each chart is also
linked as an image, ``prefix-quorum.png`` or ``prefix-scrutin-12.png``, the files that
``scrutin minutes`` draws beside the Markdown file (:func:`chart_files` names them).
"""

from __future__ import annotations

from datetime import datetime

from meetings.minutes.blocks import (
    Banner,
    Block,
    ChartSlot,
    Document,
    Fields,
    Heading,
    Items,
    PageWords,
    Paragraph,
    Signatures,
    Table,
    Title,
)
from meetings.minutes.document import document
from meetings.minutes.model import ConsultationRecord, Minutes
from meetings.wording.i18n import DEFAULT_LANGUAGE


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(block: Table) -> list[str]:
    lines = [
        "| " + " | ".join(_cell(h) for h in block.header) + " |",
        "|"
        + "|".join(
            " ---: |" if i in block.numeric else " --- |" for i in range(len(block.header))
        ).replace("||", "|"),
    ]
    for index, row in enumerate(block.rows):
        cells = [_cell(c) for c in row]
        if index in block.bold_rows:
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _field(label: str, value: str, words: PageWords) -> str:
    """``- **Lieu** : …``: the label in bold, its colon as the language writes it."""
    return f"- {words.label.format(label=f'**{label}**')} {value}"


def _signatures(block: Signatures, words: PageWords) -> list[str]:
    roles = " | ".join(_cell(role) for role, _ in block.boxes)
    names = " | ".join(_cell(name) or " " for _, name in block.boxes)
    rules = " | ".join(words.signature for _ in block.boxes)
    lines = [f"| {roles} |", "|" + " --- |" * len(block.boxes), f"| {names} |"]
    if any(block.signed):
        signed = " | ".join(_cell(block.confirmation(i)) or " " for i in range(len(block.boxes)))
        lines.append(f"| {signed} |")
    return [*lines, f"| {rules} |", ""]


def _items(block: Items) -> list[str]:
    lines: list[str] = []
    for index, item in enumerate(block.items):
        lines.append(f"{index + 1}. {item}" if block.numbered else f"- {item}")
        note = block.note(index)
        if note:
            # A paragraph of its own inside the list item: indented, after a blank line.
            lines += ["", f"   _{note}_", ""]
    return [*lines, ""]


def chart_file(slot: ChartSlot, prefix: str) -> str:
    return f"{prefix}-{slot.name}.png"


def chart_files(doc: Document, prefix: str) -> list[tuple[str, ChartSlot]]:
    """Each chart of the document and the file name its Markdown links to."""
    return [
        (chart_file(block, prefix), block) for block in doc.blocks if isinstance(block, ChartSlot)
    ]


def _block(block: Block, words: PageWords, charts: str | None) -> list[str]:
    if isinstance(block, Title):
        return [f"# {block.text}", "", *(f"**{line}**  " for line in block.subtitles), ""]
    if isinstance(block, Banner):
        return [f"> **{block.text}**", ">", f"> {block.detail}", ""]
    if isinstance(block, Heading):
        return [f"{'#' * (block.level + 1)} {block.text}", ""]
    if isinstance(block, Paragraph):
        if block.bold:
            return [f"**{block.text}**", ""]
        return [f"_{block.text}_" if block.note else block.text, ""]
    if isinstance(block, Fields):
        return [*(_field(label, value, words) for label, value in block.rows), ""]
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Items):
        return _items(block)
    if isinstance(block, ChartSlot):
        # The figures are already in the tables: a chart is linked only where it was drawn.
        if charts is None:
            return []
        return [f"![{_cell(block.caption)}]({chart_file(block, charts)})", ""]
    if isinstance(block, Signatures):
        return _signatures(block, words)
    return [f"_{block.text}_", ""]


def markdown(doc: Document, charts: str | None = None) -> str:
    """``charts``: the prefix of the chart files drawn beside the Markdown, to link them."""
    lines: list[str] = []
    for block in doc.blocks:
        lines.extend(_block(block, doc.words, charts))
    return "\n".join(lines).rstrip("\n") + "\n"


def render_markdown(
    source: Minutes | ConsultationRecord,
    generated_at: datetime,
    language: str = DEFAULT_LANGUAGE,
    charts: str | None = None,
) -> str:
    """The minutes or the record as Markdown (French by default), linking its charts to the
    files named from the prefix ``charts`` if given."""
    return markdown(document(source, generated_at, language), charts)
