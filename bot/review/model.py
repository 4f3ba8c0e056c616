"""What a reviewer returns, and the protocol any reviewer (rules today, a model later) meets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.content.schema import Question

DIMENSION_TITLES: dict[str, str] = {
    "length": "Length and time",
    "structure": "Structure (CCAR)",
    "framing": "Positive framing",
    "confidence": "Confident, not cocky",
    "plain_language": "Plain language",
    "sensitive": "Sensitive-question steps",
    "money": "Money",
    "wording": "Filler and repeated words",
}

FLAG_LABELS: dict[str, str] = {
    "too_short": "too short",
    "too_long": "too long",
    "a_bit_short": "a little short",
    "a_bit_long": "a little long",
    "no_result": "no result",
    "vague_result": "result without a number",
    "no_why": "no “why it mattered”",
    "no_action": "your own actions missing",
    "no_context": "no context",
    "no_challenge": "no challenge",
    "we_not_i": "“we” instead of “I”",
    "blame": "blaming others",
    "negative": "negative words",
    "private_details": "private details",
    "apologising": "apologising",
    "cocky": "superlatives",
    "unbacked_claims": "claims without proof",
    "hedging": "hedging",
    "jargon": "jargon",
    "acronyms": "acronyms",
    "not_brief": "not brief",
    "not_positive": "not positive",
    "no_refocus": "no question at the end",
    "refocus_not_last": "question not at the end",
    "evasive": "evasive",
    "single_number": "a single number",
    "no_range": "no range",
    "no_research": "no research behind the figure",
    "inflexible": "no room to move",
    "no_flexibility": "no flexibility",
    "no_question_back": "no question back",
    "fillers": "filler words",
    "repetition": "repeated words",
}
"""Short human names for flags, for trends and history ("fixed since: blaming others")."""


@dataclass(frozen=True)
class Problem:
    """One thing that cost points: a short flag, how many points, and the coach's advice."""

    flag: str
    cost: int
    fix: str


@dataclass(frozen=True)
class Strength:
    """Something the answer did well, said specifically; `weight` orders them."""

    weight: int
    text: str


@dataclass(frozen=True)
class DimensionResult:
    """The score for one dimension and the reasons behind it."""

    name: str
    score: int
    note: str
    problems: tuple[Problem, ...] = ()
    strengths: tuple[Strength, ...] = ()


@dataclass(frozen=True)
class MainFix:
    """The one change that would lift the answer most."""

    flag: str
    dimension: str
    text: str


@dataclass(frozen=True)
class WordStats:
    words: int
    seconds: int
    target_seconds: int
    top_words: tuple[tuple[str, int], ...] = ()
    fillers: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Review:
    """Feedback on one answer: scores 0–100 per dimension that applies, and what to do next."""

    question_id: str
    reviewer: str
    scores: dict[str, int]
    overall: int
    flags: list[str]
    strengths: list[str]
    main_fix: MainFix | None
    outline: list[str]
    notes: dict[str, str]
    stats: WordStats
    capped: str | None = None
    """Why `overall` was held down below the weighted mean, if it was."""
    details: tuple[DimensionResult, ...] = field(default=(), repr=False)


class Reviewer(Protocol):
    """Anything that can review an answer. Async, so a network-backed reviewer fits too."""

    name: str

    async def review(self, question: Question, answer: str) -> Review: ...
