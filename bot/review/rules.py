"""`RuleReviewer`: explainable rules per dimension, combined into one `Review`.

Each dimension is a module with `applies(question)` and `check(answer, question)`. A
dimension that does not apply to the question (money rules on a teamwork story) is
left out of the overall score, which is a weighted mean of the ones that do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.content.schema import Question
from bot.review import (
    confidence,
    framing,
    length,
    money,
    outline,
    plain,
    sensitive,
    structure,
    wording,
)
from bot.review.model import DimensionResult, MainFix, Review, WordStats
from bot.review.text import Answer

TOO_SHORT_CAP = 45
"""An answer far below the target length is capped at most here, and lower the shorter it
is (in proportion to its length): there is too little to judge."""
MAX_STRENGTHS = 3
IMPLIED_FLAGS = {"blame": "negative"}
"""Blaming a former boss is negative framing too, so both names appear."""
ROOT_CAUSES: dict[str, tuple[str, ...]] = {
    "unbacked_claims": ("no_result", "no_action", "vague_result"),
    "too_long": ("not_brief",),
    "too_short": ("no_result", "no_action", "no_context", "no_challenge", "no_why"),
    "blame": ("not_positive", "negative"),
    "negative": ("not_positive",),
}
"""When a problem is the root of others (claims with no proof → no result), the main fix
names the root, and the points the others cost count towards it."""


@dataclass(frozen=True)
class Rule:
    name: str
    weight: float
    applies: Callable[[Question], bool]
    check: Callable[[Answer, Question], DimensionResult]


RULES: tuple[Rule, ...] = (
    Rule("length", 1.5, length.applies, length.check),
    Rule("structure", 3.0, structure.applies, structure.check),
    Rule("framing", 2.5, framing.applies, framing.check),
    Rule("confidence", 1.5, confidence.applies, confidence.check),
    Rule("plain_language", 2.5, plain.applies, plain.check),
    Rule("sensitive", 3.0, sensitive.applies, sensitive.check),
    Rule("money", 3.0, money.applies, money.check),
    Rule("wording", 1.0, wording.applies, wording.check),
)
WEIGHTS = {r.name: r.weight for r in RULES}


class RuleReviewer:
    """Deterministic, offline feedback from small rules and word lists (`bot/review/`)."""

    name = "rules-v1"

    def __init__(self, rules: tuple[Rule, ...] = RULES) -> None:
        self.rules = rules

    async def review(self, question: Question, answer: str) -> Review:
        return self.review_now(question, answer)

    def review_now(self, question: Question, answer: str) -> Review:
        """The same review, without awaiting (the rules never wait on anything)."""
        parsed = Answer.of(answer)
        results = [r.check(parsed, question) for r in self.rules if r.applies(question)]
        weights = {r.name: r.weight for r in self.rules}
        scores = {d.name: d.score for d in results}
        total = sum(weights[d.name] for d in results)
        overall = round(sum(d.score * weights[d.name] for d in results) / total)
        flags: list[str] = []
        for d in results:
            for p in d.problems:
                for flag in (p.flag, IMPLIED_FLAGS.get(p.flag)):
                    if flag and flag not in flags:
                        flags.append(flag)
        capped = None
        if "too_short" in flags:
            cap = round(TOO_SHORT_CAP * min(1.0, length.ratio(parsed, question) / length.TOO_SHORT))
            if overall > cap:
                overall, capped = cap, "too short to judge fully"
        return Review(
            question_id=question.id,
            reviewer=self.name,
            scores=scores,
            overall=overall,
            flags=flags,
            strengths=_strengths(results),
            main_fix=_main_fix(results, weights),
            outline=outline.build(parsed, question),
            notes={d.name: d.note for d in results},
            stats=WordStats(
                words=parsed.word_count,
                seconds=parsed.seconds,
                target_seconds=question.target_seconds,
                top_words=tuple(wording.top_words(parsed)),
                fillers=tuple(wording.fillers(parsed)),
            ),
            capped=capped,
            details=tuple(results),
        )


def _main_fix(results: list[DimensionResult], weights: dict[str, float]) -> MainFix | None:
    """The problem that costs the most overall points (its cost times its dimension's weight),
    counting what the problems it causes cost too."""
    impact: dict[str, float] = {}
    found: dict[str, MainFix] = {}
    for d in results:
        for p in d.problems:
            impact[p.flag] = impact.get(p.flag, 0) + p.cost * weights[d.name]
            found.setdefault(p.flag, MainFix(p.flag, d.name, p.fix))
    credited: set[str] = set()
    for root, caused in ROOT_CAUSES.items():
        if root not in impact:
            continue
        for flag in caused:
            if flag in impact and flag not in credited:
                impact[root] += impact[flag]
                credited.add(flag)
    candidates = [f for f in found if f not in credited and impact[f] > 0]
    if not candidates:
        return None
    order = list(found)
    best = max(candidates, key=lambda f: (impact[f], -order.index(f)))
    return found[best]


def _strengths(results: list[DimensionResult]) -> list[str]:
    """The most notable real strengths, at most one per dimension first, then any others."""
    ranked = sorted(
        ((s.weight, i, s.text) for i, d in enumerate(results) for s in d.strengths),
        key=lambda x: (-x[0], x[1]),
    )
    chosen: list[str] = []
    seen_dims: set[int] = set()
    for _weight, dim, text in ranked:
        if dim not in seen_dims and len(chosen) < MAX_STRENGTHS:
            chosen.append(text)
            seen_dims.add(dim)
    for _, _, text in ranked:
        if len(chosen) >= MAX_STRENGTHS:
            break
        if text not in chosen:
            chosen.append(text)
    return chosen
