"""Counting the SQL a piece of scheduled work runs, so a test can tell one statement for
a batch from one statement per row (the same number for 2 rows and for 8).

Every statement counts, reads and writes alike: a claim that reads its rows in one query
but then moves them with one UPDATE each is still one round trip per row, and a counter
of SELECTs alone would not see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from bot.app import JobClubBot


@contextmanager
def statements(bot: JobClubBot) -> Iterator[list[str]]:
    """Every SQL statement run on the bot's database while the block runs."""
    engine = bot.services.db.engine.sync_engine
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def kinds(seen: list[str]) -> list[str]:
    """The first word of each statement (SELECT, UPDATE, ...), for a readable assert."""
    return [statement.lstrip().split(None, 1)[0].upper() for statement in seen]
