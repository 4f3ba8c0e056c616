"""`/jobclub`: help, and the home of settings and admin sub-commands features add."""

from __future__ import annotations

from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, feature
from bot.replies import Button, Reply, Visibility
from bot.router import Router

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
            "/jobclub help · /jobclub export · /jobclub delete",
            self.on_jobclub,
        )
        router.add_subcommand("jobclub", "help", "What every command does.", self.on_help)
        router.add_action("jobclub:help", self.on_help)

    async def on_jobclub(self, ctx: Context) -> Reply | list[Reply] | None:
        words = ctx.text.split(maxsplit=1)
        name = words[0].lower() if words else "help"
        sub = self._router.subcommand("jobclub", name)
        if sub is None:
            known = ", ".join(s.name for s in self._router.subcommands_of("jobclub"))
            raise UserError(f"`/jobclub {name}` is not something I know. Try one of: {known}.")
        if sub.admin_only and not ctx.is_admin:
            raise UserError("Only club admins can do that.")
        ctx.text = words[1] if len(words) > 1 else ""
        return await sub.handler(ctx)

    async def on_help(self, ctx: Context) -> Reply:
        router = self._router
        names = sorted(
            router.commands,
            key=lambda n: (COMMAND_ORDER.index(n) if n in COMMAND_ORDER else 99, n),
        )
        lines = [f"/{n} · {router.commands[n].summary}" for n in names]
        subs = [
            f"/jobclub {s.name} · {s.summary}"
            for s in router.subcommands_of("jobclub")
            if s.name != "help" and (ctx.is_admin or not s.admin_only)
        ]
        text = "\n".join(lines)
        if subs:
            text += "\n\n" + "\n".join(subs)
        text += (
            "\n\nEverything you write to me is private to you unless you choose to share it."
            " In a DM you can also type a command without the slash, e.g. `tip networking`."
        )
        return Reply(
            title="What I can do",
            text=text,
            buttons=[Button("A tip to start", "tip:another"), Button("Tip topics", "tip:topics")],
            visibility=Visibility.ONLY_MEMBER,
            meta={"commands": names},
        )
