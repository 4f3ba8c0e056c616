"""Maps command names, action-id prefixes and DM text to feature handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from bot import offers
from bot.errors import UserError
from bot.text import shorten
from bot.understanding.commands import key, read, read_path, verbs_of

if TYPE_CHECKING:
    from bot.context import Context
    from bot.replies import Reply

Handler = Callable[["Context"], Awaitable["Reply | list[Reply] | None"]]
LeaveReason = Literal["switch", "cancel"]
"""Why a conversation lost the DM: another one started, or the member typed `cancel`."""
TextHandler = Callable[["Context", "dict[str, Any]"], Awaitable["Reply | list[Reply] | None"]]
LeaveHandler = Callable[["Context", "dict[str, Any]", LeaveReason], Awaitable["str | None"]]


@dataclass(frozen=True)
class ConversationSpec:
    """A feature's dialogue in the DM (see `bot.focus`).

    `on_text(ctx, state)` gets the member's free DM text while the conversation holds the
    DM; returning None means "not for me" and the text goes on to the DM fallbacks.
    `on_leave(ctx, state, reason)` runs when it loses the DM (another conversation
    started, or `cancel`): it closes or pauses what it had open and returns what the
    member should be told, or None.
    """

    owner: str
    on_text: TextHandler
    on_leave: LeaveHandler


@dataclass(frozen=True)
class CommandSpec:
    """A slash command; adapters register these with their platform.

    `handler` is what runs for `/name TEXT`: when the command has sub-commands it is the
    router's dispatcher (which falls back to the feature's own handler when no verb is
    given), so every path that runs a command gets the same parsing and admin check.
    `usage` is the command's own form; `Router.usage_line` adds its sub-commands.
    """

    name: str
    summary: str
    usage: str
    handler: Handler
    options: tuple[str, ...] = ()
    """Well-known first words (e.g. tip topics), offered as choices where platforms allow."""
    destructive: bool = False
    """It deletes, ends or closes something (`/landed`): run only when typed exactly."""
    confirms_itself: bool = False
    """Its handler asks "are you sure?" itself, so an offered button may run it directly."""
    takes_questions: bool = False
    """Its text may be a question (`tip how to prepare`): typed without the slash, words
    that ask for advice still go to it rather than to the tips reader."""


ArgKind = Literal["number", "word", "text"]


@dataclass(frozen=True)
class Arg:
    """One argument of a sub-command, in the order the member types it.

    `number` is one whole number (a leading `#` is allowed), `word` is one word (from
    `choices` when they are given), `text` takes the rest of the line and so comes last.
    `ask` is what the member is told when a required argument is missing.
    """

    name: str
    kind: ArgKind = "text"
    optional: bool = False
    choices: tuple[str, ...] = ()
    ask: str = ""

    @property
    def shown(self) -> str:
        return f"[{self.name}]" if self.optional else self.name


def number(name: str = "N", *, optional: bool = False, ask: str = "") -> Arg:
    return Arg(name, "number", optional, ask=ask or "Say which one by its number")


def word(name: str, *choices: str, optional: bool = False, ask: str = "") -> Arg:
    return Arg(name, "word", optional, tuple(choices), ask)


def text(name: str = "TEXT", *, optional: bool = False, ask: str = "") -> Arg:
    return Arg(name, "text", optional, ask=ask)


@dataclass(frozen=True)
class SubcommandSpec:
    """`/parent name ARGS`: a verb of a command, with the arguments the core parses for it.

    `parent` may itself be a sub-command path (`"jobclub contact"`). `example` is the part
    after `/parent`, e.g. `"snooze 2 friday 9am"`; help and error messages show it.
    """

    parent: str
    name: str
    summary: str
    handler: Handler
    args: tuple[Arg, ...] = ()
    admin_only: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""
    destructive: bool = False
    """It deletes, drops, leaves or ends something: run only when typed exactly, never from
    a typo, another word or a sentence (`bot.understanding.commands.is_destructive`)."""
    confirms_itself: bool = False
    """Its handler asks "are you sure?" before doing anything, so an offered button may
    run it directly; a destructive verb without this gets a confirmation step first."""

    @property
    def path(self) -> str:
        return f"{self.parent} {self.name}"

    @property
    def usage(self) -> str:
        """`/commitments snooze N WHEN`."""
        return " ".join(["/" + self.path, *(a.shown for a in self.args)])

    @property
    def form(self) -> str:
        """The usage without the root command: `snooze N WHEN`, `contact add NAME`."""
        return self.usage.partition(" ")[2]


@dataclass
class Router:
    """The registry every feature registers into. First match wins; no magic."""

    commands: dict[str, CommandSpec] = field(default_factory=dict)
    subcommands: dict[tuple[str, str], SubcommandSpec] = field(default_factory=dict)
    actions: dict[str, Handler] = field(default_factory=dict)
    conversations: dict[str, ConversationSpec] = field(default_factory=dict)
    dm_fallbacks: list[Handler] = field(default_factory=list)
    help: Handler | None = None
    """What `help`, `menu`, `?` and `/help` show, in any DM state (set by `set_help`)."""

    def add_command(
        self,
        name: str,
        summary: str,
        usage: str,
        handler: Handler,
        options: tuple[str, ...] = (),
        *,
        destructive: bool = False,
        confirms_itself: bool = False,
        takes_questions: bool = False,
    ) -> None:
        """`handler` answers `/name TEXT`, or `/name` alone once the command has sub-commands."""
        if name in self.commands:
            raise ValueError(f"command /{name} registered twice")

        async def entry(ctx: Context) -> Reply | list[Reply] | None:
            return await self._dispatch(name, handler, ctx)

        self.commands[name] = CommandSpec(
            name,
            summary,
            usage,
            entry,
            options,
            destructive=destructive,
            confirms_itself=confirms_itself,
            takes_questions=takes_questions,
        )

    def add_subcommand(
        self,
        parent: str,
        name: str,
        summary: str,
        handler: Handler,
        *,
        args: tuple[Arg, ...] = (),
        admin_only: bool = False,
        aliases: tuple[str, ...] = (),
        example: str = "",
        destructive: bool = False,
        confirms_itself: bool = False,
    ) -> None:
        """Register `/parent name ARGS`; the core parses `args` into `ctx.args` (in order,
        numbers as digit strings, a missing optional one as "") and `ctx.text` (the text
        argument, or what is left over), and refuses non-admins when `admin_only`.

        Declare `destructive=True` for a verb that deletes, drops, leaves or ends something
        (and `confirms_itself=True` when its handler asks first): the readers then run it
        only when typed exactly, and offer it as a button otherwise."""
        if any(a.kind == "text" for a in args[:-1]):
            raise ValueError(f"/{parent} {name}: a text argument must come last")
        spec = SubcommandSpec(
            parent,
            name,
            summary,
            handler,
            args,
            admin_only,
            aliases,
            example,
            destructive=destructive,
            confirms_itself=confirms_itself,
        )
        taken = verbs_of(self, parent)  # keyed as the readers key verbs: `still-open` = `stillopen`
        for verb in (name, *aliases):
            if key(verb) in taken:
                raise ValueError(f"/{parent} {verb} registered twice")
        self.subcommands[(parent, name)] = spec

    def add_action(self, prefix: str, handler: Handler) -> None:
        """Route action ids `prefix` and `prefix:args...` to `handler`."""
        if prefix in self.actions:
            raise ValueError(f"action {prefix!r} registered twice")
        self.actions[prefix] = handler

    def add_conversation(self, owner: str, on_text: TextHandler, on_leave: LeaveHandler) -> None:
        """A DM dialogue named `owner`; a handler starts it with `ctx.hold_dm(owner, …)`."""
        if owner in self.conversations:
            raise ValueError(f"conversation {owner!r} registered twice")
        self.conversations[owner] = ConversationSpec(owner, on_text, on_leave)

    def conversation(self, owner: str) -> ConversationSpec | None:
        return self.conversations.get(owner)

    def add_dm_fallback(self, handler: Handler) -> None:
        """A reader for DM text that no conversation and no command took (returning None
        passes it on); they run in the order features register them, before the greeting."""
        self.dm_fallbacks.append(handler)

    def set_help(self, handler: Handler) -> None:
        self.help = handler

    def command(self, name: str) -> CommandSpec | None:
        return self.commands.get(name)

    def subcommand(self, parent: str, name: str) -> SubcommandSpec | None:
        return self.subcommands.get((parent, name))

    def spec_at(self, path: str) -> CommandSpec | SubcommandSpec | None:
        """The command (`landed`) or sub-command (`jobclub cohort leave`) a path names."""
        parent, _, name = path.rpartition(" ")
        return self.subcommand(parent, name) if parent else self.command(name)

    def subcommands_of(self, parent: str) -> list[SubcommandSpec]:
        return [s for (p, _), s in self.subcommands.items() if p == parent]

    def all_subcommands(self, parent: str) -> list[SubcommandSpec]:
        """Every sub-command under `parent`, nested ones (`jobclub contact add`) included."""
        out: list[SubcommandSpec] = []
        for spec in self.subcommands_of(parent):
            nested = self.all_subcommands(spec.path)
            out.extend(nested or [spec])
        return out

    def forms(self, name: str, *, admin: bool = True) -> list[str]:
        """What may follow `/name`: the fragments of its own usage, then each sub-command's
        form (`done N`, `contact add NAME`), admin-only ones only for admins."""
        out: list[str] = []
        for part in self.commands[name].usage.split("·"):
            part = part.strip()
            if part and part != f"/{name}":
                out.append(part.removeprefix(f"/{name} "))
        out += [s.form for s in self.all_subcommands(name) if admin or not s.admin_only]
        return out

    def usage_line(self, name: str, *, admin: bool = True) -> str:
        """`/story · /story list · /story show N …`: the command's form, then every verb's."""
        spec = self.commands[name]
        forms = [spec.usage] if spec.usage else [f"/{name}"]
        forms += [s.usage for s in self.all_subcommands(name) if admin or not s.admin_only]
        return " · ".join(forms)

    async def _dispatch(
        self, path: str, default: Handler, ctx: Context
    ) -> Reply | list[Reply] | None:
        """Run `/path VERB ARGS` for the verb's spec, or `default` when no verb is given.

        The verbs are read by `bot.understanding.commands.read_path`, the same reading a
        DM or a mistyped command name gets: `Still-Open`, `still open`, `2 done`, `please
        pause`, one slip (`snoze`). What it is unsure of (a slip that fits two verbs, a
        destructive verb read any way but exactly) comes back as "Did you mean" buttons.
        """
        if not self.subcommands_of(path):
            return await default(ctx)
        typed = ctx.text.strip()
        reading = read_path(self, path, typed)
        if reading.kind == "ask":
            said = f"/{path} {typed.split()[0]}" if typed else f"/{path}"
            return ctx.private(offers.ask(self, reading, said))
        spec = self.subcommand(*reading.path.rsplit(" ", 1)) if reading.path != path else None
        for step in self._chain(path, reading.path):
            if step.admin_only and not ctx.is_admin:
                raise UserError("Only club admins can do that.")
        ctx.text = reading.rest
        if reading.unread_verb:
            raise UserError(self._unknown_verb(reading.path, reading.rest.split()[0], ctx.is_admin))
        if spec is None:
            return await default(ctx)
        if self.subcommands_of(spec.path):
            return await spec.handler(ctx)  # a group named without its verb: its own answer
        ctx.args, ctx.text = parse_args(spec, ctx.text)
        return await spec.handler(ctx)

    def _chain(self, root: str, path: str) -> list[SubcommandSpec]:
        """The sub-commands from below `root` down to `path`, for their admin checks."""
        out: list[SubcommandSpec] = []
        while path != root and " " in path:
            spec = self.spec_at(path)
            if isinstance(spec, SubcommandSpec):
                out.append(spec)
            path = path.rpartition(" ")[0]
        return out

    def _unknown_verb(self, path: str, verb: str, admin: bool) -> str:
        forms = [f"`{s.usage}`" for s in self.all_subcommands(path) if admin or not s.admin_only]
        return (
            f"`/{path} {shorten(verb, 30)}` is not something I know. Try one of: "
            + ", ".join(forms)
            + "."
        )

    def action(self, action_id: str) -> tuple[Handler, list[str]] | None:
        """The handler for the longest registered prefix, and the remaining parts as args."""
        parts = action_id.split(":")
        for cut in range(len(parts), 0, -1):
            handler = self.actions.get(":".join(parts[:cut]))
            if handler is not None:
                return handler, parts[cut:]
        return None

    def suggest(self, name: str) -> str | None:
        """The command a mistyped name plainly means, or the first it may mean; the same
        reading as everywhere else (`bot.understanding.commands.read`)."""
        reading = read(self, name)
        if reading.kind == "run":
            return reading.root
        return reading.offers[0].path.partition(" ")[0] if reading.offers else None


def parse_args(spec: SubcommandSpec, rest: str) -> tuple[tuple[str, ...], str]:
    """`rest` read against `spec.args`: (values in order, the text argument or what is left).

    Raises `UserError` naming what is missing or wrong, with the spec's example.
    """
    values: list[str] = []
    remaining = rest.strip()
    for arg in spec.args:
        if arg.kind == "text":
            if not remaining and not arg.optional:
                raise UserError(_missing(spec, arg, values))
            values.append(remaining)
            return tuple(values), remaining
        head, _, tail = remaining.partition(" ")
        if arg.kind == "number":
            digits = head.lstrip("#")
            if not (digits.isascii() and digits.isdigit() and len(digits) <= 9):
                if not head and arg.optional:
                    values.append("")
                    continue
                raise UserError(_missing(spec, arg, values))
            head = str(int(digits))
        elif arg.kind == "word":
            head = head.lower().strip(".,:;!?")
            if not head:
                if arg.optional:
                    values.append("")
                    continue
                raise UserError(_missing(spec, arg, values))
            if arg.choices and head not in arg.choices:
                if arg.optional:
                    values.append("")
                    continue
                raise UserError(
                    f"`{shorten(head, 30)}` is not one of {', '.join(arg.choices)}: `{spec.usage}`."
                )
        values.append(head)
        remaining = tail.strip()
    return tuple(values), remaining


def _missing(spec: SubcommandSpec, arg: Arg, given: list[str]) -> str:
    """`Snooze until when? e.g. /commitments snooze 3 friday 9am` (with the member's 3)."""
    ask = arg.ask or f"Add {arg.name}"
    if spec.example:
        verb, *words = spec.example.split()
        example = " ".join([f"/{spec.parent}", verb, *given, *words[len(given) :]])
    else:
        example = spec.usage
    return f"{ask}{'' if ask.endswith('?') else ','} e.g. `{example}`."
