"""What `/jobclub report` costs as more members share their progress.

Each row of the report shows the member's streak. It used to be read with one query per
row (`activity.streak` for each member shown); now one read of the shown members' active
days feeds every row (`activity.streaks`). The figures are the same.

Run: .venv/bin/python bench/bench_report.py [--members 100 1000] [--days 20] [--runs 10]
Prints one line per club size: the statements one report runs, wall time and the
process's CPU time (steadier on a busy shared machine). Results are in bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_home import ADMIN, NOW, seed
from sqlalchemy import event, insert, select

from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.events import CommandEvent, Place
from bot.settings import Settings
from bot.store.database import Database
from bot.store.models import Member, ProgressShare


async def bench(members: int, days: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=f"sqlite:///{tmp}/bench.db",
            jobclub_log_file=Path(tmp) / "bench.log",
        )
        db = Database(settings.database_url)
        await db.upgrade()
        bot = await JobClubBot.create(settings, FakeClock(NOW), db=db)
        try:
            await seed(bot, members, days)
            async with bot.services.db.session() as session:
                ids = list(await session.scalars(select(Member.id)))
                await session.execute(
                    insert(ProgressShare),
                    [{"member_id": i, "on": True, "updated_at": NOW} for i in ids],
                )
            seen: list[str] = []

            def note(*args: Any) -> None:
                seen.append(args[2])

            engine = bot.services.db.engine.sync_engine
            samples, cpu, counts = [], [], []
            event.listen(engine, "before_cursor_execute", note)
            for _ in range(runs):
                seen.clear()
                start, start_cpu = time.perf_counter(), time.process_time()
                (report,) = await bot.handle(
                    CommandEvent(ADMIN, Place.channel("c"), "jobclub", "report")
                )
                samples.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
                counts.append(len(seen))
            event.remove(engine, "before_cursor_execute", note)
            assert len(report.meta["rows"]) >= members
        finally:
            await bot.close()
    print(
        f"report, {members} sharing members x {days} active days: "
        f"{statistics.median(counts):.0f} statements, "
        f"p50 {statistics.median(samples):.1f} ms, max {max(samples):.1f} ms, "
        f"CPU p50 {statistics.median(cpu):.1f} ms ({runs} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    for members in args.members:
        asyncio.run(bench(members, args.days, args.runs))


if __name__ == "__main__":
    main()
