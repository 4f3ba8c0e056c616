"""Running the console: interactive on a terminal, one input per line otherwise."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from adapters.console.session import ConsoleSession
from bot.app import JobClubBot, freeze_startup_objects
from bot.clock import FakeClock, OffsetClock
from bot.runner import DispatchRunner
from bot.settings import Settings


def _emit(text: str) -> None:
    print(text, flush=True)


async def run_console(
    settings: Settings,
    *,
    user: str,
    zone: ZoneInfo,
    now: datetime | None,
    json_mode: bool,
    admin: bool,
) -> int:
    clock = FakeClock(now) if now is not None else OffsetClock()
    bot = await JobClubBot.create(settings, clock)
    freeze_startup_objects()
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    session = ConsoleSession(
        bot=bot,
        emit=_emit,
        user=user,
        zone=zone,
        json_mode=json_mode,
        admin=admin,
        interactive=interactive,
        set_clock=clock.set,
    )
    runner = None
    if now is None and interactive:
        # Real time on a terminal: reminders arrive on their own, as on a platform.
        runner = DispatchRunner(bot, session.deliver_live, settings.jobclub_dispatch_seconds)
        runner.start()
    try:
        if interactive:
            await _interactive(session, settings.jobclub_log_file.parent / "console-history")
        else:
            await _scripted(session)
    finally:
        if runner is not None:
            runner.shutdown()
        await bot.close()
    return 0


async def _scripted(session: ConsoleSession) -> None:
    loop = asyncio.get_running_loop()
    reconfigure = getattr(sys.stdin, "reconfigure", None)
    if reconfigure is not None:
        # Undecodable bytes become U+FFFD rather than lone surrogates, which would
        # otherwise reach the database and make stdout invalid UTF-8.
        reconfigure(errors="replace")
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        if not await session.handle_line(line.rstrip("\n")):
            return


async def _interactive(session: ConsoleSession, history: Path) -> None:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory
    from prompt_toolkit.patch_stdout import patch_stdout

    history.parent.mkdir(parents=True, exist_ok=True)
    prompt: PromptSession[str] = PromptSession(history=FileHistory(str(history)))
    session.emit(
        f"jobclub console: you are {session.user} in the club channel "
        f"({session.zone.key}). Try /tip or /jobclub help; :help for console keys.\n"
    )
    with patch_stdout():
        while True:
            try:
                line = await prompt.prompt_async(session.prompt)
            except (EOFError, KeyboardInterrupt):
                return
            if not await session.handle_line(line):
                return
