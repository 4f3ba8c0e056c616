"""Confident, not cocky: superlatives and claims without evidence, and the opposite, hedging."""

from __future__ import annotations

import re

from bot.content.schema import Question
from bot.review import wordlists as wl
from bot.review.model import DimensionResult, Problem, Strength
from bot.review.text import Answer, count, hits, quote

COCKY_COST, COCKY_MAX = 30, 80
CLAIM_COST, CLAIM_MAX = 25, 50
HEDGE_COST, HEDGE_MAX = 10, 40
HEDGES_ALLOWED = 1

_NUMBER = re.compile(r"[0-9]")


def applies(question: Question) -> bool:
    return True


def has_evidence(answer: Answer) -> bool:
    """A number, an example, or a past action the member took."""
    return bool(_NUMBER.search(answer.raw)) or bool(hits(answer.folded, wl.EVIDENCE))


def check(answer: Answer, question: Question) -> DimensionResult:
    problems: list[Problem] = []
    strengths: list[Strength] = []
    cocky = hits(answer.folded, wl.COCKY)
    claims = hits(answer.folded, wl.SELF_CLAIMS)
    evidence = has_evidence(answer)
    hedges = count(answer.folded, wl.HEDGES)
    notes: list[str] = []

    if cocky:
        shown = ", ".join(f"“{w.rstrip('*')}”" for w in cocky[:3])
        boast = next(s for s in answer.sentences if hits(s.folded, cocky))
        problems.append(
            Problem(
                "cocky",
                min(COCKY_MAX, COCKY_COST * len(cocky)),
                f"Tone down the superlatives ({shown}). {quote(boast.text, 90)} sounds as if you "
                "are above the process; swap the claim for one example with a number and let "
                "them draw the conclusion.",
            )
        )
        notes.append(f"superlatives: {', '.join(w.rstrip('*') for w in cocky[:3])}")
    if claims and not evidence:
        shown = ", ".join(f"“{w.rstrip('*')}”" for w in claims[:3])
        problems.append(
            Problem(
                "unbacked_claims",
                min(CLAIM_MAX, CLAIM_COST * len(claims)),
                f"Back up {shown} with proof. Every candidate says it; one short example "
                "(when, what you did, what changed) makes it believable.",
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
            )
        )
        notes.append(f"{hedges} hedges")

    score = max(0, 100 - sum(p.cost for p in problems))
    if not cocky and evidence and (claims or _NUMBER.search(answer.raw)):
        proof = next(
            (s for s in answer.sentences if _NUMBER.search(s.text)),
            None,
        ) or next((s for s in answer.sentences if hits(s.folded, wl.EVIDENCE)), None)
        if proof is not None:
            strengths.append(
                Strength(
                    4,
                    f"Confident without boasting: you let evidence speak, {quote(proof.text, 90)}",
                )
            )
    note = "Measured tone, no superlatives." if not notes else "Found " + "; ".join(notes) + "."
    return DimensionResult("confidence", score, note, tuple(problems), tuple(strengths))
