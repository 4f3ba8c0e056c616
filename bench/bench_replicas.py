"""Two dispatcher processes on one PostgreSQL database: is every due message sent once?

The issue-11 scenario at full size: 6,000 reminders due at once, two replicas each running
the dispatch heartbeat (a tick every second, as `DispatchRunner` would), every send taking
60 ms of real time. A fake platform appends each message id to a shared file when it
"receives" it, so duplicates and losses are counted from what members would have got,
not from what the database believes.

Run: .venv/bin/python bench/bench_replicas.py --db postgresql://... [--due 6000]
     [--send-ms 60] [--replicas 2] [--concurrency 1]
The database's public schema is dropped and rebuilt. Results go in bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from bot import commitments as store
from bot import members
from bot.app import JobClubBot
from bot.clock import SystemClock
from bot.events import MemberRef, Platform
from bot.scheduling import Outgoing
from bot.settings import Settings
from bot.store.database import Database
from bot.store.models import Delivery

PER_MEMBER = 100


def settings_for(url: str, tmp: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        jobclub_log_file=tmp / "bench.log",
        jobclub_timezone="UTC",
    )


async def seed(url: str, due_count: int, tmp: Path) -> datetime:
    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await db.upgrade()
    now = datetime.now(UTC)
    due = now + timedelta(seconds=90)  # seeded, and both replicas up and idle, before it comes
    async with db.session() as session:
        for start in range(0, due_count, PER_MEMBER):
            name = f"m{start // PER_MEMBER}"
            ref = MemberRef(Platform.CONSOLE, "club", name, name, tz_hint="UTC")
            _, member = await members.resolve(session, db.dialect, ref, now)
            member.nudge_offered = True
            for n in range(start, min(start + PER_MEMBER, due_count)):
                await store.create(session, member, f"task {n}", due, now)
    await db.dispose()
    return due


async def replica(url: str, log: str, send_ms: float, concurrency: int, due: datetime) -> None:
    """One bot process: the dispatch heartbeat until nothing is left to send."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(url, Path(tmp))
        bot = await JobClubBot.create(settings, SystemClock(), db=Database(url))

        async def deliver(item: Outgoing, at: datetime) -> str | None:
            await asyncio.sleep(send_ms / 1000)
            fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, f"{item.reply.meta['commitment_id']} {os.getpid()}\n".encode())
            finally:
                os.close(fd)
            return None

        try:  # absent before issue 11, so the same script measures the old dispatcher too
            from bot.outbox import Pace
        except ImportError:
            pass
        else:
            deliver.pace = Pace(concurrency=concurrency)  # type: ignore[attr-defined]
        dispatcher = bot.dispatcher(deliver)
        await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))
        while True:
            sent = await dispatcher.tick()
            async with bot.services.db.session() as session:
                left = await session.scalar(
                    select(func.count())
                    .select_from(Delivery)
                    .where(Delivery.status.in_(("pending", "sending")))
                )
            if not left and sent == 0:
                break
            await asyncio.sleep(1)  # the heartbeat interval
        await bot.close()


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        log = tmp / "platform.log"
        print(f"seeding {args.due:,} reminders...", flush=True)
        due = await seed(args.db, args.due, tmp)
        waiting = max(0.0, (due - datetime.now(UTC)).total_seconds())
        started = time.perf_counter()
        processes = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                __file__,
                "--db",
                args.db,
                "--replica",
                str(log),
                "--send-ms",
                str(args.send_ms),
                "--concurrency",
                str(args.concurrency),
                "--due-at",
                due.isoformat(),
            )
            for _ in range(args.replicas)
        ]
        codes = [await p.wait() for p in processes]
        elapsed = time.perf_counter() - started - waiting
        lines = log.read_text().split("\n")
        sends = [line.split() for line in lines if line]
        received = Counter(message for message, _ in sends)
        by_process = Counter(pid for _, pid in sends)
        db = Database(args.db)
        async with db.session() as session:
            rows = dict(
                (
                    await session.execute(
                        select(Delivery.status, func.count()).group_by(Delivery.status)
                    )
                ).all()
            )
        await db.dispose()
        duplicates = sum(n - 1 for n in received.values())
        lost = args.due - len(received)
        print(f"replicas exit codes: {codes}")
        print(
            f"{args.replicas} replicas, {args.due:,} due, {args.send_ms:g} ms per send, "
            f"concurrency {args.concurrency}: {len(sends):,} sends, {duplicates} duplicates, "
            f"{lost} lost; per replica {sorted(by_process.values())}; database {rows}; "
            f"about {elapsed:.0f} s from the due instant"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--due", type=int, default=6000)
    parser.add_argument("--send-ms", type=float, default=60)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--replica", help=argparse.SUPPRESS)
    parser.add_argument("--due-at", type=datetime.fromisoformat, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.replica:
        asyncio.run(
            replica(
                arguments.db,
                arguments.replica,
                arguments.send_ms,
                arguments.concurrency,
                arguments.due_at,
            )
        )
    else:
        asyncio.run(main(arguments))
