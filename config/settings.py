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

DATABASE_URL_SCHEMES = ("sqlite:///", "postgresql://", "postgres://")

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
    database_url: str | None = None
    """``sqlite:///path/scrutin.db`` or ``postgresql://user@host:port/db``; when unset, the
    SQLite file at ``database_path``."""
    documents_path: Path | None = None
    """Where attached documents are kept; by default beside a SQLite file, or
    ``scrutin-documents`` for PostgreSQL (several replicas must share it)."""
    config_dir: Path = Field(default_factory=default_config_dir)
    # The unprefixed name is the one BotFather tutorials and hosting panels use.
    telegram_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "SCRUTIN_TELEGRAM_BOT_TOKEN"),
    )
    locale: LocaleTag = "fr"
    api_base_url: str | None = None

    @field_validator("database_url")
    @classmethod
    def _known_engine(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(DATABASE_URL_SCHEMES):
            raise ValueError(
                "expected sqlite:///path/scrutin.db or postgresql://user@host:port/database"
            )
        return value

    @property
    def database(self) -> Path | str:
        """What ``Database.open`` takes: the URL when one is set, else the SQLite file."""
        return self.database_url or self.database_path

    @field_validator("telegram_bot_token", "api_base_url", "database_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # "TELEGRAM_BOT_TOKEN=" in a .env template means "not set yet", not "empty token".
        if isinstance(value, str) and not value.strip():
            return None
        return value
