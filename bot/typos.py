"""Slips of the keyboard: how many separate a typed word from the word meant.

Counted the way people mistype: a letter missed, doubled or swapped with its neighbour
is one slip, and so is a letter replaced by a key next to it ("fridsy" for "friday").
A letter replaced by one far away on the keyboard counts two: that is more often a
different word than a typo ("Sundar", a name, is not "sunday").

rapidfuzz's Damerau-Levenshtein distance (in C) screens first: it counts every
replacement as one slip, so it is never more than the keyboard count, and a word it
puts beyond the limit is beyond it here too. Only the few words it lets through are
weighed key by key.
"""

from __future__ import annotations

from itertools import pairwise

from rapidfuzz.distance import DamerauLevenshtein

__all__ = ["NEAR_KEYS", "keyboard_slips"]

_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
NEAR_KEYS = frozenset(
    (row[i], row[i + step])
    for row in _KEY_ROWS
    for i in range(len(row))
    for step in (-1, 1)
    if 0 <= i + step < len(row)
) | frozenset(
    (upper[i + shift], lower[i]) if flip else (lower[i], upper[i + shift])
    for upper, lower in pairwise(_KEY_ROWS)
    for i in range(len(lower))
    for shift in (0, 1)
    for flip in (False, True)
    if i + shift < len(upper)
)
"""Pairs of keys next to each other on a QWERTY keyboard (same row, or the row above)."""


def keyboard_slips(typed: str, meant: str, limit: int) -> int:
    """Slips from `typed` to `meant` (see the module docstring); `limit + 1` if more."""
    if DamerauLevenshtein.distance(typed, meant, score_cutoff=limit) > limit:
        return limit + 1
    return _weighed(typed, meant, limit)


def _weighed(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (adjacent swaps) with a replacement costing 1 for a
    neighbouring key and 2 otherwise."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1 if (a[i - 1], b[j - 1]) in NEAR_KEYS else 2
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        previous2, previous = previous, row
    return min(previous[-1], limit + 1)
