"""What a reviewer returns, and the protocol any reviewer (rules today, a model later) meets."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.content.schema import Question
from bot.review.text import Sentence, quote

DIMENSION_TITLES: dict[str, str] = {
    "length": "Length and time",
    "structure": "Structure (CCAR)",
    "framing": "Positive framing",
    "confidence": "Confident, not cocky",
    "plain_language": "Plain language",
    "sensitive": "Sensitive-question steps",
    "money": "Money",
    "wording": "Filler and repeated words",
    "relevance": "Answers the question",
    "motivation": "Reasons for wanting it",
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
    "cocky": "sounds arrogant",
    "unbacked_claims": "claims without proof",
    "hedging": "hedging",
    "jargon": "jargon",
    "acronyms": "acronyms",
    "not_brief": "not brief",
    "not_positive": "no positive turn",
    "no_refocus": "no question at the end",
    "refocus_not_last": "question not at the end",
    "evasive": "evasive",
    "off_topic": "off topic",
    "misses_point": "part of the question missed",
    "self_centred": "self-centred reasons",
    "flattery": "flattery instead of reasons",
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

FLAG_FAMILIES: dict[str, str] = {
    "too_short": "short",
    "a_bit_short": "short",
    "too_long": "long",
    "a_bit_long": "long",
    "not_brief": "long",
    "no_refocus": "question_back",
    "refocus_not_last": "question_back",
    "no_question_back": "question_back",
    "single_number": "range",
    "no_range": "range",
    "inflexible": "flexibility",
    "no_flexibility": "flexibility",
    "no_result": "result",
    "vague_result": "result",
}
"""Flags that name degrees of one flaw: comparing attempts reports the flaw once, as fixed
or as still open, never both ("a little short" fixed beside "too short" still open)."""


@dataclass(frozen=True)
class Problem:
    """One thing that cost points: a short flag, how many points, and the coach's advice.

    `sentences` are the indexes of the sentences that raised it: they are never quoted back
    as a strength or offered in the outline as something to say.
    """

    flag: str
    cost: int
    fix: str
    sentences: tuple[int, ...] = ()


@dataclass(frozen=True)
class Praise:
    """A kind of strength, and the flags it says the answer is free of.

    Each module declares its praise once, beside the rule that earns it, and builds its
    `Strength`s from `lead`; `bot/review/coherence.py` reads the same objects, so praise
    that is reworded or added cannot slip past the check that it never sits beside a flag
    that denies it.
    """

    lead: str
    rules_out: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Strength:
    """Something the answer did well, said specifically; `weight` orders them.

    A strength that quotes the member names its candidate sentences in `quotes` (best
    first) and reads `lead` + the quote + `tail`; the first candidate that raised no flag is
    quoted, and with none left the strength is dropped: praise comes only from sentences that
    earned it. Without candidates it reads `lead` alone.
    """

    weight: int
    lead: str
    quotes: tuple[Sentence, ...] = ()
    tail: str = ""
    limit: int = 120

    def render(self, flagged: Set[int]) -> tuple[str, Sentence | None] | None:
        if not self.quotes:
            return self.lead, None
        for sentence in self.quotes:
            if sentence.index not in flagged:
                return f"{self.lead}{quote(sentence.text, self.limit)}{self.tail}", sentence
        return None


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
class OutlineStep:
    """One step of a stronger answer: the member's own sentence, or a placeholder to fill.

    When the sentence that would fit a step raised a flag, the step gets a placeholder and
    `fix` says what to say instead; the flagged sentence is never offered.
    """

    title: str
    quote: str | None = None
    placeholder: str | None = None
    fix: str | None = None

    @property
    def line(self) -> str:
        said = self.quote if self.quote is not None else self.placeholder or ""
        if self.fix:
            said += f" ({self.fix})"
        return f"{self.title}: {said}" if said else self.title

    def as_meta(self) -> dict[str, Any]:
        return {
            "step": self.title,
            "quote": self.quote,
            "placeholder": self.placeholder,
            "fix": self.fix,
            "text": self.line,
        }


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
    outline: list[OutlineStep]
    notes: dict[str, str]
    stats: WordStats
    capped: str | None = None
    """Why `overall` was held down below the weighted mean, if it was."""
    flagged: dict[str, list[str]] = field(default_factory=dict)
    """For each flag, the member's sentences that raised it (none are quoted as good)."""
    serious: list[str] = field(default_factory=list)
    """The flags that are serious flaws (see `bot/review/severity.py`), most serious first."""
    sounds_like: str | None = None
    """For an off-topic answer, what it seems to answer instead ("a story about teamwork")."""
    details: tuple[DimensionResult, ...] = field(default=(), repr=False)

    @property
    def outline_lines(self) -> list[str]:
        return [step.line for step in self.outline]


class Reviewer(Protocol):
    """Anything that can review an answer. Async, so a network-backed reviewer fits too."""

    name: str

    async def review(self, question: Question, answer: str) -> Review: ...
