"""The answer reviewer: a replaceable component behind the `Reviewer` protocol.

`RuleReviewer` (the default) is deterministic and offline: one small module per
dimension, each with `applies(question)` and `check(answer, question)`, and the word
lists as data in `wordlists.py`. Every point lost is a `Problem` with a short flag and
the coach's advice, so each score can be explained.

| dimension | applies to | looks at |
| --- | --- | --- |
| length | every question | words, speaking time at 150 wpm vs `target_seconds` |
| structure | story and evidence questions | CCAR parts, concrete result, why it mattered, I vs we |
| framing | every question | negative words, blame, private details, apologies |
| confidence | every question | superlatives, claims without evidence, hedging |
| plain_language | `non_technical_audience` | jargon density, unexplained acronyms |
| sensitive | `sensitive` | brief, positive, straight, ends with a question back |
| money | `money` | a range not one number, research behind it, flexibility |
| motivation | not `money` | pay, nearness, "any job" as the reason; flattery |
| relevance | every question | the points the question declares; evasion |
| wording | every question | filler words, one word said too often |

`overall` is the weighted mean of the dimensions that apply (weights in `rules.py`),
capped for answers far shorter than the target and for serious flaws (`severity.py`:
off topic, blame, arrogance, evasion, oversharing, self-centred or flattering reasons, one
salary figure, in that order). The main fix is the most serious flaw, else the problem
costing the most points (cost × weight, a root cause taking the points of what it causes).
Strengths and the outline quote only the member's own words, and never a sentence that
raised a flag; `coherence.py` checks that from outside (no praise beside the flag that denies
it), for bench/eval_review.py and the tests. docs/practice.md has the whole picture.

A model-based reviewer would implement `async review(question, answer) -> Review` and
be passed to the practice feature: `Practice(reviewer=...)`.
"""

from bot.review.model import (
    DIMENSION_TITLES,
    FLAG_FAMILIES,
    FLAG_LABELS,
    DimensionResult,
    MainFix,
    OutlineStep,
    Problem,
    Review,
    Reviewer,
    Strength,
    WordStats,
)
from bot.review.rules import RuleReviewer

__all__ = [
    "DIMENSION_TITLES",
    "FLAG_FAMILIES",
    "FLAG_LABELS",
    "DimensionResult",
    "MainFix",
    "OutlineStep",
    "Problem",
    "Review",
    "Reviewer",
    "RuleReviewer",
    "Strength",
    "WordStats",
]
