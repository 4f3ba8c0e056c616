"""Migration 0008: repeat rules stored as JSON become standard RRULE text, and back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.recurrence import Recurrence, first_occurrence, next_occurrence
from bot.store.models import UTCDateTime
from tests.migration_steps import migrate, run_in_transaction

NOW = datetime(2027, 1, 6, 12, tzinfo=UTC)
_WEEK = {"unit": "week", "every": 2, "weekday": 0, "nth": None, "day": None, "hour": 9}
_31ST = {"unit": "month", "every": 1, "weekday": None, "nth": None, "day": 31, "hour": 9}
OLD = {
    # what 0002..0007 stored → what 0008 leaves
    "daily": (
        {"unit": "day", "every": 1, "hour": 7, "minute": 45},
        Recurrence("day", hour=7, minute=45),
    ),
    "fortnightly": (_WEEK | {"minute": 0}, Recurrence("week", every=2, weekdays=(0,))),
    "last friday": (
        {"unit": "month", "every": 1, "weekday": 4, "nth": -1, "hour": 16, "minute": 30},
        Recurrence("month", weekdays=(4,), nth=-1, hour=16, minute=30),
    ),
    "31st": (_31ST | {"minute": 0}, Recurrence("month", day=31)),
    "yearly": ({"unit": "month", "every": 12, "day": 29}, Recurrence("month", every=12, day=29)),
    "json null": (None, None),
    "nonsense": ({"unit": "fortnight"}, None),
}


def _commitments(recurrence: sa.types.TypeEngine[object]) -> sa.TableClause:
    return sa.table(
        "commitments",
        sa.column("id", sa.Integer),
        sa.column("member_id", sa.Integer),
        sa.column("number", sa.Integer),
        sa.column("text", sa.String),
        sa.column("status", sa.String),
        sa.column("source", sa.String),
        sa.column("recurrence", recurrence),
        sa.column("schedule_rev", sa.Integer),
        sa.column("created_at", UTCDateTime()),
        sa.column("updated_at", UTCDateTime()),
    )


BEFORE = _commitments(sa.JSON())  # as the app wrote them up to 0007
AFTER = _commitments(sa.Text())


def _seed(connection: sa.Connection) -> None:
    stamp = datetime(2027, 1, 1, tzinfo=UTC)
    at = sa.bindparam("at", type_=UTCDateTime())
    connection.execute(
        sa.text(
            "INSERT INTO clubs (id, platform, external_id, created_at) "
            "VALUES (1, 'console', 'club', :at)"
        ).bindparams(at),
        {"at": stamp},
    )
    connection.execute(
        sa.text(
            "INSERT INTO members (id, club_id, user_id, display_name, created_at, last_seen_at) "
            "VALUES (1, 1, 'ada', 'Ada', :at, :at)"
        ).bindparams(at),
        {"at": stamp},
    )
    for number, (name, (stored, _)) in enumerate(OLD.items(), start=1):
        connection.execute(
            BEFORE.insert().values(
                member_id=1,
                number=number,
                text=name,
                status="open",
                source="manual",
                recurrence=stored,
                schedule_rev=1,
                created_at=stamp,
                updated_at=stamp,
            )
        )
    connection.execute(
        BEFORE.insert().values(
            member_id=1, number=99, text="one-off", status="open", source="manual",
            recurrence=sa.null(), schedule_rev=1, created_at=stamp, updated_at=stamp,
        )
    )  # fmt: skip


def _stored(connection: sa.Connection, table: sa.TableClause = AFTER) -> dict[str, Any]:
    rows = connection.execute(sa.select(table.c.text, table.c.recurrence))
    return {text: value for text, value in rows}


def _upgraded(connection: sa.Connection) -> dict[str, Any]:
    """Seed at 0007, upgrade to 0008 and read what the rows hold then."""
    migrate(connection, "0007")
    _seed(connection)
    migrate(connection, "0008")
    return _stored(connection)


async def test_stored_json_rules_become_rrule_text_and_keep_their_dates(database_url: str) -> None:
    after = await run_in_transaction(database_url, _upgraded)

    assert after["one-off"] is None
    assert after["fortnightly"] == "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=9;BYMINUTE=0"
    zone = ZoneInfo("Europe/London")
    for name, (_, expected) in OLD.items():
        if expected is None:
            assert after[name] is None, name  # no repeat rather than a broken one
            continue
        text = after[name]
        assert text is not None and text.startswith("RRULE:")
        rule = Recurrence.from_rrule(text)
        assert rule == expected
        first = first_occurrence(rule, NOW, zone)
        assert next_occurrence(rule, first, zone) > first


async def test_downgrade_turns_rrule_text_back_into_json(database_url: str) -> None:
    def round_trip(connection: sa.Connection) -> dict[str, Any]:
        _upgraded(connection)
        migrate(connection, "0007", down=True)
        return _stored(connection, BEFORE)

    before = await run_in_transaction(database_url, round_trip)
    assert before["last friday"] == {
        "unit": "month", "every": 1, "weekday": 4, "nth": -1, "day": None,
        "hour": 16, "minute": 30,
    }  # fmt: skip
    assert before["31st"]["day"] == 31
    assert before["one-off"] is None
