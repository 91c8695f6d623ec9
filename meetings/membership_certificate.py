"""The *certificat d'adhésion* (seed 004, annexe I) of a joining in the register, as one A4 PDF.

:func:`certificate_of` says what it contains (pure, testable as text); :func:`render_certificate`
draws it with fpdf2 and the DejaVu fonts the minutes use. Two renderings of one joining are
the same bytes: the PDF's creation date is the time the joining was recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from config.models import Groupement
from meetings.membership import Joining, MarketNotification
from meetings.minutes.pdf import FONT, INK, NAVY, RULE, font_directory
from meetings.wording.formats import long_date, moment, name_of
from meetings.wording.i18n import translator
from meetings.wording.messages.membership import act_text, exception_text
from meetings.wording.typography import print_apostrophes

_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


@dataclass(frozen=True)
class Certificate:
    filename: str
    title: str
    subtitle: str
    fields: tuple[tuple[str, str], ...]
    statement: str
    footer: str
    signature: str
    joining: Joining


def certificate_of(
    groupement: Groupement,
    joining: Joining,
    notification: MarketNotification | None,
    language: str = "fr",
) -> Certificate:
    _ = translator(language)
    zone = groupement.groupement.tzinfo
    convention = groupement.convention
    fields = [
        (_("Groupement"), groupement.name),
        (_("Coordinator"), str(name_of(groupement, groupement.groupement.coordinator))),
        (_("Member"), str(name_of(groupement, joining.member_id))),
        (_("Member since"), long_date(joining.joined_on, language)),
        (_("Act of joining"), act_text(joining.act, language)),
    ]
    if joining.exception is not None and notification is not None:
        fields.append(
            (
                _("Exception"),
                _("market notified on {day}; {exception}").format(
                    day=long_date(notification.notified_on, language),
                    exception=exception_text(joining.exception, language),
                ),
            )
        )
    statement = _(
        "The coordinator of the groupement certifies that {member} is a member of it from "
        "{day}, and adheres without reservation to its constituent convention."
    ).format(
        member=name_of(groupement, joining.member_id),
        day=long_date(joining.joined_on, language),
    )
    footer = _("Recorded in the membership register under no. {number} on {moment}.").format(
        number=joining.id, moment=moment(joining.recorded.at, language, zone)
    )
    return Certificate(
        filename=f"certificat-adhesion-{joining.member_id}-{joining.id}.pdf",
        title=_("Certificate of membership"),
        subtitle=convention.title if convention and convention.title else groupement.name,
        fields=tuple(fields),
        statement=statement,
        footer=footer,
        signature=_("For the coordinator,"),
        joining=joining,
    )


def render_certificate(certificate: Certificate) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    for style, file in _FONT_FILES.items():
        pdf.add_font(FONT, style, str(font_directory() / file))
    pdf.set_creation_date(certificate.joining.recorded.at)
    pdf.set_title(print_apostrophes(certificate.title))
    pdf.set_margins(25, 25, 25)
    pdf.add_page()
    pdf.set_text_color(*NAVY)
    pdf.set_font(FONT, "B", 20)
    pdf.cell(
        0,
        12,
        print_apostrophes(certificate.title).upper(),
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(
        0,
        5,
        print_apostrophes(certificate.subtitle),
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, pdf.get_y() + 4, pdf.w - pdf.r_margin, pdf.get_y() + 4)
    pdf.ln(10)
    pdf.set_text_color(*INK)
    for label, value in certificate.fields:
        pdf.set_font(FONT, "B", 10)
        pdf.cell(50, 6, print_apostrophes(label))
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(
            0, 6, print_apostrophes(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.ln(1)
    pdf.ln(6)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(
        0, 6, print_apostrophes(certificate.statement), new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.ln(14)
    pdf.set_x(pdf.w / 2)
    pdf.multi_cell(
        0, 6, print_apostrophes(certificate.signature), new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_y(-35)
    pdf.set_font(FONT, "", 8)
    pdf.multi_cell(0, 4, print_apostrophes(certificate.footer), align="C")
    return bytes(pdf.output())
