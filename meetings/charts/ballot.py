"""The result of a ballot as a PNG that a member reads at a glance on a phone.

The chart draws the result the ballot store kept at closing (``ballot.result``); it never
counts the votes again. It shows the outcome, the totals of each option against the
majority line, then how each member voted (one labelled bar each, or one strip of segments
above :data:`MAX_MEMBER_ROWS` members), who gave its proxy to whom, and the turnout and
quorum. A secret ballot shows totals and turnout only, or, outcome only, no totals.

Weights stay :class:`~decimal.Decimal` throughout; they become floats only as drawing
coordinates, and every number a person reads goes through :mod:`meetings.wording.formats`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from matplotlib.figure import Figure

from meetings.charts.ballot_notes import totals_notes
from meetings.charts.sheet import (
    ABSENT_COLOUR,
    ABSTAIN_COLOUR,
    AGAINST_COLOUR,
    AMOUNT,
    CHOICE_COLOURS,
    CONTENT_PX,
    FAILED_SYMBOL,
    FOOTER,
    FOR_COLOUR,
    GREEN_INK,
    HEADING,
    INK,
    MARGIN_PX,
    MEMBER,
    MET_SYMBOL,
    NO_VOTE_COLOUR,
    NOTE,
    OPTION,
    QUESTION,
    RUG_PX,
    RULE_COLOUR,
    SOFT_INK,
    SUBTLE,
    THRESHOLD,
    TITLE,
    UNEXPRESSED_EDGE,
    UNEXPRESSED_FACE,
    VERMILLION_INK,
    WARNING_SYMBOL,
    WIDTH_PX,
    LegendItem,
    Sheet,
    Style,
    coloured,
    png_bytes,
)
from meetings.wording.election import election_title, round_label
from meetings.wording.explain import compared, majority_base, option_label, quorum_line
from meetings.wording.formats import Name, members, quoted, voices, weight
from meetings.wording.i18n import Translator, language_of, translator
from voting.ballot import Ballot, BallotMode, BallotNotOpen
from voting.election import LAST_ROUND
from voting.rules import Comparison, MajorityBase
from voting.tally import ABSTAIN, MOTION_OPTIONS, NOT_EXPRESSED, Count, Outcome, TallyResult

MAX_MEMBER_ROWS = 40
"""Above this many members, one labelled bar each would be unreadable: a strip replaces them."""
QUESTION_MAX_LINES = 3

OPTION_ROW_PX = 62
OPTION_BAR_PX = 44
MEMBER_ROW_PX = 36
MEMBER_BAR_PX = 26
STRIP_PX = 64
LABEL_GAP_PX = 12
SECTION_GAP_PX = 30


def ballot_chart(
    ballot: Ballot,
    votes: Mapping[str, str],
    names: Mapping[str, Name],
    language: str = "fr",
    outcome_only: bool = False,
) -> bytes:
    """The result of the closed ``ballot`` as a PNG 1280 pixels wide.

    ``votes`` maps each member to its effective option (as the ballot store gives them),
    ``names`` each member to the name people know it by, with its article so that French
    reads "le Département de la Meuse a donné pouvoir au Département des Ardennes".
    ``outcome_only`` (:mod:`meetings.disclosure`): no bar, only outcome, turnout and quorum.
    """
    return png_bytes(render_ballot_figure(ballot, votes, names, language, outcome_only))


def render_ballot_figure(
    ballot: Ballot,
    votes: Mapping[str, str],
    names: Mapping[str, Name],
    language: str = "fr",
    outcome_only: bool = False,
) -> Figure:
    """The figure behind :func:`ballot_chart`, for tests that inspect its texts."""
    lang = language_of(language)
    result = ballot.result
    if result is None:
        raise BallotNotOpen(f"ballot {ballot.id} is not closed: it has no result to draw")
    sheet = Sheet()
    y = _header(sheet, MARGIN_PX - 8, ballot, result, lang, outcome_only)
    _ = translator(lang)
    if outcome_only:
        text = _("Secret ballot: only the outcome and the turnout are published.")
    else:
        y = _totals_panel(sheet, y + SECTION_GAP_PX, result, names, lang)
        text = _("Secret ballot: only the totals and the turnout are published.")
    if result.secret:
        y = sheet.paragraph(MARGIN_PX, y + SECTION_GAP_PX, text, HEADING, CONTENT_PX, 2)
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


def outcome_title(result: TallyResult, language: str = "fr") -> str:
    """The outcome in words: "Adoptée", "Rejetée", "Adoptée par voix prépondérante"…"""
    _ = translator(language)
    if result.outcome is Outcome.NO_QUORUM:
        return _("No quorum")
    if result.is_election:
        return election_title(result, language)
    if not result.is_motion:
        if result.winner is None:
            return _("No choice carried")
        choice = quoted(option_label(result.winner, language), language)
        if result.casting_vote_used:
            return _("Chosen by casting vote: {choice}").format(choice=choice)
        return _("Chosen: {choice}").format(choice=choice)
    adopted = result.outcome is Outcome.ADOPTED
    if result.casting_vote_used:
        return _("Adopted by casting vote") if adopted else _("Rejected by casting vote")
    if adopted:
        return _.pgettext("outcome", "Adopted")
    return _("Rejected: tied vote") if result.tie else _.pgettext("outcome", "Rejected")


# --------------------------------------------------------------------------- header and totals


def _option_colours(options: Sequence[str]) -> dict[str, str]:
    if set(options) == set(MOTION_OPTIONS):
        return {"for": FOR_COLOUR, "against": AGAINST_COLOUR, ABSTAIN: ABSTAIN_COLOUR}
    named = [option for option in options if option not in NOT_EXPRESSED]
    colours = {
        option: CHOICE_COLOURS[index % len(CHOICE_COLOURS)] for index, option in enumerate(named)
    }
    colours.update({option: ABSTAIN_COLOUR for option in NOT_EXPRESSED})
    return colours


def _ordered_options(options: Sequence[str]) -> list[str]:
    """Expressed options first, abstention or blank last: the majority line spans one block."""
    if set(options) == set(MOTION_OPTIONS):
        # A motion always reads Pour, Contre, Abstention, whatever order it was stored in.
        return list(MOTION_OPTIONS)
    unexpressed = [option for option in options if option in NOT_EXPRESSED]
    return [option for option in options if option not in NOT_EXPRESSED] + unexpressed


def _amount(count: Count, lang: str, secret: bool) -> str:
    """An option's weight, and its headcount unless the ballot is secret (the two together
    would tell how the largest members voted)."""
    if secret:
        return voices(count.weight, lang)
    _ = translator(lang)
    return _("{voices} — {members}").format(
        voices=voices(count.weight, lang), members=members(count.heads, lang)
    )


def _kind(ballot: Ballot, secret: bool, _: Translator) -> str:
    if ballot.draft.election_round is not None:
        return _("Election of a person, {round}, secret ballot").format(
            round=round_label(ballot.draft.election_round, _.language)
        )
    if ballot.draft.mode is BallotMode.WRITTEN:
        kind = _("secret ballot") if secret else _("public ballot")
        return _("Written consultation, {kind}").format(kind=kind)
    return _("Secret ballot") if secret else _("Public ballot")


def _header(
    sheet: Sheet, y: float, ballot: Ballot, result: TallyResult, lang: str, outcome_only: bool
) -> float:
    _ = translator(lang)
    title = outcome_title(result, lang)
    if outcome_only and result.tie:
        # "Rejected: tied vote" would tell that the for and the against weighed the same.
        title = _.pgettext("outcome", "Rejected")
    if result.outcome is Outcome.NO_QUORUM:
        symbol, colour = WARNING_SYMBOL, INK
    elif result.winner is not None:
        symbol, colour = MET_SYMBOL, GREEN_INK
    else:
        symbol, colour = FAILED_SYMBOL, VERMILLION_INK
    y = sheet.title(y, symbol, title, coloured(TITLE, colour), 16) + 4
    question = ballot.draft.question
    y = sheet.paragraph(MARGIN_PX, y, question, QUESTION, CONTENT_PX, QUESTION_MAX_LINES)
    kind_line = _("{kind} — {members}, {voices}").format(
        kind=_kind(ballot, result.secret, _),
        members=members(result.electorate.heads, lang),
        voices=voices(result.electorate.weight, lang),
    )
    if ballot.reference is not None:
        kind_line = _("Deliberation {reference} — {details}").format(
            reference=ballot.reference, details=kind_line
        )
    sheet.text(MARGIN_PX, y + 8, sheet.fit(kind_line, SUBTLE, CONTENT_PX), SUBTLE)
    return y + 8 + SUBTLE.pitch


def _threshold_text(result: TallyResult, lang: str) -> str:
    _ = translator(lang)
    template = (
        _("absolute majority: {required} out of {base}")
        if result.is_election
        else _("majority: {required} out of {base}")
    )
    label = template.format(
        required=compared(result.threshold.comparison, voices(result.required, lang), _),
        base=majority_base(
            result.majority_base_kind, result.majority_base.weight, lang, result.written
        ),
    )
    if result.double_majority and result.required_heads is not None:
        label += _(" and {required_heads} out of {base_heads}").format(
            required_heads=compared(Comparison.AT_LEAST, members(result.required_heads, lang), _),
            base_heads=result.majority_base.heads,
        )
    return label


def _scale(
    sheet: Sheet, amounts: Sequence[tuple[Decimal, str]], style: Style, room: float
) -> float:
    """Pixels per voice such that every bar and the label after it fit in ``room``.

    Floats from here on are drawing coordinates only: no decision is taken on them.
    """
    limits: list[float] = []
    for amount, label in amounts:
        if amount > 0:
            free = room - LABEL_GAP_PX - sheet.width(label, style)
            limits.append(max(free, room * 0.05) / float(amount))
    return min(limits) if limits else room


def _option_values(
    result: TallyResult, options: Sequence[str], lang: str
) -> list[tuple[Decimal, str]]:
    """Each option's weight and the text after its bar."""
    _ = translator(lang)
    expressed_base = result.majority_base_kind is MajorityBase.EXPRESSED
    values: list[tuple[Decimal, str]] = []
    for option in options:
        count = result.totals[option]
        value = _amount(count, lang, result.secret)
        if option in NOT_EXPRESSED and expressed_base and count.heads:
            value = _.ngettext("{amount} (not cast)", "{amount} (not cast)", count.weight).format(
                amount=value
            )
        values.append((count.weight, value))
    return values


def _totals_panel(
    sheet: Sheet, y: float, result: TallyResult, names: Mapping[str, Name], lang: str
) -> float:
    options = _ordered_options(result.options)
    labels = [option_label(option, lang) for option in options]
    column = min(max(sheet.width(label, OPTION) for label in labels), CONTENT_PX * 0.3)
    labels = [sheet.fit(label, OPTION, column) for label in labels]
    x0 = MARGIN_PX + column + 20
    room = WIDTH_PX - MARGIN_PX - x0
    values = _option_values(result, options, lang)
    scale = _scale(sheet, values, AMOUNT, room)
    # Without quorum nothing was decided, so no majority line invites a reading; nor does an
    # election's third round, which a relative majority decides.
    relative = result.election_round == LAST_ROUND
    if result.outcome is not Outcome.NO_QUORUM and not relative:
        if result.required > 0:
            scale = min(scale, (room - 2) / float(result.required))
        line_x = x0 + scale * float(result.required)
        y = _majority_line(sheet, y, result, options, line_x, lang)
    colours = _option_colours(result.options)
    for index, (option, label, (amount, value)) in enumerate(
        zip(options, labels, values, strict=True)
    ):
        middle = y + index * OPTION_ROW_PX + OPTION_ROW_PX / 2
        length = max(scale * float(amount), 3.0)
        bar_top = middle - OPTION_BAR_PX / 2
        if option in NOT_EXPRESSED:
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
    chair = None if result.chair is None else _named(names, result.chair)
    for note in totals_notes(result, chair, lang):
        y = sheet.paragraph(MARGIN_PX, y, note, NOTE, CONTENT_PX, 2)
    return y


def _majority_line(
    sheet: Sheet,
    y: float,
    result: TallyResult,
    options: Sequence[str],
    line_x: float,
    lang: str,
) -> float:
    """The required majority in words above a dashed line across the expressed options."""
    lines = sheet.wrap(_threshold_text(result, lang), THRESHOLD, CONTENT_PX, 2)
    block = max(sheet.width(line, THRESHOLD) for line in lines)
    # Centred on the line, but never pushed off either edge of the image.
    centre = min(max(line_x, MARGIN_PX + block / 2), WIDTH_PX - MARGIN_PX - block / 2)
    for line in lines:
        sheet.text(centre, y, line, THRESHOLD, ha="center")
        y += THRESHOLD.pitch
    y += 2
    # The line crosses the expressed options only: abstention is never compared with it.
    expressed_rows = sum(1 for option in options if option not in NOT_EXPRESSED)
    sheet.line(line_x, y, line_x, y + 6 + expressed_rows * OPTION_ROW_PX, INK, 3, dashed=True)
    return y + 6


# --------------------------------------------------------------------------- each member


@dataclass(frozen=True)
class _Entry:
    """One member as the per-member panel shows it."""

    member: str
    name: Name
    weight: Decimal
    option: str | None
    absent: bool
    proxy: bool


def _named(names: Mapping[str, Name], member: str) -> Name:
    """The member's name on one line, or its id when it has none."""
    name = names.get(member)
    text = " ".join(name.text.split()) if name is not None else ""
    return Name(text, name.article) if name is not None and text else Name(member)


def _entries(ballot: Ballot, votes: Mapping[str, str], names: Mapping[str, Name]) -> list[_Entry]:
    """Members sorted by vote (in the order of the options, non-voters last), then weight."""
    electorate = ballot.electorate
    assert electorate is not None  # a closed ballot was opened with its electorate
    written = ballot.draft.mode is BallotMode.WRITTEN
    options = _ordered_options(ballot.draft.options)
    entries = [
        _Entry(
            member=member,
            name=_named(names, member),
            weight=amount,
            option=votes.get(member),
            # A written consultation has no attendance: whoever did not answer did not vote.
            absent=not written and not electorate.can_vote(member) and member not in votes,
            proxy=not written and member in electorate.proxies,
        )
        for member, amount in electorate.weights.items()
    ]

    def order(entry: _Entry) -> tuple[int, Decimal, str, str]:
        if entry.option is not None:
            group = options.index(entry.option)
        else:
            group = len(options) + (1 if entry.absent else 0)
        return (group, -entry.weight, str(entry.name).casefold(), entry.member)

    return sorted(entries, key=order)


def _silent_status(absent: bool, _: Translator) -> str:
    return _("Absent") if absent else _("Did not vote")


def _entry_face(entry: _Entry, colours: Mapping[str, str]) -> str:
    if entry.option is not None:
        return colours[entry.option]
    return ABSENT_COLOUR if entry.absent else NO_VOTE_COLOUR


def _member_rows(
    sheet: Sheet, y: float, entries: Sequence[_Entry], colours: Mapping[str, str], lang: str
) -> float:
    _ = translator(lang)
    heading = _("How each member voted (bar length: its weight in votes)")
    sheet.text(MARGIN_PX, y, sheet.fit(heading, HEADING, CONTENT_PX), HEADING)
    y += HEADING.pitch + 6

    suffix = _(" (proxy)")
    column_cap = CONTENT_PX * 0.42
    labels: list[str] = []
    for entry in entries:
        # The "(pouvoir)" suffix must survive when a long name is shortened.
        reserve = sheet.width(suffix, MEMBER) if entry.proxy else 0.0
        label = sheet.fit(str(entry.name), MEMBER, column_cap - reserve)
        labels.append(label + suffix if entry.proxy else label)
    column = max(sheet.width(label, MEMBER) for label in labels) if labels else 0.0
    x0 = MARGIN_PX + column + 16
    values = [
        (
            entry.weight,
            _("{status} · {voices}").format(
                status=option_label(entry.option, lang)
                if entry.option is not None
                else _silent_status(entry.absent, _),
                voices=voices(entry.weight, lang),
            ),
        )
        for entry in entries
    ]
    scale = _scale(sheet, values, MEMBER, WIDTH_PX - MARGIN_PX - x0)

    for index, (entry, label, (amount, value)) in enumerate(
        zip(entries, labels, values, strict=True)
    ):
        middle = y + index * MEMBER_ROW_PX + MEMBER_ROW_PX / 2
        length = max(scale * float(amount), 3.0)
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
        sheet.text(x0 - 16, middle, label, MEMBER, ha="right", va="center")
        sheet.text(x0 + length + LABEL_GAP_PX, middle, value, MEMBER, va="center")
    return y + len(entries) * MEMBER_ROW_PX + 6


def _member_strip(
    sheet: Sheet,
    y: float,
    entries: Sequence[_Entry],
    result: TallyResult,
    colours: Mapping[str, str],
    lang: str,
) -> float:
    """Too many members for a label each: one bar of segments sorted by vote, and a legend."""
    _ = translator(lang)
    heading = _.ngettext(
        "How the {n} member voted: one segment per member, as wide as its weight",
        "How the {n} members voted: one segment per member, as wide as its weight",
        len(entries),
    )
    y = sheet.paragraph(MARGIN_PX, y, heading.format(n=len(entries)), HEADING, CONTENT_PX, 2)
    y = _strip(sheet, y + 6, entries, float(result.electorate.weight), colours)
    return sheet.legend(y, _strip_legend(entries, result, colours, lang), MEMBER) + 4


def _strip(
    sheet: Sheet, y: float, entries: Sequence[_Entry], total: float, colours: Mapping[str, str]
) -> float:
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
    return y + STRIP_PX + 3 + RUG_PX + 12


def _strip_legend(
    entries: Sequence[_Entry], result: TallyResult, colours: Mapping[str, str], lang: str
) -> list[LegendItem]:
    _ = translator(lang)

    def label(status: str, heads: int, amount: Decimal) -> str:
        return _("{label}: {members}, {voices}").format(
            label=status, members=members(heads, lang), voices=voices(amount, lang)
        )

    items: list[LegendItem] = []
    for option in _ordered_options(result.options):
        count = result.totals[option]
        items.append(
            LegendItem(
                colours[option], label(option_label(option, lang), count.heads, count.weight)
            )
        )
    for absent in (False, True):
        silent = [e for e in entries if e.option is None and e.absent is absent]
        if silent:
            amount = sum((e.weight for e in silent), Decimal(0))
            text = label(_silent_status(absent, _), len(silent), amount)
            items.append(LegendItem(ABSENT_COLOUR if absent else NO_VOTE_COLOUR, text))
    proxies = sum(1 for e in entries if e.proxy)
    if proxies:
        text = _("mark under the segment: vote by proxy, {members}").format(
            members=members(proxies, lang)
        )
        items.append(LegendItem(INK, text, rug=True))
    return items


# --------------------------------------------------------------------------- proxies and footer


def _proxy_pair(giver: Name, holder: Name, first: bool, _: Translator) -> str:
    # French capitalises the article of the first giver only: "Le Département … ; le …".
    if first:
        template = _.pgettext("proxy, starting a sentence", "{giver} gave its proxy to {holder}")
    else:
        template = _.pgettext("proxy, after a semicolon", "{giver} gave its proxy to {holder}")
    return template.format(giver=giver, holder=holder)


def _proxy_note(
    sheet: Sheet,
    y: float,
    ballot: Ballot,
    entries: Sequence[_Entry],
    names: Mapping[str, Name],
    lang: str,
) -> float:
    """Who carried whose vote, as the minutes must say it."""
    electorate = ballot.electorate
    givers = [entry for entry in entries if entry.proxy]
    if electorate is None or not givers or len(entries) > MAX_MEMBER_ROWS:
        return y
    _ = translator(lang)
    pairs = [
        _proxy_pair(entry.name, _named(names, electorate.proxies[entry.member]), index == 0, _)
        for index, entry in enumerate(givers)
    ]
    listing = _.pgettext("between the clauses of a list", "; ").join(pairs)
    text = _("Hatched: vote by proxy. {pairs}.").format(pairs=listing)
    return sheet.paragraph(MARGIN_PX, y + 4, text, NOTE, CONTENT_PX, 3)


def _footer(sheet: Sheet, y: float, result: TallyResult, lang: str) -> float:
    _ = translator(lang)
    sheet.line(MARGIN_PX, y, WIDTH_PX - MARGIN_PX, y, RULE_COLOUR, 1.5)
    turnout = _("Turnout: {voted}/{total}, {voices} out of {total_weight}").format(
        voted=result.voted.heads,
        total=members(result.electorate.heads, lang),
        voices=voices(result.voted.weight, lang),
        total_weight=weight(result.electorate.weight, lang),
    )
    y = sheet.paragraph(MARGIN_PX, y + 14, turnout, FOOTER, CONTENT_PX, 2)
    return sheet.paragraph(MARGIN_PX, y, quorum_line(result.quorum, lang), FOOTER, CONTENT_PX, 3)
