"""The console adapter: scripted mode through the real CLI, and ConsoleSession in-process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.console.clockspec import ClockSpecError, parse_instant, parse_target
from adapters.console.session import ConsoleSession
from bot import members
from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.events import MemberRef, Platform
from bot.features import Feature, load_features
from bot.replies import Button, Reply
from bot.router import Router
from bot.scheduling import DueItem, ScheduledWork
from bot.services import Services
from bot.store.models import Delivery
from tests.conftest import START, make_settings

BERLIN = ZoneInfo("Europe/Berlin")
JSON_KEYS = {"member", "where", "text", "buttons", "meta"}


# --- the real CLI in a subprocess -------------------------------------------------------


def console_env(tmp_path: Path) -> dict[str, str]:
    """The caller's environment without anything that points the bot at real data."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "DATABASE_URL" and not k.startswith(("JOBCLUB_", "SLACK_", "DISCORD_"))
    }
    env["JOBCLUB_LOG_FILE"] = str(tmp_path / "jobclub.log")
    return env


def run_cli(
    tmp_path: Path, stdin: str | bytes, *args: str, json_mode: bool = True
) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "bot.cli", "console", "--user", "Ada"]
    command += ["--db", f"sqlite:///{tmp_path}/c.db", *args]
    if json_mode:
        command.append("--json")
    return subprocess.run(
        command,
        input=stdin.encode() if isinstance(stdin, str) else stdin,
        capture_output=True,
        timeout=60,
        env=console_env(tmp_path),
        cwd=tmp_path,  # no `.env` from the checkout, no ./data
        check=False,
    )


def json_lines(result: subprocess.CompletedProcess[bytes]) -> list[dict[str, Any]]:
    """Every stdout line as JSON (strict UTF-8), after checking the run was clean."""
    stdout = result.stdout.decode("utf-8")
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 0, stderr
    assert "Traceback" not in stdout and "Traceback" not in stderr
    assert stderr == ""
    records = [json.loads(line) for line in stdout.splitlines()]
    for record in records:
        assert set(record) == JSON_KEYS, record
    return records


def test_cli_tip_is_exactly_one_json_line(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "/tip thank you note\n")
    (record,) = json_lines(result)
    assert record["meta"]["topic"] == "thank-you-notes"
    assert record["where"] == "only_you"
    assert record["member"] == "Ada"
    assert record["buttons"][0] == {"label": "Another tip", "action": "tip:another"}
    # Everything went to the temporary directory, nothing to ./data.
    assert (tmp_path / "c.db").is_file()
    assert (tmp_path / "jobclub.log").is_file()


def test_cli_scripted_colon_number_presses_and_a_bare_number_is_text(tmp_path: Path) -> None:
    """README: `:N` presses button N, scripted too; a bare `2` is text, as on Slack."""
    result = run_cli(tmp_path, "/tip money\n:2\n:9\n2\n:dm\n/tip networking\n:1\n")
    tip, topic, no_button, bare, dm_tip, another = json_lines(result)
    assert topic["meta"]["topic"] == "money" and topic["meta"]["tip_id"] != tip["meta"]["tip_id"]
    assert no_button["text"] == "There is no button 9: the last reply had 3."
    # Typed in the channel, the bare number is plain text; the console says how to press.
    assert "only answer commands" in bare["text"] and "type :2" in bare["text"]
    assert another["where"] == "dm" and another["meta"]["tip_id"] != dm_tip["meta"]["tip_id"]


def test_cli_bad_lines_get_clear_replies_and_the_console_keeps_going(tmp_path: Path) -> None:
    lines = [
        "/foo",
        "/",
        "/tip " + "x" * 50_000,
        "\x01\x02\x1b[31m\x7f",
        "\x01\x02\x7f",
        ":dm",
        "y" * 50_000,
        ":channel",
        "/tip money",
    ]
    records = json_lines(run_cli(tmp_path, "\n".join(lines) + "\n"))
    unknown, empty, long_command, escape, control, long_dm, money = records

    assert unknown["meta"]["error"] == "unknown_command"
    assert "/foo" in unknown["text"]
    assert empty["meta"]["error"] == "empty_command"
    assert "after the slash" in empty["text"]
    for long in (long_command, long_dm):
        assert long["meta"]["error"] == "user"
        assert "more than the 8,000" in long["text"]
        assert "x" * 100 not in long["text"] and "y" * 100 not in long["text"]
    assert long_dm["where"] == "dm"
    # The escape sequence leaves "[31m": plain text in the channel, which is not for the bot.
    assert escape["meta"] == {"console": True}
    assert "only answer commands" in escape["text"]
    assert control["meta"] == {"console": True}
    assert "could not read anything" in control["text"]
    assert money["meta"]["topic"] == "money"


def test_cli_bytes_that_are_not_utf8_do_not_break_the_member_or_stdout(tmp_path: Path) -> None:
    records = json_lines(run_cli(tmp_path, b":as Gr\xffce\n/tip money\n\xfe\xff\n"))
    tip, odd = records
    assert tip["member"] == "Gr\ufffdce"
    assert tip["meta"]["topic"] == "money"  # not an internal error from a lone surrogate
    assert "only answer commands" in odd["text"]


def test_cli_clock_moves_in_the_console_zone(tmp_path: Path) -> None:
    script = [
        ":clock +1h",
        ":clock +2d",
        ":clock 2026-12-01T09:00",
        ":clock 2026-11-30T09:00",
        ":clock banana",
    ]
    result = run_cli(
        tmp_path,
        "\n".join(script) + "\n",
        "--now",
        "2026-11-25T09:00",
        "--tz",
        "Europe/Berlin",
        json_mode=False,
    )
    assert result.returncode == 0
    assert result.stderr == b""
    out = result.stdout.decode("utf-8").splitlines()
    assert out == [
        "The time is now Wed 25 Nov, 10:00 (Europe/Berlin) (0 scheduled messages went out).",
        "The time is now Fri 27 Nov, 10:00 (Europe/Berlin) (0 scheduled messages went out).",
        "The time is now Tue 1 Dec, 09:00 (Europe/Berlin) (0 scheduled messages went out).",
        "That is in the past (it is now Tue 1 Dec, 09:00 (Europe/Berlin)); "
        "the clock only moves forward.",
        "I can't move the clock: 'banana' is not a date-time; use e.g. 2026-12-01T09:00.",
    ]


def test_cli_quit_stops_reading(tmp_path: Path) -> None:
    records = json_lines(run_cli(tmp_path, "/tip money\n:quit\n/tip thank you note\n/foo\n"))
    assert len(records) == 1
    assert records[0]["meta"]["topic"] == "money"


def test_cli_end_of_input_without_newline_is_handled(tmp_path: Path) -> None:
    (record,) = json_lines(run_cli(tmp_path, "/tip money"))
    assert record["meta"]["topic"] == "money"


@pytest.mark.parametrize(
    ("args", "option"),
    [(["--tz", "Mars/Olympus"], "--tz"), (["--now", "yesterday-ish"], "--now")],
)
def test_cli_rejects_bad_options_in_one_line(tmp_path: Path, args: list[str], option: str) -> None:
    result = run_cli(tmp_path, "/tip money\n", *args)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode != 0
    assert result.stdout == b""
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert option in lines[0]
    assert args[1] in lines[0]


# --- ConsoleSession in-process ----------------------------------------------------------


@dataclass
class Console:
    """A ConsoleSession whose output is collected; `send` returns what one line printed."""

    session: ConsoleSession
    clock: FakeClock
    out: list[str] = field(default_factory=list)

    async def send(self, line: str) -> list[dict[str, Any]]:
        start = len(self.out)
        assert await self.session.handle_line(line) is True
        records = [json.loads(text) for text in self.out[start:]]
        for record in records:
            assert set(record) == JSON_KEYS
        return records

    async def one(self, line: str) -> dict[str, Any]:
        records = await self.send(line)
        assert len(records) == 1, records
        return records[0]


async def make_console(
    tmp_path: Path,
    *,
    zone: ZoneInfo = BERLIN,
    features: list[Feature] | None = None,
    json_mode: bool = True,
    interactive: bool = False,
) -> Console:
    clock = FakeClock(START)
    bot = await JobClubBot.create(make_settings(tmp_path), clock, features=features)
    out: list[str] = []
    session = ConsoleSession(
        bot=bot,
        emit=out.append,
        user="Ada",
        zone=zone,
        json_mode=json_mode,
        interactive=interactive,
        set_clock=clock.set,
    )
    return Console(session, clock, out)


@pytest.fixture
async def console(tmp_path: Path) -> AsyncIterator[Console]:
    con = await make_console(tmp_path)
    try:
        yield con
    finally:
        await con.session.bot.close()


async def test_press_by_number_presses_the_last_reply(console: Console) -> None:
    first = await console.one("/tip money")
    assert first["buttons"][0]["label"] == "Another tip"
    another = await console.one(":press 1")
    assert another["meta"]["tip_id"] != first["meta"]["tip_id"]
    assert another["member"] == "Ada"


async def test_colon_number_is_the_short_way_to_press(console: Console) -> None:
    tip = await console.one("/tip thank you note")
    missing = await console.one(":7")
    assert missing["text"] == "There is no button 7: the last reply had 3."
    shared = await console.one(":3")
    assert shared["where"] == "channel"
    assert shared["meta"]["tip_id"] == tip["meta"]["tip_id"]


async def test_a_typed_count_in_the_dm_answers_the_checkin_not_a_button(
    console: Console,
) -> None:
    """Was: "3" pressed button 3 of the check-in ("2"), so the typed count was lost."""
    await console.send(":dm")
    await console.send("/checkin on")
    arrived = await console.send(":clock +4d")
    (checkin,) = [r for r in arrived if r["meta"].get("kind") == "weekly-checkin"]
    assert [b["label"] for b in checkin["buttons"]][:4] == ["0", "1", "2", "3"]
    (answer,) = await console.send("3")
    assert "networking conversations" in answer["text"]
    await console.send(":1")  # pressing stays one keystroke away: button 1 is "0"
    # The typed 3 was kept as 3 (not "2", the label of button 3).
    summary = await console.one("/checkin")
    assert "3 applications sent, 0 networking conversations" in summary["text"]


async def test_press_by_action_id(console: Console) -> None:
    reply = await console.one(":press tip:topic:money")
    assert reply["meta"]["topic"] == "money"
    assert reply["where"] == "only_you"


async def test_press_share_posts_to_the_channel(console: Console) -> None:
    tip = await console.one("/tip thank you note")
    assert tip["buttons"][2]["action"].startswith("tip:share:")
    shared = await console.one(":press 3")
    assert shared["where"] == "channel"
    assert shared["meta"]["tip_id"] == tip["meta"]["tip_id"]


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        ("9", "There is no button 9: the last reply had 3."),
        ("0", "There is no button 0: the last reply had 3."),
        ("", "Say which button"),
        ("²", "That button no longer does anything"),  # not a number: an (unknown) action id
        pytest.param(
            "1" * 5000, "There is no button 111111111111: the last reply had 3.", id="5000-digits"
        ),
    ],
)
async def test_press_without_such_a_button_says_so(
    console: Console, arg: str, expected: str
) -> None:
    await console.one("/tip money")
    reply = await console.one(f":press {arg}")
    assert expected in reply["text"]
    assert "went wrong" not in reply["text"]


async def test_press_before_any_buttons(console: Console) -> None:
    reply = await console.one(":press 1")
    assert reply["text"] == "The last reply had no buttons."


async def test_dm_plain_text_gets_a_dm_reply(console: Console) -> None:
    assert await console.send(":dm") == []  # quiet in JSON mode
    reply = await console.one("hello there")
    assert reply["where"] == "dm"
    assert [b["action"] for b in reply["buttons"]] == ["jobclub:help", "tip:another"]
    tip = await console.one("tip thank you note")
    assert tip["where"] == "dm"
    assert tip["meta"]["topic"] == "thank-you-notes"
    assert not any(b["action"].startswith("tip:share") for b in tip["buttons"])


async def test_plain_text_in_the_channel_is_refused_clearly(console: Console) -> None:
    reply = await console.one("hello there")
    assert reply["where"] == "only_you"
    assert reply["meta"] == {"console": True}
    assert "only answer commands" in reply["text"]
    assert ":dm" in reply["text"]


async def test_as_switches_the_member(console: Console) -> None:
    ada = await console.one("/tip money")
    assert ada["member"] == "Ada"
    assert await console.send(":as Grace") == []
    grace = await console.one("/tip money")
    assert grace["member"] == "Grace"
    # Grace has her own seen-tips: she starts the topic from her own first tip.
    assert (await console.one(":press 1"))["member"] == "Grace"
    who = await console.one(":as   ")
    assert "Say who" in who["text"]


async def test_unknown_console_command_and_help(console: Console) -> None:
    reply = await console.one(":frobnicate now")
    assert "`:frobnicate` is not a console command" in reply["text"]
    help_reply = await console.one(":help")
    assert ":press N" in help_reply["text"]
    # The bot's commands and every sub-command form come from the router's specs.
    router = console.session.bot.router
    for name in router.commands:
        assert f"/{name}" in help_reply["text"]
    for form in ("done N", "snooze N WHEN", "contact add NAME", "contact remove NAME"):
        assert form in help_reply["text"]
    assert "digest" not in help_reply["text"]  # admins only


@pytest.mark.parametrize("word", [":quit", ":q", ":exit", ":QUIT"])
async def test_quit_words_stop_the_session(console: Console, word: str) -> None:
    assert await console.session.handle_line(word) is False
    assert console.out == []


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        ("banana", "'banana' is not a date-time"),
        ("+", "is not a step"),
        ("+3x", "is not a step"),
        ("", "say how far"),
        ("+11y", "is not a step"),
        ("+3661d", "more than ten years"),
        ("+99999999999d", "more than ten years"),
        pytest.param("+" + "1" * 5000 + "d", "more than ten years", id="5000-digits"),
        ("2026-11-25T14:59", "in the past"),  # 13:59 UTC, START is 14:00 UTC
    ],
)
async def test_clock_refusals_are_clear(console: Console, arg: str, expected: str) -> None:
    reply = await console.one(f":clock {arg}")
    assert expected in reply["text"]
    assert "went wrong" not in reply["text"]
    assert console.clock.now() == START


async def test_clock_to_the_end_of_time_is_refused_clearly(tmp_path: Path) -> None:
    con = await make_console(tmp_path, zone=ZoneInfo("America/New_York"))
    try:
        # 9999-12-31 23:59 in New York is in the year 10000 in UTC.
        reply = await con.one(":clock 9999-12-31T23:59")
        assert "too far" in reply["text"]
        far = await con.one(":clock 9999-12-31T12:00")
        assert "more than ten years" in far["text"]
    finally:
        await con.session.bot.close()


async def test_clock_moves_the_bot_clock(console: Console) -> None:
    assert await console.send(":clock +1h30m") == []
    assert console.clock.now() == START + timedelta(hours=1, minutes=30)
    assert await console.send(":clock 2026-12-01T09:00") == []
    assert console.clock.now() == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


async def test_text_mode_numbers_buttons_and_colon_digits_press_them(tmp_path: Path) -> None:
    con = await make_console(tmp_path, json_mode=False, interactive=True)
    try:
        await con.session.handle_line("/tip money")
        (block,) = con.out
        assert "[1] Another tip" in block
        assert "[2] More on talking about money" in block
        await con.session.handle_line(":2")
        assert "Talking about money" in con.out[1]
        await con.session.handle_line(":²")  # a digit to isdigit(), not to int()
        assert "not a console command" in con.out[2]
        await con.session.handle_line("²")
        assert "only answer commands" in con.out[3] and "to press" not in con.out[3]
    finally:
        await con.session.bot.close()


# --- scheduled work delivered by :clock ---------------------------------------------------


class DailyAtNine:
    """Due every day at 09:00 UTC from the start; remembers what it claimed, in memory."""

    kinds = ("test-daily",)

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.sent: list[datetime] = []

    def _next(self) -> datetime:
        after = self.sent[-1] + timedelta(seconds=1) if self.sent else self.start
        nine = after.astimezone(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
        return nine if nine >= after else nine + timedelta(days=1)

    async def next_due(self, session: AsyncSession, services: Services) -> datetime | None:
        return self._next()

    async def claim_due(
        self, session: AsyncSession, services: Services, now: datetime
    ) -> list[DueItem]:
        due = self._next()
        if due > now:
            return []
        self.sent.append(due)
        ref = MemberRef(Platform.CONSOLE, "console", "ada", "Ada")
        _, member = await members.resolve(session, services.db.dialect, ref, now)
        key = f"test-daily:{due.isoformat()}"
        return [DueItem(key=key, kind="test-daily", due_at=due, member_id=member.id)]

    async def render(
        self, session: AsyncSession, services: Services, delivery: Delivery, now: datetime
    ) -> Reply | None:
        number = self.sent.index(delivery.due_at) + 1
        return Reply(
            text=f"Good morning, number {number}.",
            buttons=[Button("Give me a tip", "tip:another")],
        )


def without_nudges() -> list[Feature]:
    """Every feature but nudges, whose one-time welcome offer would add a delivery."""
    return [f for f in load_features() if f.name != "nudges"]


class DailyFeature(Feature):
    """Not decorated with @feature: it must not join the global registry."""

    name = "test-daily"

    def __init__(self, work: DailyAtNine) -> None:
        self.work = work

    def register(self, router: Router) -> None:
        pass

    def scheduled_work(self) -> list[ScheduledWork]:
        return [self.work]


async def test_clock_jump_delivers_each_item_at_its_own_instant(tmp_path: Path) -> None:
    work = DailyAtNine(START)
    con = await make_console(tmp_path, features=[*without_nudges(), DailyFeature(work)])
    try:
        first, second = await con.send(":clock +2d")
        assert work.sent == [
            datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
            datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
        ]
        assert con.clock.now() == START + timedelta(days=2)
        for record, delivered_at, n in (
            (first, "2026-11-26T10:00:00+01:00", 1),
            (second, "2026-11-27T10:00:00+01:00", 2),
        ):
            assert record["meta"] == {"kind": "test-daily", "delivered_at": delivered_at}
            assert record["where"] == "dm"
            assert record["member"] == "Ada"
            assert record["text"] == f"Good morning, number {n}."
        # The delivered buttons are the ones `:press` now refers to.
        tip = await con.one(":press 2")
        assert "tip_id" in tip["meta"]
        assert "no button" in (await con.one(":press 3"))["text"]
        # Nothing more is due before the next 09:00.
        assert await con.send(":clock +1h") == []
    finally:
        await con.session.bot.close()


async def test_clock_jump_in_text_mode_counts_what_went_out(tmp_path: Path) -> None:
    work = DailyAtNine(START)
    con = await make_console(
        tmp_path, features=[*without_nudges(), DailyFeature(work)], json_mode=False
    )
    try:
        await con.session.handle_line(":clock +1w")
        assert len(work.sent) == 7
        *blocks, summary = con.out
        assert len(blocks) == 7
        assert "test-daily for Ada · Thu 26 Nov, 10:00 (Europe/Berlin)" in blocks[0]
        assert "[7] Give me a tip" in blocks[-1]
        assert summary.endswith("(7 scheduled messages went out).")
    finally:
        await con.session.bot.close()


# --- clockspec ----------------------------------------------------------------------------

NOW = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("+90m", timedelta(minutes=90)),
        ("+1h30m", timedelta(hours=1, minutes=30)),
        ("+1H 30M", timedelta(hours=1, minutes=30)),
        ("+2d", timedelta(days=2)),
        ("+1w", timedelta(weeks=1)),
        ("+45s", timedelta(seconds=45)),
        ("+0m", timedelta(0)),
        ("  +1d  ", timedelta(days=1)),
    ],
)
def test_parse_target_steps(text: str, delta: timedelta) -> None:
    assert parse_target(text, NOW, BERLIN) == NOW + delta


def test_parse_target_naive_iso_is_wall_clock_in_the_zone() -> None:
    target = parse_target("2026-12-01T09:00", NOW, BERLIN)
    assert target.utcoffset() == timedelta(hours=1)
    assert target.astimezone(UTC) == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    summer = parse_target("2026-07-01t09:00", NOW, BERLIN)  # lower-case separator too
    assert summer.astimezone(UTC) == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)


def test_parse_target_iso_with_an_offset_keeps_it() -> None:
    target = parse_target("2026-12-01T09:00-05:00", NOW, BERLIN)
    assert target.astimezone(UTC) == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert parse_target("2026-12-01T09:00z", NOW, BERLIN) == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_parse_target_may_return_the_past() -> None:
    assert parse_target("2020-01-01T00:00", NOW, BERLIN) < NOW


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "banana",
        "+",
        "+1",
        "+d",
        "+1x",
        "+1d2",
        "-1d",
        "+1.5h",
        "+3661d",
        pytest.param("+" + "9" * 5000 + "m", id="5000-digits"),
        "2026-13-01T09:00",
        "tomorrow 9am",
    ],
)
def test_parse_target_garbage_raises(text: str) -> None:
    with pytest.raises(ClockSpecError):
        parse_target(text, NOW, BERLIN)


def test_clockspec_errors_show_what_was_typed() -> None:
    with pytest.raises(ClockSpecError, match="'Banana' is not a date-time"):
        parse_target("Banana", NOW, BERLIN)
    with pytest.raises(ClockSpecError, match="too far"):
        parse_instant("0001-01-01T00:30", BERLIN)  # before year 1 in UTC
    with pytest.raises(ClockSpecError, match="past the year 9999"):
        parse_target("+1d", datetime(9999, 12, 31, 12, 0, tzinfo=UTC), BERLIN)


async def test_buttons_are_those_of_the_last_reply_only(console: Console) -> None:
    await console.one("/tip money")
    await console.one("/jobclub export")  # a reply without buttons
    reply = await console.one(":press 1")
    assert "no buttons" in reply["text"]


async def test_a_line_of_separator_controls_gets_an_answer(console: Console) -> None:
    reply = await console.one("\x1c\x1d\x1e\x1f")
    assert "could not read anything" in reply["text"]
    assert await console.send("") == []


@pytest.mark.parametrize("json_mode", [True, False], ids=["json", "text"])
async def test_clock_stamps_each_message_on_its_recipients_wall_clock(
    tmp_path: Path, json_mode: bool
) -> None:
    """Was: stamped in the console's zone, so a member in London read 04:00 for her 09:00."""
    con = await make_console(
        tmp_path, zone=ZoneInfo("America/New_York"), features=without_nudges(), json_mode=json_mode
    )
    try:
        await con.session.handle_line("/jobclub timezone Europe/London")
        await con.session.handle_line("/commit call Ana tomorrow 9am")
        start = len(con.out)
        await con.session.handle_line(":clock +1d")
        printed = con.out[start:]
        if json_mode:
            (reminder,) = [json.loads(line) for line in printed if line.startswith("{")]
            assert reminder["meta"]["kind"] == "reminder"
            assert reminder["meta"]["delivered_at"] == "2026-11-26T09:00:00+00:00"
            assert "due Thu 26 Nov, 09:00 (Europe/London)" in reminder["text"]
        else:
            reminder, summary = printed
            assert "reminder for Ada · Thu 26 Nov, 09:00 (Europe/London)" in reminder
            # The console's own clock line stays in the console's zone.
            assert summary.startswith("The time is now Thu 26 Nov, 09:00 (America/New_York)")
    finally:
        await con.session.bot.close()


async def test_a_channel_post_is_headed_by_its_channel_not_the_typist(tmp_path: Path) -> None:
    con = await make_console(tmp_path, features=None, json_mode=False)
    con.session.admin = True
    try:
        await con.session.handle_line("/jobclub digest on #jobclub monday 09:00")
        con.out.clear()
        await con.session.handle_line(":clock +6d")
        (digest,) = [block for block in con.out if "This week in the club" in block]
        assert "digest in #jobclub · Mon 30 Nov, 09:00 (Europe/Berlin)" in digest
        assert "for Ada" not in digest
    finally:
        await con.session.bot.close()
