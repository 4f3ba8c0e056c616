"""Whether this process can do its work: the core's half of `/readyz`.

Readiness asks the database directly with a short timeout: a replica that cannot reach
it answers every member with an error, so a load balancer should send them elsewhere.
The platform half (is Slack or Discord connected?) is each adapter's own
`connection_problem()`; the HTTP endpoints are served by `adapters/health.py`.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from bot.store.database import Database

DATABASE_TIMEOUT = 2.0
"""Seconds a readiness probe waits for the database (probes usually time out at 5)."""


async def database_problem(db: Database, within: float = DATABASE_TIMEOUT) -> str | None:
    """None when a trivial query succeeds within `within` seconds, else a short reason.

    The reason names the kind of failure only: connection errors can carry the URL,
    and probe answers are readable by anyone who can reach the port.
    """
    try:
        async with asyncio.timeout(within):
            async with db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
    except TimeoutError:
        return f"database: no answer within {within:.0f} s"
    except Exception as exc:
        return f"database: {type(exc).__name__}"
    return None
