"""What a running bot reports to Prometheus, and the small hooks that keep it current.

The meaning of each metric and the alerts worth setting are in docs/operations.md.

Labels only ever hold values from small, fixed sets (the kind of event, a delivery's
status and kind, a platform, a class of error), never member text or ids: a label
value becomes a time series of its own, and a metric must not become a copy of who
said what.

Counters and the histogram are per process (Prometheus sums replicas). The delivery
counts and the dispatcher lag describe the shared database, so every replica reports
the same values; they are read from the database when `/metrics` is scraped
(`refresh_from_database`) rather than kept in memory, which would miss what other
replicas did.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy import func, select

from bot.events import ActionEvent, CommandEvent, Event, MessageEvent
from bot.outbox import SendError
from bot.store.models import Delivery

if TYPE_CHECKING:
    from bot.events import Platform
    from bot.replies import Reply
    from bot.services import Services

EVENTS = Counter(
    "jobclub_events",
    "Member events handled, by kind (command, action, message) and outcome.",
    ["kind", "outcome"],
)
REPLY_SECONDS = Histogram(
    "jobclub_reply_seconds",
    "Time from an event reaching the core to its replies being ready.",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0),
)
DELIVERIES = Gauge(
    "jobclub_deliveries",
    "Scheduled-message records in the database, by status and kind.",
    ["status", "kind"],
)
DISPATCH_LAG = Gauge(
    "jobclub_dispatcher_lag_seconds",
    "Now minus the oldest due item no dispatcher has taken (0 when nothing waits).",
)
SEND_ERRORS = Counter(
    "jobclub_send_errors",
    "Scheduled sends that failed, by platform and class of error.",
    ["platform", "reason"],
)
DUPLICATES = Counter(
    "jobclub_duplicate_deliveries",
    "Platform deliveries dropped because some replica had already handled them.",
    ["kind"],
)

H = TypeVar("H", bound=Callable[..., Awaitable[list[Any]]])


def event_kind(event: Event) -> str:
    if isinstance(event, CommandEvent):
        return "command"
    if isinstance(event, ActionEvent):
        return "action"
    if isinstance(event, MessageEvent):
        return "message"
    return "other"


def outcome_of(replies: list[Reply]) -> str:
    """ok, ignored (nothing to say), refused (the member's input was not usable), error."""
    if not replies:
        return "ignored"
    errors = [str(r.meta.get("error")) for r in replies if r.meta.get("error")]
    if not errors:
        return "ok"
    return "error" if "internal" in errors else "refused"


def measured(handle: H) -> H:
    """Wraps `JobClubBot.handle`: counts each event by kind and outcome, times its reply."""

    @functools.wraps(handle)
    async def wrapper(self: Any, event: Event) -> list[Any]:
        started = time.perf_counter()
        replies = await handle(self, event)
        kind = event_kind(event)
        REPLY_SECONDS.labels(kind).observe(time.perf_counter() - started)
        EVENTS.labels(kind, outcome_of(replies)).inc()
        return replies

    return wrapper  # type: ignore[return-value]


def duplicate_dropped(kind: str) -> None:
    """A re-sent platform delivery (`event`, `action`) another handling already covered."""
    DUPLICATES.labels(kind).inc()


def failure_reason(error: BaseException) -> str:
    """A class of error fit for a label: never the message, which may name a member."""
    if isinstance(error, SendError):
        if error.retry_after is not None:
            return "rate_limited"
        return "transient" if error.retryable else "permanent"
    if isinstance(error, TimeoutError):
        return "timeout"
    return "unexpected"


def send_failed(platform: Platform | None, error: BaseException) -> None:
    SEND_ERRORS.labels(platform.value if platform else "unknown", failure_reason(error)).inc()


async def refresh_from_database(
    services: Services, next_due: Callable[[], Awaitable[datetime | None]] | None
) -> None:
    """Read the delivery counts and the dispatcher lag from the shared database.

    `next_due` is the dispatcher's own view of the earliest thing it would act on (due
    feature rows, retries that are due, leases that ran out); lag is how far that lies
    in the past. Without a dispatcher (none running) the lag is left untouched.
    """
    async with services.db.session() as session:
        rows = (
            await session.execute(
                select(Delivery.status, Delivery.kind, func.count()).group_by(
                    Delivery.status, Delivery.kind
                )
            )
        ).all()
    DELIVERIES.clear()
    for status, kind, count in rows:
        DELIVERIES.labels(status, kind).set(count)
    if next_due is not None:
        due = await next_due()
        now = services.clock.now()
        DISPATCH_LAG.set(max((now - due).total_seconds(), 0.0) if due is not None else 0.0)


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
