"""How a consultation of all the members is decided, and how weights follow from shares, said
in the reader's language: on the /scrutin form, the papers and the consultation's record."""

from __future__ import annotations

from config.models import WeightTable
from meetings.wording.formats import members, voices, weight
from meetings.wording.i18n import N_, translator
from voting.decision_rules import DecisionRule
from voting.shares import Derivation, ShareUnit, common_divisor
from voting.tally import Count

RULE_LABELS = {
    DecisionRule.UNANIMITY: N_("Unanimity of the members"),
    DecisionRule.HEADS_ABSOLUTE: N_("Absolute majority of the members (one voice each)"),
    DecisionRule.HEADS_SIMPLE: N_("Simple majority of the votes cast (one voice per member)"),
    DecisionRule.WEIGHT_ABSOLUTE: N_("Absolute majority of the weights in force"),
    DecisionRule.WEIGHT_SIMPLE: N_("Simple majority of the weights cast"),
}

UNIT_NAMES = {
    ShareUnit.PUPILS: N_("pupils"),
    ShareUnit.SCHOOLS: N_("schools"),
    ShareUnit.EUROS: N_("euros"),
}
ONE_VOICE_PER_UNIT = {
    ShareUnit.PUPILS: N_("one voice per pupil"),
    ShareUnit.SCHOOLS: N_("one voice per school"),
    ShareUnit.EUROS: N_("one voice per euro"),
}


def rule_label(rule: DecisionRule, language: str) -> str:
    """The rule's name, as a button of the form shows it."""
    return translator(language)(RULE_LABELS[rule])


def rule_statement(rule: DecisionRule, consulted: Count, language: str) -> str:
    """The rule in one sentence, with the figures of the members consulted."""
    _ = translator(language)
    fields = {
        "members": members(consulted.heads, language),
        "votes": voices(consulted.weight, language),
    }
    if rule is DecisionRule.UNANIMITY:
        text = _(
            "Unanimity of the members in force, one voice each: the proposal is adopted only "
            "if all {members} consulted vote for it; a member that does not answer, abstains "
            "or votes against prevents it."
        )
    elif rule is DecisionRule.HEADS_ABSOLUTE:
        text = _(
            "Absolute majority of the members, one voice each: adopted if more than half of "
            "the {members} consulted vote for it; a member that does not answer counts as "
            "not voting for."
        )
    elif rule is DecisionRule.HEADS_SIMPLE:
        text = _(
            "Simple majority, one voice per member: adopted if more than half of the votes "
            "cast (for and against) are for it; abstentions and members that do not answer "
            "are not counted."
        )
    elif rule is DecisionRule.WEIGHT_ABSOLUTE:
        text = _(
            "Absolute majority of the weights in force: adopted if the members voting for it "
            "hold more than half of the {votes} of the {members} consulted; a member that "
            "does not answer counts as not voting for."
        )
    else:
        text = _(
            "Simple majority of the weights: adopted if the members voting for it hold more "
            "than half of the weight cast (for and against); abstentions and members that do "
            "not answer are not counted."
        )
    return text.format(**fields)


def derivation_statement(table: WeightTable, language: str) -> str:
    """``84 700 élèves en tout (source : …) ; une voix par élève : …``: how a table declared
    as shares derives its weights."""
    _ = translator(language)
    assert table.shares is not None and table.share_unit is not None
    unit = table.share_unit
    total_shares = table.total_shares
    assert total_shares is not None
    fields = {
        "total": weight(total_shares, language),
        "unit": _(UNIT_NAMES[unit]),
        "source": table.shares_source,
        "divisor": weight(common_divisor(table.shares), language),
        "per_unit": _(ONE_VOICE_PER_UNIT[unit]),
    }
    if table.derivation is Derivation.SHARES:
        text = _(
            "{total} {unit} in all (source: {source}); {per_unit}: each member's weight is "
            "its share."
        )
    else:
        text = _(
            "{total} {unit} in all (source: {source}); each member's share divided by "
            "{divisor}, their greatest common divisor: the smallest whole weights in the same "
            "proportions."
        )
    return text.format(**fields)
