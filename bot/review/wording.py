"""Most-used words and filler words."""

from __future__ import annotations

import re
from collections import Counter

from bot.content.schema import Question
from bot.review import wordlists as wl
from bot.review.model import DimensionResult, Praise, Problem, Strength
from bot.review.text import Answer, counts

FILLER_PENALTY = 10
"""Points off per filler word per 100 words."""
FILLER_FLAG_RATE = 3.0
FILLER_FLAG_MIN = 3
REPEAT_MIN, REPEAT_SHARE = 5, 0.04
REPEAT_COST_PER_SHARE, REPEAT_MAX = 200, 60
"""Repetition costs 200 points per unit share of the most used word (5% costs 10)."""
STRENGTH_MIN_WORDS = 40
"""Below this, having no fillers says little: it is not offered as a strength."""
_LIKE_FILLER = re.compile(r"(?i)(?<![a-z])like,|,\s*like(?![a-z])")


NO_FILLERS = Praise("No filler words: it reads like a prepared answer.", frozenset({"fillers"}))
PRAISES = (NO_FILLERS,)


def applies(question: Question) -> bool:
    return True


def fillers(answer: Answer) -> list[tuple[str, int]]:
    """Filler words and how often each came up, most frequent first."""
    found = counts(answer.folded, wl.FILLERS)
    found["like"] = len(_LIKE_FILLER.findall(answer.raw))
    return sorted(((w, n) for w, n in found.items() if n), key=lambda x: (-x[1], x[0]))


def top_words(answer: Answer, limit: int = 3) -> list[tuple[str, int]]:
    """The most used content words said more than once (no small words), ties alphabetical."""
    counts = Counter(
        w for w in answer.words if len(w) > 2 and w not in wl.STOPWORDS and w not in wl.FILLERS
    )
    repeated = [(w, n) for w, n in counts.items() if n > 1]
    return sorted(repeated, key=lambda x: (-x[1], x[0]))[:limit]


def check(answer: Answer, question: Question) -> DimensionResult:
    problems: list[Problem] = []
    strengths: list[Strength] = []
    words = max(1, answer.word_count)
    filler = fillers(answer)
    total = sum(n for _, n in filler)
    rate = total * 100 / words
    score = 100 - round(rate * FILLER_PENALTY)
    if total >= FILLER_FLAG_MIN and rate >= FILLER_FLAG_RATE:
        shown = ", ".join(f"“{w}” ×{n}" for w, n in filler[:3])
        problems.append(
            Problem(
                "fillers",
                100 - max(0, score),
                f"Cut the filler words ({shown}). Said aloud they make a prepared answer sound "
                "unsure; a short pause does the same job and sounds calm.",
            )
        )
    top = top_words(answer)
    if top and top[0][1] >= REPEAT_MIN and top[0][1] / words >= REPEAT_SHARE:
        word, n = top[0]
        cost = min(REPEAT_MAX, round(REPEAT_COST_PER_SHARE * n / words))
        problems.append(
            Problem(
                "repetition",
                cost,
                f"You said “{word}” {n} times; vary it or cut some, so the listener hears "
                "new information in each sentence.",
            )
        )
        score -= cost
    if total == 0 and answer.word_count >= STRENGTH_MIN_WORDS:
        strengths.append(Strength(2, NO_FILLERS.lead))
    note = "Most used: " + (", ".join(f"{w} ×{n}" for w, n in top) or "nothing yet")
    note += "; fillers: " + (", ".join(f"{w} ×{n}" for w, n in filler[:4]) or "none") + "."
    return DimensionResult(
        "wording", max(0, min(100, score)), note, tuple(problems), tuple(strengths)
    )
