"""The DM focus: which conversation holds a member's next free-text DM.

A conversation (python-telegram-bot's `ConversationHandler` is the model) is a feature's
small dialogue in the DM: a practice question waiting for its answer, a story being
built step by step, a commitment waiting for a new time. Only one can hold the DM at a
time, and the core, not the features, decides which: the `dm_focus` row names the
owner (as registered with `Router.add_conversation`), its state, and what the bot is
waiting for in words the member reads.

Starting a conversation (`hold`) while another holds the DM calls the previous owner's
`on_leave` first, so it can close or pause what it had open, and hands back what that
owner wants the member told ("your story draft is paused"). Ending one (`release`) only
removes the row when the caller still owns it. The row lives in a table, so a restart
loses nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from bot.store.models import DmFocus

if TYPE_CHECKING:
    from bot.context import Context
    from bot.router import ConversationSpec, LeaveReason


async def current(ctx: Context) -> tuple[DmFocus, ConversationSpec] | None:
    """The conversation holding the member's DM and its spec, or None.

    A row naming a conversation no feature registers any more (a feature was removed)
    is dropped, so nothing stays stuck waiting for it.
    """
    row = await ctx.session.scalar(select(DmFocus).where(DmFocus.member_id == ctx.member.id))
    if row is None:
        return None
    spec = ctx.services.router.conversation(row.owner)
    if spec is None:
        await ctx.session.delete(row)
        await ctx.session.flush()
        return None
    return row, spec


async def hold(
    ctx: Context, owner: str, state: dict[str, Any] | None = None, waiting_for: str = ""
) -> list[str]:
    """Give the member's DM to `owner`'s conversation with `state`.

    Returns notes for the member from the conversation that lost the DM (empty when
    there was none, or when `owner` already held it and only its state changes).
    """
    if ctx.services.router.conversation(owner) is None:
        raise ValueError(f"no conversation {owner!r} is registered")
    notes: list[str] = []
    found = await current(ctx)
    if found is not None and found[0].owner != owner:
        note = await leave(ctx, "switch")
        if note:
            notes.append(note)
        found = None
    if found is not None:
        row = found[0]
        row.state = dict(state or {})
        row.waiting_for = waiting_for[:300]
        row.updated_at = ctx.now
    else:
        ctx.session.add(
            DmFocus(
                member_id=ctx.member.id,
                owner=owner,
                state=dict(state or {}),
                waiting_for=waiting_for[:300],
                started_at=ctx.now,
                updated_at=ctx.now,
            )
        )
    await ctx.session.flush()
    return notes


async def release(ctx: Context, owner: str) -> bool:
    """End `owner`'s conversation, if it still holds the DM. True when it did."""
    removed = await ctx.session.execute(
        delete(DmFocus).where(DmFocus.member_id == ctx.member.id, DmFocus.owner == owner)
    )
    return bool(removed.rowcount)


async def leave(ctx: Context, reason: LeaveReason) -> str | None:
    """End whatever conversation holds the DM, telling its owner why; the owner's note."""
    found = await current(ctx)
    if found is None:
        return None
    row, spec = found
    state, owner = dict(row.state or {}), row.owner
    await ctx.session.delete(row)
    await ctx.session.flush()
    note = await spec.on_leave(ctx, state, reason)
    if note is None and reason == "cancel":
        what = row.waiting_for or f"your {owner} conversation"
        note = f"Okay, I stopped waiting for {what}."
    return note


async def export_member(ctx: Context) -> dict[str, Any] | None:
    """The member's DM focus as plain values, for their data export (None when free)."""
    row = await ctx.session.scalar(select(DmFocus).where(DmFocus.member_id == ctx.member.id))
    if row is None:
        return None
    return {
        "conversation": row.owner,
        "state": dict(row.state or {}),
        "waiting_for": row.waiting_for,
        "started_at": row.started_at.isoformat(),
    }
