"""Deployment settings, read from ``SCRUTIN_*`` environment variables and ``.env``.

These say where things are (database, governance files, API); what the groupements are
lives in the governance files themselves.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.loader import default_config_dir
from config.sections import LocaleTag

DATABASE_URL_SCHEMES = ("sqlite:///", "postgresql://", "postgres://")
# What Telegram accepts as a webhook's secret token.
WEBHOOK_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

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
    webhook_secret: SecretStr | None = None
    """The secret Telegram sends with each webhook call; replicas behind one load balancer
    share it. When unset, each ``scrutin run --webhook`` draws its own."""
    inbox_lease_seconds: float = Field(default=20.0, gt=0)
    """How long an update admitted by one replica stays its own without a renewal: after
    that, another replica adopts it (the first one died)."""

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WEBHOOK_SECRET_SHAPE.match(value.get_secret_value()):
            # The value itself stays out of the message: it is a secret.
            raise ValueError("expected 1 to 256 characters among A-Z, a-z, 0-9, _ and -")
        return value

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

    @field_validator(
        "telegram_bot_token", "api_base_url", "database_url", "webhook_secret", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # "TELEGRAM_BOT_TOKEN=" in a .env template means "not set yet", not "empty token".
        if isinstance(value, str) and not value.strip():
            return None
        return value
