"""The messages about a meeting's documents: the line of the convocation that lists them,
the caption each person reads with a file, the coordinator's confirmations, and who has
received a confidential document."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from config.models import Groupement
from meetings.buttons import AttachButton, ReceivedButton
from meetings.documents import DocumentDelivery, MeetingDocument, ReceiptStatus, shown_name
from meetings.meeting import Meeting
from meetings.notifier import Button, Keyboard
from meetings.wording.formats import moment, name_of, weight
from meetings.wording.i18n import translator
from meetings.wording.messages.meetings import meeting_heading

_KILO = 1024
CAPTION_LIMIT = 1024 - 100
"""Telegram's caption limit, less room for the receipt a press on "Reçu" writes under it."""


def file_size(size: int, language: str) -> str:
    """``850 octets``, ``12,4 Ko``, ``1,2 Mo``."""
    _ = translator(language)
    if size < _KILO:
        return _.ngettext("{size} byte", "{size} bytes", size).format(size=weight(size, language))
    tenth = Decimal("0.1")
    if size < _KILO * _KILO:
        kilo = (Decimal(size) / _KILO).quantize(tenth, rounding=ROUND_HALF_UP)
        return _("{size} kB").format(size=weight(kilo, language))
    mega = (Decimal(size) / (_KILO * _KILO)).quantize(tenth, rounding=ROUND_HALF_UP)
    return _("{size} MB").format(size=weight(mega, language))


def document_label(document: MeetingDocument, language: str) -> str:
    """``budget-2027.csv (1,2 Ko)``, with its agenda item and its confidentiality."""
    _ = translator(language)
    text = _("{name} ({size})").format(
        name=shown_name(document.filename), size=file_size(document.size, language)
    )
    if document.agenda_position is not None:
        text += ", " + _("item {position}").format(position=document.agenda_position)
    if document.confidential:
        text += ", " + _("confidential")
    return text


LISTED = 320
"""Characters of a convocation given to naming its documents: it rides on its .ics as a
caption of 1,024 characters. The others are counted (each person receives them all)."""


def convocation_documents(documents: Sequence[MeetingDocument], language: str) -> list[str]:
    """The lines of a convocation that list its documents (each sent just after it)."""
    if not documents:
        return []
    _ = translator(language)
    lines = [_("Documents (sent to you with this convocation):")]
    used = 0
    for shown, document in enumerate(documents):
        line = "📎 " + document_label(document, language)
        more = len(documents) - shown
        if used + len(line) > LISTED:
            lines.append(
                _.ngettext("… and {n} more document.", "… and {n} more documents.", more).format(
                    n=more
                )
            )
            break
        lines.append(line)
        used += len(line)
    return lines


def document_caption(
    document: MeetingDocument,
    meeting: Meeting,
    groupement: Groupement,
    complement: bool,
    language: str,
) -> str:
    _ = translator(language)
    heading = meeting_heading(meeting, groupement, language)
    if complement:
        title = _("📎 Additional document — {heading}").format(heading=heading)
    else:
        title = _("📎 Document — {heading}").format(heading=heading)
    lines = [title, document_label(document, language)]
    if document.confidential:
        lines.append(
            _(
                "Confidential: sent to the members' representatives only; do not pass it on. "
                "Press “Received” once you have it: Telegram does not tell the bot whether a "
                "message was read."
            )
        )
    if document.agenda_position is not None:
        agenda = meeting.plan.agenda
        if document.agenda_position <= len(agenda):
            item = agenda[document.agenda_position - 1].title
            lines.append(
                _("For item {position}: {title}").format(
                    position=document.agenda_position, title=item
                )
            )
    text = "\n".join(lines)
    # A caption holds 1,024 characters: the agenda item's title, last, gives way first.
    return text if len(text) <= CAPTION_LIMIT else text[: CAPTION_LIMIT - 1] + "…"


def received_keyboard(document: MeetingDocument, language: str) -> Keyboard:
    _ = translator(language)
    return ((Button(_("Received"), ReceivedButton(document.id).encode()),),)


def attach_keyboard(meeting_id: int, language: str) -> Keyboard:
    """Under a meeting's documents: attach another one (the next file sent is for it)."""
    _ = translator(language)
    return (
        (
            Button(_("Attach a document"), AttachButton(meeting_id, False).encode()),
            Button(_("Attach a confidential one"), AttachButton(meeting_id, True).encode()),
        ),
    )


def received_confirmation(at: datetime, language: str, zone: ZoneInfo) -> str:
    _ = translator(language)
    return _("✔ Receipt recorded on {moment}.").format(moment=moment(at, language, zone))


def attached_text(
    document: MeetingDocument, meeting: Meeting, sent: int, convened: bool, language: str
) -> str:
    """The coordinator's confirmation that a document is on record, and where it went."""
    _ = translator(language)
    lines = [
        _("Document no. {id} recorded for meeting no. {number}: {label}.").format(
            id=document.id, number=meeting.id, label=document_label(document, language)
        ),
        _("SHA-256: {digest}").format(digest=document.sha256),
    ]
    if not document.sent_to_people:
        lines.append(_("It is kept with the meeting's minutes; it is sent to nobody."))
    elif convened:
        lines.append(
            _.ngettext(
                "Sent as an additional document to {n} person.",
                "Sent as an additional document to {n} people.",
                sent,
            ).format(n=sent)
        )
    else:
        lines.append(_("It will be sent with the convocation."))
    return "\n".join(lines)


def _who(delivery: DocumentDelivery, groupement: Groupement, language: str) -> str:
    return str(name_of(groupement, delivery.participant_id))


def status_text(
    meeting: Meeting,
    groupement: Groupement,
    statuses: Sequence[ReceiptStatus],
    language: str,
) -> str:
    """Per document: who received it, and for a confidential one who pressed "Reçu"."""
    _ = translator(language)
    zone = groupement.groupement.tzinfo
    lines = [meeting_heading(meeting, groupement, language)]
    if not statuses:
        lines.append(_("No document is attached to this meeting."))
    for status in statuses:
        document = status.document
        lines += [
            "",
            _("No. {id}: {label}").format(id=document.id, label=document_label(document, language)),
        ]
        if not document.sent_to_people:
            lines.append(_("Signed minutes, kept with the meeting."))
            continue
        lines.append(
            _("Received by {n}: {names}").format(
                n=len(status.deliveries),
                names=", ".join(_who(d, groupement, language) for d in status.deliveries) or "—",
            )
        )
        if document.confidential:
            confirmed = [
                _("{name} on {moment}").format(
                    name=_who(d, groupement, language),
                    moment=moment(d.received_at, language, zone),
                )
                for d in status.confirmed
                if d.received_at is not None
            ]
            lines.append(_("Pressed “Received”: {names}").format(names=", ".join(confirmed) or "—"))
            waiting = [_who(d, groupement, language) for d in status.unconfirmed]
            lines.append(_("Not yet: {names}").format(names=", ".join(waiting) or "—"))
        if status.not_delivered:
            missing = [str(name_of(groupement, r.participant_id)) for r in status.not_delivered]
            lines.append(_("Not delivered: {names}").format(names=", ".join(missing)))
    return "\n".join(lines)
