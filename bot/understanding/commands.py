"""Command names and sub-command verbs read the way members type them.

Members type `/comit`, `/tips`, `/reminders`, `/jobclub still open 4`,
`/commitments 2 done` or `/nudges please pause`. Each of those has one reading the
member plainly meant, and this module finds it from the router's own declarations
(so a command a feature adds tomorrow is read the same way), in steps from the
surest to the loosest:

1. exact: the name or verb once case, spaces, `-` and `_` are ignored
   (`Still-Open`, `still open`, `still_open` and `stillopen` are one verb);
2. word: a plural, another inflection or a synonym from `COMMAND_WORDS` /
   `VERB_WORDS` (`/tips`, `/stories`, `paused`, `finished`);
3. typo: one slip (two in a long word) away from exactly one command or verb, by
   Damerau-Levenshtein distance, so a swapped pair of letters counts as one slip.
   A three-letter word only counts as a swapped pair (`/tpi`) or a dropped letter
   or an added one (`lst`, `onn`): too many short words are one changed letter from `tip` or `off`.

Anything looser (a prefix like `/pr`, a slip that fits two commands) is never run:
the member gets the candidates as buttons (`Reading.kind == "ask"`). And a reading
that is not exact never runs a destructive command (`is_destructive`): `/delet`, `/landd acme` and
`/jobclub cohort leav spring` are offered as a button, which then asks to confirm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from rapidfuzz.distance import DamerauLevenshtein

from bot.stems import snowball
from bot.text import fold

if TYPE_CHECKING:
    from bot.router import Router, SubcommandSpec

Kind = Literal["run", "ask", "none"]
How = Literal["exact", "word", "typo", "sentence", ""]

DESTRUCTIVE_VERBS = frozenset({"delete", "remove", "leave", "end", "drop", "forgetme"})
"""Verbs that delete, leave or close something, in any command (a new feature's
`/x delete` is covered by its name)."""
DESTRUCTIVE_COMMANDS = frozenset({"landed"})
"""Whole commands that close something: `/landed` ends the job search."""


def is_destructive(path: str) -> bool:
    """Run only when typed exactly: never from a typo, another word or a sentence."""
    words = path.split()
    return path in DESTRUCTIVE_COMMANDS or (bool(words) and key(words[-1]) in DESTRUCTIVE_VERBS)


SELF_CONFIRMING = frozenset(
    {"landed", "jobclub delete", "jobclub forget-me", "jobclub contact remove", "story delete"}
)
"""Destructive paths whose own handler asks "are you sure?" before doing anything, so an
offered button may run them directly; the others get a confirmation step first."""

COMMAND_WORDS = {
    "advice": "tip",
    "hint": "tip",
    "hints": "tip",
    "remind": "commit",
    "reminder": "commit",
    "promise": "commit",
    "reminders": "commitments",
    "promises": "commitments",
    "commits": "commitments",
    "todo": "commitments",
    "todos": "commitments",
    "todolist": "commitments",
    "mock": "practice",
    "mockinterview": "practice",
    "stats": "progress",
    "streak": "progress",
    "score": "progress",
    "scores": "progress",
    "stories": "story list",
    "quizzes": "quiz",
    "reject": "rejected",
    "rejection": "rejected",
    "settings": "jobclub settings",
    "timezone": "jobclub timezone",
    "tz": "jobclub timezone",
    "contacts": "jobclub contacts",
    "contact": "jobclub contact",
    "cohort": "jobclub cohort",
    "cohorts": "jobclub cohort list",
    "export": "jobclub export",
    "delete": "jobclub delete",
    "deleteme": "jobclub delete",
    "forgetme": "jobclub forget-me",
    "leave": "jobclub cohort leave",
    "privacy": "jobclub help",
    "help": "jobclub help",
    "menu": "jobclub help",
    "shareprogress": "jobclub share-progress",
    "whosawme": "jobclub who-saw-me",
}
"""Other words members use for a command (keys folded, without spaces). A word may name
a sub-command path: `/settings` is `/jobclub settings`."""

VERB_WORDS = {
    "turnon": "on",
    "switchon": "on",
    "enable": "on",
    "start": "on",
    "turnoff": "off",
    "switchoff": "off",
    "disable": "off",
    "stop": "off",
    "finished": "done",
    "finish": "done",
    "complete": "done",
    "completed": "done",
    "did": "done",
    "unpause": "resume",
    "continue": "resume",
    "restart": "resume",
    "show": "list",
    "all": "list",
    "ls": "list",
    "stats": "status",
    "info": "status",
    "erase": "delete",
    "remove": "delete",
}
"""Other words for sub-command verbs; used only where the parent has that verb and not
one spelled like the word itself (`/story stop` stays the story's own `stop`)."""

FILLER = frozenset("please pls plz kindly just mark now can you could would".split())
"""Words members put before a verb that carry no meaning of their own."""


def key(text: str) -> str:
    """Folded, with spaces, `-` and `_` gone: `Still-Open` and `still open` are one key."""
    return fold(text).replace(" ", "")


def slips_allowed(word: str) -> int:
    """How many slips a typed word may have and still be read as a name."""
    if len(word) >= 8:
        return 2
    if len(word) >= 4:
        return 1
    return 1 if len(word) == 3 else 0


def slipped(typed: str, target: str) -> int | None:
    """The slips between a typed word and a name, when few enough to count, else None."""
    if len(typed) == 3 and not (_swapped(typed, target) or _dropped(typed, target)):
        return None  # a three-letter word counts only as a swap, or one letter more or less
    limit = slips_allowed(typed)
    if limit == 0:
        return None
    slips = DamerauLevenshtein.distance(typed, target, score_cutoff=limit)
    return slips if slips <= limit else None


def _swapped(typed: str, target: str) -> bool:
    """`tpi` for `tip`: the same letters, two neighbours swapped."""
    return len(typed) == len(target) and sorted(typed) == sorted(target)


def _dropped(typed: str, target: str) -> bool:
    """`lst` for `list`, `onn` for `on`: one letter left out of the name, or one added."""
    short, long = sorted((typed, target), key=len)
    return len(long) == len(short) + 1 and any(
        long[:i] + long[i + 1 :] == short for i in range(len(long))
    )


@dataclass(frozen=True)
class Offer:
    """A command the member may have meant: `path` (`commitments done`) and its text."""

    path: str
    rest: str = ""

    @property
    def line(self) -> str:
        return f"/{self.path}" + (f" {self.rest}" if self.rest else "")


@dataclass(frozen=True)
class Reading:
    """What a typed command (or a DM sentence) was read as.

    `run`: the member plainly meant `path` with `rest`; `ask`: offer `offers` as
    buttons and run nothing; `none`: not a command. `how` says how sure the reading
    is (exact, word, typo, sentence), for the safety rules and the evaluation.
    """

    kind: Kind
    path: str = ""
    rest: str = ""
    how: How = ""
    offers: tuple[Offer, ...] = ()
    unread_verb: bool = False
    """`path` has sub-commands and `rest` starts with a word that is none of them: the
    command answers with its forms (typed), or it was no command at all (a sentence)."""

    @property
    def root(self) -> str:
        return self.path.partition(" ")[0]

    @property
    def text(self) -> str:
        """What the root command's handler gets: the verbs after the root, then `rest`."""
        verbs = self.path.partition(" ")[2]
        return " ".join(part for part in (verbs, self.rest) if part)


NONE = Reading("none")
_RANK: list[How] = ["", "exact", "word", "sentence", "typo"]
"""From surest to loosest: a path read with a typo anywhere is as loose as its typo."""


@dataclass
class _Match:
    path: str
    used: int
    how: How
    candidates: tuple[str, ...] = field(default=())
    number: str = ""
    """A number typed before its verb (`2 done`), to put back after it."""


def _joined(words: list[str], n: int) -> str:
    return key("".join(words[:n])) if len(words) >= n else ""


def _best(typed: str, targets: dict[str, str]) -> tuple[list[str], int]:
    """The paths of the targets fewest slips away from `typed`, and that many slips."""
    found: dict[str, int] = {}
    for target, path in targets.items():
        slips = slipped(typed, target)
        if slips is not None and slips < found.get(path, 99):
            found[path] = slips
    if not found:
        return [], 0
    least = min(found.values())
    return sorted(p for p, s in found.items() if s == least), least


def _stem_paths(typed: str, targets: dict[str, str]) -> list[str]:
    """Paths whose name shares `typed`'s stem (`stories`/`story`, `nudge`/`nudges`)."""
    stem = snowball(typed)
    if len(stem) < 3:
        return []
    return sorted({path for target, path in targets.items() if snowball(target) == stem})


def read_name(router: Router, words: list[str], *, loose: bool = True) -> _Match | None:
    """The command the first word (or two run together: `/check in`) names.

    `loose=False` allows only exact names (a DM in which a conversation is waiting).
    """
    if not words:
        return None
    names = {key(name): name for name in router.commands}
    for n in (1, 2):
        if _joined(words, n) in names:
            return _Match(names[_joined(words, n)], n, "exact")
    if not loose:
        return None
    others = {word: path for word, path in COMMAND_WORDS.items() if path.split()[0] in names}
    for n in (1, 2):
        if _joined(words, n) in others:
            return _Match(others[_joined(words, n)], n, "word")
    targets = {**names, **others}
    typed = key(words[0])
    stems = _stem_paths(typed, targets)
    if len(stems) == 1:
        return _Match(stems[0], 1, "word")
    paths: list[str] = []
    for n in (1, 2):
        paths, _ = _best(_joined(words, n), targets)
        if len(paths) == 1:
            return _Match(paths[0], n, "typo")
        if paths:
            break
    candidates = paths or stems
    if not candidates and len(typed) >= 2:
        candidates = sorted(name for name in names.values() if key(name).startswith(typed))
    if candidates:
        return _Match("", 1, "typo", tuple(candidates[:3]))
    return None


def _verbs_of(router: Router, path: str) -> dict[str, SubcommandSpec]:
    """Every key that names a verb of `path`: names and aliases."""
    out: dict[str, SubcommandSpec] = {}
    for spec in router.subcommands_of(path):
        for verb in (spec.name, *spec.aliases):
            out[key(verb)] = spec
    return out


def _is_number(word: str) -> bool:
    digits = word.lstrip("#").rstrip(".,;:!")
    return digits.isascii() and digits.isdigit()


def read_verb(router: Router, path: str, words: list[str]) -> _Match | None:
    """The sub-command of `path` that `words` begin with (after filler words, and with a
    number typed first put back after its verb: `2 done`); None when no verb is typed."""
    verbs = _verbs_of(router, path)
    skip = 0
    while skip < len(words) - 1 and key(words[skip]) in FILLER and key(words[skip]) not in verbs:
        skip += 1
    words = words[skip:]
    if not words:
        return None
    if len(words) >= 2 and _is_number(words[0]):
        after = read_verb(router, path, words[1:])
        if after is not None and after.path:
            return _Match(after.path, skip + 1 + after.used, after.how, number=words[0])
    for n in (3, 2, 1):
        if _joined(words, n) in verbs:
            return _Match(verbs[_joined(words, n)].path, skip + n, "exact")
    names = {key(s.name): s.path for s in router.subcommands_of(path)}
    for n in (2, 1):
        verb = VERB_WORDS.get(_joined(words, n))
        if verb is not None and key(verb) in names:
            return _Match(names[key(verb)], skip + n, "word")
    targets = {k: spec.path for k, spec in verbs.items()}
    stems = _stem_paths(key(words[0]), targets)
    if len(stems) == 1:
        return _Match(stems[0], skip + 1, "word")
    for n in (1, 2, 3):
        typed = _joined(words, n)
        if not typed or _is_number(words[0]):
            break
        paths, _ = _best(typed, targets)
        if len(paths) == 1:
            return _Match(paths[0], skip + n, "typo")
        if paths:
            return _Match("", skip + n, "typo", tuple(paths[:3]))
    return _Match("", skip, "", ())


def remainder(text: str, used: int, number: str = "") -> str:
    """`text` after its first `used` words, kept as typed (line breaks too); `number`
    (typed before its verb) goes back in front, and a number's stray full stop goes."""
    parts = text.split(None, used)
    rest = parts[used] if len(parts) > used else ""
    rest = f"{number} {rest}" if number else rest
    first, space, tail = rest.partition(" ")
    if _is_number(first):
        rest = first.rstrip(".,;:!") + space + tail
    return rest.strip()


def read(router: Router, line: str, *, loose: bool = True) -> Reading:
    """`line` (a command name and its text, without the slash) read to the deepest
    sub-command it names; `loose=False` takes the command name only as typed."""
    found = read_name(router, line.split(), loose=loose)
    if found is None:
        return NONE
    if found.candidates:
        return Reading("ask", how="typo", offers=tuple(Offer(p) for p in found.candidates))
    path, how, rest = found.path, found.how, remainder(line, found.used)
    unread = False
    while router.subcommands_of(path):
        verb = read_verb(router, path, rest.split())
        if verb is None or not (verb.path or verb.candidates):
            unread = verb is not None
            break
        if verb.candidates:
            tail = remainder(rest, verb.used)
            return Reading("ask", how="typo", offers=tuple(Offer(p, tail) for p in verb.candidates))
        path, rest = verb.path, remainder(rest, verb.used, verb.number)
        how = max(how, verb.how, key=_RANK.index)
    return judged(Reading("run", path, rest, how, unread_verb=unread))


def judged(reading: Reading) -> Reading:
    """A reading that is not exact never runs a destructive command: it is offered."""
    if reading.kind == "run" and reading.how != "exact" and is_destructive(reading.path):
        return Reading("ask", how=reading.how, offers=(Offer(reading.path, reading.rest),))
    return reading
