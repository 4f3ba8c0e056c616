"""Migration 0011: open interview prep made before it learns its step and its end."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from bot.store.models import UTCDateTime
from tests.migration_steps import migrate, run_in_transaction

STAMP = datetime(2026, 11, 20, 14, tzinfo=UTC)
INTERVIEW_AT = datetime(2026, 11, 27, 15, tzinfo=UTC)
STEPS = [
    # (text, source, ladder, draft) → the step 0011 gives it
    ("Research Acme: mission, strategy, news, competitors, culture", "interview", 1, None),
    ("Read up on Ana at Acme: background, projects, what they care about", "interview", 1, None),
    ("Find out who will interview you at Acme, then read up on them", "interview", 1, None),
    ("Pick three CCAR stories that fit Acme", "interview", 1, None),
    ("Send a thank-you note to Ana at Acme", "interview", 1, "thank-you-after-interview"),
    ("Research salaries for the analyst role", "manual", None, None),
    ("Send Bo a short note of appreciation", "rejection", 2, "appreciation-after-rejection"),
]
EXPECTED = {
    STEPS[0][0]: ("research", INTERVIEW_AT),
    STEPS[1][0]: ("interviewer", INTERVIEW_AT),
    STEPS[2][0]: ("interviewer", INTERVIEW_AT),
    STEPS[3][0]: ("stories", INTERVIEW_AT),
    STEPS[4][0]: (None, None),  # after the interview: not bound to its start
    STEPS[5][0]: (None, None),  # a manual commitment that happens to start "Research"
    STEPS[6][0]: (None, None),
}


def _seed(connection: sa.Connection) -> None:
    at = sa.bindparam("at", type_=UTCDateTime())
    when = sa.bindparam("when", type_=UTCDateTime())
    connection.execute(
        sa.text(
            "INSERT INTO clubs (id, platform, external_id, created_at) "
            "VALUES (1, 'console', 'club', :at)"
        ).bindparams(at),
        {"at": STAMP},
    )
    connection.execute(
        sa.text(
            "INSERT INTO members (id, club_id, user_id, display_name, created_at, last_seen_at) "
            "VALUES (1, 1, 'ada', 'Ada', :at, :at)"
        ).bindparams(at),
        {"at": STAMP},
    )
    connection.execute(
        sa.text(
            "INSERT INTO ladders (id, member_id, kind, company, person, at, created_at) VALUES "
            "(1, 1, 'interview', 'Acme', 'Ana', :when, :at), "
            "(2, 1, 'rejection', 'Globex', 'Bo', NULL, :at)"
        ).bindparams(at, when),
        {"at": STAMP, "when": INTERVIEW_AT},
    )
    for number, (text, source, ladder, draft) in enumerate(STEPS, start=1):
        connection.execute(
            sa.text(
                "INSERT INTO commitments (member_id, number, text, status, source, ladder_id, "
                "draft_id, schedule_rev, created_at, updated_at) VALUES "
                "(1, :number, :text, 'open', :source, :ladder, :draft, 1, :at, :at)"
            ).bindparams(at),
            {
                "number": number,
                "text": text,
                "source": source,
                "ladder": ladder,
                "draft": draft,
                "at": STAMP,
            },
        )


def _upgraded(connection: sa.Connection) -> dict[str, Any]:
    migrate(connection, "0010")
    _seed(connection)
    migrate(connection, "0011")
    table = sa.table(
        "commitments",
        sa.column("text", sa.String),
        sa.column("step", sa.String),
        sa.column("ends_at", UTCDateTime()),
    )
    rows = connection.execute(sa.select(table.c.text, table.c.step, table.c.ends_at))
    return {text: (step, ends) for text, step, ends in rows}


async def test_open_prep_steps_get_their_step_and_the_interview_as_their_end(
    database_url: str,
) -> None:
    assert await run_in_transaction(database_url, _upgraded) == EXPECTED


async def test_the_downgrade_drops_the_new_columns_and_keeps_the_rows(database_url: str) -> None:
    def round_trip(connection: sa.Connection) -> tuple[int, set[str], set[str]]:
        _upgraded(connection)
        migrate(connection, "0010", down=True)
        inspector = sa.inspect(connection)
        kept = connection.execute(sa.text("SELECT count(*) FROM commitments")).scalar_one()
        commitments = {c["name"] for c in inspector.get_columns("commitments")}
        ladders = {c["name"] for c in inspector.get_columns("ladders")}
        return kept, commitments, ladders

    kept, commitments, ladders = await run_in_transaction(database_url, round_trip)
    assert kept == len(STEPS)
    assert not {"step", "ends_at"} & commitments
    assert not {"next_reminder_at", "reminder_stage"} & ladders
