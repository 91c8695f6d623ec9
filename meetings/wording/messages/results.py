"""A closed ballot's result in words, written once per language for every reader of it.

The result is always written from the result the store kept at closing. A public ballot's
roll call goes with it while the whole fits in one Telegram message; beyond that (from about
sixty members) the result message gives the outcome and the figures, and the roll call
follows grouped by option, split on line boundaries in as few messages as it needs. Voters
read the result in private without the long roll call: ``/resultats`` gives it to whoever
asks, and the group has it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from config.models import Groupement
from meetings.disclosure import outcome_only
from meetings.wording.explain import figures, option_label, published_explanation, quorum_line
from meetings.wording.formats import members, name_of, quoted, voices, weight
from meetings.wording.i18n import Translator, translator
from voting.ballot import Ballot
from voting.tally import Outcome

MESSAGE_LIMIT = 4096
"""Telegram's limit for the text of one message."""
CAPTION_LIMIT = 1024
"""Telegram's limit for a photo's or a document's caption."""


def telegram_length(text: str) -> int:
    """The length Telegram counts: UTF-16 code units, so an emoji may count twice."""
    return len(text.encode("utf-16-le")) // 2


def shortened(text: str, limit: int) -> str:
    """``text`` cut at a word to fit ``limit``, with an ellipsis; unchanged if it fits."""
    if telegram_length(text) <= limit:
        return text
    cut = text[: limit - 1]
    while telegram_length(cut) > limit - 1:
        cut = cut[:-1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


@dataclass(frozen=True)
class ResultWords:
    """A closed ballot's result in one language."""

    text: str
    """The result; with its roll call when the whole fits in one message."""
    roll_call: tuple[str, ...]
    """The roll call in messages of its own, when it did not fit: after :attr:`text`."""
    brief: str
    """What a voter reads in private: :attr:`text`, or, where the roll call is apart, the
    result with a line that says how to read it."""

    @property
    def messages(self) -> tuple[str, ...]:
        """The result then its roll call: for the groups and for whoever asks."""
        return (self.text, *self.roll_call)


def result_words(
    ballot: Ballot, groupement: Groupement, votes: Mapping[str, str], language: str
) -> ResultWords:
    """The result in ``language``: built once, sent to every reader of that language."""
    _ = translator(language)
    summary = _summary(ballot, groupement, language)
    if ballot.secret or not votes:
        return ResultWords(summary, (), summary)
    entries = _entries(ballot, groupement, votes, language)
    inline = "\n".join(
        [summary, "", _("How each member voted (public ballot):"), *_inline_lines(entries, _)]
    )
    if telegram_length(inline) <= MESSAGE_LIMIT:
        return ResultWords(inline, (), inline)
    roll_call = _roll_call(ballot, entries, language)
    follows = _.ngettext(
        "How each member voted (public ballot): in {n} message below.",
        "How each member voted (public ballot): in {n} messages below.",
        len(roll_call),
    ).format(n=len(roll_call))
    elsewhere = _(
        "How each member voted (public ballot): too long for this message; "
        "send /resultats {number} to the bot to read it."
    ).format(number=ballot.id)
    return ResultWords(f"{summary}\n\n{follows}", roll_call, f"{summary}\n\n{elsewhere}")


def result_text(
    ballot: Ballot, groupement: Groupement, votes: Mapping[str, str], language: str
) -> str:
    """The result message itself (:attr:`ResultWords.text`)."""
    return result_words(ballot, groupement, votes, language).text


def chart_caption(ballot: Ballot, groupement: Groupement, language: str) -> str:
    """The caption of the result chart: the deliberation's number, then the explanation."""
    _ = translator(language)
    assert ballot.result is not None, "only a closed ballot has a chart"
    hidden = outcome_only(groupement, ballot)
    explanation = published_explanation(ballot.result, language, outcome_only=hidden)
    if ballot.reference is not None:
        explanation = _("Deliberation {reference} — {explanation}").format(
            reference=ballot.reference, explanation=explanation
        )
    return shortened(explanation, CAPTION_LIMIT)


def _summary(ballot: Ballot, groupement: Groupement, language: str) -> str:
    """Heading, question, outcome, quorum and figures: everything but the roll call."""
    _ = translator(language)
    result = ballot.result
    assert result is not None, "only a closed ballot has a result"
    where = {
        "number": ballot.id,
        "instance": groupement.instance(ballot.draft.instance_id).name,
        "groupement": groupement.name,
    }
    if ballot.reference is None:
        heading = _("Result of ballot no. {number} — {instance}, {groupement}").format(**where)
    else:
        heading = _(
            "Result of ballot no. {number}, deliberation {reference} — {instance}, {groupement}"
        ).format(reference=ballot.reference, **where)
    hidden = outcome_only(groupement, ballot)
    lines = ["📊 " + heading, quoted(ballot.draft.question, language), ""]
    lines.append(published_explanation(result, language, outcome_only=hidden))
    if result.outcome is not Outcome.NO_QUORUM:
        lines.append(quorum_line(result.quorum, language) + ".")
    lines += ["", *figures(result, language, outcome_only=hidden)]
    # The question is at most 500 characters: this never needs cutting, short of a bug.
    return shortened("\n".join(lines), MESSAGE_LIMIT)


@dataclass(frozen=True)
class _Entry:
    """One member who voted, as the roll call names it."""

    name: str
    weight: str
    option: str
    label: str
    proxy_note: str


def _entries(
    ballot: Ballot, groupement: Groupement, votes: Mapping[str, str], language: str
) -> list[_Entry]:
    """The voters in the electorate's order; each figure and label formatted once."""
    _ = translator(language)
    electorate = ballot.electorate
    assert electorate is not None
    weights: dict[Decimal, str] = {}
    labels: dict[str, str] = {}
    proxy = _("(by proxy, cast by {holder})")
    entries = []
    for member in electorate.members:
        option = votes.get(member)
        if option is None:
            continue
        amount = electorate.weights[member]
        if amount not in weights:
            weights[amount] = weight(amount, language)
        if option not in labels:
            labels[option] = option_label(option, language)
        holder = electorate.proxies.get(member)
        note = "" if holder is None else proxy.format(holder=name_of(groupement, holder))
        name = str(name_of(groupement, member))
        entries.append(_Entry(name, weights[amount], option, labels[option], note))
    return entries


def _inline_lines(entries: Sequence[_Entry], _: Translator) -> list[str]:
    template = _("• {member} ({weight}): {option}")
    lines = []
    for entry in entries:
        line = template.format(member=entry.name, weight=entry.weight, option=entry.label)
        lines.append(f"{line} {entry.proxy_note}" if entry.proxy_note else line)
    return lines


def _roll_call(ballot: Ballot, entries: Sequence[_Entry], language: str) -> tuple[str, ...]:
    """The roll call grouped by option, each message headed "(2/5)", split between lines."""
    _ = translator(language)
    result = ballot.result
    assert result is not None
    member_line = _("• {member} ({weight})")
    rows: list[tuple[str, str]] = []
    """(line, the heading of its option), in reading order."""
    for option in result.options:
        chosen = [entry for entry in entries if entry.option == option]
        if not chosen:
            continue
        label = option_label(option, language)
        count = result.totals[option]
        heading = _("{option} — {members}, {votes}:").format(
            option=label,
            members=members(count.heads, language),
            votes=voices(count.weight, language),
        )
        continued = _("{option} (continued):").format(option=label)
        rows.append((heading, ""))
        for entry in chosen:
            line = member_line.format(member=entry.name, weight=entry.weight)
            rows.append((f"{line} {entry.proxy_note}" if entry.proxy_note else line, continued))
    title = _("Ballot no. {number} — how each member voted ({part}/{parts})")
    widest = "📋 " + title.format(number=ballot.id, part=999, parts=999)
    parts = packed(rows, MESSAGE_LIMIT - telegram_length(widest) - 1)
    return tuple(
        "\n".join(["📋 " + title.format(number=ballot.id, part=index, parts=len(parts)), *part])
        for index, part in enumerate(parts, start=1)
    )


def packed(rows: Sequence[tuple[str, str]], room: int) -> list[list[str]]:
    """Lines into as few messages of at most ``room`` as they fit in, split between lines.

    A message that starts within an option repeats its name ("Pour (suite) :"); an option's
    heading never ends a message without one of its members after it.
    """
    parts: list[list[str]] = []
    current: list[str] = []
    used = 0
    for index, (line, continued) in enumerate(rows):
        needed = telegram_length(line) + 1
        if not continued and index + 1 < len(rows):
            needed += telegram_length(rows[index + 1][0]) + 1
        if current and used + needed > room:
            parts.append(current)
            current, used = [], 0
            if continued:
                current.append(continued)
                used = telegram_length(continued) + 1
        current.append(line)
        used += telegram_length(line) + 1
    if current:
        parts.append(current)
    return parts


NAMES_SHOWN = 10
"""Names listed in the coordinator's report; the rest are counted."""


def listed(names: Sequence[str], language: str, limit: int = NAMES_SHOWN) -> str:
    """``A, B, C`` or, beyond ``limit``, ``A, B, … and 12 others``."""
    _ = translator(language)
    shown = ", ".join(names[:limit])
    more = len(names) - limit
    if more <= 0:
        return shown
    return _.ngettext("{names} and {more} other", "{names} and {more} others", more).format(
        names=shown, more=more
    )


def publication_report(
    number: int,
    posted_in: Sequence[str],
    refused_by: Sequence[str],
    reached: int,
    unreached: Sequence[str],
    chart_failed: bool,
    language: str,
) -> str:
    """What the coordinator who closed ballot ``number`` is told: where the result went, and
    what failed. ``posted_in``/``refused_by``: group titles; ``unreached``: voters' names."""
    _ = translator(language)
    if refused_by or unreached or chart_failed:
        first = _("Ballot no. {number} is closed, but its result did not reach everyone.")
    else:
        first = _("Ballot no. {number} is closed; the result was posted.")
    lines = [first.format(number=number)]
    if posted_in:
        lines.append(
            _.ngettext(
                "Posted in the group {groups}.", "Posted in the groups {groups}.", len(posted_in)
            ).format(groups=listed([quoted(t, language) for t in posted_in], language))
        )
    if refused_by:
        lines.append(
            _.ngettext(
                "Refused by the group {groups}: check that the bot may still post there.",
                "Refused by the groups {groups}: check that the bot may still post there.",
                len(refused_by),
            ).format(groups=listed([quoted(t, language) for t in refused_by], language))
        )
    voters = reached + len(unreached)
    if voters:
        lines.append(
            _.ngettext(
                "Sent in private to {reached} voter out of {voters}.",
                "Sent in private to {reached} voters out of {voters}.",
                reached,
            ).format(reached=reached, voters=voters)
        )
    if unreached:
        lines.append(
            _.ngettext(
                "Not reached ({count}): {names}.", "Not reached ({count}): {names}.", len(unreached)
            ).format(count=len(unreached), names=listed(unreached, language))
        )
    if chart_failed:
        lines.append(_("The result's chart could not be sent."))
    return shortened("\n".join(lines), MESSAGE_LIMIT)
