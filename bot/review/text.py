"""An answer taken apart once: sentences, folded words, and phrase matching on them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from bot.text import fold

WORDS_PER_MINUTE = 150
"""A calm interview pace; used to turn words into estimated speaking time."""

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+|\n+")


@dataclass(frozen=True)
class Sentence:
    """One sentence as the member wrote it, plus its folded form for matching."""

    index: int
    text: str
    folded: str

    @property
    def is_question(self) -> bool:
        return self.text.rstrip('"”’) ').endswith("?")


@dataclass(frozen=True)
class Answer:
    """The member's answer, split for the rules. Build it with `Answer.of`."""

    raw: str
    sentences: tuple[Sentence, ...]
    words: tuple[str, ...]
    folded: str = field(repr=False)

    @classmethod
    def of(cls, raw: str) -> Answer:
        raw = raw.strip()
        parts = [p.strip() for p in _SENTENCE_END.split(raw) if p and p.strip()]
        sentences = tuple(
            Sentence(i, part, fold(part)) for i, part in enumerate(p for p in parts if fold(p))
        )
        folded = fold(raw)
        return cls(raw, sentences, tuple(folded.split()), folded)

    @property
    def word_count(self) -> int:
        return len(self.words)

    @property
    def seconds(self) -> int:
        """Estimated speaking time at a calm pace."""
        return round(self.word_count * 60 / WORDS_PER_MINUTE)

    @property
    def last(self) -> Sentence | None:
        return self.sentences[-1] if self.sentences else None


def target_words(seconds: int) -> int:
    return round(seconds * WORDS_PER_MINUTE / 60)


@dataclass(frozen=True)
class _Phrase:
    index: int
    words: tuple[str, ...]
    prefix: bool
    """The last word may have any ending (the list wrote it with a trailing `*`)."""

    def at(self, tokens: tuple[str, ...], start: int) -> bool:
        end = start + len(self.words)
        if end > len(tokens):
            return False
        *whole, last = self.words
        if any(tokens[start + i] != w for i, w in enumerate(whole)):
            return False
        token = tokens[end - 1]
        return token.startswith(last) if self.prefix else token == last


@dataclass(frozen=True)
class _Index:
    """A word list ready for one pass over the words: phrases by their first word."""

    exact: dict[str, tuple[_Phrase, ...]]
    by_stem: dict[str, tuple[_Phrase, ...]]
    """Single-word prefixes (`micromanag*`), by their first three letters."""
    short: tuple[_Phrase, ...]


@lru_cache(maxsize=512)
def _index(phrases: tuple[str, ...]) -> _Index:
    exact: dict[str, list[_Phrase]] = {}
    by_stem: dict[str, list[_Phrase]] = {}
    short: list[_Phrase] = []
    for i, phrase in enumerate(phrases):
        words = tuple(fold(phrase.rstrip("*")).split())
        if not words:
            continue
        item = _Phrase(i, words, phrase.endswith("*"))
        if item.prefix and len(words) == 1:
            if len(words[0]) >= 3:
                by_stem.setdefault(words[0][:3], []).append(item)
            else:
                short.append(item)
        else:
            exact.setdefault(words[0], []).append(item)
    return _Index(
        {k: tuple(v) for k, v in exact.items()},
        {k: tuple(v) for k, v in by_stem.items()},
        tuple(short),
    )


def _matches(folded: str, phrases: tuple[str, ...]) -> list[int]:
    """The list index of every phrase occurrence in the folded text, in text order."""
    index = _index(phrases)
    tokens = tuple(folded.split())
    found: list[int] = []
    exact, by_stem, short = index.exact, index.by_stem, index.short
    for start, token in enumerate(tokens):
        for group in (exact.get(token), by_stem.get(token[:3]) if by_stem else None, short):
            if group:
                found.extend(p.index for p in group if p.at(tokens, start))
    return found


def spans(folded: str, phrases: Iterable[str]) -> list[tuple[int, int]]:
    """Where each phrase occurrence sits, as (first word, word after the last) positions."""
    index = _index(tuple(phrases))
    tokens = tuple(folded.split())
    found: list[tuple[int, int]] = []
    for start, token in enumerate(tokens):
        for group in (index.exact.get(token), index.by_stem.get(token[:3]), index.short):
            if group:
                found.extend((start, start + len(p.words)) for p in group if p.at(tokens, start))
    return sorted(found)


def hits(folded: str, phrases: Iterable[str]) -> list[str]:
    """The phrases (as listed) that occur in folded text, each once, in list order.

    Phrases are whole words; a trailing `*` lets the last word have any ending.
    """
    listed = tuple(phrases)
    return [listed[i] for i in sorted(set(_matches(folded, listed)))]


def count(folded: str, phrases: Iterable[str]) -> int:
    """How many times any of the phrases occurs in folded text."""
    return len(_matches(folded, tuple(phrases)))


def counts(folded: str, phrases: Iterable[str]) -> dict[str, int]:
    """How many times each phrase occurs (phrases that do not occur are left out)."""
    listed = tuple(phrases)
    found: dict[str, int] = {}
    for i in _matches(folded, listed):
        found[listed[i]] = found.get(listed[i], 0) + 1
    return found


def quote(text: str, limit: int = 120) -> str:
    """The member's words in curly quotes, cut at a word boundary when long."""
    text = " ".join(text.split())
    if len(text) > limit:
        cut = text[: limit - 1]
        space = cut.rfind(" ")
        text = (cut[:space] if space > limit // 2 else cut).rstrip(",;:- ") + "…"
    return f"“{text}”"


def plural(n: int, word: str, many: str | None = None) -> str:
    """“1 second”, “2 seconds”: the count with the word in agreement."""
    return f"{n} {word if n == 1 else many or word + 's'}"
