"""A member holds at most 200 open commitments; at the cap they get a plain answer.

Interview and rejection steps and stay-in-touch contacts are commitments too, so they
count, and a ladder that would cross the cap is not made at all (no half ladder).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.commitments import MAX_OPEN
from bot.store.models import Commitment, Ladder
from tests.conftest import Conversation


async def count(conversation: Conversation, model: type[Commitment] | type[Ladder]) -> int:
    async with conversation.bot.services.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
async def full(conversation: Conversation) -> Conversation:
    """Ada with exactly the maximum of open commitments."""
    assert MAX_OPEN == 200
    for n in range(1, MAX_OPEN + 1):
        reply = await conversation.one(f"/commit task {n} by friday 3pm")
        assert "error" not in reply.meta, (n, reply.text)
    return conversation


async def test_the_201st_open_commitment_gets_a_clear_answer(full: Conversation) -> None:
    reply = await full.one("/commit one more thing by friday 3pm")
    assert reply.meta["error"] == "user"
    assert reply.text.startswith("You already have 200 open commitments")
    assert "Nothing new was saved" in reply.text
    assert await count(full, Commitment) == MAX_OPEN
    # Closing one makes room again.
    await full.one("/commitments done 1")
    reply = await full.one("/commit one more thing by friday 3pm")
    assert reply.text.startswith("Got it: one more thing")


async def test_ladders_and_contacts_count_and_are_not_half_made(full: Conversation) -> None:
    for line in (
        "/interview Acme with Ana Ruiz on Friday 10am for analyst",
        "/rejected Globex Bo Chen",
        "/jobclub contact add Ana Ruiz at Acme every 2 months",
    ):
        replies = await full.command(line)
        assert [r.meta.get("error") for r in replies] == ["user"], line
        assert "200 open commitments" in replies[0].text, line
    assert await count(full, Commitment) == MAX_OPEN
    assert await count(full, Ladder) == 0


async def test_other_members_are_not_held_back(full: Conversation) -> None:
    reply = await full.one("/commit my first one by friday 3pm", who="Grace")
    assert reply.text.startswith("Got it: my first one")
