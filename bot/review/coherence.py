"""Coherence: messages in one feedback that cannot both be true, found by rule.

A member stops trusting feedback that praises "a concrete result" and then asks for a
result, or calls an answer both "a little short" and "too short". The reviewer is built so
this never happens (flagged sentences are never quoted as good, strengths of a dimension
come only without its problem); `contradictions` checks it from the outside, for
bench/eval_review.py and the tests, so a change that breaks it shows up as a number.
"""

from __future__ import annotations

from bot.review.model import FLAG_FAMILIES, Review

PRAISE_CONTRADICTS: tuple[tuple[str, frozenset[str]], ...] = (
    ("A concrete result", frozenset({"no_result", "vague_result"})),
    ("You said why it mattered", frozenset({"no_why"})),
    ("Clear ownership of the action", frozenset({"we_not_i", "no_action"})),
    ("All four CCAR parts", frozenset({"no_result", "no_action", "no_context", "no_challenge"})),
    ("Good length", frozenset({"too_short", "too_long", "a_bit_short", "a_bit_long"})),
    ("Brief:", frozenset({"not_brief", "too_long", "a_bit_long", "too_short", "a_bit_short"})),
    ("A range, not a single number", frozenset({"single_number", "no_range"})),
    ("You showed your homework", frozenset({"no_research"})),
    ("Flexible without underselling", frozenset({"inflexible", "no_flexibility"})),
    ("You handed it back with a question", frozenset({"no_question_back"})),
    ("You ended by turning the talk back", frozenset({"no_refocus", "refocus_not_last"})),
    ("Plain words", frozenset({"jargon", "acronyms"})),
    ("No jargon or acronyms", frozenset({"jargon", "acronyms"})),
    ("No filler words", frozenset({"fillers"})),
    ("Nothing negative about anyone", frozenset({"blame", "negative", "private_details"})),
    ("Positive, forward-looking", frozenset({"blame", "negative", "not_positive"})),
    ("Positive and truthful", frozenset({"blame", "negative", "not_positive"})),
    ("Confident without boasting", frozenset({"cocky", "unbacked_claims", "hedging"})),
)
"""A strength that starts with the text on the left says the answer is free of the flags on
the right: both in one feedback contradict each other."""

RULES_OUT_NOTHING: tuple[str, ...] = ()
"""Leads of strengths that deny no flag. Every `Strength` the reviewer can give starts with a
lead above or here: tests/test_review_findings.py reads each module's `Strength(...)` calls,
so a reworded or new strength cannot silently escape this check."""


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
