"""An outline of a stronger answer, rebuilt from the member's own sentences.

Nothing here is invented: each line either quotes what the member wrote (tidied of
filler words) or says, in brackets, what is missing and what to add.
"""

from __future__ import annotations

import re

from bot.content.schema import Question
from bot.review import money, sensitive, structure
from bot.review import wordlists as wl
from bot.review.framing import left_out
from bot.review.text import Answer, Sentence, hits, quote

_FILLER_WORDS = re.compile(
    r"(?i)(?:,\s*)?(?<![a-z'])(?:um+|uh+|uhm|erm|you know|i mean|basically|literally|"
    r"honestly|actually|to be honest|so yeah|sort of|kind of|kinda|sorta)(?![a-z']),?"
)
QUOTE_LIMIT = 150
MAX_LEFT_OUT = 2


def tidy(text: str) -> str:
    """The sentence without filler words, spacing mended, first letter capital."""
    text = _FILLER_WORDS.sub(" ", text)
    text = re.sub(r"\s+([,.?!])", r"\1", re.sub(r"\s{2,}", " ", text))
    text = re.sub(r",(?=\s*[,.?!])", "", text).strip(" ,")
    return text[:1].upper() + text[1:] if text else text


def _q(s: Sentence) -> str:
    return quote(tidy(s.text), QUOTE_LIMIT)


def build(answer: Answer, question: Question) -> list[str]:
    dropped = left_out(answer, question)
    if sensitive.applies(question):
        lines = _sensitive(answer, dropped)
    elif money.applies(question):
        lines = _money(answer, dropped)
    elif structure.applies(question):
        lines = _ccar(answer, question, dropped)
    else:
        lines = _general(answer, dropped)
    if dropped:
        shown = " ".join(quote(tidy(s.text), 70) for s in dropped[:MAX_LEFT_OUT])
        lines.append(f"Leave out: {shown}")
    return lines


def _ccar(answer: Answer, question: Question, dropped: list[Sentence]) -> list[str]:
    parts = structure.classify(answer)
    used: set[int] = set()
    lines: list[str] = []
    wanted = structure.PARTS if structure.mode(question) == "ccar" else ("action", "result", "why")
    prompts = {
        "context": "[one line: where you were, your role, roughly when]",
        "challenge": "[what was at stake or in the way?]",
        "action": "[two or three steps you took yourself, each starting with “I…”]",
        "result": "[what changed, with a number if you can]",
        "why": "[who benefited, and why it mattered to them]",
    }
    for part in wanted:
        pool = [s for s in parts.assigned[part] if s not in dropped and s.index not in used]
        if not pool:
            pool = [s for s in parts.present[part] if s not in dropped and s.index not in used]
        picked = pool[: 2 if part == "action" else 1]
        used.update(s.index for s in picked)
        title = structure.PART_TITLES[part]
        if picked:
            lines.append(f"{title}: " + " ".join(_q(s) for s in picked))
        else:
            lines.append(f"{title}: {prompts[part]}")
    return lines


def _sensitive(answer: Answer, dropped: list[Sentence]) -> list[str]:
    keep = [s for s in answer.sentences if s not in dropped]
    asked = sensitive.refocus_question(answer)
    positive = [s for s in sensitive.positive_sentences(answer) if s in keep and s is not asked]
    facts = [s for s in keep if not s.is_question and s not in positive[:1]]
    fact = facts[0] if facts else None
    good = next((s for s in positive if s is not fact), None)
    return [
        "1. The fact, in a sentence or two: "
        + (_q(fact) if fact else "[what happened, said neutrally and truthfully]"),
        "2. The positive: "
        + (
            _q(good)
            if good
            else "[what you learned, built or finished since, and why you're ready]"
        ),
        "3. Your question back: "
        + (
            _q(asked)
            if asked
            else "[e.g. “What would the person in this role need to tackle first?”]"
        ),
    ]


def _money(answer: Answer, dropped: list[Sentence]) -> list[str]:
    keep = [s for s in answer.sentences if s not in dropped]
    basis = [s for s in keep if money.amounts(s.text) or hits(s.folded, wl.RESEARCH)]
    flexible = [s for s in keep if hits(s.folded, wl.FLEXIBLE) and s not in basis[:2]]
    asked = next((s for s in reversed(keep) if s.is_question), None)
    return [
        "1. Your range and what it rests on: "
        + (
            " ".join(_q(s) for s in basis[:2])
            if basis
            else "[e.g. “Similar roles pay between … and …, from the salary surveys I checked.”]"
        ),
        "2. Room to move: "
        + (
            _q(flexible[0])
            if flexible
            else "[say the whole package matters: leave, training, hours]"
        ),
        "3. A question back: "
        + (_q(asked) if asked else "[e.g. “What range have you set for the role?”]"),
    ]


def _general(answer: Answer, dropped: list[Sentence]) -> list[str]:
    keep = [s for s in answer.sentences if s not in dropped and not s.is_question]
    point = keep[0] if keep else None
    proof = next(
        (
            s
            for s in keep
            if s is not point and (structure.is_concrete(s) or hits(s.folded, wl.EVIDENCE))
        ),
        None,
    )
    link = next(
        (
            s
            for s in keep
            if s not in (point, proof) and hits(s.folded, ("role", "team", "you", "your", "here"))
        ),
        None,
    )
    asked = next((s for s in reversed(answer.sentences) if s.is_question), None)
    lines = [
        "1. Your main point: "
        + (_q(point) if point else "[one sentence that answers the question]"),
        "2. Proof: " + (_q(proof) if proof else "[one example: when, what you did, what changed]"),
        "3. Why it fits this role: " + (_q(link) if link else "[link it to what this team needs]"),
    ]
    if asked is not None:
        lines.append("4. Your question: " + _q(asked))
    return lines
