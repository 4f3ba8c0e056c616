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
| wording | every question | filler words, one word said too often |

`overall` is the weighted mean of the dimensions that apply (weights in `rules.py`),
capped for answers far shorter than the target. The main fix is the problem costing
the most points (cost × weight, a root cause taking the points of what it causes);
strengths and the outline quote only the member's own words.

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
