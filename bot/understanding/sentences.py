"""Plain DM sentences that clearly ask for a command: "remind me to email Ana friday 3pm".

A sentence is read as a command only on a clear signal: a request shaped the way people
ask for that one thing (`remind me to …`, `I have an interview at …`, `<company>
rejected me`, `pause my nudges`). Everything else is left alone, so an advice question
still reaches the tips reader. While a conversation holds the DM, `bot.dm` asks this
module only about text the conversation passed on, so an answer stays an answer.

The shapes are rules over words, not stored sentences: each names the verbs, the
things and the connecting words members use, so "pls remind me 2 ring Dave" and
"could you remind me about the thank-you note" are one rule. Before the rules run, a
word one slip from a keyword is corrected ("rmind", "intervew") and emoji and
exclamation marks are dropped.

Three guards keep the reading honest:
- a sentence that asks for advice ("how should I prepare?", "any tips") is not turned
  into a set-up: it goes to the tips reader as before;
- a record is made only for a plain company name: one to three words, none of them a
  pronoun, a quantifier or a hedge ("so many companies", "everyone", "I think Acme"),
  and an interview only when the sentence schedules it rather than tells how it went
  ("my interview with Google was rough"); otherwise the command is offered as a button;
- what deletes or closes something (delete my data, I got the job) is only ever
  offered as a button, never run from a sentence (`commands.judged`, from what the
  feature declared when it registered the command).

A to-do with a time and no request ("book lunch with Sam tomorrow") is offered as a
commitment button rather than left to the tips reader, which would answer it with a tip
nobody asked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.text import fold
from bot.understanding.commands import Offer, Reading, judged, slipped
from bot.when import WhenError, split_text_and_when

if TYPE_CHECKING:
    from bot.router import Router

KEYWORDS = (
    "remind",
    "reminder",
    "reminders",
    "interview",
    "rejected",
    "rejection",
    "practice",
    "practise",
    "progress",
    "nudges",
    "delete",
    "commitments",
    "stories",
    "timezone",
)
"""Words a rule hinges on, corrected when typed one slip off ("rmind me", "progres")."""

ADVICE = re.compile(
    r"\b(how|why|should|tips?|advice|advise|suggestions?|prepare|nervous|"
    r"worried|scared|anxious|what do i|what should|feeling|is it ok|is it okay)\b"
)
"""A sentence with these asks for advice; the tips reader answers it."""

_POLITE = (
    r"(?:(?:hey|hi|hello|ok|okay|so|um|bot|jobclub|please|pls|plz|kindly|"
    r"can you|could you|would you|will you|can u|could u|pls can you)[\s,]+)*"
)
_EMOJI = re.compile(r"[^\w\s'’:/,.#&@+()-]")
_DAYTIME = (
    r"today|tonight|tomorrow|tmrw|tmr|yesterday|this (?:morning|afternoon|evening|week)|"
    r"last (?:week|night)|again|just now|earlier|recently"
)
_TIMEISH = re.compile(
    r"\d|\b(?:today|tonight|tomorrow|tmrw|next|this|mon|tue|wed|thu|fri|sat|sun|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|morning|noon|afternoon|"
    r"evening|week|month|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.I,
)
_QUESTION_WORD = re.compile(r"^\s*(?:what|how|why|who|which|where|whether|if)\b", re.I)
_PRONOUN = {"they", "them", "he", "she", "it", "the company", "the recruiter", "the employer"}
_VAGUE = frozenset(
    (
        # pronouns and determiners: who, not which company
        "i me my we us our you your they them their he him his she her it its this that "
        "these those there someone somebody everyone everybody anyone anybody nobody noone "
        "one another other others "
        # quantifiers
        "so many much most all every each some any few several lots lot loads tons no none "
        "both half another more "
        # hedges and fillers
        "think guess maybe perhaps probably possibly apparently seems seem looks like feel "
        "kinda sorta basically literally actually honestly again still also even already "
        # general nouns that name no company
        "company companies employer employers firm firms recruiter recruiters people place "
        "places job jobs role roles"
    ).split()
)
"""Words a plain company name does not hold; a "company" with one is no name to record."""
_COMPANY_WORDS = 3
_LEAD_TRAIL = frozenset("just finally also officially again today".split())
_TOLD = re.compile(
    r"\b(?:was|were|went|felt|seemed|did|didn'?t|had|has been|have been|is over|"
    r"went\s+\w+|got\s+cancel+ed|wasn'?t)\b",
    re.I,
)
"""Words that tell how an interview went rather than set one up ("was rough")."""


def plain_company(text: str) -> bool:
    """One to three words, none of them a pronoun, a quantifier or a hedge."""
    words = [w.strip(".,!'") for w in fold(text).split()]
    return 0 < len(words) <= _COMPANY_WORDS and not any(w in _VAGUE for w in words)


def _trimmed(company: str) -> str:
    """Adverbs around a name gone: "Acme just" (rejected me) is Acme."""
    words = company.split()
    while words and fold(words[-1]) in _LEAD_TRAIL:
        words.pop()
    while words and fold(words[0]) in _LEAD_TRAIL:
        words.pop(0)
    return " ".join(words)


def _clean(text: str) -> str:
    """Emoji and `!?` runs gone, curly apostrophes straight, keyword slips fixed."""
    text = _EMOJI.sub(" ", text.replace("’", "'"))
    out: list[str] = []
    for word in text.split():
        bare = fold(word)
        if len(bare) >= 5 and bare not in KEYWORDS:
            fixed = [k for k in KEYWORDS if slipped(bare, k) == 1]
            if len(fixed) == 1 and bare.isalpha():
                word = fixed[0]
        out.append(word)
    return " ".join(out).strip(" .")


def _company(text: str) -> str:
    """A company named in a clause: up to the first time word or punctuation."""
    text = re.split(rf"[,.;:()]|\s(?:{_DAYTIME})\b|\s(?:and|but|so|for the)\s", f" {text} ")[0]
    text = text.strip()
    if text.lower() in _PRONOUN or not text:
        return ""
    return " ".join(text.split()[:5])


@dataclass(frozen=True)
class Rule:
    """A sentence shape for `path`; `args` turns its match into the command's text."""

    path: str
    pattern: re.Pattern[str]
    args: Callable[[re.Match[str]], str]
    advice_guard: bool = True


def _rest(match: re.Match[str]) -> str:
    return (match.groupdict().get("rest") or "").strip(" ,:-")


def _none(match: re.Match[str]) -> str:
    return ""


def _first_clause(text: str) -> str:
    """The clause that names the thing, plus later ones only if they hold a time
    ("at Acme, Friday 10am" keeps Friday; "at Acme, wish me luck" drops the wish)."""
    first, *others = re.split(r"[;!]|,\s|\.\s|\s(?:and|but|so)\s", text)
    kept = [first, *(o for o in others if _TIMEISH.search(o))]
    return " ".join(part.strip() for part in kept if part.strip())


def _interview(match: re.Match[str]) -> str:
    rest = _first_clause(_rest(match))
    rest = re.sub(r"^(?:in|from)\s", "at ", rest, flags=re.I)
    if re.match(r"with\s", rest, re.I) and not re.search(r"\sat\s(?!\d)", rest, re.I):
        rest = "at " + rest[5:]  # "an interview with Shopify": the company, no one named
    rest = re.sub(r"\s(?:is|will be)\s(?:on\s)?", " on ", rest, flags=re.I)
    days = r"(?:tomorrow|today|next|this|mon|tue|wed|thu|fri|sat|sun|\d)"
    return re.sub(rf"\sfor\s(?={days})", " on ", rest, flags=re.I)


def _rejected(match: re.Match[str]) -> str:
    return _trimmed(_company(match.group("company") or ""))


def _landed(match: re.Match[str]) -> str:
    return _company(match.groupdict().get("company") or "")


def _pause(match: re.Match[str]) -> str:
    rest = _rest(match)
    return rest if rest.lower().startswith("until ") else ""


def _practice(match: re.Match[str]) -> str:
    words = [
        w
        for w in _rest(match).split()
        if fold(w) not in {"a", "an", "some", "with", "me", "please", "pls", "now"}
    ]
    return " ".join(words)


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


_MY = r"(?:my|the|all|all my|all of my|our)"
_NUDGES = r"(?:daily\s+)?(?:nudges?|tasks?|prep(?:\s+tasks?)?|prep\s+messages?|practice\s+tasks?)"
RULES: tuple[Rule, ...] = (
    Rule(
        "commit",
        _rx(
            rf"^{_POLITE}(?:remind me|set (?:up )?(?:a |me a )?reminder|add (?:a )?reminder|"
            r"create (?:a )?reminder|don'?t let me forget|do not let me forget)\b"
            r"(?:\s*[:,-]?\s*(?:to|about|that i|2|of)\b)?(?P<rest>.*)$"
        ),
        _rest,
        advice_guard=False,
    ),
    Rule(
        "interview",
        _rx(
            r"^(?:so\s+)?(?:i\s+have\s+got|i\s+have|i'?ve\s+got|i'?ve|ive|i\s+got|got|"
            r"just\s+got|landed|i\s+landed|i\s+am\s+having|i'?m\s+having|have)\s+"
            r"(?:an?\s+|my\s+|the\s+|one\s+)?(?:(?:job|phone|video|first|second|final|"
            r"panel|onsite|technical|hr)\s+)?interview(?:\s+call)?\s+"
            r"(?P<rest>(?:at|with|in|from|on|for|tomorrow|today|next|this)\b.*)$"
        ),
        _interview,
    ),
    Rule(
        "interview",
        _rx(
            r"^(?:my\s+)?(?:(?:job|phone|video|next)\s+)?interview\s+"
            r"(?P<rest>(?:at|with)\s.*)$"
        ),
        _interview,
    ),
    Rule(
        "rejected",
        _rx(
            r"^(?:i\s+)?(?:just\s+)?(?:got|was|been|have been|'ve been|ve been|i'?ve been|"
            r"received|had)?\s*(?:a\s+)?(?:rejected|turned down|rejection(?:\s+(?:mail|email|"
            r"letter|call))?)\s+(?:by|from|at)\s+(?P<company>.+)$"
        ),
        _rejected,
    ),
    Rule(
        "rejected",
        _rx(
            r"^(?!(?:my|our|his|her|he|she|you|the|a|an|this|that)\b)"
            r"(?P<company>[\w&.' -]{1,40}?)\s+(?:rejected me|turned me down|"
            r"passed on me|declined me)\b"
        ),
        _rejected,
    ),
    Rule(
        "rejected",
        _rx(
            r"^(?:i\s+)?(?:didn'?t|did not|didnt|wasn'?t|was not)\s+(?:get|getting|selected|"
            r"shortlisted)\s+(?:selected\s+|shortlisted\s+)?(?:(?:the|that|this)\s+)?"
            r"(?:(?:job|role|position|offer)\s+)?(?:at|with|from|by|in)\s+(?P<company>.+)$"
        ),
        _rejected,
    ),
    Rule(
        "practice",
        _rx(
            rf"^{_POLITE}(?:let'?s|lets|let us|(?:i\s+)?(?:want to|wanna|'d like to|would like to)|"
            r"i'?d like to|can we|can i|could we|time to)\s+(?:do\s+(?:some|a|an)\s+)?"
            r"(?:practi[cs]e|mock(?:\s+interview)?)\b(?P<rest>.*)$"
        ),
        _practice,
    ),
    Rule(
        "practice",
        _rx(
            rf"^{_POLITE}(?:practi[cs]e with me|give me an? (?:practice|interview|mock) "
            r"question|ask me an? (?:interview |practice |hard )?question|"
            r"(?:do\s+)?(?:a\s+)?mock interview)\b(?P<rest>.*)$"
        ),
        _practice,
    ),
    Rule(
        "progress",
        _rx(
            rf"^{_POLITE}(?:(?:show|check|see|view|get)(?: me)?\s+|what'?s\s+|whats\s+|"
            r"what is\s+|how'?s\s+)?(?:my|me my)\s+(?:progress|stats|statistics|streak|"
            r"scores?)\b[\s\w]{0,12}$"
        ),
        _none,
    ),
    Rule("progress", _rx(r"^how am i doing\b[\w\s]{0,12}$"), _none, advice_guard=False),
    Rule(
        "nudges pause",
        _rx(rf"^{_POLITE}(?:pause|hold|suspend)\s+(?:{_MY}\s+)?{_NUDGES}\b(?P<rest>.*)$"),
        _pause,
    ),
    Rule(
        "nudges pause",
        _rx(r"^no (?:more )?" + _NUDGES + r" (?:this|for a|for the) week\b"),
        _none,
    ),
    Rule(
        "nudges off",
        _rx(
            rf"^{_POLITE}(?:stop|turn off|switch off|disable|cancel)\s+(?:{_MY}\s+)?"
            rf"{_NUDGES}\s*$"
        ),
        _none,
    ),
    Rule(
        "nudges on",
        _rx(rf"^{_POLITE}(?:turn on|switch on|enable|start)\s+(?:{_MY}\s+)?{_NUDGES}\s*$"),
        _none,
    ),
    Rule(
        "nudges resume",
        _rx(rf"^{_POLITE}(?:resume|unpause|restart)\s+(?:{_MY}\s+)?{_NUDGES}\s*$"),
        _none,
    ),
    Rule(
        "jobclub delete",
        _rx(
            rf"^{_POLITE}(?:delete|erase|remove|wipe|clear|forget)\s+(?:all\s+)?(?:of\s+)?"
            r"(?:my|me|everything|all)\b.*(?:data|account|info|information|details|profile|"
            r"history|everything|on me|about me)\b"
        ),
        _none,
    ),
    Rule("jobclub delete", _rx(rf"^{_POLITE}forget (?:about )?me\b\W*$"), _none),
    Rule(
        "jobclub export",
        _rx(
            rf"^{_POLITE}(?:export|download|get|send me)\s+(?:a copy of\s+)?(?:all\s+)?"
            r"(?:of\s+)?my\s+(?:data|info|information|details)\b"
        ),
        _none,
    ),
    Rule(
        "jobclub export",
        _rx(r"^what (?:data|info|information) do you (?:have|keep|store|hold) (?:on|about) me"),
        _none,
        advice_guard=False,
    ),
    Rule(
        "landed",
        _rx(
            r"^(?:i\s+)?(?:finally\s+|just\s+)?(?:got|landed|accepted|signed|have accepted|"
            r"'ve accepted)\s+(?:the|a|an|my)\s+(?:new\s+)?(?:job|offer|role|position)"
            r"(?:\s+(?:at|with|from)\s+(?P<company>.+))?$"
        ),
        _landed,
    ),
    Rule(
        "landed",
        _rx(
            r"^(?:i\s+)?(?:got|have been|was|'ve been)\s+hired\b"
            r"(?:\s+(?:at|by)\s+(?P<company>.+))?$"
        ),
        _landed,
    ),
    Rule(
        "commitments",
        _rx(
            rf"^{_POLITE}(?:(?:show|list|see|view|check)(?: me)?\s+|what are\s+|"
            r"what'?s\s+(?:on\s+)?)?(?:all\s+)?my\s+(?:reminders|commitments|promises|"
            r"to ?dos?|to ?do list|follow[ -]?ups)\s*$"
        ),
        _none,
        advice_guard=False,
    ),
    Rule("commitments", _rx(r"^what do i (?:have|need) to do\b\W*$"), _none, advice_guard=False),
    Rule(
        "quiz",
        _rx(
            rf"^{_POLITE}(?:quiz me|give me (?:a|the) quiz|(?:can|could|may) i (?:take|do|have|"
            r"try) (?:the|a) quiz|(?:start|take|do) (?:the|a) quiz|let'?s do (?:the|a) quiz)\b"
        ),
        _none,
        advice_guard=False,
    ),
    Rule(
        "story list",
        _rx(rf"^{_POLITE}(?:show|list|see|view)(?: me)?\s+(?:all\s+)?my\s+stor(?:y|ies)\b"),
        _none,
    ),
    Rule(
        "story start",
        _rx(
            rf"^{_POLITE}(?:i want to|i'?d like to|i would like to|help me|let'?s|lets|"
            r"can we|can you help me)\s+(?:write|build|create|make|start|draft)\s+"
            r"(?:a|an|my|new|a new)?\s*(?:\w+\s+)?story\b"
        ),
        _none,
        advice_guard=False,
    ),
    Rule(
        "jobclub timezone",
        _rx(
            rf"^{_POLITE}(?:set|change|update|switch)\s+my\s+time\s*zone\s+(?:to\s+)?"
            r"(?P<rest>\S.*)$"
        ),
        _rest,
    ),
    Rule("jobclub timezone", _rx(r"^my time\s*zone is\s+(?P<rest>\S.*)$"), _rest),
    Rule(
        "jobclub settings",
        _rx(rf"^{_POLITE}(?:show|see|view|open|check)(?: me)?\s+my\s+settings\b"),
        _none,
    ),
    Rule("jobclub contacts", _rx(rf"^{_POLITE}(?:show\s+|list\s+)?my contacts\s*$"), _none),
    Rule(
        "checkin now",
        _rx(
            rf"^{_POLITE}(?:do|start|answer|fill in)\s+(?:my|the|this week'?s)\s+"
            r"check[ -]?in\b(?:\s+now)?\s*$"
        ),
        _none,
    ),
    Rule(
        "partners",
        _rx(
            rf"^{_POLITE}(?:find me|i want|i need|get me|i'?d like)\s+an?\s+"
            r"(?:practice\s+|mock\s+interview\s+)?partner\b"
        ),
        _none,
    ),
    Rule(
        "tip",
        _rx(rf"^{_POLITE}(?:give|send|show) me an?\s+(?:random\s+|new\s+)?tip\s*$"),
        _none,
        advice_guard=False,
    ),
)


def read_sentence(router: Router, text: str) -> Reading:
    """The command a plain DM sentence clearly asks for, or `NONE`, among the router's
    commands (a club may run without one); unsure or destructive readings are offers."""
    cleaned = _clean(text)
    if not cleaned or cleaned.startswith("/"):
        return Reading("none")
    advice = bool(ADVICE.search(cleaned.lower())) or ("?" in text and not _polite_ask(text))
    for rule in RULES:
        match = rule.pattern.search(cleaned)
        if match is None or router.command(rule.path.split()[0]) is None:
            continue
        if rule.advice_guard and advice:
            return Reading("none")
        args = rule.args(match)
        if rule.path == "commit" and _QUESTION_WORD.match(args):
            return Reading("none")  # "remind me what the STAR method is" asks something
        if not _plain_enough(rule.path, args):
            offer = Offer(rule.path, _offered(rule.path, args))
            return Reading("ask", how="sentence", offers=(offer,))
        return judged(router, Reading("run", rule.path, args, "sentence"))
    if not advice and router.command("commit") is not None and _task_with_when(cleaned):
        # "book lunch with Sam tomorrow": a to-do with a time, asked for nothing. Offer to
        # keep it as a commitment rather than answer it with a tip it did not ask for.
        return Reading("ask", how="sentence", offers=(Offer("commit", cleaned),))
    return Reading("none")


TASK_VERBS = frozenset(
    """apply arrange ask attend book buy call chase check collect complete contact draft
    drop email e-mail file finish fix follow go mail meet message msg order pay phone
    pick plan post prep print read record register renew reply research respond review
    ring schedule send share sign start submit tell text thank update upload visit
    watch write""".split()
)
"""Words a to-do starts with ("call Dana friday", "send the portfolio by monday")."""

_LINKING = frozenset("is are was be been got gets has have will".split())

_AT_SOME_POINT = datetime(2026, 1, 5, 12, tzinfo=UTC)
"""A fixed instant for telling whether words name a time at all: whether it is past or
ahead does not matter here, so the answer never depends on the clock."""


def _task_with_when(text: str) -> bool:
    """Words that start like a to-do and end (or start) with a time the date reader
    reads: a time it reads but cannot use (past, unclear am/pm) still counts."""
    words = fold(text).split()
    if len(words) < 3 or words[0] not in TASK_VERBS or _TOLD.search(text):
        return False  # "call went well today" tells how something went
    if words[1].endswith("ed") or words[1] in _LINKING:
        return False  # "email arrived today", "call is at 3": the first word was a noun
    try:
        rest, when = split_text_and_when(text, _AT_SOME_POINT, ZoneInfo("UTC"))
    except WhenError:
        return True
    return when is not None and len(rest.split()) >= 2


def _plain_enough(path: str, args: str) -> bool:
    """A record-making reading names a plain company; an interview is being set up."""
    if path == "rejected":
        return plain_company(args)
    if path == "interview":
        company = re.split(r"\s(?:on|with|for|at\s+\d)\s|\s(?=\d)", f" {args} ")[0].strip()
        company = re.sub(r"^(?:at|with|in|from)\s", "", company, flags=re.I)
        name = _first_name(company)  # "" when only a time is given: /interview asks which
        return not _TOLD.search(args) and (not name or plain_company(name))
    return True


_DAY_WORD = (
    r"next|this|on|mon|monday|tue|tues|tuesday|wed|weds|wednesday|thu|thur|thurs|thursday|"
    r"fri|friday|sat|saturday|sun|sunday|\d\w*"
)


def _first_name(company: str) -> str:
    """The company part before a time word: "Acme next tuesday 2pm" is Acme."""
    return re.split(
        rf"\s(?:{_DAYTIME}|{_DAY_WORD})\b",
        f" {company} ",
        flags=re.I,
    )[0].strip()


def _offered(path: str, args: str) -> str:
    """What the offered button carries: the company only when it is a plain name, and for
    an interview told about, only the company and when it was ("at Google yesterday")."""
    if path == "interview":
        told = _TOLD.search(args)
        if told:
            when = re.search(rf"\b(?:{_DAYTIME})\b", args[told.end() :], re.I)
            args = args[: told.start()].strip() + (f" {when.group(0)}" if when else "")
    company = _first_name(re.sub(r"^(?:at|with)\s", "", args, flags=re.I))
    return args if plain_company(company) else ""


def _polite_ask(text: str) -> bool:
    """`can you remind me …?` is a request, not a question about something."""
    return bool(re.match(r"^\W*(?:can|could|would|will)\s+(?:you|u)\b", text, re.I))
