"""Confident, not cocky: boasting and claims without evidence, and the opposite, hedging.

Boasting is found two ways: the superlatives in `wordlists.COCKY`, and patterns built from
word groups, for the shapes arrogance takes in any words: a comparative aimed at everyone
else ("sharper than anyone"), nobody matching you ("no one else could do"), them being lucky
("lucky to get me"), the job being too easy ("in my sleep", "beneath me"), and being beyond
fault ("never make mistakes", "no weaknesses").
"""

from __future__ import annotations

import re

from bot.content.schema import Question
from bot.review import money
from bot.review import wordlists as wl
from bot.review.model import DimensionResult, Praise, Problem, Strength
from bot.review.text import Answer, Sentence, count, hits, quote

COCKY_COST, COCKY_MAX = 30, 80
CLAIM_COST, CLAIM_MAX = 25, 50
HEDGE_COST, HEDGE_MAX = 10, 40
HEDGES_ALLOWED = 1

_NUMBER = re.compile(r"[0-9]")
_RIVALS = (
    r"(?:anyone|anybody|everyone|everybody|all of them|the rest|the others|others|"
    r"most people|(?:the\s)?other (?:people|applicants|candidates)|the (?:applicants|candidates)|"
    r"most\s(?:of\s(?:the\s)?)?(?:other\s)?\w+(?:ers|ists|ants|ents|ians|ees)|"
    r"(?:the\s)?people\s(?:they|you)\s(?:usually\s|normally\s|often\s)?(?:get|hire|see|"
    r"interview|meet)|my colleagues|my peers|them|any other)"
    r"(?!\s(?:expected|thought|imagined|predicted|hoped|planned|said))"
)
"""Whom a boast compares the member with: other people (most people, the other candidates,
most managers, the people you usually get), never plain "people" or "most <anything>": "I
finished faster than people expected" and "better than most weeks" compare with a plan."""
_BOASTS = (
    rf"\b(?:i|im|i am|ill|i will|i would|id|my \w+ (?:is|are))\s(?:\w+\s){{0,4}}?(?:better|"
    rf"smarter|faster|sharper|stronger|brighter|cleverer|quicker|more talented|more skilled|"
    rf"more capable)(?:\s\w+){{0,3}}\sthan\s(?:\w+\s)?{_RIVALS}\b",
    r"\b(?:anyone|anybody|someone|a candidate)\s(?:better|sharper|smarter|stronger)\sthan me\b",
    r"\b(?:no one|nobody|noone|none of them|no other \w+)\s(?:else\s)?(?:\w+\s)?(?:can|could|"
    r"will|would)(?:\sever)?(?:\sreally)?\s(?:do|match|compete|beat|touch|keep up|come close|"
    r"compare|replace)\b",
    r"\b(?:cant|cannot|can not|couldnt|could not)\s(?:really\s)?(?:compete|keep up)\swith me\b",
    r"\b(?:lucky|fortunate|privileged|honoured|honored)\sto\s(?:get|have|hire|land|find)\sme\b",
    r"\b(?:you|they)\s(?:wont|will not|will never|would never|wouldnt|cant|cannot|could never)"
    r"\s(?:\w+\s)?find\s(?:anyone|anybody|someone|a better|better)\b",
    r"\bbest\s\w+\s(?:youll|you will|youve|you have|youd|you would)\s(?:ever\s)?(?:meet|see|"
    r"find|hire|had|get|interview)\b",
    r"\b(?:im|i am)\s(?:simply\s|easily\s|clearly\s|obviously\s|honestly\s|just\s)?(?:the|a)\s"
    r"(?:best|greatest|smartest|finest|strongest)\b(?!\s(?:fit|match|way))",
    r"\b(?:in my sleep|with my eyes closed|beneath me|too good for|easiest decision|"
    r"no brainer|keep up with me)\b",
    # "easy for me" is a boast about the work, not about the bus ride or the hours
    r"\b(?:job|role|work|position|tasks?)\s(?:\w+\s){0,3}(?:easy|simple|trivial)\sfor me\b",
    r"\b(?:carried|carry|carrying|carries)\s(?:the\s)?(?:whole\s|entire\s)?(?:team|department|"
    r"company|office|project)\b",
    r"\b(?:im|i am)\s(?:basically\s|simply\s|honestly\s|just\s|a bit of\s)?an?\s(?:\w+\s)?"
    r"(?:genius|rock ?star|ninja|legend|prodigy)\b",
    r"\b(?:mad|crazy|foolish|stupid|insane|silly)\snot\sto\s(?:hire|pick|take|choose|want)\sme\b",
    r"\b(?:slow|useless|lazy|clueless|hopeless|average)\s(?:\w+\s)?compared\s(?:to|with)\sme\b",
    r"\b(?:never|dont|do not)\s(?:ever\s)?(?:make|made)\s(?:a\s|any\s)?mistakes?\b",
    r"\b(?:dont|do not)\shave\s(?:any\s)?(?:real\s)?weakness",
    r"\b(?:no|zero)\s(?:real\s)?weaknesses\b",
    r"\bmy (?:only )?weakness is that i am too (?:good|talented|smart)\b",
    r"\bi am too good\b|\bim too good\b",
    r"\bdont (?:really )?need to prove\b",
    r"\bknow more than (?:anyone|everyone|my manager|them)\b",
    r"\bsingle ?handedly\b",
    r"\b(?:everyone|everybody|every company|they all|all of them)\s(?:\w+\s)?wants? me\b",
)
BOAST = re.compile("|".join(f"(?:{b})" for b in _BOASTS))


CONFIDENT = Praise(
    "Confident without boasting: you let evidence speak, ",
    frozenset({"cocky", "unbacked_claims", "hedging"}),
)
PRAISES = (CONFIDENT,)


def applies(question: Question) -> bool:
    return True


def has_evidence(answer: Answer) -> bool:
    """A number, an example, or a past action the member took."""
    return bool(_NUMBER.search(answer.raw)) or bool(hits(answer.folded, wl.EVIDENCE))


_MODEST = re.compile(
    r"\b(?:i\s)?(?:cant|cannot|can not|dont|do not|wouldnt|would not)\s(?:really\s)?(?:speak "
    r"for|speak about|comment on|know|judge|compare myself (?:to|with))\s(?:the\s)?(?:other\s)?"
    r"(?:candidates|applicants|people you are seeing|people youre seeing)\b"
)
"""Declining to judge the others ("I can't speak for the other candidates") is modesty, not a
boast about them."""


def boasting(sentence: Sentence) -> bool:
    folded = _MODEST.sub(" ", sentence.folded)
    return bool(hits(folded, wl.COCKY)) or bool(BOAST.search(folded))


def check(answer: Answer, question: Question) -> DimensionResult:
    problems: list[Problem] = []
    strengths: list[Strength] = []
    boasts = [s for s in answer.sentences if boasting(s)]
    claims = hits(answer.folded, wl.SELF_CLAIMS)
    claimed_at = [s for s in answer.sentences if hits(s.folded, wl.SELF_CLAIMS)]
    evidence = has_evidence(answer)
    hedges = count(answer.folded, wl.HEDGES)
    notes: list[str] = []

    if boasts:
        words = hits(answer.folded, wl.COCKY)
        shown = ", ".join(f"“{w.rstrip('*')}”" for w in words[:3])
        problems.append(
            Problem(
                "cocky",
                min(COCKY_MAX, COCKY_COST * len(boasts)),
                f"Drop the boasts{f' ({shown})' if shown else ''} and the superlatives. "
                f"{quote(boasts[0].text, 90)} sounds as if you are above the process and the "
                "other candidates; confidence is one example with a number, letting them draw "
                "the conclusion.",
                tuple(s.index for s in boasts),
            )
        )
        notes.append(f"boasting in {len(boasts)} sentence{'s' if len(boasts) > 1 else ''}")
    if claims and not evidence:
        shown = ", ".join(f"“{w.rstrip('*')}”" for w in claims[:3])
        problems.append(
            Problem(
                "unbacked_claims",
                min(CLAIM_MAX, CLAIM_COST * len(claims)),
                f"Back up {shown} with proof. Every candidate says it; one short example "
                "(when, what you did, what changed) makes it believable.",
                tuple(s.index for s in claimed_at),
            )
        )
        notes.append("claims without evidence")
    if hedges > HEDGES_ALLOWED:
        found = hits(answer.folded, wl.HEDGES)
        shown = ", ".join(f"“{w}”" for w in found[:3])
        problems.append(
            Problem(
                "hedging",
                min(HEDGE_MAX, HEDGE_COST * (hedges - HEDGES_ALLOWED)),
                f"Drop the hedges ({shown}). Say what you did and what happened as facts; you "
                "were there, so you can say it plainly.",
                tuple(s.index for s in answer.sentences if hits(s.folded, wl.HEDGES)),
            )
        )
        notes.append(f"{hedges} hedges")

    score = max(0, 100 - sum(p.cost for p in problems))
    if not boasts and evidence:
        proof = [
            s
            for s in answer.sentences
            if hits(s.folded, wl.EVIDENCE) or (_NUMBER.search(s.text) and not money.amounts(s.text))
        ]
        if proof:
            strengths.append(Strength(4, CONFIDENT.lead, tuple(proof)))
    note = "Measured tone, no boasting." if not notes else "Found " + "; ".join(notes) + "."
    return DimensionResult("confidence", score, note, tuple(problems), tuple(strengths))
