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
from bot.review import FLAG_FAMILIES, Review, RuleReviewer
from bot.review.severity import SERIOUS

DATA = Path(__file__).with_name("review_answers.yaml")
BANDS = ("weak", "ok", "strong")

PRAISE_CONTRADICTS: tuple[tuple[str, frozenset[str]], ...] = (
    ("A concrete result", frozenset({"no_result", "vague_result"})),
    ("You said why it mattered", frozenset({"no_why"})),
    ("Clear ownership of the action", frozenset({"we_not_i", "no_action"})),
    ("All four CCAR parts", frozenset({"no_result", "no_action", "no_context", "no_challenge"})),
    ("Good length", frozenset({"too_short", "too_long", "a_bit_short", "a_bit_long"})),
    ("Brief:", frozenset({"not_brief", "too_long", "a_bit_long", "too_short", "a_bit_short"})),
    ("A range, not a single number", frozenset({"single_number", "no_range"})),
    ("You showed your homework", frozenset({"no_research"})),
    ("Flexible without underselling", frozenset({"inflexible", "no_flexibility"})),
    ("You handed it back with a question", frozenset({"no_question_back"})),
    ("You ended by turning the talk back", frozenset({"no_refocus", "refocus_not_last"})),
    ("Plain words", frozenset({"jargon", "acronyms"})),
    ("No jargon or acronyms", frozenset({"jargon", "acronyms"})),
    ("No filler words", frozenset({"fillers"})),
    ("Nothing negative about anyone", frozenset({"blame", "negative", "private_details"})),
    ("Positive, forward-looking", frozenset({"blame", "negative", "not_positive"})),
    ("Positive and truthful", frozenset({"blame", "negative", "not_positive"})),
    ("Confident without boasting", frozenset({"cocky", "unbacked_claims", "hedging"})),
)
"""A strength that starts with the text on the left says the answer is free of the flags on
the right: both in one feedback contradict each other."""


def band_of(overall: int) -> str:
    return "strong" if overall >= 75 else "ok" if overall >= 60 else "weak"


def contradictions(review: Review) -> list[str]:
    """Pairs of messages in one review that cannot both be true, by rule."""
    found: list[str] = []
    flags = set(review.flags)
    for strength in review.strengths:
        for lead, against in PRAISE_CONTRADICTS:
            clash = sorted(against & flags)
            if strength.startswith(lead) and clash:
                found.append(f"praise {lead!r} beside flag {'/'.join(clash)}")
    families: dict[str, list[str]] = {}
    for flag in review.flags:
        if flag in FLAG_FAMILIES:
            families.setdefault(FLAG_FAMILIES[flag], []).append(flag)
    for family, members in families.items():
        if family in ("short", "long") and len(members) > 1:
            found.append(f"two degrees of one flaw: {', '.join(members)}")
    if families.get("short") and families.get("long"):
        found.append("too short and too long at once")
    if review.main_fix is not None and review.main_fix.flag not in flags:
        found.append(f"main fix {review.main_fix.flag} is not among the flags")
    if review.main_fix is None and review.serious:
        found.append("nothing to fix, beside a serious flag")
    if "off_topic" in flags and review.strengths:
        found.append("praise for an off-topic answer")
    bad = {s for sentences in review.flagged.values() for s in sentences}
    for strength in review.strengths:
        for sentence in bad:
            if len(sentence) > 20 and sentence[:60] in strength:
                found.append(f"a flagged sentence quoted as a strength: {sentence[:50]!r}")
    for step in review.outline:
        if step.quote and step.quote in bad:
            found.append(f"a flagged sentence offered in the outline: {step.quote[:50]!r}")
    return found


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
