"""Requests as Slack sends them: signed, in Slack's wire formats.

- slash commands: `application/x-www-form-urlencoded` fields;
- interactions: a form with one `payload` field holding JSON;
- Events API: an `event_callback` JSON envelope.
Signature: `X-Slack-Signature: v0=` + hex HMAC-SHA256(secret, `v0:{timestamp}:{body}`).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from tests.slack.fake_slack import TEAM_ID

SECRET = "test-signing-secret"
_ids = itertools.count(1)


def sign(secret: str, body: str, timestamp: int) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def headers(
    body: str, content_type: str, *, secret: str = SECRET, timestamp: int | None = None
) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(secret, body, ts),
    }


def slash_body(
    command: str,
    text: str,
    *,
    user_id: str,
    user_name: str = "ada",
    channel_id: str = "C0GENERAL",
    channel_name: str = "general",
    response_url: str = "",
    team_id: str = TEAM_ID,
) -> str:
    """Slack escapes &, < and > in the text it sends."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "team_domain": "jobclub",
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name,
            "command": command,
            "text": escaped,
            "api_app_id": "A0JOBCLUB",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"{next(_ids)}.1.abc",
        }
    )


def action_body(
    action_id: str,
    *,
    user_id: str,
    value: str | None = None,
    channel_id: str | None = "C0GENERAL",
    response_url: str | None = None,
    ephemeral: bool = True,
    home: bool = False,
    team_id: str = TEAM_ID,
) -> str:
    action: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "block_id": "b1",
        "text": {"type": "plain_text", "text": "A button", "emoji": True},
        "action_ts": f"{time.time():.6f}",
    }
    if value is not None:
        action["value"] = value
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user_id, "username": "ada", "name": "ada", "team_id": team_id},
        "api_app_id": "A0JOBCLUB",
        "token": "legacy-verification-token",
        "trigger_id": f"{next(_ids)}.1.def",
        "team": {"id": team_id, "domain": "jobclub"},
        "actions": [action],
    }
    if home:
        payload["container"] = {"type": "view", "view_id": "V1"}
        payload["view"] = {"id": "V1", "type": "home"}
    else:
        payload["container"] = {
            "type": "message",
            "message_ts": "1.000001",
            "channel_id": channel_id,
            "is_ephemeral": ephemeral,
        }
        payload["channel"] = {"id": channel_id, "name": "general"}
        payload["response_url"] = response_url
    return urlencode({"payload": json.dumps(payload)})


def event_body(
    event: dict[str, Any], *, event_id: str | None = None, team_id: str = TEAM_ID
) -> str:
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "api_app_id": "A0JOBCLUB",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team_id, "user_id": "U0BOT", "is_bot": True}],
        }
    )


def dm_event(text: str, *, user_id: str, channel: str) -> dict[str, Any]:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return {
        "type": "message",
        "channel": channel,
        "user": user_id,
        "text": escaped,
        "ts": f"{time.time():.6f}",
        "event_ts": f"{time.time():.6f}",
        "channel_type": "im",
    }


@dataclass
class Answer:
    status: int
    body: str
    seconds: float

    def json(self) -> dict[str, Any]:
        return json.loads(self.body) if self.body else {}


class SlackSender:
    """Posts signed requests to the adapter's `/slack/events`, as Slack would."""

    def __init__(self, url: str, session: aiohttp.ClientSession, secret: str = SECRET) -> None:
        self.url = url
        self.session = session
        self.secret = secret

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        secret: str | None = None,
        timestamp: int | None = None,
        extra: dict[str, str] | None = None,
    ) -> Answer:
        head = headers(body, content_type, secret=secret or self.secret, timestamp=timestamp)
        head.update(extra or {})
        start = time.perf_counter()
        async with self.session.post(self.url, data=body.encode(), headers=head) as response:
            text = await response.text()
            return Answer(response.status, text, time.perf_counter() - start)

    async def command(self, body: str, **kwargs: Any) -> Answer:
        return await self.post(body, "application/x-www-form-urlencoded", **kwargs)

    async def action(self, body: str, **kwargs: Any) -> Answer:
        return await self.post(body, "application/x-www-form-urlencoded", **kwargs)

    async def event(self, body: str, **kwargs: Any) -> Answer:
        return await self.post(body, "application/json", **kwargs)
