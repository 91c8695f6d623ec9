"""The notes under a ballot chart's totals: what the majority was counted on, how a tie ended.

A session's tie may fall to the chair's casting vote; a written consultation's follows the
instance's rule for consultations, and an election's third round elects the oldest candidate.
"""

from __future__ import annotations

from meetings.wording.formats import Name, members, voices
from meetings.wording.i18n import Translator, translator
from voting.rules import MajorityBase
from voting.tally import Count, Outcome, TallyResult


def _amount(count: Count, lang: str, secret: bool) -> str:
    if secret:
        return voices(count.weight, lang)
    _ = translator(lang)
    return _("{voices} — {members}").format(
        voices=voices(count.weight, lang), members=members(count.heads, lang)
    )


def _base_note(result: TallyResult, lang: str, _: Translator) -> str:
    base = result.majority_base.weight
    if result.is_election:
        return _("Votes cast: {amount}. Blank and spoilt votes are not among them.").format(
            amount=_amount(result.expressed, lang, result.secret)
        )
    if result.majority_base_kind is MajorityBase.EXPRESSED:
        return _("Votes cast: {amount}. Abstentions are not among them.").format(
            amount=_amount(result.expressed, lang, result.secret)
        )
    if result.majority_base_kind is MajorityBase.PRESENT_OR_REPRESENTED and result.written:
        return _.ngettext(
            "Majority base: {voices} of the members who took part, abstentions included.",
            "Majority base: {voices} of the members who took part, abstentions included.",
            base,
        ).format(voices=voices(base, lang))
    if result.majority_base_kind is MajorityBase.PRESENT_OR_REPRESENTED:
        return _.ngettext(
            "Majority base: {voices} present or represented, abstentions included.",
            "Majority base: {voices} present or represented, abstentions included.",
            base,
        ).format(voices=voices(base, lang))
    return _("Majority base: {voices}, those of all members.").format(voices=voices(base, lang))


def _tie_note(result: TallyResult, chair: Name | None, _: Translator) -> str | None:
    if result.decided_by_age:
        return _("Tie at the third round: the oldest candidate is elected.")
    if result.awaiting_ages:
        return _("Tie at the third round: the oldest candidate will be elected.")
    if result.casting_vote_used and chair is not None and result.written:
        return _(
            "Tied vote: the coordinator's vote ({chair}) decides, as the rules provide."
        ).format(chair=chair)
    if result.casting_vote_used and chair is not None:
        return _("Tied vote: the chair's casting vote ({chair}) decides.").format(chair=chair)
    if not (result.tie and result.is_motion and result.outcome is Outcome.REJECTED):
        return None
    if result.written:
        return _("Tied vote: in a written consultation a tie rejects the proposal.")
    if result.secret:
        return _("Tied vote: no casting vote in a secret ballot, the motion is rejected.")
    return _("Tied vote: the motion is rejected.")


def totals_notes(result: TallyResult, chair: Name | None, lang: str) -> list[str]:
    """What the majority was counted on, and how a tie was settled.

    ``chair`` is the name of the member whose vote broke a tie, if one did.
    """
    _ = translator(lang)
    tie = _tie_note(result, chair, _)
    return [_base_note(result, lang, _)] + ([] if tie is None else [tie])
