"""The report's figures are the database's: four weeks of a club, counted twice.

Ada, Bea and Cy use the club for four weeks (practice, promises kept, a story, weekly
check-ins, partner meetings, and Cy lands a job); Ada and Bea share their progress. Then
Grace's report is checked against counts made here, straight from the tables, with none
of the features' code: every club total, and every figure of each sharing member's row.
"""

from __future__ import annotations

import csv
import io
import statistics
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import distinct, func, select

from bot.store.models import (
    ActivityDay,
    CheckinWeek,
    Commitment,
    Landing,
    Member,
    PartnerSeat,
    PracticeAnswer,
    Story,
)
from tests.conftest import Conversation
from tests.test_stories import build_story

MONDAY = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
FIRST, LAST = date(2027, 3, 1), date(2027, 3, 28)
SINCE, UNTIL = datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 3, 29, tzinfo=UTC)
ANSWER = (
    "I organised the volunteer rota for our food bank: I asked everyone for their hours, "
    "built a shared calendar and cut the no-shows by half in a month."
)
COUNTS = ("applications", "conversations", "interviews", "follow_ups", "offers")


async def checkin(conversation: Conversation, who: str, counts: tuple[int, ...]) -> None:
    await conversation.command("/checkin now", who=who, dm=True)
    for value in counts:
        await conversation.dm(str(value), who=who)
    for _ in ("win", "stuck", "goal"):
        await conversation.dm("skip", who=who)


async def practise(conversation: Conversation, who: str) -> None:
    await conversation.command("/practice sensitive", who=who)
    await conversation.dm(ANSWER, who=who)


async def four_weeks(conversation: Conversation) -> None:
    conversation.clock.set(MONDAY)
    conversation.admins.add("Grace")
    for name in ("Grace", "Ada", "Bea", "Cy"):
        await conversation.one("/jobclub timezone UTC", who=name)
    await conversation.one("/jobclub share-progress on", who="Ada")
    await conversation.one("/jobclub share-progress on", who="Bea")
    await conversation.one("/partners on weekdays 12:00-14:00", who="Ada")
    await conversation.one("/partners on weekdays 12:00-14:00", who="Bea")
    await conversation.one("/jobclub partners on monday 09:00", who="Grace")
    for week in range(4):
        start = MONDAY + timedelta(weeks=week)
        await conversation.advance(start + timedelta(hours=4))  # Monday noon: a round is out
        await practise(conversation, "Ada")
        await practise(conversation, "Cy")
        await practise(conversation, "Cy")
        await conversation.one(f"/commit send {week + 2} applications by tomorrow", who="Bea")
        await conversation.one(f"/commitments done {week + 1}", who="Bea")
        if week == 1:
            await build_story(conversation, who="Bea")
        await checkin(conversation, "Ada", (week + 3, 2, 1, 0, 0))
        if week % 2 == 0:
            await checkin(conversation, "Bea", (4, 1, 0, 1, 0))
        await checkin(conversation, "Cy", (10, 3, 2, 2, int(week == 3)))
        arrived = await conversation.advance(start + timedelta(days=3, hours=6))
        for ask in (d for d in arrived if d.kind == "partners-met" and d.to == "Ada"):
            await conversation.press(ask, "Yes, we met")
    ask = await conversation.one("/landed Initech as analyst", who="Cy")
    await conversation.press(ask, "Yes, close my search", who="Cy")
    await conversation.advance(datetime(2027, 3, 29, 9, 0, tzinfo=UTC))


async def counted(conversation: Conversation, member_ids: list[int]) -> dict[str, Any]:
    """The report's figures for these members, counted from the rows here."""
    async with conversation.bot.services.db.session() as s:

        async def count(model: Any, *where: Any) -> int:
            found = await s.scalar(
                select(func.count())
                .select_from(model)
                .where(model.member_id.in_(member_ids), *where)
            )
            return int(found or 0)

        weeks = list(
            await s.scalars(
                select(CheckinWeek).where(
                    CheckinWeek.member_id.in_(member_ids),
                    CheckinWeek.status == "answered",
                    CheckinWeek.week_start.between(FIRST, LAST),
                )
            )
        )
        landings = (
            await s.execute(
                select(Landing.landed_at, Member.created_at)
                .join(Member, Member.id == Landing.member_id)
                .where(
                    Landing.member_id.in_(member_ids),
                    Landing.followup_stage.is_distinct_from("pending"),
                    Landing.landed_at >= SINCE,
                    Landing.landed_at < UNTIL,
                )
            )
        ).all()
        days = [(landed - joined).days for landed, joined in landings]
        active = await s.scalar(
            select(func.count(distinct(ActivityDay.member_id))).where(
                ActivityDay.member_id.in_(member_ids), ActivityDay.day.between(FIRST, LAST)
            )
        )
        active_days = await s.scalar(
            select(func.count()).select_from(
                select(ActivityDay.member_id, ActivityDay.day)
                .where(ActivityDay.member_id.in_(member_ids), ActivityDay.day.between(FIRST, LAST))
                .distinct()
                .subquery()
            )
        )
        meetings = await s.scalar(
            select(func.count(distinct(PartnerSeat.match_id))).where(
                PartnerSeat.member_id.in_(member_ids),
                PartnerSeat.met.is_(True),
                PartnerSeat.answered_at >= SINCE,
                PartnerSeat.answered_at < UNTIL,
            )
        )
        return {
            "members": len(member_ids),
            "members_active": active,
            "active_days": active_days,
            "practice_answers": await count(
                PracticeAnswer,
                PracticeAnswer.created_at >= SINCE,
                PracticeAnswer.created_at < UNTIL,
            ),
            "stories": await count(Story, Story.created_at >= SINCE, Story.created_at < UNTIL),
            "follow_ups_kept": await count(
                Commitment,
                Commitment.status == "done",
                Commitment.closed_at >= SINCE,
                Commitment.closed_at < UNTIL,
            ),
            "partner_meetings": meetings,
            "checkins": len(weeks),
            **{f"checkin_{key}": sum(getattr(w, key) or 0 for w in weeks) for key in COUNTS},
            "landed": len(landings),
            "days_to_land": statistics.median(days) if days else None,
        }


async def ids_of(conversation: Conversation, *names: str) -> list[int]:
    async with conversation.bot.services.db.session() as s:
        rows = await s.execute(select(Member.display_name, Member.id))
        by_name = dict(rows.all())
    return [by_name[name] for name in names]


async def test_every_figure_matches_the_rows_in_the_database(
    any_db_conversation: Conversation,
) -> None:
    """On SQLite and PostgreSQL (migrated, as in production)."""
    conversation = any_db_conversation
    await four_weeks(conversation)
    report = await conversation.one("/jobclub report from 1 mar to 28 mar", who="Grace")
    assert report.meta["first"] == "2027-03-01" and report.meta["last"] == "2027-03-28"

    everyone = await ids_of(conversation, "Grace", "Ada", "Bea", "Cy")
    want = await counted(conversation, everyone)
    # The club did something of every kind, so no figure passes by being zero everywhere.
    for key in ("practice_answers", "stories", "follow_ups_kept", "partner_meetings", "landed"):
        assert want[key] > 0, key
    assert want["members_active"] == 3  # Grace only ran the club
    assert report.meta["totals"] == want

    # Each sharing member's row, counted for them alone.
    for name in ("Ada", "Bea"):
        mine = await counted(conversation, await ids_of(conversation, name))
        row = report.meta["rows"][name]
        for key in ("practice_answers", "stories", "follow_ups_kept", "checkins", "active_days"):
            assert row[key] == mine[key], (name, key)
        for key in COUNTS:
            assert row[f"checkin_{key}"] == mine[f"checkin_{key}"], (name, key)
        assert row["partner_meetings"] == mine["partner_meetings"], name
    assert set(report.meta["rows"]) == {"Ada", "Bea"}

    # The CSV says the same: two member rows and the total row.
    (attachment,) = report.attachments
    rows = list(csv.DictReader(io.StringIO(attachment.data.decode())))
    assert [r["row"] for r in rows] == ["member", "member", "club total"]
    total = rows[-1]
    for key, value in want.items():
        column = {"members_active": "active"}.get(key, key)
        if key == "members":
            assert total["member"].startswith(f"all {value} members")
        elif value is None:
            assert total[column] == ""
        else:
            assert float(total[column]) == value, key
    ada = next(r for r in rows if r["member"] == "Ada")
    assert int(ada["practice_answers"]) == report.meta["rows"]["Ada"]["practice_answers"] == 4
