"""The drawing sheet that the charts share: pixels, fonts, text styles and the palette.

Telegram shows a photo about 1280 pixels wide, so every chart is exactly 1280 pixels wide and
every text is at least 20 pixels high. A chart is drawn on a :class:`Sheet`, which places
every element in pixels from the top-left corner and plays them onto a
:class:`matplotlib.figure.Figure` with the Agg canvas directly, never through ``pyplot``:
pyplot keeps global state, which is neither thread-safe nor welcome in a bot that renders
off its event loop.

Placing every element here rather than through matplotlib's layout engines lets the tests
prove that no two labels overlap and that the same result always gives the same bytes.

The palette is Okabe–Ito (safe for colour-blind readers), and colour is never the only cue:
every bar carries its option in words, proxies are hatched *and* suffixed "(pouvoir)".
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, Bbox, Transform

DPI = 100
WIDTH_PX = 1280
MARGIN_PX = 40
CONTENT_PX = WIDTH_PX - 2 * MARGIN_PX

# Okabe–Ito, as the brief fixes them.
FOR_COLOUR = "#009E73"
AGAINST_COLOUR = "#D55E00"
ABSTAIN_COLOUR = "#999999"
NO_VOTE_COLOUR = "#DDDDDD"
ABSENT_COLOUR = "#FFFFFF"
NEUTRAL_COLOUR = "#0072B2"
# Named choices take the remaining Okabe–Ito hues, grey being kept for abstention.
CHOICE_COLOURS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
# Abstention is not a suffrage exprimé: in the totals it is drawn lighter and dashed.
UNEXPRESSED_FACE = "#D0D0D0"
UNEXPRESSED_EDGE = "#707070"
# Darker shades of the same hues for text, so that a title keeps a contrast above 5:1.
GREEN_INK = "#00735A"
VERMILLION_INK = "#A84A00"
INK = "#1A1A1A"
SOFT_INK = "#404040"
RULE_COLOUR = "#B0B0B0"
TRACK_COLOUR = "#ECECEC"

_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
# The DejaVu files shipped inside matplotlib, named by path: a system font of the
# same family but another version would otherwise change the bytes of the PNG.
_FONT_FILES = {
    "regular": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
    "italic": "DejaVuSans-Oblique.ttf",
}

MET_SYMBOL = "✔"
FAILED_SYMBOL = "✘"
WARNING_SYMBOL = "⚠"
_ELLIPSIS = "…"
# Only these break a line: French keeps "4,5 voix" and "« Lot A »" together with
# non-breaking spaces, which str.split() would treat as any other space.
_BREAKABLE = re.compile(r"[ \t\r\n]+")


def words(text: str) -> list[str]:
    """``text`` cut at its breakable spaces, non-breaking spaces kept inside the words."""
    return [word for word in _BREAKABLE.split(text) if word]


@dataclass(frozen=True)
class Style:
    """A size in pixels, a face of DejaVu Sans and a colour."""

    size_px: float
    face: str = "regular"
    colour: str = INK

    @property
    def font(self) -> FontProperties:
        return _font(self.face, self.size_px)

    @property
    def pitch(self) -> float:
        """The distance between two baselines of this style."""
        return round(self.size_px * 1.45)


@cache
def _font(face: str, size_px: float) -> FontProperties:
    # Text objects copy their font properties, so sharing one cached instance is safe.
    return FontProperties(fname=_FONT_DIR / _FONT_FILES[face], size=size_px * 72 / DPI)


def _points(pixels: float) -> float:
    """Line widths are given in points; the layout thinks in pixels."""
    return pixels * 72 / DPI


# Text styles, by what they show; every one at least 20 pixels high.
TITLE = Style(40, "bold")
GAUGE_TITLE = Style(34, "bold")
QUESTION = Style(27)
SUBTLE = Style(22, colour=SOFT_INK)
OPTION = Style(26, "bold")
AMOUNT = Style(24)
THRESHOLD = Style(22, "bold")
NOTE = Style(21, "italic", SOFT_INK)
HEADING = Style(24, "bold")
MEMBER = Style(22)
FOOTER = Style(22, colour=INK)

SWATCH_PX = 26
RUG_PX = 10
"""The height of the mark that stands for a proxy under a segment too thin to hatch."""


def coloured(style: Style, colour: str) -> Style:
    """``style`` in another colour: a title takes the colour of its outcome."""
    return replace(style, colour=colour)


@dataclass(frozen=True)
class LegendItem:
    """A swatch and the words that say what it stands for."""

    face: str
    label: str
    rug: bool = False
    """Drawn as the mark under a proxy's segment rather than as a square."""


_Op = Callable[[Figure, Transform], None]


class Sheet:
    """Drawing operations in pixels from the top-left corner, played onto a figure at the end.

    The height of a chart depends on its content (the wrapped question, the
    number of members), so the layout first measures and records, then the
    figure is made once its height is known.
    """

    def __init__(self) -> None:
        # A renderer of the final resolution measures text exactly as it will be drawn.
        # (matplotlib's stubs leave the Agg renderer untyped.)
        self._renderer = RendererAgg(WIDTH_PX, 64, DPI)  # type: ignore[no-untyped-call]
        self._ops: list[_Op] = []

    def width(self, text: str, style: Style) -> float:
        measure = self._renderer.get_text_width_height_descent
        width, _, _ = measure(text, style.font, ismath=False)  # type: ignore[no-untyped-call]
        return float(width)

    def fit(self, text: str, style: Style, max_width: float) -> str:
        """``text`` on one line, cut with an ellipsis when it is wider than ``max_width``."""
        text = " ".join(words(text))
        if self.width(text, style) <= max_width:
            return text
        return self._cut(text, style, max_width)

    def _cut(self, text: str, style: Style, max_width: float) -> str:
        # Binary search on the length: names of 300 communes make a linear scan slow.
        low, high = 0, len(text)
        while low < high:
            middle = (low + high + 1) // 2
            candidate = text[:middle].rstrip(" ,;:-—") + _ELLIPSIS
            if self.width(candidate, style) <= max_width:
                low = middle
            else:
                high = middle - 1
        # End on a whole word when that loses little: "le…" reads better than "le cal…".
        space = text.rfind(" ", 0, low + 1)
        if low < len(text) and text[low] != " " and space >= low * 0.6:
            low = space
        return text[:low].rstrip(" ,;:-—") + _ELLIPSIS

    def wrap(self, text: str, style: Style, max_width: float, max_lines: int) -> list[str]:
        """``text`` broken into lines no wider than ``max_width``; the last one kept ends in …"""
        lines: list[str] = []
        current = ""
        for word in words(text):
            candidate = f"{current} {word}" if current else word
            if self.width(candidate, style) <= max_width:
                current = candidate
                continue
            if current:
                lines.append(current)
            # A word longer than a whole line (a URL, a reference) is broken anywhere.
            while self.width(word, style) > max_width:
                cut = self._longest_prefix(word, style, max_width)
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        if current:
            lines.append(current)
        if len(lines) > max_lines:
            # The last line kept is filled up with the start of the next one, then cut.
            overflow = lines[max_lines]
            lines = lines[:max_lines]
            lines[-1] = self._cut(f"{lines[-1]} {overflow}", style, max_width)
        return lines

    def paragraph(
        self, x: float, y: float, text: str, style: Style, max_width: float, max_lines: int
    ) -> float:
        """``text`` wrapped and drawn from (``x``, ``y``); the ``y`` below its last line."""
        for line in self.wrap(text, style, max_width, max_lines):
            self.text(x, y, line, style)
            y += style.pitch
        return y

    def title(self, y: float, symbol: str | None, title: str, style: Style, gap: float) -> float:
        """A one-line title after its symbol; the ``y`` below it.

        The symbol repeats the outcome for readers who cannot tell green from vermillion.
        """
        indent = 0.0
        if symbol is not None:
            self.text(MARGIN_PX, y, symbol, style)
            indent = self.width(symbol, style) + gap
        self.text(MARGIN_PX + indent, y, self.fit(title, style, CONTENT_PX - indent), style)
        return y + style.pitch

    def legend(self, y: float, items: Sequence[LegendItem], style: Style) -> float:
        """Swatches and labels flowed left to right, wrapping to the next line when full."""
        x = float(MARGIN_PX)
        pitch = style.pitch + 6
        for item in items:
            label = self.fit(item.label, style, CONTENT_PX - SWATCH_PX - 10)
            width = SWATCH_PX + 10 + self.width(label, style)
            if x > MARGIN_PX and x + width > WIDTH_PX - MARGIN_PX:
                x = float(MARGIN_PX)
                y += pitch
            middle = y + pitch / 2
            if item.rug:
                self.rect(x, middle + SWATCH_PX / 2 - RUG_PX, SWATCH_PX, RUG_PX, item.face)
            else:
                self.rect(
                    x, middle - SWATCH_PX / 2, SWATCH_PX, SWATCH_PX, item.face, edge=INK, edge_px=1
                )
            self.text(x + SWATCH_PX + 10, middle, label, style, va="center")
            x += width + 36
        return y + pitch

    def _longest_prefix(self, word: str, style: Style, max_width: float) -> int:
        low, high = 1, len(word)
        while low < high:
            middle = (low + high + 1) // 2
            if self.width(word[:middle], style) <= max_width:
                low = middle
            else:
                high = middle - 1
        return low

    def text(
        self,
        x: float,
        y: float,
        text: str,
        style: Style,
        *,
        ha: str = "left",
        va: str = "top",
        masked: bool = False,
    ) -> None:
        """Text anchored at (``x``, ``y``); ``masked`` hides any line drawn behind it."""

        def draw(figure: Figure, pixels: Transform) -> None:
            label = figure.text(
                x,
                y,
                text,
                transform=pixels,
                fontproperties=style.font,
                color=style.colour,
                ha=ha,
                va=va,
                # A "$" in a question must stay a dollar sign, not start mathtext.
                parse_math=False,
                zorder=5,
            )
            if masked:
                label.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 1.5})

        self._ops.append(draw)

    def rect(
        self,
        x: float,
        y: float,
        width: float,
        height: float,
        face: str,
        *,
        edge: str = "none",
        edge_px: float = 0.0,
        dashed: bool = False,
        hatch: str | None = None,
    ) -> None:
        def draw(figure: Figure, pixels: Transform) -> None:
            patch = Rectangle(
                (x, y),
                width,
                height,
                transform=pixels,
                facecolor=face,
                edgecolor=edge,
                linewidth=_points(edge_px),
                linestyle=(0, (4, 3)) if dashed else "solid",
                zorder=2,
            )
            if hatch is not None:
                patch.set_hatch(hatch)
                patch.set_hatchcolor(INK)
                patch.set_hatch_linewidth(_points(1.6))
            figure.add_artist(patch)

        self._ops.append(draw)

    def line(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        colour: str,
        width_px: float,
        *,
        dashed: bool = False,
    ) -> None:
        def draw(figure: Figure, pixels: Transform) -> None:
            figure.add_artist(
                Line2D(
                    [x0, x1],
                    [y0, y1],
                    transform=pixels,
                    color=colour,
                    linewidth=_points(width_px),
                    linestyle=(0, (5, 3)) if dashed else "solid",
                    solid_capstyle="butt",
                    dash_capstyle="butt",
                    zorder=4,
                )
            )

        self._ops.append(draw)

    def figure(self, height: float) -> Figure:
        height_px = round(height)
        figure = Figure(figsize=(WIDTH_PX / DPI, height_px / DPI), dpi=DPI, facecolor="white")
        FigureCanvasAgg(figure)
        # Pixels from the top-left corner to the figure's own fractions: the layout
        # reads top to bottom like the page, and the image stays right at any dpi.
        flip = Affine2D().scale(1 / WIDTH_PX, -1 / height_px).translate(0, 1)
        pixels: Transform = flip + figure.transFigure
        for draw in self._ops:
            draw(figure, pixels)
        return figure


def png_bytes(figure: Figure) -> bytes:
    """The figure as PNG bytes, identical for identical figures (no timestamp, no version)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def label_boxes(figure: Figure) -> list[tuple[str, Bbox]]:
    """Every text of the figure with its box in pixels (origin at the bottom left)."""
    if not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)
    texts: list[Text] = list(figure.texts)
    for axes in figure.axes:
        texts.extend(axes.texts)
    return [
        (text.get_text(), text.get_window_extent())
        for text in texts
        if text.get_visible() and text.get_text()
    ]
