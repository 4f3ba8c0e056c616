"""How well the bot reads commands as members type them: phrasings by split.

    .venv/bin/python bench/eval_commands.py                      # train and dev (tuning)
    .venv/bin/python bench/eval_commands.py --splits dev --errors # what went wrong on dev
    .venv/bin/python bench/eval_commands.py --splits test         # once, for the report
    .venv/bin/python bench/eval_commands.py --splits fresh \
        --phrases bench/command_phrases_fresh.yaml                # the over-fitting check

Each phrase in `bench/command_phrases.yaml` says what the member meant: a command path
and its text, `ask` (offer choices, run nothing) or `none` (not a command). The phrase
goes through the same reading the bot uses (`bot.dm.read_typed`, then, for a plain DM
with no conversation waiting, `bot.dm.read_plain`; a slash command the router does not
have goes through `bot.understanding.commands.read`, as `bot.offers.unregistered` does),
on the router every feature registers into. Outcomes:

- right: ran the meant path with the meant text, asked when it should, left `none` alone;
- asked back: offered the meant command as a button instead of running it (safe, slower);
- confidently wrong: ran something the member did not mean (wrong command or text, or
  any command for a `none` or `ask` phrase): the figure that must stay near zero;
- missed: read nothing although the member meant a command (today's behaviour: the
  unknown-command reply, the tips reader or the greeting).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import dm
from bot.features import load_features
from bot.router import Router
from bot.text import fold
from bot.understanding.commands import NONE, Offer, Reading, read

DATA = Path(__file__).with_name("command_phrases.yaml")


def build_router() -> Router:
    router = Router()
    for feature in load_features():
        feature.register(router)
    return router


def reading_of(router: Router, item: dict[str, object]) -> Reading:
    """What the bot reads `item['say']` as, following the order of `bot.dm.answer`."""
    say = str(item["say"])
    if item.get("via") == "slash":
        name, _, rest = say.lstrip("/").partition(" ")
        if key_of(name) in dm.HELP_COMMANDS:
            return Reading("run", "help", how="exact")
        if router.command(key_of(name)) is not None:  # a registered name: its verbs
            return read(router, f"{key_of(name)} {rest}", loose=False)
        return read(router, say.lstrip("/"))
    if dm.is_help(say):
        return Reading("run", "help", how="exact")
    held = bool(item.get("held"))
    typed = dm.read_typed(router, say, focused=held)
    if typed.kind != "none" or say.startswith("/") or held:
        return typed
    sentence = dm.read_plain(router, say)
    return sentence if sentence.kind != "none" else NONE


def before(router: Router, item: dict[str, object]) -> Reading:
    """The reading before this work, for the before/after figures: exact command names,
    the first word as the verb (lower case, end punctuation dropped), no sentences; an
    unknown name got a "Did you mean" hint in text (counted as an offer)."""
    say = str(item["say"])
    slashed = item.get("via") == "slash" or say.startswith("/")
    if not slashed and dm.is_help(say):
        return Reading("run", "help", how="exact")
    name, _, rest = say.lstrip("/").partition(" ")
    if slashed and key_of(name) in dm.HELP_COMMANDS:
        return Reading("run", "help", how="exact")
    path = key_of(name)
    if router.command(path) is None:
        hint = _old_suggest(router, path) if slashed else None
        return Reading("ask", offers=(Offer(hint),)) if hint else NONE
    if not slashed and item.get("held") and len(fold(say).split()) >= dm.FOCUSED_COMMAND_WORDS:
        return NONE
    while router.subcommands_of(path):
        verb, _, tail = rest.strip().partition(" ")
        found = [
            s
            for s in router.subcommands_of(path)
            if verb.lower().strip(".,:;!?") in (s.name, *s.aliases)
        ]
        if not verb or not found:
            break
        path, rest = found[0].path, tail
    return Reading("run", path, rest.strip(), "exact")


def _old_suggest(router: Router, name: str) -> str | None:
    """The hint the unknown-command reply gave before this work (a fuzzy ratio)."""
    match = process.extractOne(name, list(router.commands), scorer=fuzz.ratio, score_cutoff=60)
    return match[0] if match else None


def key_of(name: str) -> str:
    return fold(name).replace(" ", "")


def args_fit(want: str, got: str) -> bool:
    """Every word the member meant is there, with at most two extra (`on`, `at`)."""
    wanted, given = fold(want).split(), fold(got).split()
    return set(wanted) <= set(given) and len(given) - len(wanted) <= 2


def judge(item: dict[str, object], got: Reading) -> str:
    want = str(item["want"])
    offers = [o.path for o in got.offers]
    if want == "none":
        return {"none": "right", "ask": "asked back"}.get(got.kind, "confidently wrong")
    if want == "ask":
        meant = list(item.get("offer") or [])  # type: ignore[call-overload]
        if got.kind == "ask":
            return "right" if meant and meant[0] in offers else "asked back"
        return "missed" if got.kind == "none" else "confidently wrong"
    if got.kind == "run" and got.unread_verb:
        return "missed"  # the command answers with its forms: nothing ran
    if got.kind == "run":
        fits = args_fit(str(item.get("args") or ""), got.rest)
        return "right" if got.path == want and fits else "confidently wrong"
    if got.kind == "ask":
        return "asked back" if want in offers else "missed"
    return "missed"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--splits", default="train,dev")
    parser.add_argument("--errors", action="store_true", help="print the phrases read wrong")
    parser.add_argument("--before", action="store_true", help="the reading before this work")
    parser.add_argument("--phrases", type=Path, default=DATA, help="another file, same shape")
    args = parser.parse_args()
    data = yaml.safe_load(args.phrases.read_text(encoding="utf-8"))
    router = build_router()
    print("| split | phrases | right | asked back | confidently wrong | missed |")
    print("| --- | --- | --- | --- | --- | --- |")
    for split in args.splits.split(","):
        items = data[split]
        counts: Counter[str] = Counter()
        errors: list[str] = []
        for item in items:
            got = (before if args.before else reading_of)(router, item)
            outcome = judge(item, got)
            counts[outcome] += 1
            if outcome != "right":
                shown = got.kind if got.kind != "run" else f"run {got.path!r} {got.rest!r}"
                if got.kind == "ask":
                    shown += f" {[o.path for o in got.offers]}"
                errors.append(
                    f"  {outcome}: {item['say']!r} ({item.get('via', 'dm')}"
                    f"{', held' if item.get('held') else ''}) -> {shown}; want {item['want']!r}"
                    f" {item.get('args') or item.get('offer') or ''}"
                )
        n = len(items)

        def cell(name: str, n: int = n, counts: Counter[str] = counts) -> str:
            return f"{counts[name]} ({100 * counts[name] / n:.0f}%)"

        print(
            f"| {split} | {n} | {cell('right')} | {cell('asked back')} | "
            f"{cell('confidently wrong')} | {cell('missed')} |"
        )
        if args.errors:
            print("\n".join(errors))


if __name__ == "__main__":
    main()
