"""Two `jobclub slack` processes on one PostgreSQL database behave as one bot.

Real processes, real HTTP, one fake Slack Web API (in this process), and a tiny
round-robin proxy in front of the replicas, as a load balancer would be:

- 1,000 signed slash commands through the proxy: each answered once;
- 200 DM events, every one delivered to *both* replicas with the same `event_id` (the
  second copy marked as Slack's retry): each answered once;
- meanwhile 2,000 reminders fall due, and both dispatchers run: each posted once;
- then `kill -9` of one replica in the middle of a 1,000-reminder fan-out, and a restart:
  nothing lost, and only the sends in flight at the kill may repeat (reported).

The figures are printed and recorded in bench/README.md. Runs only against PostgreSQL
(JOBCLUB_TEST_DATABASE_URL; CI must set it). The wait for the killed replica's leases
(two minutes by design) is the one thing not spent in real time: once the surviving
replica has sent everything else, the test ends those leases in the database, exactly
as the clock would have.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from sqlalchemy import func, select, text

from bot import commitments as store
from bot import members
from bot.events import MemberRef, Platform
from bot.outbox import pace_for_rate
from bot.store.database import Database
from bot.store.models import Delivery
from tests.conftest import POSTGRES_URL, reset_postgres
from tests.slack import wire
from tests.slack.fake_slack import TEAM_ID, FakeSlack, dm_channel_for

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = 1_000
EVENTS = 200
REMINDERS = 2_000
FANOUT = 1_000
PER_MEMBER = 5
RATE = 50.0
"""SLACK_MESSAGES_PER_SECOND for each replica (the fake Slack takes any pace)."""
IN_FLIGHT = pace_for_rate(RATE).concurrency
"""The most sends one replica can have in flight, so the most a kill -9 may repeat."""

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="module")]


async def postgres_url() -> str:
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must set JOBCLUB_TEST_DATABASE_URL (see .ci/run)")
        pytest.skip("set JOBCLUB_TEST_DATABASE_URL to run the replica test")
    await reset_postgres(POSTGRES_URL)
    db = Database(POSTGRES_URL)
    try:
        await db.upgrade()
    finally:
        await db.dispose()
    return POSTGRES_URL


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Replica:
    """One `jobclub slack` process in HTTP mode."""

    name: str
    env: dict[str, str]
    slack_port: int
    http_port: int
    process: asyncio.subprocess.Process | None = None

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.slack_port}/slack/events"

    async def start(self, session: aiohttp.ClientSession) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "slack",
            "--port",
            str(self.slack_port),
            env=self.env,
            cwd=self.env["JOBCLUB_WORKDIR"],
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # start-up, not a measurement: poll readiness
            if self.process.returncode is not None:
                err = await self.process.stderr.read() if self.process.stderr else b""
                pytest.fail(f"replica {self.name} exited: {err.decode()[-2000:]}")
            try:
                async with session.get(f"http://127.0.0.1:{self.http_port}/readyz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
        pytest.fail(f"replica {self.name} never became ready")

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)

    async def stop(self) -> float:
        """SIGTERM; returns how long the process took to exit."""
        assert self.process is not None
        if self.process.returncode is not None:
            return 0.0
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 20)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        return time.monotonic() - started


class RoundRobin:
    """The load balancer: each request goes to the next replica in turn."""

    def __init__(self, replicas: list[Replica], session: aiohttp.ClientSession) -> None:
        self.targets = itertools.cycle(replicas)
        self.session = session
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/slack/events", self.forward)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.port = int(self.runner.addresses[0][1])

    async def forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-slack")}
        headers["Content-Type"] = request.headers["Content-Type"]
        target = next(self.targets)
        async with self.session.post(target.events_url, data=body, headers=headers) as answer:
            return web.Response(
                status=answer.status,
                body=await answer.read(),
                content_type=answer.content_type,
            )

    async def close(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


async def seed_reminders(url: str, prefix: str, count: int, due: datetime) -> list[str]:
    """`count` reminders for Slack members (PER_MEMBER each); each text is a unique tag."""
    db = Database(url)
    tags: list[str] = []
    now = datetime.now(UTC)
    try:
        async with db.session() as session:
            for start in range(0, count, PER_MEMBER):
                user = f"U{prefix}{start // PER_MEMBER:05d}"
                ref = MemberRef(Platform.SLACK, TEAM_ID, user, user, tz_hint="UTC")
                _, member = await members.resolve(session, db.dialect, ref, now)
                member.nudge_offered = True  # keep the one-time welcome offer out of it
                for n in range(start, min(start + PER_MEMBER, count)):
                    tag = f"{prefix}{n:05d}Q"
                    await store.create(session, member, f"send form {tag}", due, now)
                    tags.append(tag)
    finally:
        await db.dispose()
    return tags


def posted(fake: FakeSlack, tags: list[str]) -> Counter[str]:
    """How many times each tagged reminder reached Slack."""
    wanted = set(tags)
    seen: Counter[str] = Counter()
    for call in fake.of("chat.postMessage"):
        body = str(call.params)
        for word in body.replace('"', " ").replace("\\", " ").split():
            tag = word.strip(".,:;'*_`")
            if tag in wanted:
                seen[tag] += 1
                break
    return seen


async def delivery_counts(url: str) -> Counter[str]:
    db = Database(url)
    try:
        async with db.session() as session:
            rows = await session.execute(
                select(Delivery.status, func.count()).group_by(Delivery.status)
            )
            return Counter({status: n for status, n in rows.all()})
    finally:
        await db.dispose()


async def until(check: object, within: float, what: str) -> None:
    """Poll `check()` (sync or async) until true; the replicas run in other processes."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        result = check()  # type: ignore[operator]
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}")


@dataclass
class Cluster:
    """Two replicas behind the proxy, and what the three phases below hand on and report."""

    fake: FakeSlack
    replicas: list[Replica]
    proxy: RoundRobin
    session: aiohttp.ClientSession
    url: str
    started: float = 0.0
    tags: list[str] = field(default_factory=list)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cluster(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    """One cluster for the module: its phases are separate tests, each asserting one
    guarantee, so a failure names the guarantee and no single test runs long."""
    url = await postgres_url()
    tmp_path = tmp_path_factory.mktemp("replicas")
    fake = FakeSlack()
    fake.auto_users = True
    await fake.start()
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64))
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    replicas = []
    for name in ("a", "b"):
        workdir = tmp_path / name
        workdir.mkdir()
        env = base | {
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": wire.SECRET,
            "SLACK_API_URL": fake.url,
            "SLACK_MESSAGES_PER_SECOND": str(RATE),
            "JOBCLUB_DISPATCH_SECONDS": "0.5",
            "JOBCLUB_HTTP_PORT": str(free_port()),
            "JOBCLUB_LOG_FILE": str(workdir / "jobclub.log"),
            "JOBCLUB_LOG_LEVEL": "WARNING",
            "JOBCLUB_TIMEZONE": "UTC",
            "JOBCLUB_WORKDIR": str(workdir),
            "PYTHONPATH": str(ROOT),
        }
        replicas.append(Replica(name, env, free_port(), int(env["JOBCLUB_HTTP_PORT"])))
    await asyncio.gather(*(r.start(session) for r in replicas))
    proxy = RoundRobin(replicas, session)
    await proxy.start()
    found = Cluster(fake, replicas, proxy, session, url)
    # 2,000 reminders due now: both dispatchers start on them as the traffic test begins.
    found.tags = await seed_reminders(url, "R", REMINDERS, datetime.now(UTC))
    found.started = time.monotonic()
    try:
        yield found
    finally:
        await proxy.close()
        for replica in replicas:
            await replica.stop()
        await session.close()
        await fake.close()


def report(capsys: pytest.CaptureFixture[str], line: str) -> None:
    """Print a figure even while output is captured: CI's log is where bench/README's
    replica figures come from."""
    with capsys.disabled():
        print("\n" + line)


async def test_signed_commands_through_the_proxy_are_answered_once_while_reminders_fall_due(
    cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    """The cluster's reminders fall due while this traffic is answered (a later test
    checks them)."""
    fake = cluster.fake
    through_proxy = wire.SlackSender(
        f"http://127.0.0.1:{cluster.proxy.port}/slack/events", cluster.session
    )
    topics = ["networking", "salary", "thank you note", "first day", "nerves", "portfolio"]
    gate = asyncio.Semaphore(24)
    acks: dict[int, wire.Answer] = {}

    async def command(n: int) -> None:
        body = wire.slash_body(
            "/tip",
            topics[n % len(topics)],
            user_id=f"U0C{n % 50:03d}",
            response_url=fake.response_url(f"c{n}"),
        )
        async with gate:
            acks[n] = await through_proxy.command(body)

    await asyncio.gather(*(command(n) for n in range(COMMANDS)))
    assert all(a.status == 200 for a in acks.values())

    def answers_to(n: int) -> int:
        in_ack = 1 if acks[n].body.strip() else 0
        return in_ack + len([c for c in fake.of("response_url") if c.params.get("_key") == f"c{n}"])

    await until(lambda: all(answers_to(n) for n in range(COMMANDS)), 120, "command answers")
    per_command = Counter(answers_to(n) for n in range(COMMANDS))
    report(
        capsys,
        f"replicas: 2 × `jobclub slack` on PostgreSQL: {COMMANDS} commands through the proxy "
        f"({sum(k - 1 for k in per_command.elements() if k > 1)} answered twice, "
        f"{per_command[0]} lost)",
    )
    assert per_command == {1: COMMANDS}, per_command


async def test_an_event_delivered_to_both_replicas_is_handled_once(
    cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each DM event reaches both replicas with the same `event_id`, the second copy
    marked as Slack's retry, as when a load balancer sends the retry elsewhere."""
    fake = cluster.fake
    direct = [wire.SlackSender(r.events_url, cluster.session) for r in cluster.replicas]
    gate = asyncio.Semaphore(24)

    async def event(n: int) -> None:
        user = f"U0E{n:04d}"
        body = wire.event_body(
            wire.dm_event("hello", user_id=user, channel=dm_channel_for(user)),
            event_id=f"Ev{n:08d}",
        )
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        first, second = (direct[0], direct[1]) if n % 2 else (direct[1], direct[0])
        async with gate:
            answers = await asyncio.gather(first.event(body), second.event(body, extra=retry))
        assert [a.status for a in answers] == [200, 200]

    await asyncio.gather(*(event(n) for n in range(EVENTS)))

    def dm_answers(n: int) -> int:
        channel = dm_channel_for(f"U0E{n:04d}")
        return len([c for c in fake.of("chat.postMessage") if c.params.get("channel") == channel])

    await until(lambda: all(dm_answers(n) for n in range(EVENTS)), 60, "DM answers")
    per_event = Counter(dm_answers(n) for n in range(EVENTS))
    report(
        capsys,
        f"{EVENTS} events sent to both replicas "
        f"({sum(k - 1 for k in per_event.elements() if k > 1)} handled twice, "
        f"{per_event[0]} lost)",
    )
    assert per_event == {1: EVENTS}, per_event


async def test_the_reminders_due_meanwhile_are_posted_once_each(
    cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cluster.tags, "the cluster seeds these reminders"
    await until(lambda: len(posted(cluster.fake, cluster.tags)) == REMINDERS, 120, "every reminder")
    await until(lambda: _settled(cluster.url, REMINDERS), 30, "every delivery recorded as sent")
    reminders = posted(cluster.fake, cluster.tags)
    report(
        capsys,
        f"{REMINDERS} reminders by both dispatchers in {time.monotonic() - cluster.started:.0f} s "
        f"of traffic: {sum(n - 1 for n in reminders.values())} posted twice, "
        f"{REMINDERS - len(reminders)} lost",
    )
    assert set(reminders.values()) == {1} and len(reminders) == REMINDERS


async def test_kill_9_in_a_fan_out_loses_nothing_and_repeats_only_sends_in_flight(
    cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    fake, replicas, url = cluster.fake, cluster.replicas, cluster.url
    await until(lambda: _settled(url, REMINDERS), 60, "the earlier reminders recorded")
    fan_tags = await seed_reminders(url, "F", FANOUT, datetime.now(UTC))
    await until(lambda: len(posted(fake, fan_tags)) >= FANOUT // 3, 60, "the fan-out to start")
    replicas[0].kill()
    await replicas[0].process.wait()  # type: ignore[union-attr]
    at_kill = sum(posted(fake, fan_tags).values())
    await replicas[0].start(cluster.session)
    # The survivor (and the restarted replica) send everything not leased by the dead one;
    # what the dead one held comes back when its lease ends (here: ended in the database).
    await until(lambda: _only_dead_leases_left(url, fake, fan_tags), 60, "the rest")
    await _end_leases(url)
    await until(lambda: len(posted(fake, fan_tags)) == FANOUT, 60, "the dead replica's lease")
    await until(lambda: _settled(url, REMINDERS + FANOUT), 30, "all recorded")
    fan = posted(fake, fan_tags)
    fan_repeats = sum(n - 1 for n in fan.values())
    stop_seconds = [await r.stop() for r in replicas]
    report(
        capsys,
        f"kill -9 mid fan-out of {FANOUT} (after {at_kill} sent): "
        f"{sum(fan.values())} sends, {fan_repeats} repeated, {FANOUT - len(fan)} lost; "
        f"SIGTERM exits in {max(stop_seconds):.1f} s",
    )
    assert len(fan) == FANOUT  # nothing lost
    assert fan_repeats <= IN_FLIGHT  # at most the sends in flight at the kill
    assert max(stop_seconds) < 10


async def _settled(url: str, total: int) -> bool:
    counts = await delivery_counts(url)
    return counts["sent"] >= total and not counts["pending"] and not counts["sending"]


async def _only_dead_leases_left(url: str, fake: FakeSlack, tags: list[str]) -> bool:
    """The sends stopped moving: what is still `sending` is held by the killed process
    (a live replica records each send as it returns), and what is pending waits behind it
    (a member's next reminder waits for the one before)."""
    before = sum(posted(fake, tags).values())
    counts = await delivery_counts(url)
    await asyncio.sleep(1.5)
    again = await delivery_counts(url)
    return again == counts and sum(posted(fake, tags).values()) == before


async def _end_leases(url: str) -> None:
    """Do what two minutes of waiting would: the dead replica's leases run out."""
    db = Database(url)
    try:
        async with db.session() as session:
            await session.execute(
                text(
                    "UPDATE deliveries SET lease_until = now() - interval '1 second' "
                    "WHERE status = 'sending'"
                )
            )
    finally:
        await db.dispose()
