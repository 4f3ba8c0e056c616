"""Money: a researched range rather than an early single number, and room to move."""

from __future__ import annotations

import itertools
import re

from bot.content.schema import Question
from bot.review import wordlists as wl
from bot.review.model import DimensionResult, Problem, Strength
from bot.review.text import Answer, Sentence, hits, quote
from bot.text import fold

FIGURE_POINTS = {"range": 40, "research": 20, "flexible": 20, "question": 20}
"""For questions that call for a figure (the strong answer brings a researched range)."""
OTHER_POINTS = {"range": 0, "research": 0, "flexible": 50, "question": 50}
"""For the rest (other offers, the package): no figure is needed, a lone number still costs."""
NO_FIGURE_SHARE = 0.6
"""Share of the range points when no figure was given at all (options kept open)."""
SINGLE_COST = 50
INFLEXIBLE_COST = 25

_UNIT = r"(?:\s?(?:k|K|m|thousand|grand|pounds|dollars|euros))"
_PER = r"(?:\s(?:an hour|per hour|a year|per year|per annum|a month|per month|a day))"
_AMOUNT = re.compile(
    rf"[£$€]\s?\d[\d,.]*{_UNIT}?{_PER}?"
    rf"|(?<![\w£$€.,])\d[\d,.]*{_UNIT}{_PER}?(?![A-Za-z])"
    rf"|(?<![\w£$€.,])\d{{1,3}}(?:,\d{{3}})+(?![\d,])"
    rf"|(?<![\w£$€.,])\d[\d.]*{_PER}"
    rf"|(?<![\w£$€.,])\d{{5,}}(?!\d)"
)
_JOINED_RANGE = re.compile(
    r"[£$€]?\s?\d[\d,.]*\s?(?:k|K|thousand)?\s?(?:-|–|—|to|and|up to)\s?[£$€]?\s?\d[\d,.]*"
)


def applies(question: Question) -> bool:
    return "money" in question.flags


def expects_range(question: Question) -> bool:
    """Whether a strong answer brings a researched range (salary expectations, the floor…)."""
    return "research" in fold(question.strong_answer)


def amounts(text: str) -> list[re.Match[str]]:
    return list(_AMOUNT.finditer(text))


def gives_range(answer: Answer) -> bool:
    found = amounts(answer.raw)
    if not found:
        return False
    for first, second in itertools.pairwise(found):
        between = answer.raw[first.end() : second.start()].strip().lower()
        if between in ("-", "–", "—", "to", "and", "up to", "or"):
            return True
    for s in answer.sentences:
        if amounts(s.text) and (_JOINED_RANGE.search(s.text) or hits(s.folded, wl.RANGE_WORDS)):
            return True
    return False


def _sentence_with_amount(answer: Answer) -> Sentence | None:
    return next((s for s in answer.sentences if amounts(s.text)), None)


def check(answer: Answer, question: Question) -> DimensionResult:
    problems: list[Problem] = []
    strengths: list[Strength] = []
    wants_range = expects_range(question)
    points = FIGURE_POINTS if wants_range else OTHER_POINTS
    score = 0
    found = amounts(answer.raw)
    ranged = gives_range(answer)
    figure = _sentence_with_amount(answer)
    if ranged and figure is not None:
        score += points["range"]
        strengths.append(Strength(6, f"A range, not a single number: {quote(figure.text, 90)}"))
    elif found and figure is not None:
        early = figure.index == 0
        if not wants_range:
            score -= SINGLE_COST
        problems.append(
            Problem(
                "single_number",
                points["range"] or SINGLE_COST,
                f"Give a range instead of one number{' straight away' if early else ''}: "
                f"{quote(figure.text, 80)} sets a ceiling you can't raise later. Offer a "
                "researched range (for example “roles like this pay 42 to 48 thousand”) and "
                "say the whole package matters.",
            )
        )
    elif wants_range:
        kept_open = round(points["range"] * NO_FIGURE_SHARE)
        score += kept_open
        problems.append(
            Problem(
                "no_range",
                points["range"] - kept_open,
                "Have a researched range ready; if you'd rather not name it yet, say you expect "
                "to be paid in line with similar roles and ask what range they have set.",
            )
        )

    research = [s for s in answer.sentences if hits(s.folded, wl.RESEARCH)]
    if research:
        score += points["research"]
        strengths.append(Strength(5, f"You showed your homework: {quote(research[0].text, 90)}"))
    elif wants_range:
        problems.append(
            Problem(
                "no_research",
                points["research"],
                "Say what your figure rests on: similar roles, published salary surveys or what "
                "people in the field told you. A researched number is a fact, not a wish.",
            )
        )

    rigid = hits(answer.folded, wl.INFLEXIBLE)
    flexible = [s for s in answer.sentences if hits(s.folded, wl.FLEXIBLE)]
    if rigid:
        problems.append(
            Problem(
                "inflexible",
                points["flexible"] + INFLEXIBLE_COST,
                f"Leave room to move: “{rigid[0]}” can end the conversation. Say you are "
                "flexible across the whole package (pay, leave, training, hours).",
            )
        )
        score -= INFLEXIBLE_COST
    elif flexible:
        score += points["flexible"]
        strengths.append(
            Strength(4, f"Flexible without underselling: {quote(flexible[0].text, 90)}")
        )
    else:
        problems.append(
            Problem(
                "no_flexibility",
                points["flexible"],
                "Show some flexibility: mention the whole package (leave, training, hours), "
                "not only the salary.",
            )
        )

    if answer.last is not None and answer.last.is_question:
        score += points["question"]
        strengths.append(
            Strength(3, f"You handed it back with a question: {quote(answer.last.text, 80)}")
        )
    else:
        problems.append(
            Problem(
                "no_question_back",
                points["question"],
                "Hand it back with a question, such as “What range have you set for the "
                "role?”, so they share their number too.",
            )
        )
    parts = [
        "range" if ranged else ("single number" if found else "no figure"),
        "inflexible" if rigid else ("flexible" if flexible else "no flexibility"),
    ]
    if wants_range:
        parts.insert(1, "research" if research else "no research")
    return DimensionResult(
        "money",
        max(0, min(100, score)),
        ", ".join(parts).capitalize() + ".",
        tuple(problems),
        tuple(strengths),
    )
