"""Length and estimated speaking time against the question's target."""

from __future__ import annotations

from bot.content.schema import Question
from bot.review.model import DimensionResult, Praise, Problem, Strength
from bot.review.text import Answer, plural, target_words

FULL_FROM = 0.35
"""Share of the target length from which an answer gets full marks for length."""
FULL_UNTIL = 1.15
TOO_SHORT = 0.2
TOO_LONG = 1.4
ZERO_AT = 2.5
"""An answer this many times the target scores 0 for length."""


GOOD_LENGTH = Praise(
    "Good length: ", frozenset({"too_short", "too_long", "a_bit_short", "a_bit_long"})
)
PRAISES = (GOOD_LENGTH,)


def applies(question: Question) -> bool:
    return True


def ratio(answer: Answer, question: Question) -> float:
    return answer.word_count / max(1, target_words(question.target_seconds))


def check(answer: Answer, question: Question) -> DimensionResult:
    r = ratio(answer, question)
    seconds, target = answer.seconds, question.target_seconds
    said = (
        f"about {plural(seconds, 'second')} spoken ({plural(answer.word_count, 'word')}) "
        f"against a {target}-second target"
    )
    if r < FULL_FROM:
        score = round(100 * max(0.0, r) / FULL_FROM)
    elif r <= FULL_UNTIL:
        score = 100
    else:
        score = round(100 * max(0.0, (ZERO_AT - r) / (ZERO_AT - FULL_UNTIL)))
    problems: list[Problem] = []
    strengths: list[Strength] = []
    if r < TOO_SHORT:
        problems.append(
            Problem(
                "too_short",
                100 - score,
                f"Give it more: {said}. Add one concrete example of what you did and how it "
                "turned out, so they have something to remember you by.",
            )
        )
    elif r > TOO_LONG:
        problems.append(
            Problem(
                "too_long",
                100 - score,
                f"Cut it down: {said}. Keep the one sentence that answers the question and the "
                "one that proves it, and drop the rest; a long answer buries your best point.",
            )
        )
    elif score < 100:
        problems.append(
            Problem(
                "a_bit_short" if r < FULL_FROM else "a_bit_long",
                100 - score,
                f"Nearly the right length: {said}.",
            )
        )
    else:
        strengths.append(Strength(2, f"{GOOD_LENGTH.lead}{said}."))
    return DimensionResult(
        "length", score, said[0].upper() + said[1:] + ".", tuple(problems), tuple(strengths)
    )
