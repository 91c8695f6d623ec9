"""The database a command works on, as the settings name it."""

from __future__ import annotations

from config.models import Governance
from config.settings import Settings
from meetings.services import Services


async def open_services(governance: Governance, settings: Settings) -> Services:
    """The services on the database the settings name (a SQLite file, or a URL)."""
    return await Services.open(governance, settings.database, documents=settings.documents_path)
