"""Money: a researched range rather than an early single number, and room to move."""

from __future__ import annotations

import itertools
import re

from bot.content.schema import Question
from bot.review import wordlists as wl
from bot.review.model import DimensionResult, Praise, Problem, Strength
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

RANGE = Praise("A range, not a single number: ", frozenset({"single_number", "no_range"}))
HOMEWORK = Praise("You showed your homework: ", frozenset({"no_research"}))
FLEXIBLE = Praise("Flexible without underselling: ", frozenset({"inflexible", "no_flexibility"}))
HANDED_BACK = Praise("You handed it back with a question: ", frozenset({"no_question_back"}))
PRAISES = (RANGE, HOMEWORK, FLEXIBLE, HANDED_BACK)

_UNIT = r"(?:\s?(?:k|K|m|thousand|grand|pounds|dollars|euros))"
_PER = r"(?:\s(?:an hour|per hour|a year|per year|per annum|a month|per month|a day))"
_AMOUNT = re.compile(
    rf"[£$€]\s?\d[\d,.]*{_UNIT}?{_PER}?"
    rf"|(?<![\w£$€.,])\d[\d,.]*{_UNIT}{_PER}?(?![A-Za-z])"
    rf"|(?<![\w£$€.,])\d{{1,3}}(?:,\d{{3}})+(?![\d,])"
    rf"|(?<![\w£$€.,])\d[\d.]*{_PER}"
    rf"|(?<![\w£$€.,])\d{{5,}}(?!\d)"
)
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|one hundred)"
_SPELLED = re.compile(
    rf"(?i)\b{_TENS}(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?"
    rf"(?:\s(?:and\s)?(?:a\s)?half)?\s(?:thousand|grand|k)\b(?:\s(?:pounds|dollars|euros))?"
)
"""Figures said in words ("forty-eight thousand"), as people speak them aloud."""
_INFLEXIBLE = re.compile(
    r"\b(?:wont|will not|cant|cannot|not going to|dont|do not|never)\s(?:go|accept|take|settle "
    r"for|consider|work for|look at)\s(?:any(?:thing)?\s)?(?:lower|less|below|under|a penny "
    r"less|a cent less|a step back)\b"
    r"|\bnot taking a step back\b|\bfull stop\b|\bsimple as that\b|\bnothing less\b"
    r"|\b(?:that is|thats|its|it is) my (?:final|last|lowest|bottom)\b"
    r"|\b(?:final|last) (?:number|offer|figure)\b"
    r"|\b(?:figure|number|thousand|grand|k|pounds|dollars|euros) exactly\b"
)
"""Shapes of "no room to move" beyond the listed phrases."""
_JOINED_RANGE = re.compile(
    r"[£$€]?\s?\d[\d,.]*\s?(?:k|K|thousand)?\s?(?:-|–|—|to|and|up to)\s?[£$€]?\s?\d[\d,.]*"
)


def applies(question: Question) -> bool:
    return "money" in question.flags


def expects_range(question: Question) -> bool:
    """Whether a strong answer brings a researched range (salary expectations, the floor…)."""
    return "research" in fold(question.strong_answer)


def amounts(text: str) -> list[re.Match[str]]:
    found = list(_AMOUNT.finditer(text)) + list(_SPELLED.finditer(text))
    return sorted(found, key=lambda m: m.start())


_BARE_RANGE = re.compile(
    r"(?<![\w.,])\d{1,3}(?:[.,]\d+)?\s?(?:k|K)?\s?(?:-|–|to)\s?\d{1,3}(?:[.,]\d+)?\s?"
    r"(?:k|K|thousand|grand|lakhs?|lacs?|L)?(?![\w.,])"
)
"""A range said without a currency ("the 30 to 33 range", "8 to 10 lakhs"), counted when the
sentence is about pay."""


def bare_range(sentence: Sentence) -> bool:
    return bool(_BARE_RANGE.search(sentence.text)) and bool(
        hits(sentence.folded, (*wl.RANGE_WORDS, *wl.PAY))
    )


def pay_amounts(sentence: Sentence) -> list[re.Match[str]]:
    """The sums in a sentence that could be a pay figure: "a budget of two million" or
    "saving about eighty thousand" is evidence of what the member achieved, unless the
    sentence also talks about pay."""
    found = amounts(sentence.text)
    if (
        found
        and hits(sentence.folded, wl.ACHIEVED_SUMS)
        and not hits(sentence.folded, wl.PAY_NOUNS)
    ):
        return []
    return found


def gives_range(answer: Answer) -> bool:
    found = amounts(answer.raw)
    if not found:
        return any(bare_range(s) for s in answer.sentences)
    for first, second in itertools.pairwise(found):
        between = answer.raw[first.end() : second.start()].strip().lower()
        if between in ("-", "–", "—", "to", "and", "up to", "or"):
            return True
    for s in answer.sentences:
        if amounts(s.text) and (_JOINED_RANGE.search(s.text) or hits(s.folded, wl.RANGE_WORDS)):
            return True
    return any(bare_range(s) for s in answer.sentences)


def _sentence_with_amount(answer: Answer) -> Sentence | None:
    return next((s for s in answer.sentences if pay_amounts(s) or bare_range(s)), None)


def check(answer: Answer, question: Question) -> DimensionResult:
    problems: list[Problem] = []
    strengths: list[Strength] = []
    wants_range = expects_range(question)
    points = FIGURE_POINTS if wants_range else OTHER_POINTS
    score = 0
    figures = [s for s in answer.sentences if pay_amounts(s) or bare_range(s)]
    found = bool(figures)
    ranged = gives_range(answer)
    figure = _sentence_with_amount(answer)
    if ranged and figure is not None:
        score += points["range"]
        strengths.append(Strength(6, RANGE.lead, tuple(figures), limit=90))
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
                tuple(s.index for s in figures),
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
        strengths.append(Strength(5, HOMEWORK.lead, tuple(research), limit=90))
    elif wants_range:
        problems.append(
            Problem(
                "no_research",
                points["research"],
                "Say what your figure rests on: similar roles, published salary surveys or what "
                "people in the field told you. A researched number is a fact, not a wish.",
            )
        )

    rigid_at = [
        s for s in answer.sentences if hits(s.folded, wl.INFLEXIBLE) or _INFLEXIBLE.search(s.folded)
    ]
    flexible = [s for s in answer.sentences if hits(s.folded, wl.FLEXIBLE) and s not in rigid_at]
    if rigid_at:
        problems.append(
            Problem(
                "inflexible",
                points["flexible"] + INFLEXIBLE_COST,
                f"Leave room to move: {quote(rigid_at[0].text, 80)} can end the conversation. "
                "Say you are flexible across the whole package (pay, leave, training, hours).",
                tuple(s.index for s in rigid_at),
            )
        )
        score -= INFLEXIBLE_COST
    elif flexible:
        score += points["flexible"]
        strengths.append(Strength(4, FLEXIBLE.lead, tuple(flexible), limit=90))
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
        strengths.append(Strength(3, HANDED_BACK.lead, (answer.last,), limit=80))
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
        "inflexible" if rigid_at else ("flexible" if flexible else "no flexibility"),
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
