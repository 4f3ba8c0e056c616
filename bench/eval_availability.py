"""How well `/partners on` reads availability: phrasings by split, scored exactly.

    .venv/bin/python bench/eval_availability.py [--splits train,dev] [--errors]

Each phrase in `bench/availability_phrases.yaml` names the windows it means (or `error`
when it must be refused). A phrase counts as read right only when the windows match
exactly. Tune on train and dev; test is for the report in bench/README.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.availability import AvailabilityError, Window, parse_availability

DATA = Path(__file__).with_name("availability_phrases.yaml")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def expected(want: list[str] | str) -> set[Window] | None:
    """The windows a `want` list names (None for `error`)."""
    if want == "error":
        return None
    out: set[Window] = set()
    for item in want:
        days_text, hours = item.split()
        start, end = (int(h[:2]) * 60 + int(h[3:]) for h in hours.split("-"))
        days: list[int] = []
        for part in days_text.split(","):
            if "-" in part:
                first, last = (_DAYS.index(d) for d in part.split("-"))
                days += range(first, last + 1)
            else:
                days.append(_DAYS.index(part))
        out |= {Window(d, start, end) for d in days}
    return out


def read(text: str) -> set[Window] | None:
    try:
        return set(parse_availability(text).windows)
    except AvailabilityError:
        return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--splits", default="train,dev")
    parser.add_argument("--errors", action="store_true", help="print the phrases read wrong")
    args = parser.parse_args()
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    print("| split | phrases | read right | refused right | wrong |")
    print("| --- | --- | --- | --- | --- |")
    for split in args.splits.split(","):
        items = data[split]
        right = refused = 0
        wrong: list[str] = []
        for item in items:
            want, got = expected(item["want"]), read(item["text"])
            if want == got:
                right += want is not None
                refused += want is None
            else:
                shown = sorted((w.day, w.start, w.end) for w in got) if got else "refused"
                wrong.append(f"  {item['text']!r}: got {shown}")
        total = len(items)
        print(
            f"| {split} | {total} | {right}/{total - sum(i['want'] == 'error' for i in items)} "
            f"| {refused}/{sum(i['want'] == 'error' for i in items)} | {len(wrong)} |"
        )
        if args.errors and wrong:
            print("\n".join(wrong))


if __name__ == "__main__":
    main()
