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
   Stems and typos are run only from the registered names and aliases: a slip of a
   synonym from step 2 is at most offered (`/shore` asks about `/progress`), and a
   word that says stop (`quit`, `exit`) is never a slip of anything (`/quit` is no quiz).

Anything looser (a prefix like `/pr`, a slip that fits two commands) is never run:
the member gets the candidates as buttons (`Reading.kind == "ask"`). And a reading
that is not exact never runs a destructive command (`is_destructive`, declared where the
feature registers it: `add_subcommand(..., destructive=True)`): `/delet`, `/landd acme`,
`/story nwe` and `/jobclub cohort leav spring` are offered as a button, which then asks
to confirm unless the command asks by itself.
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

STOP_WORDS = frozenset({"cancel", "stop", "quit", "exit", "leave", "nevermind"})
"""Words that say "stop": never read as a slip of a command name (`/quit` is no `/quiz`)."""


def is_destructive(router: Router, path: str) -> bool:
    """`path` deletes, drops, leaves or ends something, as its registration declares: it
    runs only when typed exactly, never from a typo, another word or a sentence."""
    spec = router.spec_at(path)
    return spec is not None and spec.destructive


def confirms_itself(router: Router, path: str) -> bool:
    """`path`'s own handler asks "are you sure?", so an offered button may run it."""
    spec = router.spec_at(path)
    return spec is not None and spec.confirms_itself


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


def read_name(
    router: Router, words: list[str], *, loose: bool = True, joined: bool = True
) -> _Match | None:
    """The command the first word (or two run together: `/check in`) names.

    `loose=False` allows only exact names (a DM typed without the slash); `joined=False`
    reads the first word alone (a DM in which a conversation waits: "check in" there is
    an answer, not `/checkin`).
    """
    if not words:
        return None
    spans = (1, 2) if joined else (1,)
    names = {key(name): name for name in router.commands}
    for n in spans:
        if _joined(words, n) in names:
            return _Match(names[_joined(words, n)], n, "exact")
    if not loose:
        return None
    others = {word: path for word, path in COMMAND_WORDS.items() if path.split()[0] in names}
    for n in spans:
        if _joined(words, n) in others:
            return _Match(others[_joined(words, n)], n, "word")
    typed = key(words[0])
    if typed in STOP_WORDS:
        return None
    stems = _stem_paths(typed, names)  # stems and slips: real names only, never synonyms
    if len(stems) == 1:
        return _Match(stems[0], 1, "word")
    paths: list[str] = []
    for n in spans:
        paths, _ = _best(_joined(words, n), names)
        if len(paths) == 1:
            return _Match(paths[0], n, "typo")
        if paths:
            break
    for n in spans if not paths else ():  # a slip of another word (`/delet`): only offered
        paths, _ = _best(_joined(words, n), others)
        if paths:
            break
    candidates = paths or stems
    if not candidates and len(typed) >= 2:  # `/pr`: a name it begins
        candidates = sorted(name for name in names.values() if key(name).startswith(typed))
    if not candidates and len(typed) >= 4:  # `/tipsy`: a name with letters added after it
        candidates = sorted(name for name in names.values() if typed.startswith(key(name)))
    if candidates:
        return _Match("", 1, "typo", tuple(candidates[:3]))
    return None


def verbs_of(router: Router, path: str) -> dict[str, SubcommandSpec]:
    """Every key that names a verb of `path`: names and aliases (the router refuses a
    second registration of any of these keys)."""
    out: dict[str, SubcommandSpec] = {}
    for spec in router.subcommands_of(path):
        for verb in (spec.name, *spec.aliases):
            out[key(verb)] = spec
    return out


def _is_number(word: str) -> bool:
    digits = word.lstrip("#").rstrip(".,;:!")
    return digits.isascii() and digits.isdigit()


def read_verb(router: Router, path: str, words: list[str], *, loose: bool = True) -> _Match | None:
    """The sub-command of `path` that `words` begin with (after filler words, and with a
    number typed first put back after its verb: `2 done`); None when no verb is typed.
    `loose=False` takes a verb only as registered (a waiting conversation's answer)."""
    verbs = verbs_of(router, path)
    skip = 0
    while skip < len(words) - 1 and key(words[skip]) in FILLER and key(words[skip]) not in verbs:
        skip += 1
    words = words[skip:]
    if not words:
        return None
    if len(words) >= 2 and _is_number(words[0]):
        after = read_verb(router, path, words[1:], loose=loose)
        if after is not None and (after.path or after.candidates):
            used = skip + 1 + after.used
            return _Match(after.path, used, after.how, after.candidates, number=words[0])
    for n in (3, 2, 1):
        if _joined(words, n) in verbs:
            return _Match(verbs[_joined(words, n)].path, skip + n, "exact")
    if not loose:
        return _Match("", skip, "", ())
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


def read_path(
    router: Router, path: str, rest: str, how: How = "exact", *, loose: bool = True
) -> Reading:
    """`rest` read for the verbs under `path`, as deep as it names them, and judged.

    One reading for every caller: `read` after the command name, and the router's
    dispatcher for a registered command's text, so both keep a number typed before its
    verb (`2 drpo` offers `/commitments drop 2`) and both offer what they are unsure of.
    `how` is how surely `path` itself was read; `loose=False` takes verbs only exactly.
    """
    unread = False
    while router.subcommands_of(path):
        verb = read_verb(router, path, rest.split(), loose=loose)
        if verb is None or not (verb.path or verb.candidates):
            unread = verb is not None
            break
        tail = remainder(rest, verb.used, verb.number)
        if verb.candidates:
            return Reading("ask", how="typo", offers=tuple(Offer(p, tail) for p in verb.candidates))
        path, rest = verb.path, tail
        how = max(how, verb.how, key=_RANK.index)
    return judged(router, Reading("run", path, rest, how, unread_verb=unread))


def read(router: Router, line: str, *, loose: bool = True, focused: bool = False) -> Reading:
    """`line` (a command name and its text, without the slash) read to the deepest
    sub-command it names. `loose=False` takes the command name only as typed;
    `focused=True` (a conversation waits for an answer) takes the first word only, and
    names and verbs only exactly: no joined words, synonyms, stems or slips."""
    found = read_name(router, line.split(), loose=loose and not focused, joined=not focused)
    if found is None:
        return NONE
    rest = remainder(line, found.used)
    if found.candidates:  # the member's text goes on every button: `/pr conflict`
        return Reading("ask", how="typo", offers=tuple(Offer(p, rest) for p in found.candidates))
    return read_path(router, found.path, rest, found.how, loose=not focused)


def judged(router: Router, reading: Reading) -> Reading:
    """A reading that is not exact never runs a destructive command: it is offered."""
    destructive = is_destructive(router, reading.path)
    if reading.kind == "run" and reading.how != "exact" and destructive:
        return Reading("ask", how=reading.how, offers=(Offer(reading.path, reading.rest),))
    return reading
