"""Practice answers, stories, drafts and quiz runs: exported to their author, and forgotten."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.store.models import Member, PracticeAnswer, PracticeSession, QuizRun, Story, StoryDraft
from tests.conftest import Conversation
from tests.test_practice import BRIEF
from tests.test_quiz import play
from tests.test_stories import build_story

TABLES = (PracticeAnswer, PracticeSession, Story, StoryDraft, QuizRun)


async def fill(conversation: Conversation, who: str) -> None:
    """One of every kind of data this feature set keeps."""
    await conversation.command("/practice sensitive", who=who)
    await conversation.dm(BRIEF, who=who)
    await build_story(conversation, who=who)
    await conversation.command("/story", who=who, dm=True)
    await conversation.dm("A story still being written", who=who)
    await conversation.command("/practice money", who=who)  # open question; pauses the draft
    await play(conversation, right=True, who=who)
    await conversation.command("/quiz", who=who)  # an open run


async def rows_of(conversation: Conversation, name: str) -> dict[str, int]:
    async with conversation.bot.services.db.session() as session:
        member = await session.scalar(select(Member.id).where(Member.user_id == name.lower()))
        counts = {}
        for model in TABLES:
            counts[model.__tablename__] = (
                await session.scalar(
                    select(func.count()).select_from(model).where(model.member_id == member)
                )
                or 0
            )
        return counts


async def test_export_holds_every_kind(any_db_conversation: Conversation) -> None:
    conversation = any_db_conversation
    await fill(conversation, "Ada")
    await fill(conversation, "Grace")
    (reply,) = await conversation.command("/jobclub export", who="Ada")
    export = reply.meta["export"]
    (practice,) = export["practice"]["practice_answers"]
    assert practice["answer"] == BRIEF
    assert practice["scores"] and practice["overall"] >= 0 and "flags" in practice
    assert export["practice"]["open_question"]["question_id"]
    (story,) = export["stories"]["stories"]
    assert story["title"] == "Warehouse rush week" and story["competencies"]
    assert export["stories"]["story_draft"]["fields"]["title"] == "A story still being written"
    assert [r["status"] for r in export["quiz"]["quiz_runs"]] == ["done", "open"]
    assert export["member"]["display_name"] == "Ada"


async def test_forget_me_removes_every_kind(any_db_conversation: Conversation) -> None:
    conversation = any_db_conversation
    await fill(conversation, "Ada")
    await fill(conversation, "Grace")
    before = await rows_of(conversation, "Ada")
    assert all(before.values()), before
    (ask,) = await conversation.command("/jobclub forget-me", who="Ada")
    (done,) = await conversation.press(ask, "Yes, delete it all", who="Ada")
    assert done.meta["deleted"] >= sum(before.values())
    async with conversation.bot.services.db.session() as session:
        for model in TABLES:
            owners = set(await session.scalars(select(model.member_id)))
            grace = await session.scalar(select(Member.id).where(Member.user_id == "grace"))
            assert owners == {grace}, model.__tablename__
