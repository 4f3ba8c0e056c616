"""A local fake of the Slack Web API (and of response_url), for tests and manual runs.

It answers the methods the adapter uses like Slack does, records every call, checks
Block Kit payloads against Slack's limits (answering `invalid_blocks` as Slack would),
and can be told to fail: HTTP 429 with `Retry-After`, HTTP 500, or `ok: false` errors.

Run it alone (prints its base URL, then one JSON line per call):
    .venv/bin/python -m tests.slack.fake_slack --port 8765
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import re
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web

from tests.platform_limits import PlatformLimits

TEAM_ID = "T0CLUB"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"

LIMITED_METHODS = frozenset({"chat.postMessage", "conversations.open"})
"""The calls `FakeSlack.limits` applies to."""

MENTION = re.compile(r"<[!@#][^>]*>")
"""What Slack would turn into a mention or special link in mrkdwn."""


@dataclass
class Call:
    """One request the fake received."""

    method: str
    params: dict[str, Any]
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok", True))


@dataclass
class Upload:
    """A file shared through files upload v2, as Slack would have it."""

    file_id: str
    filename: str
    length: int
    alt_txt: str | None = None
    data: bytes = b""
    title: str | None = None
    channel: str | None = None
    """Where `files.completeUploadExternal` shared it; None until then."""
    initial_comment: str | None = None

    @property
    def shared(self) -> bool:
        return self.channel is not None


@dataclass
class Failure:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None


def user_json(
    user_id: str,
    name: str,
    *,
    tz: str = "America/New_York",
    admin: bool = False,
    owner: bool = False,
    bot: bool = False,
) -> dict[str, Any]:
    return {
        "id": user_id,
        "team_id": TEAM_ID,
        "name": name.lower(),
        "real_name": name,
        "tz": tz,
        "is_admin": admin,
        "is_owner": owner,
        "is_bot": bot,
        "profile": {"display_name": name, "real_name": name},
    }


class FakeSlack:
    """An aiohttp server on 127.0.0.1 that behaves like the parts of Slack the bot uses."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.failures: dict[str, deque[Failure]] = {}
        self.echo: Callable[[Call], None] | None = None
        self.limits: PlatformLimits | None = None
        """Rate limit, latency and flakiness for message sends and DM opens (a fan-out)."""
        self.uploads: dict[str, Upload] = {}
        """Files by id, from `files.getUploadURLExternal` on (see `shared_files`)."""
        self.auto_users = False
        """Answer `users.info` for any unknown U… id with a made-up member."""
        self._changed = asyncio.Condition()
        self.sockets: list[web.WebSocketResponse] = []
        """Socket Mode connections from the app (`apps.connections.open` points here)."""
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- control --------------------------------------------------------------------------

    def add_user(self, user_id: str, name: str, **kwargs: Any) -> None:
        self.users[user_id] = user_json(user_id, name, **kwargs)

    def fail(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` calls of `method` fail this way (`response_url` for those posts)."""
        queue = self.failures.setdefault(method, deque())
        for _ in range(times):
            queue.append(Failure(status, error, retry_after))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, key: str) -> str:
        return f"http://127.0.0.1:{self.port}/respond/{key}"

    def shared_files(self, channel: str | None = None) -> list[Upload]:
        """Files uploaded and shared (in `channel`, if given), in order."""
        return [u for u in self.uploads.values() if u.shared and channel in (None, u.channel)]

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, check: Callable[[list[Call]], Any], within: float = 10.0) -> Any:
        """Wait until `check(calls)` is truthy (re-checked on every new call); return it."""

        async def until() -> Any:
            async with self._changed:
                while True:
                    result = check(self.calls)
                    if result:
                        return result
                    await self._changed.wait()

        return await asyncio.wait_for(until(), within)

    async def start(self, port: int = 0) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        app.router.add_get("/_calls", self._dump)
        app.router.add_get("/_stats", self._stats)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        for ws in self.sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def send_envelope(self, kind: str, payload: dict[str, Any]) -> str:
        """Deliver a Socket Mode envelope (`slash_commands`, `interactive`, `events_api`)."""
        envelope_id = f"env-{len(self.calls)}-{time.monotonic_ns()}"
        message = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        await self.sockets[-1].send_json(message)
        return envelope_id

    # -- handlers -------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        return await self._answer(method, params, lambda: self._method(method, params))

    async def _respond(self, request: web.Request) -> web.Response:
        params = await _params(request)
        params["_key"] = request.match_info["key"]

        def result() -> dict[str, Any]:
            problem = check_message(params)
            return {"ok": False, "error": problem} if problem else {"ok": True}

        return await self._answer("response_url", params, result, plain=True)

    async def _upload(self, request: web.Request) -> web.Response:
        """Step two of files upload v2: the bytes, posted to the URL step one gave out.

        Slack accepts the raw bytes or a multipart form with one file; it answers plain
        text ("OK - <size>"), not JSON.
        """
        file_id = request.match_info["file_id"]
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            part = next((v for v in form.values() if isinstance(v, web.FileField)), None)
            data = part.file.read() if part is not None else b""
        else:
            data = await request.read()
        params = {"file_id": file_id, "bytes": len(data)}
        upload = self.uploads.get(file_id)

        def result() -> dict[str, Any]:
            if upload is None or upload.shared:
                return {"ok": False, "error": "invalid_upload_url"}
            if len(data) != upload.length:
                return {"ok": False, "error": "length_mismatch"}
            upload.data = data
            return {"ok": True}

        return await self._answer("upload", params, result, plain=True)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1})
        await self._record(Call("socket_connect", {}))
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                await self._record(Call("socket_ack", json.loads(message.data)))
        return ws

    async def _stats(self, _: web.Request) -> web.Response:
        counts: dict[str, int] = {}
        for call in self.calls:
            counts[call.method] = counts.get(call.method, 0) + 1
        return web.json_response({"calls": len(self.calls), "by_method": counts})

    async def _dump(self, _: web.Request) -> web.Response:
        return web.json_response([_call_json(c) for c in self.calls])

    async def _answer(
        self,
        method: str,
        params: dict[str, Any],
        result: Callable[[], dict[str, Any]],
        *,
        plain: bool = False,
    ) -> web.Response:
        if self.limits is not None and method in LIMITED_METHODS:
            refused = await self.limits.admit()
            if refused is not None:
                return await self._refuse(method, params, *refused)
        queue = self.failures.get(method)
        failure = queue.popleft() if queue else None
        headers: dict[str, str] = {}
        if failure is not None and failure.status != 200:
            body = {"ok": False, "error": "ratelimited" if failure.status == 429 else "fatal_error"}
            if failure.retry_after is not None:
                headers["Retry-After"] = str(failure.retry_after)
            status = failure.status
        elif failure is not None:
            body, status = {"ok": False, "error": failure.error or "fatal_error"}, 200
        else:
            body, status = result(), 200
        await self._record(Call(method, params, status, body))
        if plain:  # response_url answers like Slack: plain text
            if status == 200 and body.get("ok"):
                return web.Response(text="ok")
            return web.Response(
                status=status if status != 200 else 400,
                text=str(body.get("error")),
                headers=headers,
            )
        return web.json_response(body, status=status, headers=headers)

    async def _refuse(
        self, method: str, params: dict[str, Any], status: int, retry_after: float | None
    ) -> web.Response:
        """A 429 (with Slack's whole-second `Retry-After`) or a transient 503."""
        headers = {}
        if retry_after is not None:
            headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
        body = {"ok": False, "error": "ratelimited" if status == 429 else "service_unavailable"}
        await self._record(Call(method, params, status, body))
        return web.json_response(body, status=status, headers=headers)

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        if self.echo is not None:
            self.echo(call)
        async with self._changed:
            self._changed.notify_all()

    def _method(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://club.example/",
                "team": "Job Club",
                "user": "jobclub",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}
        if method == "users.info":
            user_id = str(p.get("user"))
            user = self.users.get(user_id)
            if user is None and self.auto_users and user_id.startswith("U"):
                user = user_json(user_id, f"Member {user_id[1:]}")
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "conversations.open":
            users = str(p.get("users") or "")
            if not users:
                return {"ok": False, "error": "users_list_not_supplied"}
            if "," in users:  # several people: a group DM (mpim), the same for the same people
                return {"ok": True, "channel": {"id": group_channel_for(users)}}
            return {"ok": True, "channel": {"id": dm_channel_for(users)}}
        if method in ("chat.postMessage", "chat.postEphemeral"):
            if not p.get("channel"):
                return {"ok": False, "error": "channel_not_found"}
            problem = check_message(p)
            if problem:
                return {"ok": False, "error": problem}
            ts = f"{time.time():.6f}"
            return {"ok": True, "channel": p["channel"], "ts": ts, "message_ts": ts}
        if method == "files.getUploadURLExternal":
            return self._upload_url(p)
        if method == "files.completeUploadExternal":
            return self._complete_upload(p)
        if method == "views.publish":
            view = p.get("view")
            view = json.loads(view) if isinstance(view, str) else view
            problem = check_blocks((view or {}).get("blocks") or [], limit=100)
            if not p.get("user_id") or problem:
                return {"ok": False, "error": problem or "invalid_arguments"}
            return {"ok": True, "view": {"id": "V1", **(view or {})}}
        return {"ok": False, "error": "unknown_method"}

    def _upload_url(self, p: dict[str, Any]) -> dict[str, Any]:
        """Step one: a file id and where to send the bytes (Slack's own checks)."""
        filename, length = str(p.get("filename") or ""), str(p.get("length") or "")
        if not filename or not length.isdigit() or int(length) == 0:
            return {"ok": False, "error": "missing_argument"}
        alt = p.get("alt_txt")
        if alt is not None and len(str(alt)) > 1000:
            return {"ok": False, "error": "alt_txt_too_large"}
        file_id = f"F{len(self.uploads) + 1:07d}"
        self.uploads[file_id] = Upload(file_id, filename, int(length), alt and str(alt))
        url = f"http://127.0.0.1:{self.port}/upload/{file_id}"
        return {"ok": True, "upload_url": url, "file_id": file_id}

    def _complete_upload(self, p: dict[str, Any]) -> dict[str, Any]:
        """Step three: share the uploaded files (with their titles) in a channel."""
        try:
            files = json.loads(str(p.get("files") or ""))
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        found = [self.uploads.get(str(f.get("id"))) for f in files]
        if any(u is None or not u.data or u.shared for u in found):
            return {"ok": False, "error": "file_not_found"}
        channel = str(p.get("channel_id") or p.get("channels") or "") or None
        shared = []
        for upload, item in zip(found, files, strict=True):
            assert upload is not None
            upload.title = item.get("title") or upload.filename
            upload.channel = channel or ""
            upload.initial_comment = p.get("initial_comment")
            shared.append(
                {
                    "id": upload.file_id,
                    "name": upload.filename,
                    "title": upload.title,
                    "size": len(upload.data),
                    "alt_txt": upload.alt_txt,
                    "channels": [channel] if channel else [],
                }
            )
        return {"ok": True, "files": shared}


def dm_channel_for(user_id: str) -> str:
    return "D" + user_id.lstrip("U")


def group_channel_for(users: str) -> str:
    """The group DM of several users (Slack's mpim ids start with G)."""
    return "G" + "".join(u.strip().lstrip("U") for u in sorted(users.split(",")))


async def _params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    raw = await request.text()
    if raw:
        if request.content_type == "application/json":
            params.update(json.loads(raw))
        else:
            params.update(dict(parse_qsl(raw, keep_blank_values=True)))
    auth = request.headers.get("Authorization")
    if auth:
        params["_auth"] = auth
    return params


def _call_json(call: Call) -> dict[str, Any]:
    params = {k: v for k, v in call.params.items() if k != "_auth"}
    return {"method": call.method, "status": call.status, "ok": call.ok, "params": params}


# -- Block Kit limits, as Slack enforces them ----------------------------------------------


def check_message(p: dict[str, Any]) -> str | None:
    """None when Slack would accept the message body, else its error code."""
    blocks = p.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not blocks and not p.get("text"):
        return "no_text"
    if len(str(p.get("text") or "")) > 40_000:
        return "msg_too_long"
    return check_blocks(blocks or [], limit=50)


def check_blocks(blocks: list[dict[str, Any]], *, limit: int) -> str | None:
    if len(blocks) > limit:
        return "invalid_blocks"
    for block in blocks:
        if not _block_ok(block):
            return "invalid_blocks"
    return None


def _text_ok(obj: Any, limit: int, kind: str | None = None) -> bool:
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        return False
    if kind and obj["type"] != kind:
        return False
    text = obj.get("text")
    return isinstance(text, str) and 0 < len(text) <= limit


def _block_ok(block: dict[str, Any]) -> bool:
    kind = block.get("type")
    if kind == "header":
        return _text_ok(block.get("text"), 150, "plain_text")
    if kind == "section":
        text, fields = block.get("text"), block.get("fields")
        if text is None and not fields:
            return False
        if text is not None and not _text_ok(text, 3000):
            return False
        return not fields or (len(fields) <= 10 and all(_text_ok(f, 2000) for f in fields))
    if kind == "context":
        elements = block.get("elements") or []
        return 0 < len(elements) <= 10 and all(_text_ok(e, 3000) for e in elements)
    if kind == "divider":
        return True
    if kind == "actions":
        elements = block.get("elements") or []
        ids = [e.get("action_id") for e in elements]
        if not 0 < len(elements) <= 25 or len(set(ids)) != len(ids):
            return False
        return all(_button_ok(e) for e in elements)
    return False


def _button_ok(element: dict[str, Any]) -> bool:
    if element.get("type") != "button" or not _text_ok(element.get("text"), 75, "plain_text"):
        return False
    action_id = element.get("action_id")
    if not isinstance(action_id, str) or not 0 < len(action_id) <= 255:
        return False
    if "value" in element and len(str(element["value"])) > 2000:
        return False
    return element.get("style") in (None, "primary", "danger")


def mrkdwn_texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every mrkdwn string in `blocks` (what Slack would parse for mentions)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return found


# -- standalone ----------------------------------------------------------------------------


async def _serve(port: int, quiet: bool) -> None:
    fake = FakeSlack()
    fake.auto_users = True
    fake.add_user("U0ADA", "Ada", tz="Europe/Berlin")
    fake.add_user("U0GRACE", "Grace", tz="America/New_York", admin=True)

    def echo(call: Call) -> None:
        print(json.dumps(_call_json(call), ensure_ascii=False), flush=True)

    if not quiet:
        fake.echo = echo
    await fake.start(port)
    print(f"FAKE_SLACK_URL={fake.url}", flush=True)
    print(f"response_url base: {fake.response_url('<key>')}", flush=True)
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.Event().wait()
    await fake.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--quiet", action="store_true", help="do not print each call")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.port, args.quiet))
    sys.exit(0)


if __name__ == "__main__":
    main()
