"""Reasons for wanting the job: self-centred ones (pay, commute, "any job") and flattery.

An interviewer asking "why here?" wants reasons about the work and what you bring. What you
get out of it (the money, a short walk, an easy week, any job at all) and empty praise ("the
best company in the world") tell them nothing, and both are serious flaws. Pay questions are
left to the money rules, where talking about pay is the point.

Patterns combine word groups over folded text: a pay word with a praising or reason word
("the salary looked decent", "you pay better"), a place word with nearness ("close to my
flat"), an easy-life wish ("less work", "finish early"), desperation ("any job", "applied for
everything"), and a superlative aimed at the employer ("the greatest company in the country",
"my dream company").
"""

from __future__ import annotations

import re

from bot.content.schema import Question
from bot.review.model import DimensionResult, Problem
from bot.review.text import Answer, Sentence, quote
from bot.text import fold

SELF_COST, SELF_MAX = 40, 70
FLATTERY_COST, FLATTERY_MAX = 35, 60

_PAY = r"(?:pay|pays|paid|salary|salaries|money|wage|wages|bonus|bonuses|perks|benefits)"
_GOOD = (
    r"(?:good|great|decent|better|best|higher|high|generous|nice|right|amazing|excellent|"
    r"competitive|attractive|fantastic|more)"
)
_HOME = r"(?:home|house|flat|apartment|place|where i live|my door)"
_SELF = (
    # the money as the reason
    r"\b(?:you|they|it|this (?:job|role|one|position)|the (?:new )?(?:job|role))\s(?:pay|pays)\s"
    r"(?:a lot\s|much\s|way\s|far\s|so much\s)?(?:well|better|more|the most|really well)\b",
    rf"\b(?:the|your|its|a)\s{_PAY}\s(?:is|was|looks|looked|seems|seemed|sounds)\s"
    rf"(?:\w+\s)?{_GOOD}\b",
    rf"\b{_GOOD}\s{_PAY}\b(?<!more money)(?<!more pay)",
    r"\bi\s(?:want|need|would like|d like|could)\s(?:to\s)?(?:earn|make|get|have)?\s?more\s"
    r"(?:money|pay)\b",
    rf"\b(?:for|about|because of)\sthe\s{_PAY}\b",
    r"\bmoney\s(?:mostly|mainly|first|obviously)\b",
    r"^(?:(?:honestly|mostly|mainly|well|probably|obviously|to be honest)\s)*(?:the\s)?"
    rf"{_PAY}(?:\sand\s(?:the\s)?(?:holidays?|{_PAY}|perks|time off))?$",
    r"^(?:(?:honestly|mostly|mainly|well)\s)*(?:the\s)?(?:pay|money|salary|bonus)\sand\s",
    r"\b(?:long|longer)\s(?:weekends|lunches|holidays)\b",
    r"\b(?:mostly|mainly|really|just)\s(?:the\s)?money\b",
    rf"\bif the\s{_PAY}\sis right\b",
    r"\bneed\s(?:the|more)\smoney\b",
    # nearness (of the job, not of a college in a story) and an easy life
    rf"\b(?:office|job|role|you|your|its|it is|this one|here|site|location|workplace)\b.*"
    rf"\b(?:close|near|next|minutes?|walk|closer)\s(?:to|from)\s(?:my\s{_HOME}|where i live|"
    rf"home)\b",
    rf"\b(?:close|near|closer)\s(?:to\s)?(?:my\s{_HOME}|where i live|home)\b.*\b(?:office|job|"
    rf"role|you|your|commute)\b",
    r"\b(?:short|shorter|easy|easier|no)\scommute\b",
    r"\b(?:bus|buses|train|tube|metro|tram|station|stop|parking|car park)\b.*\b(?:outside|nearby|"
    r"near|close|right there|next door|on my doorstep|round the corner|around the corner)\b",
    r"\bhours\s(?:suit|fit|work for|work around)\s(?:me|my)\b",
    r"\bget up later\b",
    r"\b(?:less|fewer)\s(?:work|hours|stress|responsibility)\b",
    r"\b(?:easy|easier|short|shorter)\s(?:hours|days|job|life|week)\b",
    r"\bhours look easy\b",
    r"\bfinish early\b",
    r"\blong lunch",
    r"\b(?:plenty|lots|loads) of (?:holiday|holidays|time off)\b",
    r"\bwork from home (?:most|every|all)\b",
    # any job will do
    r"\bany\s(?:old\s)?job\b",
    r"\b(?:id|i would|ill|i will|i can|happy to|willing to|ready to)\s(?:just\s)?(?:take|"
    r"accept)\s(?:anything|whatever)\b",
    r"\bdo any job\b",
    r"\bapplied\s(?:for|to)\s(?:everything|anything|every job|all sorts)\b",
    r"\b(?:just\s)?need\s(?:a|this|the)\s(?:job|work|pay ?check|income)\b",
    r"\bjust need to get back\b",
    r"\bcame up first\b",
    r"\b(?:pay|cover)\s(?:the|my)\sbills\b|\bbills\s(?:are\s|were\s)?(?:piling|mounting|stacking)",
)
_PAY_BAD = re.compile(
    rf"\b(?:the\s)?{_PAY}\s(?:was|is|were|are)\s(?:\w+\s)?(?:rubbish|terrible|bad|poor|crap|"
    r"awful|pathetic|shocking|too low|so low|low)\b"
)
"""Bad pay, which is a self-centred reason only when it is the member's own reason: "I left
because the pay was rubbish", or said straight to "why did you leave?". In a work story ("the
pay was low so people kept leaving") it is the situation the member dealt with."""
_MY_REASON = re.compile(
    r"\b(?:i|im|i am|ive|i have|i was|id|i would)\s(?:\w+\s){0,2}?(?:left|leave|leaving|quit|"
    r"quitting|moved on|moving on|looking|applied|applying|want|wanted|need|needed)\b"
    r"|\bwhy i\b|^(?:because|cos|cause|coz|bc)\b"
)
_ASKS = re.compile(
    r"\b(?:how much|how many)\s(?:\w+\s){0,2}(?:holiday|holidays|leave|days off|bonus|pay)\b"
    r"|\b(?:when|how soon|how often)\s(?:\w+\s){0,4}(?:pay (?:rise|raise)|bonus)\b"
    r"|\b(?:is there|do you (?:have|offer|give)|do i get|will i get|would i get|can i get)\s"
    r"(?:\w+\s)?(?:free\s)?(?:parking|lunch|lunches|gym|food|drinks|bonus|perks|company car)\b"
    r"|\b(?:can i|could i|can we|do we|do i|get to|allowed to)\s(?:leave|go home|knock off|"
    r"finish)\searly\b"
)
"""Questions about what the member gets (days off, a rise, perks). They count only when asked:
in a sentence ending with "?", or one that opens with the question (members often leave the
"?" off). "I worked out how many days off each carer had left" is a work story."""
_OPENER = re.compile(r"^(?:(?:and|also|so|then|ok|okay|oh|one more|lastly|finally)\s)*")


def _asks_for_perks(sentence: Sentence) -> bool:
    match = _ASKS.search(sentence.folded)
    if match is None:
        return False
    return sentence.is_question or match.start() == _OPENER.match(sentence.folded).end()


def _asks_for_reasons(question: Question) -> bool:
    """Questions whose answer is the member's own reason (why leave, why here, what drives
    you), as against stories and walk-throughs where bad pay can be the situation."""
    return question.category in ("motivation", "sensitive") and "a time" not in fold(question.text)


_EMPLOYER = (
    r"(?:company|companies|employer|firm|brand|business|organisation|organization|place|"
    r"team|shop|store|bank|agency)"
)
_SUPER = (
    r"(?:best|greatest|finest|coolest|top|number one|most amazing|most successful|most "
    r"famous|most prestigious|most exciting|perfect|ultimate)"
)
_FLATTERY = (
    rf"\b(?:the|my)\s{_SUPER}\s(?:\w+\s)?{_EMPLOYER}\b",
    r"\b(?:you are|youre|you re)\s(?:simply\s|clearly\s|just\s|obviously\s)?(?:the\s)?"
    r"(?:best|greatest|perfect|amazing|incredible|legendary|a legend|the dream)\b",
    r"\ba legend like you\b",
    r"\bdream\s(?:company|employer|job|place)\b",
    r"\bdream come true\b",
    r"\b(?:always|forever)(?:\s\w+)?\s(?:wanted|dreamed|dreamt)\s(?:of working|to work)\s"
    r"(?:here|for you|with you)\b",
    r"\beveryone\s(?:wants|dreams|would love)\s(?:to work|of working|of a job)\b",
    r"\beveryone (?:knows|says)\s(?:that\s)?(?:you|youre|your)\b",
    r"\b(?:such an?|so)\s(?:amazing|incredible|iconic|wonderful)\s" + _EMPLOYER,
    r"\bhonou?r to work\b",
    r"\bperfect in every way\b",
    r"\b(?:on|in)\sthe\s(?:planet|world|universe|country)\b",
)
SELF_CENTRED = re.compile("|".join(f"(?:{p})" for p in _SELF))
FLATTERY = re.compile("|".join(f"(?:{p})" for p in _FLATTERY))
_SUPERLATIVE_WORLD = re.compile(rf"\b{_SUPER}\b")


def applies(question: Question) -> bool:
    return "money" not in question.flags


def self_centred(answer: Answer, question: Question | None = None) -> list[Sentence]:
    reasons = question is None or _asks_for_reasons(question)
    return [
        s
        for s in answer.sentences
        if SELF_CENTRED.search(s.folded)
        or _asks_for_perks(s)
        or (_PAY_BAD.search(s.folded) and (reasons or _MY_REASON.search(s.folded)))
    ]


def flattering(answer: Answer) -> list[Sentence]:
    found = []
    for s in answer.sentences:
        m = FLATTERY.search(s.folded)
        if m is None:
            continue
        if m.group(0).startswith(("on the", "in the")) and not _SUPERLATIVE_WORLD.search(s.folded):
            continue  # "in the world" is only flattery next to a superlative
        found.append(s)
    return found


def check(answer: Answer, question: Question) -> DimensionResult:
    problems: list[Problem] = []
    selfish = self_centred(answer, question)
    praise = flattering(answer)
    if selfish:
        problems.append(
            Problem(
                "self_centred",
                min(SELF_MAX, SELF_COST * len(selfish)),
                "Give reasons about the work, not about what you get: "
                f"{quote(selfish[0].text, 90)} tells them why the job suits you, not why you "
                "suit the job. Name what draws you to this work and one thing you have done "
                "that shows you would be good at it.",
                tuple(s.index for s in selfish),
            )
        )
    if praise:
        problems.append(
            Problem(
                "flattery",
                min(FLATTERY_MAX, FLATTERY_COST * len(praise)),
                "Swap the praise for something specific. Calling them the best tells them "
                "nothing and sounds like you did no research: name one thing you found out "
                "about them (a product, a project, how they work) and link it to what you have "
                "done.",
                tuple(s.index for s in praise),
            )
        )
    score = max(0, 100 - sum(p.cost for p in problems))
    note = (
        "Reasons about the work, no empty praise."
        if not problems
        else "Found " + ", ".join(p.flag.replace("_", "-") for p in problems) + "."
    )
    return DimensionResult("motivation", score, note, tuple(problems))
