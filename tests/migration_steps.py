"""Shared plumbing for tests that walk the database through Alembic revisions.

Migration tests seed rows at one revision, move to another and read what is left.
The moving and the connection handling are the same every time, so they live here
and each test only writes its steps as one plain function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from alembic import command

from bot.store.database import Database
from bot.store.migrations import alembic_config

T = TypeVar("T")


def migrate(connection: sa.Connection, revision: str, *, down: bool = False) -> None:
    """Upgrade (or downgrade) to `revision` on this connection's transaction."""
    (command.downgrade if down else command.upgrade)(alembic_config(connection), revision)


async def run_in_transaction(database_url: str, work: Callable[[sa.Connection], T]) -> T:
    """Run the synchronous `work` in one transaction on the test database and return its result."""
    db = Database(database_url)
    try:
        async with db.engine.begin() as conn:
            return await conn.run_sync(work)
    finally:
        await db.dispose()
