"""Ranked, typo-tolerant tip search over title, topic, tags and body.

Scoring is a small BM25-flavoured sum: each query word counts by how rare it is
across tips, weighted by the best field it appears in. Misspelt words are mapped
to the closest known word; a topic's `phrases` (how people really ask) give the
whole topic a strong boost when they appear in the question.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.content.schema import Tip, Topic
from bot.text import fold

FIELD_WEIGHTS = {"title": 3.0, "tags": 2.5, "topic": 2.0, "body": 1.0}
PHRASE_BONUS = 6.0
MIN_SCORE = 1.2
QUERY_CHARS = 300

STOPWORDS = frozenset(
    """a about after am an and any are as at be been being but by can could did do does
    doing for from get got had has have how i if in into is it its just me my now of on
    or our please should so some than that the their them then there they this to up us
    very was we were what when where which who why will with would you your tip tips
    im ive ill id dont didnt cant isnt wont doesnt think just really also maybe""".split()
)

# Spellings and near-synonyms people use for the same thing.
EQUIVALENTS = {
    "resume": "cv",
    "cvs": "cv",
    "thanks": "thank",
    "thankyou": "thank",
    "salary": "pay",
    "wage": "pay",
    "compensation": "pay",
    "money": "pay",
    "dismissed": "fired",
    "terminated": "fired",
    "sacked": "fired",
    "networking": "network",
}


def stem(word: str) -> str:
    """A deliberately small stemmer: enough to match 'notes'/'note', 'hired'/'hire'."""
    word = EQUIVALENTS.get(word, word)
    for suffix, replacement, min_len in (
        ("ies", "y", 5),
        ("ing", "", 6),
        ("ed", "", 5),
        ("es", "", 6),
        ("s", "", 4),
    ):
        if word.endswith(suffix) and len(word) >= min_len and not word.endswith("ss"):
            return word[: -len(suffix)] + replacement
    return word


def terms(text: str) -> list[str]:
    return [stem(w) for w in fold(text).split() if w not in STOPWORDS]


@dataclass(frozen=True)
class Hit:
    tip: Tip
    score: float


class TipIndex:
    """Built once per content load; `search` is pure and deterministic."""

    def __init__(self, tips: tuple[Tip, ...], topics: tuple[Topic, ...]) -> None:
        self._tips = tips
        topic_text = {t.id: f"{t.id.replace('-', ' ')} {t.title}" for t in topics}
        self._phrases: list[tuple[str, str]] = [
            (f" {fold(p)} ", t.id) for t in topics for p in (*t.phrases, t.title)
        ]
        self._fields: list[dict[str, set[str]]] = []
        df: dict[str, int] = defaultdict(int)
        for tip in tips:
            fields = {
                "title": set(terms(tip.title)),
                "tags": set(terms(" ".join(tip.tags))),
                "topic": set(terms(topic_text.get(tip.topic, tip.topic))),
                "body": set(terms(f"{tip.body} {tip.try_this or ''}")),
            }
            self._fields.append(fields)
            for term in set().union(*fields.values()):
                df[term] += 1
        n = max(len(tips), 1)
        self._idf = {term: math.log(1 + n / count) for term, count in df.items()}
        self._vocab = sorted(self._idf)

    def search(self, query: str) -> list[Hit]:
        """Tips ranked best first; empty when nothing matches well enough."""
        query = query[:QUERY_CHARS]
        folded = f" {fold(query)} "
        scores = [0.0] * len(self._tips)
        for term, weight in self._resolve(terms(query)):
            idf = self._idf[term]
            for i, fields in enumerate(self._fields):
                best = max((FIELD_WEIGHTS[f] for f, ts in fields.items() if term in ts), default=0)
                scores[i] += weight * idf * best
        boosted = {topic for phrase, topic in self._phrases if phrase in folded}
        for i, tip in enumerate(self._tips):
            if tip.topic in boosted:
                scores[i] += PHRASE_BONUS
        ranked = sorted(
            (Hit(tip, score) for tip, score in zip(self._tips, scores, strict=True)),
            key=lambda h: -h.score,
        )
        return [h for h in ranked if h.score >= MIN_SCORE]

    def _resolve(self, query_terms: list[str]) -> list[tuple[str, float]]:
        """Known words as they are; unknown ones mapped to the closest known word."""
        resolved: list[tuple[str, float]] = []
        for term in dict.fromkeys(query_terms):
            if term in self._idf:
                resolved.append((term, 1.0))
            elif len(term) >= 5:
                match = process.extractOne(term, self._vocab, scorer=fuzz.ratio, score_cutoff=78)
                if match:
                    resolved.append((match[0], match[1] / 100))
        return resolved
