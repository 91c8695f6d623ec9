"""The sentences of an election of a person: who is elected, at which round, and why.

"Mme Durand est élue au 2e tour avec 8 voix sur 15 exprimées, majorité absolue : plus de
7,5 voix." A name that starts with a feminine civility ("Mme") is said with a feminine
agreement in French; the English text is the same either way.
"""

from __future__ import annotations

from meetings.wording.formats import voices, weight
from meetings.wording.i18n import N_, Translator, translator
from voting.tally import TallyResult

ROUNDS = {1: N_("first round"), 2: N_("second round"), 3: N_("third round")}
FEMININE_CIVILITIES = frozenset({"mme", "mme.", "madame", "mlle", "mlle.", "mrs", "mrs.", "ms"})


def round_label(round_number: int, language: str = "fr") -> str:
    """``1er tour``, ``2e tour``, ``3e tour``."""
    return translator(language)(ROUNDS[round_number])


def is_feminine(name: str) -> bool:
    words = name.split()
    return bool(words) and words[0].lower() in FEMININE_CIVILITIES


def _elected_sentence(result: TallyResult, winner: str, _: Translator) -> str:
    """The sentence's template, agreeing with the winner: "élue" for "Mme X", else "élu"."""
    feminine = is_feminine(winner)
    if result.decided_by_age:
        if feminine:
            return _.pgettext(
                "feminine",
                "{winner} is elected at the {round} as the oldest of the candidates tied "
                "with {amount} out of {base}",
            )
        return _(
            "{winner} is elected at the {round} as the oldest of the candidates tied "
            "with {amount} out of {base}"
        )
    if result.election_round is not None and result.election_round < len(ROUNDS):
        if feminine:
            return _.pgettext(
                "feminine",
                "{winner} is elected at the {round} with {amount} out of {base}, "
                "absolute majority: {required}",
            )
        return _(
            "{winner} is elected at the {round} with {amount} out of {base}, "
            "absolute majority: {required}"
        )
    if feminine:
        return _.pgettext(
            "feminine",
            "{winner} is elected at the {round} by relative majority with {amount} out of {base}",
        )
    return _("{winner} is elected at the {round} by relative majority with {amount} out of {base}")


def explain_election(result: TallyResult, language: str = "fr") -> str:
    """Who is elected at this round and with what, or why nobody is (quorum aside)."""
    _ = translator(language)
    assert result.election_round is not None
    expressed = result.expressed.weight
    fields = {
        "round": round_label(result.election_round, language),
        "base": _.ngettext("{weight} cast", "{weight} cast", expressed).format(
            weight=weight(expressed, language)
        ),
        "required": _("more than {amount}").format(amount=voices(result.required, language)),
    }
    winner = result.winner
    if winner is not None:
        fields["winner"] = winner
        fields["amount"] = voices(result.totals[winner].weight, language)
        return _elected_sentence(result, winner, _).format(**fields) + "."
    if result.awaiting_ages:
        fields["tied"] = _(", ").join(result.tied)
        fields["amount"] = voices(result.totals[result.tied[0]].weight, language)
        text = _(
            "Tie at the {round}: {tied} have {amount} each out of {base}; the oldest is "
            "elected once their birth dates are given"
        )
        return text.format(**fields) + "."
    if result.election_round < len(ROUNDS):
        text = _(
            "Nobody is elected at the {round}: the absolute majority is {required} out of {base}"
        )
        return text.format(**fields) + "."
    return _("Nobody is elected at the {round}: no vote went to a candidate").format(**fields) + "."


def election_outcome(result: TallyResult, language: str = "fr") -> str:
    """``élue : Mme Durand``, ``aucun élu``, ``égalité, dates de naissance attendues``."""
    _ = translator(language)
    winner = result.winner
    if winner is not None:
        if is_feminine(winner):
            return _.pgettext("feminine", "elected: {winner}").format(winner=winner)
        return _("elected: {winner}").format(winner=winner)
    if result.awaiting_ages:
        return _("tie, awaiting the candidates' birth dates")
    return _("nobody elected")


def election_title(result: TallyResult, language: str = "fr") -> str:
    """A chart's title: ``Mme Durand élue au 2e tour``, ``Aucun élu au 1er tour``."""
    _ = translator(language)
    assert result.election_round is not None
    round_text = round_label(result.election_round, language)
    winner = result.winner
    if winner is not None:
        if is_feminine(winner):
            text = _.pgettext("feminine", "{winner} elected at the {round}")
        else:
            text = _("{winner} elected at the {round}")
        return text.format(winner=winner, round=round_text)
    if result.awaiting_ages:
        return _("Tie at the {round}").format(round=round_text)
    return _("Nobody elected at the {round}").format(round=round_text)
