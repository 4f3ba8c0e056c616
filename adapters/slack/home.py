"""The App Home tab: the member's overview from `JobClubBot.home`, published with `views.publish`.

It is published when the member opens the tab (`app_home_opened`) and again after they
do something, at most once per `min_interval` per member (the first change publishes at
once, later ones within the interval are merged into one trailing publish). Members who
have not opened the tab since this process started are skipped: opening it publishes a
fresh view anyway, and skipping spares a database read and an API call per event.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import render_home
from bot.events import MemberRef
from bot.replies import Reply

log = logging.getLogger(__name__)


@dataclass
class _State:
    ref: MemberRef
    last: float = float("-inf")
    pending: asyncio.Task[None] | None = None


class HomePublisher:
    """Publishes members' Home tabs, throttled per member."""

    def __init__(
        self,
        client: AsyncWebClient,
        overview: Callable[[MemberRef], Awaitable[Reply]],
        *,
        min_interval: float = 5.0,
        max_viewers: int = 20_000,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._client = client
        self._sleep = sleep
        self._overview = overview
        self._interval = min_interval
        self._max = max_viewers
        self._clock = clock
        self._viewers: OrderedDict[str, _State] = OrderedDict()
        self._tasks: set[asyncio.Task[None]] = set()

    def opened(self, ref: MemberRef) -> None:
        """The member opened the tab: publish now (or as soon as the throttle allows)."""
        self._schedule(ref, viewer=True)

    def changed(self, ref: MemberRef) -> None:
        """Something the member did may have changed their overview."""
        if ref.user_id in self._viewers:
            self._schedule(ref, viewer=False)

    def _schedule(self, ref: MemberRef, *, viewer: bool) -> None:
        state = self._viewers.get(ref.user_id)
        if state is None:
            if not viewer:
                return
            state = _State(ref)
            self._viewers[ref.user_id] = state
            while len(self._viewers) > self._max:
                self._viewers.popitem(last=False)
        self._viewers.move_to_end(ref.user_id)
        state.ref = ref
        if state.pending is not None and not state.pending.done():
            return  # a publish is already queued; it will read the latest state
        delay = max(0.0, state.last + self._interval - self._clock())
        task = asyncio.create_task(self._publish_after(state, delay))
        state.pending = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _publish_after(self, state: _State, delay: float) -> None:
        if delay > 0:
            await self._sleep(delay)
        state.pending = None  # changes from here on queue another publish
        state.last = self._clock()
        try:
            view = render_home(await self._overview(state.ref))
            await self._client.views_publish(user_id=state.ref.user_id, view=view)
        except Exception as exc:
            log.warning("App Home publish for %s failed: %s", state.ref.user_id, exc)

    async def drain(self) -> None:
        """Wait until no publish is queued or running (for shutdown and tests)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
