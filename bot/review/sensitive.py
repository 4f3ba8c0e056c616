"""Sensitive questions: brief, straight, positive, and ending by refocusing with a question."""

from __future__ import annotations

from bot.content.schema import Question
from bot.review import wordlists as wl
from bot.review.evasion import evasive_sentences
from bot.review.framing import blaming
from bot.review.length import FULL_FROM, ratio
from bot.review.model import DimensionResult, Praise, Problem, Strength
from bot.review.text import Answer, Sentence, hits, plural, quote

BRIEF, POSITIVE, REFOCUS, STRAIGHT = 25, 30, 35, 10
BRIEF_UNTIL = 0.9
"""Up to this share of the target length counts as brief."""
FAIRLY_BRIEF_UNTIL = 1.2


BRIEF_PRAISE = Praise(
    "Brief: ", frozenset({"not_brief", "too_long", "a_bit_long", "too_short", "a_bit_short"})
)
REFOCUSED = Praise(
    "You ended by turning the talk back to them: ", frozenset({"no_refocus", "refocus_not_last"})
)
TRUTHFUL = Praise(
    "Positive and truthful in tone: ", frozenset({"blame", "negative", "not_positive"})
)
PRAISES = (BRIEF_PRAISE, REFOCUSED, TRUTHFUL)


def applies(question: Question) -> bool:
    return "sensitive" in question.flags


def refocus_question(answer: Answer) -> Sentence | None:
    """The member's own question about the role or the team, if they asked one."""
    for s in reversed(answer.sentences):
        if s.is_question and hits(s.folded, wl.REFOCUS_WORDS):
            return s
    return None


def positive_sentences(answer: Answer) -> list[Sentence]:
    return [
        s
        for s in answer.sentences
        if hits(s.folded, wl.POSITIVE)
        and not blaming(s)
        and not hits(s.folded, wl.NEGATIVE)
        and not hits(s.folded, wl.COCKY)
    ]


def check(answer: Answer, question: Question) -> DimensionResult:
    problems: list[Problem] = []
    strengths: list[Strength] = []
    score = 0
    r = ratio(answer, question)
    if r <= BRIEF_UNTIL:
        score += BRIEF
        if r >= FULL_FROM:  # shorter is "too short" (length), not a strength to praise
            strengths.append(
                Strength(
                    3,
                    f"{BRIEF_PRAISE.lead}{plural(answer.word_count, 'word')}, so the awkward "
                    "part doesn't linger.",
                )
            )
    else:
        part = BRIEF // 2 if r <= FAIRLY_BRIEF_UNTIL else 0
        score += part
        problems.append(
            Problem(
                "not_brief",
                BRIEF - part,
                "Keep it brief. On a sensitive question every extra sentence keeps them on "
                "the liability; one or two sentences of fact, one of what you did about it, "
                "then hand the conversation back.",
            )
        )

    negative = bool(hits(answer.folded, wl.NEGATIVE)) or any(blaming(s) for s in answer.sentences)
    positive = positive_sentences(answer)
    if positive and not negative:
        score += POSITIVE
    elif positive:
        score += POSITIVE // 3
    if not positive or negative:
        problems.append(
            Problem(
                "not_positive",
                POSITIVE - (POSITIVE // 3 if positive else 0),
                "Put it in a positive light: after the fact, say what you learned, built or "
                "finished since, and why you are ready for this role now.",
            )
        )

    asked = refocus_question(answer)
    last = answer.last
    if asked is not None and asked is last:
        score += REFOCUS
        strengths.append(Strength(6, REFOCUSED.lead, (asked,), limit=90))
    elif asked is not None:
        score += REFOCUS // 2
        problems.append(
            Problem(
                "refocus_not_last",
                REFOCUS // 2,
                f"Move your question to the very end: {quote(asked.text, 90)} works best as "
                "your last words, so the conversation moves on from the sensitive part.",
            )
        )
    else:
        problems.append(
            Problem(
                "no_refocus",
                REFOCUS,
                "End with a question of your own, so the talk moves on from the sensitive "
                "part: for example “What would the person in this role need to tackle first?”",
            )
        )

    evasive = evasive_sentences(answer)
    if evasive:
        problems.append(
            Problem(
                "evasive",
                STRAIGHT,
                f"Give a straight answer instead of {quote(evasive[0].text, 80)}: one true, "
                "neutral sentence sounds far better than something that seems hidden.",
                tuple(s.index for s in evasive),
            )
        )
    else:
        score += STRAIGHT
    if positive and not negative:
        strengths.append(Strength(5, TRUTHFUL.lead, tuple(positive), limit=90))
    steps = []
    steps.append("brief" if r <= BRIEF_UNTIL else "not brief")
    steps.append("positive" if positive and not negative else "not positive")
    steps.append("ends with a question" if asked is last and asked else "no closing question")
    note = ", ".join(steps).capitalize() + ". (Truthfulness is yours to check.)"
    return DimensionResult("sensitive", score, note, tuple(problems), tuple(strengths))
