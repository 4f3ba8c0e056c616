"""The console adapter: try the bot in a terminal, or script it line by line."""

from adapters.console.session import ConsoleSession

__all__ = ["ConsoleSession"]
