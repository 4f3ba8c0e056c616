"""`/jobclub`: help, and the home of settings and admin sub-commands features add."""

from __future__ import annotations

from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, feature
from bot.replies import Button, Reply, Visibility
from bot.router import Router, SubcommandSpec, text
from bot.text import shorten

COMMAND_ORDER = (
    "tip practice story quiz commit commitments nudges interview rejected progress jobclub".split()
)


@feature
class JobClub(Feature):
    name = "jobclub"

    def register(self, router: Router) -> None:
        self._router = router
        router.add_command(
            "jobclub",
            "Help, your settings, privacy (export or delete your data) and club admin.",
            "/jobclub",
            self.on_help,
        )
        router.add_subcommand(
            "jobclub",
            "help",
            "What every command does; `help COMMAND` shows all of its forms.",
            self.on_help,
            args=(text("COMMAND", optional=True),),
            example="help commitments",
        )
        router.add_action("jobclub:help", self.on_help)
        router.set_help(self.on_help)  # `help`, `menu`, `?` and `/help`, in any DM state

    async def on_help(self, ctx: Context) -> Reply:
        """Everything here is read from the router's specs, so help never drifts from code."""
        router = self._router
        asked = ctx.text.strip().lstrip("/").lower() if ctx.args else ""
        if asked:
            return self._command_help(ctx, asked)
        names = sorted(
            router.commands,
            key=lambda n: (COMMAND_ORDER.index(n) if n in COMMAND_ORDER else 99, n),
        )
        lines = []
        for n in names:
            lines.append(f"/{n} · {router.commands[n].summary}")
            forms = [s.form for s in _visible(router, n, ctx.is_admin) if n != "jobclub"]
            if forms:
                lines.append("    " + " · ".join(forms))
        subs = [
            f"{s.usage} · {s.summary}"
            for s in _visible(router, "jobclub", ctx.is_admin)
            if s.name != "help"
        ]
        text = "\n".join(lines)
        if subs:
            text += "\n\n" + "\n".join(subs)
        text += (
            "\n\n`/jobclub help COMMAND` explains every form of one command."
            "\nEverything you write to me is private to you unless you choose to share it."
            " In a DM you can also type a command without the slash, e.g. `tip networking`,"
            " or just say it: “remind me to email Ana friday 3pm”. A typo is fine; when I'm"
            " not sure what you mean I ask first."
        )
        return Reply(
            title="What I can do",
            text=text,
            buttons=[Button("A tip to start", "tip:another"), Button("Tip topics", "tip:topics")],
            visibility=Visibility.ONLY_MEMBER,
            meta={"commands": names},
        )

    def _command_help(self, ctx: Context, asked: str) -> Reply:
        router = self._router
        name = asked.split()[0]
        spec = router.command(name)
        if spec is None:
            hint = router.suggest(name)
            raise UserError(
                f"I don't know `/{shorten(name, 30)}`."
                + (f" Did you mean `/{hint}`?" if hint else "")
                + " `/jobclub help` lists every command."
            )
        lines = [f"{spec.usage or '/' + name} · {spec.summary}"]
        lines += [f"{s.usage} · {s.summary}" for s in _visible(router, name, ctx.is_admin)]
        return Reply(
            title=f"/{name}",
            text="\n".join(lines),
            visibility=Visibility.ONLY_MEMBER,
            meta={
                "command": name,
                "forms": [s.usage for s in _visible(router, name, ctx.is_admin)],
            },
        )


def _visible(router: Router, name: str, admin: bool) -> list[SubcommandSpec]:
    return [s for s in router.all_subcommands(name) if admin or not s.admin_only]
