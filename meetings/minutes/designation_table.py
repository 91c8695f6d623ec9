"""The minutes' table of the representatives' designations: each member convened whose
designation is on record, who sat for it, and the act that designated its representatives
(or the election since which its seats waited)."""

from __future__ import annotations

from meetings.minutes.blocks import Block, Heading, Table
from meetings.minutes.model import DesignationLine, Minutes
from meetings.minutes.presence_tables import sitter_text
from meetings.wording.formats import long_date
from meetings.wording.i18n import translator
from meetings.wording.messages.designations import act_phrase


def designation_table(minutes: Minutes, language: str) -> list[Block]:
    """Nothing where no member convened has a designation on record."""
    if not minutes.designations:
        return []
    _ = translator(language)
    sitters = {member.member_id: member.sitter for member in minutes.members}
    rows = tuple(
        (
            str(line.member),
            sitter_text(sitters.get(line.member_id), _),
            _designation(line, language),
        )
        for line in minutes.designations
    )
    return [
        Heading(_("Designation of the representatives"), 2),
        Table(
            (
                _.pgettext("column", "Member"),
                _.pgettext("column", "Sitting for it"),
                _.pgettext("column", "Designated by"),
            ),
            rows,
            (5, 4, 7),
        ),
    ]


def _designation(line: DesignationLine, language: str) -> str:
    if line.act is not None:
        return act_phrase(line.act, language)
    _ = translator(language)
    assert line.waiting_since is not None
    return _("waiting for a designation since the election of {date}").format(
        date=long_date(line.waiting_since, language)
    )
