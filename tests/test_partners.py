"""Practice partners as members live them: join with their own hours, get one shared
introduction at the club's round, book, get reminded, say whether they met.

The fake clock starts on Wednesday 25 Nov 2026 and the round is Monday 09:00 on the club's
clock, which the admin (Ada) lends it: London unless a test puts the members around the
world.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.features.partners import BookedReminders
from tests.conftest import Conversation, Delivered
from tests.statement_count import kinds, statements

ZONES = {
    "Ada": "America/New_York",
    "Grace": "Europe/London",
    "Hedy": "Europe/Berlin",
    "Kath": "Australia/Sydney",
}
MONDAY_9_NY = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
"""Monday 09:00 in London."""


@pytest.fixture
def member_zones() -> dict[str, str]:
    return dict.fromkeys(ZONES, "Europe/London")


async def start_round(conversation: Conversation, when: str = "monday 09:00") -> None:
    conversation.admins.add("Ada")
    reply = await conversation.one(f"/jobclub partners on {when}")
    zone = conversation.zones["Ada"]
    assert f"Monday at 09:00 {zone}" in reply.text, reply.text


def partners_mail(arrived: list[Delivered], who: str) -> list[Delivered]:
    return [d for d in arrived if d.to == who and d.kind.startswith("partners")]


def inside(instant: datetime, zone: str, start: str, end: str) -> bool:
    local = instant.astimezone(ZoneInfo(zone))
    return start <= f"{local:%H:%M}" and (local + timedelta(hours=1)).strftime("%H:%M") <= end


def intros(arrived: list[Delivered]) -> dict[str, Delivered]:
    found = {d.to: d for d in arrived if d.kind == "partners-intro"}
    assert len(found) == len([d for d in arrived if d.kind == "partners-intro"]), "two each"
    return found


async def test_four_members_on_four_continents_each_get_one_introduction_in_their_hours(
    conversation: Conversation,
) -> None:
    conversation.zones.update(ZONES)
    # 12:00-14:00 UTC in December, in each member's own words and zone
    hours = {
        "Ada": ("weekdays 7-9am", "07:00", "09:00"),
        "Grace": ("weekdays 12:00-14:00", "12:00", "14:00"),
        "Hedy": ("mon-fri 13:00-15:00", "13:00", "15:00"),
        "Kath": ("weekdays 22:00-24:00", "22:00", "24:00"),
    }
    for name, (words, _, _) in hours.items():
        reply = await conversation.one(f"/partners on {words}", who=name)
        assert "Practice partners: on" in reply.text
    await start_round(conversation)
    arrived = await conversation.advance(MONDAY_9_NY)
    got = intros(arrived)
    assert sorted(got) == sorted(hours)
    for name, message in got.items():
        assert message.at == MONDAY_9_NY
        assert [b.label for b in message.buttons] == [
            "We booked it",
            "Swap questions",
            "Can't this week",
        ]
        slot = datetime.fromisoformat(str(message.meta["slot_at"]))
        for member in message.meta["members"]:  # type: ignore[union-attr]
            _, start, end = hours[str(member)]
            assert inside(slot, ZONES[str(member)], start, end), (member, slot)
        assert name in message.meta["members"]  # type: ignore[operator]
        text = message.plain_text()
        assert "15 minutes a side" in text and "CCAR" in text
        for member in message.meta["members"]:  # type: ignore[union-attr]
            assert ZONES[str(member)] in text  # each one's hours in their own zone


async def test_the_odd_one_makes_a_trio_and_someone_with_no_match_hears_why(
    conversation: Conversation,
) -> None:
    for name in ("Ada", "Grace", "Hedy"):
        await conversation.one("/partners on weekdays 12:00-14:00", who=name)
    await conversation.one("/partners on sat 03:00-04:00", who="Kath")
    await start_round(conversation)
    arrived = await conversation.advance(MONDAY)
    got = intros(arrived)
    assert sorted(got) == ["Ada", "Grace", "Hedy"]
    assert got["Ada"].title == "Your practice trio this week"
    assert len(got["Ada"].meta["questions"]) == 6  # type: ignore[arg-type]
    (note,) = partners_mail(arrived, "Kath")
    assert note.kind == "partners-none"
    assert "match yours" in note.text and "Mon 7 Dec" in note.text


async def test_avoid_is_private_and_keeps_two_members_apart(conversation: Conversation) -> None:
    for name in ("Ada", "Grace", "Hedy", "Kath"):
        await conversation.one("/partners on weekdays 12:00-14:00", who=name)
    reply = await conversation.one("/partners avoid grace", who="Ada")
    assert "won't be paired with Grace" in reply.text and reply.visibility == "only_you"
    await start_round(conversation)
    for week in range(3):
        arrived = await conversation.advance(MONDAY + timedelta(weeks=week))
        got = intros(arrived)
        assert "Grace" not in got["Ada"].meta["members"]  # type: ignore[operator]
    # Grace never hears of it: nothing she received names an avoid
    assert not any("avoid" in d.plain_text().lower() for d in conversation.inbox("Grace"))
    assert not any("apart" in d.plain_text().lower() for d in conversation.inbox("Grace"))
    status = await conversation.one("/partners", who="Grace")
    assert "avoid" not in status.text.lower()


async def test_avoid_finds_members_as_cohorts_do_and_names_one_at_a_time(
    conversation: Conversation,
) -> None:
    """The avoid list looks members up the way `/jobclub cohort add` does: a mention, or
    a name with any case, accents or a leading @; two names at once get a clear word."""
    for name in ("Ada", "Grace", "Zoë"):
        await conversation.one("/partners on weekdays 12:00-14:00", who=name)
    (two,) = await conversation.command("/partners avoid Grace, Zoe", who="Ada")
    assert two.meta["error"] == "user" and "one member at a time" in two.text
    mention = await conversation.one("/partners avoid <@grace>", who="Ada")
    assert "won't be paired with Grace" in mention.text
    accents = await conversation.one("/partners avoid @zoe", who="Ada")
    assert "won't be paired with Zoë" in accents.text
    listed = await conversation.one("/partners avoid", who="Ada")
    assert listed.meta["avoiding"] == ["Grace", "Zoë"]
    (nobody,) = await conversation.command("/partners avoid Hedy", who="Ada")
    assert "don't know anyone called “Hedy”" in nobody.text
    (me,) = await conversation.command("/partners avoid ada", who="Ada")
    assert "That's you" in me.text


async def test_the_only_match_avoids_you_and_you_hear_the_same_as_no_match(
    conversation: Conversation,
) -> None:
    await conversation.one("/partners on weekdays 12:00-14:00", who="Ada")
    await conversation.one("/partners on weekdays 12:00-14:00", who="Grace")
    await conversation.one("/partners avoid Grace", who="Ada")
    await start_round(conversation)
    arrived = await conversation.advance(MONDAY)
    grace = partners_mail(arrived, "Grace")
    assert [d.kind for d in grace] == ["partners-none"]
    assert "couldn't find a partner whose free hours match yours" in grace[0].text
    ada = partners_mail(arrived, "Ada")
    assert "keep you apart" in ada[0].text  # only the author hears about her own list


async def test_pause_skips_rounds_and_resume_brings_you_back(conversation: Conversation) -> None:
    for name in ("Ada", "Grace", "Hedy"):
        await conversation.one("/partners on weekdays 12:00-14:00", who=name)
    reply = await conversation.one("/partners pause 2 weeks", who="Hedy")
    assert "Paused: no partner until Wed 9 Dec" in reply.text
    await start_round(conversation)
    first = intros(await conversation.advance(MONDAY))
    assert sorted(first) == ["Ada", "Grace"]
    assert not partners_mail(conversation.delivered, "Hedy")
    await conversation.one("/partners resume", who="Hedy")
    second = intros(await conversation.advance(MONDAY + timedelta(weeks=1)))
    assert sorted(second) == ["Ada", "Grace", "Hedy"]


async def test_pause_until_a_date_reads_the_day_and_refuses_one_already_begun(
    conversation: Conversation,
) -> None:
    """`pause until DATE` reads the day as every other date in the bot does; a day that
    has already begun would pause nothing (was: "Paused until today 00:00")."""
    await conversation.one("/partners on weekdays 12:00-14:00", who="Hedy")
    (today,) = await conversation.command("/partners pause until today", who="Hedy")
    assert today.meta["error"] == "user" and "a day after today" in today.text
    status = await conversation.one("/partners", who="Hedy")
    assert "Paused" not in status.text
    (vague,) = await conversation.command("/partners pause until whenever", who="Hedy")
    assert "Dates look like" in vague.text and "/partners pause 2 weeks" in vague.text
    friday = await conversation.one("/partners pause until friday 3pm", who="Hedy")
    assert "Paused: no partner until Fri 27 Nov, 00:00" in friday.text


async def test_we_booked_it_asks_when_and_reminds_both_an_hour_before(
    conversation: Conversation,
) -> None:
    conversation.zones["Ada"] = "America/New_York"
    await conversation.one("/partners on weekdays 18:00-20:00", who="Ada")
    await conversation.one("/partners on weekdays 23:00-24:00", who="Grace")
    await start_round(conversation)  # on Ada's clock: New York
    got = intros(await conversation.advance(MONDAY_9_NY))
    (ask,) = await conversation.press(got["Ada"], "We booked it")
    assert "When is it?" in ask.text
    (booked,) = await conversation.dm("tuesday 18:30", who="Ada")
    assert "Booked: Tue 1 Dec, 18:30 (America/New_York) with Grace" in booked.text
    arrived = await conversation.advance(datetime(2026, 12, 1, 23, 0, tzinfo=UTC))
    reminders = {d.to: d for d in arrived if d.kind == "partners-remind"}
    assert sorted(reminders) == ["Ada", "Grace"]
    assert reminders["Ada"].local().strftime("%H:%M") == "17:30"
    assert "Tue 1 Dec, 23:30 (Europe/London)" in reminders["Grace"].text


async def test_did_you_meet_counts_in_progress_and_digest_three_misses_pause(
    conversation: Conversation,
) -> None:
    await conversation.one("/partners on weekdays 12:00-14:00", who="Ada")
    await conversation.one("/partners on weekdays 12:00-14:00", who="Grace")
    await start_round(conversation)
    await conversation.advance(MONDAY)
    arrived = await conversation.advance(MONDAY + timedelta(days=3))
    asks = {d.to: d for d in arrived if d.kind == "partners-met"}
    assert sorted(asks) == ["Ada", "Grace"]
    assert "Grace" in asks["Ada"].text
    await conversation.press(asks["Ada"], "Yes, we met")
    progress = await conversation.one("/progress", who="Ada")
    assert "Mock interviews with a partner: once" in progress.text
    # Grace did not answer: asked again at the end of the round, Ada is not
    arrived = await conversation.advance(MONDAY + timedelta(days=6))
    assert [d.to for d in arrived if d.kind == "partners-met"] == ["Grace"]
    # Grace misses three rounds in a row (Ada stops meeting too): both are paused kindly
    for week in range(1, 4):
        await conversation.advance(MONDAY + timedelta(weeks=week))
    notes = [d for d in conversation.delivered if d.kind == "partners-paused"]
    assert [d.to for d in notes] == ["Grace"]
    assert "no pressure" in notes[0].text
    status = await conversation.one("/partners", who="Grace")
    assert "Practice partners: off" in status.text


async def test_a_window_keeps_its_local_hours_across_the_clock_change(
    conversation: Conversation,
) -> None:
    """New York moves its clocks on 14 Mar 2027, London on 28 Mar: for two weeks the gap
    between them is four hours, not five. Their 1-hour overlap moves with it."""
    conversation.zones.update(ZONES)
    conversation.clock.set(datetime(2027, 3, 2, 12, 0, tzinfo=UTC))
    await conversation.one("/partners on weekdays 12:00-13:00", who="Ada")  # NY
    await conversation.one("/partners on weekdays 16:00-18:00", who="Grace")  # London
    await start_round(conversation)
    slots = []
    for monday in (8, 15, 22, 29):  # before, between and after the two changes
        at = datetime(2027, 3, monday, 9, 0, tzinfo=ZoneInfo("America/New_York"))
        arrived = await conversation.advance(at.astimezone(UTC))
        got = intros(arrived)
        slots.append(datetime.fromisoformat(str(got["Ada"].meta["slot_at"])))
        asked = await conversation.advance(timedelta(days=3))  # they met: nobody is paused
        for ask in (d for d in asked if d.kind == "partners-met"):
            await conversation.press(ask, "Yes, we met")
    for slot in slots:
        assert f"{slot.astimezone(ZoneInfo('America/New_York')):%H:%M}" == "12:00"
    london = [f"{s.astimezone(ZoneInfo('Europe/London')):%H:%M}" for s in slots]
    assert london == ["17:00", "16:00", "16:00", "17:00"]


async def test_the_introduction_buttons_are_for_the_pair_only(conversation: Conversation) -> None:
    await conversation.one("/partners on weekdays 12:00-14:00", who="Ada")
    await conversation.one("/partners on weekdays 12:00-14:00", who="Grace")
    await start_round(conversation)
    got = intros(await conversation.advance(MONDAY))
    (refused,) = await conversation.press(got["Ada"], "Swap questions", who="Hedy")
    assert "someone else's practice pair" in refused.text
    (swapped,) = await conversation.press(got["Ada"], "Swap questions")
    assert swapped.meta["questions"] != got["Ada"].meta["questions"]
    (cant,) = await conversation.press(got["Grace"], "Can't this week")
    assert cant.meta["declined"] is True
    arrived = await conversation.advance(MONDAY + timedelta(days=3))
    assert [d.to for d in arrived if d.kind == "partners-met"] == ["Ada"]


async def test_bad_availability_gets_a_friendly_answer(conversation: Conversation) -> None:
    reply = await conversation.one("/partners on whenever")
    assert reply.meta["error"] == "user"
    assert "“whenever”" in reply.text and "evenings" in reply.text
    short = await conversation.one("/partners on mon 18:00-18:30")
    assert "shorter than an hour" in short.text
    empty = await conversation.one("/partners on")
    assert "lunchtimes" in empty.text


@pytest.mark.parametrize("crowd", [2, 6])
async def test_booked_reminders_are_claimed_in_a_fixed_number_of_queries(
    any_db_conversation: Conversation, crowd: int
) -> None:
    """Was: the seats of each booked pair read one match at a time, and one UPDATE per
    match; now the same three statements for one pair and for three."""
    conversation = any_db_conversation  # SQLite and PostgreSQL: RETURNING on both
    names = [f"Member{i}" for i in range(crowd)]
    for who in names:
        await conversation.one("/partners on weekdays 12:00-14:00", who=who)
    await start_round(conversation)
    got = intros(await conversation.advance(MONDAY))
    booked: set[str] = set()
    for who in names:
        if who in booked:
            continue
        (ask,) = await conversation.press(got[who], "We booked it", who=who)
        assert "When is it?" in ask.text
        (done,) = await conversation.dm("tuesday 12:30", who=who)
        assert "Booked: Tue 1 Dec, 12:30" in done.text
        booked |= {who} | {name for name in names if name in done.text}
    conversation.clock.set(datetime(2026, 12, 1, 11, 45, tzinfo=UTC))  # 11:30 was an hour before
    bot = conversation.bot
    async with bot.services.db.session() as session:
        with statements(bot) as seen:
            items = await BookedReminders().claim_due(
                session, bot.services, conversation.clock.now()
            )
    assert len({item.member_id for item in items}) == len(items) == crowd  # each member once
    # The booked matches due, one UPDATE claiming them all, then who sits at them.
    assert kinds(seen) == ["SELECT", "UPDATE", "SELECT"], seen
