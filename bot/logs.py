"""Logging to a file (never to a console user's screen), with secrets kept out."""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

from bot.settings import Settings

_SECRET_SHAPES = re.compile(
    r"(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|[MN][A-Za-z\d]{23,}\.[\w-]{6}\.[\w-]{27,})"
)


class RedactingFilter(logging.Filter):
    """Masks configured secrets and anything shaped like a Slack or Discord token."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = _SECRET_SHAPES.sub("[redacted]", message)
        for secret in self._secrets:
            cleaned = cleaned.replace(secret, "[redacted]")
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def configure_logging(settings: Settings, *, to_stderr: bool) -> Path:
    """Log to the settings' file (rotated); also to stderr for server modes."""
    path = settings.jobclub_log_file
    path.parent.mkdir(parents=True, exist_ok=True)
    secrets = [
        s.get_secret_value()
        for s in (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.discord_token,
        )
        if s is not None
    ]
    redact = RedactingFilter(secrets)
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(
            path, maxBytes=5_000_000, backupCount=3, encoding="utf-8"
        )
    ]
    if to_stderr:
        handlers.append(logging.StreamHandler())
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        handler.setFormatter(fmt)
        handler.addFilter(redact)
        root.addHandler(handler)
    root.setLevel(settings.jobclub_log_level)
    logging.captureWarnings(True)
    return path
