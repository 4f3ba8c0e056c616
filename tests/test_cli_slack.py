"""`jobclub run` and `jobclub slack` refuse Slack's HTTP mode without a signing secret.

Without it bolt can verify no request and answers each one with an error, so the
bot would look up but serve nobody. Both commands name the missing setting instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import cli

SLACK_ENV = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DISCORD_TOKEN")


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[list[str]]:
    """Platforms the CLI would have started (recorded instead of served); a clean env."""
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in SLACK_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JOBCLUB_LOG_FILE", str(tmp_path / "jobclub.log"))
    calls: list[list[str]] = []

    def record(settings: object, names: list[str], *, port: int = 3000) -> int:
        calls.append(names)
        return 0

    monkeypatch.setattr(cli, "_platforms", record)
    return calls


@pytest.mark.parametrize("command", ["run", "slack"])
def test_http_mode_without_a_signing_secret_is_refused(
    started: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    assert cli.main([command]) == 2
    assert "SLACK_SIGNING_SECRET" in capsys.readouterr().err
    assert started == []


@pytest.mark.parametrize("command", ["run", "slack"])
def test_with_the_secret_or_socket_mode_slack_starts(
    started: list[list[str]], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret-value")
    assert cli.main([command]) == 0
    monkeypatch.delenv("SLACK_SIGNING_SECRET")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-test")
    assert cli.main([command]) == 0
    assert started == [["slack"], ["slack"]]
