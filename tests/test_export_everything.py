"""Export is everything: one member with every kind of data and setting the bot keeps.

The tables are walked from the models (`Base.metadata`), not listed here: a table added
later that holds a member's rows fails this test until the member below has some and the
export shows them, and a column added to `members` fails until the export carries it.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, select

from bot.store.models import Base, Member
from tests.conftest import Conversation
from tests.test_stories import build_story

MEMBER_TABLES = [
    table
    for table in Base.metadata.sorted_tables
    if any(fk.target_fullname == "members.id" for fk in table.foreign_keys)
]
UNSHOWN_COLUMNS = {
    "id",
    "member_id",
    "club_id",
    "contact_id",
    "ladder_id",
    # the dispatcher's own bookkeeping for a message; what, when and how it went is shown
    "key",
    "ref_id",
    "attempts",
    "next_attempt_at",
    "lease_until",
    "lease_token",
    "useful_until",
    "last_error",
    "created_at",
    "updated_at",
    "schedule_rev",
    "number",
    # a follow-up's schedule state, derived from its due time and interview, which are shown
    "next_reminder_at",
    "reminder_stage",
    # which of the library's draft texts a follow-up offers (content, not the member's)
    "draft_id",
}
"""Row plumbing: keys linking rows, schedule state and counters no person would recognise."""


async def everything(conversation: Conversation) -> None:
    """Ada uses every part of the bot and changes every setting."""
    conversation.clock.set(datetime(2027, 3, 1, 6, 0, tzinfo=UTC))  # Monday
    await conversation.one("/jobclub timezone berlin")
    await conversation.one("/jobclub daystart 08:30")
    await conversation.one("/jobclub still-open 12")
    await conversation.one("/jobclub shoutouts on")
    conversation.admins.add("Ada")  # practice partners: paired with Grace, then kept apart
    await conversation.one("/partners on weekdays 12:00-14:00")
    await conversation.one("/partners on weekdays 12:00-14:00", who="Grace")
    await conversation.one("/jobclub partners on monday 09:00")
    await conversation.one("/nudges on daily at 07:45")
    await conversation.one("/nudges pause until 20 march")
    await conversation.one("/nudges resume")
    await conversation.one("/tip money")
    await conversation.command("/practice sensitive")
    await conversation.dm("I was one of twelve people whose roles were cut in the merger.")
    await build_story(conversation)
    await conversation.command("/quiz")
    await conversation.one("/commit send the portfolio link to Ana by friday 3pm")
    await conversation.one("/jobclub contact add Ana Lovelace at Initech")
    await conversation.one("/jobclub share-progress on")  # coordinators may see her counts
    await conversation.one("/jobclub cohort start spring until 30 april")
    await conversation.one("/jobclub cohort join spring")
    await conversation.advance(timedelta(days=1, hours=6))  # nudges and reminders arrive
    conversation.admins.add("Grace")  # Ada went quiet a day: Grace checks in, Ada reports
    quiet = await conversation.one("/jobclub quiet 1", who="Grace")
    (write,) = await conversation.press(quiet, "Check in with Ada", who="Grace")
    await conversation.press(write, "Send this one", who="Grace")
    await conversation.advance(timedelta(minutes=1))
    await conversation.one("/jobclub report spring")
    await conversation.one("/interview Initech with Ana on friday 10am")
    await conversation.one("/partners avoid Grace")
    await conversation.one("/checkin on")  # the weekly check-in, answered and shared
    (_first,) = await conversation.command("/checkin now", dm=True)
    for typed in ("3", "2", "1", "0", "0", "Ana liked my portfolio", "salary talks"):
        (_question,) = await conversation.dm(typed)
    (saved,) = await conversation.dm("10 applications")
    await conversation.press(saved, "Share my win")
    ask = await conversation.one("/landed Initech as analyst start 4 jan")  # and got the job
    (landed,) = await conversation.press(ask, "Yes, close my search")
    await conversation.press(landed, "Post a celebration")
    (story,) = await conversation.command("/story", dm=True)  # a draft left open in the DM
    assert story.meta.get("story_step") == "title"
    await conversation.dm("The Kittens Conference")
    await conversation.command("/practice money")  # a question left open: a session


async def rows_of(conversation: Conversation, table: Table, member_id: int) -> list[Any]:
    async with conversation.bot.services.db.session() as session:
        return list(await session.execute(select(table).where(table.c.member_id == member_id)))


async def member_id(conversation: Conversation, name: str) -> int:
    async with conversation.bot.services.db.session() as session:
        found = await session.scalar(select(Member.id).where(Member.display_name == name))
        assert found is not None
        return found


def shown(value: Any) -> list[str]:
    """How a stored value can appear in the export's JSON text."""
    if isinstance(value, datetime):
        return [value.isoformat(), value.astimezone(UTC).isoformat()]
    if isinstance(value, date):
        return [value.isoformat()]
    if isinstance(value, dict | list):
        return [json.dumps(value, ensure_ascii=False)[1:-1][:60]] if value else []
    return [json.dumps(value, ensure_ascii=False)]


async def test_the_export_has_every_row_and_setting_and_delete_removes_them(
    conversation: Conversation,
) -> None:
    await everything(conversation)
    await conversation.one("/tip", who="Grace")
    ada = await member_id(conversation, "Ada")
    export_reply = await conversation.one("/jobclub export")
    export = export_reply.meta["export"]
    text = json.dumps(export, ensure_ascii=False)

    # Settings, named and checked by value (the bug: these three were missing).
    member = export["member"]
    assert member["shoutouts"] is True
    assert member["day_start_minutes"] == 8 * 60 + 30
    assert member["checkin_hours"] == 12
    assert member["tz"] == "Europe/Berlin"
    assert member["nudge_minutes"] == 7 * 60 + 45 and member["nudge_days"] == "1111111"
    # Every column of the member's row, whatever is added later.
    async with conversation.bot.services.db.session() as session:
        row = await session.get(Member, ada)
        assert row is not None
        for column in Member.__table__.columns:
            if column.key in ("id", "club_id"):
                continue
            assert column.key in member, f"members.{column.key} is not in the export"
            value = getattr(row, column.key)
            want = value.isoformat() if isinstance(value, date | datetime) else value
            assert member[column.key] == want, column.key

    # Every table that holds a member's rows: Ada has some, and each value is shown.
    missing: list[str] = []
    for table in MEMBER_TABLES:
        rows = await rows_of(conversation, table, ada)
        assert rows, f"the test gives Ada no {table.name} rows: add some to everything()"
        for found in rows:
            for column in table.columns:
                value = getattr(found, column.key)
                if column.key in UNSHOWN_COLUMNS or value in (None, [], {}, ""):
                    continue
                if isinstance(value, bool):
                    continue
                if isinstance(value, int):
                    continue  # counts and positions: too common to find by value
                if not any(form in text for form in shown(value)):
                    missing.append(f"{table.name}.{column.key} = {value!r}"[:120])
    assert missing == [], "\n".join(missing)

    # Delete: nothing of Ada's is left in any table; Grace's data stays.
    ask = await conversation.one("/jobclub delete")
    await conversation.press(ask, "Yes, delete it all")
    for table in MEMBER_TABLES:
        assert await rows_of(conversation, table, ada) == [], table.name
    async with conversation.bot.services.db.session() as session:
        names = list(await session.scalars(select(Member.display_name)))
        assert names == ["Grace"]
        assert await session.scalar(select(func.count()).select_from(Member)) == 1
