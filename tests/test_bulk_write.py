"""`BulkWrite` hands rows to the driver as tuples: the rows it writes must be exactly the
rows SQLAlchemy's own executemany writes, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import bindparam, select

from bot.store.database import BulkWrite, Database, insert_many_ignoring_conflict
from bot.store.models import Club, Delivery, Member

WHEN = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """An upgraded database, SQLite and (when available) PostgreSQL."""
    database = Database(database_url)
    await database.upgrade()
    try:
        yield database
    finally:
        await database.dispose()


def _delivery(n: int, key: str) -> dict[str, Any]:
    return {
        "key": key,
        "kind": "nudge",
        "member_id": None,
        "club_id": None,
        "ref_id": n if n % 2 else None,
        "due_at": WHEN + timedelta(minutes=n),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": WHEN + timedelta(seconds=n),
        "late": bool(n % 3 == 0),
        "payload": {"task_id": f"t{n}", "text": "Écrivez « merci »\n", "minutes": n, "ok": True},
        "last_error": None if n % 2 else "was: 'quoted'",
        "useful_until": None if n % 4 == 0 else WHEN + timedelta(hours=n),
        "created_at": WHEN,
    }


def _comparable(row: Any) -> tuple[Any, ...]:
    values = dict(row._mapping)
    values.pop("id")
    values["key"] = values["key"].split(":", 1)[1]
    return tuple(sorted(values.items()))


async def test_rows_written_in_bulk_read_back_as_sqlalchemy_writes_them(db: Database) -> None:
    table = Delivery.__table__
    statement = insert_many_ignoring_conflict(db.dialect, table, ["key"])
    fast = BulkWrite(statement)
    async with db.transaction() as connection:
        # More rows than one chunk, so the chunking is covered too.
        mine = [_delivery(n, f"bulk:{n}") for n in range(450)]
        theirs = [_delivery(n, f"plain:{n}") for n in range(450)]
        assert await fast.execute(connection, mine) in (450, -1)
        await connection.execute(statement, theirs)
        # A key already there is skipped, as the claim relies on.
        await fast.execute(connection, [_delivery(1, "bulk:1") | {"kind": "other"}])
    async with db.session() as session:
        rows = (await session.execute(select(table).order_by(table.c.id))).all()
    bulk = sorted(_comparable(r) for r in rows if r.key.startswith("bulk:"))
    plain = sorted(_comparable(r) for r in rows if r.key.startswith("plain:"))
    assert len(bulk) == 450
    assert bulk == plain
    assert all(r.kind == "nudge" for r in rows)


async def test_an_update_in_bulk_counts_the_rows_it_matched(db: Database) -> None:
    members = Member.__table__
    set_channel = BulkWrite(
        members.update()
        .where(members.c.id == bindparam("r_member"))
        .values(dm_channel_id=bindparam("r_channel"))
    )
    async with db.session() as session:
        club = Club(platform="slack", external_id="T1", created_at=WHEN)
        session.add(club)
        await session.flush()
        people = [
            Member(
                club_id=club.id,
                user_id=f"U{n}",
                display_name=f"M{n}",
                created_at=WHEN,
                last_seen_at=WHEN,
            )
            for n in range(5)
        ]
        session.add_all(people)
        await session.commit()
        ids = [m.id for m in people]
    async with db.transaction() as connection:
        matched = await set_channel.execute(
            connection,
            [{"r_member": i, "r_channel": f"D{i}"} for i in ids]
            + [{"r_member": -1, "r_channel": "x"}],
        )
    assert matched in (5, -1)  # PostgreSQL's driver does not count an executemany
    async with db.session() as session:
        channels = dict(
            (await session.execute(select(members.c.id, members.c.dm_channel_id))).all()
        )
    assert channels == {i: f"D{i}" for i in ids}


async def test_a_statement_it_cannot_run_as_is_goes_through_sqlalchemy(db: Database) -> None:
    """Rows without `payload` need its Python-side default (an empty dict) filled in."""
    table = Delivery.__table__
    write = BulkWrite(table.insert())
    rows = [{k: v for k, v in _delivery(n, f"d:{n}").items() if k != "payload"} for n in range(3)]
    async with db.transaction() as connection:
        assert await write.execute(connection, rows) in (3, -1)
    async with db.session() as session:
        payloads = list(await session.scalars(select(table.c.payload)))
    assert payloads == [{}, {}, {}]


async def test_the_dispatchers_own_writes_take_the_quick_way(db: Database) -> None:
    from bot.features.nudges import _ADVANCE_ONE, _STEP_INSERT, _STEP_UPDATE
    from bot.scheduling import _delivery_insert, _statements

    step = dict(p_member=1, p_task="t", p_on=WHEN.date(), p_seq=1, p_times=1, p_done=None)
    samples: list[tuple[BulkWrite, dict[str, Any]]] = [
        (_delivery_insert(db.dialect), _delivery(0, "k")),
        (_ADVANCE_ONE, {"m_id": 1, "m_due": WHEN, "m_next": WHEN, "m_step": 1}),
        (_STEP_INSERT, step),
        (_STEP_UPDATE, step),
        (
            _statements.ended,
            {"r_id": 1, "r_token": "x", "r_status": "failed", "r_next": None, "r_error": "e"},
        ),
        (_statements.channels, {"r_member": 1, "r_channel": "D1"}),
    ]
    async with db.engine.connect() as connection:
        for write, row in samples:
            assert write.compiled_for(connection, row) is not None, write.statement
