"""Slack payloads → core events: who (MemberRef), where (Place), and what."""

from __future__ import annotations

from typing import Any

from adapters.slack.blocks import decode_action
from adapters.slack.users import SlackUser
from bot.events import ActionEvent, CommandEvent, MemberRef, MessageEvent, Place, Platform


def member_ref(team_id: str, user_id: str, fallback_name: str, user: SlackUser | None) -> MemberRef:
    """The member: club = workspace (team) id; name, zone and admin flag from `users.info`."""
    return MemberRef(
        platform=Platform.SLACK,
        club_id=team_id,
        user_id=user_id,
        display_name=(user.name if user and user.name else fallback_name) or user_id,
        is_admin=bool(user and user.is_admin),
        tz_hint=user.tz if user else None,
    )


def is_dm_channel(channel_id: str | None, channel_name: str | None = None) -> bool:
    """Direct-message conversations have ids starting with D (slash commands also say so)."""
    return channel_name == "directmessage" or bool(channel_id and channel_id.startswith("D"))


def place_for(channel_id: str | None, channel_name: str | None = None) -> Place:
    if is_dm_channel(channel_id, channel_name):
        return Place.dm(channel_id)
    return Place.channel(channel_id)


def command_name(command: str) -> str:
    """`/tip` → `tip` (the core folds case and spacing itself)."""
    return command.strip().lstrip("/")


def command_event(body: dict[str, Any], user: SlackUser | None) -> CommandEvent:
    """A slash command (form fields `command`, `text`, `team_id`, `user_id`, `channel_id`...)."""
    ref = member_ref(
        str(body.get("team_id") or ""),
        str(body.get("user_id") or ""),
        str(body.get("user_name") or ""),
        user,
    )
    place = place_for(body.get("channel_id"), body.get("channel_name"))
    name = command_name(str(body.get("command") or ""))
    return CommandEvent(ref, place, name, unescape(str(body.get("text") or "")))


def action_team(body: dict[str, Any]) -> str:
    user = body.get("user") or {}
    team = body.get("team") or {}
    return str(team.get("id") or user.get("team_id") or "")


def action_place(body: dict[str, Any]) -> Place:
    """Where the pressed button was: a channel, a DM, or the App Home (a private place)."""
    container = body.get("container") or {}
    if container.get("type") == "view":
        return Place.dm(None)
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    return place_for(channel, (body.get("channel") or {}).get("name"))


def action_event(
    body: dict[str, Any], action: dict[str, Any], user: SlackUser | None
) -> ActionEvent:
    """A `block_actions` press: the button's action id is the core's."""
    who = body.get("user") or {}
    ref = member_ref(
        action_team(body),
        str(who.get("id") or ""),
        str(who.get("name") or who.get("username") or ""),
        user,
    )
    value = action.get("value")
    action_id = decode_action(action)
    if value is not None and action_id == value:
        value = None  # the value only carried a long action id
    return ActionEvent(ref, action_place(body), action_id, value)


def is_member_dm(event: dict[str, Any]) -> bool:
    """A message a person wrote in their DM with the bot (not edits, joins or bots)."""
    return (
        event.get("type") == "message"
        and event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and not event.get("bot_profile")
        and bool(event.get("user"))
    )


def message_event(team_id: str, event: dict[str, Any], user: SlackUser | None) -> MessageEvent:
    ref = member_ref(team_id, str(event["user"]), "", user)
    return MessageEvent(ref, Place.dm(event.get("channel")), unescape(event.get("text") or ""))


def unescape(text: str) -> str:
    """Slack sends message text with `&`, `<`, `>` escaped; the core wants what was typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
