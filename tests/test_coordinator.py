"""The coordinator's view, as conversations: consent first, the report, quiet members.

Grace runs the club (an admin). Ada and Bea share their progress; Cy does not, and Cy's
figures must never appear anywhere a coordinator looks, except inside the totals.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from bot.events import CommandEvent, MemberRef, Place, Platform
from tests.conftest import Conversation
from tests.statement_count import statements

MONDAY = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)
ANSWER = (
    "In my last role I led a small team through a merger. I listened first, then set "
    "clear weekly goals, and we shipped the new system two weeks early."
)


async def practise(conversation: Conversation, who: str) -> None:
    """One practice answer: an active day and a row in practice_answers."""
    await conversation.command("/practice sensitive", who=who)
    await conversation.dm(ANSWER, who=who)


async def club(conversation: Conversation) -> None:
    """Ada and Bea share, Cy doesn't; Grace is the coordinator. Cy is the busiest."""
    conversation.clock.set(MONDAY)
    conversation.admins.add("Grace")
    await conversation.one("/jobclub timezone UTC", who="Grace")
    for name in ("Ada", "Bea", "Cy"):
        await conversation.one("/jobclub timezone UTC", who=name)
    await conversation.one("/jobclub share-progress on", who="Ada")
    await conversation.one("/jobclub share-progress on", who="Bea")
    await practise(conversation, "Ada")
    for _ in range(3):
        await practise(conversation, "Cy")


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


async def test_sharing_is_off_until_turned_on_and_shows_exactly_what_is_visible(
    conversation: Conversation,
) -> None:
    conversation.clock.set(MONDAY)
    status = await conversation.one("/jobclub share-progress")
    assert status.meta["sharing"] is False
    assert "off unless you turn it on" in status.text
    await practise(conversation, "Ada")
    on = await conversation.one("/jobclub share-progress on")
    assert on.meta["sharing"] is True
    shown = on.plain_text()
    assert "Exactly what they would see now" in shown
    assert "practice answers 1" in shown and "Ada: last active 1 Mar 2027 (today)" in shown
    assert "never" in shown.lower() and "stuck" in shown
    assert on.meta["row"]["practice_answers"] == 1
    assert ANSWER[:20] not in shown  # a count, never the answer
    off = await conversation.one("/jobclub share-progress off")
    assert off.meta["sharing"] is False
    again = await conversation.one("/jobclub share-progress")
    assert again.meta["sharing"] is False


async def test_a_member_who_does_not_share_is_in_no_report_csv_or_home_view(
    any_db_conversation: Conversation,
) -> None:
    """On SQLite and PostgreSQL."""
    conversation = any_db_conversation
    await club(conversation)
    report = await conversation.one("/jobclub report", who="Grace")
    (attachment,) = report.attachments
    assert attachment.mime == "text/csv" and attachment.filename.endswith(".csv")
    rows = csv_rows(attachment.data)
    members = [r for r in rows if r["row"] == "member"]
    assert [r["member"] for r in members] == ["Ada", "Bea"]
    (total,) = [r for r in rows if r["row"] == "club total"]
    # Cy's three answers are in the total, and nowhere else.
    assert total["practice_answers"] == "4"
    assert [r["practice_answers"] for r in members] == ["1", "0"]
    assert (
        total["active"] == "2"
        and total["member"] == "all 4 members (the whole club, 31 Jan – 1 Mar 2027)"
    )
    seen = [report.plain_text(), attachment.data.decode(), attachment.alt, repr(report.meta)]
    for text in seen:
        assert "Cy" not in text
    assert set(report.meta["rows"]) == {"Ada", "Bea"}
    assert report.meta["totals"]["practice_answers"] == 4
    # Cy and Grace (the coordinator is a member too) are counted, not shown.
    assert "2 members don't share their progress" in report.text

    # The App Home view: this month's totals for admins, no member's own figures.
    home = await conversation.bot.home(conversation.ref("Grace"))
    text = home.plain_text()
    assert "Coordinator" in text and "Practice answers: 4" in text
    assert "Cy" not in text and "Ada" not in text
    assert {"Club report", "Quiet members"} <= {b.label for b in home.buttons}
    # A member's home has no coordinator section.
    member_home = await conversation.bot.home(conversation.ref("Cy"))
    assert "Coordinator" not in member_home.plain_text()
    assert "Club report" not in {b.label for b in member_home.buttons}

    # The quiet list a week later names only sharing members.
    await conversation.advance(timedelta(days=8))
    quiet = await conversation.one("/jobclub quiet 7", who="Grace")
    assert quiet.meta["quiet"] == ["Bea", "Ada"] or quiet.meta["quiet"] == ["Ada", "Bea"]
    assert "Cy" not in quiet.plain_text()
    assert all("Cy" not in b.label for b in quiet.buttons)


async def test_only_admins_see_reports_and_quiet_members(conversation: Conversation) -> None:
    await club(conversation)
    for line in ("/jobclub report", "/jobclub quiet", "/jobclub cohort start spring"):
        refused = await conversation.one(line, who="Cy")
        assert "Only club admins" in refused.text
        assert not refused.attachments
    # A forged button is refused the same way.
    (forged,) = await conversation.press_id("coord:report", who="Cy")
    assert "Only club admins" in forged.text
    (forged,) = await conversation.press_id("coord:quiet:1", who="Cy")
    assert "Only club admins" in forged.text


async def test_quiet_member_gets_a_kind_check_in_written_by_the_coordinator(
    conversation: Conversation,
) -> None:
    await club(conversation)
    await conversation.advance(timedelta(days=3))
    await practise(conversation, "Ada")  # Ada is back; Bea has been quiet since joining
    await conversation.advance(timedelta(days=5))
    quiet = await conversation.one("/jobclub quiet 7", who="Grace")
    assert quiet.meta["quiet"] == ["Bea"]
    assert "Bea: no active day yet" in quiet.text
    (ask,) = await conversation.press(quiet, "Check in with Bea", who="Grace")
    assert "Hi Bea, it's Grace" in ask.text and "on your behalf" in ask.text
    (sent,) = await conversation.dm(
        "Hi Bea, how are the applications going? Coffee soon?", who="Grace"
    )
    assert "Sent to Bea" in sent.text
    arrived = await conversation.advance(timedelta(minutes=1))
    (dm,) = [m for m in arrived if m.to == "Bea"]
    assert dm.title == "A message from Grace"
    assert "Coffee soon?" in dm.text and "on Grace's behalf" in dm.text
    # The kind default, sent as is from a second press.
    (ask,) = await conversation.press(quiet, "Check in with Bea", who="Grace")
    (sent,) = await conversation.press(ask, "Send this one", who="Grace")
    arrived = await conversation.advance(timedelta(minutes=1))
    assert [m.to for m in arrived] == ["Bea"]
    assert "wanted to check how you're doing" in arrived[0].text
    # Bea can see that Grace looked, and what.
    who = await conversation.one("/jobclub who-saw-me", who="Bea")
    assert "Grace sent you a check-in" in who.text
    assert "Grace saw you in the quiet list" in who.text
    nobody = await conversation.one("/jobclub who-saw-me", who="Cy")
    assert "No coordinator has looked" in nobody.text


async def test_we_miss_you_reaches_quiet_members_who_opted_in_to_nudges_without_naming_them(
    conversation: Conversation,
) -> None:
    await club(conversation)
    await conversation.one("/nudges on", who="Cy")
    await conversation.one("/jobclub timezone UTC", who="Dan")  # quiet, no nudges: not reached
    await conversation.advance(timedelta(days=15))
    quiet = await conversation.one("/jobclub quiet", who="Grace")
    assert quiet.meta["miss_you_reachable"] == 1
    assert "Cy" not in quiet.plain_text() and "Dan" not in quiet.plain_text()
    (done,) = await conversation.press(quiet, "Send “we miss you”", who="Grace")
    assert done.meta["miss_you_sent"] == 1
    arrived = await conversation.advance(timedelta(minutes=1))
    missed = [m for m in arrived if m.kind == "miss-you"]
    assert [m.to for m in missed] == ["Cy"]
    assert "we miss you" in missed[0].text
    (again,) = await conversation.press(quiet, "Send “we miss you”", who="Grace")
    assert again.meta["miss_you_sent"] == 0  # once a fortnight at most


async def test_the_console_admin_flag_reaches_the_home_view(conversation: Conversation) -> None:
    """A member who is no admin on a later visit loses the section at once."""
    await club(conversation)
    ref = conversation.ref("Grace")
    not_admin = MemberRef(Platform.CONSOLE, ref.club_id, ref.user_id, "Grace", is_admin=False)
    home = await conversation.bot.home(not_admin)
    assert "Coordinator" not in home.plain_text()


async def test_cohorts_start_join_add_end_and_their_report_stays(
    conversation: Conversation,
) -> None:
    await club(conversation)
    started = await conversation.one("/jobclub cohort start Spring until 14 march", who="Grace")
    assert started.meta["cohort"] == "spring"
    assert "ends at the end of Sun 14 Mar 2027" in started.text
    joined = await conversation.one("/jobclub cohort join spring", who="Ada")
    assert joined.meta["joined"] is True
    added = await conversation.one("/jobclub cohort add spring Cy, Nobody Here", who="Grace")
    assert added.meta["added"] == ["Cy"] and added.meta["unknown"] == ["Nobody Here"]
    assert "need to use the bot once first" in added.text
    listed = await conversation.one("/jobclub cohort", who="Ada")
    assert "spring: 2 members" in listed.text and "you're in it" in listed.text

    # The cohort's report: its members only (Bea is not in it), Ada's row, Cy in totals.
    report = await conversation.one("/jobclub report spring", who="Grace")
    assert report.meta["totals"]["members"] == 2
    assert report.meta["totals"]["practice_answers"] == 4
    assert set(report.meta["rows"]) == {"Ada"}
    assert report.title == "Club report · cohort spring, 1 Mar 2027"

    # It ends on its date: nobody joins any more, and the report is still there.
    await conversation.advance(timedelta(days=15))
    late = await conversation.one("/jobclub cohort join spring", who="Bea")
    assert "ended on Sun 14 Mar 2027" in late.text and "/jobclub report spring" in late.text
    report = await conversation.one("/jobclub report spring", who="Grace")
    assert report.meta["first"] == "2027-03-01" and report.meta["last"] == "2027-03-14"
    assert report.meta["totals"]["practice_answers"] == 4

    # Mistakes get a friendly word.
    for line, said in (
        ("/jobclub cohort start spring", "already a cohort called spring"),
        ("/jobclub cohort start a b", "after it only `until DATE`"),
        ("/jobclub cohort start ñew", "one word of letters"),
        ("/jobclub cohort join autumn", "no cohort called “autumn”. The club's cohorts: spring"),
        ("/jobclub report autumn", "no cohort called “autumn”"),
        ("/jobclub report from 1 mar to 20 feb", "would end"),
        ("/jobclub report from someday", "Dates look like"),
        ("/jobclub quiet 0", "from 1 to 365"),
    ):
        (reply,) = await conversation.command(line, who="Grace")
        assert said in reply.text, (line, reply.text)


async def test_the_report_reads_dates_as_the_past_and_the_audit_names_them(
    conversation: Conversation,
) -> None:
    await club(conversation)
    await conversation.advance(timedelta(days=40))  # 10 April
    report = await conversation.one("/jobclub report from 1 mar to 31 mar", who="Grace")
    assert report.meta["first"] == "2027-03-01" and report.meta["last"] == "2027-03-31"
    assert report.meta["totals"]["practice_answers"] == 4
    default = await conversation.one("/jobclub report", who="Grace")
    assert default.meta["totals"]["practice_answers"] == 0  # the last 30 days
    seen = await conversation.one("/jobclub who-saw-me", who="Ada")
    assert "Grace saw a report with your figures and exported it as CSV" in seen.text
    assert "the whole club, 1 Mar – 31 Mar 2027" in seen.text
    assert seen.meta["views"] == 2
    # Turning sharing off keeps Ada out of the next report, and the history stays.
    await conversation.one("/jobclub share-progress off", who="Ada")
    later = await conversation.one("/jobclub report from 1 mar to 31 mar", who="Grace")
    assert set(later.meta["rows"]) == {"Bea"}
    assert later.meta["totals"]["practice_answers"] == 4
    seen = await conversation.one("/jobclub who-saw-me", who="Ada")
    assert seen.meta["views"] == 2 and "sharing is off" in seen.text


async def test_a_name_two_members_share_is_never_guessed(conversation: Conversation) -> None:
    conversation.admins.add("Grace")
    for name in ("Grace", "Zoë", "Zoe"):
        await conversation.one("/jobclub timezone UTC", who=name)
    await conversation.one("/jobclub cohort start Spring", who="Grace")
    added = await conversation.one("/jobclub cohort add spring zoe", who="Grace")
    assert added.meta["added"] == [] and added.meta["ambiguous"] == ["zoe"]
    assert "More than one member is called “zoe”" in added.text


async def test_the_home_section_shows_the_same_totals_as_this_months_report(
    any_db_conversation: Conversation,
) -> None:
    """The Home tab reads a summary (not the whole report) and must still agree with it:
    members, who was active, active days counted once per member and day, each figure."""
    conversation = any_db_conversation
    await club(conversation)
    conversation.clock.set(MONDAY + timedelta(days=1))
    await practise(conversation, "Cy")  # a second day for Cy
    made = await conversation.one("/commit call the recruiter tomorrow 10am", who="Cy")
    await conversation.one(f"/commitments done {made.meta['number']}", who="Cy")  # still one day
    await conversation.one("/jobclub share-progress", who="Dee")  # a member, never active
    home = await conversation.bot.home(conversation.ref("Grace"))
    (section,) = [s for s in home.sections if s.title and s.title.startswith("Coordinator")]
    shown = section.text.splitlines()[:-1]  # the last line points to the commands
    assert shown[0] == "Members: 5 · active: 2 (3 active days between them)"
    assert "Practice answers: 5" in shown
    (report,) = await conversation.press(home, "Club report", who="Grace")
    assert report.text.splitlines()[: len(shown)] == shown


async def test_the_report_reads_streaks_for_all_its_rows_at_once(
    any_db_conversation: Conversation,
) -> None:
    """Was: one streak query per member shown. Now the report runs the same statements
    for two sharing members as for six, and each row's streak is still counted in the
    member's own days (Kiri's two Sunday practices in UTC were Sunday and Monday in
    Auckland: two days, not one)."""
    conversation = any_db_conversation
    conversation.clock.set(MONDAY - timedelta(days=1, hours=5))  # Sunday 09:00 UTC
    conversation.admins.add("Grace")
    conversation.zones["Kiri"] = "Pacific/Auckland"
    await conversation.one("/jobclub timezone UTC", who="Grace")
    for name in ("Ada", "Bea"):
        await conversation.one("/jobclub share-progress on", who=name)
        await practise(conversation, name)
    await practise(conversation, "Kiri")  # Sunday 22:00 in Auckland
    conversation.clock.set(MONDAY - timedelta(days=1, hours=2))
    await practise(conversation, "Kiri")  # Monday 01:00 in Auckland
    conversation.clock.set(MONDAY)
    for name in ("Ada", "Bea"):
        await practise(conversation, name)

    async def report_statements() -> tuple[int, dict[str, int]]:
        await conversation.one("/jobclub report", who="Grace")  # Grace's last-seen is fresh
        with statements(conversation.bot) as seen:
            report = await conversation.one("/jobclub report", who="Grace")
        return len(seen), {name: row["streak"] for name, row in report.meta["rows"].items()}

    small, streaks = await report_statements()
    assert streaks == {"Ada": 2, "Bea": 2}
    for name in ("Cy", "Dee", "Eve", "Kiri"):
        await conversation.one("/jobclub share-progress on", who=name)
    await practise(conversation, "Cy")
    large, streaks = await report_statements()
    assert streaks == {"Ada": 2, "Bea": 2, "Cy": 1, "Dee": 0, "Eve": 0, "Kiri": 2}
    assert large == small, (large, small)


async def test_adding_members_to_a_cohort_says_who_was_already_in_it_by_person(
    conversation: Conversation,
) -> None:
    """Two members show as "Zoe": added by mention, the one already in the cohort is
    listed as already in (was: left out, because her name matched the one just added).
    Adding six takes the same statements as adding two."""
    conversation.clock.set(MONDAY)
    conversation.admins.add("Grace")
    await conversation.one("/jobclub cohort start spring", who="Grace")
    await conversation.one("/jobclub cohort join spring", who="Zoe")
    other_zoe = MemberRef(Platform.CONSOLE, "test-club", "zoe2", "Zoe")
    await conversation.bot.handle(CommandEvent(other_zoe, Place.channel("general"), "jobclub", ""))
    added = await conversation.one("/jobclub cohort add spring <@zoe>, <@zoe2>", who="Grace")
    assert added.text.splitlines() == ["Added to cohort spring: Zoe.", "Already in it: Zoe."]

    async def add_statements(names: list[str]) -> int:
        for name in names:
            await conversation.one("/jobclub timezone UTC", who=name)
        await conversation.one("/jobclub cohort", who="Grace")  # Grace's last-seen is fresh
        with statements(conversation.bot) as seen:
            reply = await conversation.one(
                f"/jobclub cohort add spring {', '.join(names)}", who="Grace"
            )
        assert reply.meta["added"] == names
        return len(seen)

    assert await add_statements(["Ada", "Bea"]) == await add_statements(
        ["Cy", "Dee", "Eve", "Fay", "Gus", "Hal"]
    )
