"""An outline of a stronger answer, rebuilt from the member's own sentences.

Nothing here is invented: each step either quotes what the member wrote (tidied of
filler words) or says, in brackets, what is missing and what to add. A sentence that
raised a flag is never offered: where it would have fitted, the step gets a placeholder and
a short note on what to say instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.content.schema import Question
from bot.review import money, relevance, sensitive, structure
from bot.review import wordlists as wl
from bot.review.concepts import CONCEPTS
from bot.review.model import FLAG_LABELS, OutlineStep
from bot.review.severity import outline_fix
from bot.review.text import Answer, Sentence, hits, quote

_FILLER_WORDS = re.compile(
    r"(?i)(?:,\s*)?(?<![a-z'])(?:um+|uh+|uhm|erm|you know|i mean|basically|literally|"
    r"honestly|actually|to be honest|so yeah|sort of|kind of|kinda|sorta)(?![a-z']),?"
)
QUOTE_LIMIT = 150
MAX_GENERAL_POINTS = 3


def tidy(text: str) -> str:
    """The sentence without filler words, spacing mended, first letter capital."""
    text = _FILLER_WORDS.sub(" ", text)
    text = re.sub(r"\s+([,.?!])", r"\1", re.sub(r"\s{2,}", " ", text))
    text = re.sub(r",(?=\s*[,.?!])", "", text).strip(" ,")
    return text[:1].upper() + text[1:] if text else text


def _q(sentences: Sequence[Sentence]) -> str:
    return " ".join(quote(tidy(s.text), QUOTE_LIMIT) for s in sentences)


class _Builder:
    """Picks sentences for steps, never a flagged one and never one twice."""

    def __init__(self, flagged: Mapping[int, str]) -> None:
        self.flagged = flagged
        self.used: set[int] = set()

    def step(
        self, title: str, candidates: Sequence[Sentence], placeholder: str, take: int = 1
    ) -> OutlineStep:
        usable = [s for s in candidates if s.index not in self.flagged and s.index not in self.used]
        picked = usable[:take]
        if picked:
            self.used.update(s.index for s in picked)
            return OutlineStep(title, quote=_q(picked))
        blocked = next((s for s in candidates if s.index in self.flagged), None)
        fix = outline_fix(self.flagged[blocked.index]) if blocked is not None else None
        return OutlineStep(title, placeholder=placeholder, fix=fix)


def build(answer: Answer, question: Question, flagged: Mapping[int, str]) -> list[OutlineStep]:
    """`flagged`: sentence index → the (most serious) flag that sentence raised."""
    b = _Builder(flagged)
    if question.addresses and "off_topic" in flagged.values():
        # Nothing of theirs to build on: the steps are what the question asks for.
        return [
            OutlineStep(f"{n}. {p.says[:1].upper()}{p.says[1:]}", placeholder=f"[{p.says}]")
            for n, p in enumerate(question.addresses, start=1)
        ]
    if sensitive.applies(question):
        steps = _sensitive(answer, b)
    elif money.applies(question):
        steps = _money(answer, b)
    elif structure.applies(question):
        steps = _ccar(answer, question, b)
    else:
        steps = _general(answer, question, b)
    left = []
    for flag in dict.fromkeys(flagged.values()):
        label = FLAG_LABELS.get(flag, flag)
        if label not in left:
            left.append(label)
    if left:
        steps.append(OutlineStep("Leave out", placeholder="; ".join(left)))
    return steps


def _ccar(answer: Answer, question: Question, b: _Builder) -> list[OutlineStep]:
    parts = structure.classify(answer)
    wanted = structure.PARTS if structure.mode(question) == "ccar" else ("action", "result", "why")
    prompts = {
        "context": "[one line: where you were, your role, roughly when]",
        "challenge": "[what was at stake or in the way?]",
        "action": "[two or three steps you took yourself, each starting with “I…”]",
        "result": "[what changed, with a number if you can]",
        "why": "[who benefited, and why it mattered to them]",
    }
    steps = []
    for part in wanted:
        pool = list(parts.assigned[part]) + [
            s for s in parts.present[part] if s not in parts.assigned[part]
        ]
        take = 2 if part == "action" else 1
        steps.append(b.step(structure.PART_TITLES[part], pool, prompts[part], take))
    return steps


def _sensitive(answer: Answer, b: _Builder) -> list[OutlineStep]:
    asked = sensitive.refocus_question(answer)
    positive = [s for s in sensitive.positive_sentences(answer) if s is not asked]
    facts = [s for s in answer.sentences if not s.is_question]
    usable_positive = [s for s in positive if s.index not in b.flagged]
    facts = [s for s in facts if s not in usable_positive[:1]] or facts
    return [
        b.step(
            "1. The fact, in a sentence or two",
            facts,
            "[what happened, said neutrally and truthfully]",
        ),
        b.step(
            "2. The positive",
            positive,
            "[what you learned, built or finished since, and why you're ready]",
        ),
        b.step(
            "3. Your question back",
            [asked] if asked is not None else [],
            "[e.g. “What would the person in this role need to tackle first?”]",
        ),
    ]


def _money(answer: Answer, b: _Builder) -> list[OutlineStep]:
    basis = [s for s in answer.sentences if money.amounts(s.text) or hits(s.folded, wl.RESEARCH)]
    flexible = [s for s in answer.sentences if hits(s.folded, wl.FLEXIBLE)]
    asked = [s for s in reversed(answer.sentences) if s.is_question]
    return [
        b.step(
            "1. Your range and what it rests on",
            basis,
            "[e.g. “Similar roles pay between … and …, from the salary surveys I checked.”]",
            take=2,
        ),
        b.step(
            "2. Room to move", flexible, "[say the whole package matters: leave, training, hours]"
        ),
        b.step("3. A question back", asked, "[e.g. “What range have you set for the role?”]"),
    ]


def _general(answer: Answer, question: Question, b: _Builder) -> list[OutlineStep]:
    statements = [s for s in answer.sentences if not s.is_question]
    steps = []
    if question.addresses:
        for n, point in enumerate(question.addresses[:MAX_GENERAL_POINTS], start=1):
            asks = any(CONCEPTS[c].questions_count for c in point.concepts if c in CONCEPTS)
            found = [
                s for s in relevance.point_sentences(answer, point) if asks or not s.is_question
            ]
            steps.append(
                b.step(f"{n}. {point.says[:1].upper()}{point.says[1:]}", found, f"[{point.says}]")
            )
    else:
        proof = [s for s in statements if structure.is_concrete(s) or hits(s.folded, wl.EVIDENCE)]
        steps.append(
            b.step("1. Your main point", statements, "[one sentence that answers the question]")
        )
        steps.append(b.step("2. Proof", proof, "[one example: when, what you did, what changed]"))
    asked = [s for s in reversed(answer.sentences) if s.is_question]
    if asked and not any(s.index in b.used for s in asked):
        step = b.step(f"{len(steps) + 1}. Your question", asked, "")
        if step.quote:
            steps.append(step)
    return steps
