"""Counting the SQL a piece of scheduled work runs, so a test can tell one query for a
batch from one query per row (the same number of statements for 2 rows and for 8)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from bot.app import JobClubBot


@contextmanager
def selects(bot: JobClubBot) -> Iterator[list[str]]:
    """The SELECT statements run on the bot's database while the block runs."""
    engine = bot.services.db.engine.sync_engine
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)
