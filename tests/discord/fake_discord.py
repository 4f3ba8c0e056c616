"""A local fake of Discord: REST under /api/v10 and a gateway websocket, on 127.0.0.1.

The real discord.py client connects to it (point `DISCORD_API_URL` at `api_url` and
`DISCORD_GATEWAY_URL` at `gateway_url`). It records every REST call and gateway frame,
enforces the rules that matter (one response per interaction, within 3 seconds;
follow-ups only after it; refused DMs; unknown channels) and lets a test inject
`INTERACTION_CREATE` (slash command, button, autocomplete) and `MESSAGE_CREATE` (DM).

Run it on its own for a manual check (`python -m tests.discord.fake_discord --port 8765`);
then `POST /_fake/command {"name": "tip", "text": "networking"}` injects a slash command
and `GET /_fake/interactions/ID` shows how the bot answered.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import mimetypes
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

from tests.conftest import by_label
from tests.platform_limits import PlatformLimits

API_PREFIX = "/api/v10"
APP_ID = "1100000000000000001"
GUILD_ID = "1100000000000000002"
CHANNEL_ID = "1100000000000000003"
OWNER_ID = "1100000000000000004"
DEFAULT_HEARTBEAT_MS = 41_250
RESPONSE_DEADLINE = 3.0
EPHEMERAL = 1 << 6
LOADING = 1 << 7
MANAGE_GUILD = 1 << 5
PRIVATE_THREAD = 12
PUBLIC_THREAD = 11
FILE_BYTES_MAX = 10 * 1024 * 1024
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14)
"""View channel, send messages, embed links: an ordinary member."""

T = TypeVar("T")
Json = dict[str, Any]


def user_payload(user_id: str, name: str, *, bot: bool = False) -> Json:
    return {
        "id": user_id,
        "username": name.lower().replace(" ", "_"),
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
    }


@dataclass(frozen=True)
class FakeUser:
    id: str
    name: str

    def payload(self) -> Json:
        return user_payload(self.id, self.name)


ADA = FakeUser("1200000000000000001", "Ada")
BEN = FakeUser("1200000000000000002", "Ben")
CARL = FakeUser("1200000000000000003", "Carl")
"""Not in the server: only ever talks to the bot in DMs."""
BOT_USER = user_payload(APP_ID, "JobClub", bot=True)


@dataclass
class Call:
    """One REST request as the fake saw it, and what it answered."""

    method: str
    path: str
    """The path after /api/v10, e.g. `/applications/1/commands`."""
    query: dict[str, str]
    body: Any
    status: int = 0
    response: Any = None


@dataclass
class FakeThread:
    """A thread the bot started in a channel, and who was added to it."""

    id: str
    parent_id: str
    name: str
    type: int
    invitable: bool
    members: list[str] = field(default_factory=list)

    @property
    def private(self) -> bool:
        return self.type == PRIVATE_THREAD


@dataclass
class FakeInteraction:
    id: str
    token: str
    kind: int
    created: float
    channel_id: str
    guild_id: str | None
    response_type: int | None = None
    original: str | None = None
    """Message id of the response message (type 4 or the deferred "thinking" one)."""
    followups: list[str] = field(default_factory=list)
    choices: list[Json] | None = None
    original_deleted: bool = False


class FakeDiscordError(Exception):
    """A REST answer other than 2xx, with Discord's JSON error body."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class _Connection:
    """One gateway websocket: its shard and its sequence numbers."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.shard: tuple[int, int] = (0, 1)
        self.identified = False
        self.seq = itertools.count(1)

    async def send(self, frame: Json) -> None:
        await self.ws.send_str(json.dumps(frame))

    async def dispatch(self, event: str, data: Json) -> None:
        await self.send({"op": 0, "t": event, "s": next(self.seq), "d": data})


class FakeDiscord:
    """The fake server. `await start()`, point the client at it, inject, inspect, `stop()`."""

    def __init__(
        self,
        *,
        heartbeat_ms: int = DEFAULT_HEARTBEAT_MS,
        response_deadline: float = RESPONSE_DEADLINE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.heartbeat_ms = heartbeat_ms
        self.response_deadline = response_deadline
        self.clock = clock
        """Seconds, for the response deadline; tests inject one that moves only when told."""
        self.calls: list[Call] = []
        self.frames: list[Json] = []
        """Gateway frames received from clients (IDENTIFY, heartbeats, ...)."""
        self.commands: dict[str | None, dict[str, Json]] = {}
        """Registered commands by guild id (None = global), by name."""
        self.messages: dict[str, Json] = {}
        self.interactions: dict[str, FakeInteraction] = {}
        self.dm_channels: dict[str, str] = {}
        """User id -> DM channel id."""
        self.refuse_dms: set[str] = set()
        """Users whose DMs are closed: sends to their DM channel answer 403 (50007)."""
        self.users: dict[str, FakeUser] = {ADA.id: ADA, BEN.id: BEN, CARL.id: CARL}
        self.guild_members: set[str] = {ADA.id, BEN.id}
        self.limits: PlatformLimits | None = None
        """A global rate limit, latency and flakiness for every REST call (a fan-out)."""
        self.threads: dict[str, FakeThread] = {}
        self.file_data: dict[str, bytes] = {}
        """The bytes of every attachment the bot sent, by attachment id."""
        self.refuse_files = False
        """Refuse every message that carries files (413, "Request entity too large")."""
        self._failures: list[tuple[str, re.Pattern[str], int, int, str]] = []
        self._connections: list[_Connection] = []
        self._ids = itertools.count(1_300_000_000_000_000_000)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        app = web.Application()
        app.router.add_get("/", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        app.router.add_route("*", "/_fake/{tail:.*}", self._control)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        for conn in list(self._connections):
            await conn.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    # -- what tests use -----------------------------------------------------------------------

    async def wait_for(self, predicate: Callable[[], T | None], within: float = 10.0) -> T:
        """Wait (at most `within` s) until `predicate()` is truthy, re-checking on every change."""
        async with self._changed:
            result = await asyncio.wait_for(self._changed.wait_for(predicate), within)
        assert result is not None
        return result

    def calls_to(self, method: str, pattern: str) -> list[Call]:
        regex = re.compile(pattern)
        return [c for c in self.calls if c.method == method and regex.fullmatch(c.path)]

    def identified(self) -> list[Json]:
        return [f for f in self.frames if f.get("op") == 2]

    def fail_next(
        self, method: str, pattern: str, status: int, code: int = 0, msg: str = ""
    ) -> None:
        """Answer the next matching REST call with an error (once)."""
        self._failures.append((method, re.compile(pattern), status, code, msg or f"{status}"))

    async def wait_ready(self, within: float = 10.0, shards: int = 1) -> None:
        """Until `shards` connections have identified and been sent READY."""
        await self.wait_for(
            lambda: sum(c.identified for c in self._connections) >= shards or None, within
        )

    async def command(
        self,
        name: str,
        text: str | None = None,
        *,
        user: FakeUser = ADA,
        in_dm: bool = False,
        admin: bool = False,
    ) -> str:
        """Inject a slash command (as a member types it); returns the interaction id."""
        scope, spec = self._registered(name, in_dm)
        data: Json = {"id": spec["id"], "name": name, "type": 1}
        if text is not None:
            data["options"] = [{"name": "text", "type": 3, "value": text}]
        if scope is not None:
            data["guild_id"] = scope
        return await self._interact(2, data, user=user, in_dm=in_dm, admin=admin)

    async def autocomplete(
        self, name: str, current: str, *, user: FakeUser = ADA, in_dm: bool = False
    ) -> str:
        scope, spec = self._registered(name, in_dm)
        data: Json = {
            "id": spec["id"],
            "name": name,
            "type": 1,
            "options": [{"name": "text", "type": 3, "value": current, "focused": True}],
        }
        if scope is not None:
            data["guild_id"] = scope
        return await self._interact(4, data, user=user, in_dm=in_dm, admin=False)

    async def press(self, message: Json, label: str, *, user: FakeUser = ADA) -> str:
        """Press the button labelled `label` on a message the bot sent, as a member would.

        Fails, listing the labels, when the message has no such button.
        """
        shown = [
            (str(c.get("label") or ""), str(c.get("custom_id")))
            for row in message.get("components", [])
            for c in row["components"]
            if c.get("type") == 2 and c.get("custom_id")
        ]
        return await self.press_id(message, by_label(shown, label), user=user)

    async def press_id(self, message: Json, custom_id: str, *, user: FakeUser = ADA) -> str:
        """Press a button on a message by its raw custom id: for stale or hand-built buttons."""
        ids = [
            c.get("custom_id") for row in message.get("components", []) for c in row["components"]
        ]
        if custom_id not in ids:
            raise AssertionError(f"no button {custom_id!r} on that message: {ids}")
        data = {"custom_id": custom_id, "component_type": 2}
        in_dm = message["channel_id"] in self.dm_channels.values()
        return await self._interact(3, data, user=user, in_dm=in_dm, admin=False, message=message)

    async def dm(self, text: str, *, user: FakeUser = ADA) -> Json:
        """The member writes to the bot in its DM channel (MESSAGE_CREATE without guild)."""
        channel_id = self._dm_channel(user.id)
        message = self._new_message(channel_id, {"content": text}, author=user.payload())
        await self.dispatch("MESSAGE_CREATE", message, guild_id=None)
        return message

    async def dispatch(self, event: str, data: Json, *, guild_id: str | None) -> None:
        """Send a dispatch to the connection serving that guild's shard (DMs: shard 0)."""
        targets = [c for c in self._connections if c.identified and self._serves(c, guild_id)]
        if not targets:
            raise AssertionError(f"no gateway connection serves guild {guild_id}")
        for conn in targets:
            await conn.dispatch(event, data)

    def answer(self, interaction_id: str) -> FakeInteraction:
        return self.interactions[interaction_id]

    def answered(self, interaction_id: str) -> FakeInteraction | None:
        """The interaction once it has a response (not counting a pending "thinking")."""
        found = self.interactions[interaction_id]
        return found if found.response_type is not None else None

    def settled(self, interaction_id: str) -> FakeInteraction | None:
        """The interaction once responded and no longer "thinking" (deferred and not yet edited)."""
        found = self.interactions[interaction_id]
        if found.response_type is None:
            return None
        original = self.messages.get(found.original or "")
        if original is not None and original["flags"] & LOADING:
            return None
        if found.response_type == 5 and original is None and not found.followups:
            return None  # deferred, then the "thinking" message deleted for a public follow-up
        if found.response_type == 6 and not found.followups:
            return None  # a button acknowledged; what it shows comes as a follow-up
        return found

    def bot_message(self, custom_ids: list[str], channel_id: str = CHANNEL_ID) -> Json:
        """A message with buttons as if the bot had sent it earlier (e.g. by an older version)."""
        buttons = [{"type": 2, "style": 2, "label": c, "custom_id": c} for c in custom_ids]
        return self._new_message(channel_id, {"components": [{"type": 1, "components": buttons}]})

    def shown(self, interaction_id: str) -> list[Json]:
        """Messages the member sees for this interaction, in order (original, follow-ups)."""
        found = self.interactions[interaction_id]
        ids = ([found.original] if found.original and not found.original_deleted else []) + list(
            found.followups
        )
        return [self.messages[i] for i in ids if i in self.messages]

    def files_of(self, message: Json) -> list[tuple[Json, bytes]]:
        """Each attachment of a message the bot sent, with its bytes."""
        return [(a, self.file_data[a["id"]]) for a in message.get("attachments", [])]

    def channel_messages(self, channel_id: str) -> list[Json]:
        return [m for m in self.messages.values() if m["channel_id"] == channel_id]

    # -- gateway --------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = _Connection(ws)
        self._connections.append(conn)
        await conn.send(
            {"op": 10, "d": {"heartbeat_interval": self.heartbeat_ms}, "s": None, "t": None}
        )
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                await self._on_frame(conn, frame)
        finally:
            self._connections.remove(conn)
            await self._notify()
        return ws

    async def _on_frame(self, conn: _Connection, frame: Json) -> None:
        op = frame.get("op")
        recorded = dict(frame)
        if op == 2:  # never keep the token
            recorded["d"] = {k: v for k, v in frame["d"].items() if k != "token"}
        self.frames.append(recorded)
        if op == 1:
            await conn.send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            shard = frame["d"].get("shard") or [0, 1]
            conn.shard = (int(shard[0]), int(shard[1]))
            await self._ready(conn)
        elif op == 6:
            await conn.dispatch("RESUMED", {})
        await self._notify()

    async def _ready(self, conn: _Connection) -> None:
        guilds = [GUILD_ID] if self._serves(conn, GUILD_ID) else []
        await conn.dispatch(
            "READY",
            {
                "v": 10,
                "user": BOT_USER,
                "guilds": [{"id": g, "unavailable": True} for g in guilds],
                "session_id": f"session-{next(self._ids)}",
                "resume_gateway_url": self.gateway_url,
                "shard": list(conn.shard),
                "application": {"id": APP_ID, "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
            },
        )
        for guild_id in guilds:
            await conn.dispatch("GUILD_CREATE", _guild_payload(guild_id))
        conn.identified = True

    @staticmethod
    def _serves(conn: _Connection, guild_id: str | None) -> bool:
        shard_id, count = conn.shard
        wanted = 0 if guild_id is None else (int(guild_id) >> 22) % count
        return shard_id == wanted

    # -- REST -----------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        call = Call(request.method, path, dict(request.query), await _read_body(request))
        self.calls.append(call)
        refused = await self.limits.admit() if self.limits is not None else None
        if refused is not None:
            return _refusal(call, *refused)
        try:
            if isinstance(call.body, dict) and call.body.get("_files"):
                self._check_files(call.body["_files"])
            status, payload = self._failure(call) or await self._route(request, call)
        except FakeDiscordError as exc:
            status, payload = exc.status, {"message": exc.message, "code": exc.code}
        call.status, call.response = status, payload
        await self._notify()
        if payload is None:
            return web.Response(status=status)
        # Exactly this content type, as Discord sends it (discord.py compares it verbatim).
        return web.Response(
            status=status,
            body=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )

    def _check_files(self, files: list[Json]) -> None:
        """Discord's limits on a message's files (and the test's switch to refuse them)."""
        too_big = sum(f["size"] for f in files) > FILE_BYTES_MAX
        if self.refuse_files or too_big:
            raise FakeDiscordError(413, 40005, "Request entity too large")
        if len(files) > 10:
            raise FakeDiscordError(400, 50035, "Invalid Form Body (too many attachments)")
        if any(len(f.get("description") or "") > 1024 for f in files):
            raise FakeDiscordError(400, 50035, "Invalid Form Body (description too long)")

    def _failure(self, call: Call) -> tuple[int, Json] | None:
        for index, (method, pattern, status, code, msg) in enumerate(self._failures):
            if method == call.method and pattern.fullmatch(call.path):
                del self._failures[index]
                return status, {"message": msg, "code": code}
        return None

    async def _route(self, request: web.Request, call: Call) -> tuple[int, Any]:
        routes: list[tuple[str, str, Callable[..., Awaitable[tuple[int, Any]]]]] = [
            ("GET", r"/users/@me", self._me),
            ("GET", r"/oauth2/applications/@me", self._application),
            ("GET", r"/applications/@me", self._application),
            ("GET", r"/gateway", self._gateway_url),
            ("GET", r"/gateway/bot", self._gateway_url),
            ("PUT", r"/applications/(?P<app>\d+)/commands", self._put_commands),
            (
                "PUT",
                r"/applications/(?P<app>\d+)/guilds/(?P<guild>\d+)/commands",
                self._put_commands,
            ),
            ("GET", r"/applications/(?P<app>\d+)/commands", self._get_commands),
            (
                "GET",
                r"/applications/(?P<app>\d+)/guilds/(?P<guild>\d+)/commands",
                self._get_commands,
            ),
            ("POST", r"/interactions/(?P<iid>\d+)/(?P<token>[^/]+)/callback", self._callback),
            ("POST", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)", self._followup),
            (
                "PATCH",
                r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<mid>[^/]+)",
                self._edit,
            ),
            (
                "DELETE",
                r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<mid>[^/]+)",
                self._delete,
            ),
            (
                "GET",
                r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<mid>[^/]+)",
                self._get_msg,
            ),
            ("GET", r"/guilds/(?P<guild>\d+)/members/(?P<uid>\d+)", self._get_member),
            ("POST", r"/users/@me/channels", self._open_dm),
            ("POST", r"/channels/(?P<cid>\d+)/messages", self._post_message),
            ("POST", r"/channels/(?P<cid>\d+)/threads", self._start_thread),
            (
                "PUT",
                r"/channels/(?P<tid>\d+)/thread-members/(?P<uid>\d+)",
                self._add_thread_member,
            ),
        ]
        for method, pattern, handler in routes:
            match = re.fullmatch(pattern, call.path)
            if match and method == call.method:
                if not pattern.startswith(("/interactions", "/webhooks")):
                    auth = request.headers.get("Authorization", "")
                    if not auth.startswith("Bot ") or len(auth) < 8:
                        raise FakeDiscordError(401, 0, "401: Unauthorized")
                return await handler(call, **match.groupdict())
        raise FakeDiscordError(404, 0, "404: Not Found")

    async def _me(self, call: Call) -> tuple[int, Any]:
        return 200, BOT_USER

    async def _application(self, call: Call) -> tuple[int, Any]:
        return 200, {
            "id": APP_ID,
            "name": "JobClub",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": user_payload(OWNER_ID, "Owner"),
            "verify_key": "0" * 64,
            "flags": 0,
            "team": None,
            "summary": "",
        }

    async def _gateway_url(self, call: Call) -> tuple[int, Any]:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return 200, {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}

    async def _put_commands(
        self, call: Call, app: str, guild: str | None = None
    ) -> tuple[int, Any]:
        if app != APP_ID:
            raise FakeDiscordError(403, 50001, "Missing Access")
        registered: dict[str, Json] = {}
        for spec in call.body:
            if not re.fullmatch(r"[-_a-z0-9]{1,32}", spec["name"]):
                raise FakeDiscordError(400, 50035, f"Invalid command name {spec['name']!r}")
            if not 1 <= len(spec.get("description", "")) <= 100:
                raise FakeDiscordError(400, 50035, f"Invalid description for {spec['name']}")
            for option in spec.get("options", []):
                if not 1 <= len(option.get("description", "")) <= 100:
                    raise FakeDiscordError(400, 50035, f"Invalid option for {spec['name']}")
            registered[spec["name"]] = {
                **spec,
                "id": str(next(self._ids)),
                "application_id": APP_ID,
                "version": str(next(self._ids)),
                "type": spec.get("type", 1),
                **({"guild_id": guild} if guild else {}),
            }
        self.commands[guild] = registered
        return 200, list(registered.values())

    async def _get_commands(
        self, call: Call, app: str, guild: str | None = None
    ) -> tuple[int, Any]:
        return 200, list(self.commands.get(guild, {}).values())

    async def _callback(self, call: Call, iid: str, token: str) -> tuple[int, Any]:
        found = self.interactions.get(iid)
        if found is None or found.token != token:
            raise FakeDiscordError(404, 10062, "Unknown interaction")
        if found.response_type is not None:
            raise FakeDiscordError(400, 40060, "Interaction has already been acknowledged.")
        if self.clock() - found.created > self.response_deadline:
            raise FakeDiscordError(404, 10062, "Unknown interaction")
        kind = call.body["type"]
        data = call.body.get("data") or {}
        if "_files" in call.body:
            data = {**data, "_files": call.body["_files"]}
        found.response_type = kind
        message: Json | None = None
        flags = int(data.get("flags") or 0)
        if kind == 4:
            message = self._new_message(found.channel_id, data, flags=flags)
        elif kind == 5:
            message = self._new_message(found.channel_id, {}, flags=flags | LOADING)
        elif kind == 8:
            found.choices = data.get("choices", [])
        if message is not None:
            found.original = message["id"]
        if "with_response" not in call.query:
            return 204, None
        answer: Json = {
            "interaction": {
                "id": iid,
                "type": found.kind,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(flags & EPHEMERAL),
            }
        }
        if message is not None:
            answer["interaction"]["response_message_id"] = message["id"]
            answer["resource"] = {"type": kind, "message": message}
        return 200, answer

    def _by_token(self, app: str, token: str) -> FakeInteraction:
        found = next((i for i in self.interactions.values() if i.token == token), None)
        if app != APP_ID or found is None or found.response_type is None:
            raise FakeDiscordError(404, 10015, "Unknown Webhook")
        return found

    async def _followup(self, call: Call, app: str, token: str) -> tuple[int, Any]:
        found = self._by_token(app, token)
        flags = int(call.body.get("flags") or 0)
        message = self._new_message(found.channel_id, call.body, flags=flags)
        found.followups.append(message["id"])
        return (200, message) if call.query.get("wait") in ("true", "1") else (204, None)

    def _webhook_message(self, found: FakeInteraction, mid: str) -> Json:
        message_id = found.original if mid == "@original" else mid
        if message_id is None or message_id not in self.messages:
            raise FakeDiscordError(404, 10008, "Unknown Message")
        return self.messages[message_id]

    async def _edit(self, call: Call, app: str, token: str, mid: str) -> tuple[int, Any]:
        message = self._webhook_message(self._by_token(app, token), mid)
        for key in ("content", "embeds"):
            if key in call.body:
                message[key] = call.body[key]
        if "_files" in call.body:
            message["attachments"] = [self._attachment(f) for f in call.body["_files"]]
        if "components" in call.body:
            message["components"] = _with_ids(call.body["components"])
        if "allowed_mentions" in call.body:
            message["allowed_mentions"] = call.body["allowed_mentions"]
        message["flags"] = message["flags"] & ~LOADING
        message["edited_timestamp"] = _now()
        return 200, message

    async def _delete(self, call: Call, app: str, token: str, mid: str) -> tuple[int, Any]:
        found = self._by_token(app, token)
        message = self._webhook_message(found, mid)
        del self.messages[message["id"]]
        if message["id"] == found.original:
            found.original_deleted = True
        return 204, None

    async def _get_msg(self, call: Call, app: str, token: str, mid: str) -> tuple[int, Any]:
        return 200, self._webhook_message(self._by_token(app, token), mid)

    async def _get_member(self, call: Call, guild: str, uid: str) -> tuple[int, Any]:
        if guild != GUILD_ID:
            raise FakeDiscordError(404, 10004, "Unknown Guild")
        if uid not in self.guild_members:
            raise FakeDiscordError(404, 10007, "Unknown Member")
        user = self.users.get(uid, FakeUser(uid, f"user{uid[-4:]}"))
        return 200, _member_payload(user, MEMBER_PERMISSIONS)

    async def _open_dm(self, call: Call) -> tuple[int, Any]:
        recipient = str(call.body["recipient_id"])
        user = self.users.get(recipient, FakeUser(recipient, f"user{recipient[-4:]}"))
        return 200, {
            "id": self._dm_channel(recipient),
            "type": 1,
            "last_message_id": None,
            "recipients": [user.payload()],
            "flags": 0,
        }

    async def _post_message(self, call: Call, cid: str) -> tuple[int, Any]:
        recipient = next((u for u, c in self.dm_channels.items() if c == cid), None)
        if recipient is None and cid != CHANNEL_ID and cid not in self.threads:
            raise FakeDiscordError(404, 10003, "Unknown Channel")
        if recipient in self.refuse_dms:
            raise FakeDiscordError(403, 50007, "Cannot send messages to this user")
        return 200, self._new_message(cid, call.body)

    async def _start_thread(self, call: Call, cid: str) -> tuple[int, Any]:
        """A thread without a starter message (`POST /channels/{id}/threads`)."""
        if cid != CHANNEL_ID:
            raise FakeDiscordError(404, 10003, "Unknown Channel")
        body = call.body or {}
        name = str(body.get("name") or "")
        kind = int(body.get("type") or PRIVATE_THREAD)
        if not 1 <= len(name) <= 100 or kind not in (PUBLIC_THREAD, PRIVATE_THREAD):
            raise FakeDiscordError(400, 50035, "Invalid Form Body")
        thread = FakeThread(
            str(next(self._ids)), cid, name, kind, bool(body.get("invitable", True))
        )
        self.threads[thread.id] = thread
        return 201, _thread_payload(thread, body.get("auto_archive_duration") or 4320)

    async def _add_thread_member(self, call: Call, tid: str, uid: str) -> tuple[int, Any]:
        thread = self.threads.get(tid)
        if thread is None:
            raise FakeDiscordError(404, 10003, "Unknown Channel")
        if uid not in self.guild_members:
            raise FakeDiscordError(404, 10007, "Unknown Member")
        if uid not in thread.members:
            thread.members.append(uid)
        return 204, None

    # -- payloads -------------------------------------------------------------------------------

    async def _interact(
        self,
        kind: int,
        data: Json,
        *,
        user: FakeUser,
        in_dm: bool,
        admin: bool,
        message: Json | None = None,
    ) -> str:
        iid = str(next(self._ids))
        token = f"itoken-{iid}"
        channel_id = self._dm_channel(user.id) if in_dm else CHANNEL_ID
        guild_id = None if in_dm else GUILD_ID
        self.interactions[iid] = FakeInteraction(
            iid, token, kind, self.clock(), channel_id, guild_id
        )
        payload: Json = {
            "id": iid,
            "application_id": APP_ID,
            "type": kind,
            "token": token,
            "version": 1,
            "data": data,
            "channel_id": channel_id,
            "locale": "en-US",
            "entitlements": [],
            "app_permissions": str(MEMBER_PERMISSIONS),
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if in_dm:
            payload["user"] = user.payload()
            payload["channel"] = {"id": channel_id, "type": 1, "recipients": [user.payload()]}
            payload["context"] = 1
            payload["authorizing_integration_owners"] = {"0": "0"}
        else:
            permissions = MEMBER_PERMISSIONS | (MANAGE_GUILD if admin else 0)
            payload["guild_id"] = GUILD_ID
            payload["guild_locale"] = "en-US"
            payload["channel"] = _channel_payload(GUILD_ID)
            payload["context"] = 0
            payload["authorizing_integration_owners"] = {"0": GUILD_ID}
            payload["member"] = _member_payload(user, permissions)
        if message is not None:
            payload["message"] = message
        await self.dispatch("INTERACTION_CREATE", payload, guild_id=guild_id)
        return iid

    def _registered(self, name: str, in_dm: bool) -> tuple[str | None, Json]:
        scopes = [None] if in_dm else [GUILD_ID, None]
        for scope in scopes:
            spec = self.commands.get(scope, {}).get(name)
            if spec is not None:
                return scope, spec
        raise AssertionError(f"/{name} is not registered (in_dm={in_dm})")

    def _dm_channel(self, user_id: str) -> str:
        if user_id not in self.dm_channels:
            self.dm_channels[user_id] = str(next(self._ids))
        return self.dm_channels[user_id]

    def _new_message(
        self, channel_id: str, body: Json, *, flags: int = 0, author: Json | None = None
    ) -> Json:
        message: Json = {
            "id": str(next(self._ids)),
            "channel_id": channel_id,
            "author": author or BOT_USER,
            "content": body.get("content") or "",
            "timestamp": _now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [self._attachment(f) for f in body.get("_files") or []],
            "embeds": body.get("embeds") or [],
            "pinned": False,
            "type": 0,
            "flags": flags,
            "components": _with_ids(body.get("components") or []),
        }
        if "allowed_mentions" in body:
            message["allowed_mentions"] = body["allowed_mentions"]
        self.messages[message["id"]] = message
        return message

    def _attachment(self, upload: Json) -> Json:
        """An attachment as Discord shows it; its bytes are kept aside (`files_of`)."""
        aid = str(next(self._ids))
        url = f"{self.api_url}/attachments/{aid}/{upload['filename']}"
        self.file_data[aid] = upload["data"]
        shown = {k: v for k, v in upload.items() if k != "data"}
        return {"id": aid, "url": url, "proxy_url": url, **shown}

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- control endpoints (for running the fake as its own process) ------------------------------

    async def _control(self, request: web.Request) -> web.StreamResponse:
        tail = request.match_info["tail"]
        body = await request.json() if request.can_read_body else {}
        try:
            if request.method == "POST" and tail == "command":
                iid = await self.command(
                    body["name"], body.get("text"), in_dm=body.get("dm", False)
                )
                return web.json_response({"interaction_id": iid})
            if request.method == "POST" and tail == "press":
                message = self.messages[body["message_id"]]
                return web.json_response(
                    {"interaction_id": await self.press_id(message, body["custom_id"])}
                )
            if request.method == "POST" and tail == "dm":
                return web.json_response({"message_id": (await self.dm(body["text"]))["id"]})
            if request.method == "GET" and tail == "calls":
                return web.json_response(
                    [asdict(c) for c in self.calls],
                    dumps=lambda o: json.dumps(o, default=lambda b: f"<{len(b)} bytes>"),
                )
            if request.method == "GET" and tail.startswith("interactions/"):
                found = self.interactions[tail.split("/", 1)[1]]
                return web.json_response({**asdict(found), "shown": self.shown(found.id)})
            if request.method == "GET" and tail == "state":
                return web.json_response(
                    {
                        "identified": sum(c.identified for c in self._connections),
                        "commands": {str(k): sorted(v) for k, v in self.commands.items()},
                    }
                )
        except (AssertionError, KeyError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response({"error": "unknown control call"}, status=404)


def _refusal(call: Call, status: int, retry_after: float | None) -> web.Response:
    """Discord's global 429 (`retry_after` in the body and the header) or a transient 502."""
    if retry_after is None:
        payload: Json = {"message": "502 Bad Gateway", "code": 0}
        headers = {}
    else:
        payload = {"message": "You are being rate limited.", "retry_after": retry_after}
        payload["global"] = True
        headers = {"Retry-After": f"{retry_after:.3f}", "X-RateLimit-Global": "true"}
        headers["X-RateLimit-Scope"] = "global"
    status = 429 if retry_after is not None else 502
    call.status, call.response = status, payload
    body = json.dumps(payload).encode()
    return web.Response(
        status=status, body=body, headers={"Content-Type": "application/json", **headers}
    )


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _with_ids(rows: list[Json]) -> list[Json]:
    """Discord numbers every component of a message, as it stores and sends it back."""
    numbers = itertools.count(1)
    out = []
    for row in rows:
        row_id = next(numbers)
        children = [{**c, "id": next(numbers)} for c in row.get("components", [])]
        out.append({**row, "id": row_id, "components": children})
    return out


async def _read_body(request: web.Request) -> Any:
    if not request.can_read_body:
        return None
    if request.content_type == "multipart/form-data":
        form = await request.post()
        raw = form.get("payload_json")
        body = json.loads(str(raw)) if raw is not None else None
        uploads = [(k, v) for k, v in form.items() if k.startswith("files[")]
        if isinstance(body, dict) and uploads:
            # Files sent with the message, as Discord keeps them: the name, size, type and
            # the description (alt text) given for the same index in payload_json.
            listed = body.get("attachments") or (body.get("data") or {}).get("attachments") or []
            described = {str(a.get("id")): a.get("description") for a in listed}
            files = []
            for key, part in uploads:
                if not isinstance(part, web.FileField):
                    continue
                data = part.file.read()
                index = key[len("files[") : -1]
                files.append(
                    {
                        "filename": part.filename,
                        "size": len(data),
                        # Discord goes by the name (discord.py sends octet-stream).
                        "content_type": mimetypes.guess_type(part.filename)[0] or part.content_type,
                        "description": described.get(index),
                        "content": data.decode("utf-8", "replace"),
                        "data": data,
                    }
                )
            body["_files"] = files
        return body
    text = await request.text()
    return json.loads(text) if text else None


def _thread_payload(thread: FakeThread, archive_minutes: int) -> Json:
    return {
        "id": thread.id,
        "type": thread.type,
        "guild_id": GUILD_ID,
        "parent_id": thread.parent_id,
        "owner_id": APP_ID,
        "name": thread.name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": len(thread.members),
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": archive_minutes,
            "archive_timestamp": _now(),
            "locked": False,
            "invitable": thread.invitable,
        },
    }


def _member_payload(user: FakeUser, permissions: int) -> Json:
    return {
        "user": user.payload(),
        "roles": [],
        "permissions": str(permissions),
        "joined_at": _now(),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": None,
        "avatar": None,
        "pending": False,
    }


def _channel_payload(guild_id: str) -> Json:
    return {
        "id": CHANNEL_ID,
        "type": 0,
        "guild_id": guild_id,
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
    }


def _guild_payload(guild_id: str) -> Json:
    return {
        "id": guild_id,
        "name": "Job Club",
        "icon": None,
        "owner_id": OWNER_ID,
        "roles": [
            {
                "id": guild_id,
                "name": "@everyone",
                "permissions": str(MEMBER_PERMISSIONS),
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "emojis": [],
        "stickers": [],
        "features": [],
        "channels": [_channel_payload(guild_id)],
        "threads": [],
        "members": [],
        "member_count": 3,
        "large": False,
        "unavailable": False,
        "joined_at": _now(),
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "system_channel_id": None,
        "system_channel_flags": 0,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "afk_timeout": 300,
    }


async def _serve(port: int, heartbeat_ms: int) -> None:
    fake = FakeDiscord(heartbeat_ms=heartbeat_ms)
    await fake.start(port)
    print(json.dumps({"api_url": fake.api_url, "gateway_url": fake.gateway_url}), flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="A local fake Discord for manual checks.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--heartbeat-ms", type=int, default=DEFAULT_HEARTBEAT_MS)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.port, args.heartbeat_ms))


if __name__ == "__main__":
    main()
