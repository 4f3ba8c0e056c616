"""Small text helpers shared by the core: cleaning input, normalising, words."""

from __future__ import annotations

import re
import unicodedata

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
"""Counts people spell out ("in two weeks", "every three months")."""

MAX_INPUT_CHARS = 8000
"""The longest message the bot accepts in one go; longer ones are refused, never cut."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
_WORD = re.compile(r"[a-z0-9]+")


def clean_input(text: str) -> str:
    """Drop control and invisible formatting characters; keep newlines; trim."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\t", " ")
    return _CONTROL.sub("", text).strip()


def fold(text: str) -> str:
    """Lower-case, accents removed, apostrophes (straight or curly) dropped, other
    punctuation to spaces: for matching only ("Côte d’Ivoire" -> "cote divoire")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(ascii_only.replace("'", "").replace("’", "")))


def words(text: str) -> list[str]:
    return fold(text).split()


def shorten(text: str, limit: int, ellipsis: str = "…") -> str:
    """Cut at a word boundary so the result is at most `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ellipsis)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + ellipsis


def ascii_number(text: str, *, max_digits: int = 9) -> int | None:
    """`text` as a whole number if it is made of ASCII digits only, else None.

    `str.isdigit` is true for "²" or "٣", which `int` then refuses or reads in surprising
    ways; action ids and typed numbers must never reach `int` unchecked. `max_digits` keeps
    out numbers too large to mean anything (and `int`'s limit on very long digit strings).
    """
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
