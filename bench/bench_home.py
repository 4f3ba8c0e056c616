"""What opening the App Home costs an admin as the club grows: the coordinator section.

The section shows this month's club totals (members, active members, active days and
every feature's figures). It used to build the whole report to show them: every member
loaded as an ORM row and every (member, day) of activity fetched to be counted in Python.

Run: .venv/bin/python bench/bench_home.py [--members 5000] [--days 20] [--opens 20]
Prints one line per club size: wall time, and the process's CPU time (this thread and
SQLite's), which a busy shared machine disturbs less. Results are in bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.events import CommandEvent, MemberRef, Place, Platform
from bot.settings import Settings
from bot.store.database import Database
from bot.store.models import ActivityDay, Club, Member, PracticeAnswer

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ADMIN = MemberRef(Platform.CONSOLE, "bench", "admin", "Admin", is_admin=True)


async def seed(bot: JobClubBot, members: int, days: int) -> None:
    """A club of `members`, each active on `days` days this month, one in five practising."""
    await bot.handle(CommandEvent(ADMIN, Place.channel("c"), "tip", "networking"))
    async with bot.services.db.session() as session:
        club_id = await session.scalar(select(Club.id).where(Club.external_id == "bench"))
        assert club_id is not None
        rows = [
            {
                "club_id": club_id,
                "user_id": f"m{i}",
                "display_name": f"Member {i}",
                "created_at": NOW - timedelta(days=60),
                "last_seen_at": NOW,
            }
            for i in range(members)
        ]
        await session.execute(insert(Member), rows)
        ids = list(await session.scalars(select(Member.id).where(Member.club_id == club_id)))
        activity = [
            {
                "member_id": m,
                "day": (NOW - timedelta(days=d)).date(),
                "kind": "practice",
                "at": NOW - timedelta(days=d),
            }
            for m in ids
            for d in range(min(days, NOW.day))
        ]
        for start in range(0, len(activity), 20_000):
            await session.execute(insert(ActivityDay), activity[start : start + 20_000])
        answers = [
            {
                "member_id": m,
                "question_id": "q",
                "category": "sensitive",
                "answer": "an answer",
                "scores": {},
                "overall": 60,
                "flags": [],
                "reviewer": "bench",
                "created_at": NOW - timedelta(days=1),
            }
            for m in ids[::5]
        ]
        await session.execute(insert(PracticeAnswer), answers)


async def bench(members: int, days: int, opens: int) -> None:
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
            samples, cpu = [], []
            for _ in range(opens):
                start, start_cpu = time.perf_counter(), time.process_time()
                home = await bot.home(ADMIN)
                samples.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            assert "Coordinator" in home.plain_text()
        finally:
            await bot.close()
    print(
        f"home, admin, {members} members x {days} active days: "
        f"p50 {statistics.median(samples):.1f} ms, max {max(samples):.1f} ms, "
        f"CPU p50 {statistics.median(cpu):.1f} ms ({opens} opens)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--opens", type=int, default=20)
    args = parser.parse_args()
    for members in args.members:
        asyncio.run(bench(members, args.days, args.opens))


if __name__ == "__main__":
    main()
