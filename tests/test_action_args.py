"""Button action ids carry numbers; odd digits in them get a plain answer, never a crash.

`"²".isdigit()` is true but `int("²")` fails, so an action id such as `nudge:pause:²`
used to become an internal error. Every registered action is pressed here with digits
that are not ASCII, and with numbers far too large to mean anything.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.text import ascii_number
from tests.conftest import Conversation

ODD_NUMBERS = ["²", "٣", "１", "⁵", "99999999999999999999", "-1", "", "1e3"]


@pytest.mark.parametrize("number", ODD_NUMBERS)
async def test_pausing_nudges_with_an_odd_number_is_a_plain_answer(
    conversation: Conversation, number: str
) -> None:
    await conversation.one("/nudges on daily")
    # Hand-built: no button carries these numbers, but anyone can send any action id.
    (reply,) = await conversation.press_id(f"nudge:pause:{number}")
    assert reply.meta.get("error") == "user"
    assert "pause" in reply.text.lower()


async def test_every_action_with_odd_digits_answers_without_an_internal_error(
    conversation: Conversation,
) -> None:
    await conversation.one("/commit send the note by friday 3pm")
    await conversation.one("/nudges on daily")
    actions = sorted(conversation.bot.router.actions)
    assert "nudge:pause" in actions and "commit:done" in actions
    for action in actions:
        for number in ODD_NUMBERS:
            for action_id in (f"{action}:{number}", f"{action}:{number}:{number}"):
                replies = await conversation.press_id(action_id)  # hand-built, as above
                assert replies, action_id
                for reply in replies:
                    assert reply.meta.get("error") != "internal", (action_id, reply.text)


async def test_the_ordinary_pause_button_still_pauses_for_its_days(
    conversation: Conversation,
) -> None:
    await conversation.one("/nudges on daily")
    nudge = next(m for m in await conversation.advance(timedelta(days=1)) if m.kind == "nudge")
    (reply,) = await conversation.press(nudge, "Pause a week")
    assert reply.text.startswith("Paused for 7 days")


def test_ascii_number_reads_only_ascii_digits() -> None:
    assert [ascii_number(t) for t in ("0", "42", "007")] == [0, 42, 7]
    assert [ascii_number(t) for t in ODD_NUMBERS] == [None] * len(ODD_NUMBERS)
    assert ascii_number("1234", max_digits=3) is None
