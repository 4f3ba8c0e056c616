"""kill -9 in the middle of a fan-out, then restart: nothing lost, and only the sends that
were in flight at the kill go out twice. Real processes, real SIGKILL, on SQLite and
PostgreSQL; the clock is injected, so nothing here waits on wall-clock time."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from tests.conftest import START
from tests.dispatch_helpers import add_reminders, make_bot, statuses

ROOT = Path(__file__).resolve().parents[1]
CONCURRENCY = 4
DUE = 200


async def worker(db: str, log: Path, at: datetime, die_after: int = 0) -> int:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.crash_worker",
        "--db",
        db,
        "--log",
        str(log),
        "--at",
        at.isoformat(),
        "--die-after",
        str(die_after),
        "--concurrency",
        str(CONCURRENCY),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode in (0, -signal.SIGKILL), err.decode()[-2000:]
    return process.returncode or 0


async def test_kill_9_mid_fan_out_repeats_at_most_the_sends_in_flight(
    database_url: str, tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    due = START + timedelta(minutes=5)
    bot = await make_bot(database_url, tmp_path, clock)
    try:
        expected = await add_reminders(bot, DUE, due, per_member=50)
    finally:
        await bot.close()
    log = tmp_path / "platform.log"
    # Each restart comes after the dead process's leases (2 minutes) have run out.
    codes = [
        await worker(database_url, log, due, die_after=37),
        await worker(database_url, log, due + timedelta(minutes=3), die_after=100),
        await worker(database_url, log, due + timedelta(minutes=6)),
    ]
    assert codes == [-signal.SIGKILL, -signal.SIGKILL, 0]

    received = Counter(log.read_text().split())
    duplicates = sum(n - 1 for n in received.values())
    lost = set(expected) - set(received)
    with capsys.disabled():
        print(
            f"\nkill -9 ×2 during a fan-out of {DUE} ({CONCURRENCY} sends at a time): "
            f"{sum(received.values())} sends, {duplicates} duplicate(s), {len(lost)} lost"
        )
    assert not lost
    assert duplicates <= 2 * CONCURRENCY  # at most the sends in flight at each kill
    bot = await make_bot(database_url, tmp_path, clock)
    try:
        assert await statuses(bot) == {"sent": DUE}
    finally:
        await bot.close()
