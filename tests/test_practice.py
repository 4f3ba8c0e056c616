"""/practice end to end: the question goes to the DM, the next DM is the answer, feedback."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.content.schema import Question
from bot.features import load_features
from bot.features.practice import Practice, weak_question_due
from bot.replies import Reply, Visibility
from bot.review import Review, RuleReviewer
from bot.store.models import Member, PracticeAnswer, PracticeSession
from tests.conftest import Conversation, make_settings

BRIEF = (
    "My role was one of twelve cut when the company closed its regional office last spring. "
    "I was proud of the work there: I kept customer complaints under five a month for two "
    "years. Since then I have finished a project management course and volunteered to run "
    "scheduling for a local food bank, which has kept my planning skills sharp. I am ready for "
    "a team like yours. What would the person in this role need to tackle first?"
)
RAMBLING = (
    "Well, um, basically it was not my fault at all. My boss was honestly the worst manager I "
    "have ever had, he never listened to anyone and he micromanaged every single thing I did, "
    "and the company was a total mess from top to bottom. When they restructured he basically "
    "used it as an excuse to push me out, because he never liked me from day one. I mean, I "
    "worked really hard there for four years, I stayed late most nights, I did everything they "
    "asked and more, and it was just so unfair. To be honest I was pretty angry about it for "
    "months, and I know it looks bad, sorry. But you know, it really was not my fault, it was a "
    "toxic place and everybody there knew it, half the team left after me anyway, and the new "
    "manager they brought in was even worse than him. He would call people into his office for "
    "no reason, he changed the targets every single month, and he took the credit for "
    "everything our side of the office did, so nobody trusted him and nobody wanted to stay. "
    "So yeah, that is basically why I was let go, and honestly I am just glad to be out of "
    "there, because nobody could have worked for that man and stayed sane, and I am sure you "
    "would agree if you had met him."
)


def dm_reply(replies: list[Reply]) -> Reply:
    (reply,) = [r for r in replies if r.visibility is Visibility.DM]
    return reply


async def answer(conversation: Conversation, text: str, who: str | None = None) -> Reply:
    (reply,) = await conversation.dm(text, who=who)
    return reply


async def open_rows(conversation: Conversation) -> int:
    async with conversation.bot.services.db.session() as session:
        return await session.scalar(select(func.count()).select_from(PracticeSession)) or 0


async def test_practice_in_a_channel_sends_the_question_to_the_dm(
    conversation: Conversation,
) -> None:
    replies = await conversation.command("/practice sensitive")
    assert [r.visibility for r in replies] == [Visibility.DM, Visibility.ONLY_MEMBER]
    question, note = replies
    assert question.meta["category"] == "sensitive"
    library = conversation.bot.services.library
    asked = library.question(question.meta["question_id"])
    assert asked is not None and asked.category == "sensitive"
    assert asked.text in question.text
    assert "cancel" in question.text
    assert "DM" in note.text and len(note.text) < 100


async def test_practice_typed_in_the_dm_gets_no_channel_note(conversation: Conversation) -> None:
    replies = await conversation.command("/practice money", dm=True)
    assert [r.visibility for r in replies] == [Visibility.DM]
    assert replies[0].meta["category"] == "money"


async def test_the_next_dm_is_the_answer_and_gets_feedback(conversation: Conversation) -> None:
    asked = dm_reply(await conversation.command("/practice sensitive"))
    feedback = await answer(conversation, BRIEF)
    meta = feedback.meta
    assert feedback.visibility is Visibility.DM
    assert meta["question_id"] == asked.meta["question_id"]
    assert set(meta["scores"]) >= {"length", "framing", "confidence", "sensitive", "wording"}
    assert all(0 <= v <= 100 for v in meta["scores"].values())
    assert 0 <= meta["overall"] <= 100
    assert isinstance(meta["flags"], list)
    titles = [s.title for s in feedback.sections]
    assert "A stronger answer, from your own words" in titles
    assert "Scores" in titles
    assert await open_rows(conversation) == 0
    # The question is closed: the next DM is ordinary chat again.
    (after,) = await conversation.dm("hello there friend")
    assert "question_id" not in after.meta


async def test_a_rambling_answer_blaming_the_boss_scores_below_a_brief_positive_one(
    conversation: Conversation,
) -> None:
    await conversation.command("/practice why-were-you-fired")
    brief = await answer(conversation, BRIEF)
    await conversation.press(brief, "Try again")
    rambling = await answer(conversation, RAMBLING)
    assert rambling.meta["overall"] < brief.meta["overall"]
    assert {"blame", "negative", "too_long"} <= set(rambling.meta["flags"])
    assert "no_refocus" in rambling.meta["flags"]
    assert rambling.meta["main_fix"] == "blame"
    assert not {"blame", "negative", "too_long", "no_refocus"} & set(brief.meta["flags"])
    fix = next(s for s in rambling.sections if s.title == "The one thing to fix")
    assert "boss" in fix.text


async def test_cancel_leaves_the_question(conversation: Conversation) -> None:
    await conversation.command("/practice sensitive")
    (left,) = await conversation.dm("cancel")
    assert left.meta["cancelled"] is True
    assert await open_rows(conversation) == 0
    (chat,) = await conversation.dm("I was let go because the office closed last year.")
    assert "scores" not in chat.meta


async def test_only_one_open_question_at_a_time(conversation: Conversation) -> None:
    await conversation.command("/practice sensitive")
    second = dm_reply(await conversation.command("/practice money"))
    assert "I put away your open question" in second.text
    assert await open_rows(conversation) == 1
    feedback = await answer(conversation, BRIEF)
    assert feedback.meta["question_id"] == second.meta["question_id"]


async def test_a_too_short_reply_keeps_the_question_open(conversation: Conversation) -> None:
    await conversation.command("/practice sensitive")
    (wait,) = await conversation.dm("yes")
    assert wait.meta["waiting"] is True
    assert await open_rows(conversation) == 1


async def test_commands_still_work_while_a_question_is_open(conversation: Conversation) -> None:
    await conversation.command("/practice sensitive")
    (tip,) = await conversation.dm("/tip networking")
    assert "tip_id" in tip.meta
    (progress,) = await conversation.dm("progress")
    assert "streak" in progress.meta
    assert await open_rows(conversation) == 1


async def test_words_pick_the_best_matching_question_every_time(
    conversation: Conversation,
) -> None:
    first = dm_reply(await conversation.command("/practice fired"))
    again = dm_reply(await conversation.command("/practice fired", who="Grace"))
    assert first.meta["question_id"] == again.meta["question_id"] == "why-were-you-fired"
    conflict = dm_reply(await conversation.command("/practice disagreed with a colleague"))
    assert conflict.meta["question_id"] == "beh-conflict"
    salary = dm_reply(await conversation.command("/practice salary"))
    assert salary.meta["category"] == "money"
    typo = dm_reply(await conversation.command("/practice behavioral"))
    assert typo.meta["category"] == "behavioural"


async def test_unknown_words_offer_the_categories(conversation: Conversation) -> None:
    (reply,) = await conversation.command("/practice zzyzx qwerty")
    assert reply.meta["no_match"] is True
    assert "sensitive" in reply.meta["categories"]


async def test_no_argument_asks_untried_categories_first_then_weak_ones(
    conversation: Conversation,
) -> None:
    library = conversation.bot.services.library
    order = [c.id for c in library.categories if library.questions_in(c.id)]
    seen = []
    for category in order:
        asked = dm_reply(await conversation.command("/practice"))
        seen.append(asked.meta["category"])
        text = BRIEF if category != "money" else "I want 20000. That is it."
        await answer(conversation, text)
    assert seen == order
    # Every category tried: the weakest one (money, answered badly) comes next.
    nxt = dm_reply(await conversation.command("/practice"))
    assert nxt.meta["category"] == "money"


async def test_try_again_compare_and_trend(conversation: Conversation) -> None:
    await conversation.command("/practice why-were-you-fired")
    first = await answer(conversation, RAMBLING)
    assert first.buttons[0].action == "practice:again:why-were-you-fired"
    again = dm_reply(await conversation.press(first, "Try again"))
    assert again.meta["question_id"] == "why-were-you-fired"
    assert f"Last time you scored {first.meta['overall']}" in again.text
    second = await answer(conversation, BRIEF)
    assert second.meta["attempt"] == 2
    assert second.meta["previous_overall"] == first.meta["overall"]
    assert "practice:compare:why-were-you-fired" in [b.action for b in second.buttons]
    (compare,) = await conversation.press(second, "Compare attempts")
    assert compare.meta["attempts"] == [first.meta["overall"], second.meta["overall"]]
    assert compare.meta["trend"] == "↑"
    assert "Fixed since your first try" in compare.plain_text()
    (history,) = await conversation.command("/practice history")
    assert history.meta["history"][0]["attempts"] == 2


async def test_weak_question_comes_due_after_three_days(conversation: Conversation) -> None:
    await conversation.command("/practice why-were-you-fired")
    weak = await answer(conversation, RAMBLING)
    assert weak.meta["overall"] < 60
    clock = conversation.clock
    bot = conversation.bot

    async def due() -> str | None:
        async with bot.services.db.session() as session:
            member = await session.scalar(select(Member).where(Member.user_id == "ada"))
            assert member is not None
            return await weak_question_due(session, member, clock.now())

    assert await due() is None
    clock.advance(timedelta(days=2, hours=23))
    assert await due() is None
    clock.advance(timedelta(hours=2))
    assert await due() == "why-were-you-fired"
    # A retry resets it, even a weak one, until three more days pass.
    started = dm_reply(await conversation.press(weak, "Try again"))
    assert started.meta["question_id"] == "why-were-you-fired"
    assert await due() is None  # open again: not due while it is being answered
    await answer(conversation, BRIEF)
    clock.advance(timedelta(days=10))
    assert await due() is None


async def test_start_question_from_a_nudge_button(conversation: Conversation) -> None:
    # The id a nudge's "Practise now" button carries; test_nudges presses that button on a
    # delivered nudge. Here: any question id starts that question...
    replies = await conversation.press_id("practice:start:cv-gap")
    assert dm_reply(replies).meta["question_id"] == "cv-gap"
    # ...and a stale one, for a question since removed from the library, is explained.
    (gone,) = await conversation.press_id("practice:start:no-such-question")
    assert gone.meta["error"] == "user"


async def test_the_open_question_survives_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    settings = make_settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'restart.db'}")
    first = await JobClubBot.create(settings, clock)
    try:
        asked = dm_reply(await Conversation(first, clock).command("/practice sensitive"))
    finally:
        await first.close()
    second = await JobClubBot.create(settings, clock)
    try:
        feedback = await answer(Conversation(second, clock), BRIEF)
    finally:
        await second.close()
    assert feedback.meta["question_id"] == asked.meta["question_id"]
    assert "overall" in feedback.meta


async def test_members_never_see_each_others_answers(conversation: Conversation) -> None:
    await conversation.command("/practice why-were-you-fired", who="Ada")
    # Grace has no open question: her DM is not taken as an answer to Ada's.
    (chat,) = await conversation.dm(BRIEF, who="Grace")
    assert "scores" not in chat.meta
    await answer(conversation, RAMBLING, who="Ada")
    # Forged: the compare button was only ever on Ada's private feedback.
    (compare,) = await conversation.press_id("practice:compare:why-were-you-fired", who="Grace")
    assert compare.meta["attempts"] == []
    assert "fault" not in compare.plain_text()
    (history,) = await conversation.command("/practice history", who="Grace")
    assert history.meta["history"] == []
    (export,) = await conversation.command("/jobclub export", who="Grace")
    assert export.meta["export"]["practice"]["practice_answers"] == []


async def test_answers_count_for_the_streak(conversation: Conversation) -> None:
    await conversation.command("/practice sensitive")
    await answer(conversation, BRIEF)
    (progress,) = await conversation.command("/progress")
    assert progress.meta["streak"] == 1


class FixedReviewer:
    """A stand-in reviewer: the practice feature works with any `Reviewer`."""

    name = "fixed"

    async def review(self, question: Question, answer: str) -> Review:
        review = RuleReviewer().review_now(question, answer)
        return Review(
            question_id=question.id,
            reviewer=self.name,
            scores={"length": 50},
            overall=50,
            flags=["fixed"],
            strengths=[],
            main_fix=None,
            outline=review.outline,
            notes={},
            stats=review.stats,
        )


async def test_the_reviewer_is_replaceable(tmp_path: Path, clock: FakeClock) -> None:
    features = [f if f.name != "practice" else Practice(FixedReviewer()) for f in load_features()]
    bot = await JobClubBot.create(make_settings(tmp_path), clock, features=features)
    try:
        conversation = Conversation(bot, clock)
        await conversation.command("/practice sensitive")
        feedback = await answer(conversation, BRIEF)
        assert feedback.meta["overall"] == 50
        assert feedback.meta["reviewer"] == "fixed"
        async with bot.services.db.session() as session:
            row = await session.scalar(select(PracticeAnswer))
            assert row is not None and row.reviewer == "fixed" and row.flags == ["fixed"]
    finally:
        await bot.close()


async def test_home_shows_a_practice_line(conversation: Conversation) -> None:
    home = await conversation.bot.home(conversation.ref())
    assert home.meta.get("new_member") is True  # not stored just by looking
    await conversation.command("/tip")
    home = await conversation.bot.home(conversation.ref())
    assert any(s.title == "Practice" for s in home.sections)
    await conversation.command("/practice sensitive")
    await answer(conversation, BRIEF)
    home = await conversation.bot.home(conversation.ref())
    line = next(s for s in home.sections if s.title == "Practice")
    assert line.text.startswith("1 answer")


def test_the_console_shows_scores_overall_and_flags(tmp_path: Path) -> None:
    from tests.test_console import json_lines, run_cli

    def feedback(text: str, db: str) -> dict[str, object]:
        lines = json_lines(
            run_cli(tmp_path, f"/practice sensitive\n:dm\n{text}\n", "--db", f"sqlite:///{db}")
        )
        asked, note, reply = lines
        assert asked["where"] == "dm" and note["where"] == "only_you"
        assert set(asked["meta"]) >= {"question_id", "category"}
        assert reply["where"] == "dm"
        return reply["meta"]

    brief = feedback(BRIEF, str(tmp_path / "brief.db"))
    rambling = feedback(RAMBLING, str(tmp_path / "rambling.db"))
    assert brief["question_id"] == rambling["question_id"]
    for meta in (brief, rambling):
        assert set(meta) >= {"question_id", "scores", "overall", "flags"}
    assert rambling["overall"] < brief["overall"]
    assert {"blame", "negative", "too_long"} <= set(rambling["flags"])


# -- trust: gentle edges, coherent feedback, compare ------------------------------------------


async def test_skip_and_never_mind_are_never_graded(conversation: Conversation) -> None:
    first = dm_reply(await conversation.command("/practice why-were-you-fired"))
    (skipped,) = await conversation.dm("skip")
    assert skipped.meta["skipped"] == first.meta["question_id"]
    assert skipped.meta["question_id"] != first.meta["question_id"]
    assert skipped.meta["category"] == "sensitive"
    assert "no score" in skipped.text
    (passed,) = await conversation.dm("pass on this one please")
    assert "skipped" in passed.meta and "scores" not in passed.meta
    for word in ("nevermind", "never mind", "stop", "cancel"):
        await conversation.command("/practice sensitive")
        (left,) = await conversation.dm(word)
        assert left.meta["cancelled"] is True, word
        assert await open_rows(conversation) == 0
    async with conversation.bot.services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(PracticeAnswer)) == 0


async def test_i_dont_know_gets_a_kind_hint_and_the_question_stays_open(
    conversation: Conversation,
) -> None:
    await conversation.command("/practice greatest-weakness")
    for text in ("I don't know", "honestly no idea", "idk"):
        (hint,) = await conversation.dm(text)
        assert hint.meta["dont_know"] is True and hint.meta["waiting"] is True
        assert "scores" not in hint.meta and "/100" not in hint.text
        assert "a real weakness" in hint.text  # what the question is really asking
        assert "start" in hint.text.lower()
    assert await open_rows(conversation) == 1
    feedback = await answer(conversation, BRIEF)
    assert "overall" in feedback.meta


async def test_one_second_and_one_answer_are_singular(conversation: Conversation) -> None:
    await conversation.command("/practice when-can-you-start")
    feedback = await answer(conversation, "Monday works well.")
    assert "About 1 second spoken (3 words)" in feedback.text
    (history,) = await conversation.command("/practice history")
    assert history.title == "Your practice (1 answer)"


async def test_feedback_meta_carries_strengths_outline_and_the_main_fix(
    conversation: Conversation,
) -> None:
    boast = (
        "My greatest strength is planning. Nobody else could do what I do with a rota. "
        "At my last job I cut overtime by a fifth in six months by planning shifts a month "
        "ahead. Frankly you would be lucky to get me."
    )
    await conversation.command("/practice greatest-strength")
    feedback = await answer(conversation, boast)
    meta = feedback.meta
    assert meta["main_fix"] == "cocky" and "cocky" in meta["serious"]
    assert meta["overall"] <= 55
    shown = " ".join(meta["strengths"]) + " ".join(s["quote"] or "" for s in meta["outline"])
    assert "lucky" not in shown and "Nobody else" not in shown
    assert any("cut overtime" in s for s in meta["strengths"])
    assert all({"step", "quote", "placeholder", "fix"} <= set(s) for s in meta["outline"])
    assert meta["flagged_sentences"]["cocky"]


async def test_compare_names_a_flaw_once_as_fixed_or_still_open(
    conversation: Conversation,
) -> None:
    await conversation.command("/practice why-were-you-fired")
    first = await answer(conversation, "I was let go when the office shut down last year.")
    await conversation.press(first, "Try again")
    second = await answer(conversation, "I was let go when the office shut down last year, sadly.")
    (compare,) = await conversation.press(second, "Compare attempts")
    fixed, still = compare.meta["fixed"], compare.meta["still_open"]
    assert not set(fixed) & set(still)
    assert not ({"too short", "a little short"} <= set(fixed) | set(still))
