"""A ballot's result as the minutes and the records state it: the totals, the casting vote,
the decision and its explanation, who voted what in a public ballot, then the chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from meetings.meeting import RulingSubject
from meetings.minutes.blocks import (
    BallotFigures,
    Block,
    ChartSlot,
    Fields,
    Heading,
    Paragraph,
    Table,
)
from meetings.minutes.labels import ballot_mode, session_time
from meetings.minutes.model import Deliberation, Minutes, VoteLine
from meetings.wording.election import round_label
from meetings.wording.explain import (
    explain,
    explain_outcome,
    option_label,
    outcome_label,
    quorum_line,
)
from meetings.wording.formats import capitalized, long_date, members, quoted, weight
from meetings.wording.i18n import Translator, translator
from voting.ballot import BallotState
from voting.rules import TieRule
from voting.tally import Count, Outcome, TallyResult

NO_VOTE = "—"
"""The vote cell of a member that did not vote."""


def result_blocks(
    result: TallyResult,
    vote_lines: Sequence[VoteLine],
    chart: ChartSlot,
    *,
    secret: bool,
    written: bool,
    language: str,
    consultation_tie: TieRule = TieRule.REJECTED,
    ruling: RulingSubject | None = None,
    outcome_only: bool = False,
    final_hash: str | None = None,
) -> list[Block]:
    """Totals, casting vote, decision, who voted what (public ballots only), the final hash of
    the vote chain, then the chart.

    ``consultation_tie`` is the rule a written consultation's tie was judged by; ``ruling``
    what a ballot of a session's opening ruled on (its decision is no deliberation);
    ``outcome_only`` a secret ballot that records its outcome and turnout, no option's figure.
    """
    _ = translator(language)
    if outcome_only:
        outcome = _outcome_only_blocks(result, written, language, ruling)
        return [*outcome, *_chain_blocks(final_hash, secret, _), chart]
    blocks: list[Block] = [_totals(result, language)]
    if result.is_motion:
        note = _("Abstentions are not counted in the votes cast.")
        blocks.append(Paragraph(note, note=True))
    if result.is_election:
        note = _("Blank and spoilt votes are not counted in the votes cast.")
        blocks.append(Paragraph(note, note=True))
        blocks.append(_election_tie(result, language))
    elif written:
        blocks.append(_consultation_tie(result, secret, consultation_tie, _))
    else:
        blocks.append(_casting_vote(result, secret, written, _))
    blocks.append(_decision_paragraph(result, written, language, ruling))
    if not (written and result.outcome is Outcome.NO_QUORUM):
        # A consultation's validity is stated in figures above, in its own words.
        blocks.append(Paragraph(explain(result, language)))
    if secret:
        note = _("Secret ballot: only the totals and the turnout are recorded.")
        blocks.append(Paragraph(note, note=True))
    elif vote_lines:
        blocks.append(Paragraph(_("How each member voted (public ballot):"), bold=True))
        blocks.append(_vote_table(vote_lines, written, language))
    blocks += _chain_blocks(final_hash, secret, _)
    # Last: the chart illustrates figures already recorded above, and a chart that
    # moves to the next page then leaves no gap inside the record itself.
    blocks.append(chart)
    return blocks


def _decision_paragraph(
    result: TallyResult, written: bool, language: str, ruling: RulingSubject | None
) -> Paragraph:
    if ruling is None:
        return Paragraph(_decision(result, written, language), bold=True)
    return Paragraph(_ruling_decision(result, ruling, translator(language)), bold=True)


def _chain_blocks(final_hash: str | None, secret: bool, _: Translator) -> list[Block]:
    if final_hash is None:
        return []
    return [Paragraph(_chain_note(final_hash, secret, _), note=True)]


def _outcome_only_blocks(
    result: TallyResult,
    written: bool,
    language: str,
    ruling: RulingSubject | None,
) -> list[Block]:
    """A secret ballot whose instance publishes its outcome only: the turnout, the decision
    and whether the majority was reached; no option's figure, no tie (it would say that the
    for and the against weighed the same)."""
    _ = translator(language)
    turnout = _totals(result, language)
    blocks: list[Block] = [
        Table(turnout.header, turnout.rows[-1:], turnout.widths, turnout.numeric, width=0.7)
    ]
    blocks.append(_decision_paragraph(result, written, language, ruling))
    if not (written and result.outcome is Outcome.NO_QUORUM):
        blocks.append(Paragraph(explain_outcome(result, language)))
    note = _("Secret ballot: only the outcome and the turnout are recorded.")
    return [*blocks, Paragraph(note, note=True)]


def _totals(result: TallyResult, language: str) -> Table:
    _ = translator(language)

    # A secret ballot publishes each option's weight, never its headcount (see figures()).
    def heads(count: Count) -> str:
        return "—" if result.secret else str(count.heads)

    rows = [
        (option_label(option, language), heads(count), weight(count.weight, language))
        for option, count in result.totals.items()
    ]
    expressed_row = len(rows)
    expressed = result.expressed
    rows.append((_("Votes cast"), heads(expressed), weight(expressed.weight, language)))
    voted, electorate = result.voted, result.electorate
    out_of = _("{part} out of {whole}")
    rows.append(
        (
            _.pgettext("result", "Voters"),
            out_of.format(part=voted.heads, whole=electorate.heads),
            out_of.format(
                part=weight(voted.weight, language), whole=weight(electorate.weight, language)
            ),
        )
    )
    return Table(
        (
            _.pgettext("column", "Result"),
            _.pgettext("column", "Members"),
            _.pgettext("column", "Votes"),
        ),
        tuple(rows),
        (3, 2, 2),
        numeric=frozenset({1, 2}),
        bold_rows=frozenset({expressed_row}),
        width=0.7,
    )


def _casting_vote(result: TallyResult, secret: bool, written: bool, _: Translator) -> Paragraph:
    if result.casting_vote_used:
        return Paragraph(
            _(
                "Casting vote: the votes being equally divided, the chair of the session "
                "used the casting vote."
            ),
            bold=True,
        )
    if result.tie and secret:
        return Paragraph(_("Tie: the chair's casting vote does not apply to a secret ballot."))
    if result.tie:
        return Paragraph(_("Tie, without casting vote."))
    if written:
        return Paragraph(_("Casting vote: not used."))
    return Paragraph(_("Chair's casting vote: not used."))


def _consultation_tie(result: TallyResult, secret: bool, rule: TieRule, _: Translator) -> Paragraph:
    """Which tie rule a written consultation applied: nobody presides it."""
    if result.casting_vote_used:
        text = _(
            "Tie: the votes being equally divided, the coordinator's vote decided, as the "
            "instance's rules provide for a written consultation."
        )
        return Paragraph(text, bold=True)
    if result.tie and rule is TieRule.COORDINATOR and secret:
        return Paragraph(
            _(
                "Tie: the coordinator's vote cannot decide a secret ballot; the proposal is "
                "rejected."
            )
        )
    if result.tie:
        return Paragraph(
            _(
                "Tie: under the instance's rules for written consultations, a tie rejects "
                "the proposal."
            ),
            bold=True,
        )
    if rule is TieRule.COORDINATOR:
        return Paragraph(
            _("Tie rule of written consultations: the coordinator's vote decides (not used).")
        )
    return Paragraph(_("Tie rule of written consultations: a tie rejects the proposal (not used)."))


def _election_tie(result: TallyResult, language: str) -> Paragraph:
    """An election's tie is never the chair's: the oldest candidate wins the third round."""
    _ = translator(language)
    if result.decided_by_age:
        born = _.pgettext("between the clauses of a list", "; ").join(
            _("{name}, born on {day}").format(name=name, day=long_date(day, language))
            for name, day in result.birth_dates.items()
        )
        text = _("Tie at the third round: the oldest candidate is elected ({born}).")
        return Paragraph(text.format(born=born), bold=True)
    if result.awaiting_ages:
        return Paragraph(
            _("Tie at the third round: the oldest candidate is elected; birth dates awaited."),
            bold=True,
        )
    return Paragraph(
        _(
            "Election of a person: absolute majority at the first two rounds, relative "
            "majority at the third, the oldest candidate elected on a tie (CGCT L2122-7)."
        )
    )


def _decision(result: TallyResult, written: bool, language: str) -> str:
    _ = translator(language)
    adopted = result.outcome is Outcome.ADOPTED
    if result.outcome is Outcome.NO_QUORUM:
        if result.is_election and result.election_round is not None:
            # Nobody is elected: the same round is held again (voting.election.next_round).
            return _(
                "No quorum: nobody could be validly elected at the {round}; this round "
                "is held again."
            ).format(round=round_label(result.election_round, language))
        if written:
            return _("Consultation not valid: the proposal is not adopted.")
        return _("No quorum: the deliberation could not be validly adopted.")
    if result.is_election:
        return capitalized(outcome_label(result, language)) + "."
    if not result.is_motion:
        if result.winner is not None:
            return _("Choice carried: {choice}.").format(choice=quoted(result.winner, language))
        return _("No choice is carried.")
    if written:
        return _("The proposal is adopted.") if adopted else _("The proposal is rejected.")
    return _("The deliberation is adopted.") if adopted else _("The deliberation is rejected.")


def _ruling_decision(result: TallyResult, ruling: RulingSubject, _: Translator) -> str:
    adopted = result.outcome is Outcome.ADOPTED
    if ruling is RulingSubject.URGENCY:
        if result.outcome is Outcome.NO_QUORUM:
            return _("No quorum: the instance did not rule on the urgency.")
        return _("The urgency is recognised.") if adopted else _("The urgency is not recognised.")
    if result.outcome is Outcome.NO_QUORUM:
        return _("No quorum: the designation could not be validly adopted.")
    return _("The designation is adopted.") if adopted else _("The designation is rejected.")


def _chain_note(final_hash: str, secret: bool, _: Translator) -> str:
    # Groups of 16 digits let a long hash wrap on the page; scrutin verify ignores no digit.
    grouped = " ".join(final_hash[i : i + 16] for i in range(0, len(final_hash), 16))
    note = _("Final hash of the vote chain: {hash}.").format(hash=grouped)
    if secret:
        return note
    return note + " " + _("Each vote's receipt code is the start of its hash in the chain.")


def _vote_table(vote_lines: Sequence[VoteLine], written: bool, language: str) -> Table:
    _ = translator(language)
    if any(line.receipt for line in vote_lines):
        return _receipt_table(vote_lines, written, language)
    rows = []
    for line in vote_lines:
        remark = ""
        if line.proxy_holder is not None:
            remark = _("by proxy, cast by: {holder}").format(holder=line.proxy_holder)
        if line.option is None:
            vote = NO_VOTE
            remark = _("did not reply") if written else _("does not take part in the vote")
        else:
            vote = option_label(line.option, language)
        rows.append((str(line.name), weight(line.weight, language), vote, remark))
    header = (
        _.pgettext("column", "Member"),
        _.pgettext("column", "Votes"),
        _.pgettext("column", "Vote"),
        _.pgettext("column", "Remarks"),
    )
    return Table(header, tuple(rows), (8, 2, 3, 7), numeric=frozenset({1}))


def _receipt_table(vote_lines: Sequence[VoteLine], written: bool, language: str) -> Table:
    """The public vote table with each vote's receipt code in a column of its own."""
    _ = translator(language)
    plain = _vote_table(
        tuple(replace(line, receipt=None) for line in vote_lines), written, language
    )
    rows = tuple(
        (*row, line.receipt or "") for row, line in zip(plain.rows, vote_lines, strict=True)
    )
    header = (*plain.header, _.pgettext("column", "Receipt"))
    return Table(header, rows, (6, 2, 3, 4, 5), numeric=plain.numeric)


def deliberation_blocks(minutes: Minutes, deliberation: Deliberation, language: str) -> list[Block]:
    """A deliberation of the session: its question, its ballot, and its result if any."""
    _ = translator(language)
    ballot = deliberation.ballot
    heading = _heading(deliberation, _)

    def at(moment: datetime) -> str:
        return session_time(moment, minutes.opened_at, minutes.zone, language)

    fields = [
        (_.pgettext("field", "Question"), quoted(deliberation.question, language)),
        (_("Voting method"), ballot_mode(deliberation.secret, language)),
    ]
    election_round = ballot.draft.election_round
    if election_round is not None:
        fields.append((_("Election of a person"), round_label(election_round, language)))
    if ballot.opened_at is not None:
        fields.append((_("Opening of the ballot"), at(ballot.opened_at)))
    result = deliberation.result
    if deliberation.state is BallotState.CANCELLED or result is None:
        fields.append((_.pgettext("field", "Status"), _status(minutes, deliberation, language)))
        return [Heading(heading, 2), Fields(tuple(fields))]
    if ballot.closed_at is not None:
        fields.append((_("Closing of the ballot"), at(ballot.closed_at)))
    fields.append((_("Quorum check"), quorum_line(result.quorum, language) + "."))
    caption = _("{heading}: distribution of the votes").format(heading=_name(deliberation, _))
    figures = BallotFigures(
        ballot, deliberation.votes, deliberation.names, deliberation.outcome_only
    )
    chart = ChartSlot(caption, ballot=figures)
    return [
        Heading(heading, 2),
        Fields(tuple(fields)),
        *result_blocks(
            result,
            deliberation.vote_lines,
            chart,
            secret=deliberation.secret,
            written=False,
            language=language,
            ruling=deliberation.ruling,
            outcome_only=deliberation.outcome_only,
            final_hash=deliberation.final_hash,
        ),
    ]


def _name(deliberation: Deliberation, _: Translator) -> str:
    """``Délibération COGOUV-2026-07`` for a decided motion; a ballot that decided none
    (cancelled, void for want of quorum, a choice) by its number in the chat."""
    if deliberation.reference is not None:
        return _("Deliberation {reference}").format(reference=deliberation.reference)
    return _("Ballot no. {number}").format(number=deliberation.ballot.id)


def _heading(deliberation: Deliberation, _: Translator) -> str:
    if deliberation.ruling is RulingSubject.URGENCY:
        return _("Ruling on the urgency — ballot no. {number}").format(
            number=deliberation.ballot.id
        )
    if deliberation.ruling is RulingSubject.CHAIR:
        return _("Designation of the chair of the session — ballot no. {number}").format(
            number=deliberation.ballot.id
        )
    name = _name(deliberation, _)
    if deliberation.agenda_position is None:
        return _("{name} — off the agenda").format(name=name)
    return _("{name} — item {position} of the agenda").format(
        name=name, position=deliberation.agenda_position
    )


def _status(minutes: Minutes, deliberation: Deliberation, language: str) -> str:
    """Why a deliberation has no result: its ballot was cancelled, or it is still open."""
    _ = translator(language)
    ballot = deliberation.ballot
    if deliberation.state is BallotState.CANCELLED:
        if ballot.cancelled_at is None:
            return _("Ballot cancelled; it has no result.")
        when = session_time(ballot.cancelled_at, minutes.opened_at, minutes.zone, language)
        return _("Ballot cancelled at {time}; it has no result.").format(time=when)
    electorate = len(ballot.electorate.weights) if ballot.electorate else 0
    return _(
        "Ballot in progress; votes received so far: {received} out of {total}. "
        "The result is not proclaimed yet."
    ).format(received=members(deliberation.participation.heads, language), total=electorate)
