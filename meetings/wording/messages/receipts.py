"""What the bot says of a vote's receipt code (``/recu``)."""

from __future__ import annotations

from meetings.wording.i18n import translator
from voting.ballot import Ballot


def receipt_found(code: str, ballot: Ballot, position: int, length: int, language: str) -> str:
    _ = translator(language)
    return _(
        "Receipt {code} is in the chain of ballot no. {number} ({question}): entry {position} "
        "out of {length}."
    ).format(
        code=code,
        number=ballot.id,
        question=ballot.draft.question,
        position=position,
        length=length,
    )


def receipt_unknown(code: str, language: str) -> str:
    _ = translator(language)
    return _("No vote has the receipt {code}.").format(code=code)
