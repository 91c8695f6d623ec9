"""The rule a coordinator chooses for a written consultation of all the members.

Outside any body there is no configured rule: when it opens a consultation of all the
members (seed 004: the coordinator goes to court "après accord des membres"), the coordinator
chooses how it is decided. Each choice is a :class:`~voting.rules.BallotRules` the ordinary
tally applies, with the consultation's own validity (half of the members take part):

- ``unanimity``: every member in force answers "for", one voice each. The base is all the
  members consulted, so a member that does not answer, abstains or votes against prevents
  the unanimity;
- ``heads_absolute``: more than half of all the members consulted, one voice each;
- ``heads_simple``: more than half of the votes cast (for + against), one voice each;
- ``weight_absolute``: more than half of all the weight in force;
- ``weight_simple``: more than half of the weight cast.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum

from voting.rules import (
    BallotRules,
    Comparison,
    MajorityBase,
    MajorityRule,
    QuorumBasis,
    QuorumCounts,
    QuorumRule,
    Threshold,
    TieRule,
)


class DecisionRule(StrEnum):
    UNANIMITY = "unanimity"
    HEADS_ABSOLUTE = "heads_absolute"
    HEADS_SIMPLE = "heads_simple"
    WEIGHT_ABSOLUTE = "weight_absolute"
    WEIGHT_SIMPLE = "weight_simple"

    @property
    def by_weight(self) -> bool:
        """Whether the weights in force count, rather than one voice per member."""
        return self in (DecisionRule.WEIGHT_ABSOLUTE, DecisionRule.WEIGHT_SIMPLE)


HEAD_RULES = (DecisionRule.UNANIMITY, DecisionRule.HEADS_ABSOLUTE, DecisionRule.HEADS_SIMPLE)
WEIGHT_RULES = (DecisionRule.WEIGHT_ABSOLUTE, DecisionRule.WEIGHT_SIMPLE)

UNANIMITY = MajorityRule(MajorityBase.ALL_MEMBERS, Threshold(1, 1, Comparison.AT_LEAST))
ABSOLUTE = MajorityRule(MajorityBase.ALL_MEMBERS, Threshold(1, 2, Comparison.MORE_THAN))
SIMPLE = MajorityRule(MajorityBase.EXPRESSED, Threshold(1, 2, Comparison.MORE_THAN))

_MAJORITIES = {
    DecisionRule.UNANIMITY: UNANIMITY,
    DecisionRule.HEADS_ABSOLUTE: ABSOLUTE,
    DecisionRule.HEADS_SIMPLE: SIMPLE,
    DecisionRule.WEIGHT_ABSOLUTE: ABSOLUTE,
    DecisionRule.WEIGHT_SIMPLE: SIMPLE,
}

# The judge of a written consultation puts its own validity (half of the members take part)
# in place of any quorum; this one, the same test as a session would state it, is what the
# ballot keeps.
_HALF_OF_THE_MEMBERS = QuorumRule(
    QuorumBasis.MEMBERS, Threshold(1, 2, Comparison.AT_LEAST), QuorumCounts.PRESENT_OR_REPRESENTED
)


def rules_for(rule: DecisionRule) -> BallotRules:
    """The rules a consultation of all the members is judged by under ``rule``.

    Nobody presides and nobody holds a proxy: each member answers for itself, and a tie
    rejects the proposal.
    """
    return BallotRules(
        quorum=_HALF_OF_THE_MEMBERS,
        majority=_MAJORITIES[rule],
        tie=TieRule.REJECTED,
        max_proxies_per_holder=0,
        consultation_tie=TieRule.REJECTED,
    )


def one_voice_each(members: Iterable[str]) -> dict[str, Decimal]:
    """The weights of a consultation by head: one voice per member."""
    return {member: Decimal(1) for member in members}
