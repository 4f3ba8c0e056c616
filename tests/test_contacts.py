"""Stay-in-touch contacts: `/jobclub contact add|log` and `/jobclub contacts`.

Ada's profile zone is America/New_York; the clock starts on Wed 25 Nov 2026 at
09:00 there (14:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.store.models import Commitment, Contact
from tests.conftest import Conversation

NY = ZoneInfo("America/New_York")


@pytest.fixture
def member_zones() -> dict[str, str]:
    return {"Ada": "America/New_York"}


def reminded(conversation: Conversation, commitment_id: int) -> list[datetime]:
    """When a reminder of this commitment arrived, for everything delivered so far."""
    return [
        m.at
        for m in conversation.delivered
        if m.kind == "reminder" and m.meta.get("commitment_id") == commitment_id
    ]


def ny(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY).astimezone(UTC)


async def due_of(conversation: Conversation, commitment_id: int) -> datetime | None:
    async with conversation.bot.services.db.session() as session:
        commitment = await session.get(Commitment, commitment_id)
        assert commitment is not None
        return commitment.due_at


# -- add and list ----------------------------------------------------------------------


async def test_adding_a_contact_makes_a_recurring_commitment(
    any_db_conversation: Conversation,
) -> None:
    ada = any_db_conversation
    reply = await ada.one("/jobclub contact add Ana Ruiz at Acme every 3 months")
    assert reply.text.startswith(
        "Added Ana Ruiz (Acme). I will remind you to get in touch every 3 months on the 25th "
        "at 09:00, first on Thu 25 Feb, 09:00 (America/New_York)."
    )
    assert "`/jobclub contact log Ana` resets the clock" in reply.text
    cid = reply.meta["commitment_id"]
    [item] = (await ada.one("/commitments")).meta["commitments"]
    assert (item["commitment_id"], item["due_at"]) == (cid, "2027-02-25T09:00:00-05:00")
    listed = await ada.one("/commitments")
    assert listed.sections[0].text.endswith("(repeats)")

    await ada.advance(ny(2027, 8, 26))
    assert reminded(ada, cid) == [ny(2027, 2, 25), ny(2027, 5, 25), ny(2027, 8, 25)]


async def test_contact_rhythms_and_mistakes(conversation: Conversation) -> None:
    rhythms = [
        (
            "Bob from Globex every 2 weeks",
            "Bob (Globex)",
            "every 2 weeks on Wednesday",
            "Wed 9 Dec",
        ),
        ("Carol", "Carol", "every 3 months on the 25th", "Thu 25 Feb"),
        (
            "Dan Wu at Initech every month",
            "Dan Wu (Initech)",
            "every month on the 25th",
            "Fri 25 Dec",
        ),
    ]
    for line, label, rhythm, first in rhythms:
        reply = await conversation.one(f"/jobclub contact add {line}")
        assert reply.text.startswith(
            f"Added {label}. I will remind you to get in touch {rhythm} at 09:00, "
            f"first on {first}, 09:00 (America/New_York)."
        ), line

    mistakes = [
        ("/jobclub contact add Eve every 30 months", "Pick a rhythm between every 1 and every 24"),
        ("/jobclub contact add", "Give a name, e.g. `/jobclub contact add Ana Ruiz at Acme"),
        ("/jobclub contact log", "Say who you were in touch with, e.g. `/jobclub contact log"),
        ("/jobclub contact", "Try `/jobclub contact add Ana Ruiz at Acme every 3 months`"),
        ("/jobclub contact frob Ana", "`/jobclub contact frob` is not something I know."),
        ("/jobclub contact add " + "N" * 201, "Give a name"),
    ]
    for line, expected in mistakes:
        reply = await conversation.one(line)
        assert reply.meta["error"] == "user", line
        assert reply.text.startswith(expected), line
    async with conversation.bot.services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Contact)) == len(rhythms)


async def test_contacts_lists_people_with_their_last_contact(conversation: Conversation) -> None:
    empty = await conversation.one("/jobclub contacts")
    assert empty.meta["contacts"] == [] and "No contacts yet" in empty.text

    await conversation.command("/jobclub contact add Bob from Globex every 2 weeks")
    await conversation.command("/jobclub contact add Ana Ruiz at Acme")
    await conversation.command("/rejected Initech, Zoe Park")
    conversation.clock.advance(timedelta(days=1))
    await conversation.command("/jobclub contact log Ana had coffee")
    reply = await conversation.one("/jobclub contacts")
    assert reply.title == "People you stay in touch with"
    assert reply.text.splitlines() == [
        "Ana Ruiz (Acme) · last contact Thu 26 Nov, 09:00 (America/New_York) · note: had coffee",
        "Bob (Globex) · last contact not yet",
        "Zoe Park (Initech) · last contact not yet",
    ]
    assert len(reply.meta["contacts"]) == 3
    # Only her own.
    grace = await conversation.one("/jobclub contacts", who="Grace")
    assert grace.meta["contacts"] == []


# -- log -------------------------------------------------------------------------------


async def test_logging_a_contact_resets_the_clock(any_db_conversation: Conversation) -> None:
    ada = any_db_conversation
    added = await ada.one("/jobclub contact add Ana Ruiz at Acme every 3 months")
    cid = added.meta["commitment_id"]
    await ada.advance(ny(2026, 12, 15, 10))
    logged = await ada.one("/jobclub contact log Ana had coffee, she mentioned a new team")
    assert logged.text.startswith("Logged a contact with Ana Ruiz.")
    assert logged.meta["moved"] == [{"commitment_id": cid, "due_at": "2027-03-15T09:00:00-04:00"}]
    assert (
        "#1 Get in touch with Ana Ruiz (Acme) · Mon 15 Mar 2027, 09:00" in logged.sections[0].text
    )
    assert await due_of(ada, cid) == ny(2027, 3, 15)

    await ada.advance(ny(2027, 3, 16))
    assert reminded(ada, cid) == [ny(2027, 3, 15)]  # not on the old 25 Feb

    export = (await ada.one("/jobclub export")).meta["export"]
    [contact] = export["contacts"]["contacts"]
    assert contact["notes"][0]["note"] == "had coffee, she mentioned a new team"
    assert contact["last_contact_at"] == ny(2026, 12, 15, 10).isoformat()


@pytest.mark.parametrize(
    ("rhythm", "log_at", "next_two"),
    [
        ("every 3 months", ny(2026, 12, 15, 10), [ny(2027, 3, 15), ny(2027, 6, 15)]),
        ("every 2 weeks", ny(2026, 12, 15, 10), [ny(2026, 12, 29), ny(2027, 1, 12)]),
    ],
)
async def test_after_a_log_the_rhythm_counts_from_the_log(
    conversation: Conversation, rhythm: str, log_at: datetime, next_two: list[datetime]
) -> None:
    cid = (await conversation.one(f"/jobclub contact add Ana Ruiz {rhythm}")).meta["commitment_id"]
    await conversation.advance(log_at)
    await conversation.one("/jobclub contact log Ana coffee")
    await conversation.advance(next_two[1] + timedelta(hours=1))
    assert [at for at in reminded(conversation, cid) if at > log_at] == next_two


async def test_logging_moves_the_remaining_rejection_steps(conversation: Conversation) -> None:
    reply = await conversation.one("/rejected Acme, Ana Ruiz")
    ids = {c["draft_id"]: c["commitment_id"] for c in reply.meta["commitments"]}
    one, three, six, twelve = (
        ids[f"stay-in-touch-{m}"] for m in ("1-month", "3-months", "6-months", "12-months")
    )
    appreciation = ids["appreciation-after-rejection"]

    # The 1-month note went out and was done; then they met for coffee on 10 Jan.
    await conversation.advance(ny(2026, 12, 25, 10))
    assert reminded(conversation, one) == [ny(2026, 12, 25)]
    number = next(
        c["number"]
        for c in (await conversation.one("/commitments")).meta["commitments"]
        if c["commitment_id"] == one
    )
    await conversation.one(f"/commitments done {number}")
    await conversation.advance(ny(2027, 1, 10, 12))
    logged = await conversation.one("/jobclub contact log Ana coffee downtown")
    moved = {m["commitment_id"]: datetime.fromisoformat(m["due_at"]) for m in logged.meta["moved"]}
    # Each remaining step keeps its spacing, counted from the real contact.
    assert moved == {three: ny(2027, 3, 10), six: ny(2027, 6, 10), twelve: ny(2027, 12, 10)}
    assert await due_of(conversation, appreciation) == ny(2026, 11, 26)  # not a stay-in-touch step

    await conversation.advance(ny(2027, 3, 11))
    assert reminded(conversation, three) == [ny(2027, 3, 10)]  # not on the old 25 Feb


async def test_logging_an_unknown_name_is_friendly(conversation: Conversation) -> None:
    none_yet = await conversation.one("/jobclub contact log Ana coffee")
    assert none_yet.meta["error"] == "user"
    assert none_yet.text.startswith("You have no contacts yet.")

    await conversation.command("/jobclub contact add Ana Ruiz at Acme")
    await conversation.command("/jobclub contact add Bob")
    typo = await conversation.one("/jobclub contact log Anna had coffee")
    assert typo.meta["error"] == "user"
    assert typo.text == (
        "I don't know “Anna” among your contacts. Did you mean Ana Ruiz? (Ana Ruiz, Bob)"
    )
    unknown = await conversation.one("/jobclub contact log Zed lunch")
    assert unknown.text == "I don't know “Zed” among your contacts. (Ana Ruiz, Bob)"
    # Someone else's contact is not hers to log.
    other = await conversation.one("/jobclub contact log Ana coffee", who="Grace")
    assert other.meta["error"] == "user"


async def test_a_full_name_wins_over_a_shared_first_name(conversation: Conversation) -> None:
    await conversation.command("/jobclub contact add Ana")
    await conversation.command("/jobclub contact add Ana Ruiz at Acme")
    logged = await conversation.one("/jobclub contact log Ana Ruiz lunch")
    assert logged.text.startswith("Logged a contact with Ana Ruiz.")
    export = (await conversation.one("/jobclub export")).meta["export"]
    notes = {c["name"]: c["notes"] for c in export["contacts"]["contacts"]}
    assert notes["Ana Ruiz"][0]["note"] == "lunch" and notes["Ana"] == []


@pytest.mark.parametrize("line", ["Ana, lunch", "Ana Ruiz: lunch"])
async def test_punctuation_after_the_name_is_not_part_of_the_note(
    conversation: Conversation, line: str
) -> None:
    await conversation.command("/jobclub contact add Ana Ruiz at Acme")
    logged = await conversation.one(f"/jobclub contact log {line}")
    assert logged.text.startswith("Logged a contact with Ana Ruiz.")
    export = (await conversation.one("/jobclub export")).meta["export"]
    assert export["contacts"]["contacts"][0]["notes"][0]["note"] == "lunch"


async def test_an_over_long_note_is_refused(conversation: Conversation) -> None:
    added = await conversation.one("/jobclub contact add Ana Ruiz every 3 months")
    reply = await conversation.one("/jobclub contact log Ana " + "n" * 501)
    assert reply.meta["error"] == "user" and "Nothing was saved" in reply.text
    assert await due_of(conversation, added.meta["commitment_id"]) == ny(2027, 2, 25)


# -- the same person twice, rhythms out of range, remove, notes (issue 14) ---------------


async def test_contact_add_twice_creates_two_danas_and_log_resets_one(
    conversation: Conversation,
) -> None:
    first = await conversation.one("/jobclub contact add Dana at Acme every 2 months")
    again = await conversation.one("/jobclub contact add Dana at Acme every 2 months")
    assert again.meta["duplicate"] is True and again.meta["contact_id"] == first.meta["contact_id"]
    assert again.text.startswith("You already stay in touch with Dana (Acme), every 2 months")
    assert again.text.endswith("Nothing changed.")
    assert len((await conversation.one("/commitments")).meta["commitments"]) == 1

    offer = await conversation.one("/jobclub contact add dana at acme every 6 weeks")
    assert "Change it to every 6 weeks instead of adding them twice?" in offer.text
    assert [b.label for b in offer.buttons] == ["Update to every 6 weeks", "Keep as it is"]
    (updated,) = await conversation.press(offer, "Update to every 6 weeks")
    assert updated.text.startswith("Updated Dana (Acme): I will remind you to get in touch every 6")
    [item] = (await conversation.one("/commitments")).meta["commitments"]
    assert item["due_at"] == updated.meta["due_at"] == "2027-01-06T09:00:00-05:00"

    await conversation.one("/jobclub contact log Dana lunch")
    listed = await conversation.one("/jobclub contacts")
    assert len(listed.meta["contacts"]) == 1
    assert listed.text.startswith("Dana (Acme) · last contact Wed 25 Nov")
    async with conversation.bot.services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Contact)) == 1


async def test_two_people_with_one_name_are_told_apart_by_company(
    conversation: Conversation,
) -> None:
    await conversation.command("/jobclub contact add Dana at Acme")
    await conversation.command("/jobclub contact add Dana at Globex")
    which = await conversation.one("/jobclub contact log Dana coffee")
    assert which.meta["error"] == "user"
    assert which.text.startswith("Which one: Dana (Acme) or Dana (Globex)?")
    logged = await conversation.one("/jobclub contact log Dana at Globex coffee")
    listed = await conversation.one("/jobclub contacts")
    assert listed.meta["notes"][logged.meta["contact_id"]] == ["coffee"]
    assert "Dana (Globex) · last contact Wed 25 Nov, 09:00 (America/New_York) · note: coffee" in (
        listed.text
    )


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("Ana Ruiz at Globex every 100 months", "every 100 months"),
        ("Ana Ruiz at Globex every 0 weeks", "every 0 weeks"),
        ("Ana Ruiz at Globex every 25 months", "every 25 months"),
    ],
)
async def test_contact_add_every_100_months_is_refused_with_the_range_that_works(
    conversation: Conversation, line: str, shown: str
) -> None:
    reply = await conversation.one(f"/jobclub contact add {line}")
    assert reply.meta["error"] == "user"
    assert reply.text == (
        "Pick a rhythm between every 1 and every 24 months, or every 1 to every 24 weeks; "
        f"“{shown}” is outside that. Nothing was saved."
    )
    assert (await conversation.one("/jobclub contacts")).meta["contacts"] == []
    ok = await conversation.one("/jobclub contact add Ana Ruiz at Globex every twelve months")
    assert ok.text.startswith(
        "Added Ana Ruiz (Globex). I will remind you to get in touch every year"
    )


async def test_an_unreadable_rhythm_is_refused_not_read_as_the_company(
    conversation: Conversation,
) -> None:
    reply = await conversation.one("/jobclub contact add Ana at Globex every so often")
    assert reply.meta["error"] == "user"
    assert reply.text.startswith("I couldn't read “every so often” as a rhythm.")
    assert (await conversation.one("/jobclub contacts")).meta["contacts"] == []


async def test_contact_remove_name_asks_then_removes_and_drops_the_reminders(
    conversation: Conversation,
) -> None:
    await conversation.command("/jobclub contact add Ana Ruiz at Acme")
    await conversation.command("/jobclub contact add Bob")
    ask = await conversation.one("/jobclub contact remove ana")
    assert ask.text.startswith("Stop staying in touch with Ana Ruiz (Acme)?")
    assert [b.label for b in ask.buttons] == ["Remove Ana Ruiz", "Keep"]
    (kept,) = await conversation.press(ask, "Keep")
    assert kept.text == "Nothing changed."
    # Nobody else can press it for her.
    (other,) = await conversation.press(ask, "Remove Ana Ruiz", who="Grace")
    assert other.meta["error"] == "user"
    (done,) = await conversation.press(ask, "Remove Ana Ruiz")
    assert done.text == "Removed Ana Ruiz (Acme) and dropped 1 reminder."
    listed = await conversation.one("/jobclub contacts")
    assert listed.text.splitlines() == ["Bob · last contact not yet"]
    assert len((await conversation.one("/commitments")).meta["commitments"]) == 1
    gone = await conversation.one("/jobclub contact remove Ana")
    assert gone.meta["error"] == "user" and "Bob" in gone.text


async def test_contact_log_note_never_appears_in_contacts(conversation: Conversation) -> None:
    await conversation.command("/jobclub contact add Ana Ruiz at Acme")
    await conversation.command("/jobclub contact log Ana had coffee, she mentioned a new team")
    conversation.clock.advance(timedelta(days=2))
    await conversation.command("/jobclub contact log Ana Ruiz sent the article")
    reply = await conversation.one("/jobclub contacts")
    assert reply.text == (
        "Ana Ruiz (Acme) · last contact Fri 27 Nov, 09:00 (America/New_York)"
        " · note: sent the article (+1 earlier)"
    )
    [notes] = reply.meta["notes"].values()
    assert notes == ["had coffee, she mentioned a new team", "sent the article"]
