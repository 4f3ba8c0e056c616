"""How far a member can trust practice feedback: the reviewer on answers it never saw.

    .venv/bin/python bench/eval_review.py [--splits train,dev] [--errors] [--data PATH]

Each answer in `bench/review_answers.yaml` was written as a member would type it, with
the band a fair coach would give it and the flags that must (and must not) appear. Per
split this prints:

- band accuracy: strong (overall >= 75), ok (60-74), weak (< 60); "two bands off" counts
  the confidently wrong ones (a weak answer called strong, or a strong one called weak);
- must-flag recall: the required flags that were raised;
- false alarms: must-not flags that were raised (for a strong answer every serious flag is
  a must-not), and how many answers had at least one;
- contradictions: messages in one feedback that contradict each other, checked by rule
  (`contradictions`): praise for what a flag criticises, two degrees of one flaw, a main
  fix that is not among the flags, "nothing to fix" beside a flag, praise for an
  off-topic answer, a flagged sentence quoted as good;
- time per review.

Tune on train and dev; run `--splits test` once, for the report in bench/README.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.content import load_library
from bot.review import Review, RuleReviewer
from bot.review.coherence import contradictions
from bot.review.severity import SERIOUS

DATA = Path(__file__).with_name("review_answers.yaml")
BANDS = ("weak", "ok", "strong")


def band_of(overall: int) -> str:
    return "strong" if overall >= 75 else "ok" if overall >= 60 else "weak"


@dataclass
class Tally:
    answers: int = 0
    band_right: int = 0
    two_off: int = 0
    must: int = 0
    must_hit: int = 0
    must_not: int = 0
    false_alarms: int = 0
    answers_alarmed: int = 0
    contradicted: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


def must_not_of(item: dict[str, Any]) -> set[str]:
    extra = set(SERIOUS) if item["band"] == "strong" else set()
    return set(item.get("must_not") or []) | extra


def score(item: dict[str, Any], review: Review, tally: Tally, seconds: float) -> None:
    flags = set(review.flags)
    got = band_of(review.overall)
    want = item["band"]
    tally.answers += 1
    tally.seconds += seconds
    problems: list[str] = []
    if got == want:
        tally.band_right += 1
    else:
        problems.append(f"band {got} ({review.overall}), want {want}")
        if abs(BANDS.index(got) - BANDS.index(want)) == 2:
            tally.two_off += 1
    for wanted in item.get("must") or []:
        tally.must += 1
        if flags & set(wanted.split("|")):
            tally.must_hit += 1
        else:
            problems.append(f"missing {wanted}")
    alarms = sorted(must_not_of(item) & flags)
    tally.must_not += len(must_not_of(item))
    tally.false_alarms += len(alarms)
    tally.answers_alarmed += bool(alarms)
    if alarms:
        problems.append(f"false alarm {', '.join(alarms)}")
    clashes = contradictions(review)
    tally.contradicted += bool(clashes)
    problems += [f"contradiction: {c}" for c in clashes]
    if problems:
        tally.errors.append(
            f"  {item['id']} [{item['question']}] flags={review.flags}: " + "; ".join(problems)
        )


def pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "-"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--splits", default="train,dev")
    parser.add_argument("--errors", action="store_true", help="print what each miss got wrong")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    items = yaml.safe_load(args.data.read_text(encoding="utf-8"))["answers"]
    library = load_library(Path(__file__).resolve().parent.parent / "content")
    reviewer = RuleReviewer()
    print(
        "| split | answers | band right | two bands off | must-flag recall | false alarms "
        "(answers) | contradictions | ms/review |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for split in args.splits.split(","):
        tally = Tally()
        for item in (i for i in items if i["split"] == split):
            question = library.question(item["question"])
            if question is None:
                raise SystemExit(f"{item['id']}: no question {item['question']!r}")
            start = time.perf_counter()
            review = reviewer.review_now(question, item["answer"])
            score(item, review, tally, time.perf_counter() - start)
        print(
            f"| {split} | {tally.answers} | {pct(tally.band_right, tally.answers)} "
            f"| {tally.two_off} | {pct(tally.must_hit, tally.must)} "
            f"| {pct(tally.false_alarms, tally.must_not)} ({tally.answers_alarmed}) "
            f"| {tally.contradicted} | {1000 * tally.seconds / max(1, tally.answers):.1f} |"
        )
        if args.errors:
            print("\n".join(tally.errors))


if __name__ == "__main__":
    main()
