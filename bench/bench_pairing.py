"""Practice-partner pairing over simulated months: is everyone who can meet paired?

    .venv/bin/python bench/bench_pairing.py [--members 200] [--rounds 12] [--seed 7]

200 members with zones on five continents and the kinds of windows people give
(weekday evenings, lunchtimes, weekend mornings, early mornings, a single day), joining
over the weeks, pausing now and then and avoiding a few others, are paired for 12 weekly
rounds by `bot.pairing.pair_round` exactly as the feature calls it (each member's windows
turned into this week's slots in their own zone, the last four rounds as history).

Reported per round and overall:
- paired: the share paired among members with any possible partner (target >= 95%);
- repeats: pairs (or trio pairs) made in one of the four rounds before (target <= 5%);
- the median overlap of the groups, and groups with no hour in common (must be 0);
- the time to compute one round (target < 2 s), networkx import excluded (paid once).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.pairing import (
    RECENT_ROUNDS,
    RUN,
    Candidate,
    meeting_slots,
    pair_round,
    week_slots,
)

ZONES = {
    "America": ["America/New_York", "America/Chicago", "America/Los_Angeles", "America/Sao_Paulo"],
    "Europe": ["Europe/London", "Europe/Berlin", "Europe/Madrid", "Europe/Helsinki"],
    "Africa": ["Africa/Lagos", "Africa/Nairobi", "Africa/Johannesburg", "Africa/Cairo"],
    "Asia": ["Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Asia/Dubai"],
    "Oceania": ["Australia/Sydney", "Pacific/Auckland", "Australia/Perth"],
}
FIRST_ROUND = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
"""A Monday; the weeks that follow cross the US (14 Mar), EU (28 Mar) and Australian
(4 Apr) clock changes."""


def random_windows(rng: random.Random) -> list[list[int]]:
    """One member's weekly windows, built the way people describe their free time."""
    h = 60
    kinds = [
        lambda: [
            [d, 18 * h + rng.choice((0, 30, 60)), 20 * h + rng.choice((30, 60, 90))]
            for d in range(5)
        ],
        lambda: [[d, 12 * h, 14 * h] for d in range(5)],
        lambda: [[d, 9 * h + rng.choice((0, 60)), 12 * h + rng.choice((0, 60))] for d in (5, 6)],
        lambda: [[d, 7 * h, 9 * h] for d in range(5)],
        lambda: [[rng.randrange(7), 17 * h, 21 * h]],
        lambda: [[d, 19 * h, 22 * h] for d in rng.sample(range(7), 3)],
        lambda: [[rng.randrange(7), 19 * h, 20 * h + 30]],
        lambda: [[rng.randrange(5), 12 * h + 30, 13 * h + 30]],
    ]
    windows: list[list[int]] = []
    for make in rng.sample(kinds, rng.choice((1, 1, 1, 2, 2, 3))):
        windows += make()
    return windows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    members = []
    for index in range(args.members):
        continent = list(ZONES)[index % len(ZONES)]
        members.append(
            {
                "id": index + 1,
                "zone": ZoneInfo(rng.choice(ZONES[continent])),
                "windows": random_windows(rng),
                "joins": 0 if index < args.members * 0.6 else rng.randrange(1, args.rounds),
                "paused_until": -1,
                "avoids": set(),
            }
        )
    for m in rng.sample(members, args.members // 10):
        m["avoids"] = {rng.randrange(1, args.members + 1) for _ in range(rng.choice((1, 2)))}
    import networkx  # noqa: F401  # paid once at start-up, not per round

    history: list[list[frozenset[int]]] = []
    totals = {"possible": 0, "paired": 0, "pairs": 0, "repeats": 0, "groups": 0, "trios": 0}
    overlaps: list[int] = []
    no_overlap = 0
    times: list[float] = []
    print("| round | taking part | possible | paired | groups (trios) | repeats | seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for number in range(args.rounds):
        round_at = FIRST_ROUND + timedelta(weeks=number)
        start, end = round_at + timedelta(hours=2), round_at + timedelta(days=7)
        for m in members:
            if m["joins"] <= number and m["paused_until"] < number and rng.random() < 0.04:
                m["paused_until"] = number + rng.choice((1, 2))  # "/partners pause 2 weeks"
        taking_part = [m for m in members if m["joins"] <= number and m["paused_until"] < number]
        recent: dict[frozenset[int], int] = {}
        for ago, made_then in enumerate(reversed(history[-RECENT_ROUNDS:]), start=1):
            for pair in made_then:
                recent.setdefault(pair, ago)  # the most recent round counts
        began = time.perf_counter()
        candidates = [
            Candidate(
                m["id"],
                week_slots(m["windows"], m["zone"], start, end),
                frozenset(m["avoids"]),
            )
            for m in taking_part
        ]
        outcome = pair_round(candidates, recent, seed=number)
        took = time.perf_counter() - began
        times.append(took)
        made: list[frozenset[int]] = []
        repeats = 0
        slots = {c.id: c.slots for c in candidates}
        for group in outcome.groups:
            pairs = [
                frozenset((a, b))
                for i, a in enumerate(group.members)
                for b in group.members[i + 1 :]
            ]
            made += pairs
            repeats += sum(p in recent for p in pairs)
            common = slots[group.members[0]]
            for member in group.members[1:]:
                common &= slots[member]
            if not meeting_slots(common) or meeting_slots(common).bit_count() < RUN:
                no_overlap += 1
            overlaps.append(group.overlap_minutes)
        history.append(made)
        paired = sum(len(g.members) for g in outcome.groups)
        trios = sum(len(g.members) == 3 for g in outcome.groups)
        totals["possible"] += len(outcome.possible)
        totals["paired"] += paired
        totals["pairs"] += len(made)
        totals["repeats"] += repeats
        totals["groups"] += len(outcome.groups)
        totals["trios"] += trios
        share = paired / len(outcome.possible) if outcome.possible else 1.0
        print(
            f"| {number + 1} | {len(taking_part)} | {len(outcome.possible)} | {share:.1%} "
            f"| {len(outcome.groups)} ({trios}) | {repeats} | {took:.2f} |"
        )
    paired_share = totals["paired"] / max(totals["possible"], 1)
    repeat_share = totals["repeats"] / max(totals["pairs"], 1)
    print()
    print("| measure | result | target |")
    print("| --- | --- | --- |")
    print(f"| paired, among members with a possible partner | {paired_share:.1%} | >= 95% |")
    print(f"| repeat pairs (made in the 4 rounds before) | {repeat_share:.1%} | <= 5% |")
    print(f"| median overlap of a group | {statistics.median(overlaps) / 60:.1f} h | |")
    print(f"| groups with no hour in common | {no_overlap} | 0 |")
    print(
        f"| one round, median / slowest | {statistics.median(times):.2f} s / {max(times):.2f} s "
        "| < 2 s |"
    )


if __name__ == "__main__":
    main()
