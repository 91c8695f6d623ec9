"""Ballot results and quorum as PNG images that a member reads at a glance on a phone.

Telegram shows a photo about 1280 pixels wide, so every chart is exactly
1280 pixels wide and every text is at least 20 pixels high. The charts are
drawn with :class:`matplotlib.figure.Figure` and the Agg canvas directly,
never through ``pyplot``: pyplot keeps global state, which is neither
thread-safe nor welcome in a bot that renders off its event loop.

Every element is placed in pixels by this module rather than by matplotlib's
layout engines, so that the tests can prove that no two labels overlap and the
same result always gives the same bytes. Weights stay
:class:`~decimal.Decimal` throughout; they become floats only as drawing
coordinates, and every number a person reads goes through
:func:`voting.explain.format_weight`.

The palette is Okabe–Ito (safe for colour-blind readers), and colour is never
the only cue: every bar carries its option in words, proxies are hatched *and*
suffixed "(pouvoir)".
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
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

from meetings.wording.explain import option_label, quorum_line
from meetings.wording.formats import members as members_text
from meetings.wording.formats import weight as format_weight
from meetings.wording.i18n import language_of
from voting.ballot import Ballot, BallotMode, BallotNotOpen
from voting.rules import Comparison, MajorityBase, QuorumCounts, Threshold
from voting.tally import ABSTAIN, MOTION_OPTIONS, Count, Outcome, QuorumReport, TallyResult

__all__ = [
    "DPI",
    "MAX_MEMBER_ROWS",
    "WIDTH_PX",
    "ballot_chart",
    "label_boxes",
    "outcome_title",
    "png_bytes",
    "quorum_chart",
    "render_ballot_figure",
    "render_quorum_figure",
]

DPI = 100
WIDTH_PX = 1280
MARGIN_PX = 40
CONTENT_PX = WIDTH_PX - 2 * MARGIN_PX
MAX_MEMBER_ROWS = 40
"""Above this many members, one labelled bar each would be unreadable: a strip replaces them."""
QUESTION_MAX_LINES = 3

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

_TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "title.adopted": "Adoptée",
        "title.adopted_casting": "Adoptée par voix prépondérante",
        "title.rejected": "Rejetée",
        "title.rejected_casting": "Rejetée par voix prépondérante",
        "title.rejected_tie": "Rejetée : partage égal des voix",
        "title.no_quorum": "Quorum non atteint",
        "title.chosen": "Retenu : « {choice} »",
        "title.chosen_casting": "Retenu par voix prépondérante : « {choice} »",
        "title.none_chosen": "Aucun choix retenu",
        "kind.public": "Scrutin public",
        "kind.secret": "Scrutin secret",
        "mode.written": "Consultation écrite, {kind}",
        "kind.line": "{kind} — {members}, {weight} voix",
        "voices": "{weight} voix",
        "amount": "{voices} — {members}",
        "unexpressed": " (non exprimées)",
        "threshold": "majorité : {cmp} {req} voix sur {base} {base_kind}",
        "threshold.double": " et au moins {heads} sur {base_heads}",
        "base.expressed": "exprimées",
        "base.present_or_represented": "présentes ou représentées",
        "base.all_members": "au total",
        "note.expressed": "Suffrages exprimés : {amount}. L'abstention n'en fait pas partie.",
        "note.present_or_represented": (
            "Base de la majorité : {weight} voix présentes ou représentées, abstentions comprises."
        ),
        "note.all_members": "Base de la majorité : {weight} voix, celles de tous les membres.",
        "members.heading": "Vote de chaque membre (longueur de la barre : son poids en voix)",
        "strip.heading": "Vote des {n} membres : un segment par membre, large comme son poids",
        "member.value": "{status} · {voices}",
        "status.not_voted": "N'a pas voté",
        "status.absent": "Absent",
        "proxy.suffix": " (pouvoir)",
        "proxy.list": "Hachures : vote par pouvoir. {pairs}.",
        "proxy.pair": "{giver} a donné pouvoir à {holder}",
        "proxy.separator": " ; ",
        "legend.item": "{label} : {members}, {voices}",
        "legend.proxy": "trait sous le segment : vote par pouvoir, {members}",
        "note.casting": "Partage égal : la voix prépondérante du président ({chair}) l'emporte.",
        "note.tie": "Partage égal des voix : la proposition est rejetée.",
        "note.tie_secret": (
            "Partage égal des voix : pas de voix prépondérante au scrutin secret, "
            "la proposition est rejetée."
        ),
        "secret.note": "Scrutin secret : seuls les totaux et la participation sont publiés.",
        "participation": "Participation : {voted}/{total}, {weight} voix sur {total_weight}",
        "quorum.met": "Quorum atteint",
        "quorum.not_met": "Quorum non atteint",
        "quorum.none": "Pas de quorum requis",
        "quorum.waived": "Pas de quorum requis (seconde convocation)",
        "quorum.counts.present": "Membres présents",
        "quorum.counts.present_or_represented": "Membres présents ou représentés",
        "quorum.rule": "{counts} ; règle : {parts}",
        "quorum.rule.members": "{cmp} {fraction} des membres",
        "quorum.rule.weight": "{cmp} {fraction} des voix",
        "quorum.rule.and": " et ",
        "quorum.waived.rule": "{counts} ; seconde convocation : délibération valable sans quorum",
        "quorum.row.members": "Membres",
        "quorum.row.weight": "Voix",
        "quorum.value.members": "{n} sur {total}",
        "quorum.value.weight": "{weight} voix sur {total}",
        "quorum.required.members": "requis : au moins {members}",
        "quorum.required.weight": "requis : {cmp} {weight} voix",
        "at_least": "au moins",
        "more_than": "plus de",
    },
    "en": {
        "title.adopted": "Adopted",
        "title.adopted_casting": "Adopted by casting vote",
        "title.rejected": "Rejected",
        "title.rejected_casting": "Rejected by casting vote",
        "title.rejected_tie": "Rejected: tied vote",
        "title.no_quorum": "No quorum",
        "title.chosen": "Chosen: “{choice}”",
        "title.chosen_casting": "Chosen by casting vote: “{choice}”",
        "title.none_chosen": "No choice carried",
        "kind.public": "Public ballot",
        "kind.secret": "Secret ballot",
        "mode.written": "Written consultation, {kind}",
        "kind.line": "{kind} — {members}, {weight} votes",
        "voices": "{weight} votes",
        "voices.one": "{weight} vote",
        "amount": "{voices} — {members}",
        "unexpressed": " (not cast)",
        "threshold": "majority: {cmp} {req} votes out of {base} {base_kind}",
        "threshold.double": " and at least {heads} out of {base_heads}",
        "base.expressed": "cast",
        "base.present_or_represented": "present or represented",
        "base.all_members": "in all",
        "note.expressed": "Votes cast: {amount}. Abstentions are not among them.",
        "note.present_or_represented": (
            "Majority base: {weight} votes present or represented, abstentions included."
        ),
        "note.all_members": "Majority base: {weight} votes, those of all members.",
        "members.heading": "How each member voted (bar length: its weight in votes)",
        "strip.heading": "How the {n} members voted: one segment per member, as wide as its weight",
        "member.value": "{status} · {voices}",
        "status.not_voted": "Did not vote",
        "status.absent": "Absent",
        "proxy.suffix": " (proxy)",
        "proxy.list": "Hatched: vote by proxy. {pairs}.",
        "proxy.pair": "{giver} gave its proxy to {holder}",
        "proxy.separator": "; ",
        "legend.item": "{label}: {members}, {voices}",
        "legend.proxy": "mark under the segment: vote by proxy, {members}",
        "note.casting": "Tied vote: the chair's casting vote ({chair}) decides.",
        "note.tie": "Tied vote: the motion is rejected.",
        "note.tie_secret": "Tied vote: no casting vote in a secret ballot, the motion is rejected.",
        "secret.note": "Secret ballot: only the totals and the turnout are published.",
        "participation": "Turnout: {voted}/{total}, {weight} votes out of {total_weight}",
        "quorum.met": "Quorum met",
        "quorum.not_met": "No quorum",
        "quorum.none": "No quorum required",
        "quorum.waived": "No quorum required (second convocation)",
        "quorum.counts.present": "Members present",
        "quorum.counts.present_or_represented": "Members present or represented",
        "quorum.rule": "{counts}; rule: {parts}",
        "quorum.rule.members": "{cmp} {fraction} of the members",
        "quorum.rule.weight": "{cmp} {fraction} of the votes",
        "quorum.rule.and": " and ",
        "quorum.waived.rule": "{counts}; second convocation: valid without quorum",
        "quorum.row.members": "Members",
        "quorum.row.weight": "Votes",
        "quorum.value.members": "{n} out of {total}",
        "quorum.value.weight": "{weight} votes out of {total}",
        "quorum.required.members": "required: at least {members}",
        "quorum.required.weight": "required: {cmp} {weight} votes",
        "at_least": "at least",
        "more_than": "more than",
    },
}

_MET_SYMBOL = "✔"
_FAILED_SYMBOL = "✘"
_WARNING_SYMBOL = "⚠"
_ELLIPSIS = "…"


# --------------------------------------------------------------------------- drawing sheet


@dataclass(frozen=True)
class _Style:
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


_Op = Callable[[Figure, Transform], None]


class _Sheet:
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

    def width(self, text: str, style: _Style) -> float:
        measure = self._renderer.get_text_width_height_descent
        width, _, _ = measure(text, style.font, ismath=False)  # type: ignore[no-untyped-call]
        return float(width)

    def fit(self, text: str, style: _Style, max_width: float) -> str:
        """``text`` on one line, cut with an ellipsis when it is wider than ``max_width``."""
        text = " ".join(text.split())
        if self.width(text, style) <= max_width:
            return text
        return self._cut(text, style, max_width)

    def _cut(self, text: str, style: _Style, max_width: float) -> str:
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

    def wrap(self, text: str, style: _Style, max_width: float, max_lines: int) -> list[str]:
        """``text`` broken into lines no wider than ``max_width``; the last one kept ends in …"""
        lines: list[str] = []
        current = ""
        for word in text.split():
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

    def _longest_prefix(self, word: str, style: _Style, max_width: float) -> int:
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
        style: _Style,
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


# --------------------------------------------------------------------------- public API


def ballot_chart(
    ballot: Ballot, votes: Mapping[str, str], names: Mapping[str, str], language: str = "fr"
) -> bytes:
    """The result of ``ballot`` as a PNG 1280 pixels wide.

    ``votes`` maps each member to its effective option (as for
    :func:`voting.ballot.judge`), ``names`` each member to the name people
    know it by. A secret ballot shows totals and participation only.
    """
    return png_bytes(render_ballot_figure(ballot, votes, names, language))


def quorum_chart(report: QuorumReport, language: str = "fr") -> bytes:
    """The quorum as a gauge: members and weight present against the totals."""
    return png_bytes(render_quorum_figure(report, language))


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


def outcome_title(result: TallyResult, language: str = "fr") -> str:
    """The outcome in words: "Adoptée", "Rejetée", "Adoptée par voix prépondérante"…"""
    text = _TEXT[language_of(language)]
    if result.outcome is Outcome.NO_QUORUM:
        return text["title.no_quorum"]
    if not result.is_motion:
        if result.winner is None:
            return text["title.none_chosen"]
        choice = option_label(result.winner, language)
        key = "title.chosen_casting" if result.casting_vote_used else "title.chosen"
        return text[key].format(choice=choice)
    adopted = result.outcome is Outcome.ADOPTED
    if result.casting_vote_used:
        return text["title.adopted_casting" if adopted else "title.rejected_casting"]
    if adopted:
        return text["title.adopted"]
    return text["title.rejected_tie" if result.tie else "title.rejected"]


# --------------------------------------------------------------------------- the ballot chart

TITLE = _Style(40, "bold")
QUESTION = _Style(27)
SUBTLE = _Style(22, colour=SOFT_INK)
OPTION = _Style(26, "bold")
AMOUNT = _Style(24)
THRESHOLD = _Style(22, "bold")
NOTE = _Style(21, "italic", SOFT_INK)
HEADING = _Style(24, "bold")
MEMBER = _Style(22)
FOOTER = _Style(22, colour=INK)

OPTION_ROW_PX = 62
OPTION_BAR_PX = 44
MEMBER_ROW_PX = 36
MEMBER_BAR_PX = 26
STRIP_PX = 64
SWATCH_PX = 26
RUG_PX = 10
LABEL_GAP_PX = 12
SECTION_GAP_PX = 30


@dataclass(frozen=True)
class _Entry:
    """One member as the per-member panel shows it."""

    member: str
    name: str
    weight: Decimal
    option: str | None
    absent: bool
    proxy: bool


def render_ballot_figure(
    ballot: Ballot, votes: Mapping[str, str], names: Mapping[str, str], language: str = "fr"
) -> Figure:
    """The figure behind :func:`ballot_chart`, for tests that inspect its texts."""
    lang = language_of(language)
    result = ballot.result
    if result is None:
        raise BallotNotOpen(f"ballot {ballot.id} is not closed: it has no result to draw")
    sheet = _Sheet()
    y = _header(sheet, MARGIN_PX - 8, ballot, result, lang)
    y = _totals_panel(sheet, y + SECTION_GAP_PX, result, names, lang)
    if result.secret:
        y = _secret_note(sheet, y + SECTION_GAP_PX, lang)
    else:
        entries = _entries(ballot, votes, names)
        colours = _option_colours(result.options)
        if len(entries) <= MAX_MEMBER_ROWS:
            y = _member_rows(sheet, y + SECTION_GAP_PX, entries, colours, lang)
        else:
            y = _member_strip(sheet, y + SECTION_GAP_PX, entries, result, colours, lang)
        y = _proxy_note(sheet, y, ballot, entries, names, lang)
    y = _footer(sheet, y + SECTION_GAP_PX, result, lang)
    return sheet.figure(y + MARGIN_PX - 10)


def _option_colours(options: Sequence[str]) -> dict[str, str]:
    if set(options) == set(MOTION_OPTIONS):
        return {"for": FOR_COLOUR, "against": AGAINST_COLOUR, ABSTAIN: ABSTAIN_COLOUR}
    named = [option for option in options if option != ABSTAIN]
    colours = {
        option: CHOICE_COLOURS[index % len(CHOICE_COLOURS)] for index, option in enumerate(named)
    }
    colours[ABSTAIN] = ABSTAIN_COLOUR
    return colours


def _ordered_options(options: Sequence[str]) -> list[str]:
    """Expressed options first, abstention last: the majority line then spans a single block."""
    if set(options) == set(MOTION_OPTIONS):
        # A motion always reads Pour, Contre, Abstention, whatever order it was stored in.
        return list(MOTION_OPTIONS)
    return [option for option in options if option != ABSTAIN] + (
        [ABSTAIN] if ABSTAIN in options else []
    )


def _voices(weight: Decimal, lang: str) -> str:
    text = _TEXT[lang]
    key = "voices.one" if weight == 1 and "voices.one" in text else "voices"
    return text[key].format(weight=format_weight(weight, lang))


def _amount(count: Count, lang: str) -> str:
    return _TEXT[lang]["amount"].format(
        voices=_voices(count.weight, lang), members=members_text(count.heads, lang)
    )


def _header(sheet: _Sheet, y: float, ballot: Ballot, result: TallyResult, lang: str) -> float:
    text = _TEXT[lang]
    if result.outcome is Outcome.NO_QUORUM:
        symbol, colour = _WARNING_SYMBOL, INK
    elif result.winner is not None:
        symbol, colour = _MET_SYMBOL, GREEN_INK
    else:
        symbol, colour = _FAILED_SYMBOL, VERMILLION_INK
    title_style = _Style(TITLE.size_px, "bold", colour)
    # The symbol repeats the outcome for readers who cannot tell green from vermillion.
    sheet.text(MARGIN_PX, y, symbol, title_style)
    indent = sheet.width(symbol, title_style) + 16
    title = sheet.fit(outcome_title(result, lang), title_style, CONTENT_PX - indent)
    sheet.text(MARGIN_PX + indent, y, title, title_style)
    y += title_style.pitch + 4

    for line in sheet.wrap(ballot.draft.question, QUESTION, CONTENT_PX, QUESTION_MAX_LINES):
        sheet.text(MARGIN_PX, y, line, QUESTION)
        y += QUESTION.pitch

    kind = text["kind.secret" if result.secret else "kind.public"]
    if ballot.draft.mode is BallotMode.WRITTEN:
        kind = text["mode.written"].format(kind=kind[0].lower() + kind[1:])
    kind_line = text["kind.line"].format(
        kind=kind,
        members=members_text(result.electorate.heads, lang),
        weight=format_weight(result.electorate.weight, lang),
    )
    sheet.text(MARGIN_PX, y + 8, sheet.fit(kind_line, SUBTLE, CONTENT_PX), SUBTLE)
    return y + 8 + SUBTLE.pitch


def _threshold_text(result: TallyResult, lang: str) -> str:
    text = _TEXT[lang]
    label = text["threshold"].format(
        cmp=text[result.threshold.comparison.value],
        req=format_weight(result.required, lang),
        base=format_weight(result.majority_base.weight, lang),
        base_kind=text[f"base.{result.majority_base_kind.value}"],
    )
    if result.double_majority and result.required_heads is not None:
        label += text["threshold.double"].format(
            heads=members_text(result.required_heads, lang),
            base_heads=result.majority_base.heads,
        )
    return label


def _scale(
    sheet: _Sheet, amounts: Sequence[tuple[Decimal, str]], style: _Style, room: float
) -> float:
    """Pixels per voice such that every bar and the label after it fit in ``room``.

    Floats from here on are drawing coordinates only: no decision is taken on them.
    """
    limits: list[float] = []
    for weight, label in amounts:
        if weight > 0:
            free = room - LABEL_GAP_PX - sheet.width(label, style)
            limits.append(max(free, room * 0.05) / float(weight))
    return min(limits) if limits else room


def _totals_panel(
    sheet: _Sheet, y: float, result: TallyResult, names: Mapping[str, str], lang: str
) -> float:
    text = _TEXT[lang]
    options = _ordered_options(result.options)
    colours = _option_colours(result.options)
    expressed_base = result.majority_base_kind is MajorityBase.EXPRESSED

    labels = [option_label(option, lang) for option in options]
    column = min(max(sheet.width(label, OPTION) for label in labels), CONTENT_PX * 0.3)
    labels = [sheet.fit(label, OPTION, column) for label in labels]
    x0 = MARGIN_PX + column + 20
    room = WIDTH_PX - MARGIN_PX - x0

    values: list[tuple[Decimal, str]] = []
    for option in options:
        value = _amount(result.totals[option], lang)
        if option == ABSTAIN and expressed_base and result.totals[option].heads:
            value += text["unexpressed"]
        values.append((result.totals[option].weight, value))
    scale = _scale(sheet, values, AMOUNT, room)

    # Without quorum nothing was decided, so no majority line invites a reading.
    show_threshold = result.outcome is not Outcome.NO_QUORUM
    if show_threshold:
        scale = min(scale, (room - 2) / float(result.required)) if result.required > 0 else scale
        line_x = x0 + scale * float(result.required)
        lines = sheet.wrap(_threshold_text(result, lang), THRESHOLD, CONTENT_PX, 2)
        block = max(sheet.width(line, THRESHOLD) for line in lines)
        # Centred on the line, but never pushed off either edge of the image.
        centre = min(max(line_x, MARGIN_PX + block / 2), WIDTH_PX - MARGIN_PX - block / 2)
        for line in lines:
            sheet.text(centre, y, line, THRESHOLD, ha="center")
            y += THRESHOLD.pitch
        y += 2
        # The line crosses the expressed options only: abstention is never compared with it.
        expressed_rows = sum(1 for option in options if option != ABSTAIN)
        sheet.line(line_x, y, line_x, y + 6 + expressed_rows * OPTION_ROW_PX, INK, 3, dashed=True)
        y += 6

    for index, (option, label, (weight, value)) in enumerate(
        zip(options, labels, values, strict=True)
    ):
        top = y + index * OPTION_ROW_PX
        middle = top + OPTION_ROW_PX / 2
        length = max(scale * float(weight), 3.0)
        bar_top = middle - OPTION_BAR_PX / 2
        if option == ABSTAIN:
            sheet.rect(
                x0,
                bar_top,
                length,
                OPTION_BAR_PX,
                UNEXPRESSED_FACE,
                edge=UNEXPRESSED_EDGE,
                edge_px=2,
                dashed=True,
            )
        else:
            sheet.rect(x0, bar_top, length, OPTION_BAR_PX, colours[option])
        sheet.text(x0 - 20, middle, label, OPTION, ha="right", va="center")
        sheet.text(x0 + length + LABEL_GAP_PX, middle, value, AMOUNT, va="center", masked=True)
    y += len(options) * OPTION_ROW_PX + 10

    note_key = f"note.{result.majority_base_kind.value}"
    note = text[note_key].format(
        amount=_amount(result.expressed, lang),
        weight=format_weight(result.majority_base.weight, lang),
    )
    notes = [note]
    if result.casting_vote_used and result.chair is not None:
        chair = " ".join(names.get(result.chair, "").split()) or result.chair
        notes.append(text["note.casting"].format(chair=chair))
    elif result.tie and result.is_motion and result.outcome is Outcome.REJECTED:
        notes.append(text["note.tie_secret" if result.secret else "note.tie"])
    for note in notes:
        for line in sheet.wrap(note, NOTE, CONTENT_PX, 2):
            sheet.text(MARGIN_PX, y, line, NOTE)
            y += NOTE.pitch
    return y


def _entries(ballot: Ballot, votes: Mapping[str, str], names: Mapping[str, str]) -> list[_Entry]:
    """Members sorted by vote (in the order of the options, non-voters last), then weight."""
    electorate = ballot.electorate
    assert electorate is not None  # judge() has refused a ballot that was never opened
    written = ballot.draft.mode is BallotMode.WRITTEN
    options = _ordered_options(ballot.draft.options)
    entries = [
        _Entry(
            member=member,
            name=" ".join(names.get(member, member).split()) or member,
            weight=weight,
            option=votes.get(member),
            # A written consultation has no attendance: whoever did not answer did not vote.
            absent=not written and not electorate.can_vote(member) and member not in votes,
            proxy=not written and member in electorate.proxies,
        )
        for member, weight in electorate.weights.items()
    ]

    def order(entry: _Entry) -> tuple[int, Decimal, str, str]:
        if entry.option is not None:
            group = options.index(entry.option)
        else:
            group = len(options) + (1 if entry.absent else 0)
        return (group, -entry.weight, entry.name.casefold(), entry.member)

    return sorted(entries, key=order)


def _status(entry: _Entry, lang: str) -> str:
    text = _TEXT[lang]
    if entry.option is not None:
        return option_label(entry.option, lang)
    return text["status.absent" if entry.absent else "status.not_voted"]


def _member_rows(
    sheet: _Sheet,
    y: float,
    entries: Sequence[_Entry],
    colours: Mapping[str, str],
    lang: str,
) -> float:
    text = _TEXT[lang]
    sheet.text(MARGIN_PX, y, sheet.fit(text["members.heading"], HEADING, CONTENT_PX), HEADING)
    y += HEADING.pitch + 6

    suffix = text["proxy.suffix"]
    column_cap = CONTENT_PX * 0.42
    names: list[str] = []
    for entry in entries:
        # The "(pouvoir)" suffix must survive when a long name is shortened.
        reserve = sheet.width(suffix, MEMBER) if entry.proxy else 0.0
        name = sheet.fit(entry.name, MEMBER, column_cap - reserve)
        names.append(name + suffix if entry.proxy else name)
    column = max(sheet.width(name, MEMBER) for name in names) if names else 0.0
    x0 = MARGIN_PX + column + 16
    room = WIDTH_PX - MARGIN_PX - x0
    values = [
        (
            entry.weight,
            text["member.value"].format(
                status=_status(entry, lang), voices=_voices(entry.weight, lang)
            ),
        )
        for entry in entries
    ]
    scale = _scale(sheet, values, MEMBER, room)

    for index, (entry, name, (weight, value)) in enumerate(
        zip(entries, names, values, strict=True)
    ):
        middle = y + index * MEMBER_ROW_PX + MEMBER_ROW_PX / 2
        length = max(scale * float(weight), 3.0)
        sheet.rect(
            x0,
            middle - MEMBER_BAR_PX / 2,
            length,
            MEMBER_BAR_PX,
            _entry_face(entry, colours),
            # Light bars need an outline on white; an absent member's is dashed, an empty seat.
            edge=SOFT_INK if entry.option is None else "none",
            edge_px=1.2 if entry.option is None else 0,
            dashed=entry.absent,
            hatch="//" if entry.proxy else None,
        )
        sheet.text(x0 - 16, middle, name, MEMBER, ha="right", va="center")
        sheet.text(x0 + length + LABEL_GAP_PX, middle, value, MEMBER, va="center")
    return y + len(entries) * MEMBER_ROW_PX + 6


def _member_strip(
    sheet: _Sheet,
    y: float,
    entries: Sequence[_Entry],
    result: TallyResult,
    colours: Mapping[str, str],
    lang: str,
) -> float:
    """Too many members for a label each: one bar of segments sorted by vote, and a legend."""
    text = _TEXT[lang]
    heading = text["strip.heading"].format(n=len(entries))
    for line in sheet.wrap(heading, HEADING, CONTENT_PX, 2):
        sheet.text(MARGIN_PX, y, line, HEADING)
        y += HEADING.pitch
    y += 6

    total = float(result.electorate.weight)
    x = float(MARGIN_PX)
    boundaries: list[float] = []
    previous: tuple[str | None, bool] | None = None
    for entry in entries:
        group = (entry.option, entry.absent)
        if previous is not None and group != previous:
            boundaries.append(x)
        previous = group
        width = CONTENT_PX * float(entry.weight) / total
        # Thin seams keep each member a segment of its own without hiding its colour;
        # on the white of absent members they are grey, or they would vanish.
        sheet.rect(
            x,
            y,
            width,
            STRIP_PX,
            _entry_face(entry, colours),
            edge=RULE_COLOUR if entry.absent else "white",
            edge_px=0.6,
        )
        if entry.proxy:
            # A segment of a few pixels shows no hatching: a mark under it does the job.
            sheet.rect(x, y + STRIP_PX + 3, max(width, 3.0), RUG_PX, INK)
        x += width
    for boundary in boundaries:
        sheet.line(boundary, y - 6, boundary, y + STRIP_PX, INK, 2.5)
    sheet.rect(MARGIN_PX, y, CONTENT_PX, STRIP_PX, "none", edge=INK, edge_px=1.5)
    y += STRIP_PX + 3 + RUG_PX + 12

    items: list[_LegendItem] = []
    for option in _ordered_options(result.options):
        count = result.totals[option]
        label = text["legend.item"].format(
            label=option_label(option, lang),
            members=members_text(count.heads, lang),
            voices=_voices(count.weight, lang),
        )
        items.append(_LegendItem(colours[option], label))
    for absent in (False, True):
        silent = [e for e in entries if e.option is None and e.absent is absent]
        if silent:
            weight = sum((e.weight for e in silent), Decimal(0))
            label = text["legend.item"].format(
                label=text["status.absent" if absent else "status.not_voted"],
                members=members_text(len(silent), lang),
                voices=_voices(weight, lang),
            )
            items.append(_LegendItem(ABSENT_COLOUR if absent else NO_VOTE_COLOUR, label))
    proxies = sum(1 for e in entries if e.proxy)
    if proxies:
        label = text["legend.proxy"].format(members=members_text(proxies, lang))
        items.append(_LegendItem(INK, label, rug=True))
    return _legend(sheet, y, items) + 4


def _entry_face(entry: _Entry, colours: Mapping[str, str]) -> str:
    if entry.option is not None:
        return colours[entry.option]
    return ABSENT_COLOUR if entry.absent else NO_VOTE_COLOUR


@dataclass(frozen=True)
class _LegendItem:
    face: str
    label: str
    rug: bool = False
    """Drawn as the mark under a proxy's segment rather than as a square."""


def _legend(sheet: _Sheet, y: float, items: Sequence[_LegendItem]) -> float:
    """Swatches and labels flowed left to right, wrapping to the next line when full."""
    x = float(MARGIN_PX)
    pitch = MEMBER.pitch + 6
    for item in items:
        label = sheet.fit(item.label, MEMBER, CONTENT_PX - SWATCH_PX - 10)
        width = SWATCH_PX + 10 + sheet.width(label, MEMBER)
        if x > MARGIN_PX and x + width > WIDTH_PX - MARGIN_PX:
            x = float(MARGIN_PX)
            y += pitch
        middle = y + pitch / 2
        if item.rug:
            sheet.rect(x, middle + SWATCH_PX / 2 - RUG_PX, SWATCH_PX, RUG_PX, item.face)
        else:
            sheet.rect(
                x, middle - SWATCH_PX / 2, SWATCH_PX, SWATCH_PX, item.face, edge=INK, edge_px=1
            )
        sheet.text(x + SWATCH_PX + 10, middle, label, MEMBER, va="center")
        x += width + 36
    return y + pitch


def _proxy_note(
    sheet: _Sheet,
    y: float,
    ballot: Ballot,
    entries: Sequence[_Entry],
    names: Mapping[str, str],
    lang: str,
) -> float:
    """Who carried whose vote, as the minutes must say it."""
    electorate = ballot.electorate
    givers = [entry for entry in entries if entry.proxy]
    if electorate is None or not givers or len(entries) > MAX_MEMBER_ROWS:
        return y
    text = _TEXT[lang]
    listing = text["proxy.separator"].join(
        text["proxy.pair"].format(
            giver=entry.name,
            holder=" ".join(names.get(electorate.proxies[entry.member], "").split())
            or electorate.proxies[entry.member],
        )
        for entry in givers
    )
    y += 4
    for line in sheet.wrap(text["proxy.list"].format(pairs=listing), NOTE, CONTENT_PX, 3):
        sheet.text(MARGIN_PX, y, line, NOTE)
        y += NOTE.pitch
    return y


def _secret_note(sheet: _Sheet, y: float, lang: str) -> float:
    for line in sheet.wrap(_TEXT[lang]["secret.note"], HEADING, CONTENT_PX, 2):
        sheet.text(MARGIN_PX, y, line, HEADING)
        y += HEADING.pitch
    return y


def _footer(sheet: _Sheet, y: float, result: TallyResult, lang: str) -> float:
    sheet.line(MARGIN_PX, y, WIDTH_PX - MARGIN_PX, y, RULE_COLOUR, 1.5)
    y += 14
    participation = _TEXT[lang]["participation"].format(
        voted=result.voted.heads,
        total=members_text(result.electorate.heads, lang),
        weight=format_weight(result.voted.weight, lang),
        total_weight=format_weight(result.electorate.weight, lang),
    )
    lines = sheet.wrap(participation, FOOTER, CONTENT_PX, 2)
    lines += sheet.wrap(quorum_line(result.quorum, lang), FOOTER, CONTENT_PX, 3)
    for line in lines:
        sheet.text(MARGIN_PX, y, line, FOOTER)
        y += FOOTER.pitch
    return y


# --------------------------------------------------------------------------- the quorum gauge

GAUGE_TITLE = _Style(34, "bold")
GAUGE_ROW_PX = 44
GAUGE_LABEL_GAP_PX = 24


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


def render_quorum_figure(report: QuorumReport, language: str = "fr") -> Figure:
    """The figure behind :func:`quorum_chart`."""
    lang = language_of(language)
    text = _TEXT[lang]
    sheet = _Sheet()
    counts = text[
        "quorum.counts.present"
        if report.counts is QuorumCounts.PRESENT
        else "quorum.counts.present_or_represented"
    ]

    if report.threshold is None:
        title, symbol, colour, rule = text["quorum.none"], None, INK, counts
    elif report.second_convocation:
        title, symbol, colour = text["quorum.waived"], None, INK
        rule = text["quorum.waived.rule"].format(counts=counts)
    else:
        met = report.met
        title = text["quorum.met" if met else "quorum.not_met"]
        symbol = _MET_SYMBOL if met else _FAILED_SYMBOL
        colour = GREEN_INK if met else VERMILLION_INK
        rule = text["quorum.rule"].format(
            counts=counts, parts=_quorum_rule_parts(report, report.threshold, lang)
        )

    y = float(MARGIN_PX - 12)
    style = _Style(GAUGE_TITLE.size_px, "bold", colour)
    indent = 0.0
    if symbol is not None:
        sheet.text(MARGIN_PX, y, symbol, style)
        indent = sheet.width(symbol, style) + 14
    sheet.text(MARGIN_PX + indent, y, sheet.fit(title, style, CONTENT_PX - indent), style)
    y += style.pitch
    for line in sheet.wrap(rule, SUBTLE, CONTENT_PX, 2):
        sheet.text(MARGIN_PX, y, line, SUBTLE)
        y += SUBTLE.pitch
    y += 8

    rows = _gauge_rows(report, lang)
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
    return sheet.figure(y + MARGIN_PX - 16)


def _quorum_rule_parts(report: QuorumReport, threshold: Threshold, lang: str) -> str:
    text = _TEXT[lang]
    cmp = text[threshold.comparison.value]
    parts: list[str] = []
    if report.required_members is not None:
        parts.append(text["quorum.rule.members"].format(cmp=cmp, fraction=threshold.fraction_text))
    if report.required_weight is not None:
        parts.append(text["quorum.rule.weight"].format(cmp=cmp, fraction=threshold.fraction_text))
    return text["quorum.rule.and"].join(parts)


def _gauge_rows(report: QuorumReport, lang: str) -> list[_GaugeRow]:
    text = _TEXT[lang]
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
    return [
        _GaugeRow(
            label=text["quorum.row.members"],
            amount=Decimal(report.members),
            total=Decimal(report.total_members),
            required=None if members_required is None else Decimal(members_required),
            required_text=text["quorum.required.members"].format(
                members=members_text(members_required or 0, lang)
            ),
            value=text["quorum.value.members"].format(
                n=members_text(report.members, lang), total=report.total_members
            ),
            met=members_met,
        ),
        _GaugeRow(
            label=text["quorum.row.weight"],
            amount=report.weight,
            total=report.total_weight,
            required=weight_required,
            required_text=text["quorum.required.weight"].format(
                cmp=text[comparison.value],
                weight=format_weight(weight_required or Decimal(0), lang),
            ),
            value=text["quorum.value.weight"].format(
                weight=format_weight(report.weight, lang),
                total=format_weight(report.total_weight, lang),
            ),
            met=weight_met,
        ),
    ]
