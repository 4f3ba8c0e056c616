"""`/commit`, `/commitments`, their buttons, and the reminders they lead to.

Ada's profile zone is America/New_York; the clock starts on Wed 25 Nov 2026 at
14:00 UTC (09:00 in New York), so every expected local time below is EST (-05:00).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.replies import Visibility
from bot.store.models import Commitment, Contact, Delivery, Ladder, Member
from tests.conftest import START, Conversation, Delivered

NY = ZoneInfo("America/New_York")
PRESETS = ("tonight", "tomorrow", "2days", "monday")


REMINDER_KINDS = ("reminder", "still-open")
PRESET_LABELS = {
    "tonight": "Tonight",
    "tomorrow": "Tomorrow morning",
    "2days": "In 2 days",
    "monday": "Next Monday",
}
SNOOZE_LABELS = {
    "1h": "Snooze: 1 hour",
    "tomorrow": "Snooze: Tomorrow morning",
    "nextweek": "Snooze: Next week",
}


def sent(conversation: Conversation) -> list[Delivered]:
    """The commitment reminders and check-ins delivered so far, oldest first.

    Other features' scheduled messages (e.g. a welcome offer) arrive too; they are left out.
    """
    return [m for m in conversation.delivered if m.kind in REMINDER_KINDS]


def of(conversation: Conversation, commitment_id: int) -> list[tuple[str, datetime]]:
    """(kind, instant) of what arrived about one commitment."""
    return [
        (m.kind, m.at) for m in sent(conversation) if m.meta.get("commitment_id") == commitment_id
    ]


def ny(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY).astimezone(UTC)


@pytest.fixture
def ada(conversation: Conversation) -> Conversation:
    conversation.zones["Ada"] = "America/New_York"
    return conversation


@pytest.fixture
def ada_any_db(any_db_conversation: Conversation) -> Conversation:
    any_db_conversation.zones["Ada"] = "America/New_York"
    return any_db_conversation


async def open_items(conversation: Conversation, who: str | None = None) -> list[dict]:
    reply = await conversation.one("/commitments", who=who)
    return reply.meta["commitments"]


async def nothing_is_sent(conversation: Conversation, days: int = 30) -> None:
    arrived = await conversation.advance(timedelta(days=days))
    assert [m for m in arrived if m.kind in REMINDER_KINDS] == []


async def count(conversation: Conversation, model: type, **where: object) -> int:
    async with conversation.bot.services.db.session() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return await session.scalar(query) or 0


# -- /commit: text and time ----------------------------------------------------------------


async def test_commit_splits_text_and_time_and_confirms_in_the_members_zone(
    ada: Conversation,
) -> None:
    cases = [
        (
            "send thank-you note to Ana by Friday 3pm",
            "send thank-you note to Ana",
            "Fri 27 Nov, 15:00",
        ),
        ("call Bob on monday", "call Bob", "Mon 30 Nov, 09:00"),
        ("email Carol at 4pm", "email Carol", "Wed 25 Nov, 16:00"),
        ("apply to Acme in 3 days", "apply to Acme", "Sat 28 Nov, 09:00"),
        ("update portfolio tomorrow 10:30", "update portfolio", "Thu 26 Nov, 10:30"),
        ("prepare stories next tuesday at 18:15.", "prepare stories", "Tue 1 Dec, 18:15"),
    ]
    made = {}
    for line, text, shown in cases:
        reply = await ada.one(f"/commit {line}")
        assert reply.text == f"Got it: {text}\nDue {shown} (America/New_York).", line
        assert reply.visibility is Visibility.ONLY_MEMBER
        due = datetime.fromisoformat(reply.meta["due_at"])
        assert due.utcoffset() == timedelta(hours=-5), line
        assert f"{due:%a} {due.day} {due:%b}, {due:%H:%M}" == shown, line
        cid = reply.meta["commitment_id"]
        assert [b.action for b in reply.buttons] == [f"commit:change:{cid}", f"commit:undo:{cid}"]
        assert [b.label for b in reply.buttons] == ["Change time", "Undo"]
        made[cid] = reply.meta["due_at"]
    listed = await open_items(ada)
    assert {c["commitment_id"]: c["due_at"] for c in listed} == made


async def test_commit_uses_the_zone_chosen_with_jobclub_timezone(
    conversation: Conversation,
) -> None:
    await conversation.one("/jobclub timezone new york")
    reply = await conversation.one("/commit send the note by friday 3pm")
    assert "Due Fri 27 Nov, 15:00 (America/New_York)." in reply.text
    assert reply.meta["due_at"] == "2026-11-27T15:00:00-05:00"

    await conversation.one("/jobclub timezone berlin")
    reply = await conversation.one("/commit call Ana by friday 3pm")
    assert "Due Fri 27 Nov, 15:00 (Europe/Berlin)." in reply.text
    assert reply.meta["due_at"] == "2026-11-27T15:00:00+01:00"


async def test_without_a_time_it_asks_and_each_preset_schedules(ada: Conversation) -> None:
    expected = {
        "tonight": "2026-11-25T19:00:00-05:00",
        "tomorrow": "2026-11-26T09:00:00-05:00",
        "2days": "2026-11-27T09:00:00-05:00",
        "monday": "2026-11-30T09:00:00-05:00",
    }
    for number, (preset, iso) in enumerate(expected.items(), start=1):
        ask = await ada.one("/commit read a book")
        cid = ask.meta["commitment_id"]
        assert ask.meta["needs_time"] is True and ask.meta["due_at"] is None
        assert ask.text.startswith(f"When will you do it? #{number}: read a book\n")
        assert [b.action for b in ask.buttons] == [f"commit:set:{cid}:{p}" for p in PRESETS]
        assert [b.label for b in ask.buttons] == [
            "Tonight",
            "Tomorrow morning",
            "In 2 days",
            "Next Monday",
        ]
        (done,) = await ada.press(ask, PRESET_LABELS[preset])
        assert done.text.startswith("Set: read a book\nDue "), preset
        assert done.meta["due_at"] == iso, preset
    listed = await open_items(ada)
    assert [c["due_at"] for c in listed] == list(expected.values())


async def test_an_unreadable_time_is_not_guessed(ada: Conversation) -> None:
    ask = await ada.one("/commit write essay by blursday")
    assert ask.meta["needs_time"] is True
    assert [b.action.rsplit(":", 1)[1] for b in ask.buttons] == list(PRESETS)
    [item] = await open_items(ada)
    assert item["due_at"] is None
    await nothing_is_sent(ada)


async def test_an_unreadable_time_is_named_as_the_problem(ada: Conversation) -> None:
    ask = await ada.one("/commit write essay by blursday")
    assert re.search(r"(couldn't|could not|can't|don't|didn't) (read|understand)", ask.text)
    assert "blursday" in ask.text


async def test_a_past_time_is_said_plainly_and_nothing_is_scheduled(ada: Conversation) -> None:
    ask = await ada.one("/commit do laundry yesterday")
    assert "“yesterday” is Tue 24 Nov, 09:00 (America/New_York)" in ask.text
    assert "already in the past" in ask.text
    assert ask.meta["needs_time"] is True and len(ask.buttons) == 4
    [item] = await open_items(ada)
    assert item["due_at"] is None
    await nothing_is_sent(ada)


async def test_a_time_without_a_task_saves_nothing(ada: Conversation) -> None:
    reply = await ada.one("/commit tomorrow 3pm")
    assert "what are you committing to" in reply.text
    assert reply.meta.get("error") == "user"
    assert await count(ada, Commitment) == 0


@pytest.mark.parametrize("line", ["/commit", "/commit    "])
async def test_an_empty_commit_explains_itself(ada: Conversation, line: str) -> None:
    reply = await ada.one(line)
    assert reply.meta["error"] == "user"
    assert "Tell me what you will do and when" in reply.text
    assert await count(ada, Commitment) == 0


async def test_over_long_text_is_refused_and_nothing_is_saved(ada: Conversation) -> None:
    reply = await ada.one("/commit " + "x" * 501 + " by friday")
    assert reply.meta["error"] == "user"
    assert "501 characters" in reply.text and "Nothing was saved" in reply.text
    assert await count(ada, Commitment) == 0

    ok = await ada.one("/commit " + "y" * 500 + " by friday")
    assert ok.text.startswith("Got it: " + "y" * 500)


async def test_change_time_then_undo(ada_any_db: Conversation) -> None:
    ada = ada_any_db
    made = await ada.one("/commit send the note by friday 3pm")
    cid = made.meta["commitment_id"]

    (ask,) = await ada.press(made, "Change time")
    assert ask.text.startswith("When instead? #1: send the note")
    assert [b.action for b in ask.buttons] == [f"commit:set:{cid}:{p}" for p in PRESETS]
    (moved,) = await ada.press(ask, "Next Monday")
    assert "Due Mon 30 Nov, 09:00 (America/New_York)." in moved.text

    (undone,) = await ada.press(made, "Undo")
    assert undone.text == "Undone: I forgot “send the note”."
    assert await open_items(ada) == []
    await nothing_is_sent(ada, days=10)


# -- recurring -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "text", "repeats", "weeks", "expected"),
    [
        (
            "update my CV every 2 weeks",
            "update my CV",
            "Repeats every 2 weeks on Wednesday at 09:00.",
            7,
            [ny(2026, 12, 2, 9), ny(2026, 12, 16, 9), ny(2026, 12, 30, 9), ny(2027, 1, 13, 9)],
        ),
        (
            "check job boards every monday at 8am",
            "check job boards",
            "Repeats every Monday at 08:00.",
            3,
            [ny(2026, 11, 30, 8), ny(2026, 12, 7, 8), ny(2026, 12, 14, 8)],
        ),
        (
            "go to the meetup first Monday of each month",
            "go to the meetup",
            "Repeats on the first Monday of each month at 09:00.",
            10,
            [ny(2026, 12, 7, 9), ny(2027, 1, 4, 9), ny(2027, 2, 1, 9)],
        ),
    ],
)
async def test_recurring_commitments_confirm_and_repeat_on_the_right_local_days(
    ada: Conversation,
    line: str,
    text: str,
    repeats: str,
    weeks: int,
    expected: list[datetime],
) -> None:
    reply = await ada.one(f"/commit {line}")
    assert reply.text.startswith(f"Got it: {text}\nDue ")
    assert reply.text.endswith(repeats)
    assert datetime.fromisoformat(reply.meta["due_at"]) == expected[0]

    await ada.advance(START + timedelta(weeks=weeks))
    assert of(ada, reply.meta["commitment_id"]) == [("reminder", at) for at in expected]
    # Each occurrence is a plain reminder with the next one named, never a check-in.
    first = sent(ada)[0]
    assert "Repeats; next one" in first.text


async def test_a_repeat_follows_the_time_it_was_given(ada: Conversation) -> None:
    reply = await ada.one("/commit send the weekly update by friday 3pm every week")
    assert "Due Fri 27 Nov, 15:00 (America/New_York)." in reply.text
    assert reply.text.endswith("Repeats every Friday at 15:00.")


# -- /commitments ----------------------------------------------------------------------


async def test_the_list_is_ordered_by_due_with_buttons_for_the_first_five(
    ada: Conversation,
) -> None:
    lines = [
        "call Bob on monday",  # #1 Mon 30
        "read a book",  # #2 no time
        "email Carol at 4pm",  # #3 Wed 25 16:00
        "apply to Acme in 3 days",  # #4 Sat 28
        "send note by friday 3pm",  # #5 Fri 27
        "update portfolio tomorrow 10:30",  # #6 Thu 26
        "prepare stories next tuesday",  # #7 Tue 1 Dec
    ]
    for line in lines:
        await ada.command(f"/commit {line}")
    reply = await ada.one("/commitments")
    assert reply.title == "Your open commitments (7)"
    assert [s.text for s in reply.sections] == [
        "#3 email Carol · due Wed 25 Nov, 16:00 (America/New_York)",
        "#6 update portfolio · due Thu 26 Nov, 10:30 (America/New_York)",
        "#5 send note · due Fri 27 Nov, 15:00 (America/New_York)",
        "#4 apply to Acme · due Sat 28 Nov, 09:00 (America/New_York)",
        "#1 call Bob · due Mon 30 Nov, 09:00 (America/New_York)",
        "#7 prepare stories · due Tue 1 Dec, 09:00 (America/New_York)",
        "#2 read a book · no time set",
    ]
    ids = [c["commitment_id"] for c in reply.meta["commitments"]]
    assert [c["number"] for c in reply.meta["commitments"]] == [3, 6, 5, 4, 1, 7, 2]
    assert [b.action for b in reply.buttons] == [
        action
        for cid in ids[:5]
        for action in (f"commit:done:{cid}", f"commit:snooze:{cid}:tomorrow", f"commit:drop:{cid}")
    ]
    assert reply.buttons[0].label == "Done #3"


async def test_an_empty_list_says_how_to_start(ada: Conversation) -> None:
    reply = await ada.one("/commitments")
    assert reply.meta["commitments"] == []
    assert "no open commitments" in reply.text


async def test_done_drop_snooze_edit_and_history(ada_any_db: Conversation) -> None:
    ada = ada_any_db
    await ada.command("/commit send the note by friday 3pm")  # 1
    await ada.command("/commit call Bob on monday")  # 2
    await ada.command("/commit read a book")  # 3

    done = await ada.one("/commitments done 1")
    assert done.text == "Done: send the note. That is a promise kept."
    assert done.meta["status"] == "done"
    again = await ada.one("/commitments done 1")
    assert again.text == "#1 is already done. Nice work."
    assert (await ada.one("/commitments drop 1")).text == "#1 is already done."

    dropped = await ada.one("/commitments drop #2")
    assert dropped.text == "Dropped: call Bob. No more reminders for it."

    snoozed = await ada.one("/commitments snooze 3 friday 9am")
    assert snoozed.text == "Snoozed: read a book\nDue Fri 27 Nov, 09:00 (America/New_York)."
    renamed = await ada.one("/commitments edit 3 read two books")
    assert renamed.text == "Updated: read two books\nDue Fri 27 Nov, 09:00 (America/New_York)."
    moved = await ada.one("/commitments edit 3 saturday 4pm")
    assert moved.text == "Moved: read two books\nDue Sat 28 Nov, 16:00 (America/New_York)."
    both = await ada.one("/commitments edit 3 read three books by sunday 5pm")
    assert both.text == "Updated: read three books\nDue Sun 29 Nov, 17:00 (America/New_York)."
    assert [c["number"] for c in await open_items(ada)] == [3]

    history = await ada.one("/commitments history")
    lines = history.text.splitlines()
    assert lines[0].startswith("#") and "send the note" in history.text
    assert any(line.startswith("#1 ✓ done") and "send the note" in line for line in lines)
    assert any(line.startswith("#2 ✗ dropped") and "call Bob" in line for line in lines)
    assert lines[-1] == "Kept 1 of the last 2."

    closed = await ada.one("/commitments edit 1 something else")
    assert closed.text == "#1 is already done. `/commitments` shows open ones."


async def test_wrong_numbers_and_verbs_get_a_plain_answer(ada: Conversation) -> None:
    await ada.command("/commit send the note by friday 3pm")
    cases = [
        ("/commitments done 9", "You have no commitment #9. `/commitments` lists yours."),
        ("/commitments done x", "Say which one by its number, e.g. `/commitments done 2`."),
        ("/commitments drop", "Say which one by its number, e.g. `/commitments drop 2`."),
        ("/commitments done 1234567890", "Say which one by its number"),
        ("/commitments done -1", "Say which one by its number"),
        ("/commitments frob 1", "`/commitments frob` is not something I know."),
        ("/commitments snooze 1", "Snooze until when? e.g. `/commitments snooze 1 friday 9am`."),
        ("/commitments edit 1", "Give the new text or time"),
    ]
    for line, expected in cases:
        reply = await ada.one(line)
        assert reply.meta["error"] == "user", line
        assert reply.text.startswith(expected), line
    [item] = await open_items(ada)
    assert item["status"] == "open" and item["due_at"] == "2026-11-27T15:00:00-05:00"
    assert (await ada.one("/commitments", who="Grace")).meta["commitments"] == []


@pytest.mark.parametrize("when", ["blursday", "yesterday"])
async def test_snooze_to_an_unusable_time_is_a_plain_answer(ada: Conversation, when: str) -> None:
    await ada.command("/commit send the note by friday 3pm")
    reply = await ada.one(f"/commitments snooze 1 {when}")
    assert reply.meta["error"] == "user"
    assert when in reply.text


async def test_edit_with_a_past_time_is_a_plain_answer(ada: Conversation) -> None:
    await ada.command("/commit send the note by friday 3pm")
    reply = await ada.one("/commitments edit 1 send the long note by yesterday")
    assert reply.meta["error"] == "user"
    assert "already in the past" in reply.text


async def test_buttons_on_someone_elses_commitment_are_refused(
    any_db_conversation: Conversation,
) -> None:
    conversation = any_db_conversation
    conversation.zones["Grace"] = "Europe/London"
    grace = await conversation.one("/commit email the recruiter by friday 3pm", who="Grace")
    gid = grace.meta["commitment_id"]
    await conversation.command("/commit read a book by monday", who="Ada")

    # Forged: Grace's commitment ids, pressed by Ada, who never saw those buttons.
    for action in (
        f"commit:done:{gid}",
        f"commit:drop:{gid}",
        f"commit:snooze:{gid}:1h",
        f"commit:change:{gid}",
        f"commit:set:{gid}:tonight",
        f"commit:undo:{gid}",
    ):
        (reply,) = await conversation.press_id(action, who="Ada")
        assert reply.meta["error"] == "user", action
        assert "no longer exists" in reply.text
        assert "email the recruiter" not in reply.text

    [item] = await open_items(conversation, who="Grace")
    assert (item["commitment_id"], item["status"]) == (gid, "open")
    assert item["due_at"] == "2026-11-27T15:00:00+00:00"
    arrived = await conversation.advance(datetime(2026, 11, 27, 15, 1, tzinfo=UTC))
    [to_grace] = [m for m in arrived if m.to == "Grace" and m.kind in REMINDER_KINDS]
    assert to_grace.kind == "reminder" and to_grace.title == "Reminder: email the recruiter"


async def test_buttons_on_a_closed_commitment_say_so(ada: Conversation) -> None:
    made = await ada.one("/commit send the note by friday 3pm")
    listed = await ada.one("/commitments")
    (done,) = await ada.press(listed, "Done #1")
    assert done.meta["status"] == "done"
    # The same list, still on screen: its buttons are now stale.
    (again,) = await ada.press(listed, "Done #1")
    assert again.text == "#1 is already done. Nice work."
    (drop,) = await ada.press(listed, "Drop #1")
    assert drop.text == "#1 is already done."
    (snooze,) = await ada.press(listed, "Snooze #1")
    assert snooze.meta["error"] == "user" and "already done" in snooze.text
    (change,) = await ada.press(made, "Change time")
    assert change.meta["error"] == "user" and "already done" in change.text


# -- reminders -------------------------------------------------------------------------


async def test_one_reminder_at_due_then_one_checkin(ada_any_db: Conversation) -> None:
    ada = ada_any_db
    cid = (await ada.one("/commit send the note by friday 3pm")).meta["commitment_id"]
    due = ny(2026, 11, 27, 15)
    await ada.advance(due - timedelta(seconds=1))
    assert sent(ada) == []

    await ada.advance(due)
    [item] = sent(ada)
    assert (item.kind, item.at, item.to) == ("reminder", due, "Ada")
    reply = item.reply
    assert reply.visibility is Visibility.DM
    assert reply.title == "Reminder: send the note"
    assert "It's time: due Fri 27 Nov, 15:00 (America/New_York)." in reply.text
    assert reply.meta["commitment_id"] == cid and reply.meta["kind"] == "reminder"
    assert [(b.label, b.action) for b in reply.buttons] == [
        ("Done", f"commit:done:{cid}"),
        ("Snooze: 1 hour", f"commit:snooze:{cid}:1h"),
        ("Snooze: Tomorrow morning", f"commit:snooze:{cid}:tomorrow"),
        ("Snooze: Next week", f"commit:snooze:{cid}:nextweek"),
        ("Drop", f"commit:drop:{cid}"),
    ]

    await ada.advance(due + timedelta(days=10))
    assert of(ada, cid) == [("reminder", due), ("still-open", due + timedelta(hours=24))]
    checkin = sent(ada)[1]
    assert checkin.meta["kind"] == "still-open"
    assert "Still open? #1: how did it go?" in checkin.text


async def test_done_after_the_reminder_means_no_checkin(ada: Conversation) -> None:
    cid = (await ada.one("/commit send the note by friday 3pm")).meta["commitment_id"]
    due = ny(2026, 11, 27, 15)
    await ada.advance(due + timedelta(minutes=5))
    [reminder] = sent(ada)
    (done,) = await ada.press(reminder, "Done")
    assert done.meta["status"] == "done"
    await ada.advance(due + timedelta(days=5))
    assert of(ada, cid) == [("reminder", due)]


async def test_dropped_before_due_sends_nothing(ada: Conversation) -> None:
    await ada.command("/commit send the note by friday 3pm")
    assert (await ada.one("/commitments drop 1")).meta["status"] == "dropped"
    await nothing_is_sent(ada, days=5)


async def test_checkin_delay_is_the_members_setting(ada: Conversation) -> None:
    assert "2 hours" in (await ada.one("/jobclub still-open 2")).text
    first = (await ada.one("/commit call Bob tomorrow 10am")).meta["commitment_id"]
    due = ny(2026, 11, 26, 10)
    await ada.advance(due + timedelta(days=2))
    assert of(ada, first) == [("reminder", due), ("still-open", due + timedelta(hours=2))]

    assert (await ada.one("/jobclub still-open off")).text == (
        "No more “still open?” questions after a reminder."
    )
    second = (await ada.one("/commit call Carol tomorrow 10am")).meta["commitment_id"]
    due2 = ny(2026, 11, 29, 10)
    await ada.advance(due2 + timedelta(days=5))
    assert of(ada, second) == [("reminder", due2)]


async def test_snooze_tomorrow_morning_comes_back_once_at_day_start(ada: Conversation) -> None:
    cid = (await ada.one("/commit send the note today 4pm")).meta["commitment_id"]
    due = ny(2026, 11, 25, 16)
    await ada.advance(due + timedelta(minutes=3))
    assert of(ada, cid) == [("reminder", due)]

    (snoozed,) = await ada.press(sent(ada)[0], "Snooze: Tomorrow morning")
    assert "Due Thu 26 Nov, 09:00 (America/New_York)." in snoozed.text
    morning = ny(2026, 11, 26, 9)
    await ada.advance(morning - timedelta(seconds=1))
    assert of(ada, cid) == [("reminder", due)]  # not before, and the old check-in is gone
    await ada.advance(morning + timedelta(hours=23))
    assert of(ada, cid) == [("reminder", due), ("reminder", morning)]
    assert "due Thu 26 Nov, 09:00" in sent(ada)[1].text
    await ada.advance(morning + timedelta(days=4))
    assert of(ada, cid)[2:] == [("still-open", morning + timedelta(hours=24))]


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("1h", ny(2026, 11, 25, 17, 3)),
        ("tomorrow", ny(2026, 11, 26, 7, 30)),
        ("nextweek", ny(2026, 11, 30, 7, 30)),
    ],
)
async def test_snooze_choices_respect_the_day_start(
    ada: Conversation, choice: str, expected: datetime
) -> None:
    assert (await ada.one("/jobclub daystart 07:30")).meta["day_start"] == "07:30"
    cid = (await ada.one("/commit send the note today 4pm")).meta["commitment_id"]
    await ada.advance(ny(2026, 11, 25, 16, 3))
    [reminder] = sent(ada)
    (snoozed,) = await ada.press(reminder, SNOOZE_LABELS[choice])
    assert datetime.fromisoformat(snoozed.meta["due_at"]) == expected
    await ada.advance(expected + timedelta(minutes=1))
    assert of(ada, cid)[-1] == ("reminder", expected)


async def test_daystart_sets_what_a_date_alone_means(ada: Conversation) -> None:
    await ada.command("/jobclub daystart 07:30")
    dated = await ada.one("/commit read the job ad by friday")
    assert "Due Fri 27 Nov, 07:30 (America/New_York)." in dated.text
    ask = await ada.one("/commit tidy my CV")
    (preset,) = await ada.press(ask, "Tomorrow morning")
    assert preset.meta["due_at"] == "2026-11-26T07:30:00-05:00"
    timed = await ada.one("/commit call Bob friday 3pm")
    assert timed.meta["due_at"] == "2026-11-27T15:00:00-05:00"


async def test_a_commitment_made_after_an_undo_is_still_reminded(ada: Conversation) -> None:
    made = await ada.one("/commit first thing today 10am")
    await ada.advance(ny(2026, 11, 25, 10, 30))
    assert of(ada, made.meta["commitment_id"]) == [("reminder", ny(2026, 11, 25, 10))]
    await ada.press(made, "Undo")
    second = (await ada.one("/commit second thing today 4pm")).meta["commitment_id"]
    await ada.advance(ny(2026, 11, 25, 16, 30))
    reminders = [m.title for m in sent(ada) if m.kind == "reminder"]
    assert reminders == ["Reminder: first thing", "Reminder: second thing"], second


# -- a member's data -------------------------------------------------------------------


async def test_export_holds_commitments_contacts_and_ladders(ada_any_db: Conversation) -> None:
    ada = ada_any_db
    await ada.command("/commit send the note by friday 3pm")
    await ada.command("/commit update my CV every 2 weeks")
    await ada.command("/interview Acme with Ana Ruiz on Friday 10am for analyst")
    await ada.command("/rejected Globex, Bo Chen")
    await ada.command("/jobclub contact add Cy Diaz at Initech every 3 months")
    await ada.command("/jobclub contact log Cy met for coffee")
    export = (await ada.one("/jobclub export")).meta["export"]

    commitments = export["commitments"]["commitments"]
    assert commitments[0]["text"] == "send the note"
    assert commitments[0]["due_at"] == "2026-11-27T20:00:00+00:00"
    # Repeats are exported as standard RRULE text, which calendars can import.
    assert commitments[1]["repeats"] == "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;BYHOUR=9;BYMINUTE=0"
    assert {c["source"] for c in commitments} == {"manual", "interview", "rejection", "contact"}
    assert len(commitments) == 2 + 5 + 6 + 1
    contacts = {c["name"]: c for c in export["contacts"]["contacts"]}
    assert set(contacts) == {"Bo Chen", "Cy Diaz"}
    assert contacts["Cy Diaz"]["notes"][0]["note"] == "met for coffee"
    ladders = sorted(
        (lad["kind"], lad["company"], lad["person"]) for lad in export["ladders"]["ladders"]
    )
    assert ladders == [("interview", "Acme", "Ana Ruiz"), ("rejection", "Globex", "Bo Chen")]


async def test_delete_removes_commitments_contacts_ladders_and_deliveries(
    ada_any_db: Conversation,
) -> None:
    conversation = ada_any_db
    for who in ("Ada", "Grace"):
        await conversation.command("/commit send the note today 4pm", who=who)
        await conversation.command("/interview Acme with Ana Ruiz on Friday 10am", who=who)
        await conversation.command("/rejected Globex, Bo Chen", who=who)
        await conversation.command("/jobclub contact add Cy Diaz every 2 weeks", who=who)
    await conversation.advance(START + timedelta(days=2))
    async with conversation.bot.services.db.session() as session:
        ids = dict((await session.execute(select(Member.display_name, Member.id))).all())
    before = {
        model: await count(conversation, model, member_id=ids["Grace"])
        for model in (Commitment, Contact, Ladder, Delivery)
    }
    assert all(before.values()), before
    assert await count(conversation, Delivery, member_id=ids["Ada"]) > 0

    ask = await conversation.one("/jobclub delete")
    (done,) = await conversation.press(ask, "Yes, delete it all")
    assert done.meta["deleted"] > 0
    for model in (Commitment, Contact, Ladder, Delivery):
        assert await count(conversation, model, member_id=ids["Ada"]) == 0, model
        assert await count(conversation, model, member_id=ids["Grace"]) == before[model], model
    assert await count(conversation, Member, id=ids["Ada"]) == 0

    # Grace's reminders carry on; nothing more goes to Ada.
    later = await conversation.advance(START + timedelta(days=4))
    assert later and {m.to for m in later} == {"Grace"}


async def test_editing_the_text_of_a_commitment_without_a_time_keeps_the_edit(
    ada: Conversation,
) -> None:
    made = await ada.one("/commit read a book")
    assert made.meta["needs_time"] is True
    edited = await ada.one("/commitments edit 1 read two books")
    assert "error" not in edited.meta
    assert edited.text.startswith("Updated. When will you do it? #1: read two books")
    first_button = edited.buttons[0].action
    assert first_button == f"commit:set:{made.meta['commitment_id']}:tonight"
    [item] = await open_items(ada)
    assert item["due_at"] is None
    listed = await ada.one("/commitments")
    assert "#1 read two books · no time set" in listed.plain_text()
