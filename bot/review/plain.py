"""Plain language, for questions flagged for a non-technical interviewer: acronyms and jargon."""

from __future__ import annotations

import re

from bot.content.schema import Question
from bot.review import wordlists as wl
from bot.review.model import DimensionResult, Praise, Problem, Strength
from bot.review.text import Answer, count, hits

DENSITY_PENALTY = 1000
"""Points off per unit of jargon density (jargon terms / words): 3% costs 30."""
JARGON_FLAG_DENSITY = 0.025
JARGON_FLAG_COUNT = 4
ACRONYM_COST = 10

_ACRONYM = re.compile(r"(?<![A-Za-z0-9])([A-Z][A-Z0-9]{1,5})s?(?![A-Za-z0-9])(\s*\()?")


PICTURE = Praise("Plain words and an everyday picture: ", frozenset({"jargon", "acronyms"}))
NO_JARGON = Praise(
    "No jargon or acronyms: anyone could follow it.", frozenset({"jargon", "acronyms"})
)
PRAISES = (PICTURE, NO_JARGON)


def applies(question: Question) -> bool:
    return "non_technical_audience" in question.flags


def acronyms(answer: Answer) -> list[str]:
    """Unexplained acronyms, in order, each once. One followed by "(" counts as explained."""
    found: list[str] = []
    for match in _ACRONYM.finditer(answer.raw):
        word, explained = match.group(1), match.group(2)
        if word in wl.COMMON_ACRONYMS or explained or word in found:
            continue
        found.append(word)
    return found


def check(answer: Answer, question: Question) -> DimensionResult:
    jargon = hits(answer.folded, wl.JARGON)
    jargon_count = count(answer.folded, wl.JARGON)
    caps = [a for a in acronyms(answer) if not hits(a.lower(), wl.JARGON)]
    caps_count = sum(
        len(re.findall(rf"(?<![A-Za-z0-9]){a}s?(?![A-Za-z0-9])", answer.raw)) for a in caps
    )
    terms = jargon_count + caps_count
    words = max(1, answer.word_count)
    jargon_cost = round(jargon_count * DENSITY_PENALTY / words)
    caps_cost = round(caps_count * DENSITY_PENALTY / words)
    problems: list[Problem] = []
    strengths: list[Strength] = []
    shown_terms = [w.rstrip("*") for w in jargon[:3]] + caps[:3]
    if jargon_count / words >= JARGON_FLAG_DENSITY or jargon_count >= JARGON_FLAG_COUNT:
        shown = ", ".join(f"“{w.rstrip('*')}”" for w in jargon[:4])
        problems.append(
            Problem(
                "jargon",
                jargon_cost,
                f"Trade the jargon ({shown}) for what it does for people. Someone outside your "
                "field hears noise; say the problem, who it helped, and the result in words "
                "you would use with a neighbour.",
                tuple(s.index for s in answer.sentences if hits(s.folded, wl.JARGON)),
            )
        )
    if len(caps) >= 2:
        shown = ", ".join(caps[:4])
        problems.append(
            Problem(
                "acronyms",
                caps_cost + ACRONYM_COST,
                f"Spell out or drop the acronyms ({shown}); each one is a small wall between "
                "you and a listener outside your field.",
                tuple(
                    s.index
                    for s in answer.sentences
                    if any(
                        re.search(rf"(?<![A-Za-z0-9]){a}s?(?![A-Za-z0-9])", s.text) for a in caps
                    )
                ),
            )
        )
        caps_cost += ACRONYM_COST
    score = 100 - jargon_cost - caps_cost
    comparison = [s for s in answer.sentences if hits(s.folded, wl.COMPARISON)]
    if not problems and comparison:
        strengths.append(Strength(5, PICTURE.lead, tuple(comparison), limit=90))
    elif not problems and terms == 0:
        strengths.append(Strength(4, NO_JARGON.lead))
    note = (
        f"{terms} technical term{'s' if terms != 1 else ''} in {answer.word_count} words"
        + (f" ({', '.join(shown_terms[:4])})" if shown_terms else "")
        + "."
    )
    return DimensionResult(
        "plain_language", max(0, min(100, score)), note, tuple(problems), tuple(strengths)
    )
