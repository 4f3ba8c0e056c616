"""Which label (tip topic, out of scope...) a message belongs to, and how sure we are.

The model is deliberately small and trained in milliseconds at start-up, so a club
that adds phrasings to its content gets them used on the next start, with no
build step and nothing fetched:

- every example (a phrasing, a tip title, a topic summary) becomes a TF-IDF vector
  over the features of `words.Vocabulary` (stems, concepts, stem pairs). A
  feature's weight is how few *labels* use it, so "interview", which every topic
  uses, counts for little and "referee" counts for a lot;
- a label's score blends two linear views of the same vectors: the cosine to the
  label's centroid (what the label is about overall) and the mean cosine to the
  label's nearest examples (a phrasing that closely fits). The out-of-scope label
  (`none_label`) is scored by its nearest examples alone: it holds unrelated
  subjects, so only a close example means anything;
- words the matcher has never seen stay in the message's vector length (twice as
  heavy as its rarest known word), so "is it going to rain tomorrow" scores low
  everywhere instead of latching onto "tomorrow";
- a naive Bayes vote over the same features scales each topic's score by how
  probable the topic is given *every* known feature of the message together. The
  similarities above are driven by the few heaviest features, so one rare word
  ("interviewer") can pull a message towards a topic the rest of its words never
  appear in; the vote, which multiplies the evidence of all its words, catches
  that. It multiplies rather than adds so a score never grows past its similarity
  and the decision thresholds keep their meaning.

`decide` turns scores into an honest answer: a clear winner, a short list to
choose from, or nothing.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot.understanding.words import Vocabulary, plain_words

QUERY_CHARS = 600
"""Longer messages are cut: the gist of a worried paragraph is in its first lines."""


@dataclass(frozen=True)
class Example:
    """A text known to belong to `label`; `weight` < 1 for looser evidence (tip bodies)."""

    label: str
    text: str
    weight: float = 1.0


@dataclass(frozen=True)
class Thresholds:
    """Where a score becomes an answer. Tuned on the train and dev splits only
    (`bench/tip_eval.py --tune`); see bench/README.md for the figures."""

    answer: float = 0.2
    """The best label's score needed to answer outright..."""
    ratio: float = 0.75
    """...with the runner-up scoring at most this share of it. A ratio separated right
    from wrong answers better on dev than a fixed gap, because scores of short and long
    messages live on different scales."""
    suggest: float = 0.06
    """Below this nothing matches: say so instead of guessing."""
    out_ratio: float = 0.8
    """Answer only when the out-of-scope class scores at most this share of the best
    topic: a question that looks as much like "write my CV for me" as like a tip topic
    is not answered with a tip."""
    none_ratio: float = 0.5
    """When the out-of-scope class scores highest, the best topic is still offered
    ("Did you mean...") unless it scores at most this share of it; then "no tip on
    that". Apart from `ratio` so that answering more readily does not also turn more
    near misses into no match."""
    knn_share: float = 0.5
    """Weight of the nearest examples against the centroid in a label's score."""
    neighbours: int = 3
    """How many of a label's nearest examples are averaged."""
    out_neighbours: int = 2
    """The same for the out-of-scope class, scored by its nearest examples only: it is a
    grab-bag of unrelated subjects (weather, benefits, recipes), so its centroid says
    nothing, but one close out-of-scope example says a lot."""
    unknown_weight: float = 2.0
    """How much an unknown word counts in the message's length, relative to the
    rarest known feature."""
    vote_share: float = 0.5
    """How much the naive Bayes vote scales a topic's score: score x (1 - share +
    share x P(topic | words)). 0 turns the vote off (the practice-question matcher,
    whose labels have one or two examples each)."""
    vote_smoothing: float = 0.1
    """Additive smoothing of the vote's per-label feature counts: small, because a
    label that never uses a word should lose much of its vote over it."""


@dataclass(frozen=True)
class Verdict:
    """The matcher's reading of a message.

    `kind` is "answer" (one label is clearly best), "unsure" (show `candidates`) or
    "none" (no label fits). `ranked` holds every label with a score, best first.
    """

    kind: Literal["answer", "unsure", "none"]
    ranked: tuple[tuple[str, float], ...]
    candidates: tuple[str, ...] = ()

    @property
    def best(self) -> str | None:
        return self.ranked[0][0] if self.ranked else None


class Matcher:
    """A label for a message. `none_label` marks examples that no label answers."""

    def __init__(
        self,
        examples: Iterable[Example],
        vocabulary: Vocabulary,
        *,
        none_label: str | None = None,
        thresholds: Thresholds | None = None,
    ) -> None:
        self.vocabulary = vocabulary
        self.none_label = none_label
        self.thresholds = thresholds or Thresholds()
        examples = list(examples)
        for ex in examples:
            vocabulary.learn(plain_words(ex.text))
        raw = [(ex, Counter(vocabulary.features(ex.text)[0])) for ex in examples]
        labels_using: dict[str, set[str]] = defaultdict(set)
        for ex, feats in raw:
            for f in feats:
                labels_using[f].add(ex.label)
        n_labels = max(len({ex.label for ex in examples}), 1)
        self._idf = {f: math.log(1 + n_labels / len(ls)) for f, ls in labels_using.items()}
        self._unknown_idf = math.log(1 + n_labels)
        self.labels: tuple[str, ...] = tuple(dict.fromkeys(ex.label for ex in examples))
        # Inverted indexes: feature -> [(example, weight)] and feature -> {label: weight}.
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._example_label: list[str] = []
        self._example_weight: list[float] = []
        centroids: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for ex, feats in raw:
            vector = self._vector(feats, count_unknown=False)
            if not vector:
                continue
            index = len(self._example_label)
            self._example_label.append(ex.label)
            self._example_weight.append(ex.weight)
            for f, w in vector.items():
                self._postings[f].append((index, w))
                centroids[ex.label][f] += w * ex.weight
        self._centroid: dict[str, dict[str, float]] = defaultdict(dict)
        for label, vec in centroids.items():
            norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
            for f, v in vec.items():
                self._centroid[f][label] = v / norm
        # The vote's evidence: in how many (weighted) examples of each label a feature
        # occurs. The out-of-scope class takes no part: it has no typical words.
        self._occurs: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self._label_mass: dict[str, float] = defaultdict(float)
        for ex, feats in raw:
            if ex.label == none_label or not feats:
                continue
            self._label_mass[ex.label] += ex.weight
            for f in feats:
                self._occurs[f][ex.label] += ex.weight

    def _vector(self, feats: Counter[str], *, count_unknown: bool) -> dict[str, float]:
        """L2-normalised TF-IDF; unknown features only lengthen the vector."""
        weights: dict[str, float] = {}
        unknown = 0.0
        for f, count in feats.items():
            tf = 1.0 + math.log(count)
            idf = self._idf.get(f)
            if idf is None:
                if count_unknown and not f.startswith("~") and "+" not in f:
                    unknown += (tf * self._unknown_idf * self.thresholds.unknown_weight) ** 2
                continue
            weights[f] = tf * idf
        norm = math.sqrt(sum(w * w for w in weights.values()) + unknown)
        return {f: w / norm for f, w in weights.items()} if norm else {}

    def rank(self, text: str, thresholds: Thresholds | None = None) -> list[tuple[str, float]]:
        """Every label that shares a feature with `text`, with its score, best first."""
        feats, _ = self.vocabulary.features(text[:QUERY_CHARS])
        query = self._vector(Counter(feats), count_unknown=True)
        if not query:
            return []
        th = thresholds or self.thresholds
        centroid: dict[str, float] = defaultdict(float)
        sims: dict[int, float] = defaultdict(float)
        for f, w in query.items():
            for label, cw in self._centroid.get(f, {}).items():
                centroid[label] += w * cw
            for index, ew in self._postings.get(f, ()):
                sims[index] += w * ew
        nearest: dict[str, list[float]] = defaultdict(list)
        for index, sim in sims.items():
            nearest[self._example_label[index]].append(sim * self._example_weight[index])
        vote = self._vote(query, th) if th.vote_share else {}
        scores = []
        for label in set(centroid) | set(nearest):
            if label == self.none_label:
                top = sorted(nearest.get(label, ()), reverse=True)[: th.out_neighbours]
                scores.append((label, sum(top) / th.out_neighbours if top else 0.0))
                continue
            top = sorted(nearest.get(label, ()), reverse=True)[: th.neighbours]
            knn = sum(top) / th.neighbours if top else 0.0
            score = th.knn_share * knn + (1 - th.knn_share) * centroid[label]
            if vote:
                score *= 1 - th.vote_share + th.vote_share * vote.get(label, 0.0)
            scores.append((label, score))
        scores.sort(key=lambda item: (-item[1], item[0]))
        return scores

    def _vote(self, query: dict[str, float], th: Thresholds) -> dict[str, float]:
        """P(label | the message's known features) under naive Bayes, each feature
        counted once (members rarely repeat a word to stress it)."""
        alpha = th.vote_smoothing
        spread = alpha * len(self._idf)
        logp = {
            label: -len(query) * math.log(mass + spread) for label, mass in self._label_mass.items()
        }
        for f in query:
            occurs = self._occurs.get(f, {})
            for label in logp:
                logp[label] += math.log(occurs.get(label, 0.0) + alpha)
        if not logp:
            return {}
        top = max(logp.values())
        odds = {label: math.exp(v - top) for label, v in logp.items()}
        total = sum(odds.values())
        return {label: v / total for label, v in odds.items()}

    def decide(self, text: str, thresholds: Thresholds | None = None) -> Verdict:
        """Answer, ask, or admit there is nothing: never a confident guess."""
        th = thresholds or self.thresholds
        return self.judge(self.rank(text, th), th)

    def judge(
        self, ranked: list[tuple[str, float]], thresholds: Thresholds | None = None
    ) -> Verdict:
        """The verdict on scores from `rank` (split out so thresholds can be tuned
        without ranking again)."""
        th = thresholds or self.thresholds
        topics = tuple((label, score) for label, score in ranked if label != self.none_label)
        out_score = next((s for label, s in ranked if label == self.none_label), 0.0)
        if not topics or topics[0][1] < th.suggest:
            return Verdict("none", topics)
        best, score = topics[0]
        runner_up = topics[1][1] if len(topics) > 1 else 0.0
        if out_score >= score:
            if score <= th.none_ratio * out_score:
                return Verdict("none", topics)
            return Verdict("unsure", topics, _candidates(topics))
        if (
            score >= th.answer
            and runner_up <= th.ratio * score
            and out_score <= th.out_ratio * score
        ):
            return Verdict("answer", topics, (best,))
        return Verdict("unsure", topics, _candidates(topics))


def _candidates(topics: tuple[tuple[str, float], ...]) -> tuple[str, ...]:
    """Two choices, or three when the third is nearly as likely as the second."""
    chosen = [label for label, _ in topics[:2]]
    if len(topics) > 2 and topics[2][1] >= 0.75 * topics[1][1]:
        chosen.append(topics[2][0])
    return tuple(chosen)
