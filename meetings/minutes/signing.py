"""What the minutes say of their approval and of their signatures."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from meetings.approval import Approval, Signatory
from meetings.minutes.model import Minutes
from meetings.wording.formats import long_date, moment
from meetings.wording.i18n import translator


def approval_text(approval: Approval, zone: ZoneInfo, language: str) -> str:
    """``Procès-verbal approuvé le 12 mars 2027, délibération n° COGOUV-2027-01.``"""
    _ = translator(language)
    when = long_date(approval.approved_at.astimezone(zone).date(), language)
    if approval.reference is None:
        return _("Minutes approved on {date}.").format(date=when)
    return _("Minutes approved on {date}, deliberation no. {reference}.").format(
        date=when, reference=approval.reference
    )


def secretary_name(minutes: Minutes) -> str:
    """The name the secretary signed with, where the plan named no secretary."""
    return next((s.name for s in minutes.signatures if s.signatory is Signatory.SECRETARY), "")


def signed_lines(minutes: Minutes, language: str) -> tuple[str, ...]:
    """Under the chair's box, then the secretary's: the confirmation each recorded, if any."""
    _ = translator(language)
    by_role = {signature.signatory: signature for signature in minutes.signatures}
    lines = []
    for role in (Signatory.CHAIR, Signatory.SECRETARY):
        signature = by_role.get(role)
        if signature is None:
            lines.append("")
        else:
            lines.append(
                _("Signed by {name} in Scrutin on {moment}").format(
                    name=signature.name,
                    moment=moment(signature.signed_at, language, minutes.zone),
                )
            )
    return tuple(lines)
