"""The real adapter over real HTTP: signed Slack requests in, fake Slack Web API out."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from bot.clock import FakeClock
from bot.events import ActionEvent, CommandEvent, Event, PlaceKind
from bot.replies import Button, Reply
from tests.slack import wire
from tests.slack.conftest import ADA, GRACE, Rig, start_rig, stop_rig
from tests.slack.fake_slack import MENTION, TEAM_ID, FakeSlack, dm_channel_for, mrkdwn_texts


def texts(message: dict[str, Any]) -> str:
    """Everything a person reads in a message body, for assertions."""
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    plain = [b["text"]["text"] for b in blocks if b.get("type") == "header"]
    return "\n".join([*plain, *mrkdwn_texts(blocks)])


def buttons(message: dict[str, Any]) -> list[str]:
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def record_events(rig: Rig) -> list[Event]:
    """Wrap the core so the test sees every event the adapter produced."""
    seen: list[Event] = []
    handle = rig.bot.handle

    async def recording(event: Event) -> list[Reply]:
        seen.append(event)
        return await handle(event)

    rig.bot.handle = recording  # type: ignore[method-assign]
    return seen


async def test_tip_is_answered_in_the_ack_within_three_seconds(rig: Rig) -> None:
    answer, _ = await rig.command("/tip thank you note")
    assert answer.status == 200
    assert answer.seconds < 3
    body = answer.json()
    assert body["response_type"] == "ephemeral"
    assert "thank-you" in texts(body).lower()
    assert "tip:another" in buttons(body)


async def test_every_registered_command_gets_an_answer(rig: Rig) -> None:
    for name in sorted(rig.bot.router.commands):
        answer, url = await rig.command(f"/{name}")
        assert answer.status == 200, name
        assert answer.seconds < 3, name
        await rig.adapter.idle()
        seen = bool(answer.body) or rig.responses(url) or rig.fake.of("chat.postMessage")
        assert seen, f"/{name} produced nothing the member could see"
    assert all(call.ok for call in rig.fake.calls), [c for c in rig.fake.calls if not c.ok]


async def test_unknown_command_gets_a_suggestion(rig: Rig) -> None:
    answer, _ = await rig.command("/tipsy networking")  # too far to run: named, not guessed
    assert "/tip" in texts(answer.json())


async def test_bad_signature_and_stale_timestamp_are_refused(rig: Rig) -> None:
    body = wire.slash_body("/tip", "networking", user_id=ADA, response_url=rig.response_url())
    forged = await rig.sender.command(body, secret="not-the-secret")
    stale = await rig.sender.command(body, timestamp=int(time.time()) - 6 * 60)
    assert (forged.status, stale.status) == (401, 401)
    tampered = await rig.sender.post(
        body,
        "application/x-www-form-urlencoded",
        extra={"X-Slack-Signature": wire.sign(wire.SECRET, body + "x", int(time.time()))},
    )
    assert tampered.status == 401
    assert not rig.fake.of("users.info")  # nothing reached the core


async def test_url_verification_echoes_the_challenge(rig: Rig) -> None:
    body = json.dumps({"token": "t", "challenge": "c-123", "type": "url_verification"})
    answer = await rig.sender.event(body)
    assert answer.status == 200 and "c-123" in answer.body


async def test_member_comes_from_users_info_and_the_team(rig: Rig) -> None:
    events = record_events(rig)
    await rig.command("/tip networking")
    await rig.command("/tip networking", user=GRACE, user_name="grace")
    await rig.command("/tip", channel_id="D0ADA", channel_name="directmessage")
    ada, grace, _ = (e.member for e in events)
    assert (ada.club_id, ada.user_id, ada.display_name) == (TEAM_ID, ADA, "Ada")
    assert (ada.tz_hint, ada.is_admin) == ("Europe/Berlin", False)
    assert (grace.tz_hint, grace.is_admin) == ("America/New_York", True)
    assert events[0].place.kind is PlaceKind.CHANNEL
    assert events[2].place.kind is PlaceKind.DM
    assert isinstance(events[0], CommandEvent) and events[0].name == "tip"
    assert len(rig.fake.of("users.info")) == 2  # cached per user


async def test_unknown_user_still_gets_an_answer(rig: Rig) -> None:
    answer, _ = await rig.command("/tip networking", user="U0NOBODY", user_name="nobody")
    assert answer.status == 200 and "tip:another" in buttons(answer.json())


async def test_button_press_answers_through_the_response_url(rig: Rig) -> None:
    events = record_events(rig)
    first, _ = await rig.command("/tip thank you note")
    answer, url = await rig.press(first.json(), "Another tip")
    assert answer.status == 200 and answer.body == ""
    [reply] = await rig.fake.wait_for(lambda _: rig.responses(url))
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
    assert "tip:another" in buttons(reply)
    assert isinstance(events[-1], ActionEvent) and events[-1].action_id == "tip:another"
    # Sharing goes to the whole channel.
    _, url = await rig.press(first.json(), "Share with the channel")
    [shared] = await rig.fake.wait_for(lambda _: rig.responses(url))
    assert shared["response_type"] == "in_channel"
    assert "Ada shared a tip" in texts(shared)


async def test_stale_button_gets_a_friendly_answer(rig: Rig) -> None:
    # A button from a feature the bot no longer has: no current reply shows it.
    _, url = await rig.press_id("feature:that:left")
    [reply] = await rig.fake.wait_for(lambda _: rig.responses(url))
    assert "no longer does anything" in texts(reply)


async def test_button_on_the_app_home_answers_by_dm(rig: Rig) -> None:
    await rig.open_home()
    [publish] = await rig.fake.wait_for(lambda _: rig.fake.of("views.publish"))
    view = publish.params["view"]
    await rig.press(json.loads(view) if isinstance(view, str) else view, "A tip", home=True)
    [post] = await rig.fake.wait_for(lambda _: rig.fake.of("chat.postMessage"))
    assert post.params["channel"] == dm_channel_for(ADA)
    assert len(rig.fake.of("conversations.open")) == 1


async def test_dm_gets_an_answer_in_the_dm(rig: Rig) -> None:
    answer = await rig.dm("tip networking")
    assert answer.status == 200
    [post] = await rig.fake.wait_for(lambda _: rig.fake.of("chat.postMessage"))
    assert post.params["channel"] == dm_channel_for(ADA)
    assert "tip:another" in buttons(post.params)
    assert not rig.fake.of("conversations.open")  # the event told us the DM channel


async def test_bots_and_edits_are_ignored(rig: Rig) -> None:
    events = record_events(rig)
    own = wire.dm_event("tip", user_id="U0BOT", channel="D0ADA") | {"bot_id": "B0BOT"}
    other_bot = wire.dm_event("tip", user_id="U0OTHER", channel="D0ADA") | {"bot_id": "B0OTHER"}
    edit = wire.dm_event("tip", user_id=ADA, channel="D0ADA") | {"subtype": "message_changed"}
    for event in (own, other_bot, edit):
        answer = await rig.sender.event(wire.event_body(event))
        assert answer.status == 200
    await rig.adapter.idle()
    assert events == [] and not rig.fake.of("chat.postMessage")


async def test_a_retried_event_is_handled_once(rig: Rig) -> None:
    events = record_events(rig)
    first = await rig.dm("tip networking", event_id="Ev0RETRY")
    retry = await rig.dm(
        "tip networking",
        event_id="Ev0RETRY",
        extra={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert (first.status, retry.status) == (200, 200)
    await rig.adapter.idle()
    assert len(events) == 1
    assert len(rig.fake.of("chat.postMessage")) == 1


async def test_mentions_in_user_text_are_rendered_harmless(rig: Rig) -> None:
    hostile = "<!channel> <!here> <!everyone> <@U0GRACE> <https://evil.example|x>"
    answer, _ = await rig.command(f"/commit call {hostile} by friday 3pm")
    body = answer.json()
    assert "call &lt;!channel&gt; &lt;!here&gt;" in texts(body)  # shown as the words typed
    await rig.dm("jobclub <!everyone>")
    [post] = await rig.fake.wait_for(lambda _: rig.fake.of("chat.postMessage"))
    assert "&lt;!everyone&gt;" in texts(post.params)
    await rig.adapter.idle()
    sent = [body, *(c.params for c in rig.fake.calls if c.method != "users.info")]
    for message in sent:
        blocks = message.get("blocks") or message.get("view", {}).get("blocks") or []
        for text in [*mrkdwn_texts(blocks), str(message.get("text") or "")]:
            assert MENTION.search(text) is None, text


async def test_a_slow_core_is_acked_in_time_and_answered_after(
    fake: FakeSlack, tmp_path: Path, clock: FakeClock
) -> None:
    rig, session = await start_rig(fake, tmp_path, clock, ack_budget=0.2)
    try:
        release = asyncio.Event()
        handle = rig.bot.handle

        async def slow(event: Event) -> list[Reply]:
            await release.wait()
            return await handle(event)

        rig.bot.handle = slow  # type: ignore[method-assign]
        answer, url = await rig.command("/tip thank you note")
        assert answer.status == 200 and answer.body == ""
        assert answer.seconds < 3
        assert rig.responses(url) == []
        release.set()
        [reply] = await fake.wait_for(lambda _: rig.responses(url))
        assert "thank-you" in texts(reply).lower()
    finally:
        await stop_rig(rig, session)


async def test_rate_limited_and_failing_api_calls_recover(rig: Rig) -> None:
    rig.fake.fail("chat.postMessage", status=429, retry_after=0)
    rig.fake.fail("response_url", status=500)
    await rig.dm("tip networking")
    posts = await rig.fake.wait_for(lambda _: [c for c in rig.fake.of("chat.postMessage") if c.ok])
    assert [c.status for c in rig.fake.of("chat.postMessage")] == [429, 200]
    _, url = await rig.press(posts[0].params, "Another tip")
    await rig.fake.wait_for(
        lambda _: rig.responses(url) and all(c.ok for c in rig.fake.of("response_url")[-1:])
    )
    assert [c.status for c in rig.fake.of("response_url")] == [500, 200]


async def test_a_reply_too_long_for_one_message_continues_after_the_ack(rig: Rig) -> None:
    async def long_reply(event: Event) -> list[Reply]:
        return [Reply(text="line of advice\n" * 12_000, buttons=[Button("More", "tip:another")])]

    rig.bot.handle = long_reply  # type: ignore[method-assign]
    answer, url = await rig.command("/tip everything")
    first = answer.json()
    assert len(first["blocks"]) == 50
    assert "Continued in the next message" in json.dumps(first["blocks"][-1])
    await rig.adapter.idle()
    rest = rig.responses(url)
    assert rest and all(c.ok for c in rig.fake.of("response_url"))
    shown = texts(first) + "".join(texts(r) for r in rest)
    assert shown.count("line of advice") == 12_000  # nothing lost
    assert buttons(rest[-1]) == ["tip:another"]


async def test_a_dm_reply_to_a_command_goes_to_the_bot_dm(rig: Rig) -> None:
    answer, url = await rig.command(
        "/jobclub export", channel_id="D0ADA", channel_name="directmessage"
    )
    assert answer.status == 200 and answer.body == ""
    [post] = await rig.fake.wait_for(lambda _: rig.fake.of("chat.postMessage"))
    assert post.params["channel"] == dm_channel_for(ADA)
    assert "Your data" in texts(post.params)
    assert rig.responses(url) == []
