"""Free text in a member's DM: who it goes to, decided once, here.

The order, first match wins:

1. `help`, `menu`, `?`: the help, in any state, with what the bot is waiting for.
2. `cancel` (or stop, quit, never mind…): leaves whatever conversation holds the DM.
3. A command, with or without its slash (`tip networking`, `progress`). While a
   conversation holds the DM, a slash-less command counts only in a short message
   (fewer than `FOCUSED_COMMAND_WORDS` words), so an answer that happens to start with
   "practice" or "story" still reaches the conversation.
4. The conversation holding the DM (`bot.focus`), which may pass (None).
5. The DM fallbacks features register (the tips feature reads advice requests).
6. A friendly greeting that points to help and repeats what the bot is waiting for.

So features never decide among themselves who owns a DM: a feature that waits for
text holds the DM with `ctx.hold_dm`, and everything else is a fallback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import focus
from bot.replies import Button, Reply, Visibility
from bot.text import fold

if TYPE_CHECKING:
    from bot.context import Context
    from bot.router import CommandSpec

HELP_WORDS = frozenset({"help", "menu", "commands", "what can you do", "help me"})
"""A whole message that asks for the help (after folding; `?` alone folds to nothing)."""
HELP_COMMANDS = frozenset({"help", "menu"})
"""`/help` and `/menu` work as commands too, without being registered with platforms."""
CANCEL_WORDS = frozenset(
    {"cancel", "stop", "quit", "exit", "leave", "nevermind", "never mind", "forget it"}
)
_COURTESY = frozenset("please thanks thank you ok okay just that it this now for".split())
FOCUSED_COMMAND_WORDS = 3
"""While a conversation holds the DM, a slash-less command is read only in a message
shorter than this: `progress` or `tip salary` are commands, an answer is an answer."""


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


def command_in(ctx: Context, text: str, *, focused: bool) -> tuple[CommandSpec, str] | None:
    """The command a DM names, and the text after it; None when it names none."""
    slashed = text.startswith("/")
    first, _, rest = text.lstrip("/").partition(" ")
    spec = ctx.services.router.command(fold(first).replace(" ", "")) if first else None
    if spec is None:
        return None
    if focused and not slashed and len(fold(text).split()) >= FOCUSED_COMMAND_WORDS:
        return None
    return spec, rest.strip()


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
    found = command_in(ctx, text, focused=held is not None)
    if found is not None:
        spec, ctx.text = found
        return await spec.handler(ctx)
    if text.startswith("/"):
        name = fold(text.lstrip("/").partition(" ")[0])
        return _unknown(name, router.suggest(name.replace(" ", "")) if name else None)
    if held is not None:
        row, spec = held
        result = await spec.on_text(ctx, dict(row.state or {}))
        if result is not None:
            return result
    for fallback in router.dm_fallbacks:
        result = await fallback(ctx)
        if result is not None:
            return result
    return _greeting(waiting)


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


def _unknown(name: str, suggestion: str | None) -> Reply:
    hint = f" Did you mean `{suggestion}`?" if suggestion else ""
    return Reply(
        text=f"I don't know `/{name[:40]}`.{hint} Type `help` to see every command.",
        buttons=[Button("Show help", "jobclub:help")],
        visibility=Visibility.DM,
        meta={"error": "unknown_command", "suggestion": suggestion},
    )
