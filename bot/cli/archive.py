"""``scrutin archive GROUPEMENT [--year Y] [--lang fr|en] -o FILE.zip``: a groupement's year."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.cli.common import fail, governance_of, load_settings
from bot.cli.database import open_services
from config.models import GovernanceLookupError
from meetings.actions.archive import archive_of
from meetings.archive.build import Archive
from meetings.wording.refusals import refusal
from meetings.wording.typography import plain
from voting.refusal import Refused


def archive(args: argparse.Namespace) -> int:
    settings = load_settings()
    governance = governance_of(settings)
    if args.groupement not in governance.groupements:
        known = ", ".join(sorted(governance.groupements))
        return fail(f"unknown groupement {args.groupement!r}; known: {known}")

    async def build() -> Archive:
        services = await open_services(governance, settings)
        try:
            return await archive_of(services, args.groupement, args.year, args.lang)
        finally:
            await services.close()

    try:
        built = asyncio.run(build())
    except GovernanceLookupError as error:
        return fail(str(error))
    except Refused as error:
        return fail(f"no archive: {plain(refusal(error, 'en'))}")
    Path(args.output).write_bytes(built.content)
    year = built.year
    print(
        f"archive of {args.groupement} for {year.year} written to {args.output}: "
        f"{len(built.entries)} files, {len(year.meetings)} meeting(s), "
        f"{len(year.records)} written consultation(s), {len(built.content)} bytes"
    )
    return 0
