"""`/jobclub export` and `/jobclub delete`: a member's own data, out or gone.

The export is everything: the member's row column by column (every setting, including
ones added later, with no list here to forget to update), the core's records about them
(active days, the messages sent to them, the DM focus) and each feature's part
(`Feature.export_member`). `tests/test_export_everything.py` walks the models so a new
table or column without export coverage fails there.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import focus
from bot.context import Context
from bot.features.base import Feature, feature
from bot.replies import Button, ButtonStyle, Reply, Visibility
from bot.router import Router
from bot.store.models import ActivityDay, Delivery, Member

NOT_EXPORTED = frozenset({"id", "club_id"})
"""Member columns that are only row plumbing (the club is exported by its platform id)."""


@feature
class Privacy(Feature):
    name = "privacy"

    def register(self, router: Router) -> None:
        router.add_subcommand(
            "jobclub", "export", "Get a copy of everything I keep about you.", self.on_export
        )
        router.add_subcommand(
            "jobclub",
            "delete",
            "Delete everything I keep about you.",
            self.on_delete,
            destructive=True,
            confirms_itself=True,
        )
        router.add_subcommand(
            "jobclub",
            "forget-me",
            "The same as `/jobclub delete`.",
            self.on_delete,
            destructive=True,
            confirms_itself=True,
        )
        router.add_action("privacy:delete:confirm", self.on_delete_confirmed)
        router.add_action("privacy:delete:cancel", self.on_delete_cancelled)

    async def on_export(self, ctx: Context) -> Reply:
        member = ctx.member
        data: dict[str, object] = {
            "member": {
                "platform": ctx.club.platform,
                "club": ctx.club.external_id,
                **member_row(member),
            },
            "active_days": await _active_days(ctx.session, member),
            "messages_sent_to_you": await _deliveries(ctx.session, member),
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


def member_row(member: Member) -> dict[str, Any]:
    """Every column of the member's row (settings and all), as JSON-able values."""
    return {
        column.key: _plain(getattr(member, column.key))
        for column in Member.__table__.columns
        if column.key not in NOT_EXPORTED
    }


async def _active_days(session: AsyncSession, member: Member) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(ActivityDay).where(ActivityDay.member_id == member.id).order_by(ActivityDay.day)
    )
    return [{"day": row.day.isoformat(), "kind": row.kind} for row in rows]


async def _deliveries(session: AsyncSession, member: Member) -> list[dict[str, Any]]:
    """The record of each scheduled message to the member (what, when, how it went)."""
    rows = await session.scalars(
        select(Delivery).where(Delivery.member_id == member.id).order_by(Delivery.due_at)
    )
    shown = ("kind", "due_at", "status", "sent_at", "late", "payload")
    return [{key: _plain(getattr(row, key)) for key in shown} for row in rows]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value
