"""Deployment settings, read from ``SCRUTIN_*`` environment variables and ``.env``.

These say where things are (database, governance files, API); what the groupements are
lives in the governance files themselves.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.loader import default_config_dir
from config.sections import LocaleTag

__all__ = ["Settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SCRUTIN_",
        env_file=".env",
        env_file_encoding="utf-8",
        # A .env file is shared with other tools; their variables are not our mistakes.
        extra="ignore",
        frozen=True,
    )

    database_path: Path = Path("scrutin.db")
    config_dir: Path = Field(default_factory=default_config_dir)
    # The unprefixed name is the one BotFather tutorials and hosting panels use.
    telegram_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "SCRUTIN_TELEGRAM_BOT_TOKEN"),
    )
    locale: LocaleTag = "fr"
    api_base_url: str | None = None

    @field_validator("telegram_bot_token", "api_base_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # "TELEGRAM_BOT_TOKEN=" in a .env template means "not set yet", not "empty token".
        if isinstance(value, str) and not value.strip():
            return None
        return value
