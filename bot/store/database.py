"""The database handle: one async engine, sessions, and start-up migration."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import PoolResetState, StaticPool

from bot.settings import normalize_database_url
from bot.store import migrations
from bot.turns import chunks

log = logging.getLogger(__name__)


class DatabaseError(Exception):
    """The database cannot be used as configured; the message says what to do."""


class Database:
    """Owns the engine and hands out sessions. Works the same on SQLite and PostgreSQL."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        url = normalize_database_url(url)
        self.url = url
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo}
        file_backed = False
        if self.dialect == "sqlite":
            database = parsed.database or ""
            if database in ("", ":memory:"):
                # One shared connection, or every session would see its own empty database.
                kwargs["poolclass"] = StaticPool
                kwargs["connect_args"] = {"check_same_thread": False}
            else:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
                file_backed = True
            # The pool's rollback of every returned connection is done by `_end_open`
            # instead, only when a transaction is still open (see there).
            kwargs["pool_reset_on_return"] = None
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.dialect == "sqlite":
            pragmas = _sqlite_file_pragmas if file_backed else _sqlite_pragmas
            event.listen(self.engine.sync_engine, "connect", pragmas)
            event.listen(self.engine.sync_engine.pool, "reset", _end_open)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time; queueing here is far cheaper than its busy-wait
        # sleeps (measured: p99 1.3 s -> tens of ms at 10 concurrent events, bench/README.md).
        self._write_lock = asyncio.Lock() if self.dialect == "sqlite" else None

    @property
    def is_embedded(self) -> bool:
        return self.dialect == "sqlite"

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        if self._write_lock is None:
            async with self._sessions() as session, session.begin():
                yield session
            return
        async with self._write_lock, self._sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A Core connection inside one transaction, without an ORM session: for the
        dispatcher's hot statements (lease, result, renewal), where a session's set-up and
        flush bookkeeping cost more than the statement. SQLite's writers queue as above."""
        if self._write_lock is None:
            async with self.engine.begin() as connection:
                yield connection
            return
        async with self._write_lock, self.engine.begin() as connection:
            yield connection

    async def upgrade(self) -> None:
        """Apply every pending migration."""
        async with self.engine.begin() as conn:
            await conn.run_sync(migrations.upgrade_to_head)

    async def prepare(self) -> None:
        """Start-up check: SQLite migrates itself; PostgreSQL must already be upgraded."""
        if self.is_embedded:
            await self.upgrade()
            return
        async with self.engine.connect() as conn:
            current, head = await conn.run_sync(migrations.current_and_head)
        if current != head:
            raise DatabaseError(
                f"the database schema is at {current or 'nothing'} but this version needs {head}: "
                "run `jobclub db upgrade`"
            )

    async def dispose(self) -> None:
        await self.engine.dispose()


def insert_ignoring_conflict(
    dialect: str, table: Any, values: dict[str, Any] | list[dict[str, Any]], keys: list[str]
) -> Any:
    """An INSERT (of one row or several) that skips rows whose unique `keys` already exist.

    Both supported dialects have ON CONFLICT DO NOTHING; this picks the right construct.
    """
    if dialect == "postgresql":
        return pg_insert(table).values(values).on_conflict_do_nothing(index_elements=keys)
    if dialect == "sqlite":
        return sqlite_insert(table).values(values).on_conflict_do_nothing(index_elements=keys)
    return insert(table).values(values)


WRITE_CHUNK = 200
"""Rows a batched write hands the driver at once (`execute_in_chunks`)."""


class BulkWrite:
    """One INSERT or UPDATE run for many rows, the rows handed to the driver as tuples.

    SQLAlchemy prepares an executemany's parameters row by row in Python: each row's dict
    is matched against the statement's bind parameters, then each value converted. For a
    claim round of 200 deliveries that was the largest single cost in a profile of the
    round, spent while SQLite's writer was held. Here the statement is compiled once per
    dialect (and set of row keys, as SQLAlchemy compiles an executemany for the first
    row's keys), and each row becomes a tuple in the compiled order with the same
    converters SQLAlchemy would apply (datetimes, JSON, booleans): the same SQL and values
    for less work (2,000 delivery rows on SQLite: about 16.5 µs of event-loop CPU a row
    against 21, medians of eight rounds, bench/README.md).

    A statement this cannot run exactly as SQLAlchemy would (a named paramstyle, a
    Python-side default to fill in, a list-valued parameter, a parameter the rows do not
    carry) goes through SQLAlchemy: write a constant as SQL (`null()`, a literal), not as
    a bound value."""

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, tuple[str, ...]], _Compiled | None] = {}

    async def execute(self, connection: AsyncConnection, rows: Sequence[dict[str, Any]]) -> int:
        """Run the statement for `rows`, `WRITE_CHUNK` at a time; the rows it matched (-1
        when the driver does not say). Every row has the first row's keys."""
        if not rows:
            return 0
        compiled = self.compiled_for(connection, rows[0])
        if compiled is None:
            return await execute_in_chunks(connection, self.statement, rows)
        total = 0
        for chunk in chunks(rows, WRITE_CHUNK):
            result = await connection.exec_driver_sql(compiled.sql, compiled.tuples(chunk))
            total = -1 if total < 0 or result.rowcount < 0 else total + result.rowcount
        return total

    def compiled_for(self, connection: AsyncConnection, row: dict[str, Any]) -> _Compiled | None:
        """The statement compiled for `connection`'s dialect and `row`'s keys (None: it goes
        through SQLAlchemy)."""
        key = (connection.dialect.name, tuple(row))
        if key not in self._compiled:
            self._compiled[key] = _Compiled.of(self.statement, connection.dialect, key[1])
        return self._compiled[key]


class _Compiled:
    """A statement's SQL for one dialect, and how a row becomes its parameters: the row's
    values in the compiled order, each through its converter."""

    def __init__(self, sql: str, names: Sequence[str], converters: Sequence[Any]) -> None:
        self.sql = sql
        self._get = itemgetter(*names)
        self._single = len(names) == 1
        self._converters = [(i, c) for i, c in enumerate(converters) if c is not None]

    @classmethod
    def of(cls, statement: Any, dialect: Any, keys: Sequence[str]) -> _Compiled | None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        names = compiled.positiontup
        if (
            not compiled.positional
            or not names
            or compiled.insert_prefetch
            or compiled.update_prefetch
            or any(name not in keys or compiled.binds[name].expanding for name in names)
        ):
            return None
        converters = [
            compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in names
        ]
        return cls(compiled.string, names, converters)

    def tuples(self, rows: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
        get, converters = self._get, self._converters
        out: list[tuple[Any, ...]] = []
        for row in rows:
            values = [get(row)] if self._single else list(get(row))
            for index, convert in converters:
                values[index] = convert(values[index])
            out.append(tuple(values))
        return out


async def execute_in_chunks(
    connection: AsyncConnection, statement: Any, rows: Sequence[dict[str, Any]]
) -> int:
    """Execute `statement` for many rows, `WRITE_CHUNK` at a time; the rows it matched
    (-1 when the driver does not say).

    Preparing an executemany's parameters runs in one step of the event loop (about 20 µs
    a row): a claim round of 400 in one go held the loop for 8 ms, twice as long as the
    other steps of a fan-out, while in chunks of 200 it costs one statement more."""
    total = 0
    for chunk in chunks(rows, WRITE_CHUNK):
        result = await connection.execute(statement, chunk)
        total = -1 if total < 0 or result.rowcount < 0 else total + result.rowcount
    return total


def insert_many_ignoring_conflict(dialect: str, table: Any, keys: list[str]) -> Any:
    """The statement for `insert_ignoring_conflict`, to execute with a list of rows.

    Passing rows as executemany parameters keeps statement building cheap for big batches
    (one multi-VALUES statement of 500 rows costs ~125 ms of CPU to compile).
    """
    if dialect == "postgresql":
        return pg_insert(table).on_conflict_do_nothing(index_elements=keys)
    if dialect == "sqlite":
        return sqlite_insert(table).on_conflict_do_nothing(index_elements=keys)
    return insert(table)


def _end_open(dbapi_connection: Any, _record: Any, state: PoolResetState) -> None:
    """A connection back in the pool: roll back what it left open, if anything.

    The pool's default rolls back every connection it gets back, though nearly all come
    back committed: on aiosqlite each rollback is a hand-off to the driver's thread and
    back, one per transaction, for nothing. SQLite's own flag says whether a transaction
    is open (readable from any thread, no hand-off), so only then is there a rollback."""
    if not state.asyncio_safe:
        return  # a connection being thrown away: the pool terminates it
    driver = getattr(dbapi_connection, "driver_connection", None)
    if driver is None or getattr(driver, "in_transaction", True):
        dbapi_connection.rollback()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_file_pragmas(dbapi_connection: Any, record: Any) -> None:
    _sqlite_pragmas(dbapi_connection, record)
    cursor = dbapi_connection.cursor()
    # WAL lets readers (e.g. a backup) run beside the writer; NORMAL sync is safe with WAL.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
