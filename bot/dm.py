"""Free text in a member's DM: who it goes to, decided once, here.

The order, first match wins:

1. `help`, `menu`, `?`: the help, in any state, with what the bot is waiting for.
2. `cancel` (or stop, quit, never mind…): leaves whatever conversation holds the DM.
3. A command, with or without its slash, read as members type it
   (`bot.understanding.commands`): `tip networking`, `progress`, `/comit email Ana
   friday`, `jobclub still open 4`. With the slash, typos and other words for a
   command count in any state. Without it:
   - a command's exact name counts; while a conversation holds the DM, only as the
     first word of a short message (fewer than `FOCUSED_COMMAND_WORDS` words) and with
     its verb typed exactly, so an answer that happens to start with "practice" or
     "story", or joins into a name ("check in"), still reaches the conversation; and
     not when the words after it ask for advice ("interview tips please" goes to the
     tips reader) unless the command takes questions itself (`tip how to prepare`,
     `takes_questions` on its registration), nor when its next word is no sub-command
     of it in a longer message ("nudges are helpful, thanks" is chat); a destructive
     one (`landed Acme`, `jobclub delete`) is only offered without its slash ("landed
     an interview at Monzo" is news, and goes to step 5 when it reads as a sentence);
   - another word or a typo for a name (`tips`, `reminders`, `progres`) counts only in
     a message of at most `LOOSE_WORDS` words and only when no conversation holds the
     DM ("stories about failure are hard" is not `/story`); a slip in a word shorter
     than `SURE_SLIP_LETTERS` is only offered ("trip" may mean a trip, not `/tip`).
   An unsure reading (`/pr`, a slip that fits two commands, any slip in a destructive
   command) runs nothing: the member gets "Did you mean" buttons (`bot.offers`).
4. The conversation holding the DM (`bot.focus`), which may pass (None). Nothing
   below ever sees an answer it took.
5. A plain sentence that clearly asks for a command (`bot.understanding.sentences`):
   "remind me to email Ana friday 3pm", "I have an interview at Acme next Tuesday
   2pm", "Initech rejected me". A sentence asking for advice is not one of these.
   Deleting your data or "I got the job" is only offered as a button, never run, and
   so is a sentence whose company is no plain name ("I think Acme rejected me").
   This step also runs while a conversation holds the DM, but only for text the
   conversation passed on (None from its `on_text`). It is read once per message:
   step 3 already reads it when nothing waits, and step 5 reuses that reading.
6. The DM fallbacks features register (the tips feature reads advice requests).
7. A friendly greeting that points to help and repeats what the bot is waiting for.

So features never decide among themselves who owns a DM: a feature that waits for
text holds the DM with `ctx.hold_dm`, and everything else is a fallback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import focus, offers
from bot.replies import Button, Reply, Visibility
from bot.text import fold
from bot.understanding.commands import (
    NONE,
    STOP_WORDS,
    Offer,
    Reading,
    is_destructive,
    read,
    remainder,
)
from bot.understanding.sentences import ADVICE, read_sentence

if TYPE_CHECKING:
    from bot.context import Context
    from bot.router import Router

HELP_WORDS = frozenset({"help", "menu", "commands", "what can you do", "help me"})
"""A whole message that asks for the help (after folding; `?` alone folds to nothing)."""
HELP_COMMANDS = frozenset({"help", "menu"})
"""`/help` and `/menu` work as commands too, without being registered with platforms."""
CANCEL_WORDS = STOP_WORDS | {"never mind", "forget it"}
_COURTESY = frozenset("please thanks thank you ok okay just that it this now for".split())
FOCUSED_COMMAND_WORDS = 3
"""While a conversation holds the DM, a slash-less command is read only in a message
shorter than this: `progress` or `tip salary` are commands, an answer is an answer."""
LOOSE_WORDS = 2
"""A slash-less typo or other word for a command is read only in a message this short
(`progres`, `tips salary`); a longer one is a sentence, and sentences have their own
reader."""
SURE_SLIP_LETTERS = 5
"""Without the slash, a one-slip reading runs only for a word this long (`progres`); a
shorter one is offered (`trip`, `quit` and `tipp` are words of their own, or nearly)."""


def is_cancel(text: str) -> bool:
    """`cancel`, `stop please`, `ok never mind`: a short message that only says stop."""
    words = fold(text).split()
    if not words or len(words) > 5:
        return False
    return " ".join(w for w in words if w not in _COURTESY) in CANCEL_WORDS


def is_help(text: str) -> bool:
    stripped = text.strip()
    if stripped in ("?", "/?"):
        return True
    folded = fold(stripped.lstrip("/"))
    return folded in HELP_WORDS


def read_typed(
    router: Router, text: str, *, focused: bool, sentence: Reading | None = None
) -> Reading:
    """The command a DM types, with or without its slash (step 3 of the module docstring).

    `sentence` is `read_plain(router, text)` when the caller already has it (it is read
    here when nothing waits, and reused at step 5 rather than read twice).
    """
    slashed = text.startswith("/")
    line = text.lstrip("/").strip()
    if not line:
        return NONE
    if slashed:
        return read(router, line)
    if focused:  # a waiting conversation's answer: only a short, exact command is one
        exact = read(router, line, loose=False, focused=True)
        if exact.kind == "none" or exact.unread_verb:
            return NONE
        if len(fold(text).split()) >= FOCUSED_COMMAND_WORDS:
            return NONE
        return _offered_if_destructive(router, exact)
    exact = read(router, line, loose=False)
    if exact.kind != "none":
        spec = router.command(exact.root)
        questions = spec is not None and spec.takes_questions
        if not questions and ADVICE.search(remainder(line, 1).lower()):
            return NONE  # "interview tips please" asks for advice: the tips reader has it
        if exact.unread_verb and len(line.split()) > LOOSE_WORDS:
            return NONE  # "nudges are helpful, thanks": a sentence, not a mistyped verb
        # "practice with me", "quiz me": the sentence reads the filler away
        plain = sentence if sentence is not None else read_plain(router, line)
        if plain.kind != "none" and (
            plain.root == exact.root or is_destructive(router, exact.path)
        ):
            return plain
        return _offered_if_destructive(router, exact)
    if len(line.split()) > LOOSE_WORDS:
        return NONE
    loose = read(router, line)
    if loose.kind == "run" and loose.how == "typo" and len(line) < SURE_SLIP_LETTERS:
        return Reading("ask", how="typo", offers=(Offer(loose.path, loose.rest),))
    return loose if loose.kind == "run" or loose.how == "word" else NONE


def _offered_if_destructive(router: Router, reading: Reading) -> Reading:
    """Without its slash a destructive name may be a sentence ("landed an interview"):
    it is offered, never run."""
    if reading.kind == "run" and is_destructive(router, reading.path):
        return Reading("ask", how="word", offers=(Offer(reading.path, reading.rest),))
    return reading


def read_plain(router: Router, text: str) -> Reading:
    """A plain sentence that clearly asks for one of the router's commands (step 5)."""
    return read_sentence(router, text)


async def answer(ctx: Context) -> Reply | list[Reply] | None:
    """The reply to a free-text DM (see the module docstring for the order)."""
    text = ctx.text.strip()
    if not text:
        return None
    router = ctx.services.router
    held = await focus.current(ctx)
    waiting = held[0].waiting_for if held else ""
    if is_help(text) and router.help is not None:
        return _with_waiting(await router.help(ctx), waiting)
    if is_cancel(text):
        if held is None:
            return Reply(
                text="There's nothing to cancel: I'm not waiting for anything from you. "
                "Type `help` to see what I can do.",
                visibility=Visibility.DM,
                meta={"cancelled": False},
            )
        owner = held[0].owner
        note = await focus.leave(ctx, "cancel")
        return Reply(
            text=note or "Okay, stopped.",
            visibility=Visibility.DM,
            meta={"cancelled": True, "left": owner},
        )
    sentence = None if held or text.startswith("/") else read_plain(router, text)
    typed = read_typed(router, text, focused=held is not None, sentence=sentence)
    if typed.kind != "none":
        return await _act(ctx, typed, text.split()[0])
    if text.startswith("/"):
        # read_typed found nothing near it (the one reader `Router.suggest` uses too)
        return _unknown(fold(text.lstrip("/").partition(" ")[0]))
    if held is not None:
        row, spec = held
        result = await spec.on_text(ctx, dict(row.state or {}))
        if result is not None:
            return result
    if sentence is None:
        sentence = read_plain(router, text)
    if sentence.kind != "none":
        return await _act(ctx, sentence, text)
    for fallback in router.dm_fallbacks:
        result = await fallback(ctx)
        if result is not None:
            return result
    return _greeting(waiting)


async def _act(ctx: Context, reading: Reading, typed: str) -> Reply | list[Reply] | None:
    if reading.kind == "run":
        return await offers.run(ctx, reading)
    return ctx.private(offers.ask(ctx.services.router, reading, typed))


def _with_waiting(result: Reply | list[Reply] | None, waiting: str) -> Reply | list[Reply] | None:
    """Add "I'm still waiting for …" to a help reply, so the member knows where they are."""
    if not waiting or result is None:
        return result
    last = result[-1] if isinstance(result, list) else result
    last.text = (last.text + "\n\n" if last.text else "") + _waiting_line(waiting)
    last.meta["waiting_for"] = waiting
    return result


def _waiting_line(waiting: str) -> str:
    return f"Right now I'm waiting for {waiting}. Type `cancel` to leave it."


def _greeting(waiting: str) -> Reply:
    if waiting:
        text = (
            f"I'm not sure what to do with that. {_waiting_line(waiting)} `help` shows everything."
        )
    else:
        text = (
            "Hi! I read commands here, with or without the slash: for example "
            "`tip thank you note`. Type `help` (or `menu`, or `?`) to see everything I can do."
        )
    return Reply(
        text=text,
        buttons=[Button("Show help", "jobclub:help"), Button("Give me a tip", "tip:another")],
        visibility=Visibility.DM,
        meta={"greeting": True, "waiting_for": waiting or None},
    )


def _unknown(name: str) -> Reply:
    return Reply(
        text=f"I don't know `/{name[:40]}`. Type `help` to see every command.",
        buttons=[Button("Show help", "jobclub:help")],
        visibility=Visibility.DM,
        meta={"error": "unknown_command", "suggestion": None},
    )
