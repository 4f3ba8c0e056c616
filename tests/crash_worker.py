"""One dispatcher process for the crash test (`tests/test_delivery_crash.py`).

It sends through a fake platform that appends each message id to a file the moment the
platform has it, `--concurrency` sends at a time, and kills itself with SIGKILL right
after its `--die-after`-th send, while other sends are still in flight. The clock is a
fake one set from `--at`, so a restart can begin after the dead process's leases ran out.

    python -m tests.crash_worker --db URL --log FILE --at ISO [--die-after K] [--concurrency C]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import tempfile
from datetime import datetime
from pathlib import Path

from bot.clock import FakeClock
from bot.outbox import Pace
from bot.scheduling import Outgoing
from tests.dispatch_helpers import make_bot, message_id


async def run(db: str, log: str, at: datetime, die_after: int, concurrency: int) -> int:
    clock = FakeClock(at)
    with tempfile.TemporaryDirectory() as tmp:
        bot = await make_bot(db, Path(tmp), clock)
        sent = 0

        async def deliver(item: Outgoing, when: datetime) -> str | None:
            nonlocal sent
            fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:  # the platform has it now: a kill from here on cannot take it back
                os.write(fd, f"{message_id(item)}\n".encode())
            finally:
                os.close(fd)
            sent += 1
            if sent == die_after:
                os.kill(os.getpid(), signal.SIGKILL)
            for _ in range(3):  # the network round trip, while the other sends get going
                await asyncio.sleep(0)
            return None

        deliver.pace = Pace(concurrency=concurrency)  # type: ignore[attr-defined]
        dispatcher = bot.dispatcher(deliver)
        total = 0
        while sent_now := await dispatcher.tick():
            total += sent_now
        await bot.close()
        return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--at", required=True, type=datetime.fromisoformat)
    parser.add_argument("--die-after", type=int, default=0)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    total = asyncio.run(run(args.db, args.log, args.at, args.die_after, args.concurrency))
    print(f"sent {total}")


if __name__ == "__main__":
    main()
