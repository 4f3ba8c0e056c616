"""`/interview` and `/rejected`: every follow-up step is an ordinary commitment.

Ada's profile zone is America/New_York; the clock starts on Wed 25 Nov 2026 at
09:00 there (14:00 UTC).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.scheduling import Outgoing
from bot.store.models import Commitment, Ladder
from tests.conftest import START, Conversation

NY = ZoneInfo("America/New_York")


@pytest.fixture
def member_zones() -> dict[str, str]:
    return {"Ada": "America/New_York"}


@dataclass
class Outbox:
    """Keeps the commitment reminders and check-ins the dispatcher sends."""

    sent: list[tuple[Outgoing, datetime]] = field(default_factory=list)

    async def __call__(self, item: Outgoing, at: datetime) -> str | None:
        if item.kind in ("reminder", "checkin"):
            self.sent.append((item, at))
        return None

    def reminders(self, commitment_id: int) -> list[Outgoing]:
        return [
            item
            for item, _ in self.sent
            if item.kind == "reminder" and item.reply.meta["commitment_id"] == commitment_id
        ]


async def walk(conversation: Conversation, outbox: Outbox, until: datetime) -> None:
    await conversation.bot.dispatcher(outbox).advance_to(until, conversation.clock.set)


def ny(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY).astimezone(UTC)


def steps(reply_meta: dict) -> list[tuple[datetime, str | None]]:
    return [(datetime.fromisoformat(c["due_at"]), c["draft_id"]) for c in reply_meta["commitments"]]


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
    assert [b.action for b in reply.buttons] == ["commit:list"]
    made = steps(reply.meta)
    assert [draft for _, draft in made] == [
        None,
        None,
        None,
        "thank-you-after-interview",
        "follow-up-no-decision",
    ]
    prep = [due for due, _ in made[:3]]
    assert all(START < due < at for due in prep)
    assert prep == sorted(prep)
    # Research and the interviewer were due at 09:00 two and three days ago: soon, not never.
    assert prep[:2] == [START + timedelta(hours=1)] * 2
    assert prep[2] == ny(2026, 11, 26, 9)  # stories: the day before, at day start
    assert made[3][0] == at + timedelta(hours=3)
    assert made[4][0] == at + timedelta(days=7)

    lines = reply.sections[0].text.splitlines()
    assert lines[1].startswith("#2 Read up on Ana Ruiz at Acme")
    assert lines[2].startswith("#3 Pick three CCAR stories that fit Acme and the analyst role")
    assert (
        lines[3]
        == "#4 Send a thank-you note to Ana Ruiz at Acme · Fri 27 Nov, 13:00 (America/New_York)"
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


async def test_the_thank_you_reminder_carries_a_filled_draft(conversation: Conversation) -> None:
    reply = await conversation.one("/interview Acme with Ana Ruiz on Friday 10am for analyst")
    thank_you = reply.meta["commitments"][3]["commitment_id"]
    outbox = Outbox()
    await walk(conversation, outbox, ny(2026, 11, 27, 13, 1))
    [item] = outbox.reminders(thank_you)
    text = item.reply.plain_text()
    assert item.reply.title == "Reminder: Send a thank-you note to Ana Ruiz at Acme"
    assert item.reply.sections[0].title == "Draft: Thank-you note after an interview"
    assert "Subject: Thank you for today, Ana Ruiz" in text
    assert "Hi Ana Ruiz," in text
    assert "about the analyst position at Acme" in text
    assert text.rstrip().endswith("Best regards,\nAda")
    assert "[something you talked about]" in text  # a blank that is visibly hers to fill
    assert "{" not in text and "}" not in text
    # Nothing else in the whole walk leaked a raw placeholder either.
    assert all("{" not in o.reply.plain_text() for o, _ in outbox.sent)


async def test_without_a_name_the_draft_leaves_a_visible_blank(conversation: Conversation) -> None:
    reply = await conversation.one("/interview Globex on monday 2pm")
    thank_you = reply.meta["commitments"][3]["commitment_id"]
    outbox = Outbox()
    await walk(conversation, outbox, ny(2026, 11, 30, 17, 1))
    [item] = outbox.reminders(thank_you)
    text = item.reply.plain_text()
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
    reply = await conversation.one("/rejected Acme, Ana Ruiz")
    ids = [c["commitment_id"] for c in reply.meta["commitments"]]
    outbox = Outbox()
    await walk(conversation, outbox, ny(2026, 12, 25, 9, 1))
    titles = {
        cid: [s.title for s in item.reply.sections]
        for cid in ids[:3]
        for item in outbox.reminders(cid)
    }
    assert titles == {
        ids[0]: ["Draft: Thank you after a rejection"],
        ids[1]: ["Draft: Ask to stay connected after a rejection"],
        ids[2]: ["Draft: One month later, share something useful"],
    }
    appreciation = outbox.reminders(ids[0])[0].reply.plain_text()
    assert "Hi Ana Ruiz," in appreciation and "learned a lot about Acme" in appreciation
    assert appreciation.rstrip().endswith("Ada")
    assert all("{" not in o.reply.plain_text() for o, _ in outbox.sent)
    assert outbox.reminders(ids[3]) == []  # three months on: not yet


async def test_a_rejection_step_can_be_dropped_like_any_commitment(
    conversation: Conversation,
) -> None:
    reply = await conversation.one("/rejected Acme, Ana Ruiz")
    ids = [c["commitment_id"] for c in reply.meta["commitments"]]
    dropped = await conversation.one("/commitments drop 2")
    assert dropped.meta == {"commitment_id": ids[1], "status": "dropped"}
    assert dropped.text.startswith("Dropped: Ask Ana Ruiz to stay connected")
    outbox = Outbox()
    await walk(conversation, outbox, ny(2026, 12, 2, 9))
    assert outbox.reminders(ids[1]) == []
    assert len(outbox.reminders(ids[0])) == 1
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
    outbox = Outbox()
    await walk(conversation, outbox, ny(2026, 11, 26, 9, 1))
    [item] = outbox.reminders(reply.meta["commitments"][0]["commitment_id"])
    assert "Hi [interviewer's name]," in item.reply.plain_text()


async def test_a_rejection_without_a_company_asks_which(conversation: Conversation) -> None:
    reply = await conversation.one("/rejected")
    assert reply.meta["error"] == "user" and reply.text.startswith("Which company?")
    assert await rows(conversation, Commitment) == 0


async def test_a_rejection_retires_the_pending_interview_follow_up(
    conversation: Conversation,
) -> None:
    interview = await conversation.one("/interview Acme with Ana Ruiz on Friday 10am")
    follow_up = interview.meta["commitments"][4]["commitment_id"]
    conversation.clock.set(ny(2026, 11, 28, 12))
    await conversation.one("/rejected Acme, Ana Ruiz")
    open_ids = [
        c["commitment_id"] for c in (await conversation.one("/commitments")).meta["commitments"]
    ]
    assert follow_up not in open_ids


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

    outbox = Outbox()
    await walk(conversation, outbox, ny(2026, 11, 26, 10))
    notes = [item.reply.plain_text() for item, _ in outbox.sent if item.kind == "reminder"]
    assert len(notes) == len(set(notes)) == 2  # one appreciation note each for Dana and Bob
