"""The sentences that explain a tally, for the chat, the charts and the minutes.

"Adoptée : 9 voix pour sur 13 exprimées, majorité requise : plus de 6,5 voix." Each
sentence is built from the figures of a :class:`~voting.tally.TallyResult`, the one the
ballot store kept at closing, in the reader's language.
"""

from __future__ import annotations

from decimal import Decimal

from meetings.wording.election import election_outcome, election_title, explain_election
from meetings.wording.formats import members, quoted, voices, weight
from meetings.wording.i18n import N_, Translator, translator
from voting.rules import Comparison, MajorityBase, QuorumCounts
from voting.tally import ABSTAIN, AGAINST, BLANK, FOR, Outcome, QuorumReport, TallyResult

OPTION_LABELS = {
    FOR: N_("For"),
    AGAINST: N_("Against"),
    ABSTAIN: N_("Abstain"),
    BLANK: N_("Blank or spoilt"),
}
OUTCOME_LABELS = {
    Outcome.ADOPTED: N_("adopted"),
    Outcome.REJECTED: N_("rejected"),
    Outcome.NO_QUORUM: N_("no quorum"),
}


def option_label(option: str, language: str = "fr") -> str:
    """``Pour``/``Contre``/``Abstention`` for a motion; a named choice stays as it is."""
    label = OPTION_LABELS.get(option)
    return option if label is None else translator(language)(label)


def compared(comparison: Comparison, amount: str, _: Translator) -> str:
    """``au moins 5 membres``, ``plus de 7,5 voix``."""
    if comparison is Comparison.AT_LEAST:
        return _("at least {amount}").format(amount=amount)
    return _("more than {amount}").format(amount=amount)


def both(first: str, second: str, _: Translator) -> str:
    return _("{first} and {second}").format(first=first, second=second)


def majority_base(kind: MajorityBase, amount: Decimal, language: str, written: bool = False) -> str:
    """``13 exprimées``, ``15 présentes ou représentées``, ``15 au total``: the votes counted.

    In a written consultation nobody is present: the base is the members who took part.
    """
    _ = translator(language)
    shown = weight(amount, language)
    if kind is MajorityBase.EXPRESSED:
        return _.ngettext("{weight} cast", "{weight} cast", amount).format(weight=shown)
    if kind is MajorityBase.PRESENT_OR_REPRESENTED and written:
        return _.ngettext(
            "{weight} of the members who took part", "{weight} of the members who took part", amount
        ).format(weight=shown)
    if kind is MajorityBase.PRESENT_OR_REPRESENTED:
        return _.ngettext(
            "{weight} present or represented", "{weight} present or represented", amount
        ).format(weight=shown)
    return _("{weight} in all").format(weight=shown)


def counted(counts: QuorumCounts, language: str) -> str:
    """Who the quorum counts: ``présents`` or ``présents ou représentés``."""
    _ = translator(language)
    if counts is QuorumCounts.TAKING_PART:
        return _.pgettext("members", "who took part")
    if counts is QuorumCounts.PRESENT:
        return _.pgettext("members", "present")
    return _.pgettext("members", "present or represented")


def required_quorum(quorum: QuorumReport, language: str, *, failed_only: bool = False) -> str:
    """``au moins 5 membres et au moins 7,5 voix``: what the quorum needs.

    With ``failed_only``, only the requirements that were not reached: a quorum missed by
    its weight alone does not blame its headcount.
    """
    _ = translator(language)
    parts: list[str] = []
    if quorum.required_members is not None and (not failed_only or quorum.short_of_members):
        parts.append(compared(Comparison.AT_LEAST, members(quorum.required_members, language), _))
    if (
        quorum.required_weight is not None
        and quorum.threshold is not None
        and (not failed_only or quorum.short_of_weight)
    ):
        parts.append(
            compared(quorum.threshold.comparison, voices(quorum.required_weight, language), _)
        )
    return both(parts[0], parts[1], _) if len(parts) == 2 else "".join(parts)


def explain_quorum(quorum: QuorumReport, language: str = "fr") -> str:
    """``Quorum non atteint : 4 membres et 6 voix présents ou représentés ; requis : …``,
    where what is required is only what was not reached."""
    _ = translator(language)
    if quorum.counts is QuorumCounts.TAKING_PART:
        return _.ngettext(
            "Consultation not valid: {members} of the {total_members} members consulted took "
            "part ({weight}); required: {required}",
            "Consultation not valid: {members} of the {total_members} members consulted took "
            "part ({weight}); required: {required}",
            quorum.members,
        ).format(
            members=members(quorum.members, language),
            total_members=quorum.total_members,
            weight=voices(quorum.weight, language),
            required=required_quorum(quorum, language),
        )
    return _("No quorum: {members} and {weight} {counted}; required: {required}").format(
        members=members(quorum.members, language),
        weight=voices(quorum.weight, language),
        counted=counted(quorum.counts, language),
        required=required_quorum(quorum, language, failed_only=True),
    )


def _double(result: TallyResult, language: str, _: Translator) -> str:
    if not result.double_majority or result.required_heads is None:
        return ""
    return _(" and {required_heads} out of {base_heads}").format(
        required_heads=compared(Comparison.AT_LEAST, members(result.required_heads, language), _),
        base_heads=result.majority_base.heads,
    )


def explain(result: TallyResult, language: str = "fr") -> str:
    """The outcome and the figures that decided it, in one sentence."""
    _ = translator(language)
    if result.outcome is Outcome.NO_QUORUM:
        return explain_quorum(result.quorum, language) + "."
    if result.is_election:
        return explain_election(result, language)
    base = majority_base(
        result.majority_base_kind, result.majority_base.weight, language, result.written
    )
    required = compared(result.threshold.comparison, voices(result.required, language), _)
    if result.is_motion and result.written and (result.tie or result.casting_vote_used):
        return _written_tie(result, base, language)
    if result.is_motion:
        fields = {
            "for_": voices(result.totals[FOR].weight, language),
            "against": weight(result.totals[AGAINST].weight, language),
            "base": base,
            "required": required,
        }
        if result.casting_vote_used:
            if result.outcome is Outcome.ADOPTED:
                text = _(
                    "Adopted by the chair's casting vote: tie, {for_} for and {against} "
                    "against out of {base}"
                )
            else:
                text = _(
                    "Rejected by the chair's casting vote: tie, {for_} for and {against} "
                    "against out of {base}"
                )
            return text.format(**fields) + "."
        if result.tie:
            text = _(
                "Rejected: tie, {for_} for and {against} against out of {base}, no casting vote"
            )
            secret = _(" (secret ballot)") if result.secret else ""
            return text.format(**fields) + secret + "."
        if _unanimity(result):
            return _explain_unanimity(result, fields, _)
        if result.outcome is Outcome.ADOPTED:
            text = _("Adopted: {for_} for out of {base}, required majority: {required}")
        else:
            text = _("Rejected: {for_} for out of {base}, required majority: {required}")
        return text.format(**fields) + _double(result, language, _) + "."
    if result.winner is not None:
        fields = {
            "winner": quoted(result.winner, language),
            "amount": voices(result.totals[result.winner].weight, language),
            "base": base,
            "required": required,
        }
        if result.casting_vote_used:
            text = _("Chosen by the chair's casting vote: {winner}, tied at {amount} out of {base}")
            return text.format(**fields) + "."
        text = _("Chosen: {winner} with {amount} out of {base}, required majority: {required}")
        return text.format(**fields) + _double(result, language, _) + "."
    text = _("No choice has the required majority ({required} out of {base})")
    return text.format(required=required, base=base) + _double(result, language, _) + "."


def _unanimity(result: TallyResult) -> bool:
    """All of the base, every member counted: the threshold is the whole."""
    threshold = result.threshold
    return (
        threshold.numerator == threshold.denominator
        and result.majority_base_kind is MajorityBase.ALL_MEMBERS
        and not result.double_majority
    )


def _explain_unanimity(result: TallyResult, fields: dict[str, str], _: Translator) -> str:
    """``Rejetée : l'unanimité est requise, 11 voix pour sur 12 au total.``"""
    if result.outcome is Outcome.ADOPTED:
        return _("Adopted unanimously: {for_} for out of {base}").format(**fields) + "."
    return _("Rejected: unanimity is required, {for_} for out of {base}").format(**fields) + "."


def _written_tie(result: TallyResult, base: str, language: str) -> str:
    """A tie in a written consultation: no chair, the instance's rule for consultations."""
    _ = translator(language)
    fields = {
        "for_": voices(result.totals[FOR].weight, language),
        "against": weight(result.totals[AGAINST].weight, language),
        "base": base,
    }
    if result.casting_vote_used and result.outcome is Outcome.ADOPTED:
        text = _(
            "Adopted by the coordinator's vote, as the instance's rules provide for a written "
            "consultation: tie, {for_} for and {against} against out of {base}"
        )
    elif result.casting_vote_used:
        text = _(
            "Rejected by the coordinator's vote, as the instance's rules provide for a written "
            "consultation: tie, {for_} for and {against} against out of {base}"
        )
    else:
        text = _(
            "Rejected: tie, {for_} for and {against} against out of {base}; in a written "
            "consultation a tie rejects the proposal"
        )
    return text.format(**fields) + "."


def quorum_line(quorum: QuorumReport, language: str = "fr") -> str:
    """The quorum worked out in figures, as the chat and the minutes state it."""
    _ = translator(language)
    fields = {
        "members": members(quorum.members, language),
        "total_members": quorum.total_members,
        "weight": voices(quorum.weight, language),
        "total_weight": weight(quorum.total_weight, language),
        "counted": counted(quorum.counts, language),
    }
    if quorum.counts is QuorumCounts.TAKING_PART:
        return _consultation_validity(quorum, language)
    if quorum.threshold is None:
        return _(
            "No quorum required: {members} out of {total_members}, {weight} out of "
            "{total_weight} {counted}"
        ).format(**fields)
    if quorum.second_convocation:
        # A second convocation decides without quorum: no requirement to quote.
        return _(
            "Quorum not required (second convocation): {members} out of {total_members}, "
            "{weight} out of {total_weight} {counted}"
        ).format(**fields)
    if not quorum.met:
        return explain_quorum(quorum, language)
    line = _(
        "Quorum met: {members} out of {total_members}, {weight} out of {total_weight} {counted}"
    ).format(**fields)
    required = required_quorum(quorum, language)
    return _("{line} (required: {required})").format(line=line, required=required)


def _consultation_validity(quorum: QuorumReport, language: str) -> str:
    """Whether enough of the members consulted took part in a written consultation."""
    _ = translator(language)
    if not quorum.met:
        return explain_quorum(quorum, language)
    line = _.ngettext(
        "Consultation valid: {members} of the {total_members} members consulted took part, "
        "{weight} out of {total_weight}",
        "Consultation valid: {members} of the {total_members} members consulted took part, "
        "{weight} out of {total_weight}",
        quorum.members,
    ).format(
        members=members(quorum.members, language),
        total_members=quorum.total_members,
        weight=voices(quorum.weight, language),
        total_weight=weight(quorum.total_weight, language),
    )
    return _("{line} (required: {required})").format(
        line=line, required=required_quorum(quorum, language)
    )


def outcome_label(result: TallyResult, language: str = "fr") -> str:
    """``adoptée``, ``rejetée``, ``adoptée (voix prépondérante du président)``."""
    _ = translator(language)
    if result.is_election and result.outcome is not Outcome.NO_QUORUM:
        return election_outcome(result, language)
    label = _(OUTCOME_LABELS[result.outcome])
    if result.casting_vote_used and result.written:
        return _("{outcome} (coordinator's vote)").format(outcome=label)
    if result.casting_vote_used:
        return _("{outcome} (chair's casting vote)").format(outcome=label)
    return label


def summary_lines(result: TallyResult, language: str = "fr") -> list[str]:
    """A human summary of a result: outcome, quorum, totals per option, participation."""
    _ = translator(language)
    return [
        _("Result: {outcome}").format(outcome=outcome_label(result, language)),
        explain(result, language),
        quorum_line(result.quorum, language),
        *figures(result, language),
    ]


def figures(result: TallyResult, language: str = "fr", *, outcome_only: bool = False) -> list[str]:
    """Each option's total, the votes cast and the turnout, in weight and in heads.

    A secret ballot gives each option's weight only: with weights as uneven as 4.5 / 2 / 1.5,
    an option's weight and headcount together tell how the largest members voted. Where its
    instance publishes the ``outcome_only``, it gives the turnout alone, which the
    participation shown during the ballot makes public anyway.
    """
    _ = translator(language)
    lines = []
    amounts = [(option_label(option, language), count) for option, count in result.totals.items()]
    amounts.append((_("Votes cast"), result.expressed))
    for label, count in [] if outcome_only else amounts:
        if result.secret:
            lines.append(
                _("{label}: {weight}").format(label=label, weight=voices(count.weight, language))
            )
            continue
        lines.append(
            _("{label}: {weight} ({heads})").format(
                label=label,
                weight=voices(count.weight, language),
                heads=members(count.heads, language),
            )
        )
    lines.append(
        _("Turnout: {heads} out of {total_heads}, {weight} out of {total_weight}").format(
            heads=members(result.voted.heads, language),
            total_heads=result.electorate.heads,
            weight=voices(result.voted.weight, language),
            total_weight=weight(result.electorate.weight, language),
        )
    )
    return lines


def explain_outcome(result: TallyResult, language: str = "fr") -> str:
    """The outcome of a secret ballot whose instance publishes the outcome only: whether the
    required majority was reached, with no option's figure (not even a tie, which would tell
    that the for and the against weighed the same)."""
    _ = translator(language)
    if result.outcome is Outcome.NO_QUORUM:
        # Presence is public: the quorum keeps its figures.
        return explain_quorum(result.quorum, language) + "."
    if result.is_election:
        return election_title(result, language) + "."
    if result.is_motion and result.outcome is Outcome.ADOPTED:
        return _("Adopted: the required majority is reached (secret ballot, outcome only).")
    if result.is_motion:
        return _("Rejected: the required majority is not reached (secret ballot, outcome only).")
    if result.winner is not None:
        return _(
            "Chosen: {winner}, with the required majority (secret ballot, outcome only)."
        ).format(winner=quoted(result.winner, language))
    return _("No choice has the required majority (secret ballot, outcome only).")


def published_explanation(result: TallyResult, language: str, *, outcome_only: bool) -> str:
    """:func:`explain`, or :func:`explain_outcome` where the instance publishes no figure."""
    return explain_outcome(result, language) if outcome_only else explain(result, language)
