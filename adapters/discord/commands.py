"""Slash commands built from the core's registry, with autocomplete for the free text.

Every core command becomes `/name` with one optional string option `text` that takes
the same free text as on Slack (`/commit` "send the note by Friday 3pm"). The option's
description and the autocomplete choices come from the router's sub-command specs
(`done N`, `contact add NAME`, the admin-only ones only for admins), so commands and
verbs added to the core later appear on the next start with no change here.
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
from bot.router import CommandSpec, Router
from bot.text import fold
from bot.zones import suggest_zones, zone_label

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
    router = bot.router
    for spec in router.commands.values():
        try:
            described = " · ".join(router.forms(spec.name, admin=False)) or spec.summary
            built.append(_command(spec, described, handler, suggestions))
        except (ValueError, TypeError):
            log.warning("core command /%s cannot be a Discord command; skipped", spec.name[:40])
    return built


def _command(
    spec: CommandSpec, described: str, handler: CommandHandler, suggestions: Suggestions
) -> app_commands.Command:
    name = spec.name

    async def callback(interaction: discord.Interaction, text: str | None = None) -> None:
        await handler(interaction, name, text or "")

    async def autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await suggestions.choices(name, interaction, current)

    app_commands.describe(text=clip(described, DESCRIPTION_MAX))(callback)
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

    Every command offers its sub-commands as the router's specs declare them (`done N`
    fills in `done`; `contact add NAME` fills in `contact add`), then the words of a
    sub-command's `word` argument once its verb is typed, and its registered options;
    some add what only the core knows: tip topics, practice categories, time zones, and
    a member's open commitments for each verb that takes a number.
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
            is_admin = member_of_interaction(interaction).is_admin
            words = spec_words(self.bot.router, name, admin=is_admin)
            pairs = _matching([(form, value) for value, form, _ in words], current)
            pairs += _choice_words(self.bot.router, name, current, admin=is_admin)
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
            return [(zone_label(z, now), f"timezone {z}") for z in suggest_zones(rest, now)]
        return []

    async def _commitments(self, interaction: discord.Interaction, current: str) -> Pairs:
        """`done 3: call Ana` for each verb that takes a number, when the core can tell."""
        spec = self.bot.router.command("commitments")
        if spec is None or not isinstance(self.bot, OpenCommitments):
            return []
        numbered = [
            value
            for value, _, takes_number in spec_words(self.bot.router, "commitments", admin=False)
            if takes_number
        ]
        items = await self.bot.open_commitments(await self.member_of(interaction))
        pairs = [(f"{v} {n}: {text}", f"{v} {n}") for v in numbered for n, text in items]
        return _matching(pairs, current)


def spec_words(router: Router, name: str, *, admin: bool) -> list[tuple[str, str, bool]]:
    """(what gets typed, the form shown, whether a number follows) for each way to go on
    after `/name`: every sub-command spec, then the plain words of the command's own usage
    (`/tip topics`) for commands that have not declared their verbs as specs."""
    found: dict[str, tuple[str, str, bool]] = {}
    for sub in router.all_subcommands(name):
        if admin or not sub.admin_only:
            value = sub.path.partition(" ")[2]
            takes_number = bool(sub.args) and sub.args[0].kind == "number"
            found.setdefault(value, (value, sub.form, takes_number))
    spec = router.commands[name]
    for fragment in spec.usage.split("·"):
        tokens = fragment.split()
        if tokens and tokens[0] == f"/{name}":
            tokens = tokens[1:]
        if tokens and _USAGE_WORD.fullmatch(tokens[0]):
            found.setdefault(tokens[0], (tokens[0], " ".join(tokens), False))
    return list(found.values())


def _choice_words(router: Router, name: str, current: str, *, admin: bool) -> Pairs:
    """`nudges days ` → the words its argument accepts, when the spec lists them."""
    out: Pairs = []
    for sub in router.all_subcommands(name):
        value = sub.path.partition(" ")[2]
        typed = fold(current)
        if (admin or not sub.admin_only) and typed.startswith(f"{fold(value)} "):
            for arg in sub.args:
                if arg.kind == "word" and arg.choices:
                    out += [(f"{value} {c}", f"{value} {c}") for c in arg.choices]
                    break
    return _matching(out, current)


def _matching(pairs: Iterable[tuple[str, str]], current: str) -> Pairs:
    """Pairs whose label or value contains what was typed so far (all when nothing is)."""
    wanted = fold(current)
    return [(label, value) for label, value in pairs if wanted in fold(f"{value} {label}")]
