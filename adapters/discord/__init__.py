"""The Discord adapter (discord.py 2.x): slash commands, buttons, DMs, and the outbox.

`build_discord(bot, settings)` is what `jobclub discord` and `jobclub run` start;
`invite_url(settings)` prints the install link (`jobclub discord invite-url`).
"""

from adapters.discord.client import DiscordAdapter, build_discord
from adapters.discord.invite import InviteError, invite_url

__all__ = ["DiscordAdapter", "InviteError", "build_discord", "invite_url"]
