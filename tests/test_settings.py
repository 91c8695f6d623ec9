"""Deployment settings from the environment and from a ``.env`` file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from config.loader import default_config_dir
from config.settings import Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Neither the developer's environment nor a stray .env may leak into a test."""
    for name in list(os.environ):
        if name.startswith("SCRUTIN_") or name == "TELEGRAM_BOT_TOKEN":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    settings = Settings()
    assert settings.database_path == Path("scrutin.db")
    assert settings.config_dir == default_config_dir()
    assert settings.telegram_bot_token is None
    assert settings.locale == "fr"
    assert settings.api_base_url is None


def test_prefixed_environment_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SCRUTIN_DATABASE_PATH", str(tmp_path / "votes.db"))
    monkeypatch.setenv("SCRUTIN_CONFIG_DIR", str(tmp_path / "governance"))
    monkeypatch.setenv("SCRUTIN_LOCALE", "fr_FR")
    monkeypatch.setenv("SCRUTIN_API_BASE_URL", "http://localhost:8080/api")
    settings = Settings()
    assert settings.database_path == tmp_path / "votes.db"
    assert settings.config_dir == tmp_path / "governance"
    assert settings.locale == "fr_FR"
    assert settings.api_base_url == "http://localhost:8080/api"


@pytest.mark.parametrize("name", ["TELEGRAM_BOT_TOKEN", "SCRUTIN_TELEGRAM_BOT_TOKEN"])
def test_bot_token_from_either_name(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(name, "123456:ABC-secret")
    token = Settings().telegram_bot_token
    assert token is not None
    assert token.get_secret_value() == "123456:ABC-secret"


def test_bot_token_never_shows_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:ABC-secret")
    settings = Settings()
    assert "ABC-secret" not in repr(settings)
    assert "ABC-secret" not in str(settings.model_dump())


def test_blank_token_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    assert Settings().telegram_bot_token is None


def test_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "TELEGRAM_BOT_TOKEN=42:from-dotenv\n"
        "SCRUTIN_DATABASE_PATH=from-dotenv.db\n"
        "SCRUTIN_API_BASE_URL=https://scrutin.example/api\n"
        "OTHER_TOOL_SETTING=ignored\n",
        encoding="utf-8",
    )
    settings = Settings()
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == "42:from-dotenv"
    assert settings.database_path == Path("from-dotenv.db")
    assert settings.api_base_url == "https://scrutin.example/api"


def test_environment_wins_over_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SCRUTIN_DATABASE_PATH=from-dotenv.db\n", encoding="utf-8")
    monkeypatch.setenv("SCRUTIN_DATABASE_PATH", "from-env.db")
    assert Settings().database_path == Path("from-env.db")


def test_explicit_dotenv_path(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere.env"
    other.write_text("SCRUTIN_LOCALE=en\n", encoding="utf-8")
    assert Settings(_env_file=other).locale == "en"


def test_unknown_locale_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRUTIN_LOCALE", "klingon")
    with pytest.raises(ValidationError, match="unknown locale 'klingon'"):
        Settings()


def test_the_webhook_secret_is_shared_by_replicas_and_never_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().webhook_secret is None  # each run draws its own
    monkeypatch.setenv("SCRUTIN_WEBHOOK_SECRET", "shared_Secret-42")
    settings = Settings()
    assert settings.webhook_secret is not None
    assert settings.webhook_secret.get_secret_value() == "shared_Secret-42"
    assert "shared_Secret-42" not in repr(settings)
    monkeypatch.setenv("SCRUTIN_WEBHOOK_SECRET", "not/allowed")
    with pytest.raises(ValidationError):
        Settings()
