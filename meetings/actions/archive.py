"""A groupement's yearly archive, for its coordinator.

Read-only. The year defaults to the current one (the groupement's local date); a year before
1980 (the earliest a zip can date) or after the current one has nothing to archive. Built
from the database alone; the standard sources draw and print, so they are imported when an
archive is first asked for, not when the bot starts.
"""

from __future__ import annotations

from meetings.actions.actor import Actor
from meetings.archive.build import Archive
from meetings.services import Services
from voting.refusal import Refused

EARLIEST_YEAR = 1980


class WhichGroupement(Refused):
    """The person coordinates several groupements and named none of them."""

    code = "archive.which_groupement"


class YearOutOfRange(Refused):
    code = "archive.year_out_of_range"


def current_year(services: Services, groupement_id: str) -> int:
    zone = services.governance.groupement(groupement_id).groupement.tzinfo
    return services.clock().astimezone(zone).year


def check_year(year: int, current: int) -> int:
    if not EARLIEST_YEAR <= year <= current:
        raise YearOutOfRange(
            f"no archive for {year}: a year from {EARLIEST_YEAR} to {current}",
            year=year,
            earliest=EARLIEST_YEAR,
            latest=current,
        )
    return year


def archived_groupement(actor: Actor, wanted: str | None) -> str:
    """The groupement ``wanted``, or the only one the person coordinates."""
    if wanted is not None:
        actor.require_coordinator(wanted)
        return wanted
    if len(actor.coordinated) != 1:
        choices = sorted(actor.coordinated)
        raise WhichGroupement(f"which of {choices}?", choices=choices, example=choices[0])
    return actor.coordinated[0]


async def archive_of(
    services: Services, groupement_id: str, year: int | None, language: str
) -> Archive:
    """The archive of ``groupement_id`` for ``year`` (default: the current year)."""
    # Imported here: the sources load matplotlib and fpdf2 (see the module's docstring).
    from meetings.archive.sources import yearly_archive

    current = current_year(services, groupement_id)
    chosen = check_year(current if year is None else year, current)
    return await yearly_archive(services, groupement_id, chosen, language)


async def archive_for(
    services: Services, actor: Actor, groupement_id: str | None, year: int | None
) -> Archive:
    """For a coordinator of that groupement only, in the person's language."""
    chosen = archived_groupement(actor, groupement_id)
    return await archive_of(services, chosen, year, actor.language)
