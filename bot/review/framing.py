"""Framing: negative words, blaming or badmouthing people, private details, apologising."""

from __future__ import annotations

import re

from bot.content.schema import Question
from bot.review import wordlists as wl
from bot.review.model import DimensionResult, Praise, Problem, Strength
from bot.review.text import Answer, Sentence, hits, quote

NEGATIVE_COST, NEGATIVE_MAX = 15, 45
BLAME_COST, BLAME_MAX = 50, 80
PRIVATE_COST, PRIVATE_MAX = 35, 60
APOLOGY_COST, APOLOGY_MAX = 20, 40


FORWARD = Praise(
    "Positive, forward-looking framing: ", frozenset({"blame", "negative", "not_positive"})
)
NOTHING_NEGATIVE = Praise(
    "Nothing negative about anyone, and no private details.",
    frozenset({"blame", "negative", "private_details"}),
)
PRAISES = (FORWARD, NOTHING_NEGATIVE)


def applies(question: Question) -> bool:
    return True


def _pattern(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


_FAMILY = (
    r"(?:husband|wife|partner|boyfriend|girlfriend|ex|mother|father|mum|mom|dad|parents|"
    r"brother|sister|son|daughter|in laws|family|kids|children)"
    # "our sister shop", "a family business", "the parent company" are not relatives
    r"(?!\s(?:shop|shops|company|companies|hotel|hotels|store|stores|site|sites|branch|"
    r"branches|brand|brands|firm|office|business|businesses|restaurant|organi[sz]ation|school|"
    r"plant|paper|ship|charity|run|owned))"
)
_CONFLICT = (
    r"(?:fight|fighting|fights|fought|argue|arguing|arguments?|rows|split up|split from|"
    r"separat\w*|broke up|falling out|fell out|abus\w*|violen\w*|kicked me out|walked out|"
    r"left me|drama|estranged|cheat\w*|affair)"
)
_MONEY = r"(?:rent|bills|mortgage|savings|money|overdraft|loans?|credit cards?|payments|debts?)"
_TROUBLE = (
    r"(?:behind|piling|running out|ran out|almost gone|nearly gone|all gone|gone|maxed|"
    r"cant afford|cannot afford|struggling|owe|arrears|cant pay|cannot pay|to clear|to pay off)"
)
PRIVATE_DETAIL = _pattern(
    # health, named in detail ("a health matter now behind me" is fine and not caught); a
    # nurse's "stroke ward" or a pharmacist's "medication" is work, so most terms need "my",
    # "had" or "I was" beside them
    r"\b(?:diagnosed with|my diagnosis|my (?:cancer|tumou?r|illness|condition|surgery|"
    r"operation|treatment|therapist|therapy|medication|meds|doctor|depression|anxiety|"
    r"breakdown|stroke|pregnancy|miscarriage|addiction|recovery|burnout|mental health|"
    r"health problems|stitches)|had (?:cancer|a tumou?r|surgery|an operation|a stroke|a heart "
    r"attack|a breakdown|a miscarriage|burnout)|(?:i am|im|i was|i got|was)\s(?:pregnant|"
    r"depressed|in rehab|in hospital|an alcoholic|an addict|sober|on medication|on "
    r"antidepressants|signed off|burnt out|burned out)|having \w+ surgery|\w+ surgery next|"
    r"surgery on my|radiotherapy|antidepressants?|(?:with|from|of|suffer\w* from)\s"
    r"(?:depression|anxiety|burnout)|mental health (?:problems|issues|crisis)|nervous breakdown|"
    r"eating disorder|overdose|suicid\w*|self harm|alcohol problem|drinking problem|gambling "
    r"problem|ptsd|bipolar|the stitches|been sober|in therapy|sick note)\b",
    # family conflict
    r"\b(?:divorc\w*|custody|separation|my ex|domestic)\b",
    rf"\b{_FAMILY}\b.*\b{_CONFLICT}\b|\b{_CONFLICT}\b.*\b{_FAMILY}\b",
    # money trouble
    r"\b(?:bankrupt\w*|bailiffs?|evict\w*|repossess\w*|in debt|my debts|payday loans?|"
    r"overdraft|arrears)\b",
    r"\bmoney (?:is|was|has been|s) (?:very |really |so |a bit )?tight\b",
    r"\bmy (?:rent|mortgage|bills) (?:went|has gone|have gone|is going|are going|keeps going) up\b",
    rf"\b{_MONEY}\b.*\b{_TROUBLE}\b|\b{_TROUBLE}\b.*\b(?:on|with) (?:my|the) {_MONEY}\b",
)
BADMOUTH = _pattern(
    r"\b(?:idiots?|clueless|lazy|hopeless|amateurs?|bully|bullied|bullying|dead weight|rigged|"
    r"incompetent|useless|pathetic|disorgani[sz]ed|chaotic|a joke|a mess|a shambles|"
    r"backstabb\w*|two faced|spineless|jealous|corrupt)\b",
    r"\b(?:no one|nobody|none of them|noone)\s(?:\w+\s)?(?:knew|knows|had a clue|had any idea|"
    r"cared|bothered|listened)\b",
    r"\b(?:didnt|did not|dont|do not)\sknow what (?:they|he|she) (?:was|were|are|is) doing\b",
    r"\b(?:their|his|her|the companys|managements?) fault\b",
    r"\b(?:had it in for me|out to get me|set me up|under the bus|took the credit|stole the "
    r"credit|took credit|held me back|let me down|took advantage|treated me badly|got rid of me)\b",
    r"\bblamed me\b|\bblamed (?:the \w+ )?instead of\b",
    r"\b(?:only|all) because of me\b",
    r"\b(?:not|wasnt|was not|isnt|is not)\s(?:entirely\s)?my fault\b|\bentirely their fault\b",
)


_SOFTENED = re.compile(
    r"\b(?:less|no longer|not|never|far from|nowhere near|fewer)\s(?:as\s|so\s|at all\s|"
    r"(?:a lot|much|far|a bit)\s(?:less\s)?)?$"
)
"""A fault word with "less", "no longer" or "not" before it says things got better ("the
schedules were a lot less chaotic"), not that someone was at fault."""


def _badmouths(folded: str) -> bool:
    for match in BADMOUTH.finditer(folded):
        before = folded[max(0, match.start() - 24) : match.start()]
        if _SOFTENED.search(before) is None:
            return True
    return False


def blaming(sentence: Sentence, pronouns: bool = True) -> bool:
    """A sentence that names someone (a boss, the company, "they") and pins fault on them,
    or that badmouths a person or an employer outright ("the team were dead weight").

    With `pronouns` off (stories about clients or colleagues), only a named boss, company or
    colleague counts: "they refused to sign off" is the challenge of a story, not blame.
    """
    actors = wl.BLAME_ACTORS + wl.BLAME_PRONOUNS if pronouns else wl.BLAME_ACTORS
    named = bool(hits(sentence.folded, actors))
    if named and hits(sentence.folded, wl.BLAME_MARKERS):
        return True
    return _badmouths(sentence.folded) and (named or _about_people(sentence))


def _about_people(sentence: Sentence) -> bool:
    return bool(
        hits(
            sentence.folded,
            (
                "they",
                "he",
                "she",
                "them",
                "people",
                "everyone",
                "everybody",
                "nobody",
                "no one",
                "staff",
                "the rest",
                "employers",
                "recruiters",
                "the market",
                "their",
                "his",
                "her",
                "not my fault",
                "wasnt my fault",
                "because of me",
            ),
        )
    )


def pronouns_blame(question: Question) -> bool:
    return "sensitive" in question.flags


def private(sentence: Sentence) -> bool:
    """Health, family-conflict or money-trouble detail that the member does not owe anyone."""
    return bool(PRIVATE_DETAIL.search(sentence.folded)) or bool(hits(sentence.folded, wl.PRIVATE))


_TOLD_APOLOGY = re.compile(
    r"\b(?:i|we|he|she|they|my manager|the company)\s(?:\w+\s)?(?:apologised|apologized|said "
    r"sorry|was sorry|were sorry)\b|\b(?:apologised|apologized|said sorry|an apology|apologies)"
    r"\s(?:to|for)\s(?:him|her|them|the|our|my|each|every|everyone)\b"
)
"""An apology inside the story ("I apologised to the guest, then found him a room") is an
action, often the right one, not the member apologising to the interviewer."""


def _apologies(folded: str) -> list[str]:
    return hits(_TOLD_APOLOGY.sub(" ", folded), wl.APOLOGY)


def check(answer: Answer, question: Question) -> DimensionResult:
    problems: list[Problem] = []
    strengths: list[Strength] = []
    blame = [s for s in answer.sentences if blaming(s, pronouns_blame(question))]
    negative = hits(answer.folded, wl.NEGATIVE)
    negative_at = [s for s in answer.sentences if hits(s.folded, wl.NEGATIVE)]
    shared = [s for s in answer.sentences if private(s)]
    sorry = _apologies(answer.folded)
    sorry_at = [s for s in answer.sentences if _apologies(s.folded)]
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
                tuple(s.index for s in blame),
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
                tuple(s.index for s in negative_at),
            )
        )
        notes.append(f"negative words: {', '.join(w.rstrip('*') for w in negative[:4])}")
    if shared:
        cost = min(PRIVATE_MAX, PRIVATE_COST * len(shared))
        problems.append(
            Problem(
                "private_details",
                cost,
                "Keep private details private. You don't owe them your health, family or money "
                "story; “for personal reasons that are now resolved” is truthful and enough, and "
                "then move to what you have done since.",
                tuple(s.index for s in shared),
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
                tuple(s.index for s in sorry_at),
            )
        )
        notes.append("apologising")

    score = max(0, 100 - sum(p.cost for p in problems))
    positive = [s for s in answer.sentences if hits(s.folded, wl.POSITIVE) and s not in blame]
    if not problems and positive:
        strengths.append(Strength(5, FORWARD.lead, tuple(positive)))
    elif not problems:
        strengths.append(Strength(1, NOTHING_NEGATIVE.lead))
    note = "No negative framing found." if not notes else "Found " + "; ".join(notes) + "."
    return DimensionResult(
        "framing",
        score,
        note,
        tuple(problems),
        tuple(strengths),
    )
