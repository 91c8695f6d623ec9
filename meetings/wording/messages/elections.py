"""What the coordinator is told once a round of an election is closed: the next round to open,
or the birth dates that a tie at the third round needs."""

from __future__ import annotations

from meetings.wording.election import round_label
from meetings.wording.i18n import translator
from voting.ballot import Ballot


def next_round_offer(ballot: Ballot, round_number: int, language: str) -> str:
    """``Aucun élu au 1er tour du scrutin n° 12 : ouvrir le 2e tour ?``"""
    _ = translator(language)
    assert ballot.draft.election_round is not None
    return _(
        "Nobody is elected at the {round} (ballot no. {number}). Open the {next_round} with the "
        "same candidates? To change the list, send /tour {number} followed by the candidates, "
        "one per line or separated by commas."
    ).format(
        round=round_label(ballot.draft.election_round, language),
        number=ballot.id,
        next_round=round_label(round_number, language),
    )


def next_round_button(round_number: int, language: str) -> str:
    _ = translator(language)
    return _("Open the {round}").format(round=round_label(round_number, language))


def ages_request(ballot: Ballot, language: str) -> str:
    """The tied candidates and how to give their birth dates."""
    _ = translator(language)
    assert ballot.result is not None
    tied = ballot.result.tied
    example = " ".join([_("DD/MM/YYYY")] * len(tied))
    return _(
        "Tie at the third round (ballot no. {number}) between {tied}: the oldest is elected. "
        "Send their birth dates in this order: /naissance {number} {example}"
    ).format(number=ballot.id, tied=_(", ").join(tied), example=example)


def opened_round(ballot: Ballot, language: str) -> str:
    _ = translator(language)
    assert ballot.draft.election_round is not None
    return _("The {round} is open: ballot no. {number}.").format(
        round=round_label(ballot.draft.election_round, language), number=ballot.id
    )
