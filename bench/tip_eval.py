"""How well `/tip` understands members: accuracy, honesty and speed, per split.

    .venv/bin/python bench/tip_eval.py                 # the figures for every split
    .venv/bin/python bench/tip_eval.py --errors dev    # what went wrong on dev (not test)
    .venv/bin/python bench/tip_eval.py --tune          # threshold grid, scored on dev only
    .venv/bin/python bench/tip_eval.py --startup 15    # console start-up, median of N runs

The questions are in bench/tip_questions.yaml (train/dev/test, fixed). The
matcher learns from content/, which may include train questions but never dev or
test ones. Tune on train and dev; read test only to report it.

Per split it prints:
- top-1 / top-3: the right topic is ranked first / in the first three;
- answered right: a tip from the right topic shown as the answer;
- did you mean: the share answered with "Did you mean…" and topic buttons;
- confidently wrong: a tip from another topic shown as the answer;
- no match: "I don't have a tip on that" with the topics;
- out of scope, no tip: questions no tip answers that got no tip (did-you-mean or no match);
- p50 / p99 time of one search, in milliseconds.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content import load_library  # noqa: E402
from bot.content.search import OUT_OF_SCOPE, TipIndex  # noqa: E402
from bot.understanding import Thresholds  # noqa: E402

DATA = ROOT / "bench" / "tip_questions.yaml"
SPLITS = ("train", "dev", "test")
TARGETS = {"top1": 0.90, "wrong": 0.05, "oos_no_tip": 0.90, "p99_ms": 5.0}


@dataclass
class Tally:
    """Counts for one split."""

    n: int = 0
    top1: int = 0
    top3: int = 0
    right: int = 0
    unsure: int = 0
    wrong: int = 0
    none: int = 0
    oos: int = 0
    oos_no_tip: int = 0
    oos_none: int = 0
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def share(self, count: int, total: int | None = None) -> float:
        total = self.n if total is None else total
        return count / total if total else 0.0


def load_questions() -> dict[str, list[tuple[str, str]]]:
    """split -> [(question, label)]; label OUT_OF_SCOPE for questions no tip answers."""
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    out: dict[str, list[tuple[str, str]]] = {s: [] for s in SPLITS}
    for label, splits in raw["labels"].items():
        for split in SPLITS:
            out[split].extend((q, label) for q in splits.get(split) or [])
    return out


def evaluate(
    index: TipIndex, items: list[tuple[str, str]], thresholds: Thresholds | None = None
) -> Tally:
    tally = Tally()
    for question, label in items:
        start = time.perf_counter()
        found = index.match(question, thresholds)
        tally.times.append((time.perf_counter() - start) * 1000)
        verdict = found.verdict
        ranked = [t for t, _ in verdict.ranked]
        shown = f"{verdict.kind:6} {','.join(ranked[:3]) or '-':60} {label:24} {question}"
        if label == OUT_OF_SCOPE:
            tally.oos += 1
            if verdict.kind != "answer":
                tally.oos_no_tip += 1
            else:
                tally.errors.append(shown)
            tally.oos_none += verdict.kind == "none"
            continue
        tally.n += 1
        tally.top1 += ranked[:1] == [label]
        tally.top3 += label in ranked[:3]
        if verdict.kind == "answer":
            if verdict.best == label:
                tally.right += 1
            else:
                tally.wrong += 1
                tally.errors.append(shown)
        elif verdict.kind == "unsure":
            tally.unsure += 1
            if label not in verdict.candidates:
                tally.errors.append(shown)
        else:
            tally.none += 1
            tally.errors.append(shown)
    return tally


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def report(name: str, t: Tally) -> None:
    print(
        f"{name:6} {t.n:4} {t.share(t.top1):7.1%} {t.share(t.top3):7.1%} "
        f"{t.share(t.right):8.1%} {t.share(t.unsure):8.1%} {t.share(t.wrong):8.1%} "
        f"{t.share(t.none):7.1%} {t.oos:4} {t.share(t.oos_no_tip, t.oos):8.1%} "
        f"{t.share(t.oos_none, t.oos):8.1%} "
        f"{percentile(t.times, 0.5):6.2f} {percentile(t.times, 0.99):6.2f}"
    )


def build_index() -> tuple[TipIndex, float]:
    library = load_library(ROOT / "content")
    start = time.perf_counter()
    index = TipIndex.for_library(library)
    index.warm()
    return index, (time.perf_counter() - start) * 1000


def tune(index: TipIndex, items: list[tuple[str, str]]) -> None:
    """Try threshold combinations on dev; print the best few by a simple cost."""
    results = []
    base = index.matcher.thresholds
    for answer, ratio, suggest, knn in itertools.product(
        (0.1, 0.15, 0.2, 0.25), (0.6, 0.7, 0.8), (0.06, 0.08, 0.1, 0.12), (0.5, 0.7, 0.85)
    ):
        th = Thresholds(answer, ratio, suggest, knn, base.neighbours, base.unknown_weight)
        t = evaluate(index, items, th)
        # A confident wrong tip costs three times a missing one; out of scope must stay >= 90%.
        cost = 3 * t.share(t.wrong) + (1 - t.share(t.right))
        cost += 1 if t.share(t.oos_no_tip, t.oos) < TARGETS["oos_no_tip"] else 0
        results.append((cost, answer, ratio, suggest, knn, t))
    results.sort(key=lambda r: r[0])
    print("cost  answer ratio suggest knn | right unsure wrong none oos-no-tip")
    for cost, answer, ratio, suggest, knn, t in results[:12]:
        print(
            f"{cost:.3f} {answer:6} {ratio:5} {suggest:7} {knn:4} | {t.share(t.right):.1%} "
            f"{t.share(t.unsure):.1%} {t.share(t.wrong):.1%} {t.share(t.none):.1%} "
            f"{t.share(t.oos_no_tip, t.oos):.1%}"
        )


def startup(runs: int) -> None:
    """Median wall time of `printf '' | jobclub console --json`."""
    exe = ROOT / ".venv" / "bin" / "jobclub"
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(exe), "console", "--json"], input=b"", capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    print(
        f"console start-up over {runs} runs: median {statistics.median(times) * 1000:.0f} ms, "
        f"min {min(times) * 1000:.0f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", choices=("train", "dev"), help="list the misses of a split")
    parser.add_argument("--tune", action="store_true", help="threshold grid on dev")
    parser.add_argument("--splits", default=",".join(SPLITS), help="e.g. train,dev while tuning")
    parser.add_argument("--startup", type=int, metavar="N", help="time console start-up N times")
    args = parser.parse_args()
    if args.startup:
        startup(args.startup)
        return 0
    index, build_ms = build_index()
    questions = load_questions()
    if args.tune:
        tune(index, questions["dev"])
        return 0
    for question, _ in questions["train"][:50]:  # warm caches as a running bot would be
        index.match(question)
    print(f"index built in {build_ms:.0f} ms; thresholds {index.matcher.thresholds}")
    print(
        "split     n   top-1   top-3 answered did-you  conf-wr no-match  oos oos-no-tip "
        "said-none  p50ms  p99ms"
    )
    print("                              right    mean    wrong")
    wanted = [s for s in SPLITS if s in args.splits.split(",")]
    tallies = {split: evaluate(index, questions[split]) for split in wanted}
    for split, tally in tallies.items():
        report(split, tally)
    if args.errors:
        print(f"\nmisses on {args.errors} (kind, ranked, expected, question):")
        print("\n".join(evaluate(index, questions[args.errors]).errors))
    if "test" not in tallies:
        return 0
    test = tallies["test"]
    checks = {
        "top-1 >= 90%": test.share(test.top1) >= TARGETS["top1"],
        "confidently wrong <= 5%": test.share(test.wrong) <= TARGETS["wrong"],
        "out of scope no tip >= 90%": test.share(test.oos_no_tip, test.oos)
        >= TARGETS["oos_no_tip"],
        "p99 <= 5 ms": percentile(test.times, 0.99) <= TARGETS["p99_ms"],
    }
    print("test targets: " + ", ".join(f"{k} {'ok' if v else 'MISSED'}" for k, v in checks.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
