"""The Outbox port on Slack: DMs and channel posts, pacing, retries, and failures surfaced."""

from __future__ import annotations

import pytest

from adapters.slack.outbox import SlackOutbox
from adapters.slack.pacing import Pacer, PacingTimeout
from adapters.slack.respond import Origin, plan
from bot.events import MemberRef, Platform
from bot.outbox import MemberAddress, SendError
from bot.replies import Button, Reply, Visibility
from tests.slack.conftest import ADA, Rig
from tests.slack.fake_slack import dm_channel_for, group_channel_for

REMINDER = Reply(
    text="Reminder: send the thank-you note to Ana.",
    buttons=[Button("Done", "commit:done:1"), Button("Snooze", "commit:snooze:1")],
    visibility=Visibility.DM,
)


def ada(dm_channel: str | None = None) -> MemberAddress:
    return MemberAddress(Platform.SLACK, "T0CLUB", ADA, "Ada", dm_channel)


async def test_send_dm_opens_the_dm_once_and_returns_its_id(rig: Rig) -> None:
    outbox = rig.adapter.outbox
    channel = await outbox.send_dm(ada(), REMINDER)
    assert channel == dm_channel_for(ADA)
    assert await outbox.send_dm(ada(), REMINDER) == channel
    assert len(rig.fake.of("conversations.open")) == 1
    posts = rig.fake.of("chat.postMessage")
    assert [p.params["channel"] for p in posts] == [channel, channel]


async def test_a_stored_dm_channel_is_used_without_opening(rig: Rig) -> None:
    await rig.adapter.outbox.send_dm(ada("D0STORED"), REMINDER)
    assert not rig.fake.of("conversations.open")
    assert rig.fake.of("chat.postMessage")[0].params["channel"] == "D0STORED"


async def test_a_stale_stored_dm_channel_is_reopened(rig: Rig) -> None:
    rig.fake.fail("chat.postMessage", error="channel_not_found")
    channel = await rig.adapter.outbox.send_dm(ada("D0GONE"), REMINDER)
    assert channel == dm_channel_for(ADA)
    assert [c.ok for c in rig.fake.of("chat.postMessage")] == [False, True]


async def test_post_to_channel(rig: Rig) -> None:
    await rig.adapter.outbox.post_to_channel(Platform.SLACK, "T0CLUB", "C0DIGEST", REMINDER)
    assert rig.fake.of("chat.postMessage")[0].params["channel"] == "C0DIGEST"
    with pytest.raises(SendError) as refused:
        await rig.adapter.outbox.post_to_channel(Platform.DISCORD, "G1", "C1", REMINDER)
    assert not refused.value.retryable


async def test_rate_limit_and_server_errors_are_retried_by_the_client(rig: Rig) -> None:
    rig.fake.fail("conversations.open", status=429, retry_after=0)
    rig.fake.fail("chat.postMessage", status=500)
    assert await rig.adapter.outbox.send_dm(ada(), REMINDER) == dm_channel_for(ADA)
    assert [c.status for c in rig.fake.of("conversations.open")] == [429, 200]
    assert [c.status for c in rig.fake.of("chat.postMessage")] == [500, 200]


async def test_a_send_that_keeps_failing_raises_a_retryable_send_error(rig: Rig) -> None:
    rig.fake.fail("chat.postMessage", status=429, retry_after=0, times=3)  # retries: 2
    with pytest.raises(SendError) as failed:
        await rig.adapter.outbox.send_dm(ada("D0ADA"), REMINDER)
    assert failed.value.retryable
    assert "ratelimited" in str(failed.value)


async def test_a_member_who_left_is_a_permanent_failure(rig: Rig) -> None:
    rig.fake.fail("conversations.open", error="user_not_found")
    with pytest.raises(SendError) as failed:
        await rig.adapter.outbox.send_dm(ada(), REMINDER)
    assert not failed.value.retryable


async def test_network_failure_is_retryable(rig: Rig) -> None:
    await rig.fake.close()  # Slack unreachable
    with pytest.raises(SendError) as failed:
        await rig.adapter.outbox.send_dm(ada("D0ADA"), REMINDER)
    assert failed.value.retryable


async def test_long_replies_go_out_as_several_valid_messages(rig: Rig) -> None:
    long = Reply(text="word " * 40_000, visibility=Visibility.DM)
    await rig.adapter.outbox.send_dm(ada("D0ADA"), long)
    posts = rig.fake.of("chat.postMessage")
    assert len(posts) > 1 and all(p.ok for p in posts)


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_pacer_spaces_messages_per_channel_after_a_short_burst() -> None:
    time = FakeTime()
    pacer = Pacer(per_channel=1.0, channel_burst=3, workspace=100, workspace_burst=100, clock=time)
    delays = [pacer.reserve("D1") for _ in range(5)]
    assert delays == [0.0, 0.0, 0.0, 1.0, 2.0]
    assert pacer.reserve("D2") == 0.0  # other channels are not held up
    time.now = 10.0
    assert pacer.reserve("D1") == 0.0  # the bucket refilled


def test_pacer_applies_a_workspace_cap_and_refuses_waits_past_a_limit() -> None:
    time = FakeTime()
    pacer = Pacer(per_channel=1, channel_burst=1, workspace=2, workspace_burst=2, clock=time)
    assert [pacer.reserve(f"D{i}", max_wait=1.0) for i in range(4)] == [0.0, 0.0, 0.5, 1.0]
    with pytest.raises(PacingTimeout) as refused:
        pacer.reserve("D9", max_wait=1.0)
    assert refused.value.delay == 1.5
    assert pacer.reserve("D9") == 1.5  # the refused slot was not taken; no limit, no refusal


async def test_a_busy_channel_hands_a_scheduled_send_back_with_retry_after(rig: Rig) -> None:
    time = FakeTime()
    pacer = Pacer(per_channel=0.01, channel_burst=1, clock=time)
    outbox = SlackOutbox(rig.adapter.client, pacer, scheduled_wait=1.0)
    await outbox.send_dm(ada("D0ADA"), REMINDER)
    with pytest.raises(SendError) as failed:
        await outbox.send_dm(ada("D0ADA"), REMINDER)
    assert failed.value.retryable
    assert failed.value.retry_after == pytest.approx(100.0)  # 1 message per 100 s
    assert len(rig.fake.of("chat.postMessage")) == 1  # nothing half sent


async def test_slacks_retry_after_reaches_the_send_error(rig: Rig) -> None:
    rig.fake.fail("chat.postMessage", status=429, retry_after=0, times=2)  # client retries: 2
    rig.fake.fail("chat.postMessage", status=429, retry_after=37)
    with pytest.raises(SendError) as failed:
        await rig.adapter.outbox.send_dm(ada("D0ADA"), REMINDER)
    assert failed.value.retryable and failed.value.retry_after == 37.0


async def test_replies_past_the_five_response_url_uses_go_to_the_dm(rig: Rig) -> None:
    member = MemberRef(Platform.SLACK, "T0CLUB", ADA, "Ada")
    url = rig.response_url()
    origin = Origin(member, response_url=url, channel_id="C0GENERAL")
    replies = [Reply(text=f"part {i}") for i in range(7)]
    await rig.adapter.responder.deliver(plan(replies, origin), origin)
    assert len(rig.responses(url)) == 5
    posts = rig.fake.of("chat.postMessage")
    assert [p.params["channel"] for p in posts] == [dm_channel_for(ADA)] * 2
    assert "part 6" in posts[-1].params["text"]


async def test_an_expired_response_url_falls_back_to_the_dm(rig: Rig) -> None:
    rig.fake.fail("response_url", status=404)
    member = MemberRef(Platform.SLACK, "T0CLUB", ADA, "Ada")
    origin = Origin(member, response_url=rig.response_url(), channel_id="C0GENERAL")
    await rig.adapter.responder.deliver(plan([Reply(text="only you")], origin), origin)
    [post] = rig.fake.of("chat.postMessage")
    assert post.params["channel"] == dm_channel_for(ADA)


async def test_send_group_opens_one_group_dm_for_the_pair_and_posts_there(rig: Rig) -> None:
    """Practice partners: one shared message that both members read in the same place."""
    grace = MemberAddress(Platform.SLACK, "T0CLUB", "U0GRACE", "Grace")
    intro = Reply(text="Ada and Grace: you're practice partners this week.")
    await rig.adapter.outbox.send_group([ada(), grace], intro)
    (opened,) = rig.fake.of("conversations.open")
    assert sorted(opened.params["users"].split(",")) == sorted([ADA, "U0GRACE"])
    (post,) = rig.fake.of("chat.postMessage")
    assert post.params["channel"] == group_channel_for(f"{ADA},U0GRACE")
    assert "practice partners" in str(post.params)


# The pacer's memory: a channel's pace holds while its bucket refills, and no longer (a
# 09:00 fan-out used to leave a bucket behind for every member it reached).


def test_a_busy_channel_keeps_its_pace_while_quiet_ones_are_forgotten() -> None:
    time = FakeTime()
    pacer = Pacer(per_channel=1.0, channel_burst=3.0, workspace=1000.0, clock=time)
    for member in range(500):  # a fan-out: one DM to each of 500 members, 2 ms apart
        assert pacer.reserve(f"D{member}") == 0.0
        time.now += 0.002
    for _ in range(5):
        pacer.reserve("DBUSY")  # a member's busy conversation: three free, then paced
    assert pacer.reserve("DBUSY") == pytest.approx(3.0)

    time.now += 2.9  # the fan-out's buckets have refilled; the busy one has not
    pacer.reserve("DOTHER")
    assert pacer.channels_remembered == 2  # the busy channel and the one just sent to
    with pytest.raises(PacingTimeout):
        pacer.reserve("DBUSY", max_wait=1.0)  # still owes its queue


def test_a_forgotten_channel_starts_again_with_its_full_burst() -> None:
    time = FakeTime()
    pacer = Pacer(per_channel=1.0, channel_burst=3.0, workspace=1000.0, clock=time)
    for _ in range(3):
        assert pacer.reserve("DADA") == 0.0
    assert pacer.reserve("DADA") > 0.0
    time.now += 60.0
    pacer.reserve("DBEN")  # any send tidies up
    assert pacer.channels_remembered == 1
    assert [pacer.reserve("DADA") for _ in range(3)] == [0.0, 0.0, 0.0]
