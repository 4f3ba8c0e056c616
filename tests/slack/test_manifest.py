"""The committed Slack app manifest matches the command registry (so it never drifts)."""

from __future__ import annotations

import yaml

from adapters.slack.manifest import DEFAULT_PATH, build_manifest, registry, render, usage_hint


def test_committed_manifest_matches_the_registry() -> None:
    expected = render(build_manifest(registry()))
    assert DEFAULT_PATH.read_text(encoding="utf-8") == expected, (
        "deploy/slack/manifest.yaml is out of date: run "
        "`.venv/bin/python -m adapters.slack.manifest --write`"
    )


def test_manifest_lists_every_command_events_scopes_and_home() -> None:
    router = registry()
    manifest = yaml.safe_load(render(build_manifest(router)))
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert commands == {f"/{name}" for name in router.commands}
    assert all(len(c["description"]) <= 100 for c in manifest["features"]["slash_commands"])
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "message.im",
    }
    assert {"commands", "chat:write", "files:write", "im:write", "im:history", "users:read"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_socket_mode_manifest_has_no_urls() -> None:
    manifest = build_manifest(registry(), socket_mode=True)
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in manifest["settings"]["event_subscriptions"]
    assert all("url" not in c for c in manifest["features"]["slash_commands"])


def test_usage_hints_drop_the_command_name() -> None:
    assert usage_hint("tip", "/tip [words] · /tip topics") == "[words] · topics"
    assert usage_hint("progress", "/progress") == ""


def test_usage_hints_come_from_the_sub_command_specs() -> None:
    router = registry()
    manifest = build_manifest(router)
    hints = {c["command"]: c.get("usage_hint", "") for c in manifest["features"]["slash_commands"]}
    assert hints["/commitments"].startswith("done N · drop N · snooze N WHEN")
    assert hints["/story"].startswith("list · show N · edit N FIELD TEXT")
    assert "digest" not in hints["/jobclub"]  # admins only
    assert all(len(h) <= 100 for h in hints.values())
