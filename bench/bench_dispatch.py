"""What one dispatch tick costs as the tables grow, beside one APScheduler job per member.

Ours: a SQLite file with N members and N open commitments (one each), `--due` of them
due at the tick instant and the rest spread over the next 30 days. Measured: the busy
tick(s) that claim and send the due reminders, the claim phase alone, an idle tick, an
idle tick with the index on `commitments.next_reminder_at` dropped, and, during the busy
ticks, how long the event loop was blocked (a heartbeat task sleeping 1 ms at a time: its
longest gap is how long a slash-command acknowledgement would wait) and how long an
interactive command waited for the database (a probe opening a session every 10 ms).

Naive: APScheduler 3, one cron job per member in a `SQLAlchemyJobStore` (sync SQLAlchemy,
stdlib sqlite3). `--due` jobs are made due at the same instant; measured: the setup (adding
the jobs), the time until every due job has run or been skipped, the loop's longest block,
and how many runs were skipped as misfires under the default `misfire_grace_time` of 1 s.

Run: .venv/bin/python bench/bench_dispatch.py [--sizes 10000,100000,1000000]
     [--naive-sizes 10000,100000] [--due 1000] [--repeat 3] [--profile] [--gc-freeze]
     [--naive-wal]
Prints a results table; results are recorded in bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import logging
import os
import pickle
import pstats
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, insert, select, text, update

from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.scheduling import Dispatcher, Outgoing
from bot.settings import Settings
from bot.store.database import Database
from bot.store.models import Club, Commitment, Delivery, Member

NOW = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
"""The tick instant (a FakeClock): due rows are due at or just before it."""
CHUNK = 20_000
MEMBERS_PER_CLUB = 1_000
FUTURE_SPAN_MINUTES = 30 * 24 * 60
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]
NAIVE_SETUP_CAP = 600.0
"""Stop adding APScheduler jobs after this many seconds and report the rate instead."""


# -- measuring instruments -------------------------------------------------------------------


class Heartbeat:
    """Wakes every 1 ms; the longest gap between wake-ups is how long the loop was blocked.

    `max_cpu` is the most CPU the loop's thread used within one gap: unlike the wall-clock
    gap it does not grow when other processes take the cores, so it is the loop's own work.
    """

    def __init__(self) -> None:
        self.max_gap = 0.0
        self.max_cpu = 0.0
        self._stop = False
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        last, last_cpu = time.perf_counter(), time.thread_time()
        while not self._stop:
            await asyncio.sleep(0.001)
            now, cpu = time.perf_counter(), time.thread_time()
            self.max_gap = max(self.max_gap, now - last)
            self.max_cpu = max(self.max_cpu, cpu - last_cpu)
            last, last_cpu = now, cpu

    async def __aenter__(self) -> Heartbeat:
        self._task = asyncio.create_task(self._run())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop = True
        assert self._task is not None
        await self._task


class DbProbe:
    """Every 10 ms, what an interactive command does first: open a session, run a query."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.waits: list[float] = []
        self._stop = False
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while not self._stop:
            start = time.perf_counter()
            async with self._db.session() as session:
                await session.execute(select(1))
            self.waits.append(time.perf_counter() - start)
            await asyncio.sleep(0.01)

    @property
    def max_wait(self) -> float:
        return max(self.waits, default=0.0)

    async def __aenter__(self) -> DbProbe:
        self._task = asyncio.create_task(self._run())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop = True
        assert self._task is not None
        await self._task


class GcWatch:
    """The longest full (generation 2) garbage collection while active: it runs on the loop."""

    def __init__(self) -> None:
        self.max_full = 0.0
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        elif info["generation"] == 2:
            self.max_full = max(self.max_full, time.perf_counter() - self._started)

    def __enter__(self) -> GcWatch:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


def settle_gc(freeze: bool) -> None:
    """Start every measurement from the same heap state; optionally freeze what start-up made."""
    gc.unfreeze()
    gc.collect()
    if freeze:
        gc.freeze()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


# -- ours ------------------------------------------------------------------------------------


@dataclass
class OursResult:
    size: int
    due: int
    seed_s: float
    first_tick_s: list[float] = field(default_factory=list)
    first_tick_sent: int = 0
    claim_s: list[float] = field(default_factory=list)
    drain_s: list[float] = field(default_factory=list)
    ticks_to_drain: int = 0
    loop_gap_s: list[float] = field(default_factory=list)
    loop_cpu_s: list[float] = field(default_factory=list)
    full_gc_s: float = 0.0
    db_wait_s: list[float] = field(default_factory=list)
    idle_s: float = 0.0
    idle_no_index_s: float = 0.0
    plans: list[str] = field(default_factory=list)


def due_indices(size: int, due: int) -> list[int]:
    """Which members' commitments are due: spread evenly over the table, not bunched."""
    step = max(size // due, 1)
    return list(range(0, size, step))[:due]


async def seed(db: Database, size: int, due: int) -> None:
    """Clubs, members and one open commitment per member, with Core executemany in chunks.

    Only the commitments are due: every other kind of scheduled work (digests, nudges,
    nudge offers) is set up as in a settled club, with nothing due at the tick instant.
    """
    due_set = set(due_indices(size, due))
    created = NOW - timedelta(days=1)
    clubs = [
        {
            "id": c + 1,
            "platform": "slack",
            "external_id": f"T{c:06d}",
            "name": f"Club {c}",
            "default_tz": None,
            "digest_channel": "C0DIGEST",
            "digest_weekday": 0,
            "digest_minutes": 9 * 60,
            "next_digest_at": NOW + timedelta(days=3, minutes=c % 600),
            "created_at": created,
        }
        for c in range((size + MEMBERS_PER_CLUB - 1) // MEMBERS_PER_CLUB)
    ]
    async with db.engine.begin() as conn:
        # A big page cache for the bulk load only; the engine is disposed afterwards, so the
        # bot's own connections start with SQLite's defaults.
        await conn.exec_driver_sql("PRAGMA cache_size=-262144")
        await conn.execute(insert(Club.__table__), clubs)
        for start in range(0, size, CHUNK):
            rows = range(start, min(start + CHUNK, size))
            await conn.execute(
                insert(Member.__table__),
                [
                    {
                        "id": i + 1,
                        "club_id": i // MEMBERS_PER_CLUB + 1,
                        "user_id": f"U{i:08d}",
                        "display_name": f"Member {i}",
                        "tz": ZONES[i % len(ZONES)],
                        "platform_tz": None,
                        "dm_channel_id": f"D{i:08d}",
                        "day_start_minutes": None,
                        "checkin_hours": None,
                        # long-standing members: offered nudges already; one in ten takes
                        # them, next one later today
                        "nudge_offered": True,
                        "nudges_on": i % 10 == 0,
                        "next_nudge_at": (
                            NOW + timedelta(minutes=60 + (i * 37) % 1380) if i % 10 == 0 else None
                        ),
                        "created_at": created,
                        "last_seen_at": created,
                    }
                    for i in rows
                ],
            )
        k = 0
        for start in range(0, size, CHUNK):
            batch = []
            for i in range(start, min(start + CHUNK, size)):
                if i in due_set:
                    when = NOW - timedelta(seconds=k % 60)
                    k += 1
                else:
                    when = NOW + timedelta(minutes=1 + (i * 7919) % FUTURE_SPAN_MINUTES)
                batch.append(
                    {
                        "id": i + 1,
                        "member_id": i + 1,
                        "number": 1,
                        "text": "Send the thank-you note to Ana",
                        "due_at": when,
                        "status": "open",
                        "source": "manual",
                        "recurrence": None,
                        "contact_id": None,
                        "ladder_id": None,
                        "draft_id": None,
                        "next_reminder_at": when,
                        "reminder_stage": "due",
                        "schedule_rev": 1,
                        "created_at": created,
                        "updated_at": created,
                        "closed_at": None,
                    }
                )
            await conn.execute(insert(Commitment.__table__), batch)
    await db.engine.dispose()


async def rearm(db: Database, size: int, due: int) -> None:
    """Make the same rows due again (a new schedule_rev, so new delivery keys)."""
    ids = [i + 1 for i in due_indices(size, due)]
    async with db.session() as session:
        for k, commitment_id in enumerate(ids):
            when = NOW - timedelta(seconds=k % 60)
            await session.execute(
                update(Commitment)
                .where(Commitment.id == commitment_id)
                .values(
                    next_reminder_at=when,
                    due_at=when,
                    reminder_stage="due",
                    schedule_rev=Commitment.schedule_rev + 1,
                )
            )


async def no_op_deliver(outgoing: Outgoing, now: datetime) -> str | None:
    return None


def time_claims(dispatcher: Dispatcher, into: list[float]) -> None:
    """Wrap this dispatcher's claim phase to record how long each one takes."""
    original: Callable[[datetime], Awaitable[None]] | None = getattr(dispatcher, "_claim", None)
    if original is None:  # the dispatcher changed shape: no claim timing, the rest still works
        return

    async def timed(now: datetime) -> None:
        start = time.perf_counter()
        await original(now)
        into.append(time.perf_counter() - start)

    dispatcher._claim = timed  # type: ignore[method-assign]


async def idle_tick(dispatcher: Dispatcher, rounds: int = 15) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        sent = await dispatcher.tick()
        samples.append(time.perf_counter() - start)
        assert sent == 0, sent
    return statistics.median(samples)


async def query_plans(db: Database, dispatcher: Dispatcher) -> list[str]:
    """EXPLAIN QUERY PLAN for every SELECT an idle tick runs."""
    seen: list[tuple[str, Any]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        await dispatcher.tick()
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
    plans = []
    async with db.engine.connect() as conn:
        for statement, parameters in seen:
            rows = await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            first_line = " ".join(statement.split())[:110]
            detail = "; ".join(row[-1] for row in rows)
            plans.append(f"{first_line}...\n    -> {detail}")
    return plans


async def bench_ours(
    size: int, due: int, repeat: int, tmp: Path, profile: bool, plans: bool, freeze: bool
) -> OursResult:
    url = f"sqlite:///{tmp}/ours_{size}.db"
    db = Database(url)
    await db.upgrade()
    start = time.perf_counter()
    await seed(db, size, due)
    result = OursResult(size, due, time.perf_counter() - start)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        jobclub_log_file=tmp / "bench.log",
    )
    clock = FakeClock(NOW - timedelta(hours=1))
    bot = await JobClubBot.create(settings, clock, db=db)
    dispatcher = bot.dispatcher(no_op_deliver)
    await dispatcher.tick()  # warm-up an hour earlier: nothing is due yet
    clock.set(NOW)
    claims: list[float] = []
    time_claims(dispatcher, claims)
    settle_gc(freeze)

    for rep in range(repeat + 1):
        probing = rep == repeat  # one more round with the DB probe; its times are not counted
        if rep:
            await rearm(db, size, due)
        claims.clear()
        sent_total, ticks, drain_start = 0, 0, time.perf_counter()
        while True:
            with GcWatch() as collector:
                async with Heartbeat() as beat, DbProbe(db) if probing else nullcontext() as probe:
                    start = time.perf_counter()
                    sent = await dispatcher.tick()
                    elapsed = time.perf_counter() - start
            if sent == 0:
                break
            ticks += 1
            sent_total += sent
            if probing:
                result.db_wait_s.append(probe.max_wait)
                continue
            if ticks == 1:
                result.first_tick_s.append(elapsed)
                result.first_tick_sent = sent
            result.loop_gap_s.append(beat.max_gap)
            result.loop_cpu_s.append(beat.max_cpu)
            result.full_gc_s = max(result.full_gc_s, collector.max_full)
        if not probing:
            result.drain_s.append(time.perf_counter() - drain_start)
            result.ticks_to_drain = ticks
            result.claim_s.extend(claims[:ticks])  # the last, idle tick's claim is not counted
        assert sent_total == due, (sent_total, due)

    async with db.session() as session:
        sent_rows = await session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.status == "sent")
        )
    assert sent_rows == due * (repeat + 1), sent_rows
    vars(dispatcher).pop("_claim", None)  # back to the plain method

    result.idle_s = await idle_tick(dispatcher)
    if plans:
        result.plans = await query_plans(db, dispatcher)
    if profile:
        await rearm(db, size, due)
        profiler = cProfile.Profile()
        profiler.enable()
        await dispatcher.tick()
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(r"/bot/", 16)
        stats.sort_stats("tottime").print_stats(12)
        print(f"\n== cProfile of one busy tick at {size:,} rows ==")
        print(out.getvalue())
        while await dispatcher.tick():
            pass
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP INDEX ix_commitments_next_reminder"))
    result.idle_no_index_s = await idle_tick(dispatcher, rounds=5)
    await bot.close()
    return result


# -- naive -----------------------------------------------------------------------------------


@dataclass
class NaiveResult:
    size: int
    due: int
    jobs_added: int = 0
    setup_s: float = 0.0
    run_s: float = 0.0
    loop_gap_s: float = 0.0
    loop_cpu_s: float = 0.0
    executed: int = 0
    missed: int = 0

    @property
    def capped(self) -> bool:
        return self.jobs_added < self.size


async def naive_remind(member_index: int) -> None:
    """The per-member job: a no-op coroutine (the send itself is not what is measured)."""
    return None


async def bench_naive(size: int, due: int, tmp: Path, setup_cap: float, wal: bool) -> NaiveResult:
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from apscheduler.triggers.cron import CronTrigger
    from sqlalchemy import create_engine

    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # one warning per missed run
    result = NaiveResult(size, due)
    engine = create_engine(f"sqlite:///{tmp}/jobs_{size}.db")
    if wal:

        def pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        event.listen(engine, "connect", pragmas)
    store = SQLAlchemyJobStore(engine=engine)
    scheduler = AsyncIOScheduler(jobstores={"default": store}, timezone=UTC)
    scheduler.start(paused=True)

    # Every member's daily cron time is 1 to 23 hours from now, so nothing falls due while
    # the jobs are being added; the due ones are then moved to one instant below.
    wall = datetime.now(UTC)
    zones = [ZoneInfo(z) for z in ZONES]
    start = time.perf_counter()
    for i in range(size):
        zone = zones[i % len(zones)]
        local = (wall + timedelta(minutes=60 + (i * 7919) % (22 * 60))).astimezone(zone)
        scheduler.add_job(
            naive_remind,
            CronTrigger(hour=local.hour, minute=local.minute, timezone=zone),
            args=[i],
            id=f"m{i}",
        )
        result.jobs_added = i + 1
        if i % 1000 == 999 and time.perf_counter() - start > setup_cap:
            break
    result.setup_s = time.perf_counter() - start

    # ~`due` members' cron time comes up at the same instant T: rewrite their stored state.
    jobs = [store.lookup_job(f"m{i}") for i in due_indices(result.jobs_added, due)]
    at = datetime.now(UTC) + timedelta(seconds=2)
    with engine.begin() as conn:
        for job in jobs:
            job._modify(next_run_time=at)
            conn.execute(
                store.jobs_t.update()
                .where(store.jobs_t.c.id == job.id)
                .values(
                    next_run_time=at.timestamp(),
                    job_state=pickle.dumps(job.__getstate__(), store.pickle_protocol),
                )
            )
    at_perf = time.perf_counter() + (at - datetime.now(UTC)).total_seconds()
    assert at_perf > time.perf_counter(), "making jobs due took longer than 2 s"

    finished = asyncio.Event()
    last_event = [0.0]

    def listener(ev: Any) -> None:
        if ev.code == EVENT_JOB_MISSED:
            result.missed += 1
        else:
            result.executed += 1
        last_event[0] = time.perf_counter()
        if result.missed + result.executed >= len(jobs):
            finished.set()

    scheduler.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_ERROR)
    async with Heartbeat() as beat:
        scheduler.resume()  # wakes now (nothing due), then again at T
        await asyncio.wait_for(finished.wait(), timeout=300)
    result.run_s = last_event[0] - at_perf
    result.loop_gap_s = beat.max_gap
    result.loop_cpu_s = beat.max_cpu
    scheduler.shutdown(wait=False)
    await asyncio.sleep(0.05)  # shutdown runs on the loop
    engine.dispose()
    return result


# -- report ----------------------------------------------------------------------------------


def print_ours(results: list[OursResult]) -> None:
    print("\n## Ours: Dispatcher.tick on SQLite (N members, one open commitment each)\n")
    print(
        "| rows | due | seed | 1st busy tick (sent) | claim phase | all due sent (ticks) "
        "| max loop block: wall / CPU (full GC) | max DB wait | idle tick "
        "| idle tick, index dropped |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r.size:,} | {r.due:,} | {r.seed_s:.1f} s "
            f"| {ms(statistics.median(r.first_tick_s))} ms ({r.first_tick_sent}) "
            f"| {ms(statistics.median(r.claim_s)) + ' ms' if r.claim_s else 'n/a'} "
            f"| {ms(statistics.median(r.drain_s))} ms ({r.ticks_to_drain}) "
            f"| {ms(max(r.loop_gap_s))} / {ms(max(r.loop_cpu_s))} ms ({ms(r.full_gc_s)} ms) "
            f"| {ms(max(r.db_wait_s))} ms "
            f"| {ms(r.idle_s)} ms | {ms(r.idle_no_index_s)} ms |"
        )
    print(
        "\nmedians over the repeats, except the max columns (worst busy tick); "
        "claim phase = one `_claim` (up to 500 rows); max DB wait from one extra round "
        "with the probe"
    )


def print_naive(results: list[NaiveResult], wal: bool) -> None:
    journal = "WAL, synchronous=NORMAL" if wal else "default rollback journal"
    print(f"\n## Naive: APScheduler 3 cron job per member, SQLAlchemyJobStore ({journal})\n")
    print(
        "| jobs | setup (add_job) | due | time until all due ran | max loop block: wall / CPU "
        "| ran | missed |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        jobs = f"{r.size:,}"
        setup = f"{r.setup_s:.1f} s ({r.setup_s / r.jobs_added * 1000:.2f} ms/job)"
        if r.capped:
            jobs = f"{r.jobs_added:,} of {r.size:,} (capped)"
            setup += f", ~{r.setup_s / r.jobs_added * r.size / 60:.0f} min for all"
        print(
            f"| {jobs} | {setup} | {r.due:,} | {ms(r.run_s)} ms "
            f"| {ms(r.loop_gap_s)} / {ms(r.loop_cpu_s)} ms "
            f"| {r.executed:,} | {r.missed:,} |"
        )


def sizes(value: str) -> list[int]:
    return [int(v) for v in value.split(",") if v.strip()]


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ours = []
        for n in args.sizes:
            last = n == args.sizes[-1]
            print(f"ours: {n:,} rows...", flush=True)
            ours.append(
                await bench_ours(
                    n, args.due, args.repeat, tmp, args.profile and last, last, args.gc_freeze
                )
            )
            (tmp / f"ours_{n}.db").unlink()
        naive = []
        for n in args.naive_sizes:
            print(f"naive: {n:,} jobs...", flush=True)
            settle_gc(args.gc_freeze)
            naive.append(await bench_naive(n, args.due, tmp, args.naive_setup_cap, args.naive_wal))
    if ours:
        print_ours(ours)
        print(f"\nquery plans of an idle tick at {ours[-1].size:,} rows:")
        for plan in ours[-1].plans:
            print("  " + plan)
    if naive:
        print_naive(naive, args.naive_wal)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=sizes, default=sizes("10000,100000,1000000"))
    parser.add_argument("--naive-sizes", type=sizes, default=sizes("10000,100000"))
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="busy-tick rounds per size")
    parser.add_argument("--naive-setup-cap", type=float, default=NAIVE_SETUP_CAP, help="seconds")
    parser.add_argument(
        "--naive-wal", action="store_true", help="give the job store WAL + synchronous=NORMAL"
    )
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() once set up, so full collections skip start-up objects",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile one busy tick at the largest size"
    )
    args = parser.parse_args()
    started, load = time.perf_counter(), os.getloadavg()[0]
    asyncio.run(run(args))
    print(
        f"\ntotal run time: {time.perf_counter() - started:.0f} s; load average (1 min) "
        f"{load:.2f} at start, {os.getloadavg()[0]:.2f} at end, {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
