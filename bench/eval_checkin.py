"""How well the weekly check-in reads typed counts and goals: phrasings by split.

    .venv/bin/python bench/eval_checkin.py [--splits train,dev] [--errors]

Each phrase in `bench/checkin_phrases.yaml` names what it means (or null when the bot
must ask again). A phrase counts as read right only on an exact match. Tune on train and
dev; test is for the report in bench/README.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.weekly import read_count, read_goal

DATA = Path(__file__).with_name("checkin_phrases.yaml")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--splits", default="train,dev")
    parser.add_argument("--errors", action="store_true", help="print the phrases read wrong")
    args = parser.parse_args()
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    print("| split | counts right | goals right | guessed when it should ask |")
    print("| --- | --- | --- | --- |")
    for split in args.splits.split(","):
        misses: list[str] = []
        guessed = 0
        scores: list[str] = []
        for kind, reader in (("counts", read_count), ("goals", read_goal)):
            items = data[split][kind]
            right = 0
            for item in items:
                got = reader(item["text"])
                if got == item["want"]:
                    right += 1
                else:
                    guessed += item["want"] is None
                    misses.append(f"  {kind}: {item['text']!r} -> {got!r} (want {item['want']!r})")
            scores.append(f"{right}/{len(items)}")
        print(f"| {split} | {scores[0]} | {scores[1]} | {guessed} |")
        if args.errors:
            print("\n".join(misses))


if __name__ == "__main__":
    main()
