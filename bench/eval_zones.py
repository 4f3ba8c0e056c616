"""How well `/jobclub timezone` reads what members type: phrasings by split.

    .venv/bin/python bench/eval_zones.py [--splits train,dev] [--errors]

Each phrase in `bench/zone_phrases.yaml` names the zone it means (any zone that keeps
the same clock as a wanted one counts), or `ask` (the bot must offer choices), or `none`
(the bot must say it cannot read it). Every answer lands in one of four outcomes:

- right: the wanted zone, or choices that include every zone to `offer`;
- asked back: choices when one zone was wanted (a miss, but the member still picks);
- said none: nothing read, when something was (a miss; the member is told so);
- confidently wrong: a zone was set, and it is not what the member meant. This is the
  one that hurts (reminders at the wrong hour), so it is reported on its own.

Tune on train and dev; test and fresh are for the report in bench/README.md.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.zones import ZoneMatch, match_zone, same_clock

DATA = Path(__file__).with_name("zone_phrases.yaml")
NOW = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)
"""A fixed moment, so offsets ("UTC+1") read the same on every run. The phrases' offsets
are written for it: with `--at` in summer, offset phrases are expected to miss."""

OUTCOMES = ("right", "asked back", "said none", "confidently wrong")


def judge(item: dict, match: ZoneMatch, now: datetime = NOW) -> str:
    want = item["want"]
    if want == "none":
        if match.zone:
            return "confidently wrong"
        return "asked back" if match.candidates else "right"
    if want == "ask":
        if match.zone:
            return "confidently wrong"
        if not match.candidates:
            return "said none"
        offered = all(_among(z, match.candidates, now) for z in item.get("offer", ()))
        return "right" if offered and len(match.candidates) > 1 else "asked back"
    wanted = [want] if isinstance(want, str) else list(want)
    if match.zone:
        return "right" if _among(match.zone, wanted, now) else "confidently wrong"
    if not match.candidates:
        return "right" if item.get("none_ok") else "said none"
    if item.get("ask_ok") and any(_among(z, match.candidates, now) for z in wanted):
        return "right"
    return "asked back"


def _among(zone: str, zones: list[str] | tuple[str, ...], now: datetime) -> bool:
    return any(same_clock(zone, other, now) for other in zones)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--splits", default="train,dev")
    parser.add_argument("--errors", action="store_true", help="print every miss")
    parser.add_argument("--at", help="another moment to read at, e.g. 2027-07-15T12:00Z")
    args = parser.parse_args()
    now = datetime.fromisoformat(args.at.replace("Z", "+00:00")) if args.at else NOW
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    print("| split | phrases | right | asked back | said none | confidently wrong |")
    print("| --- | --- | --- | --- | --- | --- |")
    misses: list[str] = []
    for split in args.splits.split(","):
        items = data[split]
        counts: Counter[str] = Counter()
        for item in items:
            match = match_zone(item["text"], now)
            outcome = judge(item, match, now)
            counts[outcome] += 1
            if outcome != "right":
                got = match.zone or (list(match.candidates) if match.candidates else "nothing")
                misses.append(f"  [{split}] {outcome}: {item['text']!r} -> {got} (want {item})")
        total = len(items)
        cells = [f"{counts[o]} ({100 * counts[o] / total:.1f}%)" for o in OUTCOMES]
        print(f"| {split} | {total} | " + " | ".join(cells) + " |")
    if args.errors:
        print("\n".join(misses))


if __name__ == "__main__":
    main()
