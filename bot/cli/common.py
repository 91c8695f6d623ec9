"""What every sub-command of the command line shares: failing in one line, and the settings."""

from __future__ import annotations

import sys

from pydantic import ValidationError

from config.loader import load_config_dir
from config.models import Governance
from config.settings import Settings

EXIT_INVALID = 2


class SettingsProblem(Exception):
    """Settings from the environment or .env that cannot be used."""


def fail(message: str) -> int:
    print(f"scrutin: {message}", file=sys.stderr)
    return EXIT_INVALID


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsProblem(
            "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        ) from None


def governance_of(settings: Settings) -> Governance:
    return load_config_dir(settings.config_dir)
