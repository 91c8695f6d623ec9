"""The messages about a meeting's documents: the line of the convocation that lists them,
the caption each person reads with a file, the coordinator's confirmations, and who has
received a confidential document."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from config.models import Groupement
from meetings.buttons import AttachButton, ReceivedButton
from meetings.documents import MeetingDocument, ReceiptStatus, shown_name
from meetings.meeting import Meeting
from meetings.notifier import Button, Keyboard
from meetings.wording.formats import moment, name_of, weight
from meetings.wording.i18n import translator
from meetings.wording.messages.meetings import meeting_heading
from meetings.wording.messages.results import MESSAGE_LIMIT, packed

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


def _who(
    person_id: str, participant_id: str, groupement: Groupement, names: Mapping[str, str]
) -> str:
    """ "Paul Girard (Département de l'Aube)": a member's titulaire and suppléant both read."""
    member = str(name_of(groupement, participant_id))
    person = names.get(person_id)
    return member if person is None else f"{person} ({member})"


def status_messages(
    meeting: Meeting,
    groupement: Groupement,
    statuses: Sequence[ReceiptStatus],
    names: Mapping[str, str],
    language: str,
) -> tuple[str, ...]:
    """Per document: how many people received it, whom it could not reach, and for a
    confidential one who pressed "Reçu" and who has not: one person a line, in as many
    messages as Telegram's 4,096 characters need (communes can be hundreds)."""
    _ = translator(language)
    rows: list[tuple[str, str]] = [(meeting_heading(meeting, groupement, language), "")]
    if not statuses:
        rows.append((_("No document is attached to this meeting."), ""))
    for status in statuses:
        title = _("No. {id}: {label}").format(
            id=status.document.id, label=document_label(status.document, language)
        )
        rows += [("", ""), (title, "")]
        for heading, people in _receipt_groups(status, groupement, names, language):
            rows.append((heading, ""))
            rows += [(person, f"{title} — {heading}") for person in people]
    return tuple("\n".join(part) for part in packed(rows, MESSAGE_LIMIT))


def _receipt_groups(
    status: ReceiptStatus, groupement: Groupement, names: Mapping[str, str], language: str
) -> list[tuple[str, list[str]]]:
    """A document's lines under their headings: ("Pas encore (3) :", ["• …", …])."""
    _ = translator(language)
    document = status.document
    if not document.sent_to_people:
        return [(_("Signed minutes, kept with the meeting."), [])]
    received = len(status.deliveries)
    heading = _.ngettext("Received by {n} person.", "Received by {n} people.", received)
    groups: list[tuple[str, list[str]]] = [(heading.format(n=received), [])]
    zone = groupement.groupement.tzinfo

    def who(person_id: str, participant_id: str) -> str:
        return "• " + _who(person_id, participant_id, groupement, names)

    lists: list[tuple[str, list[str]]] = []
    if document.confidential:
        confirmed = [
            _("{name}, on {moment}").format(
                name=who(d.person_id, d.participant_id),
                moment=moment(d.received_at, language, zone),
            )
            for d in status.confirmed
            if d.received_at is not None
        ]
        waiting = [who(d.person_id, d.participant_id) for d in status.unconfirmed]
        lists += [(_("Pressed “Received” ({n}):"), confirmed), (_("Not yet ({n}):"), waiting)]
    missing = [who(r.person_id, r.participant_id) for r in status.not_delivered]
    lists.append((_("Not delivered ({n}):"), missing))
    groups += [(title.format(n=len(people)), people) for title, people in lists if people]
    return groups
