"""How fast the core answers: tip search alone, and whole /tip events on a SQLite file.

Run: .venv/bin/python bench/bench_core.py [--events 2000] [--members 200]
Prints one line per measurement; results are recorded in bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.content import load_library
from bot.content.search import TipIndex
from bot.events import CommandEvent, MemberRef, Place, Platform
from bot.settings import Settings
from bot.store.database import Database

QUESTIONS = [
    "they hired someone else, now what",
    "how do I explain being fired",
    "thnak you note",
    "salary expectations",
    "too much jargon",
    "",
]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def report(name: str, samples: list[float]) -> None:
    ms = [s * 1000 for s in samples]
    print(
        f"{name}: n={len(ms)} p50={percentile(ms, 50):.3f} ms "
        f"p99={percentile(ms, 99):.3f} ms mean={statistics.fmean(ms):.3f} ms"
    )


def bench_search(rounds: int) -> None:
    library = load_library(Path(__file__).resolve().parent.parent / "content")
    index = TipIndex.for_library(library)
    index.warm()
    samples = []
    for i in range(rounds):
        question = QUESTIONS[i % len(QUESTIONS)] or "networking"
        start = time.perf_counter()
        index.match(question)
        samples.append(time.perf_counter() - start)
    report("search", samples)


async def bench_events(events: int, members: int, concurrency: int, url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=url or f"sqlite:///{tmp}/bench.db",
            jobclub_log_file=Path(tmp) / "bench.log",
        )
        db = Database(settings.database_url)
        await db.upgrade()
        bot = await JobClubBot.create(
            settings, FakeClock(datetime(2026, 11, 25, tzinfo=UTC)), db=db
        )
        samples: list[float] = []
        sem = asyncio.Semaphore(concurrency)

        async def one(i: int) -> None:
            ref = MemberRef(Platform.CONSOLE, "bench", f"m{i % members}", f"Member {i % members}")
            event = CommandEvent(ref, Place.channel("c"), "tip", QUESTIONS[i % len(QUESTIONS)])
            async with sem:
                start = time.perf_counter()
                replies = await bot.handle(event)
                samples.append(time.perf_counter() - start)
            assert replies and "error" not in replies[0].meta, replies

        wall = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(events)))
        wall = time.perf_counter() - wall
        await bot.close()
    report(f"/tip events ({db.dialect}, concurrency {concurrency})", samples)
    print(f"throughput: {events / wall:.0f} events/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument(
        "--db", default=None, help="database URL (default: a temporary SQLite file)"
    )
    args = parser.parse_args()
    bench_search(5000)
    asyncio.run(bench_events(args.events, args.members, 1, args.db))
    asyncio.run(bench_events(args.events, args.members, args.concurrency, args.db))


if __name__ == "__main__":
    main()
