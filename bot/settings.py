"""Settings from the environment and an optional `.env`, checked once at start."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/jobclub.db"


def _default_content_dir() -> Path:
    """The checkout's content/ (editable installs), else content/ in the working directory."""
    beside_code = Path(__file__).resolve().parent.parent / "content"
    return beside_code if beside_code.is_dir() else Path("content")


DEFAULT_CONTENT_DIR = _default_content_dir()


class SettingsError(Exception):
    """A setting has a wrong value; the message is one line naming the setting."""


class Settings(BaseSettings):
    """Every knob the bot has. Names match the environment variables (see README)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    database_url: str = DEFAULT_DATABASE_URL
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_messages_per_second: float = Field(default=5.0, gt=0, le=1000)
    """Workspace-wide pace of the bot's own posts (per channel it stays at about one a
    second). Raise it only if your workspace allows more, or against a fake Slack."""
    discord_token: SecretStr | None = None
    discord_api_url: str = "https://discord.com/api/v10"
    discord_gateway_url: str = "wss://gateway.discord.gg/"
    discord_guild_id: int | None = None
    """Sync commands to this one guild (instant; for development) instead of globally."""
    discord_shard_count: int | None = Field(default=None, ge=1, le=10_000)
    discord_shard_ids: str | None = None
    """Which shards this process runs, e.g. `0-3` or `4,5` (needs DISCORD_SHARD_COUNT)."""
    jobclub_dispatch_seconds: float = Field(default=5.0, gt=0, le=3600)
    jobclub_http_port: int = Field(default=8080, ge=0, le=65535)
    """Where `jobclub run` serves /healthz, /readyz and /metrics (0: any free port)."""
    jobclub_timezone: str = "UTC"
    jobclub_log_level: str = "INFO"
    jobclub_log_file: Path = DEFAULT_DATA_DIR / "jobclub.log"
    jobclub_content_dir: Path = DEFAULT_CONTENT_DIR
    jobclub_club_content_dir: Path | None = None
    """A club coordinator's own content, merged into the shipped library."""

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return normalize_database_url(value)

    @field_validator("jobclub_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not a known time zone; use an IANA name such as Europe/Berlin"
            ) from None
        return value

    @field_validator("slack_api_url", "discord_api_url", "discord_gateway_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError(f"{value!r} is not a URL (it needs a scheme such as https://)")
        return value

    @field_validator("jobclub_log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("use one of DEBUG, INFO, WARNING, ERROR")
        return value

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.jobclub_timezone)


def normalize_database_url(url: str) -> str:
    """Accept the usual spellings and pick the async driver the bot uses."""
    url = url.strip()
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("postgresql+asyncpg://"):
        return url
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url.split("://", 1)[1]
    if url.startswith("sqlite+aiosqlite://"):
        return url
    raise ValueError("use a sqlite:/// file path or a postgresql:// URL")


def load_settings(**overrides: Any) -> Settings:
    """Read and check the settings; raise `SettingsError` with one clear line on a bad value."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"Setting {name} is wrong: {message}") from None
