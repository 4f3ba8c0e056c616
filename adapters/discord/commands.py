"""Slash commands built from the core's registry, with autocomplete for the free text.

Every core command becomes `/name` with one optional string option `text` that takes
the same free text as on Slack (`/commit` "send the note by Friday 3pm"). Commands
added to the core later appear on the next start with no change here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Protocol, runtime_checkable

import discord
from discord import app_commands

from adapters.discord.render import clip
from adapters.discord.translate import member_of_interaction
from bot.app import JobClubBot
from bot.events import MemberRef
from bot.router import CommandSpec
from bot.text import fold
from bot.zones import match_zone, zone_label

log = logging.getLogger(__name__)

DESCRIPTION_MAX = 100
MAX_CHOICES = 25
TEXT_OPTION = "text"

CommandHandler = Callable[[discord.Interaction, str, str], Awaitable[None]]
MemberOf = Callable[[discord.Interaction], Awaitable[MemberRef]]
Pairs = list[tuple[str, str]]
"""Autocomplete suggestions as (what the member sees, what gets typed in)."""

_USAGE_WORD = re.compile(r"[a-z][a-z-]*")


@runtime_checkable
class OpenCommitments(Protocol):
    """A core query this adapter uses when the core offers it (see docs/discord.md)."""

    async def open_commitments(self, member: MemberRef) -> list[tuple[int, str]]:
        """The member's open commitments as (number, text), soonest first."""
        ...


def build_commands(
    bot: JobClubBot, handler: CommandHandler, member_of: MemberOf
) -> list[app_commands.Command]:
    """One application command per core command, in the registry's order."""
    suggestions = Suggestions(bot, member_of)
    built: list[app_commands.Command] = []
    for spec in bot.router.commands.values():
        try:
            built.append(_command(spec, handler, suggestions))
        except (ValueError, TypeError):
            log.warning("core command /%s cannot be a Discord command; skipped", spec.name[:40])
    return built


def _command(
    spec: CommandSpec, handler: CommandHandler, suggestions: Suggestions
) -> app_commands.Command:
    name = spec.name

    async def callback(interaction: discord.Interaction, text: str | None = None) -> None:
        await handler(interaction, name, text or "")

    async def autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await suggestions.choices(name, interaction, current)

    app_commands.describe(text=clip(spec.usage or spec.summary, DESCRIPTION_MAX))(callback)
    command = app_commands.Command(
        name=name,
        description=clip(spec.summary or name, DESCRIPTION_MAX),
        callback=callback,
        allowed_contexts=app_commands.AppCommandContext(
            guild=True, dm_channel=True, private_channel=False
        ),
        allowed_installs=app_commands.AppInstallationType(guild=True, user=False),
    )
    command.autocomplete(TEXT_OPTION)(autocomplete)
    return command


class Suggestions:
    """What to offer while a member types: the core's own vocabulary, never invented.

    Every command offers the first words of its usage line (`/story list · show N`
    gives `list` and `show`) and its registered options; some add what only the core
    knows: tip topics, practice categories, `/jobclub` sub-commands and time zones, and
    a member's open commitments.
    """

    def __init__(self, bot: JobClubBot, member_of: MemberOf) -> None:
        self.bot = bot
        self.member_of = member_of
        self._providers: dict[str, Callable[[discord.Interaction, str], Awaitable[Pairs]]] = {
            "tip": self._tip,
            "practice": self._practice,
            "jobclub": self._jobclub,
            "commitments": self._commitments,
        }

    async def choices(
        self, name: str, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        spec = self.bot.router.command(name)
        if spec is None:
            return []
        try:
            pairs = _matching([(hint, word) for word, hint, _ in usage_words(spec)], current)
            pairs += _matching([(o, o) for o in spec.options], current)
            provider = self._providers.get(name)
            if provider is not None:
                pairs += await provider(interaction, current)
        except Exception:
            log.exception("autocomplete for /%s failed", name[:40])
            return []
        out: list[app_commands.Choice[str]] = []
        seen: set[str] = set()
        for label, value in pairs:
            if value in seen or not value or len(value) > DESCRIPTION_MAX:
                continue
            seen.add(value)
            out.append(app_commands.Choice(name=clip(label, DESCRIPTION_MAX), value=value))
            if len(out) == MAX_CHOICES:
                break
        return out

    async def _tip(self, interaction: discord.Interaction, current: str) -> Pairs:
        topics = self.bot.services.library.topics
        return _matching([(f"{t.title}: {t.summary}", t.title) for t in topics], current)

    async def _practice(self, interaction: discord.Interaction, current: str) -> Pairs:
        categories: Iterable[Any] = getattr(self.bot.services.library, "categories", ())
        return _matching([(c.title, c.title) for c in categories], current)

    async def _jobclub(self, interaction: discord.Interaction, current: str) -> Pairs:
        word, _, rest = current.strip().partition(" ")
        if word.lower() == "timezone" and rest.strip():
            now = self.bot.services.clock.now()
            found = match_zone(rest, now)
            zones = [found.zone] if found.zone else list(found.candidates)
            return [(zone_label(z, now), f"timezone {z}") for z in zones]
        is_admin = member_of_interaction(interaction).is_admin
        subs = [
            (f"{s.name}: {s.summary}", s.name)
            for s in self.bot.router.subcommands_of("jobclub")
            if is_admin or not s.admin_only
        ]
        return _matching(subs, word)

    async def _commitments(self, interaction: discord.Interaction, current: str) -> Pairs:
        """`done 3: call Ana` for each verb that takes a number, when the core can tell."""
        spec = self.bot.router.command("commitments")
        if spec is None or not isinstance(self.bot, OpenCommitments):
            return []
        numbered = [word for word, _, takes_number in usage_words(spec) if takes_number]
        items = await self.bot.open_commitments(await self.member_of(interaction))
        pairs = [(f"{v} {n}: {text}", f"{v} {n}") for v in numbered for n, text in items]
        return _matching(pairs, current)


def usage_words(spec: CommandSpec) -> list[tuple[str, str, bool]]:
    """(word, its usage fragment, whether a number follows) for each fragment of the usage.

    `/commitments · /commitments done N · drop N · history` gives `done` and `drop`
    (each taking a number) and `history`; placeholders (`TEXT`, `[words]`) are skipped.
    """
    found: dict[str, tuple[str, str, bool]] = {}
    for fragment in spec.usage.split("·"):
        tokens = fragment.split()
        if tokens and tokens[0] == f"/{spec.name}":
            tokens = tokens[1:]
        if tokens and _USAGE_WORD.fullmatch(tokens[0]):
            takes_number = len(tokens) > 1 and tokens[1] == "N"
            found.setdefault(tokens[0], (tokens[0], " ".join(tokens), takes_number))
    return list(found.values())


def _matching(pairs: Iterable[tuple[str, str]], current: str) -> Pairs:
    """Pairs whose label or value contains what was typed so far (all when nothing is)."""
    wanted = fold(current)
    return [(label, value) for label, value in pairs if wanted in fold(f"{value} {label}")]
