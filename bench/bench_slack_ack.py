"""Slash-command ack latency through the real HTTP stack: our Slack app vs a bare bolt app.

Each app runs in its own process (aiohttp server, bolt AsyncApp, signature checks), the
fake Slack Web API (`tests/slack/fake_slack.py`) in another, and this process sends
correctly signed `/tip` commands over keep-alive connections with a minimal HTTP client
(so the timings are the servers', not the load generator's), timing each until its
HTTP 200 has been read. The bare app has one command listener that acks at once; ours
runs the whole jobclub core on a SQLite file. Three loads, both apps in the same run,
alternating round by round:

- burst: 50 commands sent at once, then a pause until every follow-up has been posted;
- sustained: 50 commands in flight all the time;
- one at a time: the idle case, where our answer rides inside the ack.

It also checks that every command of ours was answered (in the ack or via response_url).

Run: .venv/bin/python bench/bench_slack_ack.py [--requests 3000] [--concurrency 50]
Results: bench/slack_results.md
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.slack import wire  # noqa: E402

QUESTIONS = [
    "thank you note",
    "networking",
    "they hired someone else, now what",
    "salary expectations",
    "",
    "how do I explain a gap in my cv",
]
TEAM = "T0BENCH"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


# -- the servers (run in child processes) --------------------------------------------------


async def serve_bare(port: int, api: str) -> None:
    """A bolt AsyncApp with one command listener that acks immediately."""
    from aiohttp import web
    from slack_bolt.app.async_app import AsyncApp
    from slack_bolt.app.async_server import AsyncSlackAppServer
    from slack_sdk.web.async_client import AsyncWebClient

    app = AsyncApp(
        client=AsyncWebClient(token="xoxb-bench", base_url=api),
        signing_secret=wire.SECRET,
        process_before_response=True,
    )

    @app.command(re.compile(".*"))
    async def command(ack):  # type: ignore[no-untyped-def]
        await ack()

    server = AsyncSlackAppServer(port=port, path="/slack/events", app=app, host="127.0.0.1")
    server.web_app.router.add_get("/healthz", lambda _: web.Response(text="ok"))
    runner = web.AppRunner(server.web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await asyncio.Event().wait()


async def serve_ours(port: int, api: str, db_dir: str, tuning: dict[str, float]) -> None:
    """The real adapter and core, as `jobclub slack` runs them."""
    import logging

    from adapters.slack import SlackTuning, build_slack
    from bot.app import JobClubBot
    from bot.clock import SystemClock
    from bot.settings import Settings

    logging.basicConfig(level=logging.WARNING)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{db_dir}/bench.db",
        jobclub_log_file=Path(db_dir) / "bench.log",
        slack_bot_token="xoxb-bench",
        slack_signing_secret=wire.SECRET,
        slack_api_url=api,
    )
    bot = await JobClubBot.create(settings, SystemClock())
    adapter = await build_slack(
        bot, settings, port=port, host="127.0.0.1", tuning=SlackTuning(**tuning)
    )
    await adapter.run()


# -- the load ------------------------------------------------------------------------------


async def wait_healthy(url: str, session: aiohttp.ClientSession, within: float = 30) -> None:
    deadline = time.monotonic() + within
    while True:
        try:
            async with session.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not come up")
        await asyncio.sleep(0.1)


class Connection:
    """One keep-alive HTTP/1.1 connection with a minimal client: little CPU on our side,
    so the timings are the server's, not the load generator's."""

    def __init__(self, host: str, port: int, path: str) -> None:
        self.host, self.port, self.path = host, port, path
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: str) -> tuple[int, float, int]:
        """Send one signed slash command; (status, seconds until the whole answer, body size)."""
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        data = body.encode()
        head = wire.headers(body, "application/x-www-form-urlencoded")
        lines = [
            f"POST {self.path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Content-Length: {len(data)}",
            "Connection: keep-alive",
        ]
        lines += [f"{k}: {v}" for k, v in head.items()]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode() + data
        start = time.perf_counter()
        self.writer.write(request)
        status_line = await self.reader.readline()
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        if length:
            await self.reader.readexactly(length)
        seconds = time.perf_counter() - start
        return int(status_line.split()[1]), seconds, length

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def command_body(n: int, members: int, response_base: str) -> str:
    return wire.slash_body(
        "/tip",
        QUESTIONS[n % len(QUESTIONS)],
        user_id=f"U{n % members:05d}",
        user_name=f"member{n % members}",
        team_id=TEAM,
        response_url=f"{response_base}/b{n}",
    )


@dataclass
class Tally:
    """What one app did in one mode."""

    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    in_ack: int = 0
    """Commands answered inside the ack (the rest were answered via response_url)."""
    followed_up: int = 0
    """response_url posts the fake received for this app (checked against the empty acks)."""

    def summary(self) -> dict[str, object]:
        ms = [x * 1000 for x in self.latencies]
        return {
            "n": len(ms),
            "p50_ms": round(percentile(ms, 50), 1),
            "p99_ms": round(percentile(ms, 99), 1),
            "mean_ms": round(statistics.fmean(ms), 1),
            "max_ms": round(max(ms), 1),
            "failures": self.failures,
            "over_3s": sum(1 for x in ms if x > 3000),
            "answered_in_ack": self.in_ack,
            "answered_after": self.followed_up,
        }


async def load(
    conns: list[Connection],
    requests: int,
    members: int,
    response_base: str,
    tally: Tally,
    offset: int = 0,
) -> None:
    """`requests` signed /tip commands, one in flight per connection."""
    counter = iter(range(requests))

    async def worker(conn: Connection) -> None:
        for i in counter:
            status, seconds, size = await conn.post(
                command_body(offset + i, members, response_base)
            )
            tally.failures += status != 200
            tally.in_ack += size > 0
            tally.latencies.append(seconds)

    await asyncio.gather(*(worker(c) for c in conns))


class FakeStats:
    """The fake Slack's call counters (it runs in its own process)."""

    def __init__(self, url: str, session: aiohttp.ClientSession) -> None:
        self.url, self.session = url, session

    async def counts(self) -> dict[str, int]:
        async with self.session.get(self.url) as response:
            data = await response.json()
        return {"calls": data["calls"], **data["by_method"]}

    async def quiet(self, still: float = 0.5) -> None:
        """Wait until no call came for `still` seconds (every follow-up delivered)."""
        last, since = -1, time.monotonic()
        while time.monotonic() - since < still:
            count = (await self.counts())["calls"]
            if count != last:
                last, since = count, time.monotonic()
            await asyncio.sleep(0.05)


async def bursts(
    conns: list[Connection],
    fake: FakeStats,
    count: int,
    members: int,
    response_base: str,
    tally: Tally,
    offset: int = 0,
) -> None:
    """`count` bursts of one command per connection at once; after each, wait until quiet."""
    size = len(conns)
    for b in range(count):
        await load(conns, size, members, response_base, tally, offset=offset + b * size)
        await fake.quiet(still=0.15)


class Child:
    """A child process running one of the servers."""

    def __init__(self, args: list[str], log: Path) -> None:
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, *args], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
            )

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def main_async(args: argparse.Namespace) -> dict[str, object]:
    load_before = os.getloadavg()[0]
    fake_port, bare_port, ours_port = free_port(), free_port(), free_port()
    api = f"http://127.0.0.1:{fake_port}/api/"
    response_base = f"http://127.0.0.1:{fake_port}/respond"
    children: list[Child] = []
    tallies: dict[tuple[str, str], Tally] = {}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            logs = Path(tmp)
            fake_args = ["-m", "tests.slack.fake_slack", "--port", str(fake_port), "--quiet"]
            children.append(Child(fake_args, logs / "fake.log"))
            bare_args = [__file__, "--serve", "bare", "--port", str(bare_port), "--api", api]
            children.append(Child(bare_args, logs / "bare.log"))
            ours_args = [__file__, "--serve", "ours", "--port", str(ours_port), "--api", api]
            ours_args += ["--db-dir", tmp, "--tuning", args.tuning]
            children.append(Child(ours_args, logs / "ours.log"))
            async with aiohttp.ClientSession() as session:
                await measure(
                    args,
                    session,
                    fake_port,
                    {"bare": bare_port, "ours": ours_port},
                    response_base,
                    tallies,
                )
        except Exception:
            for child in children:
                print(f"--- {child.log.name}", child.log.read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            for child in children:
                child.stop()
    result: dict[str, object] = {
        "requests_per_app": args.requests,
        "concurrency": args.concurrency,
        "members": args.members,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "tuning": json.loads(args.tuning),
    }
    for mode in ("burst", "sustained", "one at a time"):
        bare, ours = tallies[(mode, "bare")].summary(), tallies[(mode, "ours")].summary()
        result[mode] = {
            "bare": bare,
            "ours": ours,
            "p99_ratio": round(float(ours["p99_ms"]) / float(bare["p99_ms"]), 2),  # type: ignore[arg-type]
            "p50_ratio": round(float(ours["p50_ms"]) / float(bare["p50_ms"]), 2),  # type: ignore[arg-type]
        }
    return result


async def measure(
    args: argparse.Namespace,
    session: aiohttp.ClientSession,
    fake_port: int,
    ports: dict[str, int],
    response_base: str,
    tallies: dict[tuple[str, str], Tally],
) -> None:
    """Warm both apps up, then alternate: bursts and sustained load, app by app, per round."""
    fake = FakeStats(f"http://127.0.0.1:{fake_port}/_stats", session)
    await wait_healthy(fake.url, session)
    for port in ports.values():
        await wait_healthy(f"http://127.0.0.1:{port}/healthz", session)
    conns = {
        name: [Connection("127.0.0.1", port, "/slack/events") for _ in range(args.concurrency)]
        for name, port in ports.items()
    }
    # Warm-up: every member seen once (users.info, member rows), caches filled.
    for name in ports:
        await load(conns[name], args.members * 2, args.members, response_base, Tally())
        await fake.quiet()
    per_round = args.requests // args.rounds
    for r in range(args.rounds):
        for name in ports:
            for mode in ("burst", "sustained"):
                tally = tallies.setdefault((mode, name), Tally())
                before = (await fake.counts()).get("response_url", 0)
                if mode == "burst":  # `concurrency` commands at once, then quiet
                    count = per_round // args.concurrency
                    await bursts(
                        conns[name],
                        fake,
                        count,
                        args.members,
                        response_base,
                        tally,
                        offset=r * per_round,
                    )
                else:  # `concurrency` requests in flight all the time
                    await load(
                        conns[name],
                        per_round,
                        args.members,
                        response_base,
                        tally,
                        offset=r * per_round,
                    )
                await fake.quiet()  # every follow-up delivered before the next phase
                tally.followed_up += (await fake.counts()).get("response_url", 0) - before
    # One at a time: the idle case, where our answer rides in the ack.
    for name in ports:
        tally = tallies.setdefault(("one at a time", name), Tally())
        before = (await fake.counts()).get("response_url", 0)
        await load(conns[name][:1], args.single, args.members, response_base, tally, offset=7)
        await fake.quiet()
        tally.followed_up += (await fake.counts()).get("response_url", 0) - before
    for group in conns.values():
        for conn in group:
            conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="measured requests per app")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--single", type=int, default=300, help="requests one at a time")
    parser.add_argument("--serve", choices=["bare", "ours"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    parser.add_argument("--db-dir", help=argparse.SUPPRESS)
    parser.add_argument(
        "--tuning", default="{}", help="SlackTuning fields for our app, as JSON (e.g. ack_budget)"
    )
    args = parser.parse_args()
    if args.serve == "bare":
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve_bare(args.port, args.api))
        return
    if args.serve == "ours":
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve_ours(args.port, args.api, args.db_dir, json.loads(args.tuning)))
        return
    result = asyncio.run(main_async(args))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
