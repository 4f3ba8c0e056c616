"""Operator commands: `jobclub db backup FILE` and `jobclub health`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.clock import FakeClock
from tests.dispatch_helpers import add_reminders, make_bot


async def test_db_backup_copies_a_live_sqlite_database(
    tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    live = tmp_path / "jobclub.db"
    bot = await make_bot(f"sqlite+aiosqlite:///{live}", tmp_path, clock)
    try:
        await add_reminders(bot, 5, clock.now())
        # The bot still has the database open (WAL mode) while the copy is taken.
        target = tmp_path / "backups" / "copy.db"
        assert main(["db", "backup", str(target), "--db", f"sqlite:///{live}"]) == 0
        assert "backed up" in capsys.readouterr().out
        with sqlite3.connect(target) as copy:
            assert copy.execute("SELECT count(*) FROM commitments").fetchone() == (5,)
        # Never over an existing file.
        assert main(["db", "backup", str(target), "--db", f"sqlite:///{live}"]) == 1
        assert "already exists" in capsys.readouterr().err
    finally:
        await bot.close()


def test_db_backup_names_pg_dump_for_postgresql(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql://jobclub:secret@db.example/jobclub"
    assert main(["db", "backup", "x.sql", "--db", url]) == 2
    err = capsys.readouterr().err
    assert "pg_dump" in err and "secret" not in err


def test_health_says_when_nothing_answers(
    unused_tcp_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["health", "--port", str(unused_tcp_port)]) == 1
    assert "nothing answers" in capsys.readouterr().err
