"""Who and where, from Discord objects: a guild is a club, DM-only members get their own."""

from __future__ import annotations

import discord

from bot.events import MemberRef, Place, Platform


def club_id(guild_id: int | None, user_id: int) -> str:
    """The guild's id; a member who only talks to the bot in DMs has a personal club."""
    return str(guild_id) if guild_id is not None else f"dm-{user_id}"


def member_of_interaction(
    interaction: discord.Interaction, dm_club: str | None = None
) -> MemberRef:
    """Admins are members with Manage Server (or Administrator) in that guild.

    In a DM, `dm_club` is the club the member's DMs belong to (see `clubs.DmClubs`).
    """
    user = interaction.user
    is_admin = False
    club = dm_club or club_id(None, user.id)
    if interaction.guild_id is not None:
        perms = interaction.permissions
        is_admin = perms.manage_guild or perms.administrator
        club = club_id(interaction.guild_id, user.id)
    return MemberRef(
        platform=Platform.DISCORD,
        club_id=club,
        user_id=str(user.id),
        display_name=user.display_name,
        is_admin=is_admin,
        tz_hint=None,
    )


def place_of_interaction(interaction: discord.Interaction) -> Place:
    channel_id = str(interaction.channel_id) if interaction.channel_id is not None else None
    if interaction.guild_id is None:
        return Place.dm(channel_id)
    return Place.channel(channel_id)


def member_of_message(message: discord.Message, dm_club: str | None = None) -> MemberRef:
    """The author of a DM to the bot; admin rights are only used inside a server."""
    author = message.author
    return MemberRef(
        platform=Platform.DISCORD,
        club_id=dm_club or club_id(None, author.id),
        user_id=str(author.id),
        display_name=author.display_name,
    )
