"""Maps command names, action-id prefixes and DM text to feature handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

if TYPE_CHECKING:
    from bot.context import Context
    from bot.replies import Reply

Handler = Callable[["Context"], Awaitable["Reply | list[Reply] | None"]]


@dataclass(frozen=True)
class CommandSpec:
    """A slash command; adapters register these with their platform."""

    name: str
    summary: str
    usage: str
    handler: Handler
    options: tuple[str, ...] = ()
    """Well-known first words (e.g. tip topics), offered as choices where platforms allow."""


@dataclass(frozen=True)
class SubcommandSpec:
    parent: str
    name: str
    summary: str
    handler: Handler
    admin_only: bool = False


@dataclass
class Router:
    """The registry every feature registers into. First match wins; no magic."""

    commands: dict[str, CommandSpec] = field(default_factory=dict)
    subcommands: dict[tuple[str, str], SubcommandSpec] = field(default_factory=dict)
    actions: dict[str, Handler] = field(default_factory=dict)
    dm_handlers: list[tuple[int, Handler]] = field(default_factory=list)

    def add_command(
        self, name: str, summary: str, usage: str, handler: Handler, options: tuple[str, ...] = ()
    ) -> None:
        if name in self.commands:
            raise ValueError(f"command /{name} registered twice")
        self.commands[name] = CommandSpec(name, summary, usage, handler, options)

    def add_subcommand(
        self, parent: str, name: str, summary: str, handler: Handler, *, admin_only: bool = False
    ) -> None:
        key = (parent, name)
        if key in self.subcommands:
            raise ValueError(f"/{parent} {name} registered twice")
        self.subcommands[key] = SubcommandSpec(parent, name, summary, handler, admin_only)

    def add_action(self, prefix: str, handler: Handler) -> None:
        """Route action ids `prefix` and `prefix:args...` to `handler`."""
        if prefix in self.actions:
            raise ValueError(f"action {prefix!r} registered twice")
        self.actions[prefix] = handler

    def add_dm_handler(self, handler: Handler, priority: int = 100) -> None:
        """A handler that may claim free DM text (returning None passes it on); low runs first."""
        self.dm_handlers.append((priority, handler))
        self.dm_handlers.sort(key=lambda item: item[0])

    def command(self, name: str) -> CommandSpec | None:
        return self.commands.get(name)

    def subcommand(self, parent: str, name: str) -> SubcommandSpec | None:
        return self.subcommands.get((parent, name))

    def subcommands_of(self, parent: str) -> list[SubcommandSpec]:
        return [s for (p, _), s in self.subcommands.items() if p == parent]

    def action(self, action_id: str) -> tuple[Handler, list[str]] | None:
        """The handler for the longest registered prefix, and the remaining parts as args."""
        parts = action_id.split(":")
        for cut in range(len(parts), 0, -1):
            handler = self.actions.get(":".join(parts[:cut]))
            if handler is not None:
                return handler, parts[cut:]
        return None

    def suggest(self, name: str) -> str | None:
        """The closest command name to a mistyped one, if any is close."""
        match = process.extractOne(name, list(self.commands), scorer=fuzz.ratio, score_cutoff=60)
        return match[0] if match else None
