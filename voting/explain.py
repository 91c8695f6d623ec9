"""One-sentence explanations of a tally, in French or English, for minutes and chats.

Numbers follow each language's usage through Babel ("9,5 voix" in French).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from babel.numbers import format_decimal

from voting.rules import Comparison
from voting.tally import AGAINST, FOR, Outcome, QuorumReport, TallyResult

_LOCALES = {"fr": "fr_FR", "en": "en_GB"}

_TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "at_least": "au moins",
        "more_than": "plus de",
        "base.expressed": "exprimées",
        "base.present_or_represented": "présentes ou représentées",
        "base.all_members": "au total",
        "adopted": "Adoptée : {for_} voix pour sur {base} {base_kind}, majorité requise : {cmp} {req} voix",
        "rejected": "Rejetée : {for_} voix pour sur {base} {base_kind}, majorité requise : {cmp} {req} voix",
        "double": " et {cmp} {req_heads} sur {base_heads}",
        "casting_for": (
            "Adoptée par la voix prépondérante du président : partage égal, "
            "{for_} voix pour et {against} contre sur {base} {base_kind}"
        ),
        "casting_against": (
            "Rejetée par la voix prépondérante du président : partage égal, "
            "{for_} voix pour et {against} contre sur {base} {base_kind}"
        ),
        "tie_rejected": (
            "Rejetée : partage égal, {for_} voix pour et {against} contre "
            "sur {base} {base_kind}, sans voix prépondérante"
        ),
        "tie_secret": " (scrutin secret)",
        "chosen": "Retenu : « {winner} » avec {amount} voix sur {base} {base_kind}, "
        "majorité requise : {cmp} {req} voix",
        "chosen_casting": "Retenu par la voix prépondérante du président : « {winner} », "
        "partage égal à {amount} voix sur {base} {base_kind}",
        "none_chosen": "Aucun choix ne réunit la majorité requise ({cmp} {req} voix "
        "sur {base} {base_kind})",
        "no_quorum": "Quorum non atteint : {members} et {weight} voix {counted} ; requis : {required}",
        "counted.present": "présents",
        "counted.present_or_represented": "présents ou représentés",
        "req_members": "{cmp} {n}",
        "req_weight": "{cmp} {w} voix",
        "and": " et ",
        "option.for": "Pour",
        "option.against": "Contre",
        "option.abstain": "Abstention",
        "outcome.adopted": "adoptée",
        "outcome.rejected": "rejetée",
        "outcome.no_quorum": "quorum non atteint",
        "summary.outcome": "Résultat : {outcome}",
        "summary.casting": " (voix prépondérante du président)",
        "summary.line": "{label} : {weight} voix ({heads})",
        "summary.expressed": "Suffrages exprimés",
        "summary.participation": "Participation : {heads} sur {total_heads}, {weight} voix sur {total_weight}",
        "summary.quorum_met": "Quorum atteint : {members} sur {total_members}, {weight} voix sur {total_weight} {counted}",
        "summary.quorum_required": " (requis : {required})",
        "summary.quorum_waived": "Quorum non requis (seconde convocation) : {members} sur {total_members}, {weight} voix sur {total_weight} {counted}",
        "summary.quorum_none": "Pas de quorum requis : {members} sur {total_members}, {weight} voix sur {total_weight} {counted}",
        "members.one": "{n} membre",
        "members.many": "{n} membres",
    },
    "en": {
        "at_least": "at least",
        "more_than": "more than",
        "base.expressed": "cast",
        "base.present_or_represented": "present or represented",
        "base.all_members": "in all",
        "adopted": "Adopted: {for_} votes for out of {base} {base_kind}, required majority: {cmp} {req} votes",
        "rejected": "Rejected: {for_} votes for out of {base} {base_kind}, required majority: {cmp} {req} votes",
        "double": " and {cmp} {req_heads} out of {base_heads}",
        "casting_for": (
            "Adopted by the chair's casting vote: tie, "
            "{for_} votes for and {against} against out of {base} {base_kind}"
        ),
        "casting_against": (
            "Rejected by the chair's casting vote: tie, "
            "{for_} votes for and {against} against out of {base} {base_kind}"
        ),
        "tie_rejected": (
            "Rejected: tie, {for_} votes for and {against} against "
            "out of {base} {base_kind}, no casting vote"
        ),
        "tie_secret": " (secret ballot)",
        "chosen": "Chosen: “{winner}” with {amount} votes out of {base} {base_kind}, "
        "required majority: {cmp} {req} votes",
        "chosen_casting": "Chosen by the chair's casting vote: “{winner}”, "
        "tied at {amount} votes out of {base} {base_kind}",
        "none_chosen": "No choice has the required majority ({cmp} {req} votes "
        "out of {base} {base_kind})",
        "no_quorum": "No quorum: {members} and {weight} votes {counted}; required: {required}",
        "counted.present": "present",
        "counted.present_or_represented": "present or represented",
        "req_members": "{cmp} {n}",
        "req_weight": "{cmp} {w} votes",
        "and": " and ",
        "option.for": "For",
        "option.against": "Against",
        "option.abstain": "Abstain",
        "outcome.adopted": "adopted",
        "outcome.rejected": "rejected",
        "outcome.no_quorum": "no quorum",
        "summary.outcome": "Result: {outcome}",
        "summary.casting": " (chair's casting vote)",
        "summary.line": "{label}: {weight} votes ({heads})",
        "summary.expressed": "Votes cast",
        "summary.participation": "Turnout: {heads} out of {total_heads}, {weight} votes out of {total_weight}",
        "summary.quorum_met": "Quorum met: {members} out of {total_members}, {weight} votes out of {total_weight} {counted}",
        "summary.quorum_required": " (required: {required})",
        "summary.quorum_waived": "Quorum not required (second convocation): {members} out of {total_members}, {weight} votes out of {total_weight} {counted}",
        "summary.quorum_none": "No quorum required: {members} out of {total_members}, {weight} votes out of {total_weight} {counted}",
        "members.one": "{n} member",
        "members.many": "{n} members",
    },
}


def language_of(locale: str | None) -> str:
    """``fr``/``en`` from a locale such as ``fr_FR`` or Telegram's ``en-US``."""
    code = (locale or "fr").replace("-", "_").split("_")[0].lower()
    return code if code in _TEXT else "fr"


def format_weight(amount: Decimal | int, language: str = "fr") -> str:
    """A weight as people write it: ``4,5`` in French, ``4.5`` in English.

    Display only: a threshold such as 2/3 of 16 shows two decimals at most.
    """
    value = Decimal(amount)
    if value != value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN):
        value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return format_decimal(value, locale=_LOCALES[language_of(language)], decimal_quantization=False)


def _comparison(language: str, comparison: Comparison) -> str:
    return _TEXT[language][comparison.value]


def explain_quorum(quorum: QuorumReport, language: str = "fr") -> str:
    lang = language_of(language)
    text = _TEXT[lang]
    return text["no_quorum"].format(
        members=members_text(quorum.members, lang),
        weight=format_weight(quorum.weight, lang),
        counted=text[f"counted.{quorum.counts.value}"],
        required=_required_quorum(quorum, lang),
    )


def explain(result: TallyResult, language: str = "fr") -> str:
    """The outcome and the figures that decided it, in one sentence."""
    lang = language_of(language)
    text = _TEXT[lang]
    if result.outcome is Outcome.NO_QUORUM:
        return explain_quorum(result.quorum, lang) + "."
    fields = {
        "base": format_weight(result.majority_base.weight, lang),
        "base_kind": text[f"base.{result.majority_base_kind.value}"],
        "cmp": _comparison(lang, result.threshold.comparison),
        "req": format_weight(result.required, lang),
    }
    double = ""
    if result.double_majority and result.required_heads is not None:
        double = text["double"].format(
            cmp=text["at_least"],
            req_heads=members_text(result.required_heads, lang),
            base_heads=result.majority_base.heads,
        )
    if result.is_motion:
        fields["for_"] = format_weight(result.totals[FOR].weight, lang)
        fields["against"] = format_weight(result.totals[AGAINST].weight, lang)
        if result.casting_vote_used:
            key = "casting_for" if result.outcome is Outcome.ADOPTED else "casting_against"
            return text[key].format(**fields) + "."
        if result.tie:
            secret = text["tie_secret"] if result.secret else ""
            return text["tie_rejected"].format(**fields) + secret + "."
        key = "adopted" if result.outcome is Outcome.ADOPTED else "rejected"
        return text[key].format(**fields) + double + "."
    if result.winner is not None:
        fields["winner"] = result.winner
        fields["amount"] = format_weight(result.totals[result.winner].weight, lang)
        key = "chosen_casting" if result.casting_vote_used else "chosen"
        return text[key].format(**fields) + ("" if result.casting_vote_used else double) + "."
    return text["none_chosen"].format(**fields) + double + "."


def members_text(count: int, language: str = "fr") -> str:
    """``1 membre``, ``0 membre``, ``2 membres``: French keeps 0 and 1 singular."""
    lang = language_of(language)
    singular = count <= 1 if lang == "fr" else count == 1
    return _TEXT[lang]["members.one" if singular else "members.many"].format(n=count)


def option_label(option: str, language: str = "fr") -> str:
    """``Pour``/``Contre``/``Abstention`` for a motion; a named choice stays as it is."""
    return _TEXT[language_of(language)].get(f"option.{option}", option)


def _required_quorum(quorum: QuorumReport, lang: str) -> str:
    text = _TEXT[lang]
    parts: list[str] = []
    if quorum.required_members is not None:
        parts.append(
            text["req_members"].format(
                cmp=text["at_least"], n=members_text(quorum.required_members, lang)
            )
        )
    if quorum.required_weight is not None and quorum.threshold is not None:
        parts.append(
            text["req_weight"].format(
                cmp=_comparison(lang, quorum.threshold.comparison),
                w=format_weight(quorum.required_weight, lang),
            )
        )
    return text["and"].join(parts)


def quorum_line(quorum: QuorumReport, language: str = "fr") -> str:
    """The quorum worked out in figures, as the minutes state it."""
    lang = language_of(language)
    text = _TEXT[lang]
    fields = {
        "members": members_text(quorum.members, lang),
        "total_members": quorum.total_members,
        "weight": format_weight(quorum.weight, lang),
        "total_weight": format_weight(quorum.total_weight, lang),
        "counted": text[f"counted.{quorum.counts.value}"],
    }
    if quorum.threshold is None:
        return text["summary.quorum_none"].format(**fields)
    required = text["summary.quorum_required"].format(required=_required_quorum(quorum, lang))
    if quorum.second_convocation:
        return text["summary.quorum_waived"].format(**fields) + required
    if not quorum.met:
        return explain_quorum(quorum, lang)
    return text["summary.quorum_met"].format(**fields) + required


def summary_lines(result: TallyResult, language: str = "fr") -> list[str]:
    """A human summary of a result: outcome, quorum, totals per option, participation."""
    lang = language_of(language)
    text = _TEXT[lang]
    outcome = text[f"outcome.{result.outcome.value}"]
    if result.casting_vote_used:
        outcome += text["summary.casting"]
    lines = [text["summary.outcome"].format(outcome=outcome), explain(result, lang)]
    lines.append(quorum_line(result.quorum, lang))
    for option, count in result.totals.items():
        lines.append(
            text["summary.line"].format(
                label=option_label(option, lang),
                weight=format_weight(count.weight, lang),
                heads=members_text(count.heads, lang),
            )
        )
    lines.append(
        text["summary.line"].format(
            label=text["summary.expressed"],
            weight=format_weight(result.expressed.weight, lang),
            heads=members_text(result.expressed.heads, lang),
        )
    )
    lines.append(
        text["summary.participation"].format(
            heads=members_text(result.voted.heads, lang),
            total_heads=result.electorate.heads,
            weight=format_weight(result.voted.weight, lang),
            total_weight=format_weight(result.electorate.weight, lang),
        )
    )
    return lines
