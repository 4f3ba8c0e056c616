"""The weekly check-in, read as a member lives it over three weeks in New York.

Week one she answers on time with buttons and typed counts, week two late on Sunday
and then edits, week three she misses; the next check-in shows her goal against the
result, a missed week stays missed (never zero), and a closed week cannot be edited.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import Conversation, Delivered

NEW_YORK = "America/New_York"
WED = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)  # Wed 25 Nov, 09:00 in New York


def checkins(arrived: list[Delivered]) -> list[Delivered]:
    return [d for d in arrived if d.kind == "weekly-checkin"]


async def start(conversation: Conversation) -> None:
    conversation.zones["Ada"] = NEW_YORK
    conversation.clock.set(WED)
    reply = await conversation.one("/checkin on")
    assert "Fridays at 16:00" in reply.text
    assert "Fri 27 Nov, 16:00" in reply.text


async def answer_all(
    conversation: Conversation, first: Delivered | object, typed: list[str]
) -> list:
    """Press or type through the questions; a string starting with '=' presses that label."""
    last = first
    for entry in typed:
        if entry.startswith("="):
            (last,) = await conversation.press(last, entry[1:])  # type: ignore[arg-type]
        else:
            (last,) = await conversation.dm(entry)
    return [last]


async def test_three_weeks_answered_late_missed_and_edited(conversation: Conversation) -> None:
    await start(conversation)
    # Thursday: an interview the check-in already knows about.
    conversation.clock.set(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
    await conversation.one("/interview Initech with Ana Ruiz on friday 10am")

    # Week one: the DM comes on Friday 16:00 her time and asks for applications first.
    arrived = checkins(await conversation.advance(datetime(2026, 11, 27, 22, 0, tzinfo=UTC)))
    assert len(arrived) == 1
    first = arrived[0]
    assert first.local().strftime("%a %H:%M") == "Fri 16:00"
    assert first.meta["kind"] == "weekly-checkin"
    assert "How many applications" in first.text
    assert [b.label for b in first.buttons] == ["0", "1", "2", "3", "5", "10+"]

    (conversations,) = await conversation.press(first, "3")
    assert "networking conversations" in conversations.text
    (interviews,) = await conversation.dm("two")  # typed, in words
    assert "I counted 1" in interviews.text  # pre-filled from /interview
    (follow_ups,) = await conversation.press(interviews, "Keep 1")
    assert "How many follow-ups" in follow_ups.text
    (offers,) = await conversation.dm("none")
    assert "Any offers" in offers.text
    (win,) = await conversation.dm("0 offers")
    assert "A win this week" in win.text
    (stuck,) = await conversation.dm("Ana said my portfolio was the best she had seen")
    assert "never shared" in stuck.text
    (goal,) = await conversation.dm("salary talks feel impossible")
    assert "Your goal for next week?" in goal.text
    (saved,) = await conversation.dm("10 applications and 3 coffee chats")
    assert saved.meta["counts"] == {
        "applications": 3,
        "conversations": 2,
        "interviews": 1,
        "follow_ups": 0,
        "offers": 0,
    }
    assert "Goal for next week\n10 applications sent, 3 networking conversations" in (
        saved.plain_text()
    )
    assert [b.label for b in saved.buttons] == ["Share my win", "Edit answers"]

    # Week two: the next check-in shows last week's goal; she answers late, on Sunday night.
    arrived = checkins(await conversation.advance(datetime(2026, 12, 7, 1, 0, tzinfo=UTC)))
    (second,) = arrived
    assert second.local().strftime("%a %d %b %H:%M") == "Fri 04 Dec 16:00"
    assert "Your goal for this week: 10 applications sent, 3 networking conversations" in (
        second.text
    )
    last = await answer_all(
        conversation, second, ["=5", "4", "0", "1", "0", "=Skip", "=Skip", "=No goal"]
    )
    assert "applications sent: 5 (goal 10)" in last[0].text
    assert "networking conversations: 4 (goal 3)" in last[0].text
    # ...and edits it before the week ends: ten applications after all.
    (edit,) = await conversation.press(last[0], "Edit answers")
    assert "Now: 5" in edit.text
    last = await answer_all(conversation, edit, ["10", "4", "=0", "=1", "=0", "=Skip", "=Skip"])
    (fixed,) = await conversation.press(last[0], "No goal this week")
    assert fixed.meta["counts"]["applications"] == 10

    # Week three: it arrives and she never answers. On Monday the week is closed.
    arrived = checkins(await conversation.advance(datetime(2026, 12, 14, 14, 0, tzinfo=UTC)))
    (third,) = arrived
    (closed,) = await conversation.press(third, "2")
    assert "has ended, so it stays recorded missed" in closed.text
    # Editing week two after it ended is refused too.
    (late_edit,) = await conversation.press(fixed, "Edit answers")
    assert late_edit.meta.get("closed") is True

    progress = await conversation.one("/progress")
    weekly = progress.meta["weekly"]
    assert weekly["status"][-4:] == ["answered", "answered", "missed", "none"]
    assert weekly["applications"][-4:] == [3, 10, None, None]  # missed is None, not 0
    assert weekly["goal"][-3] == 13  # week two's goal line: 10 applications + 3 talks
    assert "Mon 7 Dec · missed" in progress.text
    assert "Mon 30 Nov · 10 applications, 4 conversations" in progress.text
    assert "goal: 10/10 applications, 4/3 conversations" in progress.text


async def test_a_stray_number_typed_after_the_dm_answers_the_first_question(
    conversation: Conversation,
) -> None:
    await start(conversation)
    await conversation.advance(datetime(2026, 11, 27, 22, 0, tzinfo=UTC))
    (reply,) = await conversation.dm("4 apps")
    assert "networking conversations" in reply.text
    (reply,) = await conversation.dm("lots")
    assert "could not read a number" in reply.text


async def test_a_chatty_dm_with_a_number_in_it_is_not_taken_as_a_count(
    conversation: Conversation,
) -> None:
    """Before any button, only a bare count answers: "see you at 5" is not 5 applications."""
    await start(conversation)
    await conversation.advance(datetime(2026, 11, 27, 22, 0, tzinfo=UTC))
    for chatty in ("see you at 5", "no thanks", "call me in 2 days"):
        replies = await conversation.dm(chatty)
        assert not any("networking conversations" in r.text for r in replies), chatty
    (reply,) = await conversation.dm("three apps")
    assert "networking conversations" in reply.text


async def test_counts_are_read_robustly(conversation: Conversation) -> None:
    from bot.weekly import read_count, read_goal

    assert [read_count(t) for t in ("3", "three", "none", "3 apps", "10+", "a couple")] == [
        3,
        3,
        0,
        3,
        10,
        2,
    ]
    assert read_count("lots") is None and read_count("99999") is None
    assert read_goal("apps 10 and 2 interviews") == {"applications": 10, "interviews": 2}
    assert read_goal("more") is None


async def test_off_stops_the_dm_and_the_offer_comes_once(conversation: Conversation) -> None:
    conversation.clock.set(WED)
    made = await conversation.one("/commit send my CV to Globex tomorrow 10am")
    await conversation.one(f"/commitments done {made.meta['number']}")  # an active day
    arrived = await conversation.advance(timedelta(days=9))
    offers = [d for d in arrived if d.kind == "weekly-checkin-offer"]
    assert len(offers) == 1 and checkins(arrived) == []
    (on,) = await conversation.press(offers[0], "Yes, Fridays at 16:00")
    assert "The weekly check-in is on." in on.text
    assert len(checkins(await conversation.advance(timedelta(days=7)))) == 1
    await conversation.one("/checkin off")
    arrived = await conversation.advance(timedelta(days=21))
    assert checkins(arrived) == []
    assert [d for d in arrived if d.kind == "weekly-checkin-offer"] == []


async def test_a_check_in_made_without_turning_it_on_is_in_the_export(
    conversation: Conversation,
) -> None:
    """`/checkin now` keeps a week without any check-in settings: export must still hold
    it (its win and its "stuck" line are the member's own words)."""
    conversation.clock.set(WED)
    await conversation.command("/checkin now", dm=True)
    for typed in ("2", "1", "0", "0", "0", "Finished the portfolio", "cover letters"):
        await conversation.dm(typed)
    export = (await conversation.one("/jobclub export")).meta["export"]
    text = str(export)
    assert "Finished the portfolio" in text and "cover letters" in text
