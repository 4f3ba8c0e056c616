"""`/tip`: interview advice on request, new tips first, found from the member's own words.

The words go through the shared matcher (`TipIndex.match`): a clear topic gets a tip,
a close call gets "Did you mean…" with two or three topics, and words no tip answers
get an honest "no tip on that" with the topic list. A plain DM that asks for advice
("any advice on salary?") reaches the same place.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.schema import Tip
from bot.content.search import TipMatch
from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, feature
from bot.replies import Button, ButtonStyle, Reply, Visibility
from bot.router import Router
from bot.store.database import insert_ignoring_conflict
from bot.store.models import Member, SeenTip
from bot.text import fold, shorten
from bot.timezones import show_time

NEAR_BEST = 0.8
"""Among hits scoring at least this share of the best, an unseen tip is preferred."""
ASKING = (
    "advice",
    "advise",
    "tip",
    "tips",
    "suggestion",
    "suggestions",
    "how do i",
    "how to",
    "how can i",
    "how should i",
    "what do i",
    "what should i",
    "should i",
    "help me",
    "help with",
    "any ideas",
)
"""Words that make a DM a request for advice even when the matcher is only fairly sure."""


@feature
class Tips(Feature):
    name = "tips"

    def register(self, router: Router) -> None:
        router.add_command(
            "tip",
            "Interview advice: a new tip, or one on what you ask about.",
            "/tip [words] · /tip topics",
            self.on_tip,
            takes_questions=True,
        )
        router.add_action("tip:another", self.on_another)
        router.add_action("tip:topic", self.on_topic)
        router.add_action("tip:topics", self.on_topics)
        router.add_action("tip:share", self.on_share)
        # Read only when no conversation holds the DM (or it passed) and no command was
        # typed: text a practice question or a story waits for is never a tip request,
        # however much it talks about salary. The core decides that order (bot/dm.py).
        router.add_dm_fallback(self.on_dm)

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
        return await self._answer(ctx, query, ctx.services.tip_index.match(query))

    async def on_dm(self, ctx: Context) -> Reply | None:
        """A DM asking for advice in plain words ("any advice on salary?") gets /tip.

        Commands typed without the slash ("tip salary", "progress") never get here: the
        core reads them first. A DM that is not clearly about a topic falls through to the
        greeting.
        """
        text = ctx.text.strip()
        folded = fold(text)
        if not folded or text.startswith("/"):
            return None
        found = ctx.services.tip_index.match(text)
        asking = any(f" {cue} " in f" {folded} " for cue in ASKING)
        if found.verdict.kind == "answer" or (asking and found.verdict.kind == "unsure"):
            return await self._answer(ctx, text, found)
        return None

    async def _answer(self, ctx: Context, query: str, found: TipMatch) -> Reply:
        verdict = found.verdict
        if verdict.kind == "unsure" and verdict.candidates:
            return self._did_you_mean(ctx, query, list(verdict.candidates))
        if verdict.kind != "answer" or not found.hits:
            reply = self._topics_reply(ctx)
            reply.text = (
                f"I don't have a tip on “{shorten(query, 80)}”. Here are the topics I can "
                "help with: pick one, or ask in other words.\n\n" + reply.text
            )
            reply.meta["no_match"] = True
            return reply
        hits = found.hits
        seen = await _seen_ids(ctx.session, ctx.member)
        near = [h.tip for h in hits if h.score >= hits[0].score * NEAR_BEST]
        tip = next((t for t in near if t.id not in seen), None)
        if tip is None:
            # Everything that fits the words was seen: another unseen tip of the topic.
            tip = next((h.tip for h in hits if h.tip.id not in seen), hits[0].tip)
        return await self._show(ctx, tip)

    def _did_you_mean(self, ctx: Context, query: str, candidates: list[str]) -> Reply:
        topics = [t for c in candidates if (t := ctx.library.topic(c)) is not None]
        lines = [f"• {t.title}: {t.summary}" for t in topics]
        return ctx.private(
            Reply(
                title="Did you mean…",
                text=(
                    f"I'm not sure which topic “{shorten(query, 80)}” is about. "
                    "Did you mean one of these?\n\n" + "\n".join(lines)
                ),
                buttons=[
                    *(Button(t.title, f"tip:topic:{t.id}") for t in topics),
                    Button("All topics", "tip:topics"),
                ],
                meta={"candidates": [t.id for t in topics], "did_you_mean": True},
            )
        )

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
        """Post a tip the member was shown to the channel, once.

        The member's SeenTip row is both the proof they were shown it (an action id can
        be typed by hand) and the claim: the conditional UPDATE lets exactly one press
        through, even when two arrive at once.
        """
        tip = ctx.library.tip(ctx.args[0]) if ctx.args else None
        if tip is None:
            raise UserError("That tip is no longer in the library. Try `/tip` for a fresh one.")
        seen = await ctx.session.scalar(
            select(SeenTip).where(SeenTip.member_id == ctx.member.id, SeenTip.tip_id == tip.id)
        )
        if seen is None:
            raise UserError(
                "I can only share a tip I have shown you. `/tip` gets you one to share."
            )
        claimed = await ctx.session.execute(
            update(SeenTip)
            .where(SeenTip.id == seen.id, SeenTip.shared_at.is_(None))
            .values(shared_at=ctx.now)
        )
        if not claimed.rowcount:
            await ctx.session.refresh(seen)
            when = f" on {show_time(seen.shared_at, ctx.zone)}" if seen.shared_at else ""
            return ctx.private(
                Reply(
                    text=f"You already shared this tip with the channel{when}, so I did not "
                    "post it again.",
                    meta={"tip_id": tip.id, "already_shared": True},
                )
            )
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
        return {
            "seen_tips": [
                {
                    "tip_id": r.tip_id,
                    "seen_at": r.seen_at.isoformat(),
                    "shared_at": r.shared_at.isoformat() if r.shared_at else None,
                }
                for r in rows
            ]
        }

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
