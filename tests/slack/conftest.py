"""A real Slack adapter over real HTTP, talking to a local fake Slack Web API."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.slack import SlackAdapter, SlackTuning, build_slack
from bot.app import JobClubBot
from bot.clock import FakeClock
from tests.conftest import by_label, make_settings
from tests.slack import wire
from tests.slack.fake_slack import FakeSlack, dm_channel_for

ADA = "U0ADA"
GRACE = "U0GRACE"
_keys = itertools.count(1)


def button_labels(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, action id) of every button in a message's blocks, in the order shown."""
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return [
        (element["text"]["text"], element["action_id"])
        for block in blocks
        if block.get("type") == "actions"
        for element in block["elements"]
        if element.get("type") == "button"
    ]


@dataclass
class Rig:
    """The fake Slack, the adapter under test, and a sender of signed requests."""

    fake: FakeSlack
    adapter: SlackAdapter
    bot: JobClubBot
    clock: FakeClock
    sender: wire.SlackSender

    def response_url(self) -> str:
        return self.fake.response_url(f"r{next(_keys)}")

    async def command(
        self, line: str, *, user: str = ADA, **kwargs: Any
    ) -> tuple[wire.Answer, str]:
        """Send `/name text`; returns the HTTP answer and the response_url used."""
        name, _, text = line.partition(" ")
        url = kwargs.pop("response_url", None) or self.response_url()
        body = wire.slash_body(name, text, user_id=user, response_url=url, **kwargs)
        return await self.sender.command(body), url

    async def press(
        self, message: dict[str, Any], label: str, *, user: str = ADA, **kwargs: Any
    ) -> tuple[wire.Answer, str]:
        """Press the button labelled `label` on a message Slack showed (its JSON body).

        Fails, listing the labels, when the message has no such button: a reply that
        lost its button fails the test instead of being pressed through a rebuilt id.
        """
        return await self.press_id(by_label(button_labels(message), label), user=user, **kwargs)

    async def press_id(
        self, action_id: str, *, user: str = ADA, **kwargs: Any
    ) -> tuple[wire.Answer, str]:
        """Send a raw action id: only for stale, forged or hand-built buttons."""
        url = kwargs.pop("response_url", None) or self.response_url()
        body = wire.action_body(action_id, user_id=user, response_url=url, **kwargs)
        return await self.sender.action(body), url

    async def dm(
        self,
        text: str,
        *,
        user: str = ADA,
        event_id: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> wire.Answer:
        event = wire.dm_event(text, user_id=user, channel=dm_channel_for(user))
        return await self.sender.event(wire.event_body(event, event_id=event_id), extra=extra)

    async def open_home(self, *, user: str = ADA) -> wire.Answer:
        event = {
            "type": "app_home_opened",
            "user": user,
            "channel": dm_channel_for(user),
            "tab": "home",
            "event_ts": "1.0",
        }
        return await self.sender.event(wire.event_body(event))

    def responses(self, url: str) -> list[dict[str, Any]]:
        key = url.rsplit("/", 1)[1]
        return [c.params for c in self.fake.of("response_url") if c.params.get("_key") == key]


def tuning(**overrides: Any) -> SlackTuning:
    values: dict[str, Any] = {"home_interval": 0.2, "user_wait": 5.0, "rate_limit_retries": 2}
    values.update(overrides)
    return SlackTuning(**values)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    server.add_user(ADA, "Ada", tz="Europe/Berlin")
    server.add_user(GRACE, "Grace", tz="America/New_York", admin=True)
    await server.start()
    try:
        yield server
    finally:
        await server.close()


async def start_rig(
    fake: FakeSlack, tmp_path: Path, clock: FakeClock, **tuning_overrides: Any
) -> tuple[Rig, aiohttp.ClientSession]:
    settings = make_settings(
        tmp_path,
        slack_bot_token="xoxb-test",
        slack_signing_secret=wire.SECRET,
        slack_api_url=fake.url,
    )
    bot = await JobClubBot.create(settings, clock)
    adapter = await build_slack(
        bot, settings, port=0, host="127.0.0.1", tuning=tuning(**tuning_overrides)
    )
    await adapter.start()
    session = aiohttp.ClientSession()
    sender = wire.SlackSender(f"http://127.0.0.1:{adapter.port}/slack/events", session)
    return Rig(fake, adapter, bot, clock, sender), session


async def stop_rig(rig: Rig, session: aiohttp.ClientSession) -> None:
    await session.close()
    await rig.adapter.close()
    await rig.bot.close()


@pytest.fixture
async def rig(fake: FakeSlack, tmp_path: Path, clock: FakeClock) -> AsyncIterator[Rig]:
    started, session = await start_rig(fake, tmp_path, clock)
    try:
        yield started
    finally:
        await stop_rig(started, session)
