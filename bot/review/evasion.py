"""Evasion: declining to answer, changing the subject, or claiming nothing ever happened.

Patterns are built from word groups over folded text ("I'd" reads "id", "don't" reads
"dont"): a refusal verb with a talk verb ("rather not get into", "don't want to discuss"),
a request to move on ("can we skip", "next question"), a wall ("that's personal", "no
comment", "it's a long story") or a blank ("I can't think of a time"). On pay questions,
holding back a figure is a fair tactic, not a dodge, so a sentence about the number is left
alone there.
"""

from __future__ import annotations

import re

from bot.review.text import Answer, Sentence

_TALK = (
    r"(?:get|go|going|getting)\s(?:in|into)|talk|talking|discuss|discussing|say|saying|"
    r"answer|answering|share|sharing|dwell|comment|explain|explaining|revisit|open up|"
    r"elaborate|go over|bring (?:it|that) up"
)
_PATTERNS = (
    rf"\b(?:rather|prefer)\s(?:not|to not)(?:\sto)?\s(?:{_TALK})\b",
    r"\b(?:rather|prefer)\snot(?:$|\s(?:if|thanks|sorry|really))",
    rf"\b(?:dont|do not|didnt|did not)\s(?:really\s)?(?:want|wish|like|care)\sto\s(?:{_TALK})\b",
    r"\bnot\s(?:something|a topic|a subject|what)\si\s(?:discuss|talk about|share|go into|want)",
    r"\b(?:can|could|shall|should|may)\swe\s(?:please\s)?(?:just\s)?(?:move on|skip|go on to|"
    r"talk about something|change the subject|leave (?:it|that)|come back|get to)",
    r"\b(?:lets|let us)\s(?:just\s)?(?:move on|skip|not go|leave (?:it|that))",
    r"\bnext question\b",
    r"\b(?:skip|pass on)\s(?:this|that)\s(?:one|question)\b",
    r"\bill skip\b",
    r"\b(?:thats|that is|its|it is)\s(?:a bit\s|quite\s|very\s)?(?:personal|private|"
    r"nobodys business)\b",
    r"\bnone of (?:your|anyones) business\b",
    r"\bno comment\b",
    r"\b(?:its|it is|thats|that is)\s(?:a\s)?(?:long|complicated)\sstory\b",
    r"\blong story short\b",
    r"\b(?:its|it is|it was)\s(?:all\s)?(?:a\s)?complicated(?:\ssituation|\sthing)?"
    r"(?:$|\s(?:and|so|but|really|anyway))",
    r"\b(?:it|that)\s(?:doesnt|does not)\s(?:really\s)?matter\b",
    r"\b(?:has|have)\s(?:nothing|anything)\sto do with\s(?:the|this)\s(?:job|role)\b",
    r"\b(?:doesnt|does not)\shave\sanything\sto do with\b",
    r"\bleave it (?:there|at that)\b",
    r"\b(?:cant|cannot|can not|couldnt)\s(?:really\s)?(?:think of|remember|recall)\s(?:a time|"
    r"anything|any time|an example|one|a situation|much)\b",
    r"\b(?:never|dont|do not)\s(?:know|knew)\show to answer\b",
    r"\bi\s(?:have\s|ve\s)?never\s(?:really\s)?(?:had|been in|faced)\s(?:a|any)\s"
    r"(?:conflict|disagreement|problem|failure|weakness)",
)
EVASION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))
_FIGURE = re.compile(
    r"\b(?:number|figure|salary|pay|range|earn|earning|package|money|amount|sum)\b"
)


def evasive_sentences(answer: Answer, money_question: bool = False) -> list[Sentence]:
    found = []
    for s in answer.sentences:
        if not EVASION.search(s.folded):
            continue
        if money_question and _FIGURE.search(s.folded):
            continue
        found.append(s)
    return found
