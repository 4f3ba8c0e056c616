"""Log filters for slack-bolt and slack-sdk: their lines that would carry members' words go.

bolt logs the whole request body at INFO when a signature check fails (the command
text, the `response_url` and the legacy verification token), and the SDK logs request
and response bodies at DEBUG. A rotated signing secret would then copy every member's
words into the log, which the README promises never happens. These filters drop every
line from those libraries that carries a body or payload; their other lines (connection
state, retries, errors without bodies) still go to the log.
"""

from __future__ import annotations

import logging
import re

SLACK_LOGGERS = ("slack_bolt", "slack_sdk")

_CARRIES_BODY = re.compile(
    r"body|payload|unhandled request|sending a (?:request|message)|received (?:a )?message"
    r"|response_url|\bdata:",
    re.IGNORECASE,
)


class DropRequestBodies(logging.Filter):
    """Drops records whose message may hold request content (put on the Slack loggers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed library record: better lost than crashing logging
            return False
        return _CARRIES_BODY.search(message) is None


class QuietTokenWarning(logging.Filter):
    """bolt warns that SLACK_BOT_TOKEN from the environment is unused when given a client;
    the client carries that very token, so the warning only confuses operators."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


_DROP = DropRequestBodies()


def install(base: logging.Logger) -> None:
    """Put the body filter on `base` and on every Slack library logger that exists now.

    Logger filters are not inherited, so each logger needs its own. bolt copies the
    filters of the `logger` it is given (`base`) to each logger it creates afterwards;
    the others (the SDK's, bolt's own module loggers) are made at import time and
    are all present once the adapter's modules are imported.
    """
    loggers = [base, logging.getLogger("slack_bolt"), logging.getLogger("slack_sdk")]
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name.startswith(SLACK_LOGGERS):
            loggers.append(logger)
    for logger in loggers:
        if not any(isinstance(f, DropRequestBodies) for f in logger.filters):
            logger.addFilter(_DROP)
