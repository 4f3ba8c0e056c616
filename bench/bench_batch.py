"""Leasing and rendering alone: CPU a delivery for batches of different sizes.

    .venv/bin/python bench/bench_batch.py [--members 2000] [--sizes 100,200] [--runs 4]

Seeds `--members` members whose nudge is due now and one reminder per ten members (as
`bench_fanout.py` does, on a SQLite file), claims them, then leases and renders them in
batches of each size until none is left, marking each batch sent (as the senders would),
and reports the process CPU (the event loop and aiosqlite's thread) a delivery. The sizes
alternate on fresh databases, so a drift in this machine's speed spreads over all of them.
Nothing is sent: this is the per-batch cost that `BATCH` trades against how much one
batch holds.
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

from sqlalchemy import update

from bench.alternating import alternate
from bench.bench_fanout import seed
from bot.app import JobClubBot, freeze_startup_objects
from bot.clock import SystemClock
from bot.scheduling import TickReport
from bot.settings import Settings
from bot.store.database import Database
from bot.store.models import Delivery


async def one_run(members: int, size: int) -> float:
    """CPU seconds a delivery to lease and render the whole crowd in batches of `size`."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'batch.db'}"
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            database_url=url,
            jobclub_log_file=str(Path(tmp) / "log"),
            jobclub_timezone="UTC",
        )
        db = Database(url)
        await db.upgrade()
        now = datetime.now(UTC).replace(microsecond=0)
        await seed(db, "slack", members, members // 10, now)
        bot = await JobClubBot.create(settings, SystemClock(), db=db)
        dispatcher = bot.dispatcher(lambda *_: None)  # type: ignore[arg-type, return-value]
        await dispatcher.warm()
        await dispatcher._claim(now)
        freeze_startup_objects()
        rendered, began = 0, time.process_time()
        while (lease := await dispatcher._lease(size)) is not None:
            ready = await dispatcher._prepare(lease, TickReport())
            rendered += len(ready)
            async with db.transaction() as connection:
                await connection.execute(
                    update(Delivery)
                    .where(Delivery.id.in_([item.id for item in ready]))
                    .values(status="sent", lease_until=None)
                )
        spent = time.process_time() - began
        await bot.close()
    assert rendered, "nothing was leased"
    return spent / rendered


async def run(args: argparse.Namespace) -> None:
    sizes = [int(size) for size in args.sizes.split(",")]
    await alternate(
        partial(one_run, args.members), sizes, args.runs, "batches of {size}, a delivery"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--sizes", default="100,200")
    parser.add_argument("--runs", type=int, default=4)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
