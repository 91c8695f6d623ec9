"""The bot's messages about ballots: papers, confirmations, participation and results.

Pure functions from domain values to text and keyboards, in the reader's
language. Numbers and dates go through Babel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import VoteButton
from config.models import Groupement
from meetings.ballot_desk import Participation
from meetings.wording.explain import explain, option_label, quorum_line
from meetings.wording.formats import members as members_text
from meetings.wording.formats import moment as format_moment
from meetings.wording.formats import voices
from meetings.wording.formats import weight as format_weight
from meetings.wording.i18n import Translator
from voting.ballot import Ballot
from voting.tally import ABSTAIN, AGAINST, FOR, Outcome, TallyResult

OPTION_MARKS = {FOR: "✅", AGAINST: "❌", ABSTAIN: "⚪"}



def kind_label(ballot: Ballot, _: Translator) -> str:
    return _("secret ballot") if ballot.secret else _("public ballot")


def ballot_heading(ballot: Ballot, groupement: Groupement, _: Translator) -> str:
    instance = groupement.instance(ballot.draft.instance_id)
    return _("Ballot no. {number} — {instance}, {groupement}").format(
        number=ballot.id, instance=instance.name, groupement=groupement.name
    )


def paper_text(
    ballot: Ballot,
    groupement: Groupement,
    member_id: str,
    proxy: bool,
    language: str,
    _: Translator,
) -> str:
    member = groupement.member(member_id).name
    weight = voices(ballot.weight_of(member_id), language)
    lines = [
        "🗳 " + ballot_heading(ballot, groupement, _),
        "",
        _("“{question}”").format(question=ballot.draft.question),
        "",
        kind_label(ballot, _).capitalize() + ".",
    ]
    if proxy:
        lines.append(
            _("You vote for: {member} ({weight}), by proxy.").format(member=member, weight=weight)
        )
    else:
        lines.append(_("You vote for: {member} ({weight}).").format(member=member, weight=weight))
    if ballot.draft.deadline is not None:
        lines.append(
            _("Voting closes on {moment}.").format(
                moment=format_moment(ballot.draft.deadline, language, groupement.groupement.tzinfo)
            )
        )
    if ballot.draft.allow_vote_change:
        lines.append(_("You may change your vote until the ballot closes."))
    return "\n".join(lines)


def paper_keyboard(
    ballot: Ballot, member_id: str, language: str, chosen: str | None = None
) -> InlineKeyboardMarkup:
    assert ballot.electorate is not None
    member_index = ballot.electorate.members.index(member_id)
    buttons = []
    for index, option in enumerate(ballot.draft.options):
        label = option_label(option, language)
        if option == chosen:
            label = f"{OPTION_MARKS.get(option, '✅')} {label}"
        buttons.append(
            InlineKeyboardButton(
                label, callback_data=VoteButton(ballot.id, member_index, index).encode()
            )
        )
    return InlineKeyboardMarkup([buttons])


def confirmation_text(
    paper: str, option: str, weight: Decimal, changed: bool, language: str, _: Translator
) -> str:
    label = option_label(option, language)
    if changed:
        line = _("Vote changed: {option} — {weight}")
    else:
        line = _("Vote recorded: {option} — {weight}")
    return paper + "\n\n" + line.format(option=label, weight=voices(weight, language))


def participation_text(
    ballot: Ballot,
    groupement: Groupement,
    participation: Participation,
    language: str,
    _: Translator,
) -> str:
    voted, total = participation.voted, participation.electorate
    line = _("{voted}/{total} members have voted — {weight} out of {total_weight}").format(
        voted=voted.heads,
        total=total.heads,
        weight=voices(voted.weight, language),
        total_weight=format_weight(total.weight, language),
    )
    return "\n".join(
        [
            "🗳 " + ballot_heading(ballot, groupement, _),
            _("“{question}”").format(question=ballot.draft.question),
            line,
        ]
    )


def result_text(
    ballot: Ballot,
    groupement: Groupement,
    result: TallyResult,
    votes: Mapping[str, str],
    language: str,
    _: Translator,
) -> str:
    """The result as posted to the group and to each voter, from the stored result."""
    heading = _("Result of ballot no. {number} — {instance}, {groupement}").format(
        number=ballot.id,
        instance=groupement.instance(ballot.draft.instance_id).name,
        groupement=groupement.name,
    )
    lines = ["📊 " + heading, _("“{question}”").format(question=ballot.draft.question), ""]
    lines.append(explain(result, language))
    if result.outcome is not Outcome.NO_QUORUM:
        lines.append(quorum_line(result.quorum, language))
    lines.append("")
    for option, count in result.totals.items():
        lines.append(
            _("{label}: {weight} ({heads})").format(
                label=option_label(option, language),
                weight=voices(count.weight, language),
                heads=members_text(count.heads, language),
            )
        )
    voted, electorate = result.voted, result.electorate
    lines.append(
        _("Turnout: {heads}/{total} members, {weight} out of {total_weight}").format(
            heads=voted.heads,
            total=electorate.heads,
            weight=voices(voted.weight, language),
            total_weight=format_weight(electorate.weight, language),
        )
    )
    if not ballot.secret and votes:
        lines.append("")
        lines.append(_("How each member voted (public ballot):"))
        lines.extend(_vote_lines(ballot, groupement, votes, language, _))
    return "\n".join(lines)


def _vote_lines(
    ballot: Ballot,
    groupement: Groupement,
    votes: Mapping[str, str],
    language: str,
    _: Translator,
) -> Sequence[str]:
    assert ballot.electorate is not None
    lines = []
    for member in ballot.electorate.members:
        if member in votes:
            weight = format_weight(ballot.electorate.weights[member], language)
            name = groupement.member(member).name
            option = option_label(votes[member], language)
            line = _("• {member} ({weight}): {option}").format(
                member=name, weight=weight, option=option
            )
            holder = ballot.electorate.proxies.get(member)
            if holder is not None:
                line += " " + _("(by proxy, cast by {holder})").format(
                    holder=groupement.member(holder).name
                )
            lines.append(line)
    return lines
