"""The `jobclub` command: console, slack, discord, run, health, db upgrade|backup, content check."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bot.settings import Settings, SettingsError, load_settings
from bot.timezones import zone_or_none


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jobclub", description="A support bot for job-club communities."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    console = sub.add_parser("console", help="talk to the bot in this terminal (no account needed)")
    console.add_argument("--user", default=None, help="your name in the pretend club")
    console.add_argument("--tz", default=None, help="your time zone, e.g. Europe/Berlin")
    console.add_argument(
        "--now", default=None, help="start a simulated clock at this ISO-8601 time"
    )
    console.add_argument("--json", action="store_true", help="print every reply as one JSON line")
    console.add_argument("--db", default=None, help="database URL (default: DATABASE_URL)")
    console.add_argument("--admin", action="store_true", help="act as a club admin")

    slack = sub.add_parser(
        "slack", help="serve Slack (HTTP mode, or Socket Mode with an app token)"
    )
    slack.add_argument("--port", type=int, default=3000)
    discord = sub.add_parser("discord", help="connect to Discord")
    discord_sub = discord.add_subparsers(dest="discord_command", metavar="ACTION")
    discord_sub.add_parser("invite-url", help="print the link that installs the bot in a server")
    run = sub.add_parser("run", help="run every platform that has credentials; the console if none")
    run.add_argument("--port", type=int, default=3000, help="Slack HTTP port")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION")
    db_up = db_sub.add_parser("upgrade", help="apply pending migrations")
    db_up.add_argument("--db", default=None, help="database URL (default: DATABASE_URL)")
    db_backup = db_sub.add_parser(
        "backup", help="copy a SQLite database to FILE while the bot runs (PostgreSQL: pg_dump)"
    )
    db_backup.add_argument("file", type=Path, help="where to write the copy (must not exist)")
    db_backup.add_argument("--db", default=None, help="database URL (default: DATABASE_URL)")

    health = sub.add_parser(
        "health", help="ask a running bot whether it is alive (exit 0) or not (exit 1)"
    )
    health.add_argument("--ready", action="store_true", help="ask /readyz instead of /healthz")
    health.add_argument(
        "--port", type=int, default=None, help="its JOBCLUB_HTTP_PORT (default: the setting)"
    )

    content = sub.add_parser("content", help="the advice library")
    content_sub = content.add_subparsers(dest="content_command", metavar="ACTION")
    check = content_sub.add_parser("check", help="validate every content file")
    check.add_argument("--dir", type=Path, default=None, help="content directory")
    check.add_argument(
        "--club-dir", type=Path, default=None, help="a club's own content to merge in"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        overrides = {"database_url": args.db} if getattr(args, "db", None) else {}
        settings = load_settings(**overrides)
    except SettingsError as exc:
        print(f"jobclub: {exc}", file=sys.stderr)
        return 2
    try:
        return _dispatch(parser, args, settings)
    except KeyboardInterrupt:
        return 130


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace, settings: Settings) -> int:
    from bot.logs import configure_logging

    if args.command == "content":
        if args.content_command != "check":
            print("jobclub: say what to do: `jobclub content check`", file=sys.stderr)
            return 2
        return _content_check(
            args.dir or settings.jobclub_content_dir,
            args.club_dir or settings.jobclub_club_content_dir,
        )
    if args.command == "db":
        if args.db_command == "backup":
            return _db_backup(settings.database_url, args.file)
        if args.db_command != "upgrade":
            print(
                "jobclub: say what to do: `jobclub db upgrade` or `jobclub db backup FILE`",
                file=sys.stderr,
            )
            return 2
        configure_logging(settings, to_stderr=True)
        return asyncio.run(_db_upgrade(settings))
    if args.command == "health":
        port = args.port if args.port is not None else settings.jobclub_http_port
        return _health(port, "/readyz" if args.ready else "/healthz")
    if args.command == "console":
        return _console(args, settings)
    if args.command == "run":
        from adapters.launcher import configured_platforms

        configured = configured_platforms(settings)
        if not configured:
            args.user = args.tz = args.now = None
            args.json = args.admin = False
            return _console(args, settings)
        if "slack" in configured and not _slack_ready(settings):
            return 2
        return _platforms(settings, configured, port=args.port)
    if args.command == "slack":
        if not _slack_ready(settings):
            return 2
        return _platforms(settings, ["slack"], port=args.port)
    if args.command == "discord":
        if getattr(args, "discord_command", None) == "invite-url":
            from adapters.discord import InviteError, invite_url

            try:
                print(invite_url(settings))
            except InviteError as exc:
                print(f"jobclub: {exc}", file=sys.stderr)
                return 2
            return 0
        if settings.discord_token is None:
            print("jobclub: set DISCORD_TOKEN (see docs/discord.md)", file=sys.stderr)
            return 2
        return _platforms(settings, ["discord"])
    parser.print_help()
    return 2


def _slack_ready(settings: Settings) -> bool:
    """Whether the Slack settings can work; if not, say which are missing on stderr.

    HTTP mode without a signing secret could verify no request and would answer every
    one with an error, so it must not start. Socket Mode (an app-level token) does not
    sign requests: there the secret is not needed.
    """
    missing = [
        name
        for name, value in (
            ("SLACK_BOT_TOKEN", settings.slack_bot_token),
            ("SLACK_SIGNING_SECRET", settings.slack_signing_secret),
        )
        if value is None
        and not (name == "SLACK_SIGNING_SECRET" and settings.slack_app_token is not None)
    ]
    if missing:
        how = (
            " for HTTP mode, or SLACK_APP_TOKEN for Socket Mode"
            if missing == ["SLACK_SIGNING_SECRET"]
            else ""
        )
        print(f"jobclub: set {' and '.join(missing)}{how} (see docs/slack.md)", file=sys.stderr)
    return not missing


def _platforms(settings: Settings, names: list[str], *, port: int = 3000) -> int:
    from adapters.launcher import run_platforms
    from bot.content import ContentError
    from bot.logs import configure_logging
    from bot.store.database import DatabaseError

    configure_logging(settings, to_stderr=True)
    try:
        return asyncio.run(run_platforms(settings, names, slack_port=port))
    except (ContentError, DatabaseError) as exc:
        print(f"jobclub: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:  # a platform setting the adapter could not use
        print(f"jobclub: {exc}", file=sys.stderr)
        return 2


def _console(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.console.clockspec import ClockSpecError, parse_instant
    from adapters.console.main import run_console
    from bot.app import JobClubBot  # noqa: F401 - fail fast on import problems
    from bot.content import ContentError
    from bot.logs import configure_logging
    from bot.store.database import DatabaseError

    zone = settings.timezone
    if args.tz:
        found = zone_or_none(args.tz)
        if found is None:
            print(
                f"jobclub: --tz {args.tz!r} is not a known time zone (e.g. Europe/Berlin)",
                file=sys.stderr,
            )
            return 2
        zone = found
    now: datetime | None = None
    if args.now:
        try:
            now = parse_instant(args.now, zone)
        except ClockSpecError as exc:
            print(f"jobclub: --now: {exc}", file=sys.stderr)
            return 2
    log_path = configure_logging(settings, to_stderr=False)
    user = (args.user or _default_user()).strip()[:80] or "you"
    try:
        return asyncio.run(
            run_console(
                settings, user=user, zone=zone, now=now, json_mode=args.json, admin=args.admin
            )
        )
    except (ContentError, DatabaseError) as exc:
        print(f"jobclub: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader went away (e.g. `| head`): nothing left to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception:
        import logging

        logging.getLogger("jobclub").exception("console stopped")
        print(f"jobclub: something went wrong; details are in {log_path}", file=sys.stderr)
        return 1


def _default_user() -> str:
    import getpass

    try:
        return getpass.getuser().capitalize()
    except Exception:
        return "You"


async def _db_upgrade(settings: Settings) -> int:
    from bot.store.database import Database

    db = Database(settings.database_url)
    try:
        await db.upgrade()
    finally:
        await db.dispose()
    print("database is up to date")
    return 0


def _db_backup(url: str, target: Path) -> int:
    """An online copy of a SQLite database, through SQLite's backup API.

    The API copies a consistent snapshot page by page while the bot keeps writing (WAL
    mode lets it read beside the writer), which a plain `cp` of a live file does not
    promise. PostgreSQL has its own tool for this, so it is named instead.
    """
    import sqlite3

    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        print(
            "jobclub: this is a PostgreSQL database: back it up with pg_dump "
            "(see docs/operations.md)",
            file=sys.stderr,
        )
        return 2
    source = Path(parsed.database or "")
    if not parsed.database or parsed.database == ":memory:" or not source.is_file():
        print(f"jobclub: no SQLite database file at {source or '(memory)'}", file=sys.stderr)
        return 1
    if target.exists():
        print(f"jobclub: {target} already exists; choose a new file name", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst, pages=1024)
        finally:
            dst.close()
    finally:
        src.close()
    print(f"backed up {source} to {target}")
    return 0


def _health(port: int, path: str) -> int:
    """For container health checks: the image has no curl, and needs none."""
    import urllib.error
    import urllib.request

    url = f"http://127.0.0.1:{port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=4) as response:
            print(response.read().decode(errors="replace").strip())
            return 0
    except urllib.error.HTTPError as exc:
        print(exc.read().decode(errors="replace").strip() or exc, file=sys.stderr)
    except OSError as exc:
        print(f"jobclub: nothing answers at {url} ({exc})", file=sys.stderr)
    return 1


def _content_check(directory: Path, club_directory: Path | None) -> int:
    from bot.content import ContentError, load_library

    try:
        library = load_library(directory, club_directory)
    except ContentError as exc:
        print(f"content error: {exc}", file=sys.stderr)
        return 1
    for kind, count in library.counts().items():
        print(f"{kind}: {count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
