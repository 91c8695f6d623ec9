"""The messages about ballots: papers, confirmations, live participation and results.

Pure functions from domain values to a :class:`~meetings.notifier.Message` or a text, in the
reader's language. A result is always written from the result the store kept at closing.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from config.models import Groupement
from meetings.buttons import VoteButton
from meetings.notifier import Button, Keyboard, Message
from meetings.papers import Participation
from meetings.wording.decision_rules import rule_statement
from meetings.wording.explain import option_label
from meetings.wording.formats import (
    capitalized,
    members,
    moment,
    name_of,
    quoted,
    voices,
    weight,
)
from meetings.wording.i18n import translator
from meetings.wording.messages.results import MESSAGE_LIMIT
from voting.ballot import Ballot
from voting.electorate import Electorate
from voting.tally import ABSTAIN, AGAINST, FOR, Count, count_of

OPTION_MARKS = {FOR: "✅", AGAINST: "❌", ABSTAIN: "⚪"}


def electorate_summary(
    electorate: Electorate, table: str, *, in_session: bool, language: str
) -> str:
    """The electorate a ballot is about to freeze, as the coordinator confirms it.

    In a session only the members present and represented vote: their count and weight come
    first, the instance's whole for reference.
    """
    _ = translator(language)
    whole = {
        "total_members": members(len(electorate.weights), language),
        "total_votes": voices(electorate.total_weight, language),
        "table": table,
    }
    if not in_session:
        return _("• Electorate: {total_members}, {total_votes} (table {table})").format(**whole)
    voting = count_of(electorate.present | electorate.represented, electorate.weights)
    return _.ngettext(
        "• Electorate: {members} present or represented, {votes} "
        "(out of {total_members}, {total_votes} in all; table {table})",
        "• Electorate: {members} present or represented, {votes} "
        "(out of {total_members}, {total_votes} in all; table {table})",
        voting.heads,
    ).format(
        members=members(voting.heads, language),
        votes=voices(voting.weight, language),
        **whole,
    )


def ballot_heading(ballot: Ballot, groupement: Groupement, language: str) -> str:
    """``Scrutin n° 3 — Comité de gouvernance, Groupement de commandes ENT Grand Est``."""
    _ = translator(language)
    return _("Ballot no. {number} — {instance}, {groupement}").format(
        number=ballot.id,
        instance=groupement.instance(ballot.draft.instance_id).name,
        groupement=groupement.name,
    )


def kind_label(ballot: Ballot, language: str) -> str:
    _ = translator(language)
    return _("secret ballot") if ballot.secret else _("public ballot")


def paper_text(
    ballot: Ballot, groupement: Groupement, member_id: str, proxy: bool, language: str
) -> str:
    _ = translator(language)
    fields = {
        "member": name_of(groupement, member_id),
        "weight": voices(ballot.weight_of(member_id), language),
    }
    lines = [
        "🗳 " + ballot_heading(ballot, groupement, language),
        "",
        quoted(ballot.draft.question, language),
        "",
        capitalized(kind_label(ballot, language)) + ".",
        (
            _("You vote on behalf of {member} ({weight}), by proxy.")
            if proxy
            else _("You vote on behalf of {member} ({weight}).")
        ).format(**fields),
    ]
    rule = ballot.draft.decision_rule
    if rule is not None and ballot.electorate is not None:
        consulted = Count(ballot.electorate.total_weight, len(ballot.electorate.weights))
        lines.append(rule_statement(rule, consulted, language))
    if ballot.draft.deadline is not None:
        zone = groupement.groupement.tzinfo
        lines.append(
            _("Voting closes on {moment}.").format(
                moment=moment(ballot.draft.deadline, language, zone)
            )
        )
    if ballot.draft.allow_vote_change:
        lines.append(_("You may change your vote until the ballot closes."))
    return "\n".join(lines)


def paper_keyboard(
    ballot: Ballot, member_id: str, language: str, chosen: str | None = None
) -> Keyboard:
    """Pour / Contre / Abstention, the chosen one marked; the codes carry positions only."""
    assert ballot.electorate is not None
    member_index = ballot.electorate.members.index(member_id)
    row = []
    for index, option in enumerate(ballot.draft.options):
        label = option_label(option, language)
        if option == chosen:
            label = f"{OPTION_MARKS.get(option, '✅')} {label}"
        row.append(Button(label, VoteButton(ballot.id, member_index, index).encode()))
    return (tuple(row),)


def paper(
    ballot: Ballot,
    groupement: Groupement,
    member_id: str,
    proxy: bool,
    language: str,
    chosen: str | None = None,
) -> Message:
    return Message(
        paper_text(ballot, groupement, member_id, proxy, language),
        paper_keyboard(ballot, member_id, language, chosen),
    )


def already_voted(ballot: Ballot, groupement: Groupement, member_id: str, language: str) -> str:
    """Under a secret paper whose member another representative already voted for."""
    _ = translator(language)
    name = name_of(groupement, member_id)
    if ballot.draft.allow_vote_change:
        text = _(
            "{member} has already voted, through another of its representatives; the ballot "
            "is secret, so how is not shown. A vote of yours would replace it."
        )
    else:
        text = _(
            "{member} has already voted, through another of its representatives; the ballot "
            "is secret, so how is not shown."
        )
    return text.format(member=name)


def confirmation(
    paper_text: str, option: str, amount: Decimal, changed: bool, language: str, receipt: str = ""
) -> str:
    """The paper, with what was recorded under it and the vote's receipt code."""
    _ = translator(language)
    line = (
        _("Vote changed: {option} — {weight}")
        if changed
        else _("Vote recorded: {option} — {weight}")
    )
    text = line.format(option=option_label(option, language), weight=voices(amount, language))
    if receipt:
        text += "\n" + _("Receipt: {code} (check it with /recu {code})").format(code=receipt)
    # The vote and its receipt always show: a paper too long for one message gives way.
    room = MESSAGE_LIMIT - len(text) - 2
    if len(paper_text) > room:
        paper_text = paper_text[: room - 1] + "…"
    return paper_text + "\n\n" + text


def participation_text(
    ballot: Ballot, groupement: Groupement, counted: Participation, language: str
) -> str:
    """What the group sees while the ballot is open: who voted, never how."""
    _ = translator(language)
    voted, total = counted.voted, counted.electorate
    line = _.ngettext(
        "{voted}/{total} member has voted — {weight} out of {total_weight}",
        "{voted}/{total} members have voted — {weight} out of {total_weight}",
        voted.heads,
    ).format(
        voted=voted.heads,
        total=total.heads,
        weight=voices(voted.weight, language),
        total_weight=weight(total.weight, language),
    )
    return "\n".join(
        [
            "🗳 " + ballot_heading(ballot, groupement, language),
            quoted(ballot.draft.question, language),
            line,
        ]
    )


def cancelled_text(ballot: Ballot, groupement: Groupement, language: str) -> str:
    """What voters and the group are told when the coordinator cancels an open ballot."""
    _ = translator(language)
    return "\n".join(
        [
            "❌ " + ballot_heading(ballot, groupement, language),
            quoted(ballot.draft.question, language),
            _("This ballot is cancelled: its votes will not be counted."),
        ]
    )


def deadline_reminder(
    ballot: Ballot, groupement: Groupement, waiting: Sequence[str], language: str
) -> str:
    """To a person who has not voted yet for some members, before the deadline."""
    _ = translator(language)
    assert ballot.draft.deadline is not None
    return "⏰ " + _(
        "Reminder: ballot no. {number} closes on {moment}; no vote yet for: {members}."
    ).format(
        number=ballot.id,
        moment=moment(ballot.draft.deadline, language, groupement.groupement.tzinfo),
        members=", ".join(str(name_of(groupement, member)) for member in waiting),
    )
