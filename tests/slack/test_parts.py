"""The adapter's small parts: event de-duplication, the core gate, the users cache,
payload translation, Socket Mode selection."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from adapters.slack import build_slack
from adapters.slack.app import SlackSetupError, api_base_url
from adapters.slack.dedupe import SeenEvents
from adapters.slack.gate import CoreGate
from adapters.slack.translate import action_event, command_event, is_member_dm, message_event
from adapters.slack.users import UserDirectory, user_from_api
from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.events import PlaceKind
from tests.conftest import make_settings
from tests.slack.fake_slack import FakeSlack, user_json
from tests.slack.virtual_time import run_in_virtual_time


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_seen_events_remembers_ids_for_a_while_and_stays_bounded() -> None:
    time = Ticks()
    seen = SeenEvents(ttl=60, max_entries=3, clock=time)
    assert seen.first_time("Ev1") and not seen.first_time("Ev1")
    time.now = 61
    assert seen.first_time("Ev1")  # expired
    for i in range(10):
        seen.first_time(f"Ev{i + 10}")
    assert seen.first_time("Ev10")  # evicted by size


async def test_gate_limits_concurrency_and_keeps_arrival_order() -> None:
    gate = CoreGate(workers=1, max_defer=0)
    order: list[int] = []
    release, first = asyncio.Event(), asyncio.Event()

    async def work(n: int) -> int:
        order.append(n)
        if n == 0:
            first.set()
            await release.wait()
        return n

    tasks = [asyncio.create_task(gate.run(lambda n=n: work(n))) for n in range(3)]
    await asyncio.wait_for(first.wait(), 1)
    assert order == [0] and gate.active == 1 and gate.queued == 2
    assert not gate.try_enter_idle()
    release.set()
    assert await asyncio.gather(*tasks) == [0, 1, 2]
    assert order == [0, 1, 2]
    await asyncio.wait_for(gate.drain(), 1)
    assert gate.active == 0


def test_gate_answers_inline_only_when_otherwise_idle_and_queues_after_acks() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        gate = CoreGate(workers=2, max_defer=5)
        started: list[float] = []

        async def job() -> None:
            started.append(loop.time())

        with gate.inbound():
            assert gate.try_enter_idle()  # this request alone: answer in its ack
            gate.leave()
            with gate.inbound():
                assert not gate.try_enter_idle()  # another request is being acked
                gate.submit(job)
                await asyncio.sleep(1)  # a (virtual) second in which all that can run, runs
                assert started == [] and gate.queued == 1  # queued work waits for the acks
            acked = loop.time()
        await asyncio.wait_for(gate.drain(), 10)
        assert started[0] - acked == pytest.approx(gate.linger)  # a moment after the last ack
        assert gate.active == 0 and gate.queued == 0

    run_in_virtual_time(scenario)


def test_gate_runs_queued_work_after_max_defer_while_requests_keep_coming() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        gate = CoreGate(workers=1, max_defer=0.25)
        started: list[float] = []

        async def job() -> None:
            started.append(loop.time())

        with gate.inbound():  # a request that never finishes being acknowledged
            gate.submit(job)
            await asyncio.sleep(1)
            assert started == [pytest.approx(0.25)]  # not starved by the endless ack
        await asyncio.wait_for(gate.drain(), 10)

    run_in_virtual_time(scenario)


async def test_gate_reports_a_failed_call_to_its_caller() -> None:
    gate = CoreGate(workers=1, max_defer=0)

    async def boom() -> None:
        raise RuntimeError("core failed")

    with pytest.raises(RuntimeError, match="core failed"):
        await gate.run(boom)
    await asyncio.wait_for(gate.drain(), 1)
    await gate.close()


async def test_users_cache_fetches_once_and_refreshes_in_the_background() -> None:
    calls: list[str] = []
    refreshed = asyncio.Event()

    class Client:
        async def users_info(self, *, user: str) -> dict[str, Any]:
            calls.append(user)
            if len(calls) == 2:
                refreshed.set()
            return {"ok": True, "user": user_json(user, "Ada", tz="Europe/Berlin", owner=True)}

    time = Ticks()
    users = UserDirectory(Client(), ttl=60, clock=time)  # type: ignore[arg-type]
    first, again = await users.get("U1"), await users.get("U1")
    assert first == again and first is not None
    assert (first.name, first.tz, first.is_admin) == ("Ada", "Europe/Berlin", True)
    assert calls == ["U1"]
    time.now = 100
    assert users.cached("U1") == first  # stale, served at once...
    assert calls == ["U1"]
    await asyncio.wait_for(refreshed.wait(), 5)
    assert calls == ["U1", "U1"]  # ...while a refresh ran
    await users.close()


def test_a_slow_users_info_does_not_hold_up_the_answer() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        calls: list[str] = []

        class Client:
            async def users_info(self, *, user: str) -> dict[str, Any]:
                calls.append(user)
                await asyncio.sleep(30)  # Slack is very slow today
                return {"ok": True, "user": user_json(user, "Ada")}

        users = UserDirectory(Client(), first_wait=1.5)  # type: ignore[arg-type]
        asked = loop.time()
        assert await users.get("U1") is None  # the answer goes on without the name...
        assert loop.time() - asked == pytest.approx(1.5)  # ...after the bounded wait
        await asyncio.sleep(30)
        assert users.cached("U1") is not None  # filled in the background
        assert calls == ["U1"]  # by the one fetch already running
        await users.close()

    run_in_virtual_time(scenario)


def test_user_from_api_prefers_the_display_name() -> None:
    data = user_json("U1", "Ada")
    data["profile"] = {"display_name": "", "real_name": "Ada Lovelace"}
    assert user_from_api(data).name == "Ada Lovelace"
    assert user_from_api({"id": "U2", "name": "grace"}).name == "grace"


def test_translation_of_commands_actions_and_messages() -> None:
    body = {
        "team_id": "T1",
        "user_id": "U1",
        "user_name": "ada",
        "command": "/tip",
        "text": "a &lt;b&gt; &amp; c",
        "channel_id": "G1",
        "channel_name": "privategroup",
    }
    event = command_event(body, None)
    assert (event.name, event.text, event.member.display_name) == ("tip", "a <b> & c", "ada")
    assert event.place.kind is PlaceKind.CHANNEL
    dm = command_event({**body, "channel_id": "D1", "channel_name": "directmessage"}, None)
    assert dm.place.kind is PlaceKind.DM
    press = {
        "type": "block_actions",
        "user": {"id": "U1", "name": "ada", "team_id": "T1"},
        "team": {"id": "T1"},
        "container": {"type": "view"},
        "actions": [],
    }
    action = action_event(press, {"action_id": "tip:another"}, None)
    assert action.action_id == "tip:another" and action.place.kind is PlaceKind.DM
    raw = {"type": "message", "channel_type": "im", "user": "U1", "channel": "D1", "text": "hi"}
    assert is_member_dm(raw)
    assert not is_member_dm({**raw, "bot_id": "B1"})
    assert not is_member_dm({**raw, "subtype": "message_deleted"})
    assert not is_member_dm({**raw, "channel_type": "channel"})
    assert message_event("T1", raw, None).place.channel_id == "D1"


def test_api_base_url_gets_its_trailing_slash() -> None:
    assert api_base_url("http://127.0.0.1:9/api") == "http://127.0.0.1:9/api/"
    assert api_base_url("https://slack.com/api/") == "https://slack.com/api/"


@pytest.mark.parametrize("app_token", [None, "xapp-1-test"])
async def test_socket_mode_is_chosen_when_an_app_token_is_set(
    app_token: str | None, tmp_path: Path, clock: FakeClock, fake: FakeSlack
) -> None:
    settings = make_settings(
        tmp_path,
        slack_bot_token="xoxb-test",
        slack_signing_secret="s",
        slack_app_token=app_token,
        slack_api_url=fake.url,
    )
    bot = await JobClubBot.create(settings, clock)
    adapter = await build_slack(bot, settings, port=0, host="127.0.0.1")
    try:
        assert adapter.mode == ("socket" if app_token else "http")
        if app_token:
            handler = adapter.socket_handler()
            assert isinstance(handler, AsyncSocketModeHandler)
            assert handler.app is adapter.app
            assert handler.client.web_client.base_url == fake.url  # apps.connections.open too
            await handler.close_async()
        else:
            with pytest.raises(ValueError):
                adapter.socket_handler()
    finally:
        await adapter.close()
        await bot.close()


async def test_a_refused_token_stops_start_up(
    tmp_path: Path, clock: FakeClock, fake: FakeSlack
) -> None:
    settings = make_settings(
        tmp_path, slack_bot_token="xoxb-wrong", slack_signing_secret="s", slack_api_url=fake.url
    )
    bot = await JobClubBot.create(settings, clock)
    adapter = await build_slack(bot, settings, port=0, host="127.0.0.1")
    fake.fail("auth.test", error="invalid_auth")
    try:
        with pytest.raises(SlackSetupError, match="invalid_auth"):
            await adapter.start()
    finally:
        await adapter.close()
        await bot.close()


async def test_socket_mode_end_to_end(tmp_path: Path, clock: FakeClock, fake: FakeSlack) -> None:
    settings = make_settings(
        tmp_path,
        slack_bot_token="xoxb-test",
        slack_signing_secret="s",
        slack_app_token="xapp-1-test",
        slack_api_url=fake.url,
    )
    bot = await JobClubBot.create(settings, clock)
    adapter = await build_slack(bot, settings, port=0, host="127.0.0.1")
    try:
        await adapter.start()
        await fake.wait_for(lambda _: fake.of("socket_connect"))
        assert fake.of("apps.connections.open")[0].params["_auth"] == "Bearer xapp-1-test"
        command = {
            "team_id": "T0CLUB",
            "user_id": "U0ADA",
            "user_name": "ada",
            "channel_id": "C0GENERAL",
            "channel_name": "general",
            "command": "/tip",
            "text": "thank you note",
            "response_url": fake.response_url("socket"),
        }
        envelope = await fake.send_envelope("slash_commands", command)
        [ack] = await fake.wait_for(
            lambda calls: [
                c for c in calls if c.method == "socket_ack" and c.params["envelope_id"] == envelope
            ]
        )
        assert "thank-you" in json.dumps(ack.params["payload"]).lower()
    finally:
        await adapter.close()
        await bot.close()
