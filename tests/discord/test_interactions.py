"""Slash commands, buttons (also after a restart), autocomplete and the 3-second rule."""

from __future__ import annotations

import asyncio
from pathlib import Path

from adapters.discord import DiscordAdapter
from bot.app import JobClubBot
from bot.events import Event, MemberRef
from bot.replies import Button, Reply, Visibility
from tests.discord.conftest import (
    Seconds,
    buttons_of,
    connected,
    discord_settings,
    is_ephemeral,
    make_core,
    text_of,
)
from tests.discord.fake_discord import ADA, BEN, FakeDiscord, FakeInteraction, Json


async def ask(fake: FakeDiscord, name: str, text: str | None = None, **kw: object) -> list[Json]:
    """Run a slash command; the messages the member sees once it is answered."""
    iid = await fake.command(name, text, **kw)  # type: ignore[arg-type]
    await fake.wait_for(lambda: fake.settled(iid))
    return fake.shown(iid)


async def press(fake: FakeDiscord, message: Json, label: str) -> tuple[FakeInteraction, Json]:
    """Press the button labelled `label` on `message`; the interaction and what it showed."""
    iid = await fake.press(message, label)
    found = await fake.wait_for(lambda: fake.settled(iid))
    return found, fake.shown(iid)[0]


async def test_every_core_command_answers(
    live: DiscordAdapter, fake: FakeDiscord, core: JobClubBot
) -> None:
    for name in core.router.commands:
        shown = await ask(fake, name)
        assert shown, name
        assert all(text_of(m) or buttons_of(m) for m in shown), name
    # One callback per command, each accepted (the fake refuses late or repeated ones).
    callbacks = fake.calls_to("POST", r"/interactions/\d+/[^/]+/callback")
    assert len(callbacks) == len(core.router.commands)
    assert all(c.status == 200 for c in callbacks)


async def test_tip_is_an_ephemeral_embed_with_buttons(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    (message,) = await ask(fake, "tip", "thank you note")
    assert is_ephemeral(message)
    (embed,) = message["embeds"]
    assert embed["title"] and len(embed["description"]) > 80
    assert buttons_of(message)[:2] == ["tip:another", f"tip:topic:{_topic(message)}"]


def _topic(message: Json) -> str:
    return buttons_of(message)[1].removeprefix("tip:topic:")


async def test_commit_takes_the_same_free_text_as_slack(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    (message,) = await ask(fake, "commit", "send the note by Friday 3pm")
    assert is_ephemeral(message)
    assert "send the note" in text_of(message)
    assert "Fri 27 Nov, 15:00" in text_of(message)
    assert "commit:undo:1" in buttons_of(message)


async def test_everyone_in_user_text_pings_no_one(live: DiscordAdapter, fake: FakeDiscord) -> None:
    (message,) = await ask(fake, "commit", "@everyone party by tomorrow 5pm")
    assert "@\u200beveryone party" in text_of(message)
    assert message["allowed_mentions"] == {"parse": []}
    callback = fake.calls_to("POST", r"/interactions/.*/callback")[-1]
    assert callback.body["data"]["allowed_mentions"] == {"parse": []}


async def test_a_button_works_and_again_after_a_restart(tmp_path: Path, fake: FakeDiscord) -> None:
    settings = discord_settings(
        tmp_path, fake, database_url=f"sqlite+aiosqlite:///{tmp_path / 'jobclub.db'}"
    )
    titles: list[str] = []
    bot = await make_core(settings)
    try:
        async with connected(bot, settings, fake):
            (first,) = await ask(fake, "tip")
            titles.append(first["embeds"][0]["title"])
            found, second = await press(fake, first, "Another tip")
            assert found.response_type == 4 and is_ephemeral(second)
            titles.append(second["embeds"][0]["title"])
    finally:
        await bot.close()

    restarted = await make_core(settings)
    try:
        async with connected(restarted, settings, fake):
            found, third = await press(fake, first, "Another tip")  # the old message's button
            assert found.response_type == 4 and is_ephemeral(third)
            titles.append(third["embeds"][0]["title"])
    finally:
        await restarted.close()
    assert len(set(titles)) == 3  # same database: tips already seen are not repeated


async def test_share_posts_in_the_channel_for_everyone(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    (tip,) = await ask(fake, "tip", "research the company")
    _, shared = await press(fake, tip, "Share with the channel")
    assert not is_ephemeral(shared)
    assert "Ada shared a tip" in text_of(shared)
    # Buttons are routed by their custom id alone: no view is kept per message.
    assert len(live.client.persistent_views) == 0


async def test_a_button_the_core_no_longer_knows_gets_a_plain_answer(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    # A button left by an older version: its label is its id, so press it by that id.
    old = fake.bot_message(["retired:feature:7"])
    iid = await fake.press_id(old, "retired:feature:7")
    await fake.wait_for(lambda: fake.settled(iid))
    (answer,) = fake.shown(iid)
    assert is_ephemeral(answer)
    assert "no longer does anything" in text_of(answer)


async def test_in_a_dm_replies_are_plain_messages(live: DiscordAdapter, fake: FakeDiscord) -> None:
    (message,) = await ask(fake, "jobclub", "help", in_dm=True)
    assert not is_ephemeral(message)
    assert "/tip" in text_of(message)


async def test_admin_rights_come_from_manage_server(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    (refused,) = await ask(fake, "jobclub", "digest off")
    assert "Only club admins" in text_of(refused)
    (allowed,) = await ask(fake, "jobclub", "digest off", admin=True, user=BEN)
    assert "Only club admins" not in text_of(allowed)


# -- the 3-second rule -----------------------------------------------------------------------


class SlowBot(JobClubBot):
    """The core, but slower than any answer budget: it answers only once the test says so.

    The test opens `ready` after it has seen the adapter defer, so the order "defer, then
    answer" is forced by events, not by how long anything takes in real time.
    """

    ready: asyncio.Event

    async def handle(self, event: Event) -> list[Reply]:
        await self.ready.wait()
        return await super().handle(event)


async def test_a_slow_answer_is_deferred_then_delivered(tmp_path: Path, fake: FakeDiscord) -> None:
    settings = discord_settings(tmp_path, fake)
    bot = await make_core(settings, SlowBot)
    bot.ready = asyncio.Event()
    try:
        async with connected(bot, settings, fake, answer_budget=0):
            iid = await fake.command("tip", "salary")
            deferred = await fake.wait_for(lambda: fake.answered(iid))
            assert deferred.response_type == 5  # "thinking…" while the core still works
            assert fake.settled(iid) is None
            bot.ready.set()
            found = await fake.wait_for(lambda: fake.settled(iid))
            assert found.response_type == 5  # "thinking…", ephemeral
            callback = fake.calls_to("POST", rf"/interactions/{iid}/.*/callback")[0]
            assert callback.body["data"]["flags"] == 64
            (message,) = fake.shown(iid)
            assert is_ephemeral(message) and message["embeds"] and buttons_of(message)
            assert fake.calls_to("PATCH", r"/webhooks/\d+/.*/messages/@original")

            # A slow public answer: the ephemeral "thinking" goes, the reply is public.
            bot.ready.clear()
            pressed = await fake.press(message, "Share with the channel")
            acknowledged = await fake.wait_for(lambda: fake.answered(pressed))
            assert acknowledged.response_type == 6 and fake.settled(pressed) is None
            bot.ready.set()
            found = await fake.wait_for(lambda: fake.settled(pressed))
            assert found.response_type == 6
            (shared,) = fake.shown(pressed)
            assert not is_ephemeral(shared) and "shared a tip" in text_of(shared)
    finally:
        await bot.close()


class FourSecondBot(JobClubBot):
    """The core, taking four seconds on the fake's clock (and no real time) per event."""

    seconds: Seconds

    async def handle(self, event: Event) -> list[Reply]:
        self.seconds.advance(4)
        return await super().handle(event)


async def test_the_fake_refuses_an_answer_after_three_seconds(
    tmp_path: Path, fake: FakeDiscord
) -> None:
    """The fake keeps Discord's rule on its own clock, so the deferral test above can fail."""
    settings = discord_settings(tmp_path, fake)
    bot = await make_core(settings, FourSecondBot)
    assert isinstance(fake.clock, Seconds)
    bot.seconds = fake.clock
    try:
        async with connected(bot, settings, fake):
            iid = await fake.command("tip", "salary")
            (late,) = await fake.wait_for(
                lambda: fake.calls_to("POST", rf"/interactions/{iid}/.*/callback") or None
            )
            assert late.status == 404 and late.response["code"] == 10062
            assert fake.answered(iid) is None  # the member saw nothing from that answer
    finally:
        await bot.close()


# -- replies the adapter must shape ------------------------------------------------------------


class ScriptedBot(JobClubBot):
    """The real registry and services, but `handle` answers with `script`."""

    script: list[Reply]

    async def handle(self, event: Event) -> list[Reply]:
        return self.script


async def test_long_texts_are_split_cleanly_or_embedded(tmp_path: Path, fake: FakeDiscord) -> None:
    settings = discord_settings(tmp_path, fake)
    bot = await make_core(settings, ScriptedBot)
    paragraph = "word " * 199 + "end."  # 999 characters
    try:
        async with connected(bot, settings, fake):
            bot.script = [Reply(text="\n\n".join([paragraph] * 3))]  # 3,001 characters
            (embedded,) = await ask(fake, "tip")
            assert not embedded["content"]
            assert embedded["embeds"][0]["description"].count("end.") == 3

            bot.script = [
                Reply(text="\n\n".join([paragraph] * 5), buttons=[Button("More", "tip:another")])
            ]
            iid = await fake.command("tip")
            await fake.wait_for(lambda: len(fake.shown(iid)) == 3 or None)
            parts = fake.shown(iid)
            assert all(len(p["content"]) <= 2000 and is_ephemeral(p) for p in parts)
            assert sum(p["content"].count("end.") for p in parts) == 5
            assert all(p["content"].endswith("end.") for p in parts)  # cut between paragraphs
            assert [buttons_of(p) for p in parts] == [[], [], ["tip:another"]]
    finally:
        await bot.close()


async def test_dm_replies_go_to_the_dm_with_a_note_in_place(
    tmp_path: Path, fake: FakeDiscord
) -> None:
    settings = discord_settings(tmp_path, fake)
    bot = await make_core(settings, ScriptedBot)
    bot.script = [Reply(text="Your export is below.", visibility=Visibility.DM)]
    try:
        async with connected(bot, settings, fake):
            (note,) = await ask(fake, "jobclub", "export")
            assert is_ephemeral(note) and note["content"] == "I sent you a DM."
            (dm,) = fake.channel_messages(fake.dm_channels[ADA.id])
            assert dm["content"] == "Your export is below."

            fake.refuse_dms.add(BEN.id)  # DMs closed: the reply comes in place instead
            (in_place,) = await ask(fake, "jobclub", "export", user=BEN)
            assert is_ephemeral(in_place) and in_place["content"] == "Your export is below."
    finally:
        await bot.close()


# -- autocomplete --------------------------------------------------------------------------------


async def suggest(fake: FakeDiscord, name: str, current: str, **kw: object) -> list[Json]:
    iid = await fake.autocomplete(name, current, **kw)  # type: ignore[arg-type]
    found = await fake.wait_for(lambda: fake.answered(iid))
    assert found.response_type == 8
    assert found.choices is not None
    return found.choices


async def test_autocomplete_offers_topics_subcommands_and_zones(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    tips = await suggest(fake, "tip", "thank")
    assert [c["value"] for c in tips] == ["Thank-you notes"]
    everything = await suggest(fake, "tip", "")
    assert everything[0]["value"] == "topics" and 2 <= len(everything) <= 25

    subs = [c["value"] for c in await suggest(fake, "jobclub", "")]
    assert "help" in subs and "timezone" in subs and "digest" not in subs  # admins only
    assert {"contact add", "contact log", "contact remove"} <= set(subs)  # nested specs
    words = [c["value"] for c in await suggest(fake, "story", "")]
    assert words[:3] == ["list", "show", "edit"]  # first words of its usage line
    zones = [c["value"] for c in await suggest(fake, "jobclub", "timezone berl")]
    assert "timezone Europe/Berlin" in zones
    assert all(len(c["name"]) <= 100 for c in await suggest(fake, "tip", ""))


class CommitmentsBot(JobClubBot):
    """A core that offers the open-commitments query the adapter can use."""

    async def open_commitments(self, member: MemberRef) -> list[tuple[int, str]]:
        return [(1, "send the thank-you note"), (3, "call Ana")] if member.user_id else []


async def test_commitments_autocomplete_uses_the_core_query_when_there_is_one(
    tmp_path: Path, fake: FakeDiscord
) -> None:
    settings = discord_settings(tmp_path, fake)
    bot = await make_core(settings, CommitmentsBot)
    try:
        async with connected(bot, settings, fake):
            done = await suggest(fake, "commitments", "done")
            assert [c["value"] for c in done] == ["done", "done 1", "done 3"]
            assert done[0]["name"] == "done N" and done[2]["name"] == "done 3: call Ana"
            anything = [c["value"] for c in await suggest(fake, "commitments", "")]
            assert anything[:5] == ["done", "drop", "snooze", "edit", "history"]
            assert "snooze 3" in anything
    finally:
        await bot.close()
