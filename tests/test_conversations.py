"""One DM focus, owned by the core: who gets the member's next free DM text.

The first tests are named after the flow bugs they pin down (each failed before the DM
focus existed); the rest walk through what a member can always do in the DM: ask for
help, cancel, type a command, and know what the bot is waiting for.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.replies import Reply
from bot.store.models import DmFocus, PracticeSession, StoryDraft
from tests.conftest import Conversation, make_settings
from tests.test_practice import BRIEF
from tests.test_stories import STORY

COMMANDS = {"tip", "practice", "story", "quiz", "commit", "commitments", "progress", "jobclub"}


def in_dm(replies: list[Reply]) -> Reply:
    """The reply that went to the DM (a command in a channel adds a note there too)."""
    return next(r for r in replies if r.visibility.value == "dm")


async def focus_rows(conversation: Conversation) -> list[tuple[str, dict]]:
    async with conversation.bot.services.db.session() as session:
        rows = await session.scalars(select(DmFocus))
        return [(r.owner, dict(r.state)) for r in rows]


async def count(conversation: Conversation, model: type) -> int:
    async with conversation.bot.services.db.session() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


# -- the bugs ------------------------------------------------------------------------------


async def test_help_typed_in_the_dm_is_not_a_loop_back_to_help(
    conversation: Conversation,
) -> None:
    """Was: "Type `help` to see everything I can do", answered to `help` itself."""
    (reply,) = await conversation.dm("help")
    assert "Type `help`" not in reply.text
    assert COMMANDS <= set(reply.meta["commands"])
    assert "/practice" in reply.text and "/commit" in reply.text


async def test_slash_help_is_a_known_command(conversation: Conversation) -> None:
    """Was: "I don't know `/help`"."""
    (reply,) = await conversation.command("/help")
    assert reply.meta.get("error") is None
    assert COMMANDS <= set(reply.meta["commands"])
    (menu,) = await conversation.command("/menu", dm=True)
    assert COMMANDS <= set(menu.meta["commands"])


async def test_friday_4pm_typed_after_change_time_moves_the_commitment(
    conversation: Conversation,
) -> None:
    """Was: "When instead?", then `friday 4pm` in the DM got the generic greeting."""
    made = await conversation.one("/commit send thank-you note to Ana by tomorrow 9am")
    (asked,) = await conversation.press(made, "Change time")
    assert asked.text.startswith("When instead?")
    (moved,) = await conversation.dm("friday 4pm")
    assert moved.meta.get("greeting") is None
    assert moved.text.startswith("Moved: send thank-you note to Ana")
    assert moved.meta["due_at"] == "2026-11-27T16:00:00+00:00"  # START is Wed 25 Nov
    assert "in our DM" in asked.text  # pressed in the channel: it said where to type
    assert await focus_rows(conversation) == []  # answered: the DM is free again
    (later,) = await conversation.dm("hello there")
    assert later.meta["greeting"] is True and later.meta["waiting_for"] is None


async def test_quiz_during_a_quiz_asks_instead_of_restarting_at_question_1(
    conversation: Conversation,
) -> None:
    """Was: `/quiz` mid-quiz silently started over at question 1."""
    first = await conversation.one("/quiz")
    await conversation.press(first, "A")
    (again,) = await conversation.command("/quiz")
    assert again.meta["in_progress"] is True and again.meta["position"] == 1
    assert "question 2 of 5" in again.text
    assert [b.label for b in again.buttons] == ["Continue", "Start over"]
    (carry_on,) = await conversation.press(again, "Continue")
    assert carry_on.meta["run_id"] == first.meta["run_id"]
    assert carry_on.meta["position"] == 1
    (fresh,) = await conversation.press(again, "Start over")
    assert fresh.meta["run_id"] != first.meta["run_id"] and fresh.meta["position"] == 0


async def test_story_list_shows_a_half_built_story_instead_of_no_stories_yet(
    conversation: Conversation,
) -> None:
    """Was: "No stories yet" while a draft was three steps in."""
    await conversation.command("/story", dm=True)
    await conversation.dm(STORY["title"])
    await conversation.dm(STORY["context"])
    listed = await conversation.one("/story list")
    assert "No stories yet" not in listed.text
    assert "half built" in listed.text and STORY["title"][:20] in listed.text
    assert listed.meta["draft"] == {"step": "challenge", "step_number": 3, "paused": False}
    assert listed.buttons[0].action == "story:start"


# -- help, menu and ? in any state -----------------------------------------------------------


async def test_help_menu_and_question_mark_work_mid_conversation_and_say_what_is_waited_for(
    conversation: Conversation,
) -> None:
    await conversation.command("/practice sensitive")
    for word in ("help", "menu", "?", "/help"):
        (reply,) = await conversation.dm(word)
        assert COMMANDS <= set(reply.meta["commands"]), word
        assert "Right now I'm waiting for your answer to “" in reply.text, word
        assert "`cancel`" in reply.text
    assert await count(conversation, PracticeSession) == 1  # still open
    exported = (await conversation.one("/jobclub export")).meta["export"]["dm_focus"]
    assert exported["conversation"] == "practice"
    assert exported["waiting_for"].startswith("your answer to “")
    (feedback,) = await conversation.dm(BRIEF)
    assert "overall" in feedback.meta


# -- cancel leaves any conversation ----------------------------------------------------------


async def test_cancel_leaves_a_change_of_time_and_keeps_the_old_one(
    conversation: Conversation,
) -> None:
    made = await conversation.one("/commit call Dana by tomorrow 9am")
    await conversation.press(made, "Change time")
    (left,) = await conversation.dm("cancel")
    assert left.meta["cancelled"] is True
    assert left.text.startswith("Okay, #1 stays as it was (due")
    (hello,) = await conversation.dm("friday 4pm")
    assert hello.meta.get("greeting") is True  # nothing waits for a time any more


async def test_cancel_with_nothing_open_says_so(conversation: Conversation) -> None:
    (reply,) = await conversation.dm("cancel")
    assert reply.meta["cancelled"] is False
    assert "nothing to cancel" in reply.text


async def test_an_unreadable_time_says_why_and_keeps_waiting(conversation: Conversation) -> None:
    made = await conversation.one("/commit call Dana by tomorrow 9am")
    await conversation.press(made, "Change time")
    (unclear,) = await conversation.dm("blursday")
    assert unclear.meta["error"] == "user" and "`cancel`" in unclear.text
    (chat,) = await conversation.dm("ok hang on, let me look at my calendar first")
    assert chat.meta["greeting"] is True
    assert chat.meta["waiting_for"] == "a time for #1 (e.g. `friday 4pm`)"
    assert "Right now I'm waiting for a time for #1" in chat.text
    (moved,) = await conversation.dm("monday 10am")
    assert moved.text.startswith("Moved:")


# -- one conversation at a time; the one that loses the DM is told --------------------------


async def test_a_story_takes_the_dm_from_a_practice_question_which_closes_and_says_so(
    conversation: Conversation,
) -> None:
    await conversation.command("/practice sensitive")
    story = in_dm(await conversation.command("/story"))
    assert "I put away your open practice question" in story.text
    assert await count(conversation, PracticeSession) == 0
    assert [owner for owner, _ in await focus_rows(conversation)] == ["stories"]
    (step,) = await conversation.dm(STORY["title"])
    assert step.meta["story_step"] == "context"


async def test_a_practice_question_pauses_the_story_which_comes_back_where_it_was(
    conversation: Conversation,
) -> None:
    await conversation.command("/story", dm=True)
    await conversation.dm(STORY["title"])
    question = in_dm(await conversation.command("/practice sensitive"))
    assert "story draft is paused" in question.text
    (feedback,) = await conversation.dm(BRIEF)
    assert "overall" in feedback.meta
    resumed = in_dm(await conversation.command("/story"))
    assert resumed.meta["story_step"] == "context"
    assert await count(conversation, StoryDraft) == 1


async def test_a_short_command_mid_conversation_runs_and_the_conversation_stays(
    conversation: Conversation,
) -> None:
    await conversation.command("/practice sensitive")
    (progress,) = await conversation.dm("progress")
    assert "streak" in progress.meta
    (tip,) = await conversation.dm("tip salary")
    assert tip.meta["topic"] == "money"
    (feedback,) = await conversation.dm(BRIEF)
    assert "overall" in feedback.meta


async def test_an_answer_that_starts_with_a_command_word_is_still_an_answer(
    conversation: Conversation,
) -> None:
    await conversation.command("/practice sensitive")
    (feedback,) = await conversation.dm("Practice " + BRIEF)
    assert "overall" in feedback.meta


async def test_a_conversation_survives_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    settings = make_settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'focus.db'}")
    first = await JobClubBot.create(settings, clock)
    try:
        talk = Conversation(first, clock)
        made = await talk.one("/commit call Dana by tomorrow 9am")
        await talk.press(made, "Change time")
    finally:
        await first.close()
    second = await JobClubBot.create(settings, clock)
    try:
        talk = Conversation(second, clock)
        (moved,) = await talk.dm("friday 4pm")
        assert moved.text.startswith("Moved: call Dana")
    finally:
        await second.close()


async def test_unfocused_chat_gets_a_greeting_that_points_to_help(
    conversation: Conversation,
) -> None:
    (reply,) = await conversation.dm("hello there")
    assert reply.meta["greeting"] is True
    assert "`help`" in reply.text and "`menu`" in reply.text
    (unknown,) = await conversation.dm("/frobnicate")
    assert unknown.meta["error"] == "unknown_command"


async def test_a_sentence_that_reads_like_a_command_is_an_answer_while_one_waits(
    conversation: Conversation,
) -> None:
    await conversation.command("/practice sensitive")
    (typo,) = await conversation.dm("progres")
    assert typo.meta.get("waiting"), "a slash-less typo is not read while a conversation waits"
    (feedback,) = await conversation.dm("remind me to email Ana friday 3pm, that is what I said")
    assert "overall" in feedback.meta
    listed = await conversation.one("/commitments")
    assert "email Ana" not in listed.plain_text()
    await conversation.command("/practice sensitive")
    (slashed,) = await conversation.dm("/progres")
    assert "streak" in slashed.meta, "with the slash it is a command in any state"


async def test_with_nothing_waiting_a_clear_sentence_runs_its_command(
    conversation: Conversation,
) -> None:
    (made,) = await conversation.dm("pls remind me to send my CV to Rahul on monday 10am")
    assert made.text.startswith("Got it: send my CV to Rahul")
    (paused,) = await conversation.dm("pause my daily tasks")
    assert paused.meta.get("read_as") == "/nudges pause"


async def test_a_two_word_answer_that_joins_into_a_command_name_stays_an_answer(
    conversation: Conversation,
) -> None:
    """Was: with a practice question open, the answer "check in" ran `/checkin`."""
    await conversation.command("/practice sensitive")
    (answer,) = await conversation.dm("check in")
    assert "checkin" not in str(answer.meta.get("read_as", ""))
    assert [owner for owner, _ in await focus_rows(conversation)] == ["practice"]


async def test_a_story_answer_that_looks_like_a_mistyped_verb_keeps_the_draft(
    conversation: Conversation,
) -> None:
    """Was: while the story held the DM, "story nwe" ran `/story new` and dropped the draft."""
    await conversation.command("/story", dm=True)
    await conversation.dm(STORY["title"])
    (step,) = await conversation.dm("story nwe")
    assert "read_as" not in step.meta and "did_you_mean" not in step.meta
    assert await count(conversation, StoryDraft) == 1
    (paused,) = await conversation.dm("nudges paused")
    assert "read_as" not in paused.meta, "only an exact verb counts while a conversation waits"
