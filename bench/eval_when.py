"""How well `bot/when.py` reads the dates members type: phrasings by split, scored exactly.

    .venv/bin/python bench/eval_when.py [--splits train,dev] [--errors]

Each item of `bench/when_phrases.yaml` is a text typed at a fixed instant in a fixed zone
and what the member meant: a local date-time, `ask`, `past` or `none`. Every reading
lands in one of three buckets:

- right: the date-time meant; for `ask`, no date read (refused, or none found, which
  `/commit` also answers with a question); for `past`, refused as past; for `none`,
  no date found;
- asked back: no date read where one was meant (a question, never a wrong reminder);
  in brackets, how many of those questions had the meant reading on a button ("Did you
  mean Wed 2 Dec?" after a typo, both readings of "friday at 3");
- wrong: a date-time read that the member did not mean. This is the number that
  matters most: a confident wrong reading moves a deadline without anyone noticing.

Tune on train and dev; test is for the report in bench/README.md.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.when import WhenError, WhenInPast, parse_when, split_text_and_when

DATA = Path(__file__).with_name("when_phrases.yaml")
DEFAULT_TIME = time(9, 0)


@dataclass(frozen=True)
class Scene:
    now: datetime
    zone: ZoneInfo


def scenes(data: dict) -> dict[str, Scene]:
    out = {}
    for name, scene in data["scenes"].items():
        zone = ZoneInfo(scene["zone"])
        out[name] = Scene(datetime.fromisoformat(scene["now"]).replace(tzinfo=zone), zone)
    return out


def outcome(scene: Scene, text: str, parse: bool) -> str:
    """What the bot made of `text`: "YYYY-MM-DD HH:MM" local, "past", "asked" or "none"."""
    try:
        if parse:
            when = parse_when(text, scene.now, scene.zone, DEFAULT_TIME)
        else:
            _, when = split_text_and_when(text, scene.now, scene.zone, DEFAULT_TIME)
    except WhenInPast:
        return "past"
    except WhenError as err:
        offered = [at.astimezone(scene.zone).strftime("%Y-%m-%d %H:%M") for at in err.choices]
        return "asked:" + ",".join(offered) if offered else "asked"
    if when is None:
        return "none"
    return when.due_at.astimezone(scene.zone).strftime("%Y-%m-%d %H:%M")


def bucket(want: str, got: str) -> str:
    """right, asked or wrong (see the module docstring)."""
    if got.startswith("asked:"):  # a question with buttons: still a question
        got = "asked"
    if want == "ask":
        return "right" if got in ("asked", "none") else "wrong" if got != "past" else "asked"
    if want == "none":
        return "right" if got == "none" else "asked" if got in ("asked", "past") else "wrong"
    if want == "past":
        return "right" if got == "past" else "asked" if got in ("asked", "none") else "wrong"
    if got == want:
        return "right"
    return "asked" if got in ("asked", "none", "past") else "wrong"


def score(items: list[list[str]], places: dict[str, Scene]) -> tuple[dict[str, int], list[str]]:
    counts = {"right": 0, "asked": 0, "wrong": 0, "offered": 0}
    misses: list[str] = []
    for item in items:
        name, text, want = item[0], item[1], str(item[2])
        got = outcome(places[name], text, parse=len(item) > 3)
        kind = bucket(want, got)
        counts[kind] += 1
        if kind == "asked" and want in got.removeprefix("asked:").split(","):
            counts["offered"] += 1
        if kind != "right":
            misses.append(f"  [{kind}] {name} {text!r}: want {want}, got {got}")
    return counts, misses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--splits", default="train,dev")
    parser.add_argument("--errors", action="store_true", help="print the items not read right")
    args = parser.parse_args()
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    places = scenes(data)
    print("| split | items | right | asked back (meant reading on a button) | confidently wrong |")
    print("| --- | --- | --- | --- | --- |")
    for split in args.splits.split(","):
        items = data[split]
        counts, misses = score(items, places)
        total = len(items)
        print(
            f"| {split} | {total} | {counts['right']} ({counts['right'] / total:.1%}) "
            f"| {counts['asked']} ({counts['asked'] / total:.1%}; {counts['offered']}) "
            f"| {counts['wrong']} ({counts['wrong'] / total:.1%}) |"
        )
        if args.errors and misses:
            print("\n".join(misses))


if __name__ == "__main__":
    main()
