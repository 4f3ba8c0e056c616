"""`RuleReviewer`: explainable rules per dimension, combined into one `Review`.

Each dimension is a module with `applies(question)` and `check(answer, question)`. A
dimension that does not apply to the question (money rules on a teamwork story) is
left out of the overall score, which is a weighted mean of the ones that do. Relevance runs
last, because a sentence another serious flag explains (a dodge, a boast) is a bad answer
to the question, not an answer to a different one.

Then severity (`severity.py`) decides: a serious flaw is the main fix and caps the score;
without one, the main fix is the problem costing the most points. Every sentence that
raised a flag is kept out of the strengths and the outline.
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
    motive,
    outline,
    plain,
    relevance,
    sensitive,
    severity,
    structure,
    wording,
)
from bot.review.evasion import evasive_sentences
from bot.review.model import DimensionResult, MainFix, Problem, Review, Strength, WordStats
from bot.review.text import Answer, quote

TOO_SHORT_CAP = 45
"""An answer far below the target length is capped at most here, and lower the shorter it
is (in proportion to its length): there is too little to judge."""
A_BIT_SHORT_CAP = 74
MOSTLY_FLAWED_CAP = 55
"""When at least half the sentences carry a serious flaw (nothing but praise for the
employer, nothing but one figure), the answer is weak whatever the flaw's own cap."""
OWN_DIMENSIONS = ("plain_language", "sensitive", "money")
FAILED_OWN_SCORE, FAILED_OWN_CAP = 20, 55
"""A question flagged for a non-technical listener, a sensitive topic or pay has a dimension
of its own; an answer that scores next to nothing there (all jargon to an HR interviewer)
fails the question, however clean the rest is."""
THIN_FLAGS = 2
"""An answer a little short of the target that also misses more than `THIN_FLAGS` - 1 other
things (a result, the context, why it mattered…) is good, not strong: it is held at
`A_BIT_SHORT_CAP`. Short and complete can still be strong."""
MAX_STRENGTHS = 3
EVASION_COST = 40
IMPLIED_FLAGS = {"blame": "negative"}
"""Blaming a former boss is negative framing too, so both names appear."""
ROOT_CAUSES: dict[str, tuple[str, ...]] = {
    "unbacked_claims": ("no_result", "no_action", "vague_result"),
    "too_long": ("not_brief",),
    "too_short": ("no_result", "no_action", "no_context", "no_challenge", "no_why", "misses_point"),
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
    Rule("motivation", 2.0, motive.applies, motive.check),
    Rule("wording", 1.0, wording.applies, wording.check),
)
RELEVANCE_WEIGHT = 2.0
"""Relevance always applies; its check needs the other dimensions' flags, so it runs last."""
WEIGHTS = {r.name: r.weight for r in RULES} | {"relevance": RELEVANCE_WEIGHT}


class RuleReviewer:
    """Deterministic, offline feedback from small rules and word lists (`bot/review/`)."""

    name = "rules-v2"

    def __init__(self, rules: tuple[Rule, ...] = RULES) -> None:
        self.rules = rules

    async def review(self, question: Question, answer: str) -> Review:
        return self.review_now(question, answer)

    def review_now(self, question: Question, answer: str) -> Review:
        """The same review, without awaiting (the rules never wait on anything)."""
        parsed = Answer.of(answer)
        results = [r.check(parsed, question) for r in self.rules if r.applies(question)]
        results.append(_relevance(parsed, question, results))
        weights = {r.name: r.weight for r in self.rules} | {"relevance": RELEVANCE_WEIGHT}
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
        elif (
            any(scores.get(d, 100) <= FAILED_OWN_SCORE for d in OWN_DIMENSIONS)
            and overall > FAILED_OWN_CAP
        ):
            overall, capped = FAILED_OWN_CAP, "it misses what this kind of question is for"
        elif "a_bit_short" in flags and len(flags) > THIN_FLAGS and overall > A_BIT_SHORT_CAP:
            overall, capped = A_BIT_SHORT_CAP, "a little short, and parts of the answer missing"
        serious = severity.serious_flags(flags)
        held = severity.cap(flags)
        flagged = _flagged_sentences(results)
        if held is not None and _mostly(flagged, parsed):
            held = (min(held[0], MOSTLY_FLAWED_CAP), held[1])
        if held is not None and overall > held[0]:
            overall, capped = held[0], held[1]
        off_topic = "off_topic" in flags
        sounds_like = next(
            (
                d.note.split("sounds like ", 1)[1].rstrip(".")
                for d in results
                if d.name == "relevance" and off_topic and "sounds like " in d.note
            ),
            None,
        )
        return Review(
            question_id=question.id,
            reviewer=self.name,
            scores=scores,
            overall=overall,
            flags=flags,
            strengths=[] if off_topic else _strengths(results, set(flagged), bool(serious)),
            main_fix=_main_fix(results, weights, serious),
            outline=outline.build(parsed, question, flagged),
            notes={d.name: d.note for d in results},
            stats=WordStats(
                words=parsed.word_count,
                seconds=parsed.seconds,
                target_seconds=question.target_seconds,
                top_words=tuple(wording.top_words(parsed)),
                fillers=tuple(wording.fillers(parsed)),
            ),
            capped=capped,
            flagged={
                flag: [s.text for s in parsed.sentences if flagged.get(s.index) == flag]
                for flag in dict.fromkeys(flagged.values())
            },
            serious=serious,
            sounds_like=sounds_like,
            details=tuple(results),
        )


def _relevance(
    answer: Answer, question: Question, results: list[DimensionResult]
) -> DimensionResult:
    """Evasion and off-topic answers: whether the answer takes on the question asked."""
    dodges = evasive_sentences(answer, money.applies(question))
    explained = {
        i for d in results for p in d.problems if p.flag in severity.SERIOUS for i in p.sentences
    } | {s.index for s in dodges}
    extra: list[Problem] = []
    if dodges:
        extra.append(
            Problem(
                "evasive",
                EVASION_COST,
                f"Answer it rather than dodge it: {quote(dodges[0].text, 80)} makes them wonder "
                "what is being hidden. One true, neutral sentence is enough, then move to what "
                "you did or learned; the interviewer moves on once you have answered.",
                tuple(s.index for s in dodges),
            )
        )
    checked = relevance.check(answer, question, explained)
    problems = tuple(extra) + checked.result.problems
    score = max(0, checked.result.score - sum(p.cost for p in extra))
    note = checked.result.note
    if checked.sounds_like and "sounds like" not in note:
        note += f" It sounds like {checked.sounds_like}."
    return DimensionResult("relevance", score, note, problems)


def _flagged_sentences(results: list[DimensionResult]) -> dict[int, str]:
    """Sentence index → the most serious flag it raised (serious before polish)."""
    flagged: dict[int, str] = {}
    for d in results:
        for p in d.problems:
            for i in p.sentences:
                current = flagged.get(i)
                if current is None or _rank(p.flag) < _rank(current):
                    flagged[i] = p.flag
    return dict(sorted(flagged.items()))


def _mostly(flagged: dict[int, str], answer: Answer) -> bool:
    serious = sum(1 for flag in flagged.values() if flag in severity.SERIOUS)
    return bool(answer.sentences) and serious * 2 >= len(answer.sentences)


def _rank(flag: str) -> int:
    return severity.RANK.get(flag, len(severity.RANK))


def _main_fix(
    results: list[DimensionResult], weights: dict[str, float], serious: list[str]
) -> MainFix | None:
    """The most serious flaw if there is one; else the problem that costs the most overall
    points (its cost times its dimension's weight), counting what the problems it causes
    cost too."""
    impact: dict[str, float] = {}
    found: dict[str, MainFix] = {}
    for d in results:
        for p in d.problems:
            impact[p.flag] = impact.get(p.flag, 0) + p.cost * weights[d.name]
            found.setdefault(p.flag, MainFix(p.flag, d.name, p.fix))
    for flag in serious:
        if flag in found:
            return found[flag]
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


def _strengths(results: list[DimensionResult], flagged: set[int], serious: bool) -> list[str]:
    """The most notable real strengths, at most one per dimension first, then any others.

    A strength quoting the member uses only a sentence that raised no flag; with a serious
    flaw, only such specific praise is kept (no "good length" for a blaming answer).
    """
    rendered: list[tuple[int, int, str]] = []
    for i, d in enumerate(results):
        for s in d.strengths:
            shown = _render(s, flagged)
            if shown is None or (serious and not s.quotes):
                continue
            rendered.append((s.weight, i, shown))
    ranked = sorted(rendered, key=lambda x: (-x[0], x[1]))
    chosen: list[str] = []
    seen_dims: set[int] = set()
    for _weight, dim, text in ranked:
        if dim not in seen_dims and len(chosen) < MAX_STRENGTHS and text not in chosen:
            chosen.append(text)
            seen_dims.add(dim)
    for _, _, text in ranked:
        if len(chosen) >= MAX_STRENGTHS:
            break
        if text not in chosen:
            chosen.append(text)
    return chosen


def _render(strength: Strength, flagged: set[int]) -> str | None:
    shown = strength.render(flagged)
    return shown[0] if shown is not None else None
