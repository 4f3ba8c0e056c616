"""Discord's own "retry after" reaches the dispatcher through `SendError.retry_after`."""

from __future__ import annotations

from dataclasses import dataclass, field

import discord

from adapters.discord.outbox import _send_error


@dataclass
class Response:
    """The parts of an aiohttp response that discord.py's errors read."""

    status: int
    reason: str = "Too Many Requests"
    headers: dict[str, str] = field(default_factory=dict)


def test_a_rate_limit_discord_py_gave_up_on_carries_its_wait() -> None:
    error = _send_error(discord.RateLimited(42.5))
    assert error.retryable and error.retry_after == 42.5


def test_a_429_or_503_with_retry_after_carries_the_header() -> None:
    limited = discord.HTTPException(Response(429, headers={"Retry-After": "17"}), "slow down")
    busy = discord.DiscordServerError(
        Response(503, "Service Unavailable", {"Retry-After": "120"}), "down"
    )
    assert (_send_error(limited).retryable, _send_error(limited).retry_after) == (True, 17.0)
    assert (_send_error(busy).retryable, _send_error(busy).retry_after) == (True, 120.0)


def test_no_or_a_nonsense_header_means_no_retry_after() -> None:
    for headers in ({}, {"Retry-After": "soon"}, {"Retry-After": "-3"}, {"Retry-After": "nan"}):
        error = _send_error(discord.HTTPException(Response(429, headers=headers), "x"))
        assert error.retryable and error.retry_after is None, headers


def test_a_refusal_has_no_retry_after() -> None:
    error = _send_error(discord.HTTPException(Response(400, "Bad Request"), "bad"))
    assert not error.retryable and error.retry_after is None
