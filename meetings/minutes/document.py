"""The minutes of a meeting and the record of a written consultation, in words.

:func:`document` turns a :class:`~meetings.minutes.model.Minutes` or a
:class:`~meetings.minutes.model.ConsultationRecord` into neutral blocks, every sentence
through the catalog and every number and date through :mod:`meetings.wording.formats`.
Minutes are French by default, as DOMAIN.md requires ("4,5 voix", "mardi 15 décembre 2026
à 14 h 00"); any language of the catalog works.
"""

from __future__ import annotations

from datetime import datetime

from meetings.minutes.blocks import (
    BallotFigures,
    Block,
    ChartSlot,
    Document,
    Fields,
    Generated,
    Heading,
    Items,
    Paragraph,
    Signatures,
    Table,
    Title,
)
from meetings.minutes.designation_table import designation_table
from meetings.minutes.labels import (
    ballot_mode,
    draft_banner,
    generated_text,
    instance_label,
    page_words,
    session_time,
    weighting,
)
from meetings.minutes.model import ConsultationRecord, Minutes
from meetings.minutes.presence_tables import presence_tables
from meetings.minutes.results import deliberation_blocks, result_blocks
from meetings.minutes.session_fields import chair_text, session_fields
from meetings.minutes.signing import approval_text, secretary_name, signed_lines
from meetings.wording.decision_rules import derivation_statement, rule_statement
from meetings.wording.election import round_label
from meetings.wording.explain import quorum_line
from meetings.wording.formats import day, members, moment, quoted, voices, weight
from meetings.wording.i18n import DEFAULT_LANGUAGE, translator
from voting.ballot import BallotState
from voting.rules import QuorumCounts, TieRule


def document(
    source: Minutes | ConsultationRecord, generated_at: datetime, language: str = DEFAULT_LANGUAGE
) -> Document:
    """The blocks both renderers draw, with the same words."""
    if generated_at.tzinfo is None:
        raise ValueError("generated_at must carry a time zone")
    if isinstance(source, Minutes):
        title, blocks = _minutes_blocks(source, language)
    else:
        title, blocks = _record_blocks(source, language)
    blocks.append(Generated(generated_text(generated_at, source.zone, language)))
    instance = instance_label(source.instance_name, source.instance_kind, language)
    _ = translator(language)
    return Document(
        title=title,
        running_title=_("{groupement} — {instance}").format(
            groupement=source.groupement_name, instance=instance
        ),
        author=source.groupement_name,
        draft=source.draft or (isinstance(source, Minutes) and not source.final),
        language=language,
        words=page_words(language),
        blocks=tuple(blocks),
    )


# --- the minutes of a meeting -----------------------------------------------------------------


def _minutes_blocks(minutes: Minutes, language: str) -> tuple[str, list[Block]]:
    """The title and the blocks of the minutes, all but the generation line."""
    _ = translator(language)
    zone = minutes.zone
    instance = instance_label(minutes.instance_name, minutes.instance_kind, language)
    session = _("Session of {moment}").format(moment=moment(minutes.starts_at, language, zone))
    blocks: list[Block] = [
        Title(_("Minutes of the session"), (minutes.groupement_name, instance, session))
    ]
    if minutes.draft:
        detail = _("The session is not closed: these minutes are neither final nor signed.")
        blocks.append(draft_banner(detail, language))
    elif minutes.approval is None:
        detail = _("These minutes await their approval by the next session of the instance.")
        blocks.append(draft_banner(detail, language))
    else:
        blocks.append(Paragraph(approval_text(minutes.approval, minutes.zone, language), bold=True))
    blocks.append(Heading(_("1. The session")))
    blocks.append(Fields(tuple(session_fields(minutes, language))))
    blocks.append(Heading(_("2. Attendance")))
    blocks.extend(presence_tables(minutes, language))
    blocks.extend(designation_table(minutes, language))
    blocks.append(Heading(_("3. Quorum")))
    blocks.extend(_quorum(minutes, language))
    blocks.append(Heading(_("4. Agenda")))
    blocks.append(_agenda(minutes, language))
    blocks.append(Heading(_("5. Deliberations")))
    for deliberation in minutes.deliberations:
        blocks.extend(deliberation_blocks(minutes, deliberation, language))
    if not minutes.deliberations:
        blocks.append(Paragraph(_("No question was put to the vote during the session.")))
    blocks.append(Heading(_("6. Closing")))
    blocks.extend(_closing(minutes, language))
    title = _("Minutes — {instance} of {day}").format(
        instance=minutes.instance_name, day=day(minutes.starts_at, language, zone)
    )
    return title, blocks


def _quorum(minutes: Minutes, language: str) -> list[Block]:
    _ = translator(language)
    report = minutes.opening_quorum
    if report is None:
        return [
            Paragraph(
                _(
                    "Not applicable: the {instance} does not deliberate by vote; "
                    "no quorum is required."
                ).format(instance=minutes.instance_name)
            )
        ]
    opening = session_time(minutes.opened_at, minutes.opened_at, minutes.zone, language)
    blocks: list[Block] = [
        Paragraph(_("At the opening of the session ({time}):").format(time=opening)),
        Paragraph(quorum_line(report, language) + ".", bold=True),
    ]
    if report.counts is QuorumCounts.PRESENT_OR_REPRESENTED:
        note = _(
            "Members present by video count as present; a represented member counts "
            "through the proxy it gave."
        )
        blocks.append(Paragraph(note, note=True))
    blocks.append(ChartSlot(_("Quorum at the opening of the session"), quorum=report))
    if minutes.deliberations:
        note = _(
            "The quorum is checked again at the opening of each ballot (see each deliberation)."
        )
        blocks.append(Paragraph(note, note=True))
    return blocks


def _agenda(minutes: Minutes, language: str) -> Block:
    _ = translator(language)
    if not minutes.agenda:
        return Paragraph(_("No item was put on the agenda."))
    items = tuple(
        _("{title} — put to the vote: {motion}").format(
            title=item.title, motion=quoted(item.motion, language)
        )
        if item.motion
        else item.title
        for item in minutes.agenda
    )
    # While the session is open an item not noted yet may still be: "no observation" would
    # be premature, so a draft prints only the notes taken.
    unnoted = "" if minutes.draft else _("No observation.")
    notes = tuple(
        minutes.notes.get(position) or _voted_on(minutes, position, language) or unnoted
        for position in range(1, len(minutes.agenda) + 1)
    )
    return Items(items, numbered=True, notes=notes)


def _voted_on(minutes: Minutes, position: int, language: str) -> str:
    """An item put to the vote points to its deliberations rather than saying nothing of it."""
    _ = translator(language)
    held = [
        d.reference or _("ballot no. {number}").format(number=d.ballot.id)
        for d in minutes.deliberations
        if d.agenda_position == position and d.ballot.state is not BallotState.CANCELLED
    ]
    if not held:
        return ""
    return _.ngettext(
        "See deliberation {references}.", "See deliberations {references}.", len(held)
    ).format(references=", ".join(held))


def _closing(minutes: Minutes, language: str) -> list[Block]:
    _ = translator(language)
    if minutes.closed_at is not None:
        closed = session_time(minutes.closed_at, minutes.opened_at, minutes.zone, language)
        if minutes.quorum_failed:
            text = _(
                "The quorum not being reached, the chair closes the session at {time}; "
                "the instance will be convened again."
            )
        else:
            text = _("The agenda being exhausted, the chair closes the session at {time}.")
        closing = Paragraph(text.format(time=closed))
    else:
        closing = Paragraph(
            _("The session is in progress; this document will be completed when it closes.")
        )
    signatories = (
        (_("The chair of the session"), chair_text(minutes, language)),
        (_("The secretary of the session"), minutes.secretary or secretary_name(minutes)),
    )
    return [closing, Signatures(signatories, signed_lines(minutes, language))]


# --- the record of a written consultation ---------------------------------------------------


def _record_blocks(record: ConsultationRecord, language: str) -> tuple[str, list[Block]]:
    """The title and the blocks of a consultation record, all but the generation line."""
    _ = translator(language)
    ballot = record.ballot
    instance = instance_label(record.instance_name, record.instance_kind, language)
    number = _("Consultation no. {number}").format(number=ballot.id)
    blocks: list[Block] = [
        Title(_("Record of written consultation"), (record.groupement_name, instance, number))
    ]
    if record.draft:
        detail = _("The consultation is open: this record is neither final nor signed.")
        blocks.append(draft_banner(detail, language))
    blocks.append(Heading(_("1. The consultation")))
    blocks.append(Fields(tuple(_record_fields(record, instance, language))))
    blocks.append(Heading(_("2. Members consulted")))
    blocks.append(_electors(record, language))
    blocks.append(Heading(_("3. Validity")))
    blocks.extend(_validity(record, language))
    blocks.append(Heading(_("4. Result")))
    blocks.extend(_record_result(record, language))
    signatory = (_("For the coordinator of the groupement"), str(record.coordinator))
    blocks.append(Signatures((signatory,)))
    title = _("Record of written consultation no. {number} — {instance}").format(
        number=ballot.id, instance=record.instance_name
    )
    return title, blocks


def _record_fields(
    record: ConsultationRecord, instance: str, language: str
) -> list[tuple[str, str]]:
    _ = translator(language)
    ballot = record.ballot
    zone = record.zone
    assert ballot.opened_at is not None
    fields = [
        (_.pgettext("field", "Groupement"), record.groupement_name),
        (_.pgettext("field", "Instance"), instance),
        (_.pgettext("field", "Question"), quoted(record.question, language)),
        (_("Voting method"), ballot_mode(ballot.secret, language)),
        (_.pgettext("consultation", "Opening"), moment(ballot.opened_at, language, zone)),
    ]
    if ballot.reference is not None:
        fields.insert(3, (_.pgettext("field", "Deliberation"), ballot.reference))
    if ballot.draft.election_round is not None:
        fields.append(
            (_("Election of a person"), round_label(ballot.draft.election_round, language))
        )
    if ballot.draft.deadline is not None:
        fields.append(
            (_.pgettext("field", "Deadline"), moment(ballot.draft.deadline, language, zone))
        )
    if ballot.closed_at is not None:
        fields.append(
            (_.pgettext("consultation", "Closing"), moment(ballot.closed_at, language, zone))
        )
    elif ballot.cancelled_at is not None:
        fields.append((_("Cancellation"), moment(ballot.cancelled_at, language, zone)))
    else:
        fields.append((_.pgettext("consultation", "Closing"), _("consultation in progress")))
    fields.extend(_weight_fields(record, language))
    return fields


def _weight_fields(record: ConsultationRecord, language: str) -> list[tuple[str, str]]:
    """The rule chosen for a consultation of all the members, how its weights derive from
    shares, and the weighting of the votes."""
    _ = translator(language)
    ballot = record.ballot
    fields = []
    if ballot.draft.decision_rule is not None:
        rule = rule_statement(ballot.draft.decision_rule, record.total, language)
        fields.append((_("Rule chosen at the opening"), rule))
    if record.shares_table is not None:
        derived = derivation_statement(record.shares_table, language)
        fields.append((_("Weights from shares"), derived))
    if ballot.weight_table_id is not None:
        weights = weighting(
            record.total,
            ballot.weight_table_id,
            record.weight_table_from,
            language,
            record.weight_table_name,
        )
        fields.append((_("Weighting of the votes"), weights))
    return fields


def _electors(record: ConsultationRecord, language: str) -> Table:
    _ = translator(language)
    yes, no = _.pgettext("took part", "yes"), _.pgettext("took part", "no")
    return Table(
        (_.pgettext("column", "Member"), _.pgettext("column", "Votes"), _("Took part in the vote")),
        tuple(
            (str(e.name), weight(e.weight, language), yes if e.took_part else no)
            for e in record.electors
        ),
        (9, 2, 4),
        numeric=frozenset({1}),
    )


def _validity(record: ConsultationRecord, language: str) -> list[Block]:
    _ = translator(language)
    rule = _(
        "A written consultation is valid only if at least half of the members take part, "
        "that is at least {required} out of {total}."
    ).format(required=members(record.required_members, language), total=record.total.heads)
    took_part = _("{members} out of {total_members} ({votes} out of {total_weight})").format(
        members=members(record.participation.heads, language),
        total_members=record.total.heads,
        votes=voices(record.participation.weight, language),
        total_weight=weight(record.total.weight, language),
    )
    if record.draft:
        verdict = (
            _("So far, {took_part} have taken part in the vote: the threshold is reached.")
            if record.valid
            else _("So far, {took_part} have taken part in the vote: the threshold is not reached.")
        )
    elif record.ballot.state is BallotState.CANCELLED:
        verdict = _("{took_part} had taken part in the vote when the consultation was cancelled.")
    elif record.valid:
        verdict = _("{took_part} have taken part in the vote: the consultation is valid.")
    else:
        verdict = _("{took_part} have taken part in the vote: the consultation is not valid.")
    return [Paragraph(rule), Paragraph(verdict.format(took_part=took_part), bold=True)]


def _record_result(record: ConsultationRecord, language: str) -> list[Block]:
    _ = translator(language)
    ballot = record.ballot
    if record.result is not None:
        figures = BallotFigures(ballot, record.votes, record.names, record.outcome_only)
        chart = ChartSlot(_("Distribution of the votes"), ballot=figures)
        return result_blocks(
            record.result,
            record.vote_lines,
            chart,
            secret=ballot.secret,
            written=True,
            language=language,
            consultation_tie=TieRule.REJECTED
            if ballot.rules is None
            else ballot.rules.consultation_tie,
            outcome_only=record.outcome_only,
            final_hash=record.final_hash,
        )
    if ballot.state is BallotState.CANCELLED:
        return [Paragraph(_("The consultation was cancelled; it has no result."))]
    return [
        Paragraph(
            _("The consultation is in progress; the result will be established at its closing.")
        )
    ]
