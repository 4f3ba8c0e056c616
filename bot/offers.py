"""Running what a member's words were read as, or offering it when the reading is unsure.

`bot.understanding.commands` and `.sentences` decide what typed words mean; this module
acts on that: a sure reading runs through the command's own handler (so sub-command
parsing and admin checks are the same as for a typed command), an unsure one becomes
"Did you mean …?" with one button per candidate. A button carries the command path
and the member's text in its action id (`cmd:run:commitments.done:2`), so it still
works after a restart. A destructive command that does not confirm by itself
(`/jobclub cohort leave`, `/story new`: declared on its registration) gets a
confirmation step before it runs: nothing that deletes or leaves ever runs from a guess.
Every reply here is private: in the DM, or seen only by the member in a channel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.replies import Button, ButtonStyle, Reply, Visibility
from bot.text import shorten
from bot.understanding.commands import Offer, Reading, confirms_itself, is_destructive, read

if TYPE_CHECKING:
    from bot.context import Context
    from bot.router import Handler, Router

ACTION_LIMIT = 100
"""Discord's limit for a button's custom id, the tighter of the two platforms; an offer
whose text does not fit is named in the reply without a button."""


def shown(text: str, limit: int = 60) -> str:
    """Member text inside a code span: no backticks to break out of it, kept short."""
    return shorten(" ".join(text.replace("`", "'").split()), limit)


def action_for(offer: Offer, step: str = "run") -> str:
    """`cmd:run:commitments.done:2`: the path's words joined by dots, then the text."""
    action = f"cmd:{step}:{offer.path.replace(' ', '.')}"
    return f"{action}:{offer.rest}" if offer.rest else action


def offer_from(args: list[str]) -> Offer | None:
    """The offer a `cmd:` action id carries (its text may itself contain colons)."""
    if not args or not args[0]:
        return None
    return Offer(args[0].replace(".", " "), ":".join(args[1:]).strip())


def ask(router: Router, reading: Reading, typed: str) -> Reply:
    """ "Did you mean …?" with a button for each offer; nothing has run. Seen only by the
    member (the caller passes it through `ctx.private`, which makes it a DM in a DM)."""
    buttons: list[Button] = []
    for offer in reading.offers:
        step = "confirm" if _needs_confirming(router, offer.path) else "run"
        action = action_for(offer, step)
        if len(action) <= ACTION_LIMIT:
            buttons.append(Button(shorten(offer.line, 70), action))
    names = " or ".join(f"`{shown(o.line)}`" for o in reading.offers)
    if reading.how == "sentence":
        text = f"Do you want {names}? Press the button to go on; nothing has changed yet."
    else:
        said = f"`{shown(typed, 40)}`" if typed else "that"
        text = f"I'm not sure what {said} means. Did you mean {names}?"
    if len(buttons) < len(reading.offers):
        text += " Type the command again in full to run it."
    return Reply(
        text=text,
        buttons=[*buttons, Button("Show help", "jobclub:help")],
        visibility=Visibility.ONLY_MEMBER,
        meta={
            "did_you_mean": [o.path for o in reading.offers],
            "suggestion": reading.offers[0].path if reading.offers else None,
        },
    )


def _needs_confirming(router: Router, path: str) -> bool:
    return is_destructive(router, path) and not confirms_itself(router, path)


async def run(ctx: Context, reading: Reading) -> Reply | list[Reply] | None:
    """Run a sure reading through its root command, exactly as if it had been typed."""
    spec = ctx.services.router.command(reading.root)
    if spec is None:
        return None
    ctx.text = reading.text
    ctx.args = ()  # a button's action parts are not the command's arguments
    result = await spec.handler(ctx)
    for reply in result if isinstance(result, list) else [result] if result else []:
        reply.meta.setdefault("read_as", f"/{reading.path}")
    return result


async def on_run(ctx: Context) -> Reply | list[Reply] | None:
    """A "Did you mean" button (or "Yes" on a confirmation) pressed: run what it names."""
    offer = offer_from(list(ctx.args))
    if offer is None or ctx.services.router.command(offer.path.split()[0]) is None:
        return _gone(ctx)
    return await run(ctx, Reading("run", offer.path, offer.rest, "exact"))


async def on_confirm(ctx: Context) -> Reply:
    """Before a destructive command offered from a guess runs: are you sure?"""
    offer = offer_from(list(ctx.args))
    if offer is None:
        return _gone(ctx)
    return ctx.private(
        Reply(
            text=f"Do you want me to run `{shown(offer.line)}`? It can't be undone from here.",
            buttons=[
                Button("Yes, do it", action_for(offer), ButtonStyle.DANGER),
                Button("No", "cmd:no"),
            ],
            meta={"confirm": offer.path},
        )
    )


async def on_no(ctx: Context) -> Reply:
    return ctx.private(Reply(text="Okay, I left it as it was."))


def _gone(ctx: Context) -> Reply:
    return ctx.private(
        Reply(
            text="That button no longer matches a command. Type `help` to see them all.",
            meta={"error": "unknown_action"},
        )
    )


def register(router: Router) -> None:
    """The buttons offers carry; registered by the core once the features are in."""
    router.add_action("cmd:run", on_run)
    router.add_action("cmd:confirm", on_confirm)
    router.add_action("cmd:no", on_no)


def unregistered(router: Router, name: str, text: str) -> Handler | None:
    """A slash command the router does not have (`/comit`, `/tips`): a handler that runs
    what it plainly means (through `run`, so the reply says what it was read as) or
    answers "Did you mean"; None when it reads as nothing at all."""
    reading = read(router, f"{name} {text}".strip())
    if reading.kind == "run" and router.command(reading.root) is not None:

        async def run_it(ctx: Context) -> Reply | list[Reply] | None:
            return await run(ctx, reading)

        return run_it
    if reading.kind == "ask":

        async def offer_it(ctx: Context) -> Reply:
            return ctx.private(ask(router, reading, f"/{name}"))

        return offer_it
    return None
