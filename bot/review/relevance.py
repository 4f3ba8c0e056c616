"""Relevance: does the answer address what the question asks, or something else entirely?

Each question declares in content the points an answer must address, each as concepts
(`bot/review/concepts.py`). A sentence is on topic when it carries a cue of a declared
concept. The answer is off topic when no point is touched, when nearly every sentence is
about something else, or when it is mostly about free time or home life.

Sentences that already raised another serious flag (a dodge, pay as the reason, a boast…)
are left out of this count: such an answer does respond to the question, badly, and the
serious flag says how. What an off-topic answer is about instead is named from the concept
families it does match ("a story about teamwork", "your hobbies and free time").
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

from bot.content.schema import AnswerPoint, Question
from bot.review import money, structure
from bot.review.concepts import CONCEPTS, OFF_TOPIC_ONLY, Concept
from bot.review.model import DimensionResult, Problem
from bot.review.text import Answer, Sentence
from bot.stems import stems

ON_TOPIC_SHARE = 0.34
"""Below this share of on-topic sentences (in an answer of `SHARE_FROM` sentences or more),
the answer is off topic even if a stray word touched a point, provided the other sentences
sound like a topic of their own: sentences that only tell a work story behind a point that
was made (the example behind a strength) are elaboration, not another subject."""
SHARE_FROM = 3
ASIDE_SHARE = 0.5
"""An answer whose sentences are this much about free time or home life is off topic when
nothing else in it is on topic, or when it never mentions work, study or volunteering at
all (a stray "grew" in a gardening story is not an example from work)."""
MISSING_COST = 10
SOUNDS_LIKE_MIN = 2
INSTEAD = (
    "leisure",
    "home_life",
    "teamwork",
    "conflict",
    "customer",
    "leadership",
    "setback",
    "weakness",
    "pay_figure",
    "departure",
    "gap_reason",
    "company",
    "industry",
    "strength",
    "workplace",
)
"""Families that can name what an answer is about instead, most telling first (on a tie);
`workplace`, the vaguest, last. Generic ones (an example, a result) name no topic."""
GENERIC = frozenset({"workplace", "outcome", "evidence", "experience"})
"""Concepts any answer about work touches ("at work", "in the end", "for example")."""
VAGUE_TOPICS = (CONCEPTS["workplace"].about,)
"""What stray sentences sound like when they only say "at work": elaboration of a point
(the story behind a strength, the reasoning behind a pay answer), not another topic."""


@dataclass(frozen=True)
class Relevance:
    result: DimensionResult
    sounds_like: str | None


def applies(question: Question) -> bool:
    return bool(question.addresses)


def _hits(concept: Concept, sentence: Sentence, sentence_stems: tuple[str, ...]) -> bool:
    if concept.questions_count and sentence.is_question:
        return True
    if concept.amounts_count and money.amounts(sentence.text):
        return True
    return concept.found_in(sentence_stems)


def point_sentences(answer: Answer, point: AnswerPoint) -> list[Sentence]:
    """The sentences that touch a declared point (any of its concepts)."""
    concepts = [CONCEPTS[c] for c in point.concepts if c in CONCEPTS]
    found = []
    for s in answer.sentences:
        st = stems(s.folded)
        if any(_hits(c, s, st) for c in concepts):
            found.append(s)
    return found


def _sounds_like(answer: Answer, question: Question, stray: list[Sentence]) -> str | None:
    declared = {c for p in question.addresses for c in p.concepts}
    counts: dict[str, int] = {}
    for s in stray:
        st = stems(s.folded)
        for name in INSTEAD:
            if name not in declared and _hits(CONCEPTS[name], s, st):
                counts[name] = counts.get(name, 0) + 1
    if not counts:
        return None
    needed = min(SOUNDS_LIKE_MIN, len(stray))
    best = max(INSTEAD, key=lambda c: (counts.get(c, 0), -INSTEAD.index(c)))
    return CONCEPTS[best].about if counts.get(best, 0) >= needed else None


def _first_point_missed(
    question: Question, touched: dict[int, list[Sentence]], explained: Set[int]
) -> bool:
    """Whether the question's own ask (its first declared point: the industry, a strength,
    what drives you) goes untouched while only generic points (an example, experience) are.
    The caller also wants the answer to sound like another topic: a family's cues can miss a
    good answer's words, and a wrong "off topic" costs more trust than a missed one.
    Story questions are left out: their first point is the generic "a real situation". So is
    an answer another serious flag explains (an illness told in detail is the reason for a gap,
    said badly): that flag says what is wrong."""
    first = question.addresses[0].concepts if question.addresses else []
    if not first or set(first) & GENERIC or explained:
        return False
    return not touched.get(0)


def _no_story_on_the_point(
    answer: Answer, question: Question, touched: dict[int, list[Sentence]], explained: Set[int]
) -> bool:
    """A story question answered with no story (nothing the member did, nothing that came of
    it) and without its own point (the change of plan, the team pulling together): a salary
    figure or a list of hobbies told to "Tell me about a time…" answers something else.
    A story told in the present tense ("I come in at four… every order goes out on time")
    may show no past-tense action, but its result still marks it as a story: the structure
    rules then ask for the action, which is the gentler and truer message."""
    if question.category != "behavioural" or explained:
        return False
    own = [i for i, p in enumerate(question.addresses) if not set(p.concepts) & GENERIC]
    if not own or any(touched.get(i) for i in own):
        return False
    return not any(
        structure.action_owner(s) or structure.cues(s)["result"] for s in answer.sentences
    )


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def check(answer: Answer, question: Question, explained: Set[int] = frozenset()) -> Relevance:
    """`explained`: sentences another serious flag already accounts for."""
    points = list(question.addresses)
    asks = any(CONCEPTS[c].questions_count for p in points for c in p.concepts if c in CONCEPTS)
    considered = [
        s for s in answer.sentences if s.index not in explained and (asks or not s.is_question)
    ]
    if len(explained) * 2 >= len(answer.sentences):
        considered = []  # mostly a dodge, a boast or the wrong reasons: that flag says it
    touched = {i: point_sentences(answer, p) for i, p in enumerate(points)}
    on_topic = {s.index for found in touched.values() for s in found}
    addressed = [i for i, found in touched.items() if any(s.index not in explained for s in found)]
    problems: list[Problem] = []
    sounds = None
    wants = _join([p.says for p in points])
    if considered:
        on = [s for s in considered if s.index in on_topic]
        stray = [s for s in considered if s.index not in on_topic]
        aside = [
            s
            for s in considered
            if any(CONCEPTS[c].found_in(stems(s.folded)) for c in OFF_TOPIC_ONLY)
        ]
        at_work = any(CONCEPTS["workplace"].found_in(stems(s.folded)) for s in considered)
        stray_aside = [s for s in aside if s.index not in on_topic]
        off = (
            not addressed
            or (
                len(considered) > 1
                and _first_point_missed(question, touched, explained)
                and _sounds_like(answer, question, considered) not in (None, *VAGUE_TOPICS)
            )
            or _no_story_on_the_point(answer, question, touched, explained)
            or (
                len(considered) >= SHARE_FROM
                and len(on) / len(considered) < ON_TOPIC_SHARE
                and _sounds_like(answer, question, stray) not in (None, *VAGUE_TOPICS)
            )
            or (
                len(considered) >= SHARE_FROM
                and len(stray_aside) / len(considered) >= ASIDE_SHARE
                and len(on) <= 1
            )
            or (
                len(considered) >= SHARE_FROM
                and len(aside) / len(considered) >= ASIDE_SHARE
                and not at_work
            )
        )
        if off:
            sounds = _sounds_like(answer, question, stray)
            instead = f"This sounds like an answer about {sounds}. " if sounds else ""
            problems.append(
                Problem(
                    "off_topic",
                    100,
                    f"Answer the question they asked. {instead}“{question.text}” is really "
                    f"asking for {wants}. Start with one sentence on {points[0].says}, then "
                    "build from there.",
                    tuple(s.index for s in answer.sentences),
                )
            )
    if not problems and answer.sentences and not explained:
        spoken = [i for i, found in touched.items() if found]
        missing = [p.says for i, p in enumerate(points) if i not in spoken]
        covered = [p.says for i, p in enumerate(points) if i in spoken]
        if missing and covered:
            problems.append(
                Problem(
                    "misses_point",
                    MISSING_COST * len(missing),
                    f"Cover the whole question: you spoke to {_join(covered)}, but not "
                    f"{_join(missing)}. Add a sentence on that.",
                )
            )
    score = max(0, 100 - sum(p.cost for p in problems))
    if not answer.sentences:
        note = "Nothing to check yet."
    elif problems and problems[0].flag == "off_topic":
        note = "Off topic" + (f": sounds like {sounds}." if sounds else ".")
    else:
        note = f"Addresses {len(addressed)} of {len(points)}: {wants}."
    return Relevance(DimensionResult("relevance", score, note, tuple(problems)), sounds)
