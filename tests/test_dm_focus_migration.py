"""Migration 0007: members mid-conversation when it runs keep their conversation.

Before 0007 an open practice question or an unpaused story draft claimed the DM by
itself; after it, the `dm_focus` row does. The migration writes those rows, so an
answer typed right after the upgrade still reaches its question or draft.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from bot.store.models import UTCDateTime
from tests.migration_steps import migrate, run_in_transaction

STAMP = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _seed(connection: sa.Connection) -> None:
    at = sa.bindparam("at", type_=UTCDateTime())
    connection.execute(
        sa.text(
            "INSERT INTO clubs (id, platform, external_id, created_at) "
            "VALUES (1, 'console', 'club', :at)"
        ).bindparams(at),
        {"at": STAMP},
    )
    for member_id, name in enumerate(("ada", "bo", "cy", "di"), start=1):
        connection.execute(
            sa.text(
                "INSERT INTO members (id, club_id, user_id, display_name, created_at, "
                "last_seen_at) VALUES (:id, 1, :name, :name, :at, :at)"
            ).bindparams(at),
            {"id": member_id, "name": name, "at": STAMP},
        )
    # ada: answering a question; bo: building a story; cy: a paused draft; di: both
    for member_id in (1, 4):
        connection.execute(
            sa.text(
                "INSERT INTO practice_sessions (member_id, question_id, asked_at) "
                "VALUES (:m, 'why-leave', :at)"
            ).bindparams(at),
            {"m": member_id, "at": STAMP},
        )
    for member_id, paused in ((2, False), (3, True), (4, True)):
        connection.execute(
            sa.text(
                "INSERT INTO story_drafts (member_id, step, fields, paused, created_at, "
                "updated_at) VALUES (:m, 'context', '{}', :paused, :at, :at)"
            ).bindparams(at),
            {"m": member_id, "paused": paused, "at": STAMP},
        )


def _focus(connection: sa.Connection) -> dict[int, str]:
    rows = connection.execute(sa.text("SELECT member_id, owner FROM dm_focus"))
    return dict(rows.all())


async def test_open_questions_and_active_drafts_keep_the_dm(database_url: str) -> None:
    def walk(connection: sa.Connection) -> tuple[dict[int, str], list[str]]:
        migrate(connection, "0006")
        _seed(connection)
        migrate(connection, "0007")
        after = _focus(connection)
        migrate(connection, "0006", down=True)
        return after, sa.inspect(connection).get_table_names()

    after, tables = await run_in_transaction(database_url, walk)
    assert after == {1: "practice", 2: "stories", 4: "practice"}
    assert "dm_focus" not in tables
