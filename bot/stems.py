"""Word stems, so one cue covers a word family: "weakness", "weaker" and "weak" all count.

Shared by the answer reviewer (`stem`, with irregular forms) and the `/tip` matcher
(`snowball`, the plain stemmer its phrasings and thresholds were tuned with), so the
project keeps one stemmer and one cache.

The Snowball English stemmer (pure Python, nothing to download) does the suffix work; a few
irregular forms people use in answers are mapped first, since no stemmer joins "led" to
"lead" or "taught" to "teach".
"""

from __future__ import annotations

from functools import lru_cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")
IRREGULAR = {
    "led": "lead",
    "taught": "teach",
    "thought": "think",
    "brought": "bring",
    "bought": "buy",
    "built": "build",
    "ran": "run",
    "made": "make",
    "took": "take",
    "gave": "give",
    "went": "go",
    "gone": "go",
    "wrote": "write",
    "written": "write",
    "spoke": "speak",
    "spoken": "speak",
    "grew": "grow",
    "grown": "grow",
    "chose": "choos",
    "chosen": "choos",
    "fell": "fall",
    "rose": "rise",
    "paid": "pay",
    "earnt": "earn",
    "learnt": "learn",
    "better": "better",
    "best": "best",
    "worse": "wors",
    "worst": "worst",
    "left": "leav",
    "felt": "feel",
    "kept": "keep",
    "met": "meet",
    "found": "find",
    "told": "tell",
    "sold": "sell",
    "heard": "hear",
    "saw": "see",
    "seen": "see",
    "children": "child",
    "people": "peopl",
}


@lru_cache(maxsize=20000)
def snowball(word: str) -> str:
    """Snowball's English stem of one folded word, cached: members reuse the same words."""
    return _STEMMER.stemWord(word)


def stem(word: str) -> str:
    """The stem of one folded word (lower case, no punctuation), irregular forms joined."""
    return IRREGULAR.get(word) or snowball(word)


def stems(folded: str) -> tuple[str, ...]:
    """The stems of every word in folded text, in order."""
    return tuple(stem(w) for w in folded.split())
