"""How long reading a date phrase takes: `/remind`, `/interview` and snoozes all go through it.

Run: `.venv/bin/python bench/bench_when.py`. It reads every phrase the date tests use
(tests/test_when.py's READS and SPLITS) many times after one warm-up call (dateparser's
first call loads its data) and prints the mean and p99 per call. The goal is under 5 ms
a call at p99, so a command's reply never waits on date reading.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.when import WhenError, parse_when, split_text_and_when  # noqa: E402
from tests.test_when import NEW_YORK, NOW, READS, SPLITS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with contextlib.suppress(WhenError):
        parse_when("last week", NOW, NEW_YORK)  # dateparser's first call loads its data
    samples: list[float] = []
    for _ in range(args.rounds):
        for phrase, _, _ in READS:
            started = time.perf_counter()
            with contextlib.suppress(WhenError):
                parse_when(phrase, NOW, NEW_YORK)
            samples.append(time.perf_counter() - started)
        for text, _, _ in SPLITS:
            started = time.perf_counter()
            split_text_and_when(text, NOW, NEW_YORK)
            samples.append(time.perf_counter() - started)
    samples.sort()
    p99 = samples[int(len(samples) * 0.99) - 1]
    print(
        f"date reading: {len(samples)} calls, mean {statistics.fmean(samples) * 1000:.2f} ms, "
        f"p99 {p99 * 1000:.2f} ms (goal < 5 ms)"
    )


if __name__ == "__main__":
    main()
