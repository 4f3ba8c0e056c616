"""Turning a member's message into the features the matcher compares.

Members type fast and in their own words: "wat do i say abt salary", "got sacked,
how do I explain it?", "any advice pls". Each step here removes one way two
messages that mean the same thing can look different:

1. fold case, accents and punctuation, and expand contractions ("didn't");
2. drop politeness that carries no topic ("thanks in advance", "hi there");
3. fix typos against the words the matcher was trained on (rapidfuzz);
4. stem with the Snowball English stemmer ("negotiating" = "negotiate");
5. add the concept of every word or phrase in the club's vocabulary, so
   "sacked", "let go" and "fired" share one feature (`~fired`).

The vocabulary is content (`content/phrasings.yaml`), so a club can teach the bot
its own slang without touching code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.stems import snowball as stem
from bot.text import fold

CONTRACTIONS = {
    "im": "i am",
    "ive": "i have",
    "id": "i would",
    "ill": "i will",
    "youre": "you are",
    "youve": "you have",
    "theyre": "they are",
    "theyve": "they have",
    "theyll": "they will",
    "whats": "what is",
    "hows": "how is",
    "thats": "that is",
    "theres": "there is",
    "its": "it is",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "cant": "can not",
    "cannot": "can not",
    "wont": "will not",
    "isnt": "is not",
    "arent": "are not",
    "wasnt": "was not",
    "werent": "were not",
    "havent": "have not",
    "hasnt": "has not",
    "hadnt": "had not",
    "shouldnt": "should not",
    "couldnt": "could not",
    "wouldnt": "would not",
    "aint": "is not",
}

STOPWORDS = frozenset(
    """a about above after again all also am an and any anyone anything are as at be
    because been before being but by can could did do does doing done for from get gets
    getting got had has have having he her here hers him his how i if in into is it its
    just me might more most much must my myself now of on once only or other our out over
    own please pls plz really same up she should so some someone something such than that the
    their them then there these they this those through to too u ur us very was we were what
    whats when where which while who whom why will with would you your yours yourself
    hi hello hey hiya guys folks everyone team all lol ok okay so um uh like well yeah yes
    advice advise tip tips help helps idea ideas suggestion suggestions know tell say
    im ive id ill thing things way ways best good bad""".split()
)
"""Words that say nothing about *which* topic is meant. "tell", "say" and "yourself"
are here on purpose: vocabulary phrases such as "tell me about yourself" are matched
before stop words are dropped, so the phrase still counts as a whole."""

_POLITE = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|yo)(?: there| all| everyone| guys| team)?\s+)+"
    r"|(?:\s+(?:thanks|thank you|thx|ty|cheers|ta)(?: so much| a lot| in advance| all)?"
    r"(?: in advance)?)+$"
)
_MAX_PHRASE = 5


def plain_words(text: str) -> list[str]:
    """Folded words with contractions expanded and greetings/thanks trimmed."""
    folded = _POLITE.sub("", fold(text)).strip()
    out: list[str] = []
    for word in folded.split():
        out.extend(CONTRACTIONS.get(word, word).split())
    return out


class Vocabulary:
    """Word groups that mean the same thing to a member, plus the words the matcher knows.

    Each group becomes one concept named after its first entry (`~salary` for "salary,
    pay, wage, package..."). Entries may be phrases ("let go", "hear back").
    """

    def __init__(self, groups: Iterable[Iterable[str]] = ()) -> None:
        self._single: dict[str, set[str]] = {}
        self._phrases: dict[tuple[str, ...], set[str]] = {}
        self._known: set[str] = set()
        self._by_letter: dict[str, list[str]] = {}
        self._fixes: dict[str, str | None] = {}
        for group in groups:
            entries = [e for e in group if fold(e)]
            if not entries:
                continue
            concept = "~" + "_".join(fold(entries[0]).split())
            for entry in entries:
                if fold(entry) in CONTRACTIONS:
                    # "id" (as in photo ID) would stand for "i would" once expanded.
                    continue
                words = plain_words(entry)
                self.learn(words)
                key = tuple(stem(w) for w in words)
                if not key:
                    continue
                if len(key) == 1:
                    self._single.setdefault(key[0], set()).add(concept)
                else:
                    self._phrases.setdefault(key[:_MAX_PHRASE], set()).add(concept)

    def learn(self, words: Iterable[str]) -> None:
        """Remember words as correctly spelt (typos are mapped onto these)."""
        for word in words:
            if word not in self._known and word not in STOPWORDS and word.isalpha():
                self._known.add(word)
                self._by_letter.setdefault(word[0], []).append(word)
        self._fixes.clear()

    def correct(self, word: str) -> str | None:
        """The known word `word` is most likely a typo of, or None.

        Only words of four letters or more, keeping the first letter (people rarely
        mistype it, and without this rule "flight" would become "light").
        """
        if word in self._fixes:
            return self._fixes[word]
        fixed: str | None = None
        if len(word) >= 4 and word.isalpha():
            cutoff = 0.74 if len(word) >= 8 else 0.79
            candidates = [
                w for w in self._by_letter.get(word[0], ()) if abs(len(w) - len(word)) <= 2
            ]
            found = process.extractOne(
                word,
                candidates,
                scorer=DamerauLevenshtein.normalized_similarity,
                score_cutoff=cutoff,
            )
            fixed = found[0] if found else None
            if (
                fixed
                and len(word) <= 5
                and len(fixed) == len(word)
                and sorted(fixed) != sorted(word)
                and not _vowel_slip(word, fixed)
            ):
                # One changed letter in a short word is more often another real word
                # ("bread", "break") than a typo; swapped letters ("thnak") still are,
                # and so is one vowel for another ("vidio"): spelling by ear.
                fixed = None
        if len(self._fixes) < 20_000:
            self._fixes[word] = fixed
        return fixed

    def knows(self, word: str) -> bool:
        return word in self._known

    def features(self, text: str) -> tuple[list[str], int]:
        """(features, unknown content words) for `text`.

        Features are content-word stems, their concepts and neighbouring-stem pairs.
        """
        words = plain_words(text)
        stems: list[str] = []
        content: list[bool] = []
        unknown = 0
        for word in words:
            if word in STOPWORDS or word.isdigit():
                stems.append(stem(word))
                content.append(False)
                continue
            if not self.knows(word):
                fixed = self.correct(word)
                if fixed is None:
                    unknown += 1
                else:
                    word = fixed
            stems.append(stem(word))
            content.append(True)
        out: list[str] = []
        for i, s in enumerate(stems):
            if content[i]:
                out.append(s)
                out.extend(self._single.get(s, ()))
            elif s in self._single:
                out.extend(self._single[s])
            for size in range(2, min(_MAX_PHRASE, len(stems) - i) + 1):
                concepts = self._phrases.get(tuple(stems[i : i + size]))
                if concepts:
                    out.extend(concepts)
        kept = [s for s, c in zip(stems, content, strict=True) if c]
        out.extend(f"{a}+{b}" for a, b in pairwise(kept))
        return out, unknown


def _vowel_slip(word: str, known: str) -> bool:
    """True when `word` differs from `known` (same length) in exactly one letter and
    both letters are vowels, the usual slip of someone spelling by ear."""
    diffs = [(a, b) for a, b in zip(word, known, strict=True) if a != b]
    return len(diffs) == 1 and all(c in "aeiouy" for c in diffs[0])
