"""`/tip`: interview advice on request, new tips first, ranked search on words."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.schema import Tip
from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, feature
from bot.replies import Button, ButtonStyle, Reply, Visibility
from bot.router import Router
from bot.store.database import insert_ignoring_conflict
from bot.store.models import Member, SeenTip
from bot.text import fold, shorten

NEAR_BEST = 0.8
"""Among hits scoring at least this share of the best, an unseen tip is preferred."""


@feature
class Tips(Feature):
    name = "tips"

    def register(self, router: Router) -> None:
        router.add_command(
            "tip",
            "Interview advice: a new tip, or one on what you ask about.",
            "/tip [words] · /tip topics",
            self.on_tip,
        )
        router.add_action("tip:another", self.on_another)
        router.add_action("tip:topic", self.on_topic)
        router.add_action("tip:topics", self.on_topics)
        router.add_action("tip:share", self.on_share)

    async def on_tip(self, ctx: Context) -> Reply:
        query = ctx.text.strip()
        folded = fold(query)
        if not folded and query:
            raise UserError("I could not read any words there. Try `/tip networking`.")
        if not folded:
            return await self._show_unseen(ctx, ctx.library.tips)
        if folded in ("topics", "topic", "list", "help"):
            return self._topics_reply(ctx)
        topic = _topic_named(ctx, folded)
        if topic is not None:
            return await self._show_unseen(ctx, ctx.library.tips_in(topic))
        hits = ctx.services.tip_index.search(query)
        if not hits:
            reply = self._topics_reply(ctx)
            reply.text = (
                f"I have no tip that matches “{shorten(query, 80)}” yet. "
                "Pick a topic, or try other words.\n\n" + reply.text
            )
            reply.meta["no_match"] = True
            return reply
        seen = await _seen_ids(ctx.session, ctx.member)
        near = [h.tip for h in hits if h.score >= hits[0].score * NEAR_BEST]
        tip = next((t for t in near if t.id not in seen), hits[0].tip)
        return await self._show(ctx, tip)

    async def on_another(self, ctx: Context) -> Reply:
        return await self._show_unseen(ctx, ctx.library.tips)

    async def on_topic(self, ctx: Context) -> Reply:
        topic_id = ctx.args[0] if ctx.args else ""
        if ctx.library.topic(topic_id) is None:
            return self._topics_reply(ctx)
        return await self._show_unseen(ctx, ctx.library.tips_in(topic_id))

    async def on_topics(self, ctx: Context) -> Reply:
        return self._topics_reply(ctx)

    async def on_share(self, ctx: Context) -> Reply:
        tip = ctx.library.tip(ctx.args[0]) if ctx.args else None
        if tip is None:
            raise UserError("That tip is no longer in the library. Try `/tip` for a fresh one.")
        reply = _tip_reply(ctx, tip, shared=False)
        reply.text = f"{ctx.member.display_name} shared a tip.\n\n{reply.text}"
        reply.visibility = Visibility.CHANNEL
        reply.buttons = []
        reply.meta["shared_by"] = ctx.member.id
        return reply

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        rows = await session.scalars(
            select(SeenTip).where(SeenTip.member_id == member.id).order_by(SeenTip.seen_at)
        )
        return {"seen_tips": [{"tip_id": r.tip_id, "seen_at": r.seen_at.isoformat()} for r in rows]}

    async def delete_member(self, session: AsyncSession, member: Member) -> int:
        result = await session.execute(delete(SeenTip).where(SeenTip.member_id == member.id))
        return result.rowcount or 0

    async def _show_unseen(self, ctx: Context, pool: list[Tip] | tuple[Tip, ...]) -> Reply:
        seen = await _seen_ids(ctx.session, ctx.member)
        ordered = sorted(pool, key=lambda t: _member_order(ctx.member.id, t.id))
        fresh = [t for t in ordered if t.id not in seen]
        note = ""
        if not fresh:
            # Everything here was seen: start this pool over rather than repeat one tip forever.
            ids = [t.id for t in pool]
            await ctx.session.execute(
                delete(SeenTip).where(SeenTip.member_id == ctx.member.id, SeenTip.tip_id.in_(ids))
            )
            fresh = ordered
            note = "You have seen every tip here, so I am starting the round again.\n\n"
        reply = await self._show(ctx, fresh[0])
        reply.text = note + reply.text
        return reply

    async def _show(self, ctx: Context, tip: Tip) -> Reply:
        await ctx.session.execute(
            insert_ignoring_conflict(
                ctx.services.db.dialect,
                SeenTip.__table__,
                {"member_id": ctx.member.id, "tip_id": tip.id, "seen_at": ctx.now},
                ["member_id", "tip_id"],
            )
        )
        return _tip_reply(ctx, tip, shared=not ctx.in_dm)

    def _topics_reply(self, ctx: Context) -> Reply:
        lines = []
        for topic in ctx.library.topics:
            count = len(ctx.library.tips_in(topic.id))
            lines.append(f"• {topic.title} ({count}): {topic.summary}")
        return Reply(
            title="Tip topics",
            text="\n".join(lines) + "\n\nAsk with `/tip <words>`, or pick a topic below.",
            buttons=[Button(t.title, f"tip:topic:{t.id}") for t in ctx.library.topics],
            visibility=Visibility.ONLY_MEMBER,
            meta={"topics": [t.id for t in ctx.library.topics]},
        )


def _tip_reply(ctx: Context, tip: Tip, *, shared: bool) -> Reply:
    topic = ctx.library.topic(tip.topic)
    topic_title = topic.title if topic else tip.topic
    text = tip.body
    if tip.try_this:
        text += f"\n\nTry this now: {tip.try_this}"
    buttons = [
        Button("Another tip", "tip:another", ButtonStyle.PRIMARY),
        Button(f"More on {topic_title.lower()}", f"tip:topic:{tip.topic}"),
    ]
    if shared:
        buttons.append(Button("Share with the channel", f"tip:share:{tip.id}"))
    return Reply(
        title=f"{tip.title} · {topic_title}",
        text=text,
        buttons=buttons,
        visibility=Visibility.ONLY_MEMBER,
        meta={"tip_id": tip.id, "topic": tip.topic},
    )


def _topic_named(ctx: Context, folded: str) -> str | None:
    for topic in ctx.library.topics:
        if folded in (fold(topic.id), fold(topic.title)):
            return topic.id
    return None


async def _seen_ids(session: AsyncSession, member: Member) -> set[str]:
    rows = await session.scalars(select(SeenTip.tip_id).where(SeenTip.member_id == member.id))
    return set(rows)


def _member_order(member_id: int, tip_id: str) -> str:
    """A stable shuffle per member, so two members don't get the same sequence."""
    return hashlib.sha256(f"{member_id}:{tip_id}".encode()).hexdigest()
