"""A 09:00 fan-out DMs every member once: discord.py's rate-limit state stays the size of
the routes in use, not of the club (each new route used to look through every bucket
made so far: 30 ms of the event loop at 10,000 members, bench/README.md)."""

from __future__ import annotations

import asyncio
import logging

import pytest
from discord.http import Ratelimit

from adapters.discord import DiscordAdapter
from adapters.discord.route_buckets import FIRST_LOOK, IDLE, RouteSweeper
from bot.events import Platform
from bot.outbox import MemberAddress
from bot.replies import Reply, Visibility
from tests.discord.conftest import text_of
from tests.discord.fake_discord import GUILD_ID, FakeDiscord

NUDGE = Reply(text="Today's task: one STAR story, out loud.", visibility=Visibility.DM)


def member(n: int) -> MemberAddress:
    return MemberAddress(Platform.DISCORD, GUILD_ID, str(400000000000000000 + n), f"m{n}", None)


async def test_a_fan_out_leaves_only_the_routes_still_in_use(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    """discord.py's own buckets, after real sends through the fake: the sweeper reads
    them right (the unit tests below use the same class, set by hand)."""
    loop = asyncio.get_running_loop()
    later = [0.0]
    live.route_sweeper.clock = lambda: loop.time() + later[0]
    crowd = [member(n) for n in range(40)]
    await asyncio.gather(*(live.outbox.send_dm(m, NUDGE) for m in crowd))
    assert len(live.client.http._buckets) > 40  # a route for each member's DM channel

    later[0] = IDLE + 1  # the crowd's DMs are done with; one more member is DMed
    live.route_sweeper.next_look = 0  # as if the map had grown to its next look
    await live.outbox.send_dm(member(9999), NUDGE)

    assert len(live.client.http._buckets) < 5  # the new member's routes
    for someone in [*crowd, member(9999)]:
        (message,) = fake.channel_messages(fake.dm_channels[someone.user_id])
        assert text_of(message) == NUDGE.text


class Http:
    """The part of discord.py's `HTTPClient` the sweeper looks at."""

    def __init__(self) -> None:
        self._buckets: dict[str, Ratelimit] = {}

    def _try_clear_expired_ratelimits(self) -> None:
        self.own_sweeps = getattr(self, "own_sweeps", 0) + 1


async def test_a_bucket_in_use_or_still_counting_is_kept() -> None:
    loop = asyncio.get_running_loop()
    http = Http()
    for n in range(FIRST_LOOK):
        http._buckets[f"idle:{n}"] = Ratelimit(None)
    sending, waiting, limited = Ratelimit(None), Ratelimit(None), Ratelimit(None)
    sending.outgoing = 1
    waiting._pending_requests.append(loop.create_future())
    limited.expires = loop.time() + IDLE + 60  # Discord said: not before then
    http._buckets.update(sending=sending, waiting=waiting, limited=limited)
    sweeper = RouteSweeper(http, clock=lambda: loop.time() + IDLE + 1)

    sweeper()

    assert sorted(http._buckets) == ["limited", "sending", "waiting"]
    assert sweeper.next_look == FIRST_LOOK  # the next look waits for the map to grow again


async def test_buckets_used_lately_wait_for_the_map_to_double() -> None:
    http = Http()
    for n in range(FIRST_LOOK):
        http._buckets[f"fresh:{n}"] = Ratelimit(None)  # all just used
    sweeper = RouteSweeper(http)
    sweeper()
    assert len(http._buckets) == FIRST_LOOK and sweeper.next_look == 2 * FIRST_LOOK
    http._buckets["one more"] = Ratelimit(None)
    sweeper()  # not looked through again: a look costs the whole map
    assert len(http._buckets) == FIRST_LOOK + 1


async def test_a_discord_py_that_changed_shape_gets_its_own_sweep_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    http = Http()
    http._buckets = {str(n): object() for n in range(FIRST_LOOK)}  # type: ignore[misc]
    http._try_clear_expired_ratelimits = RouteSweeper(http)  # type: ignore[method-assign]
    with caplog.at_level(logging.WARNING):
        http._try_clear_expired_ratelimits()
    assert "changed shape" in caplog.text
    http._try_clear_expired_ratelimits()
    assert getattr(http, "own_sweeps", 0) == 1  # discord.py's own, from then on
