"""/progress: a compact text chart that reads the same on every platform."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.charts import BAR_WIDTH, bar, trend_arrow
from tests.conftest import Conversation
from tests.test_practice import BRIEF
from tests.test_stories import build_story


def test_bars_and_arrows() -> None:
    assert bar(0) == "░" * BAR_WIDTH
    assert bar(100) == "█" * BAR_WIDTH
    assert bar(62) == "██████░░░░"
    assert bar(3, 8, 8) == "███░░░░░"
    assert bar(150) == "█" * BAR_WIDTH and bar(-5) == "░" * BAR_WIDTH
    assert (trend_arrow(40, 70), trend_arrow(70, 40), trend_arrow(50, 51)) == ("↑", "↓", "→")


async def test_an_empty_start(conversation: Conversation) -> None:
    (reply,) = await conversation.command("/progress")
    assert reply.meta["streak"] == 0
    assert reply.meta["practice"] == {}
    assert reply.meta["stories"] == {"ready": 0, "goal": 8}
    assert reply.meta["commitments_kept"] == 0
    assert "0/8" in reply.text


async def test_everything_counts_and_lines_up(conversation: Conversation) -> None:
    await conversation.command("/practice sensitive")
    await conversation.dm(BRIEF)
    await build_story(conversation)
    await conversation.command("/commit send thank-you note to Ana by Friday 3pm")
    await conversation.command("/commitments done 1")
    (reply,) = await conversation.command("/progress")
    meta = reply.meta
    assert meta["streak"] == 1
    assert meta["practice"]["sensitive"]["count"] == 1
    assert meta["stories"]["ready"] == 1
    assert meta["commitments_kept"] == 1
    assert "Commitments kept · 1" in reply.text
    assert "1/8 ready" in reply.text
    assert "`" not in reply.text  # plain text, no code block
    chart = [line for line in reply.text.splitlines() if line and line[0] in "█░"]
    categories = conversation.bot.services.library.categories
    assert len(chart) >= len(categories)
    assert all(line[BAR_WIDTH] == " " for line in chart[: len(categories)])
    sensitive = next(line for line in chart if "Sensitive" in line)
    assert f"{meta['practice']['sensitive']['average']:>3}" in sensitive


async def test_the_streak_counts_consecutive_days(conversation: Conversation) -> None:
    # Wednesday 25 November, Thursday, Friday: three practice days.
    for _ in range(3):
        await conversation.command("/practice sensitive")
        await conversation.dm(BRIEF)
        conversation.clock.advance(timedelta(days=1))
    (reply,) = await conversation.command("/progress")
    assert reply.meta["streak"] == 3
    assert "3 days in a row" in reply.text
    conversation.clock.advance(timedelta(days=3))  # Tuesday: Monday went by without practice
    (later,) = await conversation.command("/progress")
    assert later.meta["streak"] == 0


async def keep_a_promise(conversation: Conversation) -> None:
    made = await conversation.one("/commit send the thank-you note tomorrow 10am")
    await conversation.one(f"/commitments done {made.meta['number']}")


async def test_a_quiet_weekend_does_not_break_a_weekday_streak(
    conversation: Conversation,
) -> None:
    # Bug: on Monday morning a Monday-to-Friday practiser had no streak at all.
    conversation.clock.set(datetime(2027, 3, 1, 17, 0, tzinfo=UTC))  # Monday
    for _ in range(5):
        await keep_a_promise(conversation)
        conversation.clock.advance(timedelta(days=1))
    conversation.clock.set(datetime(2027, 3, 8, 7, 0, tzinfo=UTC))  # Monday, before practice
    (monday,) = await conversation.command("/progress")
    assert monday.meta["streak"] == 5
    assert "5 days in a row" in monday.text
    await keep_a_promise(conversation)  # practising on Monday adds to it
    (later,) = await conversation.command("/progress")
    assert later.meta["streak"] == 6


async def test_a_weekend_counts_for_members_who_practise_every_day(
    conversation: Conversation,
) -> None:
    await conversation.one("/nudges on daily")
    conversation.clock.set(datetime(2027, 3, 1, 17, 0, tzinfo=UTC))  # Monday
    for _ in range(5):
        await keep_a_promise(conversation)
        conversation.clock.advance(timedelta(days=1))
    conversation.clock.set(datetime(2027, 3, 6, 17, 0, tzinfo=UTC))  # Saturday, not over
    (saturday,) = await conversation.command("/progress")
    assert saturday.meta["streak"] == 5
    conversation.clock.set(datetime(2027, 3, 8, 7, 0, tzinfo=UTC))  # a Saturday and Sunday missed
    (monday,) = await conversation.command("/progress")
    assert monday.meta["streak"] == 0


async def test_practice_on_a_rest_day_still_counts(conversation: Conversation) -> None:
    conversation.clock.set(datetime(2027, 3, 4, 17, 0, tzinfo=UTC))  # Thursday
    for _ in range(3):  # Thursday, Friday, Saturday
        await keep_a_promise(conversation)
        conversation.clock.advance(timedelta(days=1))
    (sunday,) = await conversation.command("/progress")
    assert sunday.meta["streak"] == 3


async def test_home_has_a_streak_line(conversation: Conversation) -> None:
    await conversation.command("/tip")
    home = await conversation.bot.home(conversation.ref())
    assert any(s.title == "Streak" for s in home.sections)


async def test_the_chart_for_a_member_with_weeks_and_one_with_none(
    conversation: Conversation,
) -> None:
    """The picture comes with its numbers in words; a member with nothing gets no picture."""
    conversation.clock.set(datetime(2026, 11, 25, 14, 0, tzinfo=UTC))  # Wednesday
    await conversation.one("/checkin on")
    arrived = await conversation.advance(timedelta(days=2, hours=3))
    (asked,) = [d for d in arrived if d.kind == "weekly-checkin"]
    last = asked
    for label in ("3", "2", "1", "Keep 0", "0"):
        (last,) = await conversation.press(last, label)
    (last,) = await conversation.press(last, "Skip")
    (last,) = await conversation.press(last, "Skip")
    await conversation.dm("10 applications")
    await conversation.advance(timedelta(days=10))  # the next week goes by unanswered

    progress = await conversation.one("/progress")
    assert progress.image is not None
    assert progress.image.data.startswith(b"\x89PNG")
    alt = progress.image.alt
    assert "week of 23 Nov: 3 applications, 2 conversations, 1 interviews" in alt
    assert "week of 30 Nov: check-in missed, goal 10" in alt
    assert "░░░░░░░░░░ –  · Mon 30 Nov · missed" in progress.text
    # 3 + 2 + 1 against the goal of 10, and the counts in words on the same line.
    assert "██████░░░░ 6 · Mon 23 Nov · 3 applications, 2 conversations" in progress.text
    # Was: the last four weeks twice, as lines and again as bars.
    assert progress.text.count("Mon 23 Nov") == 1
    assert progress.text.count("Mon 30 Nov") == 1

    nothing = await conversation.one("/progress", who="Grace")
    assert nothing.image is None and "chart" not in nothing.meta
