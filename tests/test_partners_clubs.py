"""Practice partners stay inside a club: a Slack workspace's members are paired with each
other, a Discord guild's with each other, never across; and a round runs the same on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.events import CommandEvent, MemberRef, Place, Platform
from tests.conftest import Conversation

MONDAY_9_UTC = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def member(platform: Platform, club: str, name: str, *, admin: bool = False) -> MemberRef:
    return MemberRef(platform, club, f"U{name.upper()}", name, is_admin=admin, tz_hint="UTC")


async def say(conversation: Conversation, who: MemberRef, line: str) -> str:
    name, _, rest = line.lstrip("/").partition(" ")
    replies = await conversation.bot.handle(CommandEvent(who, Place.channel("general"), name, rest))
    return "\n".join(r.text for r in replies)


async def test_slack_and_discord_members_are_paired_in_their_own_clubs_only(
    any_db_conversation: Conversation,
) -> None:
    conversation = any_db_conversation
    slack = [member(Platform.SLACK, "T1", n, admin=n == "Ada") for n in ("Ada", "Grace")]
    discord = [member(Platform.DISCORD, "G1", n, admin=n == "Hedy") for n in ("Hedy", "Kath")]
    for who in [*slack, *discord]:  # the same hours everywhere: only the club keeps them apart
        assert "Practice partners: on" in await say(
            conversation, who, "/partners on weekdays 12-14"
        )
    assert "a round every Monday" in await say(
        conversation, slack[0], "/jobclub partners on monday 9:00"
    )
    assert "a round every Monday" in await say(
        conversation, discord[0], "/jobclub partners on monday 9:00 #practice"
    )
    arrived = await conversation.advance(MONDAY_9_UTC)
    intros = [d for d in arrived if d.kind == "partners-intro"]
    groups = {d.to: sorted(d.meta["members"]) for d in intros}  # type: ignore[arg-type]
    assert groups == {
        "Ada": ["Ada", "Grace"],
        "Grace": ["Ada", "Grace"],
        "Hedy": ["Hedy", "Kath"],
        "Kath": ["Hedy", "Kath"],
    }
    assert not [d for d in arrived if d.kind == "partners-none"]
