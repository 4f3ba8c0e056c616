"""Two Slack replicas on one database: a retried event or button press that reaches the
other replica is answered once, as the member should see it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from adapters.slack import SlackAdapter, build_slack
from bot.app import JobClubBot
from bot.clock import FakeClock
from tests.conftest import make_settings
from tests.slack import wire
from tests.slack.conftest import ADA, GRACE, tuning
from tests.slack.fake_slack import FakeSlack, dm_channel_for


async def replica(fake: FakeSlack, url: str, tmp_path: Path, clock: FakeClock) -> SlackAdapter:
    settings = make_settings(
        tmp_path,
        database_url=url,
        slack_bot_token="xoxb-test",
        slack_signing_secret=wire.SECRET,
        slack_api_url=fake.url,
    )
    bot = await JobClubBot.create(settings, clock)
    adapter = await build_slack(bot, settings, port=0, host="127.0.0.1", tuning=tuning())
    await adapter.start()
    return adapter


@pytest.fixture
async def replicas(
    fake: FakeSlack, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[tuple[list[wire.SlackSender], list[SlackAdapter]]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    adapters = [await replica(fake, url, tmp_path, clock) for _ in range(2)]
    session = aiohttp.ClientSession()
    senders = [
        wire.SlackSender(f"http://127.0.0.1:{a.port}/slack/events", session) for a in adapters
    ]
    try:
        yield senders, adapters
    finally:
        await session.close()
        for adapter in adapters:
            await adapter.close()
            await adapter.bot.close()


def dms_to(fake: FakeSlack, user: str) -> list[str]:
    return [
        str(c.params.get("text") or c.params.get("blocks"))
        for c in fake.of("chat.postMessage")
        if c.params.get("channel") == dm_channel_for(user)
    ]


async def test_a_dm_retried_to_the_other_replica_is_answered_once(
    replicas: tuple[list[wire.SlackSender], list[SlackAdapter]], fake: FakeSlack
) -> None:
    senders, adapters = replicas
    event = wire.dm_event("hello", user_id=ADA, channel=dm_channel_for(ADA))
    body = wire.event_body(event, event_id="Ev0RETRIED")
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert (await senders[0].event(body)).status == 200
    assert (await senders[1].event(body, extra=retry)).status == 200
    assert (await senders[0].event(body, extra=retry)).status == 200
    # Grace's own DM, a different event, is answered as usual beside it.
    other = wire.dm_event("hello", user_id=GRACE, channel=dm_channel_for(GRACE))
    assert (await senders[1].event(wire.event_body(other))).status == 200
    for adapter in adapters:
        await adapter.idle()
    assert len(dms_to(fake, ADA)) == 1
    assert len(dms_to(fake, GRACE)) == 1


async def test_a_button_press_retried_to_the_other_replica_is_answered_once(
    replicas: tuple[list[wire.SlackSender], list[SlackAdapter]], fake: FakeSlack
) -> None:
    senders, adapters = replicas
    url = fake.response_url("press")
    body = wire.action_body("tip:another", user_id=ADA, response_url=url)
    assert (await senders[0].action(body)).status == 200
    assert (await senders[1].action(body)).status == 200
    for adapter in adapters:
        await adapter.idle()
    answers = [c for c in fake.of("response_url") if c.params.get("_key") == "press"]
    assert len(answers) == 1
    # A second, real press (a new interaction) is answered again.
    again = wire.action_body("tip:another", user_id=ADA, response_url=url)
    assert (await senders[1].action(again)).status == 200
    for adapter in adapters:
        await adapter.idle()
    assert len([c for c in fake.of("response_url") if c.params.get("_key") == "press"]) == 2
