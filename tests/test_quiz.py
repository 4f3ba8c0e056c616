"""/quiz: multiple choice with buttons, an explanation after each answer, a score at the end."""

from __future__ import annotations

from sqlalchemy import select

from bot.features.quiz import ITEMS_PER_RUN
from bot.replies import Reply
from bot.store.models import QuizRun
from tests.conftest import Conversation

LETTERS = "ABCDEFGH"
"""The answer buttons' labels, in the order of the choices."""


def answer_buttons(reply: Reply) -> list[str]:
    return [b.action for b in reply.buttons if b.action.startswith("quiz:answer:")]


async def play(conversation: Conversation, right: bool, who: str | None = None) -> Reply:
    """Answer every question (all right or all wrong); returns the final reply."""
    library = conversation.bot.services.library
    (question,) = await conversation.command("/quiz", who=who)
    for _ in range(ITEMS_PER_RUN):
        item = library.quiz_item(question.meta["item_id"])
        assert item is not None
        choice = item.answer if right else (item.answer + 1) % len(item.choices)
        feedback, question = await conversation.press(question, LETTERS[choice], who=who)
        assert feedback.meta["correct"] is right
        assert item.explanation in feedback.text
    return question


async def test_a_question_has_a_button_per_choice(conversation: Conversation) -> None:
    (reply,) = await conversation.command("/quiz")
    item = conversation.bot.services.library.quiz_item(reply.meta["item_id"])
    assert item is not None
    run = reply.meta["run_id"]
    assert answer_buttons(reply) == [f"quiz:answer:{run}:0:{i}" for i in range(len(item.choices))]
    assert [b.label for b in reply.buttons] == [*LETTERS[: len(item.choices)], "Stop"]
    assert reply.title == f"Quiz · 1 of {ITEMS_PER_RUN}"
    for choice in item.choices:
        assert choice in reply.text


async def test_explanations_then_a_score_at_the_end(conversation: Conversation) -> None:
    final = await play(conversation, right=True)
    assert final.meta == {
        "run_id": final.meta["run_id"],
        "score": ITEMS_PER_RUN,
        "total": ITEMS_PER_RUN,
        "finished": True,
    }
    assert f"{ITEMS_PER_RUN}/{ITEMS_PER_RUN}" in (final.title or "")
    worse = await play(conversation, right=False)
    assert worse.meta["score"] == 0
    assert "To look at again" in worse.text
    async with conversation.bot.services.db.session() as session:
        runs = list(await session.scalars(select(QuizRun).order_by(QuizRun.id)))
    assert [(r.status, r.score) for r in runs] == [("done", ITEMS_PER_RUN), ("done", 0)]
    (progress,) = await conversation.command("/progress")
    assert progress.meta["streak"] == 1
    assert progress.meta["quiz"] == [
        {"score": ITEMS_PER_RUN, "total": ITEMS_PER_RUN},
        {"score": 0, "total": ITEMS_PER_RUN},
    ]


async def test_a_second_press_cannot_answer_the_next_question(conversation: Conversation) -> None:
    (question,) = await conversation.command("/quiz")
    first = await conversation.press(question, "A")
    assert len(first) == 2
    (again,) = await conversation.press(question, "A")  # the same button, pressed twice
    assert "already answered" in again.text
    assert again.meta["position"] == 1
    async with conversation.bot.services.db.session() as session:
        run = await session.scalar(select(QuizRun))
        assert run is not None and len(run.answers) == 1


async def test_another_member_cannot_answer_my_quiz(conversation: Conversation) -> None:
    (question,) = await conversation.command("/quiz", who="Ada")
    (refused,) = await conversation.press(question, "A", who="Grace")
    assert refused.meta["error"] == "user"
    async with conversation.bot.services.db.session() as session:
        run = await session.scalar(select(QuizRun))
        assert run is not None and run.answers == [] and run.position == 0


async def test_next_rounds_bring_unseen_items(conversation: Conversation) -> None:
    library = conversation.bot.services.library
    seen: list[str] = []
    for _ in range(len(library.quiz) // ITEMS_PER_RUN):
        (question,) = await conversation.command("/quiz")
        async with conversation.bot.services.db.session() as session:
            run = await session.get(QuizRun, question.meta["run_id"])
            assert run is not None
            seen += run.item_ids
        await conversation.command("/quiz stop")
    assert len(seen) == len(set(seen))


async def test_stop_and_a_finished_quiz_refuses_answers(conversation: Conversation) -> None:
    (question,) = await conversation.command("/quiz")
    (stopped,) = await conversation.command("/quiz stop")
    assert stopped.meta["stopped"] is True
    (late,) = await conversation.press(question, "A")  # the old question's button
    assert late.meta["error"] == "user"
    assert "over" in late.text
