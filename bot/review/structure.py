"""Structure: which CCAR parts are there, whether the result is concrete and says why it
mattered, and whether the member says "I" for their own part."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content.schema import Question
from bot.review import wordlists as wl
from bot.review.model import DimensionResult, Praise, Problem, Strength
from bot.review.text import Answer, Sentence, count, hits, quote, spans
from bot.text import fold

PARTS = ("context", "challenge", "action", "result", "why")
PART_TITLES = {
    "context": "Context",
    "challenge": "Challenge",
    "action": "Action",
    "result": "Result",
    "why": "Why it mattered",
}
CCAR_POINTS = {"context": 10, "challenge": 10, "action": 25, "result": 25, "why": 15}
CONCRETE_POINTS = 15
EVIDENCE_POINTS = {"action": 35, "result": 30, "why": 20}
EVIDENCE_CONCRETE = 15
WE_COST = 25

CONCRETE_RESULT = Praise("A concrete result: ", frozenset({"no_result", "vague_result"}))
SAID_WHY = Praise("You said why it mattered: ", frozenset({"no_why"}))
OWNERSHIP = Praise("Clear ownership of the action: ", frozenset({"we_not_i", "no_action"}))
ALL_FOUR = Praise(
    "All four CCAR parts are there: context, challenge, action and result.",
    frozenset({"no_result", "no_action", "no_context", "no_challenge"}),
)
PRAISES = (CONCRETE_RESULT, SAID_WHY, OWNERSHIP, ALL_FOUR)

_YEAR = re.compile(r"(?<![0-9])(19|20)[0-9]{2}(?![0-9])")
_NUMBER = re.compile(r"[0-9]|[£$€%]")
_ACTOR_VERB = re.compile(
    r"(?<![a-z0-9])(i|we)\s(?:(?:then|also|quickly|first|personally|immediately|finally|"
    r"carefully|soon|eventually|together|instead)\s)?([a-z]+)(?![a-z0-9])"
)


_FILLER_PHRASES = re.compile(
    r"(?<![a-z0-9])(?:" + "|".join(re.escape(f) for f in (*wl.FILLERS, "like")) + r")(?![a-z0-9])"
)


def mode(question: Question) -> str | None:
    """`ccar` for story questions, `evidence` for claims that need proof, else None."""
    if "sensitive" in question.flags or "money" in question.flags:
        return None
    text, strong = fold(question.text), fold(question.strong_answer)
    if question.category == "behavioural" or "a time" in text:
        return "ccar"
    if "ccar" in strong:
        return "ccar"
    if question.category in ("skills-value", "non-technical"):
        return "evidence"
    if any(w in strong for w in ("result", "example", "proof", "evidence", "story")):
        return "evidence"
    return None


def applies(question: Question) -> bool:
    return mode(question) is not None


def action_owner(sentence: Sentence) -> str | None:
    """`i` or `we` when the sentence says someone did something, else None."""
    plain = " ".join(_FILLER_PHRASES.sub(" ", sentence.folded).split())
    for match in _ACTOR_VERB.finditer(plain):
        who, verb = match.groups()
        if verb in wl.NOT_ACTIONS:
            continue
        if (len(verb) > 4 and verb.endswith("ed")) or verb in wl.ACTION_VERBS_IRREGULAR:
            return who
    return None


NEAR = 4
"""How many words away a number may sit for a weak result word to count."""
_DIGIT = re.compile(r"[0-9]")


def _is_number(token: str) -> bool:
    return bool(_DIGIT.search(token)) or bool(hits(token, wl.NUMBER_WORDS))


def _results_near_number(folded: str) -> int:
    """Weak result words ("stars", "raised", "later") that have a number within `NEAR` words:
    "gave us five stars" and "three months later" report an outcome, "I raised it with my
    manager" does not."""
    tokens = folded.split()
    found = 0
    for start, end in spans(folded, wl.RESULT_NEAR_NUMBER):
        nearby = tokens[max(0, start - NEAR) : start] + tokens[end : end + NEAR]
        found += any(_is_number(t) for t in nearby)
    return found


def cues(sentence: Sentence) -> dict[str, int]:
    """How strongly a sentence reads as each CCAR part."""
    f = sentence.folded
    return {
        "context": count(f, wl.CONTEXT) + len(_YEAR.findall(sentence.text)),
        "challenge": count(f, wl.CHALLENGE),
        "action": 1 if action_owner(sentence) else 0,
        "result": count(f, wl.RESULT) + _results_near_number(f),
        "why": count(f, wl.WHY),
    }


def is_concrete(sentence: Sentence) -> bool:
    return bool(_NUMBER.search(sentence.text)) or bool(hits(sentence.folded, wl.CONCRETE))


@dataclass(frozen=True)
class Parts:
    """Sentences per CCAR part (a sentence sits in one part) and which parts have cues."""

    assigned: dict[str, list[Sentence]]
    present: dict[str, list[Sentence]]


_PREFERENCE = {"context": 1.0, "challenge": 1.0, "action": 1.5, "result": 1.3, "why": 1.1}


def classify(answer: Answer) -> Parts:
    assigned: dict[str, list[Sentence]] = {p: [] for p in PARTS}
    present: dict[str, list[Sentence]] = {p: [] for p in PARTS}
    previous = "context"
    for s in answer.sentences:
        found = cues(s)
        for part, n in found.items():
            if n:
                present[part].append(s)
        weighted = {p: found[p] * _PREFERENCE[p] for p in PARTS}
        if s.index == 0:
            weighted["context"] += 0.5
        best = max(PARTS, key=lambda p: (weighted[p], -PARTS.index(p)))
        if weighted[best] == 0:
            best = previous
        assigned[best].append(s)
        previous = best
    return Parts(assigned, present)


def ownership(answer: Answer) -> tuple[int, int]:
    """How often the member says I/me/my, and we/us/our."""
    words = answer.words
    return (
        sum(1 for w in words if w in wl.I_WORDS),
        sum(1 for w in words if w in wl.WE_WORDS),
    )


def check(answer: Answer, question: Question) -> DimensionResult:
    how = mode(question) or "ccar"
    parts = classify(answer)
    present = {p: bool(parts.present[p]) for p in PARTS}
    results = parts.assigned["result"] or parts.present["result"]
    concrete = [s for s in results if is_concrete(s)]
    i_count, we_count = ownership(answer)
    problems: list[Problem] = []
    strengths: list[Strength] = []
    if how == "ccar":
        points = dict(CCAR_POINTS)
        concrete_points = CONCRETE_POINTS
        required = PARTS
    else:
        points = dict(EVIDENCE_POINTS)
        concrete_points = EVIDENCE_CONCRETE
        required = ("action", "result", "why")
    score = sum(points[p] for p in required if present[p])
    if concrete:
        score += concrete_points

    if not present["result"]:
        problems.append(
            Problem(
                "no_result",
                points["result"] + concrete_points,
                "Finish with the result. The answer stops at what was done: add what changed "
                "because of it, with a number if you can (time saved, complaints down, a "
                "deadline met), then one line on who benefited.",
            )
        )
    elif not concrete:
        problems.append(
            Problem(
                "vague_result",
                concrete_points,
                f"Make the result concrete: {quote(results[0].text)} How much, how many, how "
                "fast, or what could people do afterwards that they could not before?",
                tuple(s.index for s in results),
            )
        )
    if present["result"] and not present["why"]:
        problems.append(
            Problem(
                "no_why",
                points["why"],
                "Say why it mattered. After the result, add who benefited and how; that is the "
                "part that makes an interviewer care about what you did.",
            )
        )
    if not present["action"]:
        problems.append(
            Problem(
                "no_action",
                points["action"],
                "Put yourself in it: say what you personally did, in two or three steps, each "
                "starting with “I…” (I mapped…, I asked…, I changed…).",
            )
        )
    if how == "ccar" and not present["context"]:
        problems.append(
            Problem(
                "no_context",
                points["context"],
                "Open with one line of context: where you were, your role, and roughly when.",
            )
        )
    if how == "ccar" and not present["challenge"]:
        problems.append(
            Problem(
                "no_challenge",
                points["challenge"],
                "Name the challenge: what was at stake or in the way? Without it the action has "
                "nothing to push against.",
            )
        )
    if we_count >= 3 and we_count > i_count:
        we_sentences = [s for s in answer.sentences if action_owner(s) == "we"]
        we_sentence = next(
            (s for s in answer.sentences if any(w in wl.WE_WORDS for w in s.folded.split())),
            None,
        )
        example = f" For example {quote(we_sentence.text, 90)}" if we_sentence else ""
        problems.append(
            Problem(
                "we_not_i",
                WE_COST,
                f"Say “I” for your own part: you said “we” {we_count} times and “I” {i_count} "
                f"times, so what you did is hard to see.{example} Who did which step?",
                tuple(s.index for s in we_sentences),
            )
        )
        score -= WE_COST

    if concrete:
        strengths.append(Strength(6, CONCRETE_RESULT.lead, tuple(concrete)))
    if present["why"]:
        strengths.append(Strength(5, SAID_WHY.lead, tuple(parts.present["why"])))
    own = [s for s in answer.sentences if action_owner(s) == "i"]
    if own and i_count >= we_count:
        strengths.append(Strength(4, OWNERSHIP.lead, tuple(own)))
    if how == "ccar" and all(present[p] for p in ("context", "challenge", "action", "result")):
        strengths.append(Strength(3, ALL_FOUR.lead))

    found = [PART_TITLES[p].lower() for p in required if present[p]]
    missing = [PART_TITLES[p].lower() for p in required if not present[p]]
    note = f"Found: {', '.join(found) or 'none of the parts'}"
    if missing:
        note += f"; missing: {', '.join(missing)}"
    note += f". “I” ×{i_count}, “we” ×{we_count}."
    return DimensionResult(
        "structure", max(0, min(100, score)), note, tuple(problems), tuple(strengths)
    )
