"""The nudge claim alone: CPU a member for claim rounds of different sizes.

    .venv/bin/python bench/bench_claim.py [--members 2000] [--rounds 100,200,400] [--runs 5]

Seeds `--members` members whose nudge is due now (as `bench_fanout.py` does, on a SQLite
file), then calls the nudge claim directly, round after round, until nothing is due, and
reports the process CPU (the event loop and aiosqlite's thread) a member claimed. Each
round size runs `--runs` times on a fresh database; the sizes alternate, so a drift in
this machine's speed spreads over all of them. This is the claim's own cost: the fan-out
benchmark adds the delivery rows, the lease, rendering and sending.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.alternating import alternate
from bench.bench_fanout import seed
from bot.app import JobClubBot, freeze_startup_objects
from bot.clock import SystemClock
from bot.features import nudges
from bot.settings import Settings
from bot.store.database import Database


async def one_run(members: int, round_size: int) -> float:
    """CPU seconds a member for one claim of the whole crowd in rounds of `round_size`."""
    nudges.CLAIM_BATCH = round_size
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'claim.db'}"
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, database_url=url, jobclub_log_file=str(Path(tmp) / "log")
        )
        db = Database(url)
        await db.upgrade()
        now = datetime.now(UTC).replace(microsecond=0)
        await seed(db, "slack", members, 0, now)
        bot = await JobClubBot.create(settings, SystemClock(), db=db)
        work = next(
            w
            for f in bot.services.features
            for w in f.scheduled_work()
            if isinstance(w, nudges.DailyNudges)
        )
        await bot.dispatcher(lambda *_: None).warm()  # type: ignore[arg-type, return-value]
        freeze_startup_objects()
        claimed, began = 0, time.process_time()
        while True:
            async with db.session() as session:
                items = await work.claim_due(session, bot.services, now)
            if not items:
                break
            claimed += len(items)
        spent = time.process_time() - began
        await bot.close()
    assert claimed == members, f"claimed {claimed} of {members}"
    return spent / claimed


async def run(args: argparse.Namespace) -> None:
    sizes = [int(size) for size in args.rounds.split(",")]
    await alternate(
        partial(one_run, args.members), sizes, args.runs, "claim rounds of {size}, a member"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--rounds", default="100,200,400")
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
