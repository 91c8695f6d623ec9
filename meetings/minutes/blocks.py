"""The neutral blocks of a document: what the Markdown and the PDF both draw.

Blocks carry finished text: every word has been chosen, translated and formatted before a
renderer sees it, so the two formats cannot disagree. Only the charts are left to the
renderer, as the figures they illustrate (the tables already give them in words).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from meetings.wording.formats import Name
from voting.ballot import Ballot
from voting.tally import QuorumReport


@dataclass(frozen=True)
class Title:
    text: str
    subtitles: tuple[str, ...]


@dataclass(frozen=True)
class Banner:
    """The provisional-document warning, printed prominently."""

    text: str
    detail: str


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    note: bool = False
    """A secondary remark, printed smaller."""


@dataclass(frozen=True)
class Fields:
    """Label / value pairs."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]
    """Relative column widths."""
    numeric: frozenset[int] = frozenset()
    """Columns aligned right."""
    bold_rows: frozenset[int] = frozenset()
    width: float = 1.0
    """Share of the line width: short tables of figures read better narrow."""


@dataclass(frozen=True)
class Items:
    items: tuple[str, ...]
    numbered: bool = False
    notes: tuple[str, ...] = ()
    """A remark printed under each item, by index (an agenda item's note); none if empty."""

    def note(self, index: int) -> str:
        return self.notes[index] if index < len(self.notes) else ""


@dataclass(frozen=True)
class BallotFigures:
    """What a ballot's chart draws: the ballot, its effective votes and the voters' names."""

    ballot: Ballot
    votes: Mapping[str, str]
    names: Mapping[str, Name]
    outcome_only: bool = False
    """A secret ballot whose instance publishes its outcome only: no bar is drawn."""


@dataclass(frozen=True)
class ChartSlot:
    """Where a chart goes in the PDF; the Markdown has the same figures as tables."""

    caption: str
    ballot: BallotFigures | None = None
    quorum: QuorumReport | None = None

    @property
    def name(self) -> str:
        """The chart's own part of its file name: ``quorum``, ``scrutin-12``."""
        if self.ballot is not None:
            return f"scrutin-{self.ballot.ballot.id}"
        return "quorum"


@dataclass(frozen=True)
class Signatures:
    boxes: tuple[tuple[str, str], ...]
    """(role, name) for each signatory."""
    signed: tuple[str, ...] = ()
    """For each box, the recorded confirmation ("Signé le …"), or "" where none is."""

    def confirmation(self, index: int) -> str:
        return self.signed[index] if index < len(self.signed) else ""


@dataclass(frozen=True)
class Generated:
    text: str


Block = (
    Title
    | Banner
    | Heading
    | Paragraph
    | Fields
    | Table
    | Items
    | ChartSlot
    | Signatures
    | Generated
)


@dataclass(frozen=True)
class PageWords:
    """The few words a renderer prints around the blocks, in the document's language."""

    draft_mark: str
    """``PROJET``: the watermark and the header mark of a provisional document."""
    label: str
    """``{label} :``: a field's label before its value."""
    signature: str
    """``Signature :``: where a signatory signs."""
    page: str
    """``Page {page} / {pages}``."""


@dataclass(frozen=True)
class Document:
    title: str
    running_title: str
    """Printed in the page header: groupement and instance."""
    author: str
    draft: bool
    language: str
    words: PageWords
    blocks: tuple[Block, ...]
