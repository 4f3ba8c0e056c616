"""Requests Slack did not sign are refused cleanly, and leave no member text in the log.

- a non-numeric `X-Slack-Request-Timestamp` is a 401, like any unsigned request (bolt
  would raise on `int()` and answer 500);
- bolt logs the full body of a request whose signature fails (command text,
  `response_url`, legacy token) at INFO; the SDK logs bodies at DEBUG. None of it
  may reach the log: a rotated secret would otherwise log every member's words;
- HTTP mode without a signing secret does not start.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from adapters.slack import build_slack
from bot.clock import FakeClock
from tests.conftest import make_settings
from tests.slack import wire
from tests.slack.conftest import ADA, Rig
from tests.slack.fake_slack import FakeSlack

SECRET_WORDS = "FLAMINGO interview at Zorblax"


@pytest.mark.parametrize("stamp", ["abc", "²", "1.5", "", "9" * 40])
async def test_an_unreadable_timestamp_is_refused_with_401(rig: Rig, stamp: str) -> None:
    body = wire.slash_body("/tip", "networking", user_id=ADA, response_url=rig.response_url())
    answer = await rig.sender.command(
        body, extra={"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=00"}
    )
    assert answer.status == 401
    assert not rig.fake.of("users.info")  # nothing reached the core


async def test_a_good_request_still_passes(rig: Rig) -> None:
    answer, _ = await rig.command("/tip networking")
    assert answer.status == 200 and answer.json()["blocks"]


async def test_member_text_never_reaches_the_log(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # what production logs; the Slack libraries even at DEBUG
    for name in ("slack_bolt", "slack_sdk", "adapters.slack"):
        caplog.set_level(logging.DEBUG, logger=name)
    url = rig.response_url()
    body = wire.slash_body(
        "/commit", f"{SECRET_WORDS} by friday 3pm", user_id=ADA, response_url=url
    )
    forged = await rig.sender.command(body, secret="a-rotated-secret")
    stale = await rig.sender.command(body, timestamp=int(time.time()) - 3600)
    assert (forged.status, stale.status) == (401, 401)
    # Signed traffic too: a command, a DM and a button, all echoing the member's words.
    answer, _ = await rig.command(f"/commit {SECRET_WORDS} by friday 3pm")
    assert SECRET_WORDS in str(answer.json())
    await rig.dm(f"commit {SECRET_WORDS} tomorrow 9am")
    await rig.fake.wait_for(lambda _: rig.fake.of("chat.postMessage"))
    await rig.adapter.idle()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert caplog.records  # the log is on, and the libraries did log
    for secret in ("FLAMINGO", "Zorblax", url, "legacy-verification-token"):
        assert secret not in logged, secret


async def test_http_mode_without_a_signing_secret_does_not_start(
    fake: FakeSlack, tmp_path: Path, clock: FakeClock
) -> None:
    from bot.app import JobClubBot

    settings = make_settings(tmp_path, slack_bot_token="xoxb-test", slack_api_url=fake.url)
    bot = await JobClubBot.create(settings, clock)
    try:
        with pytest.raises(ValueError, match="SLACK_SIGNING_SECRET"):
            await build_slack(bot, settings, port=0, host="127.0.0.1")
    finally:
        await bot.close()
