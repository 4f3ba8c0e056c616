"""Settings: read from the environment and `.env`, wrong values stop with one clear line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings, normalize_database_url


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DATABASE_URL", "JOBCLUB_TIMEZONE", "JOBCLUB_DISPATCH_SECONDS", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///data/jobclub.db"
    assert settings.jobclub_timezone == "UTC"
    assert settings.jobclub_dispatch_seconds == 5.0
    assert settings.slack_bot_token is None


def test_environment_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    dotenv = "JOBCLUB_TIMEZONE=Europe/Berlin\nSLACK_BOT_TOKEN=xoxb-from-file\n"
    (tmp_path / ".env").write_text(dotenv)
    monkeypatch.setenv("JOBCLUB_DISPATCH_SECONDS", "2.5")
    settings = load_settings()
    assert settings.jobclub_timezone == "Europe/Berlin"
    assert settings.jobclub_dispatch_seconds == 2.5
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-from-file"
    assert "xoxb-from-file" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("JOBCLUB_TIMEZONE", "Mars/Olympus", "Setting JOBCLUB_TIMEZONE is wrong:"),
        ("JOBCLUB_DISPATCH_SECONDS", "soon", "Setting JOBCLUB_DISPATCH_SECONDS is wrong:"),
        ("JOBCLUB_DISPATCH_SECONDS", "0", "Setting JOBCLUB_DISPATCH_SECONDS is wrong:"),
        ("DATABASE_URL", "mysql://x/y", "Setting DATABASE_URL is wrong:"),
        ("SLACK_API_URL", "slack.example", "Setting SLACK_API_URL is wrong:"),
    ],
)
def test_wrong_values_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith(expected)
    assert "\n" not in message


def test_database_url_spellings() -> None:
    assert normalize_database_url("postgresql://u:p@h/db") == "postgresql+asyncpg://u:p@h/db"
    assert normalize_database_url("postgres://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert normalize_database_url("sqlite:///x.db") == "sqlite+aiosqlite:///x.db"


def test_cli_stops_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "content", "check"],
        env={"PATH": "/usr/bin:/bin", "JOBCLUB_TIMEZONE": "Nowhere/Special"},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("jobclub: Setting JOBCLUB_TIMEZONE is wrong:")
