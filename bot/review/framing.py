"""Framing: negative words, blaming a former employer or boss, private details, apologising."""

from __future__ import annotations

from bot.content.schema import Question
from bot.review import wordlists as wl
from bot.review.model import DimensionResult, Problem, Strength
from bot.review.text import Answer, Sentence, hits, quote

NEGATIVE_COST, NEGATIVE_MAX = 15, 45
BLAME_COST, BLAME_MAX = 50, 80
PRIVATE_COST, PRIVATE_MAX = 35, 60
APOLOGY_COST, APOLOGY_MAX = 20, 40


def applies(question: Question) -> bool:
    return True


def blaming(sentence: Sentence, pronouns: bool = True) -> bool:
    """A sentence that names someone (a boss, the company, "they") and pins fault on them.

    With `pronouns` off (stories about clients or colleagues), only a named boss, company or
    colleague counts: "they refused to sign off" is the challenge of a story, not blame.
    """
    actors = wl.BLAME_ACTORS + wl.BLAME_PRONOUNS if pronouns else wl.BLAME_ACTORS
    return bool(hits(sentence.folded, actors)) and bool(hits(sentence.folded, wl.BLAME_MARKERS))


def pronouns_blame(question: Question) -> bool:
    return "sensitive" in question.flags


def left_out(answer: Answer, question: Question) -> list[Sentence]:
    """Sentences a stronger answer would drop: blame, negativity, boasting, private details
    and apologies."""
    pronouns = pronouns_blame(question)
    return [
        s
        for s in answer.sentences
        if blaming(s, pronouns)
        or hits(s.folded, wl.PRIVATE)
        or hits(s.folded, wl.APOLOGY)
        or hits(s.folded, ("fault", "blame*"))
        or hits(s.folded, wl.NEGATIVE)
        or hits(s.folded, wl.COCKY)
    ]


def check(answer: Answer, question: Question) -> DimensionResult:
    problems: list[Problem] = []
    strengths: list[Strength] = []
    blame = [s for s in answer.sentences if blaming(s, pronouns_blame(question))]
    negative = hits(answer.folded, wl.NEGATIVE)
    private = hits(answer.folded, wl.PRIVATE)
    sorry = hits(answer.folded, wl.APOLOGY)
    notes: list[str] = []

    if blame:
        cost = min(BLAME_MAX, BLAME_COST * len(blame))
        problems.append(
            Problem(
                "blame",
                cost,
                f"Leave your former boss or employer out of it. {quote(blame[0].text)} puts the "
                "blame on someone who is not in the room, and interviewers hear it as how you "
                "would talk about them one day. Say what happened in one neutral sentence, "
                "then what you took from it.",
            )
        )
        notes.append(f"blame in {len(blame)} sentence{'s' if len(blame) > 1 else ''}")
    if negative:
        cost = min(NEGATIVE_MAX, NEGATIVE_COST * len(negative))
        shown = ", ".join(f"“{w.rstrip('*')}”" for w in negative[:4])
        problems.append(
            Problem(
                "negative",
                cost,
                f"Swap the negative words ({shown}) for neutral ones. You can be honest about a "
                "hard time without sounding bitter: “it wasn't the right fit” says enough.",
            )
        )
        notes.append(f"negative words: {', '.join(w.rstrip('*') for w in negative[:4])}")
    if private:
        cost = min(PRIVATE_MAX, PRIVATE_COST * len(private))
        problems.append(
            Problem(
                "private_details",
                cost,
                "Keep private details private. You don't owe them your personal or health "
                "story; “for personal reasons that are now resolved” is truthful and enough.",
            )
        )
        notes.append("private details")
    if sorry:
        cost = min(APOLOGY_MAX, APOLOGY_COST * len(sorry))
        shown = ", ".join(f"“{w.rstrip('*')}”" for w in sorry[:3])
        problems.append(
            Problem(
                "apologising",
                cost,
                f"Stop apologising ({shown}). State the fact plainly and move to what you did "
                "with the time; an apology invites them to see it as a problem.",
            )
        )
        notes.append("apologising")

    score = max(0, 100 - sum(p.cost for p in problems))
    positive = [s for s in answer.sentences if hits(s.folded, wl.POSITIVE) and s not in blame]
    if not problems and positive:
        strengths.append(
            Strength(5, f"Positive, forward-looking framing: {quote(positive[0].text)}")
        )
    elif not problems:
        strengths.append(Strength(1, "Nothing negative about anyone, and no private details."))
    note = "No negative framing found." if not notes else "Found " + "; ".join(notes) + "."
    return DimensionResult(
        "framing",
        score,
        note,
        tuple(problems),
        tuple(strengths),
    )
