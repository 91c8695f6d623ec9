"""The extract of one deliberation from the register ("extrait du registre des
délibérations"): what a member's own assembly needs of a decision of the groupement.

The groupement, the instance and the session; the members present and represented, and the
quorum they made; the question, the figures and the outcome; the deliberation's number;
certified by the chair of the session once the minutes are approved, marked as a draft until
then. Built from the meeting's minutes, so that the extract
and the minutes cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from meetings.minutes.blocks import (
    Block,
    ChartSlot,
    Document,
    Fields,
    Generated,
    Heading,
    Paragraph,
    Signatures,
    Title,
)
from meetings.minutes.labels import draft_banner, generated_text, instance_label, page_words
from meetings.minutes.model import Deliberation, Minutes
from meetings.minutes.presence_tables import presence_tables
from meetings.minutes.results import deliberation_blocks
from meetings.minutes.session_fields import chair_text
from meetings.minutes.signing import approval_text, signed_lines
from meetings.wording.explain import quorum_line
from meetings.wording.formats import moment
from meetings.wording.i18n import DEFAULT_LANGUAGE, translator


@dataclass(frozen=True)
class Extract:
    minutes: Minutes
    deliberation: Deliberation

    @property
    def reference(self) -> str:
        return self.deliberation.reference or str(self.deliberation.ballot.id)

    @property
    def filename(self) -> str:
        return f"extrait-{self.reference}.pdf"


def _presence(minutes: Minutes, language: str) -> list[Block]:
    """The members present and represented (the table of every category first), without the
    excused and the absent: the presence that made the quorum."""
    _ = translator(language)
    blocks = presence_tables(minutes, language)
    end = next(
        (
            index
            for index, block in enumerate(blocks)
            if isinstance(block, Heading) and block.text == _("Members excused")
        ),
        len(blocks),
    )
    shown = [Heading(block.text, 3) if isinstance(block, Heading) else block for block in blocks]
    found: list[Block] = shown[:end]
    if minutes.opening_quorum is not None:
        found.append(Paragraph(quorum_line(minutes.opening_quorum, language) + ".", bold=True))
    return found


def _draft_mark(minutes: Minutes, language: str) -> list[Block]:
    """Until the minutes are final, neither are their extracts: marked as the minutes are."""
    if minutes.final:
        return []
    _ = translator(language)
    detail = _(
        "The minutes this extract is taken from await their approval by the next session of "
        "the instance."
    )
    return [draft_banner(detail, language)]


def _certification(minutes: Minutes, language: str) -> list[Block]:
    """The chair certifies an extract of approved minutes only, and signs under it."""
    if not minutes.final:
        return []
    _ = translator(language)
    approval = minutes.approval
    assert approval is not None  # final minutes are approved
    chair = (_("The chair of the session"), chair_text(minutes, language))
    return [
        Paragraph(
            _(
                "Certified true extract of the register of deliberations, by the chair of "
                "the session."
            ),
            bold=True,
        ),
        Paragraph(approval_text(approval, minutes.zone, language), note=True),
        Signatures((chair,), signed_lines(minutes, language)[:1]),
    ]


def extract_document(
    extract: Extract, generated_at: datetime, language: str = DEFAULT_LANGUAGE
) -> Document:
    """The blocks of the extract, in the words of the minutes."""
    _ = translator(language)
    minutes = extract.minutes
    zone = minutes.zone
    instance = instance_label(minutes.instance_name, minutes.instance_kind, language)
    session = _("Session of {moment}").format(moment=moment(minutes.starts_at, language, zone))
    number = _("Deliberation no. {reference}").format(reference=extract.reference)
    blocks: list[Block] = [
        Title(
            _("Extract from the register of deliberations"),
            (minutes.groupement_name, instance, session, number),
        ),
        *_draft_mark(minutes, language),
        Fields(
            (
                (_.pgettext("field", "Groupement"), minutes.groupement_name),
                (_.pgettext("field", "Instance"), instance),
                (_.pgettext("field", "Date"), moment(minutes.starts_at, language, zone)),
                (_.pgettext("field", "Place"), minutes.place or minutes.video_link or ""),
                (_("Chair of the session"), chair_text(minutes, language)),
            )
        ),
        Heading(_("Members present and represented")),
        *_presence(minutes, language),
        Heading(_("The deliberation")),
        *(
            block
            for block in deliberation_blocks(minutes, extract.deliberation, language)
            if not isinstance(block, ChartSlot)
        ),
    ]
    blocks.extend(_certification(minutes, language))
    blocks.append(Generated(generated_text(generated_at, zone, language)))
    return Document(
        title=_("Extract from the register of deliberations — {reference}").format(
            reference=extract.reference
        ),
        running_title=_("{groupement} — {instance}").format(
            groupement=minutes.groupement_name, instance=instance
        ),
        author=minutes.groupement_name,
        draft=not minutes.final,
        language=language,
        words=page_words(language),
        blocks=tuple(blocks),
    )
