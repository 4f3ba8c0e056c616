"""Routing and the one error handler: every failure becomes a friendly reply."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.context import Context
from bot.errors import UserError
from bot.features import Feature, load_features
from bot.replies import Button, Reply
from bot.router import Router
from bot.settings import Settings
from bot.text import MAX_INPUT_CHARS
from tests.conftest import Conversation


class Exploding(Feature):
    """A test feature whose handlers fail in the two ways handlers can fail."""

    name = "exploding"

    def register(self, router: Router) -> None:
        router.add_command("boom", "Fails.", "/boom", self.boom)
        router.add_command("oops", "Fails politely.", "/oops", self.oops)
        router.add_command("offer", "A button that fails.", "/offer", self.offer)
        router.add_action("boom:press", self.boom)

    async def offer(self, ctx: Context) -> Reply:
        return Reply(text="Press it.", buttons=[Button("Boom", "boom:press")])

    async def boom(self, ctx: Context) -> Reply:
        raise RuntimeError("secret internals ada-was-here")

    async def oops(self, ctx: Context) -> Reply:
        raise UserError("That date is not one I can read.")


@pytest.fixture
async def exploding(settings: Settings, clock: FakeClock):
    bot = await JobClubBot.create(settings, clock, features=[*load_features(), Exploding()])
    try:
        yield Conversation(bot, clock)
    finally:
        await bot.close()


async def test_exception_becomes_friendly_reply_with_reference(
    exploding: Conversation, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        reply = await exploding.one("/boom")
    ref = reply.meta["reference"]
    assert reply.meta["error"] == "internal"
    assert ref in reply.text and "Nothing you wrote was lost" in reply.text
    assert "secret internals" not in reply.text
    logged = [r for r in caplog.records if ref in r.getMessage()]
    assert logged and logged[0].exc_info is not None


async def test_failed_button_is_also_caught(exploding: Conversation) -> None:
    offer = await exploding.one("/offer")
    (reply,) = await exploding.press(offer, "Boom")
    assert reply.meta["error"] == "internal"


async def test_user_error_is_shown_as_it_is(exploding: Conversation) -> None:
    reply = await exploding.one("/oops")
    assert reply.text == "That date is not one I can read."
    assert reply.meta["error"] == "user"


async def test_a_failure_rolls_back_and_the_bot_keeps_going(exploding: Conversation) -> None:
    await exploding.one("/boom")
    reply = await exploding.one("/tip money")
    assert reply.meta["topic"] == "money"


async def test_a_plain_typo_runs_the_command_it_means(conversation: Conversation) -> None:
    reply = await conversation.one("/tpi money")
    assert reply.meta["topic"] == "money"


async def test_unknown_command_offers_the_closest(conversation: Conversation) -> None:
    reply = await conversation.one("/tipsy networking")
    assert reply.meta["did_you_mean"] == ["tip"]
    assert [b.label for b in reply.buttons] == ["/tip networking", "Show help"]
    (tip,) = await conversation.press(reply, "/tip networking")
    assert tip.meta["read_as"] == "/tip"


async def test_a_verb_registered_twice_in_another_spelling_is_refused() -> None:
    router = Router()
    router.add_command("x", "X.", "/x", _nothing)
    router.add_subcommand("x", "still-open", "Once.", _nothing)
    with pytest.raises(ValueError, match="registered twice"):
        router.add_subcommand("x", "stillopen", "Twice.", _nothing)
    with pytest.raises(ValueError, match="registered twice"):
        router.add_subcommand("x", "other", "Alias.", _nothing, aliases=("Still_Open",))


async def _nothing(ctx: object) -> None:
    return None


async def test_a_name_that_means_nothing_gets_no_guess(conversation: Conversation) -> None:
    reply = await conversation.one("/weather tomorrow")
    assert reply.meta["error"] == "unknown_command"
    assert reply.meta["suggestion"] is None


async def test_a_verb_slip_that_fits_two_verbs_asks(conversation: Conversation) -> None:
    reply = await conversation.one("/checkin onw")
    assert set(reply.meta["did_you_mean"]) == {"checkin on", "checkin now"}
    assert reply.buttons[-1].label == "Show help"


async def test_empty_command_explains_what_to_type(conversation: Conversation) -> None:
    reply = await conversation.one("/")
    assert reply.meta["error"] == "empty_command"
    assert "/tip" in reply.text


async def test_stale_button_is_explained(conversation: Conversation) -> None:
    # Stale: a button left in the chat by a feature this version no longer has.
    (reply,) = await conversation.press_id("retired:feature:999")
    assert reply.meta["error"] == "unknown_action"


async def test_too_long_input_is_refused_whole(conversation: Conversation) -> None:
    reply = await conversation.one("/tip " + "x" * 50_000)
    assert reply.meta["error"] == "user"
    assert f"{MAX_INPUT_CHARS:,}" in reply.text and "not saved" in reply.text
    (dm_reply,) = await conversation.dm("y" * (MAX_INPUT_CHARS + 1))
    assert dm_reply.meta["error"] == "user"


async def test_control_characters_are_dropped(conversation: Conversation) -> None:
    reply = await conversation.one("/tip \x00thank\x1b[31m you\u200b note\x7f")
    assert reply.meta["topic"] == "thank-you-notes"
    reply = await conversation.one("/tip \x01\x02\x03")
    assert reply.meta.get("error") is None  # treated as a plain /tip
    assert reply.meta["tip_id"]


async def test_channel_chatter_is_ignored(conversation: Conversation) -> None:
    from bot.events import MessageEvent, Place

    replies = await conversation.bot.handle(
        MessageEvent(conversation.ref(), Place.channel("general"), "hello everyone")
    )
    assert replies == []


async def test_unclaimed_dm_text_gets_a_pointer_to_help(conversation: Conversation) -> None:
    (reply,) = await conversation.dm("hello there")
    assert "help" in reply.text
    assert [b.action for b in reply.buttons] == ["jobclub:help", "tip:another"]


async def test_help_lists_every_command_once(conversation: Conversation) -> None:
    reply = await conversation.one("/jobclub help")
    router = conversation.bot.router
    assert sorted(reply.meta["commands"]) == sorted(router.commands)
    for name, spec in router.commands.items():
        assert f"/{name} · {spec.summary}" in reply.text
    assert (await conversation.one("/jobclub")).meta == reply.meta


async def test_unknown_jobclub_subcommand(conversation: Conversation) -> None:
    reply = await conversation.one("/jobclub frobnicate")
    assert "frobnicate" in reply.text and "help" in reply.text


def test_action_routing_uses_the_longest_prefix() -> None:
    router = Router()

    async def a(ctx: Context) -> None:
        return None

    async def b(ctx: Context) -> None:
        return None

    router.add_action("commit", a)
    router.add_action("commit:done", b)
    assert router.action("commit:done:42") == (b, ["42"])
    assert router.action("commit:snooze:42") == (a, ["snooze", "42"])
    assert router.action("other:1") is None
    with pytest.raises(ValueError):
        router.add_action("commit", b)


def test_features_register_themselves() -> None:
    names = {f.name for f in load_features()}
    assert {"tips", "jobclub", "privacy"} <= names


async def test_button_action_ids_fit_every_platform(conversation: Conversation) -> None:
    """Discord caps custom_id at 100 characters and a message may not repeat one."""
    conversation.admins.add("Ada")
    commands = [
        "/tip",
        "/tip topics",
        "/jobclub help",
        "/commit send the note to Ana",
        "/commit call the recruiter tomorrow 10am",
        "/commitments",
        "/interview Acme with Ana Ruiz on friday 10am for analyst",
        "/rejected Globex, Bob Stone",
        "/jobclub timezone ist",
        "/jobclub delete",
        "/nudges on",
    ]
    seen = 0
    for line in commands:
        for reply in await conversation.command(line):
            actions = [b.action for b in reply.buttons]
            assert len(actions) == len(set(actions)), (line, actions)
            assert all(0 < len(a) <= 100 for a in actions), (line, actions)
            assert len(actions) <= 25, line
            seen += len(actions)
    assert seen > 20


async def test_open_commitments_is_read_only(conversation: Conversation) -> None:
    bot = conversation.bot
    assert await bot.open_commitments(conversation.ref("Nobody")) == []
    await conversation.one("/commit call Ana tomorrow 10am")
    await conversation.one("/commit email Bo tonight")
    assert await bot.open_commitments(conversation.ref()) == [(2, "email Bo"), (1, "call Ana")]
    from sqlalchemy import func, select

    from bot.store.models import Member

    async with bot.services.db.session() as session:
        names = list(await session.scalars(select(Member.display_name)))
        assert names == ["Ada"]  # "Nobody" was not created
        assert await session.scalar(select(func.count()).select_from(Member)) == 1


async def test_a_dm_outside_any_club_finds_the_members_club(conversation: Conversation) -> None:
    from bot.events import CommandEvent, MemberRef, Place, Platform

    await conversation.one("/commit call Ana tomorrow 10am")
    personal = MemberRef(Platform.CONSOLE, "dm-ada", "ada", "Ada")
    (listed,) = await conversation.bot.handle(
        CommandEvent(personal, Place.dm("d1"), "commitments", "")
    )
    assert [c["number"] for c in listed.meta["commitments"]] == [1]


# -- structured sub-commands (issue 14) ------------------------------------------------


class Verbs(Feature):
    """A feature whose verbs are specs only: the core parses, checks and dispatches."""

    name = "verbs"

    def register(self, router: Router) -> None:
        from bot.router import number, text, word

        router.add_command("things", "Things.", "/things", self.on_default)
        router.add_subcommand(
            "things",
            "move",
            "Move one.",
            self.on_move,
            args=(number(), word("WAY", "up", "down"), text("NOTE", optional=True)),
            example="move 2 up",
            aliases=("shift",),
        )
        router.add_subcommand("things", "wipe", "Admins.", self.on_move, admin_only=True)

    async def on_default(self, ctx: Context) -> Reply:
        return Reply(text="default")

    async def on_move(self, ctx: Context) -> Reply:
        return Reply(text=f"args={list(ctx.args)} text={ctx.text!r}")


@pytest.fixture
async def verbs(settings: Settings, clock: FakeClock) -> AsyncIterator[Conversation]:
    bot = await JobClubBot.create(settings, clock, features=[Verbs()])
    try:
        yield Conversation(bot, clock)
    finally:
        await bot.close()


async def test_sub_commands_are_parsed_checked_and_dispatched_by_the_core(
    verbs: Conversation,
) -> None:
    said = {}
    for line in (
        "/things",
        "/things move #2 UP",
        "/things shift 3 down after lunch",
        "/things move",
        "/things move two up",
        "/things move 2 sideways",
        "/things jump",
        "/things wipe",
    ):
        said[line] = (await verbs.one(line)).text
    assert said == {
        "/things": "default",
        "/things move #2 UP": "args=['2', 'up', ''] text=''",
        "/things shift 3 down after lunch": "args=['3', 'down', 'after lunch'] text='after lunch'",
        "/things move": "Say which one by its number, e.g. `/things move 2 up`.",
        "/things move two up": "Say which one by its number, e.g. `/things move 2 up`.",
        "/things move 2 sideways": "`sideways` is not one of up, down: "
        "`/things move N WAY [NOTE]`.",
        "/things jump": "`/things jump` is not something I know. Try one of: "
        "`/things move N WAY [NOTE]`.",
        "/things wipe": "Only club admins can do that.",
    }
    verbs.admins.add("Ada")
    assert (await verbs.one("/things wipe")).text == "args=[] text=''"


def test_a_sub_command_registered_twice_or_with_text_first_is_refused() -> None:
    from bot.router import text

    router = Router()

    async def handler(ctx: Context) -> None:
        return None

    router.add_subcommand("x", "go", "Go.", handler, aliases=("run",))
    with pytest.raises(ValueError):
        router.add_subcommand("x", "run", "Again.", handler)
    with pytest.raises(ValueError):
        router.add_subcommand("x", "say", "Say.", handler, args=(text(), text()))


async def test_jobclub_help_lists_sub_commands_from_their_specs(conversation: Conversation) -> None:
    reply = await conversation.one("/jobclub help")
    assert "done N · drop N · snooze N WHEN" in reply.text
    assert "/jobclub contact remove NAME · Stop staying in touch" in reply.text
    assert "/jobclub digest" not in reply.text  # admins only
    conversation.admins.add("Ada")
    assert "/jobclub digest" in (await conversation.one("/jobclub help")).text
    one = await conversation.one("/jobclub help commitments")
    assert one.title == "/commitments"
    assert "/commitments snooze N WHEN · Move one to a later time." in one.text
    assert one.meta["forms"][0] == "/commitments done N"
    unknown = await conversation.one("/jobclub help comit")
    assert unknown.meta["error"] == "user" and "Did you mean `/commit`?" in unknown.text
