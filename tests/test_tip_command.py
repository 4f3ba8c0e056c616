"""/tip end to end through the core: unseen tips, topics, buttons, search."""

from __future__ import annotations

from bot.replies import Visibility
from tests.conftest import Conversation


async def test_tip_without_words_gives_a_new_tip_each_time(conversation: Conversation) -> None:
    library = conversation.bot.services.library
    seen = []
    for _ in range(len(library.tips)):
        reply = await conversation.one("/tip")
        seen.append(reply.meta["tip_id"])
    assert sorted(seen) == sorted(t.id for t in library.tips)

    again = await conversation.one("/tip")
    assert "starting the round again" in again.text
    assert again.meta["tip_id"] in seen


async def test_tip_reply_shows_title_topic_and_buttons(conversation: Conversation) -> None:
    reply = await conversation.one("/tip thank you note")
    assert reply.meta["topic"] == "thank-you-notes"
    assert "Thank-you notes" in (reply.title or "")
    actions = [b.action for b in reply.buttons]
    assert actions[:2] == ["tip:another", "tip:topic:thank-you-notes"]
    assert reply.buttons[1].label == "More on thank-you notes"
    assert reply.visibility is Visibility.ONLY_MEMBER


async def test_more_on_topic_stays_in_the_topic(conversation: Conversation) -> None:
    library = conversation.bot.services.library
    in_topic = {t.id for t in library.tips_in("after-rejection")}
    topics = await conversation.one("/tip topics")
    (reply,) = await conversation.press(topics, "After a rejection")
    got = {reply.meta["tip_id"]}
    for _ in range(len(in_topic) - 1):
        (reply,) = await conversation.press(reply, "More on after a rejection")
        assert reply.meta["topic"] == "after-rejection"
        got.add(reply.meta["tip_id"])
    assert got == in_topic


async def test_members_are_tracked_separately(conversation: Conversation) -> None:
    first = await conversation.one("/tip", who="Ada")
    other = await conversation.one("/tip", who="Grace")
    second = await conversation.one("/tip", who="Ada")
    assert second.meta["tip_id"] != first.meta["tip_id"]
    assert other.meta["tip_id"]


async def test_topics_lists_every_topic_with_a_button(conversation: Conversation) -> None:
    reply = await conversation.one("/tip topics")
    topics = conversation.bot.services.library.topics
    assert reply.meta["topics"] == [t.id for t in topics]
    for topic in topics:
        assert topic.title in reply.text
    assert [b.action for b in reply.buttons] == [f"tip:topic:{t.id}" for t in topics]


async def test_topic_title_as_words_picks_from_that_topic(conversation: Conversation) -> None:
    reply = await conversation.one("/tip money")
    assert reply.meta["topic"] == "money"


async def test_no_match_says_so_and_offers_topics(conversation: Conversation) -> None:
    reply = await conversation.one("/tip can you book me a flight")
    assert reply.meta.get("no_match") is True
    assert "tip_id" not in reply.meta
    assert "I don't have a tip on" in reply.text
    topics = conversation.bot.services.library.topics
    assert [b.action for b in reply.buttons] == [f"tip:topic:{t.id}" for t in topics]


async def test_members_own_words_reach_the_right_topic(conversation: Conversation) -> None:
    asked = {
        "/tip what do I say about salary": "money",
        "/tip how do i stop rambling": "ccar-stories",
        "/tip what is my biggest weakness": "weaknesses",
        "/tip they ghosted me after the second interview": "no-reply-follow-up",
    }
    for line, topic in asked.items():
        reply = await conversation.one(line)
        assert reply.meta["topic"] == topic, line
        in_topic = conversation.bot.services.library.tips_in(topic)
        assert reply.meta["tip_id"] in {t.id for t in in_topic}


async def test_unsure_words_get_did_you_mean_without_a_tip(conversation: Conversation) -> None:
    reply = await conversation.one("/tip follow up")
    assert "tip_id" not in reply.meta
    candidates = reply.meta["candidates"]
    assert 2 <= len(candidates) <= 3
    assert {"thank-you-notes", "no-reply-follow-up"} <= set(candidates)
    assert "Did you mean" in (reply.title or "")
    assert [b.action for b in reply.buttons] == [
        *(f"tip:topic:{c}" for c in candidates),
        "tip:topics",
    ]
    (picked,) = await conversation.press(reply, reply.buttons[0].label)
    assert picked.meta["topic"] == candidates[0]


async def test_a_plain_dm_asking_for_advice_gets_a_tip(conversation: Conversation) -> None:
    (reply,) = await conversation.dm("any advice on salary?")
    assert reply.meta["topic"] == "money"
    (command,) = await conversation.dm("tip salary")
    assert command.meta["topic"] == "money"


async def test_dm_chat_that_asks_for_nothing_still_gets_help(conversation: Conversation) -> None:
    (reply,) = await conversation.dm("hello there")
    assert "tip_id" not in reply.meta
    assert "help" in reply.text


async def test_a_practice_answer_about_salary_is_graded_not_taken_for_a_tip(
    conversation: Conversation,
) -> None:
    await conversation.command("/practice money")
    (feedback,) = await conversation.dm(
        "Any advice on salary? I would say I have researched the market rate for this role "
        "and I am looking for something between 40 and 45 thousand, depending on the package."
    )
    assert "tip_id" not in feedback.meta
    assert "overall" in feedback.meta


async def test_share_posts_the_tip_to_the_channel(conversation: Conversation) -> None:
    reply = await conversation.one("/tip thank you note")
    (shared,) = await conversation.press(reply, "Share with the channel")
    assert shared.visibility is Visibility.CHANNEL
    assert shared.meta["tip_id"] == reply.meta["tip_id"]
    assert shared.text.startswith("Ada shared a tip.")


async def test_pressing_share_twice_on_one_tip_posts_it_twice(conversation: Conversation) -> None:
    reply = await conversation.one("/tip thank you note")
    (first,) = await conversation.press(reply, "Share with the channel")
    assert first.visibility is Visibility.CHANNEL
    (second,) = await conversation.press(reply, "Share with the channel")
    assert second.visibility is Visibility.ONLY_MEMBER
    assert second.meta["already_shared"] is True
    assert second.text.startswith("You already shared this tip with the channel")


async def test_the_share_action_id_shares_a_tip_the_member_was_never_shown(
    conversation: Conversation,
) -> None:
    reply = await conversation.one("/tip thank you note")
    library = conversation.bot.services.library
    unseen = next(t for t in library.tips if t.id != reply.meta["tip_id"])
    # Forged ids: no reply ever offered these buttons to this member.
    (refused,) = await conversation.press_id(f"tip:share:{unseen.id}")
    assert refused.visibility is Visibility.ONLY_MEMBER
    assert refused.meta["error"] == "user"
    assert refused.text.startswith("I can only share a tip I have shown you")
    # Nor one shown to someone else.
    (other,) = await conversation.press_id(f"tip:share:{reply.meta['tip_id']}", who="Grace")
    assert other.meta["error"] == "user"


async def test_in_a_dm_there_is_no_share_button(conversation: Conversation) -> None:
    reply = await conversation.one("/tip networking", dm=True)
    assert not any(b.action.startswith("tip:share") for b in reply.buttons)


async def test_dm_text_without_slash_runs_the_command(conversation: Conversation) -> None:
    (reply,) = await conversation.dm("tip thank you note")
    assert reply.meta["topic"] == "thank-you-notes"
