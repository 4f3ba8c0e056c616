"""The club's weekly check-in summary: totals, who checked in, the trend, shared wins,
names only for shout-out opt-ins, and never anyone's "stuck" line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import Conversation, Delivered

WED = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
STUCK = "I freeze when they ask about the gap in my CV"


async def answer(
    conversation: Conversation, asked: Delivered, counts: tuple[str, ...], win: str, share: bool
) -> None:
    last: object = asked
    for typed in counts:
        (last,) = await conversation.dm(typed, who=asked.to)
    (last,) = await conversation.dm(win, who=asked.to)
    (last,) = await conversation.dm(STUCK, who=asked.to)
    (saved,) = await conversation.press(last, "No goal this week", who=asked.to)  # type: ignore[arg-type]
    if share:
        await conversation.press(saved, "Share my win", who=asked.to)


async def test_the_summary_with_mixed_opt_ins(conversation: Conversation) -> None:
    conversation.clock.set(WED)
    conversation.admins.add("Ada")
    on = await conversation.one("/jobclub checkin-summary on #jobclub")
    assert "every Monday at 09:00 UTC" in on.text
    for who in ("Ada", "Grace", "Linus", "Mary"):
        await conversation.one("/checkin on", who=who)
    await conversation.one("/jobclub shoutouts on", who="Ada")
    await conversation.one("/jobclub shoutouts on", who="Linus")  # opted in, never answers

    arrived = await conversation.advance(datetime(2026, 11, 27, 17, 0, tzinfo=UTC))
    asked = {d.to: d for d in arrived if d.kind == "weekly-checkin"}
    assert set(asked) == {"Ada", "Grace", "Linus", "Mary"}
    # Ada: shares, named. Grace: shares, not named. Mary: does not share.
    await answer(conversation, asked["Ada"], ("3", "1", "0", "2", "0"), "Got a first call", True)
    await answer(conversation, asked["Grace"], ("5", "2", "1", "0", "0"), "Portfolio done", True)
    await answer(conversation, asked["Mary"], ("1", "0", "0", "0", "0"), "Kept going", False)

    arrived = await conversation.advance(datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    (summary,) = [d for d in arrived if d.kind == "checkin-summary"]
    assert summary.to == "#jobclub" and summary.local("UTC").strftime("%a %H:%M") == "Mon 09:00"
    text = summary.text
    assert "Check-in summary · week of Mon 23 Nov" in text
    assert "3 of 4 members checked in." in text
    assert (
        "Totals: 9 applications sent, 3 networking conversations, 1 interviews, "
        "2 follow-ups sent, 0 offers" in text
    )
    assert "“Got a first call” (from Ada)" in text
    assert "“Portfolio done” (from a member)" in text
    assert "Kept going" not in text and "Grace" not in text and "Mary" not in text
    assert "including Ada." in text and "Linus" not in text  # named only if they checked in
    assert STUCK not in text and "freeze" not in text


async def test_it_goes_out_when_nobody_answered_and_shows_the_trend(
    conversation: Conversation,
) -> None:
    conversation.clock.set(WED)
    conversation.admins.add("Ada")
    await conversation.one("/jobclub checkin-summary on #jobclub")
    await conversation.one("/checkin on")
    arrived = await conversation.advance(datetime(2026, 11, 27, 17, 0, tzinfo=UTC))
    (asked,) = [d for d in arrived if d.kind == "weekly-checkin"]
    await answer(conversation, asked, ("8", "0", "0", "0", "0"), "Eight sent", False)
    arrived = await conversation.advance(timedelta(days=10))  # week two: no answer
    summaries = [d for d in arrived if d.kind == "checkin-summary"]
    assert len(summaries) == 2
    quiet = summaries[1].text
    assert "0 of 1 members checked in." in quiet
    # against the one earlier week with answers (8), not 8 spread over four weeks
    assert "Trend: 0 actions against 8 a week over the last week with check-ins ↓" in quiet


async def test_the_summary_runs_on_the_club_clock_an_admin_in_new_york_gives_it(
    conversation: Conversation,
) -> None:
    """Set by an admin in New York without naming a zone: Monday 09:00 in New York, not
    09:00 on the server (04:00 for the club), and the confirmation says whose zone it is."""
    conversation.clock.set(WED)
    conversation.admins.add("Ada")
    conversation.zones["Ada"] = "America/New_York"
    on = await conversation.one("/jobclub checkin-summary on #jobclub")
    assert "every Monday at 09:00 America/New_York (the club's time zone: yours)" in on.text
    await conversation.one("/checkin on")
    arrived = await conversation.advance(datetime(2026, 12, 1, 0, 0, tzinfo=UTC))
    (summary,) = [d for d in arrived if d.kind == "checkin-summary"]
    assert summary.local("America/New_York").strftime("%a %d %H:%M") == "Mon 30 09:00"
    paris = await conversation.one("/jobclub checkin-summary on #jobclub paris")
    assert "09:00 Europe/Paris (the club's time zone: you named it)" in paris.text


async def test_a_zone_the_summary_cannot_read_is_a_plain_answer(
    conversation: Conversation,
) -> None:
    conversation.admins.add("Ada")
    (reply,) = await conversation.command("/jobclub checkin-summary on #jobclub xyzzy")
    assert "I could not read “xyzzy”" in reply.text
    assert "/jobclub checkin-summary on #jobclub Europe/Paris" in reply.text
