"""Coherence: messages in one feedback that cannot both be true, found by rule.

A member stops trusting feedback that praises "a concrete result" and then asks for a
result, or calls an answer both "a little short" and "too short". The reviewer is built so
this never happens (flagged sentences are never quoted as good, strengths of a dimension
come only without its problem); `contradictions` checks it from the outside, for
bench/eval_review.py and the tests, so a change that breaks it shows up as a number.
"""

from __future__ import annotations

from bot.review import confidence, framing, length, money, plain, sensitive, structure, wording
from bot.review.model import FLAG_FAMILIES, Review

PRAISE_MODULES = (structure, length, sensitive, money, plain, wording, framing, confidence)
"""The modules that give strengths; each declares its praise in `PRAISES`."""
PRAISE_CONTRADICTS: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (praise.lead, praise.rules_out) for module in PRAISE_MODULES for praise in module.PRAISES
)
"""A strength that starts with the lead on the left says the answer is free of the flags on
the right: both in one feedback contradict each other. Read from the `Praise` each module
builds its strengths from, so a reworded strength carries its check with it
(tests/test_review_findings.py checks every `Strength(...)` is built from a declared one)."""


DEGREES = (("a_bit_short", "too_short"), ("a_bit_long", "too_long"))
"""A flaw said in two degrees at once ("a little short" and "too short")."""


def contradictions(review: Review) -> list[str]:
    """Pairs of messages in one review that cannot both be true, by rule."""
    found: list[str] = []
    flags = set(review.flags)
    for strength in review.strengths:
        for lead, against in PRAISE_CONTRADICTS:
            clash = sorted(against & flags)
            if strength.startswith(lead) and clash:
                found.append(f"praise {lead!r} beside flag {'/'.join(clash)}")
    for mild, strong in DEGREES:
        if mild in flags and strong in flags:
            found.append(f"two degrees of one flaw: {mild} and {strong}")
    short = {f for f in flags if FLAG_FAMILIES.get(f) == "short"}
    long = {f for f in flags if FLAG_FAMILIES.get(f) == "long"}
    if short and long:
        found.append("too short and too long at once")
    if review.main_fix is not None and review.main_fix.flag not in flags:
        found.append(f"main fix {review.main_fix.flag} is not among the flags")
    if review.main_fix is None and review.serious:
        found.append("nothing to fix, beside a serious flag")
    if "off_topic" in flags and review.strengths:
        found.append("praise for an off-topic answer")
    bad = {s for sentences in review.flagged.values() for s in sentences}
    for strength in review.strengths:
        for sentence in bad:
            if len(sentence) > 20 and sentence[:60] in strength:
                found.append(f"a flagged sentence quoted as a strength: {sentence[:50]!r}")
    for step in review.outline:
        if step.quote and step.quote in bad:
            found.append(f"a flagged sentence offered in the outline: {step.quote[:50]!r}")
    return found
