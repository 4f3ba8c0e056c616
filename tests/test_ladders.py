"""`/interview` and `/rejected`: every follow-up step is an ordinary commitment.

Ada's profile zone is America/New_York; the clock starts on Wed 25 Nov 2026 at
09:00 there (14:00 UTC). Time passes with `advance`, which returns what Ada received;
buttons are pressed by the label she reads.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from bot.content.schema import Draft
from bot.store.models import Commitment, Ladder
from tests.conftest import START, Conversation, Delivered

NY = ZoneInfo("America/New_York")
PREP_TITLES = ("Research ", "Read up on ", "Find out who", "Pick three CCAR")


@pytest.fixture
def member_zones() -> dict[str, str]:
    return {"Ada": "America/New_York"}


def ny(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY).astimezone(UTC)


def steps(reply_meta: dict) -> list[tuple[datetime, str | None]]:
    return [(datetime.fromisoformat(c["due_at"]), c["draft_id"]) for c in reply_meta["commitments"]]


def about(message: Delivered) -> str:
    """A reminder's or check-in's subject: its title without "Reminder: " / "Still open: "."""
    return (message.title or "").split(": ", 1)[-1]


def prep(messages: list[Delivered]) -> list[Delivered]:
    """The reminders and check-ins of prep steps among `messages`."""
    return [
        m
        for m in messages
        if m.kind in ("reminder", "still-open") and about(m).startswith(PREP_TITLES)
    ]


def of_kind(messages: list[Delivered], kind: str) -> list[Delivered]:
    return [m for m in messages if m.kind == kind]


async def rows(conversation: Conversation, model: type) -> int:
    async with conversation.bot.services.db.session() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


# -- /interview ------------------------------------------------------------------------


async def test_an_interview_sets_up_prep_thank_you_and_follow_up(
    any_db_conversation: Conversation,
) -> None:
    ada = any_db_conversation
    reply = await ada.one("/interview Acme with Ana Ruiz on Friday 10am for analyst")
    at = ny(2026, 11, 27, 10)
    assert reply.title == "Interview at Acme, Fri 27 Nov, 10:00 (America/New_York)"
    assert [b.label for b in reply.buttons] == ["See my commitments"]
    made = steps(reply.meta)
    assert [draft for _, draft in made] == [
        None,
        None,
        None,
        "thank-you-after-interview",
        "follow-up-no-decision",
    ]
    # Research and the interviewer were due at 09:00 two and three days ago: they are
    # spread over what is left of today's waking hours, not sent together in an hour.
    assert [due for due, _ in made[:3]] == [
        ny(2026, 11, 25, 10),
        ny(2026, 11, 25, 20),
        ny(2026, 11, 26, 9),
    ]
    assert made[3][0] == at + timedelta(hours=3)
    assert made[4][0] == at + timedelta(days=7)

    lines = reply.sections[0].text.splitlines()
    assert lines[1].startswith("#2 Read up on Ana Ruiz at Acme")
    assert lines[2].startswith("#3 Pick three CCAR stories that fit Acme and the analyst role")
    assert (
        lines[3]
        == "#4 Send a thank-you note to Ana Ruiz at Acme · Fri 27 Nov, 13:00 (America/New_York)"
    )
    assert "I will remind you of the interview itself the morning of it at 09:00" not in reply.text
    assert reply.text.endswith(
        "I will remind you of the interview itself an hour before it, at 09:00."
    )

    listed = (await ada.one("/commitments")).meta["commitments"]
    assert sorted(c["commitment_id"] for c in listed) == sorted(
        c["commitment_id"] for c in reply.meta["commitments"]
    )
    assert await rows(ada, Ladder) == 1


async def test_prep_steps_land_at_day_start_on_the_days_before(conversation: Conversation) -> None:
    reply = await conversation.one("/interview Globex on monday 2pm")
    at = ny(2026, 11, 30, 14)
    assert [due for due, _ in steps(reply.meta)] == [
        ny(2026, 11, 27, 9),
        ny(2026, 11, 28, 9),
        ny(2026, 11, 29, 9),
        at + timedelta(hours=3),
        at + timedelta(days=7),
    ]
    lines = reply.sections[0].text.splitlines()
    assert lines[1].startswith("#2 Find out who will interview you at Globex, then read up on them")
    assert "Send a thank-you note to your interviewer at Globex" in lines[3]
    assert reply.text.endswith(
        "I will remind you of the interview itself the morning of it at 09:00 "
        "and an hour before it, at 13:00."
    )


async def test_the_thank_you_reminder_carries_a_filled_draft(conversation: Conversation) -> None:
    await conversation.one("/interview Acme with Ana Ruiz on Friday 10am for analyst")
    arrived = await conversation.advance(ny(2026, 11, 27, 13, 1))
    [note] = [m for m in arrived if about(m).startswith("Send a thank-you note")]
    text = note.plain_text()
    assert note.title == "Reminder: Send a thank-you note to Ana Ruiz at Acme"
    assert note.at == ny(2026, 11, 27, 13)
    assert note.reply.sections[0].title == "Draft: Thank-you note after an interview"
    assert "Subject: Thank you for our conversation, Ana Ruiz" in text
    assert "Hi Ana Ruiz," in text
    assert "meet with me today about the analyst position at Acme" in text
    assert text.rstrip().endswith("Best regards,\nAda")
    assert "[something you talked about]" in text  # a blank that is visibly hers to fill
    assert "{" not in text and "}" not in text
    assert note.buttons[0].label == "Done"
    # Nothing else that arrived leaked a raw placeholder either.
    assert all("{" not in m.plain_text() for m in arrived)


async def test_the_thank_you_check_in_a_day_later_says_yesterday(
    conversation: Conversation,
) -> None:
    """Issue 15: the check-in read the next day said "meet with me today"."""
    await conversation.one("/interview Acme with Ana Ruiz on Friday 10am for analyst")
    await conversation.advance(ny(2026, 11, 27, 13, 1))
    arrived = await conversation.advance(ny(2026, 11, 28, 13, 1))
    [checkin] = [m for m in arrived if m.kind == "still-open"]
    assert checkin.title == "Still open: Send a thank-you note to Ana Ruiz at Acme"
    assert checkin.local("America/New_York").date() == date(2026, 11, 28)
    text = checkin.plain_text()
    assert "meet with me yesterday about the analyst position" in text
    assert "today" not in text.lower()


async def test_the_follow_up_draft_invents_no_decision_date(conversation: Conversation) -> None:
    """Issue 15: "I know you hoped to reach a decision around now" with no date given."""
    await conversation.one("/interview Acme with Ana Ruiz on Friday 10am for analyst")
    arrived = await conversation.advance(ny(2026, 12, 4, 10, 1))
    [follow_up] = [m for m in arrived if about(m).startswith("Follow up with Acme")]
    text = follow_up.plain_text()
    assert "decision around now" not in text and "hoped to" not in text
    assert "our conversation on 27 November about the analyst position" in text


async def test_a_draft_that_says_today_is_refused_when_content_loads() -> None:
    """The rule behind the two drafts above: day words in a draft are placeholders."""
    fields = {"id": "x-note", "title": "A note", "purpose": "thank_you"}
    for body in ("Thanks for today.", "I hope to hear back right now.", "See you Tomorrow"):
        with pytest.raises(ValidationError, match="may be untrue when the draft is read"):
            Draft(**fields, body=body)
    assert Draft(**fields, body="Thanks for meeting {interview_day}.").body


async def test_without_a_name_the_draft_leaves_a_visible_blank(conversation: Conversation) -> None:
    await conversation.one("/interview Globex on monday 2pm")
    arrived = await conversation.advance(ny(2026, 11, 30, 17, 1))
    [note] = [m for m in arrived if about(m).startswith("Send a thank-you note")]
    text = note.plain_text()
    assert "Hi [interviewer's name]," in text and "[role]" in text
    assert "{" not in text


@pytest.mark.parametrize(
    "line", ["/interview Initech", "/interview Initech with Ana Ruiz for analyst"]
)
async def test_an_interview_without_a_time_asks_and_saves_nothing(
    conversation: Conversation, line: str
) -> None:
    reply = await conversation.one(line)
    assert reply.meta["error"] == "user"
    assert reply.text.startswith("When is it? For example `/interview Acme")
    assert await rows(conversation, Commitment) == 0
    assert await rows(conversation, Ladder) == 0


async def test_an_interview_without_a_company_asks_which(conversation: Conversation) -> None:
    reply = await conversation.one("/interview")
    assert reply.meta["error"] == "user" and reply.text.startswith("Which company?")


async def test_a_past_interview_gets_only_the_after_steps(conversation: Conversation) -> None:
    reply = await conversation.one("/interview Umbrella with Bob Lee on yesterday 3pm for dev")
    at = ny(2026, 11, 24, 15)
    assert reply.title == "After your interview at Umbrella"
    assert steps(reply.meta) == [
        (START + timedelta(hours=1), "thank-you-after-interview"),  # at + 3 h has passed
        (at + timedelta(days=7), "follow-up-no-decision"),
    ]
    assert "Send a thank-you note to Bob Lee at Umbrella" in reply.sections[0].text
    assert "Research" not in reply.sections[0].text
    arrived = await conversation.advance(START + timedelta(hours=2))
    [note] = [m for m in arrived if m.kind == "reminder"]
    assert "meet with me yesterday about the dev position" in note.plain_text()
    assert of_kind(arrived, "interview") == []


async def test_an_interview_over_a_month_ago_is_refused(conversation: Conversation) -> None:
    reply = await conversation.one("/interview Acme on 2026-10-01 10am")
    assert reply.meta["error"] == "user"
    assert "Thu 1 Oct, 10:00 (America/New_York) was more than a month ago" in reply.text
    assert await rows(conversation, Commitment) == 0


async def test_an_over_long_company_is_refused(conversation: Conversation) -> None:
    reply = await conversation.one("/interview " + "A" * 121 + " on friday 10am")
    assert reply.meta["error"] == "user" and "keep it under 120" in reply.text
    assert await rows(conversation, Ladder) == 0


async def test_an_unreadable_interview_time_is_a_plain_answer(conversation: Conversation) -> None:
    reply = await conversation.one("/interview Acme on blursday")
    assert reply.meta["error"] == "user"
    assert "blursday" in reply.text


async def test_a_past_interview_time_without_on_gets_the_after_steps(
    conversation: Conversation,
) -> None:
    reply = await conversation.one("/interview Hooli yesterday 10am")
    assert reply.title == "After your interview at Hooli"


async def test_an_interview_time_may_end_the_company(conversation: Conversation) -> None:
    reply = await conversation.one("/interview Hooli tomorrow 10am")
    assert reply.title == "Interview at Hooli, Thu 26 Nov, 10:00 (America/New_York)"
    assert len(reply.meta["commitments"]) == 5


# -- issue 15: ladders that respect the event -------------------------------------------


async def test_interview_tomorrow_10am_prep_before_it_one_reminder_that_morning(
    conversation: Conversation,
) -> None:
    """The Done-when scenario of issue 15, as the console runs it:
    `/interview Initech with Ana tomorrow 10am`, made at 10:00 the day before, then two days.
    """
    conversation.clock.set(ny(2026, 12, 1, 10))
    await conversation.one("/interview Initech with Ana tomorrow 10am")
    at = ny(2026, 12, 2, 10)
    arrived = await conversation.advance(timedelta(days=2))

    before = prep(arrived)
    assert [(m.kind, m.local("America/New_York").strftime("%a %H:%M")) for m in before] == [
        ("reminder", "Tue 11:00"),
        ("reminder", "Tue 15:30"),
        ("reminder", "Tue 20:00"),
    ]
    assert [about(m).split(":")[0] for m in before] == [
        "Research Initech",
        "Read up on Ana at Initech",
        "Pick three CCAR stories that fit Initech",
    ]
    assert all(m.at < at for m in before)

    [reminder] = of_kind(arrived, "interview")
    assert reminder.at == ny(2026, 12, 2, 9)
    assert reminder.title == "Your interview at Initech is at 10:00"
    assert reminder.text.startswith("Initech with Ana, today at 10:00 (America/New_York).")
    # The prep still open is named once, here, and closes itself when the interview starts.
    assert reminder.reply.sections[0].title == "Still open from your prep"
    assert "closes itself when the interview starts" in reminder.reply.sections[0].text
    assert [b.label for b in reminder.buttons] == ["Done #1", "Done #2", "Done #3"]

    after = [m for m in arrived if m.at >= at]
    assert [about(m) for m in after] == ["Send a thank-you note to Ana at Initech"]
    open_now = (await conversation.one("/commitments")).meta["commitments"]
    assert [c["number"] for c in open_now] == [4, 5]
    history = (await conversation.one("/commitments history")).text
    assert "#1 – closed when its moment passed Wed 2 Dec, 10:00" in history


def expected_interview_reminders(made: datetime, at: datetime) -> list[datetime]:
    """Written out here, not taken from the code: 09:00 that day unless it is past, after
    the interview or within an hour of the other one; and an hour before, unless past."""
    local = at.astimezone(NY)
    morning = datetime.combine(local.date(), time(9), tzinfo=NY).astimezone(UTC)
    hour = at - timedelta(hours=1)
    wanted = [morning] if made < morning and morning <= hour - timedelta(hours=1) else []
    return wanted + ([hour] if made < hour else [])


@pytest.mark.parametrize(
    ("when", "at", "prep_count"),
    [
        ("today 10am", ny(2026, 11, 25, 10), 0),
        ("today 2pm", ny(2026, 11, 25, 14), 3),
        ("tomorrow 10am", ny(2026, 11, 26, 10), 3),
        ("saturday 11am", ny(2026, 11, 28, 11), 3),
        ("2026-12-09 4pm", ny(2026, 12, 9, 16), 3),
    ],
)
async def test_prep_is_spread_before_the_interview_at_waking_hours(
    conversation: Conversation, when: str, at: datetime, prep_count: int
) -> None:
    """In an hour, this afternoon, tomorrow, in 3 days, in 2 weeks."""
    reply = await conversation.one(f"/interview Acme with Dana {when}")
    assert reply.meta.get("error") is None, reply.text
    arrived = await conversation.advance(at + timedelta(days=1))

    steps_sent = prep(arrived)
    reminders = [m for m in steps_sent if m.kind == "reminder"]
    assert len(reminders) == prep_count
    # Never after the interview, nor in the two hours before it; no check-in in the last three.
    assert all(m.at <= at - timedelta(hours=2) for m in reminders)
    assert all(m.at < at - timedelta(hours=3) for m in steps_sent if m.kind == "still-open")
    assert all(time(9) <= m.local("America/New_York").time() <= time(20) for m in steps_sent)
    assert len({m.at for m in reminders}) == len(reminders)  # never several at once
    assert all(b.at - a.at >= timedelta(hours=1) for a, b in pairwise(reminders))
    assert [m.at for m in of_kind(arrived, "interview")] == expected_interview_reminders(START, at)
    assert all(m.at < at for m in of_kind(arrived, "interview"))
    if prep_count == 0:
        assert "left out the prep there is no good time for before it" in reply.text
        assert "there is no reminder to wait for" in reply.text


async def test_a_later_day_start_moves_prep_and_the_morning_reminder(
    conversation: Conversation,
) -> None:
    await conversation.one("/jobclub daystart 07:30")
    await conversation.one("/interview Globex on monday 2pm")
    arrived = await conversation.advance(ny(2026, 12, 1, 9))
    assert [m.at for m in prep(arrived) if m.kind == "reminder"] == [
        ny(2026, 11, 27, 7, 30),
        ny(2026, 11, 28, 7, 30),
        ny(2026, 11, 29, 7, 30),
    ]
    assert [m.at for m in of_kind(arrived, "interview")] == [
        ny(2026, 11, 30, 7, 30),
        ny(2026, 11, 30, 13),
    ]


@pytest.mark.parametrize("nudges", ["/nudges off", "/nudges on daily"])
async def test_the_interview_is_recalled_that_morning_and_an_hour_before_nudges_or_not(
    conversation: Conversation, nudges: str
) -> None:
    """Issue 15: no reminder of the interview itself unless nudges were on."""
    await conversation.one(nudges)
    await conversation.one("/interview Acme with Dana on friday 2pm")
    arrived = await conversation.advance(ny(2026, 11, 28, 9))
    morning, hour = of_kind(arrived, "interview")
    assert (morning.at, hour.at) == (ny(2026, 11, 27, 9), ny(2026, 11, 27, 13))
    assert morning.title == "Your interview at Acme: today, 14:00"
    assert "have your three stories and two questions" in morning.text
    assert hour.title == "Your interview at Acme is at 14:00"
    assert morning.to == hour.to == "Ada"


async def test_on_the_interview_day_the_nudge_steps_aside_for_the_interview_reminder(
    conversation: Conversation,
) -> None:
    """Nudges at 09:00 and the interview's morning reminder at 09:00 said the same thing
    twice; on the day only the interview reminder arrives, and the nudges go on after."""
    await conversation.one("/nudges on daily at 09:00")
    await conversation.one("/interview Acme with Dana on friday 2pm")
    arrived = await conversation.advance(ny(2026, 11, 28, 10))
    friday = [m for m in arrived if m.local("America/New_York").day == 27]
    assert [m.kind for m in friday if m.kind in ("nudge", "interview")] == [
        "interview",
        "interview",
    ]
    assert not [m for m in arrived if "Interview day" in (m.title or "")]
    saturday = [m for m in of_kind(arrived, "nudge") if m.local("America/New_York").day == 28]
    assert len(saturday) == 1


async def test_done_on_the_interview_reminder_closes_that_prep_step(
    conversation: Conversation,
) -> None:
    await conversation.one("/interview Acme with Dana on friday 2pm")
    arrived = await conversation.advance(ny(2026, 11, 27, 9, 1))
    [morning] = of_kind(arrived, "interview")
    assert [b.label for b in morning.buttons] == ["Done #1", "Done #2", "Done #3"]
    (done,) = await conversation.press(morning, "Done #3")
    assert done.text.startswith("Done: Pick three CCAR stories that fit Acme")
    arrived = await conversation.advance(ny(2026, 11, 27, 13, 1))
    [hour] = of_kind(arrived, "interview")
    assert [b.label for b in hour.buttons] == ["Done #1", "Done #2"]
    history = (await conversation.one("/commitments history")).text
    assert "#3 ✓ done" in history


async def test_a_prep_step_cannot_be_snoozed_past_its_interview(conversation: Conversation) -> None:
    await conversation.one("/interview Acme with Dana on friday 2pm")
    arrived = await conversation.advance(ny(2026, 11, 25, 10, 1))
    [research] = prep(arrived)
    labels = [b.label for b in research.buttons]
    assert labels == ["Done", "Snooze: 1 hour", "Snooze: Tomorrow morning", "Drop"]
    with pytest.raises(AssertionError, match="no button labelled"):
        await conversation.press(research, "Snooze: Next week")
    refused = await conversation.one("/commitments snooze 1 next monday")
    assert refused.meta["error"] == "user"
    assert refused.text.startswith("#1 is to prepare for something that starts Fri 27 Nov, 14:00")
    assert refused.text.endswith("Nothing changed.")
    (snoozed,) = await conversation.press(research, "Snooze: Tomorrow morning")
    assert "Thu 26 Nov, 09:00" in snoozed.text


async def test_a_dropped_step_leaves_the_nudges_and_the_interview_reminder(
    conversation: Conversation,
) -> None:
    """Issue 15: the interview nudge still said "Read up on Dana" after that step was dropped."""
    await conversation.one("/nudges on daily")
    reply = await conversation.one("/interview Acme with Dana on saturday 2pm")
    assert reply.sections[0].text.splitlines()[1].startswith("#2 Read up on Dana")
    dropped = await conversation.one("/commitments drop 2")
    assert dropped.text.startswith("Dropped: Read up on Dana at Acme")
    arrived = await conversation.advance(ny(2026, 11, 28, 15))
    thursday = [m for m in of_kind(arrived, "nudge") if m.local("America/New_York").day == 26]
    assert thursday, "a nudge arrives two days before the interview"
    assert "Pick your stories for Acme" in (thursday[0].title or "")
    assert not [m for m in arrived if "Read up on Dana" in m.plain_text()]
    assert "#2" not in of_kind(arrived, "interview")[0].plain_text()


async def test_the_nudge_reads_up_on_dana_while_that_step_is_open(
    conversation: Conversation,
) -> None:
    """The same walk without the drop: the nudge two days before is about Dana."""
    await conversation.one("/nudges on daily")
    await conversation.one("/interview Acme with Dana on saturday 2pm")
    arrived = await conversation.advance(ny(2026, 11, 26, 12))
    thursday = [m for m in of_kind(arrived, "nudge") if m.local("America/New_York").day == 26]
    assert "Read up on Dana" in (thursday[0].title or "")


# -- /rejected -------------------------------------------------------------------------


@pytest.mark.parametrize("line", ["/rejected Acme, Ana Ruiz", "/rejected Acme with Ana Ruiz"])
async def test_a_rejection_sets_up_thanks_and_a_year_of_staying_in_touch(
    any_db_conversation: Conversation, line: str
) -> None:
    ada = any_db_conversation
    reply = await ada.one(line)
    assert reply.title == "After the no from Acme"
    assert reply.text.startswith("Sorry, that is disappointing.")
    assert steps(reply.meta) == [
        (ny(2026, 11, 26, 9), "appreciation-after-rejection"),
        (ny(2026, 11, 30, 9), "ask-to-stay-connected"),
        (ny(2026, 12, 25, 9), "stay-in-touch-1-month"),
        (ny(2027, 2, 25, 9), "stay-in-touch-3-months"),
        (ny(2027, 5, 25, 9), "stay-in-touch-6-months"),
        (ny(2027, 11, 25, 9), "stay-in-touch-12-months"),
    ]
    lines = reply.sections[0].text.splitlines()
    assert lines[0].startswith("#1 Send Ana Ruiz a short note of appreciation")
    assert lines[5].startswith("#6 Stay in touch with Ana Ruiz (12 months on)")

    listed = (await ada.one("/commitments")).meta["commitments"]
    assert [c["number"] for c in listed] == [1, 2, 3, 4, 5, 6]
    contacts = await ada.one("/jobclub contacts")
    assert "Ana Ruiz (Acme) · last contact not yet" in contacts.text


async def test_each_rejection_step_reminds_with_its_own_draft(conversation: Conversation) -> None:
    await conversation.one("/rejected Acme, Ana Ruiz")
    arrived = await conversation.advance(ny(2026, 12, 25, 9, 1))
    reminders = of_kind(arrived, "reminder")
    assert [(about(m), [s.title for s in m.reply.sections], m.at) for m in reminders] == [
        (
            "Send Ana Ruiz a short note of appreciation",
            ["Draft: Thank you after a rejection"],
            ny(2026, 11, 26, 9),
        ),
        (
            "Ask Ana Ruiz to stay connected and meet for a networking chat",
            ["Draft: Ask to stay connected after a rejection"],
            ny(2026, 11, 30, 9),
        ),
        (
            "Stay in touch with Ana Ruiz (1 month on)",
            ["Draft: One month later, share something useful"],
            ny(2026, 12, 25, 9),
        ),
    ]  # three months on: not yet
    appreciation = reminders[0].plain_text()
    assert "Hi Ana Ruiz," in appreciation and "learned a lot about Acme" in appreciation
    assert appreciation.rstrip().endswith("Ada")
    assert all("{" not in m.plain_text() for m in arrived)


async def test_a_rejection_step_can_be_dropped_like_any_commitment(
    conversation: Conversation,
) -> None:
    reply = await conversation.one("/rejected Acme, Ana Ruiz")
    ids = [c["commitment_id"] for c in reply.meta["commitments"]]
    dropped = await conversation.one("/commitments drop 2")
    assert dropped.meta == {"commitment_id": ids[1], "status": "dropped"}
    assert dropped.text.startswith("Dropped: Ask Ana Ruiz to stay connected")
    arrived = await conversation.advance(ny(2026, 12, 2, 9))
    assert [about(m) for m in of_kind(arrived, "reminder")] == [
        "Send Ana Ruiz a short note of appreciation"
    ]
    assert 2 not in [
        c["number"] for c in (await conversation.one("/commitments")).meta["commitments"]
    ]


async def test_a_rejection_without_a_name_says_the_hiring_manager(
    conversation: Conversation,
) -> None:
    reply = await conversation.one("/rejected Globex")
    assert (
        "Send the hiring manager at Globex a short note of appreciation" in reply.sections[0].text
    )
    [note] = of_kind(await conversation.advance(ny(2026, 11, 26, 9, 1)), "reminder")
    assert about(note) == "Send the hiring manager at Globex a short note of appreciation"
    assert "Hi [interviewer's name]," in note.plain_text()


async def test_a_rejection_without_a_company_asks_which(conversation: Conversation) -> None:
    reply = await conversation.one("/rejected")
    assert reply.meta["error"] == "user" and reply.text.startswith("Which company?")
    assert await rows(conversation, Commitment) == 0


async def test_a_rejection_retires_the_pending_interview_follow_up(
    conversation: Conversation,
) -> None:
    await conversation.one("/interview Acme with Ana Ruiz on Friday 10am")
    await conversation.advance(ny(2026, 11, 28, 12))
    reply = await conversation.one("/rejected Acme, Ana Ruiz")
    assert reply.text.endswith(
        "I closed #4 (the thank-you: the appreciation note takes its place) "
        "and #5 (no need to chase Acme for a decision now)."
    )
    listed = (await conversation.one("/commitments")).sections
    assert not [s for s in listed if "Follow up with Acme" in s.text]


async def test_rejected_acme_closes_its_open_prep_steps_and_says_so(
    conversation: Conversation,
) -> None:
    """Issue 15: after `/rejected Acme`, "Research Acme" and "Pick stories" stayed open."""
    await conversation.one("/interview Acme with Dana on friday 2pm")
    await conversation.one("/interview Globex on monday 2pm")
    await conversation.advance(ny(2026, 11, 26, 12))
    reply = await conversation.one("/rejected Acme")
    assert reply.text.endswith(
        "I closed #1, #2 and #3 (prep for the Acme interview), "
        "#4 (the thank-you: the appreciation note takes its place) "
        "and #5 (no need to chase Acme for a decision now)."
    )
    listed = [c["number"] for c in (await conversation.one("/commitments")).meta["commitments"]]
    assert not {1, 2, 3, 4, 5} & set(listed)
    assert {6, 7, 8, 9, 10} <= set(listed)  # Globex's steps stay
    arrived = await conversation.advance(ny(2026, 11, 28, 12))
    # Nothing about the closed steps, and no reminder of the interview that will not happen.
    closed = ("Research Acme", "Read up on Dana", "Pick three CCAR stories that fit Acme")
    closed += ("Send a thank-you note to Dana", "Follow up with Acme")
    assert not [m for m in arrived if about(m).startswith(closed)]
    assert of_kind(arrived, "interview") == []
    assert "Send Dana a short note of appreciation" in [about(m) for m in arrived]


# -- issue 14: /interview in any order, /rejected twice ----------------------------------


async def test_interview_initech_tomorrow_at_10am_keeps_tomorrow_out_of_the_company(
    conversation: Conversation,
) -> None:
    reply = await conversation.one("/interview Initech tomorrow at 10am")
    assert reply.title == "Interview at Initech, Thu 26 Nov, 10:00 (America/New_York)"
    assert reply.meta["company"] == "Initech"
    assert reply.meta["at"] == "2026-11-26T10:00:00-05:00"
    assert "tomorrow" not in reply.sections[0].text
    assert "Send a thank-you note to your interviewer at Initech ·" in reply.sections[0].text


@pytest.mark.parametrize(
    "line",
    [
        "/interview Initech with Ana tomorrow 10am for analyst",
        "/interview Initech for analyst with Ana tomorrow 10am",
        "/interview Initech with Ana for analyst on tomorrow at 10am",
        "/interview with Ana tomorrow 10am at Initech for analyst",
        "/interview tomorrow 10am Initech with Ana for analyst",
        "/interview for analyst at Initech tomorrow at 10am with Ana",
    ],
)
async def test_interview_initech_with_ana_tomorrow_10am_in_any_order(
    conversation: Conversation, line: str
) -> None:
    reply = await conversation.one(line)
    assert reply.meta.get("error") is None, reply.text
    got = {k: reply.meta[k] for k in ("company", "interviewer", "role", "at")}
    assert got == {
        "company": "Initech",
        "interviewer": "Ana",
        "role": "analyst",
        "at": "2026-11-26T10:00:00-05:00",
    }
    assert "Pick three CCAR stories that fit Initech and the analyst role" in reply.sections[0].text


@pytest.mark.parametrize(
    ("line", "person", "role"),
    [
        ("/interview Initech with Ana tomorrow 10am", "Ana", None),
        ("/interview Initech for analyst tomorrow 10am", None, "analyst"),
    ],
)
async def test_interview_initech_with_ana_tomorrow_10am_no_longer_asks_when_is_it(
    conversation: Conversation, line: str, person: str | None, role: str | None
) -> None:
    reply = await conversation.one(line)
    assert reply.meta.get("error") is None, reply.text
    assert (reply.meta["interviewer"], reply.meta["role"]) == (person, role)
    assert reply.meta["at"] == "2026-11-26T10:00:00-05:00"


async def test_rejected_acme_dana_then_rejected_acme_creates_a_second_ladder(
    conversation: Conversation,
) -> None:
    first = await conversation.one("/rejected Acme, Dana")
    again = await conversation.one("/rejected acme")
    assert again.meta["duplicate"] is True and again.meta["ladder_id"] == first.meta["ladder_id"]
    assert again.title == "Already set up: the no from Acme"
    assert again.text.startswith(
        "You told me about the no from Acme (Dana) on Wed 25 Nov, 09:00 (America/New_York), "
        "so I did not set the steps up a second time."
    )
    assert len(again.sections[0].text.splitlines()) == 6
    assert await rows(conversation, Ladder) == 1
    assert await rows(conversation, Commitment) == 6
    # Named again, the same person is recognised too; a different person is not a copy.
    assert (await conversation.one("/rejected ACME, dana")).meta["duplicate"] is True
    other = await conversation.one("/rejected Acme, Bob Stone")
    assert "duplicate" not in other.meta and await rows(conversation, Ladder) == 2

    arrived = await conversation.advance(ny(2026, 11, 26, 10))
    assert sorted(about(m) for m in of_kind(arrived, "reminder")) == [
        "Send Bob Stone a short note of appreciation",  # one note each for Dana and Bob
        "Send Dana a short note of appreciation",
    ]
