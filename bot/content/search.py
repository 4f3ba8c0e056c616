"""From a member's words to content: which tip topic (or practice question) they mean.

Two steps, because they answer different questions:

1. *Which topic?* The shared matcher (`bot.understanding`) reads the message and
   says "this topic", "one of these" or "none of them". It learns from the topics'
   phrases, the club's training phrasings (`content/phrasings.yaml`), the tips'
   titles and tags, and the questions no tip answers.
2. *Which tip in it?* A small field-weighted word search ranks that topic's tips,
   so "salary" and "pay gap" pick different money tips.

Everything is built once per content load, in a few milliseconds; searching is
pure and deterministic.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from bot.content.schema import Category, Question, SynonymGroup, Tip, Topic, TopicPhrasings
from bot.understanding import Example, Matcher, Thresholds, Verdict, Vocabulary
from bot.understanding.words import STOPWORDS, plain_words
from bot.understanding.words import stem as _snowball_stem

if TYPE_CHECKING:
    from bot.content.loader import Library

OUT_OF_SCOPE = "out-of-scope"
"""The label of questions no tip answers (a pseudo-topic the matcher can pick)."""

FIELD_WEIGHTS = {"title": 3.0, "tags": 2.5, "body": 1.0}

# How much each kind of text tells the matcher about its topic. Tip bodies are left out:
# on dev they changed no answer and doubled the time to build the index.
WEIGHT_PHRASING = 1.0
WEIGHT_TITLE = 1.0
WEIGHT_SUMMARY = 0.6
WEIGHT_TIP_TITLE = 0.7
WEIGHT_TIP_TAGS = 0.5

QUESTION_NAMED = 0.45
"""A practice question scoring this much is what the member asked for, whatever the topic."""
QUESTION_FITS = 0.2
"""Within the categories the topic points to, a question scoring this much is picked."""


def terms(text: str) -> list[str]:
    """Content-word stems, for ranking tips inside a topic."""
    return [_snowball_stem(w) for w in plain_words(text) if w not in STOPWORDS]


@dataclass(frozen=True)
class Hit:
    tip: Tip
    score: float


@dataclass(frozen=True)
class TipMatch:
    """What the words found: the matcher's verdict and, when it answers, the topic's tips
    ranked best first."""

    verdict: Verdict
    hits: list[Hit] = field(default_factory=list)

    @property
    def topic(self) -> str | None:
        return self.verdict.best if self.verdict.kind == "answer" else None


class TipIndex:
    """Built on first use from one content load; `match` and `practice_choice` are pure.

    Building takes about 0.1 s (mostly stemming every word the content uses), so it
    happens on the first search rather than at start-up: commands that never search
    (and every test that doesn't) don't pay for it.
    """

    def __init__(
        self,
        tips: tuple[Tip, ...],
        topics: tuple[Topic, ...],
        *,
        phrasings: tuple[TopicPhrasings, ...] = (),
        out_of_scope: tuple[str, ...] = (),
        synonyms: tuple[SynonymGroup, ...] = (),
        questions: tuple[Question, ...] = (),
        categories: tuple[Category, ...] = (),
        thresholds: Thresholds | None = None,
    ) -> None:
        self._tips = tips
        self._topic_list = topics
        self._topics = {t.id: t for t in topics}
        self._categories = {c.id: c for c in categories}
        self._questions = {q.id: q for q in questions}
        self._sources = (phrasings, out_of_scope, synonyms, thresholds)

    @cached_property
    def vocabulary(self) -> Vocabulary:
        return Vocabulary(g.words for g in self._sources[2])

    @cached_property
    def matcher(self) -> Matcher:
        phrasings, out_of_scope, _, thresholds = self._sources
        return Matcher(
            _topic_examples(self._tips, self._topic_list, phrasings, out_of_scope),
            self.vocabulary,
            none_label=OUT_OF_SCOPE,
            thresholds=thresholds,
        )

    @cached_property
    def _question_matcher(self) -> Matcher:
        # Practice questions are few and short, so most words of a request are unknown to
        # this matcher: they count once in its length, not twice as for tip topics. With
        # one or two examples per question, a vote of word counts says nothing: off.
        return Matcher(
            _question_examples(tuple(self._questions.values())),
            self.vocabulary,
            thresholds=Thresholds(unknown_weight=1.0, vote_share=0.0),
        )

    @cached_property
    def _tip_fields(self) -> tuple[list[dict[str, set[str]]], dict[str, float]]:
        fields = [
            {
                "title": set(terms(tip.title)),
                "tags": set(terms(" ".join(t.replace("-", " ") for t in tip.tags))),
                "body": set(terms(f"{tip.body} {tip.try_this or ''}")),
            }
            for tip in self._tips
        ]
        df: dict[str, int] = defaultdict(int)
        for found in fields:
            for term in set().union(*found.values()):
                df[term] += 1
        n = max(len(self._tips), 1)
        return fields, {term: math.log(1 + n / count) for term, count in df.items()}

    def warm(self) -> None:
        """Build everything now (benchmarks, or a server that prefers to pay at start)."""
        _ = self.matcher, self._question_matcher, self._tip_fields

    @classmethod
    def for_library(cls, library: Library, thresholds: Thresholds | None = None) -> TipIndex:
        return cls(
            library.tips,
            library.topics,
            phrasings=library.phrasings,
            out_of_scope=library.out_of_scope,
            synonyms=library.synonyms,
            questions=library.questions,
            categories=library.categories,
            thresholds=thresholds,
        )

    def understand(self, query: str, thresholds: Thresholds | None = None) -> Verdict:
        """Which topic the words mean: an answer, two or three candidates, or none."""
        verdict = self.matcher.decide(query, thresholds)
        known = tuple((t, s) for t, s in verdict.ranked if t in self._topics)
        candidates = tuple(t for t in verdict.candidates if t in self._topics)
        return Verdict(verdict.kind, known, candidates)

    def match(self, query: str, thresholds: Thresholds | None = None) -> TipMatch:
        verdict = self.understand(query, thresholds)
        if verdict.kind != "answer" or verdict.best is None:
            return TipMatch(verdict)
        return TipMatch(verdict, self.rank_tips(query, verdict.best))

    def rank_tips(self, query: str, topic_id: str) -> list[Hit]:
        """The topic's tips, those sharing the most (and rarest) words with `query` first;
        ties keep the library's order."""
        wanted = set(terms(query[:600]))
        all_fields, idf = self._tip_fields
        hits = []
        for tip, fields in zip(self._tips, all_fields, strict=True):
            if tip.topic != topic_id:
                continue
            score = 0.0
            for term in wanted:
                weight = max(
                    (FIELD_WEIGHTS[f] for f, ts in fields.items() if term in ts), default=0
                )
                score += weight * idf.get(term, 0.0)
            hits.append(Hit(tip, score))
        return sorted(hits, key=lambda h: -h.score)

    def practice_choice(self, query: str) -> Question | Category | None:
        """The practice question the words name, else the category their topic points to.

        `/practice why was I sacked` finds the question about being let go; `/practice
        nerves before the panel` has no such question but reaches a category through
        the nerves topic; words that fit nothing give None.
        """
        ranked = [
            (self._questions[q], s)
            for q, s in self._question_matcher.rank(query)
            if q in self._questions
        ]
        if ranked and ranked[0][1] >= QUESTION_NAMED:
            return ranked[0][0]
        verdict = self.understand(query)
        topics = verdict.candidates if verdict.kind != "none" else ()
        wanted = [c for t in topics for c in self._topics[t].practice if c in self._categories]
        if wanted:
            fitting = [(q, s) for q, s in ranked if q.category in wanted and s >= QUESTION_FITS]
            if fitting and verdict.kind == "answer":
                return fitting[0][0]
            if verdict.kind == "answer":
                return self._categories[wanted[0]]
        if ranked and ranked[0][1] >= QUESTION_FITS:
            return ranked[0][0]
        return None


def _topic_examples(
    tips: tuple[Tip, ...],
    topics: tuple[Topic, ...],
    phrasings: tuple[TopicPhrasings, ...],
    out_of_scope: tuple[str, ...],
) -> list[Example]:
    examples: list[Example] = []
    for topic in topics:
        examples.append(Example(topic.id, topic.title, WEIGHT_TITLE))
        examples.append(Example(topic.id, topic.summary, WEIGHT_SUMMARY))
        examples.extend(Example(topic.id, p, WEIGHT_PHRASING) for p in topic.phrases)
    for entry in phrasings:
        examples.extend(Example(entry.topic, text, WEIGHT_PHRASING) for text in entry.say)
    for tip in tips:
        examples.append(Example(tip.topic, tip.title, WEIGHT_TIP_TITLE))
        examples.append(
            Example(tip.topic, " ".join(t.replace("-", " ") for t in tip.tags), WEIGHT_TIP_TAGS)
        )
    examples.extend(Example(OUT_OF_SCOPE, text) for text in out_of_scope)
    return examples


def _question_examples(questions: tuple[Question, ...]) -> list[Example]:
    examples: list[Example] = []
    for q in questions:
        examples.append(Example(q.id, q.text))
        examples.append(Example(q.id, q.id.replace("-", " "), 0.8))
    return examples
