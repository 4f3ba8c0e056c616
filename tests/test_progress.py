"""/progress: a compact text chart that reads the same on every platform."""

from __future__ import annotations

from datetime import timedelta

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
    for _ in range(3):
        await conversation.command("/practice sensitive")
        await conversation.dm(BRIEF)
        conversation.clock.advance(timedelta(days=1))
    (reply,) = await conversation.command("/progress")
    assert reply.meta["streak"] == 3
    assert "3 days in a row" in reply.text
    conversation.clock.advance(timedelta(days=2))
    (later,) = await conversation.command("/progress")
    assert later.meta["streak"] == 0


async def test_home_has_a_streak_line(conversation: Conversation) -> None:
    await conversation.command("/tip")
    home = await conversation.bot.home(conversation.ref())
    assert any(s.title == "Streak" for s in home.sections)
