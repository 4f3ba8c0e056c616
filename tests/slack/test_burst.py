"""A burst from one member gets every reply, in order, at Slack's pace.

Sixty direct messages from one member used to get 33 replies: once the DM channel's
pacing queue was more than 30 s long, replies were dropped with a log line. Now each
request takes its place in the member's line on arrival and its reply waits for its
turn and its pacing slot, however long that is.

The pacer runs on virtual time (`VirtualTime`): its sleeps move the clock instead of
waiting, so a minute of pacing takes no real time and the spacing can be checked. For
the burst the clock stands still until the core has answered all sixty messages: they
all arrive at one virtual instant, a harder burst than sixty in ten seconds.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.slack.pacing import Pacer
from bot.clock import FakeClock
from bot.events import Event, MessageEvent
from bot.replies import Reply
from tests.slack.conftest import ADA, GRACE, Rig, start_rig, stop_rig
from tests.slack.fake_slack import Call, FakeSlack, dm_channel_for
from tests.slack.test_http import texts

BURST = 60


class VirtualTime:
    """A clock whose sleeps return at once, having moved the clock to their end.

    While frozen, sleepers wait (no time passes for anyone) until `run()`.
    """

    def __init__(self) -> None:
        self.now = 1000.0
        self._running = asyncio.Event()
        self._running.set()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        until = self.now + max(0.0, delay)
        await self._running.wait()
        self.now = max(self.now, until)

    def freeze(self) -> None:
        self._running.clear()

    def run(self) -> None:
        self._running.set()


@pytest.fixture
async def paced(
    fake: FakeSlack, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[tuple[Rig, VirtualTime, list[float]]]:
    """The real adapter with Slack's default pacing on virtual time; the virtual instant
    of every `chat.postMessage` the fake receives."""
    time = VirtualTime()
    rig, session = await start_rig(fake, tmp_path, clock, pacer=Pacer(clock=time, sleep=time.sleep))
    sent_at: list[float] = []

    def stamp(call: Call) -> None:
        if call.method == "chat.postMessage":
            sent_at.append(time.now)

    fake.echo = stamp
    try:
        yield rig, time, sent_at
    finally:
        await stop_rig(rig, session)


def numbers_in_order(posts: list[Call]) -> list[int]:
    """The task number each posted reply answers."""
    found = []
    for post in posts:
        match = re.search(r"task (\d+)\b", texts(post.params))
        assert match, texts(post.params)
        found.append(int(match.group(1)))
    return found


async def test_sixty_quick_dms_get_sixty_replies_in_order(
    paced: tuple[Rig, VirtualTime, list[float]],
) -> None:
    rig, time, sent_at = paced
    answered = asyncio.Event()
    count = 0
    handle = rig.bot.handle

    async def counting(event: Event) -> list[Reply]:
        nonlocal count
        replies = await handle(event)
        count += 1
        if count == BURST:
            answered.set()
        return replies

    rig.bot.handle = counting  # type: ignore[method-assign]
    time.freeze()
    for n in range(1, BURST + 1):
        answer = await rig.dm(f"commit task {n} by friday 3pm")
        assert answer.status == 200
    await asyncio.wait_for(answered.wait(), 60)
    # Every reply is ready and at most the channel's burst of 3 has been sent.
    assert len(rig.fake.of("chat.postMessage")) <= 3
    time.run()
    await rig.adapter.idle()  # every task started for those messages has finished
    posts = rig.fake.of("chat.postMessage")
    assert len(posts) == BURST and all(p.ok for p in posts)
    assert {p.params["channel"] for p in posts} == {dm_channel_for(ADA)}
    assert numbers_in_order(posts) == list(range(1, BURST + 1))
    assert all("Got it" in texts(p.params) for p in posts)
    # Slack's pace held: after a burst of 3, about one message a second in that channel.
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent_at)]
    assert min(gaps[3:]) >= 0.99
    assert sent_at[-1] - sent_at[0] >= BURST - 3 - 1  # so the last waited ~a minute


async def test_replies_keep_the_order_of_the_requests_when_the_core_does_not(
    paced: tuple[Rig, VirtualTime, list[float]],
) -> None:
    """The first message's answer is held up until the second has been answered."""
    rig, _, _ = paced
    second_answered = asyncio.Event()
    handle = rig.bot.handle

    async def slow_first(event: Event) -> list[Reply]:
        if isinstance(event, MessageEvent) and "task 1 " in event.text:
            await second_answered.wait()
        replies = await handle(event)
        if isinstance(event, MessageEvent) and "task 2 " in event.text:
            second_answered.set()
        return replies

    rig.bot.handle = slow_first  # type: ignore[method-assign]
    await rig.dm("commit task 1 by friday 3pm")
    await rig.dm("commit task 2 by friday 3pm")
    await rig.fake.wait_for(lambda _: len(rig.fake.of("chat.postMessage")) >= 2)
    await rig.adapter.idle()
    assert numbers_in_order(rig.fake.of("chat.postMessage")) == [1, 2]


async def test_one_members_burst_does_not_hold_up_another_member(
    paced: tuple[Rig, VirtualTime, list[float]],
) -> None:
    rig, _, _ = paced
    first_done = asyncio.Event()
    handle = rig.bot.handle

    async def ada_stuck(event: Event) -> list[Reply]:
        if event.member.user_id == ADA:
            await first_done.wait()
        return await handle(event)

    rig.bot.handle = ada_stuck  # type: ignore[method-assign]
    await rig.dm("commit task 1 by friday 3pm")
    await rig.dm("commit task 7 by friday 3pm", user=GRACE)
    [post] = await rig.fake.wait_for(lambda _: rig.fake.of("chat.postMessage"))
    assert post.params["channel"] == dm_channel_for(GRACE)
    first_done.set()
    await rig.fake.wait_for(lambda _: len(rig.fake.of("chat.postMessage")) == 2)
    await rig.adapter.idle()
    assert len(rig.adapter.lines) == 0  # finished lines are forgotten
