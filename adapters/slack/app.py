"""The Slack adapter: a bolt `AsyncApp` that turns Slack traffic into core events and back.

HTTP mode serves one endpoint, `/slack/events`, for slash commands, interactivity and the
Events API (bolt checks every request's signature and age). With `SLACK_APP_TOKEN` set
it uses Socket Mode instead.

Slack wants every request acknowledged within 3 seconds. A slash command is answered in
its ack when the bot is otherwise idle and the core answers within `ack_budget`; else
the ack goes out empty and the replies follow through the command's `response_url`
(`gate.py` has the rules). Buttons and events are acked at once and answered after.
Where each reply goes is decided in `respond.py`; how it looks, in `blocks.py`.

Every reply to a member's own request goes out, in the order the requests came: each
request takes a ticket in its member's line on arrival (`replyline.py`), and its
replies wait for their turn and for the channel's pacing however long that takes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, Literal

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.app.async_server import AsyncSlackAppServer
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import logfilters, translate
from adapters.slack.dedupe import SeenEvents
from adapters.slack.gate import CoreGate
from adapters.slack.home import HomePublisher
from adapters.slack.outbox import SlackOutbox
from adapters.slack.pacing import Pacer
from adapters.slack.replyline import ReplyLines, Ticket
from adapters.slack.respond import Origin, Responder, Step, plan, take_ack
from adapters.slack.users import UserDirectory
from bot import metrics
from bot.app import JobClubBot
from bot.events import Event, MemberRef, Platform
from bot.replies import Reply
from bot.settings import Settings

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
REFUSED_TOKEN = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked"})
HEALTH_PATH = "/healthz"


BOLT_LOG = logging.getLogger("adapters.slack.bolt")
BOLT_LOG.addFilter(logfilters.QuietTokenWarning())
logfilters.install(BOLT_LOG)


class SlackSetupError(Exception):
    """The Slack settings cannot work (e.g. the bot token is refused)."""


@dataclass(frozen=True)
class SlackTuning:
    """Timings and limits; the defaults suit production, tests shorten some."""

    ack_budget: float = 2.0
    """Seconds the core may take to answer inside a slash command's ack (Slack allows 3)."""
    core_workers: int = 2
    """Core jobs at once (`gate.py`). SQLite writes one at a time anyway; more workers help
    PostgreSQL's throughput a little and cost acks some latency under load."""
    core_defer: float = 0.25
    """Longest time queued core work waits for acks in progress to finish first."""
    user_wait: float = 1.0
    """Longest wait for `users.info` about a member seen for the first time."""
    user_ttl: float = 1800.0
    home_interval: float = 5.0
    """At most one App Home publish per member per this many seconds."""
    event_ttl: float = 3600.0
    """How long an Events API event id is remembered for de-duplication."""
    api_timeout: int = 10
    rate_limit_retries: int = 3
    server_error_retries: int = 2
    pacer: Pacer | None = None


def retry_handlers(tuning: SlackTuning) -> list[AsyncRetryHandler]:
    """429 (after Retry-After), 500/503 and dropped connections are retried by the client."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=tuning.rate_limit_retries),
        AsyncServerErrorRetryHandler(max_retry_count=tuning.server_error_retries),
    ]


def api_base_url(url: str) -> str:
    """The SDK appends method names to the base URL, so it must end with a slash."""
    return url if url.endswith("/") else url + "/"


class SlackAdapter:
    """What the launcher runs for Slack: `platform`, `outbox`, `run()`, `close()`."""

    platform = Platform.SLACK

    def __init__(
        self,
        bot: JobClubBot,
        settings: Settings,
        *,
        port: int = 3000,
        host: str = "0.0.0.0",
        tuning: SlackTuning | None = None,
    ) -> None:
        if settings.slack_bot_token is None:
            raise ValueError("SLACK_BOT_TOKEN is not set")
        self.bot = bot
        self.tuning = tuning or SlackTuning()
        self.host = host
        self._port = port
        self.mode: Literal["http", "socket"] = "socket" if settings.slack_app_token else "http"
        if self.mode == "http" and settings.slack_signing_secret is None:
            # Without it no request can be verified: every one would be answered with an error.
            raise ValueError(
                "SLACK_SIGNING_SECRET is not set: Slack's HTTP mode needs it "
                "(or set SLACK_APP_TOKEN for Socket Mode; see docs/slack.md)"
            )
        self.session = aiohttp.ClientSession()
        handlers = retry_handlers(self.tuning)
        self.client = AsyncWebClient(
            token=settings.slack_bot_token.get_secret_value(),
            base_url=api_base_url(settings.slack_api_url),
            session=self.session,
            timeout=self.tuning.api_timeout,
            retry_handlers=handlers,
        )
        rate = settings.slack_messages_per_second
        pacer = self.tuning.pacer or Pacer(workspace=rate, workspace_burst=max(20.0, rate * 4))
        self.outbox = SlackOutbox(self.client, pacer)
        self.users = UserDirectory(
            self.client, ttl=self.tuning.user_ttl, first_wait=self.tuning.user_wait
        )
        self.core = CoreGate(self.tuning.core_workers, max_defer=self.tuning.core_defer)
        self.home = HomePublisher(
            self.client,
            lambda ref: self.core.run(lambda: bot.home(ref)),
            min_interval=self.tuning.home_interval,
        )
        self.responder = Responder(
            self.outbox,
            {
                "session": self.session,
                "timeout": self.tuning.api_timeout,
                "retry_handlers": handlers,
            },
        )
        self.seen = SeenEvents(ttl=self.tuning.event_ttl)
        self.lines = ReplyLines()
        secret = settings.slack_signing_secret
        self.app = AsyncApp(
            client=self.client,
            signing_secret=secret.get_secret_value() if secret else "",
            process_before_response=True,
            logger=BOLT_LOG,
        )
        logfilters.install(BOLT_LOG)
        self._register()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._app_token = settings.slack_app_token
        self._stopped = asyncio.Event()

    # -- lifecycle ------------------------------------------------------------------------

    def web_app(self) -> web.Application:
        """The aiohttp application: POST /slack/events, GET /healthz."""
        server = AsyncSlackAppServer(
            port=self._port, path=EVENTS_PATH, app=self.app, host=self.host
        )
        server.web_app.router.add_get(HEALTH_PATH, _health)
        gate = self.core

        @web.middleware
        async def acks_first(request: web.Request, handler: Any) -> web.StreamResponse:
            if not _readable_timestamp(request):
                return web.json_response({"error": "invalid request"}, status=401)
            with gate.inbound():
                return await handler(request)

        server.web_app.middlewares.append(acks_first)
        return server.web_app

    def socket_handler(self) -> AsyncSocketModeHandler:
        """The Socket Mode connection (app-level token; Web API calls go to SLACK_API_URL)."""
        if self._app_token is None:
            raise ValueError("Socket Mode needs SLACK_APP_TOKEN")
        return AsyncSocketModeHandler(
            self.app, self._app_token.get_secret_value(), web_client=self.client
        )

    async def check_token(self) -> None:
        """Ask Slack who we are (`auth.test`): a refused token stops start-up with a clear error;
        an unreachable Slack only logs a warning (it may be back before the first request)."""
        try:
            auth = await self.client.auth_test()
        except SlackApiError as exc:
            data = getattr(exc.response, "data", None)
            error = str(data.get("error")) if isinstance(data, dict) else str(exc)
            if error in REFUSED_TOKEN:
                raise SlackSetupError(f"Slack refused SLACK_BOT_TOKEN ({error})") from None
            log.warning("auth.test failed (%s); starting anyway", error)
            return
        except Exception as exc:
            log.warning(
                "could not reach Slack at %s (%s); starting anyway", self.client.base_url, exc
            )
            return
        log.info(
            "Slack: signed in as %s to %s (%s)",
            auth.get("user"),
            auth.get("team"),
            auth.get("team_id"),
        )

    async def start(self) -> None:
        """Start serving (HTTP: listening on the port; Socket Mode: connected)."""
        await self.check_token()
        if self.mode == "socket":
            self._socket = self.socket_handler()
            await self._socket.connect_async()
            log.info("Slack Socket Mode connected")
            return
        self._runner = web.AppRunner(self.web_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._port)
        await site.start()
        log.info("Slack HTTP mode listening on %s:%s%s", self.host, self.port, EVENTS_PATH)

    @property
    def port(self) -> int:
        """The bound HTTP port (useful after asking for port 0)."""
        if self._runner is not None and self._runner.addresses:
            return int(self._runner.addresses[0][1])
        return self._port

    async def connection_problem(self) -> str | None:
        """For `/readyz`: None while Slack can reach us (HTTP listening, or the Socket
        Mode connection up), else what is wrong."""
        if self.mode == "http":
            return None if self._runner is not None else "slack: not listening"
        if self._socket is None or not await self._socket.client.is_connected():
            return "slack: Socket Mode not connected"
        return None

    async def run(self) -> None:
        """Serve until cancelled or closed."""
        if self._runner is None and self._socket is None:
            await self.start()
        await self._stopped.wait()

    async def idle(self) -> None:
        """Wait until every background job and task (follow-ups, DMs, Home) has finished."""
        while True:
            await self.core.drain()
            if self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)
            await self.home.drain()
            if not self._tasks and not self.core.active and not self.core.queued:
                return

    async def close(self) -> None:
        """Stop serving, finish or cancel background work, close connections."""
        self._stopped.set()
        if self._socket is not None:
            with contextlib.suppress(Exception):
                await self._socket.close_async()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.idle(), timeout=5)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self.core.close()
        await self.home.close()
        await self.users.close()
        await self.session.close()

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run work after the ack; kept referenced and logged if it fails."""
        task = asyncio.create_task(self._logged(coro, name), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @staticmethod
    async def _logged(coro: Coroutine[Any, Any, Any], name: str) -> Any:
        try:
            return await coro
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("Slack background task %s failed", name)
            return None

    # -- listeners ------------------------------------------------------------------------

    def _register(self) -> None:
        app = self.app
        app.command(re.compile(r"^/.+"))(self._on_command)
        app.action(re.compile(r".+"))(self._on_action)
        app.event("message")(self._on_message)
        app.event("app_home_opened")(self._on_home_opened)

    async def _on_command(self, ack: Any, body: dict[str, Any]) -> None:
        """A slash command: answered in the ack when the bot is idle and the core quick,
        otherwise acked at once and answered through the response_url (see `gate.py`).
        Not in the ack while earlier replies to the member are still on their way."""
        key = _line_key(body.get("team_id"), body.get("user_id"))
        behind = self.lines.busy(key)
        ticket = self.lines.ticket(key)
        if behind or not self.core.try_enter_idle():
            # Queued before the ack is awaited, so the ticket always has an owner.
            self.core.submit(lambda: self._queued_command(body, ticket))
            await ack()
            return
        work = asyncio.create_task(self._command_replies(body))
        with self.core.interruption() as interrupted:
            others = asyncio.create_task(interrupted.wait())
            await asyncio.wait(
                {work, others}, timeout=self.tuning.ack_budget, return_when=asyncio.FIRST_COMPLETED
            )
            others.cancel()
        if not work.done():
            self.spawn(_lined(ticket, self._follow_up(work, body, ticket)), "command follow-up")
            await ack()
            return
        try:
            member, replies = work.result()
            origin = _command_origin(member, body)
            steps = plan(replies, origin)
            first = take_ack(steps)
            await ack(first) if first else await ack()
        except BaseException:
            ticket.close()
            raise
        if any(step.messages or step.reply.attachments for step in steps):
            rest = self._deliver_steps(steps, origin, ticket)
            self.spawn(_lined(ticket, rest), "command replies")
        else:
            ticket.close()
        self._after(member, replies)

    async def _command_replies(self, body: dict[str, Any]) -> tuple[MemberRef, list[Reply]]:
        """The core's replies to a command, in the gate slot the caller took."""
        try:
            user = await self.users.get(str(body.get("user_id") or ""), self.tuning.user_wait)
            event = translate.command_event(body, user)
            return event.member, await self.bot.handle(event)
        finally:
            self.core.leave()

    async def _queued_command(self, body: dict[str, Any], ticket: Ticket) -> None:
        """A command acked without its answer: run the core, then send the replies."""
        try:
            user = await self.users.get(str(body.get("user_id") or ""), self.tuning.user_wait)
            event = translate.command_event(body, user)
            replies = await self.bot.handle(event)
        except BaseException:
            ticket.close()
            raise
        self.spawn(
            _lined(ticket, self._deliver(event.member, replies, body, ticket)), "command replies"
        )

    async def _follow_up(
        self,
        work: asyncio.Task[tuple[MemberRef, list[Reply]]],
        body: dict[str, Any],
        ticket: Ticket,
    ) -> None:
        member, replies = await work
        await self._deliver(member, replies, body, ticket)

    async def _deliver(
        self, member: MemberRef, replies: list[Reply], body: dict[str, Any], ticket: Ticket
    ) -> None:
        origin = _command_origin(member, body)
        await self._deliver_steps(plan(replies, origin), origin, ticket)
        self._after(member, replies)

    async def _deliver_steps(self, steps: list[Step], origin: Origin, ticket: Ticket) -> None:
        """Send once every earlier reply to this member has gone out."""
        async with ticket:
            await self.responder.deliver(steps, origin)

    async def _on_action(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        """A button press: ack at once (Slack ignores the body), answer via response_url."""
        await ack()
        if body.get("type") != "block_actions":
            return
        team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
        key = _press_key(team, body, action)
        if key is not None and not self.seen.first_time(key):
            self._dropped("action", key)
            return
        ticket = self.lines.ticket(_line_key(team, (body.get("user") or {}).get("id")))
        work = self._handle_action(body, action, ticket)
        self.spawn(_lined(ticket, self._once(key, "action", work)), "button")

    async def _handle_action(
        self, body: dict[str, Any], action: dict[str, Any], ticket: Ticket
    ) -> None:
        who = (body.get("user") or {}).get("id") or ""
        user = await self.users.get(str(who), self.tuning.user_wait)
        event = translate.action_event(body, action, user)
        container = body.get("container") or {}
        channel = event.place.channel_id
        origin = Origin(
            member=event.member,
            response_url=body.get("response_url"),
            channel_id=channel,
            bot_dm=bool(
                channel
                and event.place.is_dm
                and container.get("type") == "message"
                and not container.get("is_ephemeral")
            ),
        )
        await self._answer(event, origin, ticket)

    async def _on_message(self, ack: Any, body: dict[str, Any], event: dict[str, Any]) -> None:
        """`message.im`: a member wrote to the bot. Retries of one event are handled once."""
        await ack()
        if not translate.is_member_dm(event) or not self._first_delivery(body):
            return
        team = str(body.get("team_id") or event.get("team") or "")
        ticket = self.lines.ticket(_line_key(team, event.get("user")))
        work = self._handle_message(body, event, ticket)
        self.spawn(_lined(ticket, self._once(_event_key(body), "event", work)), "direct message")

    async def _handle_message(
        self, body: dict[str, Any], event: dict[str, Any], ticket: Ticket
    ) -> None:
        team = str(body.get("team_id") or event.get("team") or "")
        user = await self.users.get(str(event["user"]), self.tuning.user_wait)
        core_event = translate.message_event(team, event, user)
        channel = core_event.place.channel_id
        if channel:
            self.outbox.remember_dm(core_event.member.user_id, channel)
        origin = Origin(core_event.member, channel_id=channel, bot_dm=True)
        await self._answer(core_event, origin, ticket)

    async def _on_home_opened(self, ack: Any, body: dict[str, Any], event: dict[str, Any]) -> None:
        await ack()
        if event.get("tab", "home") != "home" or not self._first_delivery(body):
            return
        work = self._open_home(body, event)
        self.spawn(self._once(_event_key(body), "event", work), "app home")

    async def _open_home(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        user_id = str(event.get("user") or "")
        user = await self.users.get(user_id, self.tuning.user_wait)
        team = str(body.get("team_id") or "")
        self.home.opened(translate.member_ref(team, user_id, "", user))

    # -- shared ---------------------------------------------------------------------------

    async def _answer(self, event: Event, origin: Origin, ticket: Ticket) -> None:
        replies = await self.core.run(lambda: self.bot.handle(event))
        await self._deliver_steps(plan(replies, origin), origin, ticket)
        self._after(event.member, replies)

    def _after(self, member: MemberRef, replies: list[Reply]) -> None:
        """Refresh the member's App Home, unless they just deleted their data."""
        if any("deleted" in reply.meta for reply in replies):
            return
        self.home.changed(member)

    def _first_delivery(self, body: dict[str, Any]) -> bool:
        """False for an event this process has already seen (the cheap, local check)."""
        key = _event_key(body)
        if key is None or self.seen.first_time(key):
            return True
        self._dropped("event", key)
        return False

    async def _once(self, key: str | None, kind: str, work: Coroutine[Any, Any, Any]) -> Any:
        """Run `work` unless another replica has handled the same delivery already.

        The shared check (`bot.first_delivery`, one insert into the database) runs after
        the ack and inside the member's reply line, so it costs Slack no time and keeps
        the member's requests in order. Should the database fail, the work runs anyway
        and fails there with its usual friendly answer, rather than being dropped.
        """
        if key is not None:
            try:
                first = await self.bot.first_delivery(key)
            except Exception:
                log.exception("could not check %s for a repeat; handling it", kind)
                first = True
            if not first:
                work.close()
                self._dropped(kind, key)
                return None
        return await work

    def _dropped(self, kind: str, key: str) -> None:
        metrics.duplicate_dropped(kind)
        log.info("ignoring a repeated delivery of %s %s", kind, key.rsplit(":", 1)[-1])


def _event_key(body: dict[str, Any]) -> str | None:
    """The de-duplication key of an Events API delivery: its `event_id`."""
    event_id = body.get("event_id")
    return f"slack:event:{event_id}" if event_id else None


def _press_key(team: Any, body: dict[str, Any], action: dict[str, Any]) -> str | None:
    """The key of one button press: Slack gives each interaction its own `trigger_id`
    (a retried payload carries the same one); `action_ts` stands in when it is missing."""
    press = body.get("trigger_id") or action.get("action_ts")
    return f"slack:action:{team or ''}:{press}" if press else None


def _line_key(team: Any, user: Any) -> str:
    """Whose line a request joins: one per member of a workspace."""
    return f"{team or ''}:{user or ''}"


async def _lined(ticket: Ticket, work: Coroutine[Any, Any, Any]) -> Any:
    """Run `work`, then let the member's next reply go, whatever happened."""
    try:
        return await work
    finally:
        ticket.close()


def _command_origin(member: MemberRef, body: dict[str, Any]) -> Origin:
    return Origin(
        member=member,
        response_url=body.get("response_url"),
        channel_id=body.get("channel_id"),
    )


def _readable_timestamp(request: web.Request) -> bool:
    """False for a signature timestamp that is not a plain number.

    bolt reads the header with `int()`, so "abc" (or "²") would raise inside the
    signature check and answer 500; such a request is simply not signed by Slack.
    """
    if request.path != EVENTS_PATH:
        return True
    stamp = request.headers.get("X-Slack-Request-Timestamp")
    return stamp is None or (0 < len(stamp) <= 12 and stamp.isascii() and stamp.isdigit())


async def _health(_: web.Request) -> web.Response:
    return web.Response(text="ok")


async def build_slack(
    bot: JobClubBot,
    settings: Settings,
    *,
    port: int = 3000,
    host: str = "0.0.0.0",
    tuning: SlackTuning | None = None,
) -> SlackAdapter:
    """The launcher's entry point: a configured adapter (not yet serving; `run()` does that)."""
    return SlackAdapter(bot, settings, port=port, host=host, tuning=tuning)


__all__ = ["SlackAdapter", "SlackSetupError", "SlackTuning", "build_slack"]
