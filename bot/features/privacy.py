"""`/jobclub export` and `/jobclub delete`: a member's own data, out or gone."""

from __future__ import annotations

import json

from sqlalchemy import delete

from bot import focus
from bot.context import Context
from bot.features.base import Feature, feature
from bot.replies import Button, ButtonStyle, Reply, Visibility
from bot.router import Router
from bot.store.models import Member


@feature
class Privacy(Feature):
    name = "privacy"

    def register(self, router: Router) -> None:
        router.add_subcommand(
            "jobclub", "export", "Get a copy of everything I keep about you.", self.on_export
        )
        router.add_subcommand(
            "jobclub", "delete", "Delete everything I keep about you.", self.on_delete
        )
        router.add_subcommand(
            "jobclub", "forget-me", "The same as `/jobclub delete`.", self.on_delete
        )
        router.add_action("privacy:delete:confirm", self.on_delete_confirmed)
        router.add_action("privacy:delete:cancel", self.on_delete_cancelled)

    async def on_export(self, ctx: Context) -> Reply:
        member = ctx.member
        data: dict[str, object] = {
            "member": {
                "display_name": member.display_name,
                "platform": ctx.club.platform,
                "club": ctx.club.external_id,
                "user_id": member.user_id,
                "time_zone": member.tz,
                "created_at": member.created_at.isoformat(),
            }
        }
        for feat in ctx.services.features:
            part = await feat.export_member(ctx.session, member)
            if part:
                data[feat.name] = part
        data["dm_focus"] = await focus.export_member(ctx)  # the core's: what I wait for
        body = json.dumps(data, indent=2, ensure_ascii=False)
        return Reply(
            title="Your data",
            text="Here is everything I keep about you, as JSON. Only you can see this.\n\n" + body,
            visibility=Visibility.DM if ctx.in_dm else Visibility.ONLY_MEMBER,
            meta={"export": data},
        )

    async def on_delete(self, ctx: Context) -> Reply:
        return Reply(
            title="Delete everything?",
            text=(
                "This removes everything I keep about you in this club: settings, progress, "
                "and anything you wrote. It cannot be undone. Use `/jobclub export` first if "
                "you want a copy."
            ),
            buttons=[
                Button("Yes, delete it all", "privacy:delete:confirm", ButtonStyle.DANGER),
                Button("Keep my data", "privacy:delete:cancel"),
            ],
            visibility=Visibility.ONLY_MEMBER,
        )

    async def on_delete_confirmed(self, ctx: Context) -> Reply:
        removed = 0
        for feat in ctx.services.features:
            removed += await feat.delete_member(ctx.session, ctx.member)
        await ctx.session.execute(delete(Member).where(Member.id == ctx.member.id))
        return Reply(
            text=(
                f"Done: I deleted your data ({removed} saved items). If you use a command "
                "again, I will start fresh."
            ),
            visibility=Visibility.ONLY_MEMBER,
            meta={"deleted": removed},
        )

    async def on_delete_cancelled(self, ctx: Context) -> Reply:
        return Reply(text="Nothing was deleted.", visibility=Visibility.ONLY_MEMBER)
