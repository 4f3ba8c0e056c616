"""Fan-out at the platform's pace: thousands of nudges due at one instant.

    .venv/bin/python bench/bench_fanout.py [--members 10000] [--reminders N]
        [--platforms slack,discord] [--slack-limit 100] [--discord-limit 50]
        [--latency 0.08] [--flaky 0.1] [--slack-glitch 503] [--discord-glitch 502]
        [--sequential] [--dispatcher-only] [--history-days N]

Seeds `--members` members whose daily nudge is due now and `--reminders` (default one
per ten members) commitments due at the same instant, then delivers them through the
real Slack adapter against the fake Web API and through the real Discord adapter against
the fake REST API. Each fake runs in its own process and enforces its rate limit with 429
and `Retry-After`, answers after `--latency` and fails `--flaky` of calls with a 5xx.
Meanwhile a probe sends `/tip` to the core every 50 ms.

On SQLite (a file in a temporary directory) always; on PostgreSQL too when
JOBCLUB_TEST_DATABASE_URL is set (its public schema is dropped and rebuilt).
`--sequential` runs the same workload one send at a time; `--dispatcher-only` measures
the dispatcher alone, with a send that only waits the round trip.

Deliveries per second: the first 99% of them over the time until they had gone (the
last 1% wait out a retry backoff; the time to the last member says how long).
Dispatcher CPU per delivery: the CPU charged to the dispatcher (`bench/cpu_accounts.py`):
every event-loop callback run in its tasks' context, every aiosqlite call it submitted
(timed in the driver's thread), and its share, by SQL statements, of the CPU no account
claims (e.g. PostgreSQL socket reads on pooled connections). The adapter's sends, the
probe and the loop-block heartbeat are charged to their own accounts.
Loop block: the longest a due heartbeat waited for the event loop, in loop-thread CPU,
and whose callbacks it waited behind (`bench/loop_watch.py`).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.cpu_accounts import ACCOUNT, CpuAccounts, account, charged
from bench.host_steal import HostSteal
from bench.loop_watch import TARGET, LoopWatch
from bot.app import JobClubBot, freeze_startup_objects
from bot.clock import SystemClock
from bot.events import CommandEvent, MemberRef, Place, Platform
from bot.outbox import Pace, pace_for_rate, pace_of
from bot.scheduling import Outgoing
from bot.settings import Settings
from bot.store.database import Database
from bot.store.models import Club, Commitment, Delivery, Member

SLACK_TEAM = "T0CLUB"
DISCORD_GUILD = "1100000000000000002"
DISCORD_USER_BASE = 1_400_000_000_000_000_000
DISCORD_DM_BASE = 1_500_000_000_000_000_000
CHUNK = 5_000
PROBE_EVERY = 0.05
TIMEOUT = 900.0
POOL_WARM = 20
"""Database connections opened before the fan-out (more than the pool keeps)."""


# -- the fake platform, in its own process -----------------------------------------------------


def fake_main(platform: str, options: dict[str, Any], conn: Any) -> None:
    asyncio.run(_fake(platform, options, conn))


async def _fake(platform: str, options: dict[str, Any], conn: Any) -> None:
    from tests.platform_limits import PlatformLimits

    limits = PlatformLimits(
        rate=options["limit"],
        burst=options["limit"],
        latency=options["latency"],
        flaky=options["flaky"],
        flaky_status=options["glitch"],
    )
    fake: Any
    if platform == "slack":
        from tests.slack.fake_slack import FakeSlack

        fake = FakeSlack()
        fake.auto_users = True
        await fake.start()
        urls = {"api": fake.url}
    else:
        from tests.discord.fake_discord import FakeDiscord

        fake = FakeDiscord()
        for i in range(options["members"]):
            fake.dm_channels[str(DISCORD_USER_BASE + i)] = str(DISCORD_DM_BASE + i)
        await fake.start()
        urls = {"api": fake.api_url, "gateway": fake.gateway_url}
    conn.send(urls)
    fake.limits = limits  # after start-up: the login is not part of the fan-out
    await asyncio.to_thread(conn.recv)  # "stop"
    received: list[tuple[str, str, float]] = []
    if platform == "slack":
        for call in fake.calls:
            if call.method == "chat.postMessage" and call.ok:
                key = str(call.params.get("text") or "")[:300]
                received.append((str(call.params["channel"]), key, call.at))
    else:
        for call in fake.calls:
            if call.method == "POST" and call.status == 200 and call.path.endswith("/messages"):
                body = call.body or {}
                key = json.dumps([body.get("content"), body.get("embeds")])[:300]
                received.append((call.path.split("/")[2], key, 0.0))
    conn.send(
        {
            "received": received,
            "limited": limits.limited,
            "failed": limits.failed,
            "calls": len(fake.calls),
        }
    )
    if platform == "slack":
        await fake.close()
    else:
        await fake.stop()


# -- seeding -----------------------------------------------------------------------------------


async def warm_pool(db: Database, connections: int) -> None:
    """Open `connections` database connections at once and hand them back to the pool."""
    gate = asyncio.Event()

    async def hold() -> None:
        async with db.session() as session:
            await session.execute(text("SELECT 1"))
            await gate.wait()

    holders = [asyncio.create_task(hold()) for _ in range(connections)]
    await asyncio.sleep(0.2)
    gate.set()
    await asyncio.gather(*holders, return_exceptions=True)


async def reset(url: str) -> None:
    if url.startswith("postgresql"):
        engine = create_async_engine(url.replace("postgresql://", "postgresql+asyncpg://", 1))
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()


def user_of(platform: str, i: int) -> tuple[str, str]:
    """(user id, DM channel id) as each platform spells them."""
    if platform == "slack":
        return f"U{i:08d}", f"D{i:08d}"
    return str(DISCORD_USER_BASE + i), str(DISCORD_DM_BASE + i)


async def seed(
    db: Database,
    platform: str,
    members: int,
    reminders: int,
    due: datetime,
    history_days: int = 0,
) -> None:
    """One club; every member takes daily nudges due at `due`; the first `reminders`
    members also have a commitment due then. Members were DMed before (DM ids known),
    and got a nudge on each of the `history_days` days before."""
    created = due - timedelta(days=30)
    external = SLACK_TEAM if platform == "slack" else DISCORD_GUILD
    async with db.engine.begin() as conn:
        await conn.execute(
            insert(Club.__table__),
            [
                {
                    "id": 1,
                    "platform": platform,
                    "external_id": external,
                    "name": "Big club",
                    "default_tz": "UTC",
                    "created_at": created,
                }
            ],
        )
        for start in range(0, members, CHUNK):
            rows = []
            for i in range(start, min(start + CHUNK, members)):
                user, dm = user_of(platform, i)
                rows.append(
                    {
                        "id": i + 1,
                        "club_id": 1,
                        "user_id": user,
                        "display_name": f"Member {i}",
                        "tz": "UTC",
                        "dm_channel_id": dm,
                        "nudges_on": True,
                        "nudge_minutes": due.hour * 60 + due.minute,
                        "nudge_days": "1234567",
                        "next_nudge_at": due,
                        "nudge_offered": True,
                        "created_at": created,
                        "last_seen_at": created,
                    }
                )
            await conn.execute(insert(Member.__table__), rows)
        rows = [
            {
                "id": i + 1,
                "member_id": i + 1,
                "number": 1,
                "text": f"Send the thank-you note to interviewer {i}",
                "due_at": due,
                "status": "open",
                "source": "manual",
                "next_reminder_at": due,
                "reminder_stage": "due",
                "schedule_rev": 1,
                "created_at": created,
                "updated_at": created,
            }
            for i in range(reminders)
        ]
        for start in range(0, len(rows), CHUNK):
            await conn.execute(insert(Commitment.__table__), rows[start : start + CHUNK])
        for day in range(1, history_days + 1):
            # Yesterday's nudges and the days before, sent: what a running club's
            # deliveries table holds (90 days are kept) when 09:00 comes.
            at = due - timedelta(days=day)
            for start in range(0, members, CHUNK):
                await conn.execute(
                    insert(Delivery.__table__),
                    [
                        {
                            "key": f"nudge:{i + 1}:{at.date().isoformat()}",
                            "kind": "nudge",
                            "member_id": i + 1,
                            "due_at": at,
                            "status": "sent",
                            "attempts": 1,
                            "late": False,
                            "payload": {},
                            "useful_until": at + timedelta(hours=12),
                            "sent_at": at,
                            "created_at": at,
                        }
                        for i in range(start, min(start + CHUNK, members))
                    ],
                )
        if db.dialect == "postgresql":
            await conn.execute(text("SELECT setval('members_id_seq', :n)"), {"n": members})
            await conn.execute(text("SELECT setval('clubs_id_seq', 1)"))
            await conn.execute(
                text("SELECT setval('commitments_id_seq', :n)"), {"n": reminders + 1}
            )


def todays(*columns: Any, due: datetime) -> Any:
    """A query of the fan-out's own deliveries: due at the seeded instant exactly, so
    neither the `--history-days` rows nor what falls due during the run count (the
    probe member's welcome offer comes a minute after its first `/tip`: a run over a
    minute long used to wait for a total it had passed, until the timeout)."""
    table = Delivery.__table__
    return select(*columns).select_from(table).where(table.c.due_at == due)


# -- one run -----------------------------------------------------------------------------------


@dataclass
class Result:
    database: str
    platform: str
    limit: float
    expected: int
    delivered: int = 0
    duplicates: int = 0
    lost: int = 0
    seconds_to_last: float = 0.0
    bulk: int = 0
    """The first 99% of the deliveries (by when they were sent)."""
    bulk_seconds: float = 0.0
    """When the last of those went, from the start of the fan-out."""
    cpu_per_delivery_ms: float = 0.0
    cpu_detail: str = ""
    probe_ms: list[float] = field(default_factory=list)
    loop_block_ms: float = 0.0
    loop_block_wall_ms: float = 0.0
    loop_block_at: float = 0.0
    loop_block_by: str = ""
    loop_block_gc_ms: float = 0.0
    loop_block_between_ms: float = 0.0
    loop_waits_over_10ms: int = 0
    full_collections: str = ""
    host: str = ""
    """Waits over the target and what the host took of the machine around each."""

    limited: int = 0
    failed_calls: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Deliveries a second while the fan-out ran: the first 99% over the time until
        they had gone. The last 1% are deliveries that failed even after the adapter's
        own retries, waiting out the dispatcher's backoff (30 s, then 1 min...), and a
        member's next message waiting behind such a one: that is the retry policy and
        per-member order, not the pace, and shows in `seconds_to_last`."""
        return self.bulk / self.bulk_seconds if self.bulk_seconds else 0.0

    def p(self, q: float) -> float:
        if not self.probe_ms:
            return 0.0
        ordered = sorted(self.probe_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def line(self) -> str:
        return (
            f"fanout {self.database} {self.platform}: {self.rate:.1f}/s of {self.limit:.1f}/s "
            f"limit ({100 * self.rate / self.limit:.0f}%), duplicates {self.duplicates}, "
            f"lost {self.lost}, interactive p99 {self.p(0.99):.0f} ms, "
            f"cpu/delivery {self.cpu_per_delivery_ms:.2f} ms"
        )

    def detail(self) -> str:
        return (
            f"  {self.delivered}/{self.expected} delivered; the first {self.bulk} (99%) in "
            f"{self.bulk_seconds:.1f} s, the last member "
            f"{self.seconds_to_last:.1f} s after the fan-out began; probe p50 {self.p(0.5):.0f} "
            f"ms p99 {self.p(0.99):.0f} ms max {max(self.probe_ms, default=0):.0f} ms "
            f"({len(self.probe_ms)} commands); max loop block {self.loop_block_ms:.1f} ms "
            f"({self.loop_block_at:.1f} s in: {self.loop_block_by}; garbage collection "
            f"{self.loop_block_gc_ms:.1f} of it; longest on the wall "
            f"{self.loop_block_wall_ms:.1f} ms; {self.loop_waits_over_10ms} waits over 10 ms; "
            f"CPU between beats, the figure before session 7: "
            f"{self.loop_block_between_ms:.1f} ms); {self.host}; {self.full_collections}; "
            f"fake answered {self.limited} × 429 "
            f"and {self.failed_calls} × 5xx; deliveries {self.statuses}\n  cpu: {self.cpu_detail}"
        )


async def build_adapter(bot: JobClubBot, settings: Settings, platform: str, limit: float) -> Any:
    if platform == "slack":
        from adapters.slack.app import SlackAdapter, SlackTuning
        from adapters.slack.pacing import Pacer

        pacer = Pacer(workspace=limit, workspace_burst=max(1.0, min(20.0, limit / 2)))
        return SlackAdapter(bot, settings, tuning=SlackTuning(pacer=pacer))
    from adapters.discord.client import build_discord
    from adapters.discord.outbox import GlobalLimit

    adapter = await build_discord(bot, settings)
    adapter.outbox.limit = GlobalLimit(limit)
    return adapter


async def run_one(
    database: str, url: str, platform: str, args: argparse.Namespace, tmp: Path
) -> Result:
    limit = args.slack_limit if platform == "slack" else args.discord_limit
    reminders = args.reminders if args.reminders is not None else args.members // 10
    expected = args.members + reminders
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    options = {
        "limit": limit,
        "latency": args.latency,
        "flaky": args.flaky,
        "glitch": args.slack_glitch if platform == "slack" else args.discord_glitch,
        "members": args.members,
    }
    process = ctx.Process(target=fake_main, args=(platform, options, child), daemon=True)
    process.start()
    urls = await _from_fake(parent, process, 60.0)

    await reset(url)
    env = {
        "database_url": url,
        "jobclub_log_file": str(tmp / "jobclub.log"),
        "jobclub_timezone": "UTC",
    }
    if platform == "slack":
        env |= {
            "slack_bot_token": "xoxb-bench",
            "slack_signing_secret": "bench-secret",
            "slack_api_url": urls["api"],
        }
    else:
        env |= {
            "discord_token": "bench.token.x",
            "discord_api_url": urls["api"],
            "discord_gateway_url": urls["gateway"],
        }
    settings = Settings(_env_file=None, **env)  # type: ignore[call-arg]
    db = Database(settings.database_url)
    await db.upgrade()
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)
    await seed(db, platform, args.members, reminders, due, args.history_days)
    bot = await JobClubBot.create(settings, SystemClock(), db=db)
    freeze_startup_objects()
    adapter = await build_adapter(bot, settings, platform, limit)
    serving: asyncio.Task[None] | None = None
    if platform == "discord":
        serving = asyncio.create_task(adapter.run())
        await asyncio.wait_for(adapter.logged_in.wait(), 30)
    outbox = adapter.outbox

    async def deliver(item: Outgoing, at: datetime) -> str | None:
        assert item.member is not None
        return await charged("adapter", outbox.send_dm(item.member, item.reply))

    deliver.pace = Pace() if args.sequential else pace_of(outbox)  # type: ignore[attr-defined]
    dispatcher = bot.dispatcher(deliver)
    # As the launcher does once the adapter is up: the /tip matcher built and the
    # dispatcher's statements compiled before the start-up freeze.
    bot.services.tip_index.warm()
    await dispatcher.warm()
    freeze_startup_objects()
    accounts = CpuAccounts()
    accounts.install(db.engine.sync_engine)

    result = Result(database, platform, limit, expected)
    prober = MemberRef(platform_of(platform), club_external(platform), *probe_user(platform))
    stop = asyncio.Event()

    async def probe() -> None:
        ACCOUNT.set("probe")  # this task's own context: its steps and queries are the probe's
        while not stop.is_set():
            started = time.perf_counter()
            event = CommandEvent(prober, Place.channel("C0PROBE"), "tip", "thank you note")
            await bot.handle(event)
            result.probe_ms.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(max(0.0, PROBE_EVERY - (time.perf_counter() - started)))

    # Warm up what a running bot has warm already: the /tip matcher, the pooled database
    # connections (opened here, unclaimed: on PostgreSQL their socket reads are then
    # shared out by statements instead of charged to whoever happened to open them).
    await bot.handle(CommandEvent(prober, Place.channel("C0PROBE"), "tip", "thank you note"))
    await warm_pool(db, POOL_WARM)
    await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))

    gc.collect()
    with account("heartbeat"):
        watch = LoopWatch()
        watch.start()
    steal = HostSteal()
    steal.start()
    probe_task = asyncio.create_task(probe())
    accounts.start()
    started = time.time()
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        with account("dispatcher"):
            await dispatcher.tick()  # the heartbeat: a tick, then JOBCLUB_DISPATCH_SECONDS
        with account("bench"):
            async with db.session() as session:
                open_ = await session.scalar(
                    text("SELECT count(*) FROM deliveries WHERE status IN ('pending', 'sending')")
                )
                total = await session.scalar(todays(func.count(), due=due))
        if total == expected and not open_:
            break
        await asyncio.sleep(1.0)
    accounts.stop()
    stop.set()
    await probe_task
    watch.stop()
    steal.stop()
    accounts.uninstall()
    async with db.session() as session:
        status = Delivery.__table__.c.status
        rows = await session.execute(todays(status, func.count(), due=due).group_by(status))
        result.statuses = {str(s): int(n) for s, n in rows.all()}
        sent = (
            await session.execute(
                todays(Delivery.sent_at, Delivery.attempts, due=due).where(status == "sent")
            )
        ).all()

    parent.send("stop")
    report = await _from_fake(parent, process, 120.0)
    process.join(10)
    # The seeded members' DMs only: a run over a minute long also sends the probe member
    # its welcome offer, which is neither expected nor lost.
    seeded = {user_of(platform, i)[1] for i in range(args.members)}
    counts = Counter((channel, key) for channel, key, _ in report["received"] if channel in seeded)
    result.delivered = len(counts)
    result.duplicates = sum(n - 1 for n in counts.values())
    result.lost = expected - len(counts)
    result.limited, result.failed_calls = report["limited"], report["failed"]
    since = max(started, due.timestamp())
    seconds = sorted(_instant(at).timestamp() - since for at, _ in sent)
    result.seconds_to_last = seconds[-1] if seconds else time.time() - started
    result.bulk = math.ceil(0.99 * len(seconds))
    result.bulk_seconds = seconds[result.bulk - 1] if seconds else 0.0
    result.cpu_per_delivery_ms = 1000 * accounts.charged("dispatcher") / max(result.delivered, 1)
    per = 1000 / max(result.delivered, 1)
    result.cpu_detail = (
        f"process {accounts.process * per:.2f} ms a delivery (event loop thread "
        f"{accounts.loop_thread * per:.2f}); by account: {accounts.breakdown(per)}"
    )
    result.loop_block_ms = watch.worst * 1000
    result.loop_block_wall_ms = watch.worst_wall * 1000
    result.loop_block_at = watch.worst_at
    result.loop_block_by = ", ".join(f"{name} {cpu * 1000:.1f}" for name, cpu in watch.worst_by[:3])
    result.loop_block_between_ms = watch.worst_between * 1000
    result.loop_block_gc_ms = watch.worst_gc * 1000
    result.loop_waits_over_10ms = watch.share_over(0.010)
    fulls = [f"{at:.1f} s in {cpu * 1000:.1f} ms ({freed} freed)" for at, cpu, freed in watch.full]
    result.full_collections = f"full collections on the loop: {', '.join(fulls) or 'none'}"
    result.host = _host_report(watch, steal)

    await adapter.close()
    if serving is not None:
        serving.cancel()
    await bot.close()
    return result


def _host_report(watch: LoopWatch, steal: HostSteal) -> str:
    """The waits over the target, each with the share of the machine the host took
    around it, and the host's share over the run (`bench/host_steal.py`)."""

    def percent(share: float | None) -> str:
        return "?" if share is None else f"{100 * share:.0f}%"

    waits = [
        f"{cpu * 1000:.1f} ms at {ended - watch.began:.1f} s "
        f"(host {percent(steal.share(began, ended))})"
        for began, ended, cpu in watch.over
    ]
    over = f"waits over {TARGET * 1000:.0f} ms: {len(waits)}"
    if waits:
        over += f" ({', '.join(waits[:5])}{', …' if len(waits) > 5 else ''})"
    if not steal.available:
        return over
    return f"{over}; the host took {percent(steal.overall())} of the CPUs over the run"


async def _from_fake(conn: Any, process: Any, seconds: float) -> Any:
    """The fake's next message; a fake that died or went silent ends the run with a reason
    instead of leaving it waiting for ever."""
    if not await asyncio.to_thread(conn.poll, seconds):
        alive = "still running" if process.is_alive() else f"exited with {process.exitcode}"
        raise RuntimeError(f"the fake platform sent nothing in {seconds:.0f} s ({alive})")
    return conn.recv()


def _instant(value: Any) -> datetime:
    """A timestamp column as an aware datetime (SQLite hands back text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def platform_of(name: str) -> Platform:
    return Platform.SLACK if name == "slack" else Platform.DISCORD


def club_external(name: str) -> str:
    return SLACK_TEAM if name == "slack" else DISCORD_GUILD


def probe_user(name: str) -> tuple[str, str]:
    return ("U99999999", "Probe") if name == "slack" else ("1300000000000000099", "Probe")


async def dispatcher_alone(database: str, url: str, args: argparse.Namespace, tmp: Path) -> str:
    """The dispatcher's own CPU: the same seeded crowd through a send that only waits the
    round trip (no adapter, no fake, no probe), at a pace of `--slack-limit` a second."""
    await reset(url)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=url,
        jobclub_log_file=str(tmp / "jobclub.log"),
        jobclub_timezone="UTC",
    )
    db = Database(settings.database_url)
    await db.upgrade()
    reminders = args.reminders if args.reminders is not None else args.members // 10
    now = datetime.now(UTC).replace(microsecond=0)
    await seed(db, "slack", args.members, reminders, now, args.history_days)
    bot = await JobClubBot.create(settings, SystemClock(), db=db)

    async def deliver(item: Outgoing, at: datetime) -> str | None:
        await asyncio.sleep(args.latency)
        return item.member.dm_channel_id if item.member else None

    deliver.pace = pace_for_rate(args.slack_limit)  # type: ignore[attr-defined]
    dispatcher = bot.dispatcher(deliver)
    await dispatcher.warm()
    freeze_startup_objects()
    gc.collect()
    cpu, loop_cpu, began = time.process_time(), time.thread_time(), time.monotonic()
    sent = 0
    while sent < args.members + reminders:
        sent += await dispatcher.tick()
        if not dispatcher.last_report.busy:
            break
    cpu, loop_cpu = time.process_time() - cpu, time.thread_time() - loop_cpu
    took = time.monotonic() - began
    await bot.close()
    per = 1000 / max(sent, 1)
    return (
        f"dispatcher alone {database}: {sent} deliveries in {took:.1f} s, cpu/delivery "
        f"{cpu * per:.2f} ms (event loop thread {loop_cpu * per:.2f}, database driver "
        f"{(cpu - loop_cpu) * per:.2f})"
    )


async def run(args: argparse.Namespace) -> list[Result]:
    databases: list[tuple[str, str | None]] = [("sqlite", None)]
    if os.environ.get("JOBCLUB_TEST_DATABASE_URL"):
        databases.append(("postgres", os.environ["JOBCLUB_TEST_DATABASE_URL"]))
    results = []
    if args.dispatcher_only:
        for database, url in databases:
            with tempfile.TemporaryDirectory() as tmp:
                db_url = url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
                print(await dispatcher_alone(database, db_url, args, Path(tmp)), flush=True)
        return results
    for database, url in databases:
        for platform in args.platforms.split(","):
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp)
                db_url = url or f"sqlite+aiosqlite:///{path / 'bench.db'}"
                began = time.monotonic()
                result = await run_one(database, db_url, platform, args, path)
                print(result.detail(), f"(run took {time.monotonic() - began:.0f} s)", flush=True)
                print(result.line(), flush=True)
                results.append(result)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--reminders", type=int, default=None)
    parser.add_argument("--platforms", default="slack,discord")
    parser.add_argument("--slack-limit", type=float, default=100.0)
    parser.add_argument("--discord-limit", type=float, default=50.0)
    parser.add_argument("--latency", type=float, default=0.08)
    parser.add_argument("--flaky", type=float, default=0.1)
    parser.add_argument("--slack-glitch", type=int, default=503)
    parser.add_argument("--discord-glitch", type=int, default=502)
    parser.add_argument("--sequential", action="store_true")
    parser.add_argument(
        "--history-days",
        type=int,
        default=0,
        help="seed this many earlier days of sent nudges per member (a running club's table)",
    )
    parser.add_argument(
        "--dispatcher-only",
        action="store_true",
        help="measure the dispatcher's own CPU with a send that only waits (no platform)",
    )
    args = parser.parse_args()
    mode = "sequential (one send at a time)" if args.sequential else "concurrent (declared pace)"
    print(
        f"{args.members} members' nudges and {args.reminders or args.members // 10} reminders "
        f"due at once; {mode}; fake: {args.latency * 1000:.0f} ms, {args.flaky:.0%} 5xx"
        + (f"; {args.history_days} earlier days of sent nudges" if args.history_days else ""),
        flush=True,
    )
    began = time.monotonic()
    results = asyncio.run(run(args))
    print(f"total {time.monotonic() - began:.0f} s")
    print("\n".join(r.line() for r in results))


if __name__ == "__main__":
    main()
