"""The test harness itself: what `advance` returns, and how `press` finds a button.

Every conversation test trusts these two, so each promise is checked here on its own,
including the ways a test must fail: a label the reply does not offer, a label that
could mean two buttons, and a reply that lost the button a member needs.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.replies import Button, Reply
from tests.conftest import START, Conversation, Delivered, by_label

ADA_ZONE = "America/New_York"
GRACE_ZONE = "Europe/London"


@pytest.fixture
def member_zones() -> dict[str, str]:
    return {"Ada": ADA_ZONE, "Grace": GRACE_ZONE}


async def two_reminders(conversation: Conversation) -> None:
    """Ada's note at 09:00 New York and Grace's call at 15:00 London, both tomorrow."""
    assert conversation.clock.now() == START  # Wed 25 Nov 2026, 14:00 UTC
    await conversation.one("/commit send the note tomorrow 9am")
    await conversation.one("/commit call Ana tomorrow 3pm", who="Grace")


def reminders(messages: list[Delivered]) -> list[Delivered]:
    return [m for m in messages if m.kind == "reminder"]


async def test_advance_returns_what_each_member_received_stamped_with_its_instant(
    conversation: Conversation,
) -> None:
    await two_reminders(conversation)
    until = datetime(2026, 11, 26, 14, 30, tzinfo=UTC)
    first = await conversation.advance(until)
    assert conversation.clock.now() == until
    (ada,) = reminders(first)  # Grace's is not due yet
    assert ada.to == "Ada"
    assert ada.at == datetime(2026, 11, 26, 14, tzinfo=UTC)  # when it went, not `until`
    assert ada.local(ADA_ZONE).time() == time(9)
    assert ada.local() == ada.local(ADA_ZONE)  # the recipient's own zone by default
    assert "send the note" in ada.plain_text()

    second = await conversation.advance(timedelta(hours=2))  # a timedelta moves it by that
    assert conversation.clock.now() == until + timedelta(hours=2)
    (grace,) = reminders(second)  # and Ada's does not come again
    assert grace.to == "Grace"
    assert grace.local().time() == time(15)
    assert grace.zone == GRACE_ZONE
    assert "call Ana" in grace.plain_text()

    assert conversation.delivered == first + second
    assert conversation.inbox(kind="reminder") == [ada]  # the default member's
    assert conversation.inbox("Grace", kind="reminder") == [grace]
    assert all(m.to in ("Ada", "Grace") for m in conversation.delivered)


async def test_advance_with_nothing_due_returns_nothing_and_never_goes_back(
    conversation: Conversation,
) -> None:
    assert await conversation.advance(timedelta(0)) == []
    with pytest.raises(AssertionError, match="only moves forward"):
        await conversation.advance(START - timedelta(minutes=1))


async def test_press_by_label_acts_for_the_member_who_received_it(
    conversation: Conversation,
) -> None:
    await two_reminders(conversation)
    arrived = reminders(await conversation.advance(datetime(2026, 11, 26, 16, tzinfo=UTC)))
    ada, grace = arrived
    (done,) = await conversation.press(grace, "done")  # case does not matter
    assert "call Ana" in done.text  # Grace's own commitment, pressed as Grace

    (snoozed,) = await conversation.press(ada, "Snooze: 1")  # a unique prefix is enough
    assert "send the note" in snoozed.plain_text()
    later = reminders(await conversation.advance(timedelta(hours=2)))
    assert [(m.to, m.at) for m in later] == [("Ada", conversation.clock.now() - timedelta(hours=1))]


async def test_press_fails_naming_the_labels_when_the_reply_has_no_such_button(
    conversation: Conversation,
) -> None:
    offered = Reply(text="Due now", buttons=[Button("Done", "x:done"), Button("Drop", "x:drop")])
    with pytest.raises(AssertionError, match=r"no button labelled 'Finish'.*\['Done', 'Drop'\]"):
        await conversation.press(offered, "Finish")
    with pytest.raises(AssertionError, match="offers no buttons"):
        await conversation.press(Reply(text="Just words"), "Done")


async def test_press_fails_when_a_label_could_mean_two_buttons(conversation: Conversation) -> None:
    await two_reminders(conversation)
    (ada,) = reminders(await conversation.advance(datetime(2026, 11, 26, 14, 30, tzinfo=UTC)))
    with pytest.raises(AssertionError, match=r"'Snooze' could mean any of \['Snooze: 1 hour'"):
        await conversation.press(ada, "Snooze")
    twice = Reply(text="?", buttons=[Button("Done", "a"), Button("Done", "b")])
    with pytest.raises(AssertionError, match="two buttons are labelled 'Done'"):
        await conversation.press(twice, "Done")


async def test_a_reminder_that_loses_its_done_button_fails_the_test(
    conversation: Conversation,
) -> None:
    """The bug the label press exists for: a rebuilt id still 'works' without the button."""
    await two_reminders(conversation)
    (ada,) = reminders(await conversation.advance(datetime(2026, 11, 26, 14, 30, tzinfo=UTC)))
    kept = [b for b in ada.buttons if b.label != "Done"]
    broken = replace(ada, reply=replace(ada.reply, buttons=kept))
    with pytest.raises(AssertionError, match="no button labelled 'Done'"):
        await conversation.press(broken, "Done")
    # Pressing an id rebuilt from meta would have passed, which is why tests press labels.
    (closed,) = await conversation.press_id(f"commit:done:{ada.meta['commitment_id']}")
    assert "send the note" in closed.text


def test_by_label_prefers_an_exact_label_over_longer_ones() -> None:
    options = [("Snooze", "plain"), ("Snooze: 1 hour", "hour")]
    assert by_label(options, "snooze") == "plain"
    assert by_label(options, "  Snooze: 1 ") == "hour"
