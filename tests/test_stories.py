"""/story: the guided CCAR builder in the DM, and keeping, editing, tagging stories."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.features.stories import STEPS, common_competencies
from bot.replies import Reply, Visibility
from bot.store.models import Story, StoryDraft
from tests.conftest import Conversation, make_settings

STORY = {
    "title": "Warehouse rush week",
    "context": "Last spring I was shift lead for a warehouse team of twelve people.",
    "challenge": "Our biggest client moved its deadline forward a week while two of us were off.",
    "action": "I split the orders by priority, borrowed two colleagues from returns and ran a "
    "ten-minute check-in each morning.",
    "result": "We shipped every order on time and the largest went out two days early.",
    "why_it_matters": "The client renewed for another year, which kept all twelve jobs safe.",
}


async def build_story(
    conversation: Conversation,
    who: str | None = None,
    competencies: str = "leadership, prioritisation",
    **changes: str,
) -> Reply:
    """Run the whole builder; returns the saved-story reply."""
    parts = {**STORY, **changes}
    (first, *_rest) = await conversation.command("/story", who=who, dm=True)
    assert first.meta["story_step"] == "title"
    for step in STEPS[:-1]:
        (reply,) = await conversation.dm(parts[step], who=who)
        assert reply.meta.get("story_step") != step, reply.text
    (saved,) = await conversation.dm(competencies, who=who)
    assert saved.meta["saved"] is True, saved.text
    return saved


async def count(conversation: Conversation, model: type) -> int:
    async with conversation.bot.services.db.session() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_story_in_a_channel_starts_the_builder_in_the_dm(
    conversation: Conversation,
) -> None:
    replies = await conversation.command("/story")
    assert [r.visibility for r in replies] == [Visibility.DM, Visibility.ONLY_MEMBER]
    assert replies[0].meta == {"story_step": "title", "step_number": 1, "steps": len(STEPS)}


async def test_the_builder_goes_one_step_per_message_with_an_example(
    conversation: Conversation,
) -> None:
    (reply,) = await conversation.command("/story", dm=True)
    seen = []
    for step in STEPS[:-1]:
        assert reply.meta["story_step"] == step
        assert "Example: “" in reply.text
        seen.append(step)
        (reply,) = await conversation.dm(STORY[step])
    assert reply.meta["story_step"] == "competencies"
    assert "leadership" in reply.text and "Example" in reply.text
    (saved,) = await conversation.dm("leadership and prioritization")
    assert saved.meta["saved"] is True
    assert saved.meta["competencies"] == ["leadership", "prioritisation"]
    assert saved.meta["ready"] == 1
    assert "1/8" in saved.text
    assert await count(conversation, StoryDraft) == 0


async def test_back_skip_and_suggested_tags(conversation: Conversation) -> None:
    await conversation.command("/story", dm=True)
    (ctx_step,) = await conversation.dm("skip")
    assert ctx_step.meta["story_step"] == "context"
    (back,) = await conversation.dm("back")
    assert back.meta["story_step"] == "title"
    await conversation.dm("Rush week")
    for step in STEPS[1:-1]:
        await conversation.dm(STORY[step])
    (saved,) = await conversation.dm("ok")
    assert saved.meta["competencies"]  # my words suggested some
    assert saved.title == "Saved: #1 Rush week"


async def test_coaching_tips_on_we_and_a_result_without_a_number(
    conversation: Conversation,
) -> None:
    await conversation.command("/story", dm=True)
    for step in ("title", "context", "challenge"):
        await conversation.dm(STORY[step])
    (after_action,) = await conversation.dm(
        "We split the orders and we borrowed people and we won."
    )
    assert "“we” more than “I”" in after_action.text
    (after_result,) = await conversation.dm("Things went much better after that for everyone.")
    assert "number" in after_result.text


async def test_cancel_drops_the_draft(conversation: Conversation) -> None:
    await conversation.command("/story", dm=True)
    await conversation.dm("A title")
    (gone,) = await conversation.dm("cancel")
    assert gone.meta["cancelled"] is True and "dropped the story draft" in gone.text
    assert await count(conversation, StoryDraft) == 0
    (after,) = await conversation.dm("A second title")
    assert after.meta.get("story_step") is None  # the DM is free again


async def test_the_draft_survives_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    settings = make_settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'restart.db'}")
    first = await JobClubBot.create(settings, clock)
    try:
        talk = Conversation(first, clock)
        await talk.command("/story", dm=True)
        await talk.dm(STORY["title"])
        (step,) = await talk.dm(STORY["context"])
        assert step.meta["story_step"] == "challenge"
    finally:
        await first.close()
    second = await JobClubBot.create(settings, clock)
    try:
        talk = Conversation(second, clock)
        (step,) = await talk.dm(STORY["challenge"])
        assert step.meta["story_step"] == "action"
    finally:
        await second.close()


async def test_list_show_edit_tag_and_delete(conversation: Conversation) -> None:
    await build_story(conversation)
    await build_story(conversation, title="Second story", competencies="skip")
    (listing,) = await conversation.command("/story list")
    assert [s["number"] for s in listing.meta["stories"]] == [1, 2]
    assert listing.meta["ready"] == 2 and "2/8" in (listing.title or "")

    (card,) = await conversation.command("/story show 1")
    assert "shipped every order" in card.plain_text()

    (edited,) = await conversation.command("/story edit 1 result Every order left on time.")
    assert "Every order left on time." in edited.plain_text()

    (tagged,) = await conversation.command("/story tag 2 customer focus, influence")
    assert tagged.meta["competencies"] == ["customer-focus", "influence"]
    (untagged,) = await conversation.command("/story untag 2 influence")
    assert untagged.meta["competencies"] == ["customer-focus"]

    (ask,) = await conversation.command("/story delete 2")
    assert await count(conversation, Story) == 2
    (kept,) = await conversation.press(ask, "Keep it")
    assert "Nothing was deleted" in kept.text
    (done,) = await conversation.press(ask, "Yes, delete it")
    assert done.meta["deleted_story"] == 2
    assert await count(conversation, Story) == 1


async def test_gaps_name_common_competencies_without_a_story(
    conversation: Conversation,
) -> None:
    common = common_competencies(conversation.bot.services.library)
    assert len(common) == 8 and "communication" in common
    (before,) = await conversation.command("/story gaps")
    assert before.meta["gaps"] == common
    await build_story(conversation, competencies=f"{common[0]}, {common[1]}")
    (after,) = await conversation.command("/story gaps")
    assert after.meta["gaps"] == common[2:]
    assert after.meta["ready"] == 1
    assert any(b.action.startswith("practice:start:") for b in after.buttons)


async def test_a_member_cannot_touch_anothers_story(conversation: Conversation) -> None:
    saved = await build_story(conversation, who="Ada")
    story_id = saved.meta["story_id"]
    # Forged: Grace never saw these buttons (they were on Ada's private replies).
    for action in (f"story:delete:{story_id}", f"story:show:{story_id}"):
        (refused,) = await conversation.press_id(action, who="Grace")
        assert refused.meta["error"] == "user"
        assert "Warehouse" not in refused.text
    assert await count(conversation, Story) == 1
    (missing,) = await conversation.command("/story show 1", who="Grace")
    assert missing.meta["error"] == "user"
    (listing,) = await conversation.command("/story list", who="Grace")
    assert listing.meta["stories"] == []


async def test_practice_pauses_the_draft_and_story_resumes_it(
    conversation: Conversation,
) -> None:
    await conversation.command("/story", dm=True)
    await conversation.dm(STORY["title"])
    (question,) = await conversation.command("/practice sensitive", dm=True)
    assert "story draft is paused" in question.text
    (feedback,) = await conversation.dm(
        "The office closed and my role went with it. Since then I finished a course and I "
        "am ready for this role. What would you need first from the person you hire?"
    )
    assert "overall" in feedback.meta
    (resumed,) = await conversation.command("/story", dm=True)
    assert resumed.meta["story_step"] == "context"
    (practice_again, *_rest) = await conversation.command("/practice money", dm=True)
    (story_again,) = await conversation.command("/story", dm=True)
    assert "put away your open practice question" in story_again.text
    assert practice_again.meta["category"] == "money"


async def test_home_shows_stories_progress(conversation: Conversation) -> None:
    await build_story(conversation)
    home = await conversation.bot.home(conversation.ref())
    line = next(s for s in home.sections if s.title == "Stories")
    assert line.text.startswith("1/8 ready")
