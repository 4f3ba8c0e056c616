"""Severity first: which flaws are serious, in what order, and how far each caps the score.

A serious flaw is one an interviewer would remember after the polish is forgotten:
answering a different question, blaming people, arrogance, dodging, oversharing, wanting
the job for the wrong reasons, locking in one salary figure. When an answer has one, the
main fix is the most serious one it has (in `ORDER`), whatever the points say, and the
overall score is held at or below its cap, so a fluent answer with a serious flaw can never
look good. Everything else (length, structure, filler words…) is polish: among polish, the
main fix is the problem costing the most points. docs/practice.md lists the same table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Serious:
    flag: str
    cap: int
    """The highest overall score an answer with this flaw can get."""
    outline_fix: str
    """What to say instead, short enough for an outline step."""


ORDER: tuple[Serious, ...] = (
    Serious("off_topic", 40, "answer the question that was asked"),
    Serious("blame", 50, "say what happened neutrally, without blaming anyone"),
    Serious("cocky", 55, "swap the boast for one example with a number"),
    Serious("evasive", 50, "give one true, neutral sentence instead of dodging"),
    Serious("private_details", 55, "keep private details private"),
    Serious("self_centred", 55, "give a reason about the work, not what you get"),
    Serious("flattery", 60, "name something specific instead of praise"),
    Serious("single_number", 60, "give a researched range, not one number"),
    Serious("inflexible", 65, "leave room to move on the package"),
)
SERIOUS = {s.flag: s for s in ORDER}
RANK = {s.flag: i for i, s in enumerate(ORDER)}
EXTRA_SERIOUS_COST = 5
"""Each serious flaw beyond the first lowers the cap by this much more."""

POLISH_OUTLINE_FIXES = {
    "negative": "say it in neutral words",
    "apologising": "state it plainly, without apologising",
    "hedging": "say it as a fact, without hedges",
    "unbacked_claims": "back it with one example",
    "jargon": "say it in everyday words",
    "acronyms": "spell the acronyms out",
    "vague_result": "add a number to the result",
    "we_not_i": "say what you did yourself, with “I”",
}


def serious_flags(flags: list[str]) -> list[str]:
    """The serious flags among `flags`, most serious first."""
    return sorted((f for f in flags if f in SERIOUS), key=RANK.__getitem__)


def cap(flags: list[str]) -> tuple[int, str] | None:
    """The cap the serious flags put on `overall`, and why; None without a serious flaw."""
    found = serious_flags(flags)
    if not found:
        return None
    lowest = min(SERIOUS[f].cap for f in found)
    value = max(0, lowest - EXTRA_SERIOUS_COST * (len(found) - 1))
    names = {
        "off_topic": "it does not answer the question asked",
        "blame": "it blames others",
        "cocky": "it sounds arrogant",
        "evasive": "it avoids the question",
        "private_details": "it shares private details",
        "self_centred": "the reasons are about what you get",
        "flattery": "it flatters instead of giving reasons",
        "single_number": "it locks in a single number",
        "inflexible": "it leaves no room to move",
    }
    return value, "; ".join(names[f] for f in found)


def outline_fix(flag: str) -> str | None:
    if flag in SERIOUS:
        return SERIOUS[flag].outline_fix
    return POLISH_OUTLINE_FIXES.get(flag)
