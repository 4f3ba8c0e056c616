"""A member's own data: export shows all of it to them alone; delete removes all of it."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bot.replies import Visibility
from bot.store.models import Member, SeenTip
from tests.conftest import Conversation


async def test_export_holds_every_feature_part(any_db_conversation: Conversation) -> None:
    conversation = any_db_conversation
    tip = await conversation.one("/tip money")
    reply = await conversation.one("/jobclub export")
    assert reply.visibility is Visibility.ONLY_MEMBER
    export = reply.meta["export"]
    assert export["member"]["display_name"] == "Ada"
    assert [t["tip_id"] for t in export["tips"]["seen_tips"]] == [tip.meta["tip_id"]]
    assert json.loads(reply.text.split("\n\n", 1)[1]) == export


async def test_export_is_of_the_asker_only(conversation: Conversation) -> None:
    await conversation.one("/tip money", who="Grace")
    reply = await conversation.one("/jobclub export", who="Ada")
    assert reply.meta["export"]["member"]["display_name"] == "Ada"
    assert reply.meta["export"]["tips"]["seen_tips"] == []


async def test_delete_asks_first_then_removes_everything(
    any_db_conversation: Conversation,
) -> None:
    conversation = any_db_conversation
    await conversation.one("/tip money")
    await conversation.one("/tip", who="Grace")
    ask = await conversation.one("/jobclub delete")
    assert [b.action for b in ask.buttons] == ["privacy:delete:confirm", "privacy:delete:cancel"]

    (kept,) = await conversation.press(ask, "Keep my data")
    assert "Nothing was deleted" in kept.text

    (done,) = await conversation.press(ask, "Yes, delete it all")
    assert done.meta["deleted"] == 1
    async with conversation.bot.services.db.session() as session:
        names = list(await session.scalars(select(Member.display_name)))
        assert names == ["Grace"]
        assert await session.scalar(select(func.count()).select_from(SeenTip)) == 1
