"""The Slack app manifest, generated from the core's command registry so it never drifts.

    .venv/bin/python -m adapters.slack.manifest --write        # refresh deploy/slack/manifest.yaml
    .venv/bin/python -m adapters.slack.manifest --url https://bot.example.org/slack/events
    .venv/bin/python -m adapters.slack.manifest --socket-mode  # no public URL needed

A test checks that the committed file matches the registry: after adding a command, run
the first line again.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from adapters.slack.escape import cut_plain
from bot.features import load_features
from bot.router import Router

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "deploy" / "slack" / "manifest.yaml"
PLACEHOLDER_URL = "https://jobclub.example.com/slack/events"
BOT_SCOPES = (
    "chat:write",  # replies, DMs, ephemeral messages
    "chat:write.public",  # scheduled posts (the digest) in public channels it is not in
    "commands",  # the slash commands
    "files:write",  # files upload v2: the /progress chart, report CSVs
    "im:history",  # message.im: members writing to the bot in its DM
    "im:write",  # conversations.open: starting the DM for reminders and nudges
    "users:read",  # users.info: display name, time zone, workspace admin/owner
)
BOT_EVENTS = ("app_home_opened", "message.im")
HEADER = """\
# Slack app manifest for jobclub. Generated from the command registry:
#   .venv/bin/python -m adapters.slack.manifest --write
# Do not edit by hand (a test compares this file with the registry). For your own
# install, create the app from a copy with your URL: see docs/slack.md.
"""


def registry() -> Router:
    """The router every feature registers into, as the running bot builds it."""
    router = Router()
    for feat in load_features():
        feat.register(router)
    return router


def usage_hint(name: str, usage: str) -> str:
    """`/tip [words] · /tip topics` → `[words] · topics` (Slack shows it after the name)."""
    parts = []
    for part in usage.split(" · "):
        part = part.strip().replace(f"/{name} ", "")
        if part != f"/{name}" and part:
            parts.append(part)
    return cut_plain(" · ".join(parts), 100)


def build_manifest(
    router: Router, *, request_url: str = PLACEHOLDER_URL, socket_mode: bool = False
) -> dict[str, Any]:
    """The manifest as data: every registered command, scopes, events, App Home.

    Each command's usage hint is its usage line with every sub-command form the specs
    declare (admin-only ones left out: every member sees the hint).
    """
    commands = []
    for name in sorted(router.commands):
        spec = router.commands[name]
        command: dict[str, Any] = {
            "command": f"/{name}",
            "description": cut_plain(spec.summary, 100),
        }
        if not socket_mode:
            command["url"] = request_url
        hint = usage_hint(name, router.usage_line(name, admin=False))
        if hint:
            command["usage_hint"] = hint
        command["should_escape"] = False
        commands.append(command)
    settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": list(BOT_EVENTS)},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": socket_mode,
        "token_rotation_enabled": False,
    }
    if not socket_mode:
        settings["event_subscriptions"] = {
            "request_url": request_url,
            **settings["event_subscriptions"],
        }
        settings["interactivity"]["request_url"] = request_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": "jobclub",
            "description": (
                "Interview tips, follow-up reminders and private practice for your job club."
            ),
            "background_color": "#2f4f4f",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": "jobclub", "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": settings,
    }


def render(manifest: dict[str, Any]) -> str:
    body = yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print or write the Slack app manifest.")
    parser.add_argument("--url", default=PLACEHOLDER_URL, help="your public /slack/events URL")
    parser.add_argument("--socket-mode", action="store_true", help="for Socket Mode (no URL)")
    parser.add_argument(
        "--write",
        nargs="?",
        const=str(DEFAULT_PATH),
        default=None,
        metavar="PATH",
        help=f"write the file (default {DEFAULT_PATH.relative_to(DEFAULT_PATH.parents[2])})",
    )
    args = parser.parse_args(argv)
    text = render(build_manifest(registry(), request_url=args.url, socket_mode=args.socket_mode))
    if args.write:
        Path(args.write).write_text(text, encoding="utf-8")
        print(f"wrote {args.write}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
