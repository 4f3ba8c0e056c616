"""The App Home tab: published on open and after the member changes something, throttled."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlalchemy import func, select

from adapters.slack.home import HomePublisher
from bot.events import MemberRef, Platform
from bot.replies import Reply, Section
from bot.store.models import Member
from tests.slack import wire
from tests.slack.conftest import ADA, GRACE, Rig


def view_text(call_params: dict[str, Any]) -> str:
    view = call_params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    return json.dumps(view["blocks"], ensure_ascii=False)


async def test_a_new_member_sees_a_welcome_and_is_not_stored(rig: Rig) -> None:
    answer = await rig.open_home()
    assert answer.status == 200
    [publish] = await rig.fake.wait_for(lambda _: rig.fake.of("views.publish"))
    shown = view_text(publish.params)
    assert "Hi Ada" in shown and "Nothing is stored" in shown
    async with rig.bot.services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Member)) == 0


async def test_opening_the_home_tab_publishes_the_overview(rig: Rig) -> None:
    await rig.command("/tip networking")
    answer = await rig.open_home()
    assert answer.status == 200
    [publish] = await rig.fake.wait_for(lambda _: rig.fake.of("views.publish"))
    assert publish.ok and publish.params["user_id"] == ADA
    shown = view_text(publish.params)
    assert "Hi Ada" in shown
    assert "Open commitments" in shown
    assert "commit:list" in shown  # the overview's buttons


async def test_the_home_tab_is_refreshed_after_a_change(rig: Rig) -> None:
    await rig.open_home()
    await rig.fake.wait_for(lambda _: rig.fake.of("views.publish"))
    await rig.command("/commit send the thank-you note to Ana by friday 3pm")
    await rig.command("/tip networking", user=GRACE)  # Grace never opened it: no publish
    publishes = await rig.fake.wait_for(
        lambda _: len(rig.fake.of("views.publish")) >= 2 and rig.fake.of("views.publish")
    )
    assert "thank-you note to Ana" in view_text(publishes[-1].params)
    await rig.adapter.idle()
    assert {c.params["user_id"] for c in rig.fake.of("views.publish")} == {ADA}


async def test_the_messages_tab_does_not_publish(rig: Rig) -> None:
    event = {"type": "app_home_opened", "user": ADA, "channel": "D0ADA", "tab": "messages"}
    await rig.sender.event(wire.event_body(event))
    await rig.adapter.idle()
    assert not rig.fake.of("views.publish")


class ManualSleep:
    """Stands in for asyncio.sleep: the test decides when the throttle's wait is over."""

    def __init__(self) -> None:
        self.asked: list[float] = []
        self.waiting = asyncio.Event()
        self.wake = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        self.waiting.set()
        await self.wake.wait()


class Publishes:
    def __init__(self) -> None:
        self.views: list[str] = []

    async def views_publish(self, *, user_id: str, view: dict[str, Any]) -> None:
        self.views.append(user_id)


async def test_changes_within_the_interval_are_merged_into_one_publish() -> None:
    now = [100.0]
    sleep = ManualSleep()
    client = Publishes()
    rendered: list[str] = []

    async def overview(ref: MemberRef) -> Reply:
        rendered.append(ref.display_name)
        return Reply(text="overview", sections=[Section("x")])

    home = HomePublisher(
        client,
        overview,
        min_interval=5.0,
        clock=lambda: now[0],  # type: ignore[arg-type]
        sleep=sleep,
    )
    ada = MemberRef(Platform.SLACK, "T0CLUB", ADA, "Ada")
    home.changed(ada)  # never opened: nothing to refresh
    await home.drain()
    assert client.views == []
    home.opened(ada)
    await home.drain()
    assert client.views == [ADA]  # at once
    for name in ("Ada 1", "Ada 2", "Ada 3"):
        home.changed(MemberRef(Platform.SLACK, "T0CLUB", ADA, name))
    await asyncio.wait_for(sleep.waiting.wait(), 5)
    assert sleep.asked == [5.0] and client.views == [ADA]  # one trailing publish waits
    sleep.wake.set()
    await home.drain()
    assert client.views == [ADA, ADA]
    assert rendered == ["Ada", "Ada 3"]  # the latest state, once
