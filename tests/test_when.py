"""Reading the time a member gives with `/commit`: exact results in their zone, or a clear no."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.when import (
    MissingTextError,
    When,
    WhenError,
    WhenInPast,
    parse_when,
    split_text_and_when,
)
from tests.conftest import Conversation

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # Wed 25 Nov 2026, 10:00 in New York
NEW_YORK = ZoneInfo("America/New_York")


def read(phrase: str, now: datetime = NOW, zone: ZoneInfo = NEW_YORK, **kwargs: time) -> When:
    return parse_when(phrase, now, zone, **kwargs)


def local(when: When, zone: ZoneInfo = NEW_YORK) -> str:
    return when.due_at.astimezone(zone).isoformat()


READS = [
    # phrase, local result, explicit clock time
    ("by Friday 3pm", "2026-11-27T15:00:00-05:00", True),
    ("Fri 3:30pm", "2026-11-27T15:30:00-05:00", True),
    ("3pm on friday", "2026-11-27T15:00:00-05:00", True),
    ("friday", "2026-11-27T09:00:00-05:00", False),
    ("Friday.", "2026-11-27T09:00:00-05:00", False),
    ("due by Friday", "2026-11-27T09:00:00-05:00", False),
    ("next friday", "2026-11-27T09:00:00-05:00", False),
    ("friday afternoon", "2026-11-27T14:00:00-05:00", False),
    ("friday noon", "2026-11-27T12:00:00-05:00", True),
    ("friday next week", "2026-12-04T09:00:00-05:00", False),
    ("wednesday", "2026-12-02T09:00:00-05:00", False),  # today's 09:00 has passed
    ("wednesday 3pm", "2026-11-25T15:00:00-05:00", True),  # today's 15:00 hasn't
    ("next wednesday", "2026-12-02T09:00:00-05:00", False),
    ("next tuesday", "2026-12-01T09:00:00-05:00", False),
    ("next tuesday at 4pm", "2026-12-01T16:00:00-05:00", True),
    ("tomorrow", "2026-11-26T09:00:00-05:00", False),
    ("tomorrow morning", "2026-11-26T09:00:00-05:00", False),
    ("tomorrow evening", "2026-11-26T19:00:00-05:00", False),
    ("tomorrow at 10:30", "2026-11-26T10:30:00-05:00", True),
    ("tomorrow at 10 in the morning", "2026-11-26T10:00:00-05:00", True),
    ("the day after tomorrow", "2026-11-27T09:00:00-05:00", False),
    ("today", "2026-11-25T17:00:00-05:00", False),  # 09:00 has passed, 17:00 hasn't
    ("tonight", "2026-11-25T19:00:00-05:00", False),
    ("tonight at 8", "2026-11-25T20:00:00-05:00", True),
    ("this afternoon", "2026-11-25T14:00:00-05:00", False),
    ("3pm", "2026-11-25T15:00:00-05:00", True),
    ("3 p.m.", "2026-11-25T15:00:00-05:00", True),
    ("at 15", "2026-11-25T15:00:00-05:00", True),
    ("9am", "2026-11-26T09:00:00-05:00", True),  # a time alone, already past: tomorrow
    ("noon", "2026-11-25T12:00:00-05:00", True),
    ("midnight", "2026-11-25T23:59:00-05:00", True),
    ("eod", "2026-11-25T17:00:00-05:00", False),
    ("by end of day", "2026-11-25T17:00:00-05:00", False),
    ("end of week", "2026-11-27T17:00:00-05:00", False),
    ("this week", "2026-11-27T17:00:00-05:00", False),
    ("end of next week", "2026-12-04T17:00:00-05:00", False),
    ("this weekend", "2026-11-28T09:00:00-05:00", False),
    ("next week", "2026-11-30T09:00:00-05:00", False),
    ("end of month", "2026-11-30T09:00:00-05:00", False),
    ("next month", "2026-12-01T09:00:00-05:00", False),
    ("in 5 minutes", "2026-11-25T10:05:00-05:00", True),
    ("in 2 hours", "2026-11-25T12:00:00-05:00", True),
    ("in half an hour", "2026-11-25T10:30:00-05:00", True),
    ("in 3 days", "2026-11-28T09:00:00-05:00", False),
    ("two days from now", "2026-11-27T09:00:00-05:00", False),
    ("in 2 weeks", "2026-12-09T09:00:00-05:00", False),
    ("in 1 month", "2026-12-25T09:00:00-05:00", False),
    ("in 5 years", "2031-11-25T09:00:00-05:00", False),
    ("on 3 dec", "2026-12-03T09:00:00-05:00", False),
    ("december 3rd", "2026-12-03T09:00:00-05:00", False),
    ("Dec 3", "2026-12-03T09:00:00-05:00", False),
    ("thu 3 dec 2pm", "2026-12-03T14:00:00-05:00", True),
    ("Thursday, December 3, 2026 at 2pm", "2026-12-03T14:00:00-05:00", True),
    ("12/3", "2026-12-03T09:00:00-05:00", False),  # a New York member: month/day
    ("25/12", "2026-12-25T09:00:00-05:00", False),  # fits one order only: no guess needed
    ("2026-12-03 14:00", "2026-12-03T14:00:00-05:00", True),
    ("2026-12-03T14:00", "2026-12-03T14:00:00-05:00", True),
    ("jan 5", "2027-01-05T09:00:00-05:00", False),  # no year: the coming one
    ("oct 1", "2027-10-01T09:00:00-04:00", False),  # long gone this year: next year's
    ("the 15th", "2026-12-15T09:00:00-05:00", False),
]


@pytest.mark.parametrize(("phrase", "expected", "explicit"), READS)
def test_reads(phrase: str, expected: str, explicit: bool) -> None:
    when = read(phrase)
    assert local(when) == expected
    assert when.due_at.tzinfo is UTC
    assert when.explicit_time is explicit


REFUSED = [
    # phrase, error type, part of the message
    ("yesterday", WhenInPast, "Tue 24 Nov, 09:00 (America/New_York)"),
    ("last monday", WhenInPast, "Mon 23 Nov, 09:00 (America/New_York)"),
    ("2020-01-01", WhenInPast, "Wed 1 Jan, 09:00 (America/New_York) in 2020"),
    ("today 9am", WhenInPast, "Wed 25 Nov, 09:00 (America/New_York)"),
    ("this morning", WhenInPast, "Wed 25 Nov, 09:00"),
    ("3 days ago", WhenInPast, "Sun 22 Nov"),
    ("last week", WhenInPast, "Wed 18 Nov"),  # read by dateparser
    ("nov 20", WhenInPast, "Fri 20 Nov"),  # recent: a mistake, not next year's
    ("blursday", WhenError, "I couldn't read “blursday” as a time."),
    ("next blursday", WhenError, "I couldn't read “next blursday” as a time."),
    ("someday", WhenError, "“someday”"),
    ("soon", WhenError, "“soon”"),
    ("asap", WhenError, "today 17:00"),
    ("the 45th of never", WhenError, "“the 45th of never”"),
    ("", WhenError, "didn't see a time"),
    ("in 10 years", WhenError, "more than 5 years"),
    ("2032-01-01", WhenError, "more than 5 years"),
    ("friday at 3", WhenError, "am or pm"),
    ("monday 9", WhenError, "am or pm"),
    ("May", WhenError, "Which day in May?"),
    ("feb 30", WhenError, "isn't a date"),
    ("13/13", WhenError, "isn't a date on the calendar"),
    ("31/2", WhenError, "isn't a date on the calendar"),
    ("friday 3 dec", WhenError, "3 Dec 2026 is a Thursday, not a Friday"),
    ("tomorrow 25:00", WhenError, "“tomorrow 25:00”"),
    ("tomorrow morning 3pm", WhenError, "“tomorrow morning 3pm”"),
    ("in 2 hours at 3pm", WhenError, "“in 2 hours at 3pm”"),
]


@pytest.mark.parametrize(("phrase", "error", "message"), REFUSED)
def test_refuses(phrase: str, error: type[WhenError], message: str) -> None:
    with pytest.raises(WhenError) as caught:
        read(phrase)
    assert type(caught.value) is error
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    if error is WhenInPast:
        assert "in the past" in str(caught.value)
        assert caught.value.due_at <= NOW  # type: ignore[attr-defined]


def test_today_late_in_the_day_is_refused_with_a_way_out() -> None:
    evening = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)  # 18:00 in New York
    with pytest.raises(WhenInPast, match=r"Wed 25 Nov, 17:00 .*tomorrow"):
        read("today", now=evening)
    with pytest.raises(WhenInPast):
        read("eod", now=evening)  # end of *today*: not moved to tomorrow
    assert local(read("today", now=evening, default_time=time(20, 0))) == (
        "2026-11-25T20:00:00-05:00"
    )


def test_refusals_are_value_errors() -> None:
    assert issubclass(WhenInPast, WhenError)
    assert issubclass(WhenError, ValueError)


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_when("friday", datetime(2026, 11, 25, 15, 0), NEW_YORK)


def test_when_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        read("friday").phrase = "monday"  # type: ignore[misc]


def test_phrase_is_as_typed_without_preposition() -> None:
    assert read("  by   Friday 3PM! ").phrase == "Friday 3PM"
    assert read("in 3 days").phrase == "in 3 days"  # here "in" is part of the time


# Default time ----------------------------------------------------------------------------

EARLY = [
    ("friday", "2026-11-27T07:30:00-05:00"),
    ("tomorrow", "2026-11-26T07:30:00-05:00"),
    ("in 3 days", "2026-11-28T07:30:00-05:00"),
    ("end of month", "2026-11-30T07:30:00-05:00"),
    ("12/3", "2026-12-03T07:30:00-05:00"),
    ("next week", "2026-11-30T07:30:00-05:00"),
    # not date-only: unchanged
    ("tomorrow 3pm", "2026-11-26T15:00:00-05:00"),
    ("tomorrow evening", "2026-11-26T19:00:00-05:00"),
    ("end of week", "2026-11-27T17:00:00-05:00"),
    ("today", "2026-11-25T17:00:00-05:00"),
]


@pytest.mark.parametrize(("phrase", "expected"), EARLY)
def test_default_time_moves_date_only_results(phrase: str, expected: str) -> None:
    assert local(read(phrase, default_time=time(7, 30))) == expected


# Daylight saving and far-off zones -------------------------------------------------------------

LONDON_SPRING = datetime(2027, 3, 27, 12, tzinfo=UTC)  # the day before each change
NEW_YORK_SPRING = datetime(2027, 3, 13, 15, tzinfo=UTC)
NEW_YORK_AUTUMN = datetime(2027, 11, 6, 15, tzinfo=UTC)
SYDNEY_AUTUMN = datetime(2027, 4, 3, 0, tzinfo=UTC)

DST = [
    # zone, now (UTC), phrase, local result
    # London springs forward 01:00 → 02:00 on 28 Mar 2027: 01:30 doesn't exist
    ("Europe/London", LONDON_SPRING, "2027-03-28 01:30", "2027-03-28T02:00:00+01:00"),
    ("Europe/London", LONDON_SPRING, "tomorrow 1:30am", "2027-03-28T02:00:00+01:00"),
    ("Europe/London", LONDON_SPRING, "tomorrow 12:59am", "2027-03-28T00:59:00+00:00"),
    # New York springs forward 02:00 → 03:00 on 14 Mar 2027
    ("America/New_York", NEW_YORK_SPRING, "tomorrow 2:30am", "2027-03-14T03:00:00-04:00"),
    ("America/New_York", NEW_YORK_SPRING, "2027-03-14 02:30", "2027-03-14T03:00:00-04:00"),
    # New York falls back 02:00 → 01:00 on 7 Nov 2027: 01:30 happens twice, the first counts
    ("America/New_York", NEW_YORK_AUTUMN, "tomorrow 1:30am", "2027-11-07T01:30:00-04:00"),
    # Sydney falls back 03:00 → 02:00 on 4 Apr 2027
    ("Australia/Sydney", SYDNEY_AUTUMN, "tomorrow 2:30am", "2027-04-04T02:30:00+11:00"),
    ("Australia/Sydney", SYDNEY_AUTUMN, "2027-04-04 02:30", "2027-04-04T02:30:00+11:00"),
    ("Australia/Sydney", SYDNEY_AUTUMN, "tomorrow 3:30am", "2027-04-04T03:30:00+10:00"),
]  # fmt: skip


@pytest.mark.parametrize(("zone", "now", "phrase", "expected"), DST)
def test_daylight_saving(zone: str, now: datetime, phrase: str, expected: str) -> None:
    assert local(read(phrase, now=now, zone=ZoneInfo(zone)), ZoneInfo(zone)) == expected


def test_in_hours_is_elapsed_time_across_a_dst_change() -> None:
    before = datetime(2027, 3, 14, 6, 30, tzinfo=UTC)  # 01:30 EST, the night clocks go forward
    when = read("in 2 hours", now=before)
    assert when.due_at == before + timedelta(hours=2)
    assert local(when) == "2027-03-14T04:30:00-04:00"


FAR_ZONES = [
    # zone, now (UTC), local result, UTC result: local "tomorrow" is not UTC's tomorrow
    ("Pacific/Kiritimati", NOW, "2026-11-27T09:00:00+14:00", "2026-11-26T19:00:00+00:00"),
    ("Pacific/Tongatapu", NOW, "2026-11-27T09:00:00+13:00", "2026-11-26T20:00:00+00:00"),
    (
        "Pacific/Honolulu",
        datetime(2026, 11, 26, 8, 0, tzinfo=UTC),  # Wed 25 Nov, 22:00 in Honolulu
        "2026-11-26T09:00:00-10:00",
        "2026-11-26T19:00:00+00:00",
    ),
]


@pytest.mark.parametrize(("zone", "now", "expected_local", "expected_utc"), FAR_ZONES)
def test_tomorrow_is_the_members_tomorrow(
    zone: str, now: datetime, expected_local: str, expected_utc: str
) -> None:
    member_zone = ZoneInfo(zone)
    assert now.astimezone(member_zone).date() != now.date()
    when = read("tomorrow 9am", now=now, zone=member_zone)
    assert local(when, member_zone) == expected_local
    assert when.due_at.isoformat() == expected_utc


def test_today_in_honolulu_while_utc_is_already_tomorrow() -> None:
    late = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # Wed 25 Nov, 22:00 in Honolulu
    with pytest.raises(WhenInPast, match=r"Wed 25 Nov, 17:00 \(Pacific/Honolulu\)"):
        read("today", now=late, zone=ZoneInfo("Pacific/Honolulu"))


# Splitting `/commit TEXT WHEN` -------------------------------------------------------------

SPLITS = [
    # text, what to commit to, local result (None: no time given)
    (
        "send thank-you note to Ana by Friday 3pm",
        "send thank-you note to Ana",
        "2026-11-27T15:00:00-05:00",
    ),
    ("review notes on 3 Dec", "review notes", "2026-12-03T09:00:00-05:00"),
    ("call Ana tomorrow at 10:30", "call Ana", "2026-11-26T10:30:00-05:00"),
    ("email the recruiter next Tuesday", "email the recruiter", "2026-12-01T09:00:00-05:00"),
    ("write stories tonight", "write stories", "2026-11-25T19:00:00-05:00"),
    ("read 10 pages in 2 hours", "read 10 pages", "2026-11-25T12:00:00-05:00"),
    ("apply to 5 jobs this week", "apply to 5 jobs", "2026-11-27T17:00:00-05:00"),
    ("follow up with Sam on Monday, 9am", "follow up with Sam", "2026-11-30T09:00:00-05:00"),
    (
        "mock interview with Lee on Dec 5th at 2:30pm",
        "mock interview with Lee",
        "2026-12-05T14:30:00-05:00",
    ),
    ("submit 2 applications by 12/3.", "submit 2 applications", "2026-12-03T09:00:00-05:00"),
    ("report due Friday", "report", "2026-11-27T09:00:00-05:00"),
    ("finish draft due: tomorrow", "finish draft", "2026-11-26T09:00:00-05:00"),
    ("practice answers — tomorrow", "practice answers", "2026-11-26T09:00:00-05:00"),
    ("go running in the morning", "go running", "2026-11-26T09:00:00-05:00"),
    ("log in by friday", "log in", "2026-11-27T09:00:00-05:00"),
    ("check in on monday", "check in", "2026-11-30T09:00:00-05:00"),
    ("talk to April by Friday", "talk to April", "2026-11-27T09:00:00-05:00"),
    ("Send note BY Friday!", "Send note", "2026-11-27T09:00:00-05:00"),
    ("prepare 3 stories", "prepare 3 stories", None),
    ("call May about the role", "call May about the role", None),
    ("call May", "call May", None),
    ("plan the week", "plan the week", None),
    ("read chapter 3", "read chapter 3", None),
    ("book the sat", "book the sat", None),
    ("prep for the morning standup", "prep for the morning standup", None),
]


@pytest.mark.parametrize(("text", "expected_text", "expected"), SPLITS)
def test_split(text: str, expected_text: str, expected: str | None) -> None:
    rest, when = split_text_and_when(text, NOW, NEW_YORK)
    assert rest == expected_text
    if expected is None:
        assert when is None
    else:
        assert when is not None
        assert local(when) == expected


def test_split_keeps_the_phrase_as_typed() -> None:
    _, when = split_text_and_when("send thank-you note to Ana by Friday 3pm", NOW, NEW_YORK)
    assert when is not None
    assert when.phrase == "Friday 3pm"
    assert when.explicit_time


SPLIT_REFUSALS = [
    # the whole input is a time: nothing to commit to
    ("tomorrow", MissingTextError, "what are you committing to"),
    ("by Friday 3pm", MissingTextError, "what are you committing to"),
    # clearly a time, but unusable: asked again rather than guessed
    ("call Ana yesterday", WhenInPast, "Tue 24 Nov, 09:00"),
    ("meet the recruiter last monday", WhenInPast, "Mon 23 Nov"),  # not "next" Monday
    ("email Ana asap", WhenError, "today 17:00"),
    ("call Ana friday at 3", WhenError, "am or pm"),
    ("call Ana tomorrow morning 3pm", WhenError, "“tomorrow morning 3pm”"),  # not just "3pm"
    ("finish the course by May", WhenError, "Which day in May?"),
]


@pytest.mark.parametrize(("text", "error", "message"), SPLIT_REFUSALS)
def test_split_refuses(text: str, error: type[WhenError], message: str) -> None:
    with pytest.raises(WhenError) as caught:
        split_text_and_when(text, NOW, NEW_YORK)
    assert type(caught.value) is error
    assert message in str(caught.value)


# Cost ------------------------------------------------------------------------------------


def test_import_does_not_load_dateparser() -> None:
    code = "import sys, bot.when; sys.exit('dateparser' in sys.modules)"
    root = Path(__file__).resolve().parents[1]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


# How members write dates (bench/when_phrases.yaml scores many more) ----------------------

LONDON = ZoneInfo("Europe/London")
MEMBER_WAYS = [
    # phrase, local result in London on Wed 25 Nov 2026 at 15:00
    ("4/12", "2026-12-04T09:00:00+00:00"),  # day/month where the member lives
    ("12/4", "2027-04-12T09:00:00+01:00"),
    ("14.12.2026", "2026-12-14T09:00:00+00:00"),
    ("tuesday week", "2026-12-08T09:00:00+00:00"),
    ("a week on monday", "2026-12-07T09:00:00+00:00"),
    ("tomorrow fortnight", "2026-12-10T09:00:00+00:00"),
    ("a week tomorrow", "2026-12-03T09:00:00+00:00"),
    ("in 4 days' time", "2026-11-29T09:00:00+00:00"),
    ("after 3 days", "2026-11-28T09:00:00+00:00"),
    ("in 2 and a half hours", "2026-11-25T17:30:00+00:00"),
    ("in forty-five minutes", "2026-11-25T15:45:00+00:00"),
    ("3 hrs", "2026-11-25T18:00:00+00:00"),  # a snooze: the whole reply is a length of time
    ("thursday after lunch", "2026-11-26T13:00:00+00:00"),
    ("before lunch on friday", "2026-11-27T12:00:00+00:00"),
    ("first thing monday", "2026-11-30T09:00:00+00:00"),
    ("sat pm", "2026-11-28T14:00:00+00:00"),
    ("friday evening 7", "2026-11-27T19:00:00+00:00"),
    ("on the twelfth", "2026-12-12T09:00:00+00:00"),
    ("the end of january", "2027-01-31T09:00:00+00:00"),
]


@pytest.mark.parametrize(("phrase", "expected"), MEMBER_WAYS)
def test_reads_dates_the_way_members_write_them(phrase: str, expected: str) -> None:
    when = parse_when(phrase, LONDON_NOW, LONDON)
    assert when.due_at.astimezone(LONDON).isoformat() == expected


LONDON_NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)

ASKED = [
    # phrase, zone, part of the question
    ("3/4", "America/Toronto", "Is “3/4” the 3rd of April or the 4th of March?"),
    ("3/4", "UTC", "the 3rd of April or the 4th of March?"),
    ("friday at 4:30", "Europe/London", "am or pm? Add it, like “4:30pm”"),
    ("in a few days", "Europe/London", "I couldn't read"),
    ("in 2.5 days", "Europe/London", "I couldn't read"),
    ("sundry", "Europe/London", "I couldn't read"),  # a real word, not a typo for Sunday
]


@pytest.mark.parametrize(("phrase", "zone", "message"), ASKED)
def test_asks_rather_than_guess(phrase: str, zone: str, message: str) -> None:
    with pytest.raises(WhenError, match=re.escape(message)):
        parse_when(phrase, LONDON_NOW, ZoneInfo(zone))


TYPOS = [
    # phrase, the one reading offered (London), read only by correcting a typo
    ("thrusday", "2026-11-26T09:00:00+00:00"),
    ("satruday arvo", "2026-11-28T14:00:00+00:00"),
    ("fridsy", "2026-11-27T09:00:00+00:00"),  # s is next to a on the keyboard
]


@pytest.mark.parametrize(("phrase", "offered"), TYPOS)
def test_a_reading_that_needs_a_typo_fixed_is_asked_with_it_as_the_choice(
    phrase: str, offered: str
) -> None:
    with pytest.raises(WhenError, match="Did you mean") as asked:
        parse_when(phrase, LONDON_NOW, LONDON)
    assert [at.astimezone(LONDON).isoformat() for at in asked.value.choices] == [offered]


NOT_A_TIME = [
    # text: the whole of it is the commitment's own words, with the due time named apart
    ("book lunch tomorrow", "book lunch", "2026-11-26T09:00:00+00:00"),
    ("plan team lunch friday", "plan team lunch", "2026-11-27T09:00:00+00:00"),
    ("call Eve tomorrow", "call Eve", "2026-11-26T09:00:00+00:00"),
    ("ask Morn about the aft deck fri", "ask Morn about the aft deck", "2026-11-27T09:00:00+00:00"),
    ("call Fridah", "call Fridah", None),  # a name typed with a capital is never corrected
    ("practise with Augusta", "practise with Augusta", None),
    ("reply to Minuets Ltd", "reply to Minuets Ltd", None),
]


@pytest.mark.parametrize(("text", "expected_text", "expected"), NOT_A_TIME)
def test_names_and_task_words_are_not_read_as_times(
    text: str, expected_text: str, expected: str | None
) -> None:
    rest, when = split_text_and_when(text, LONDON_NOW, LONDON)
    assert rest == expected_text
    assert (when.due_at.astimezone(LONDON).isoformat() if when else None) == expected


LUNCH_AND_SHORT_PARTS = [
    # text, what to commit to, local result in London
    ("send the CV by lunch", "send the CV", "2026-11-26T12:00:00+00:00"),
    ("send the CV before lunch on friday", "send the CV", "2026-11-27T12:00:00+00:00"),
    ("meet Sam at lunch friday", "meet Sam", "2026-11-27T12:00:00+00:00"),
    ("call Eve tmrw eve", "call Eve", "2026-11-26T19:00:00+00:00"),
    ("draft the email this eve", "draft the email", "2026-11-25T19:00:00+00:00"),
    ("draft the email fri aft", "draft the email", "2026-11-27T14:00:00+00:00"),
    ("ring the agency thurs morn", "ring the agency", "2026-11-26T09:00:00+00:00"),
]


@pytest.mark.parametrize(("text", "expected_text", "expected"), LUNCH_AND_SHORT_PARTS)
def test_lunch_and_short_parts_of_the_day_next_to_their_words(
    text: str, expected_text: str, expected: str | None
) -> None:
    rest, when = split_text_and_when(text, LONDON_NOW, LONDON)
    assert rest == expected_text
    assert (when.due_at.astimezone(LONDON).isoformat() if when else None) == expected


SPLIT_WAYS = [
    # text, what to commit to, local result in London (None: no time in it)
    ("tmrw: ring the agency", "ring the agency", "2026-11-26T09:00:00+00:00"),
    ("by monday, two applications", "two applications", "2026-11-30T09:00:00+00:00"),
    ("send the form friday please 🙏", "send the form", "2026-11-27T09:00:00+00:00"),
    ("send the form by monday at the latest", "send the form", "2026-11-30T09:00:00+00:00"),
    ("email the PM tomorrow", "email the PM", "2026-11-26T09:00:00+00:00"),
    ("revise section 2 tonight", "revise section 2", "2026-11-25T19:00:00+00:00"),
    ("rate my pitch for 8/10", "rate my pitch for 8/10", None),
    ("list the 4 companies from last month", "list the 4 companies from last month", None),
    ("march 2 applications", "march 2 applications", None),
    ("fix the first thing", "fix the first thing", None),
    ("email Frida", "email Frida", None),
    ("yoga class sat 9am", "yoga class", "2026-11-28T09:00:00+00:00"),  # not "s" + "at 9am"
    ("coffee with Sundar", "coffee with Sundar", None),  # a name, not a typo for Sunday
    ("redo my portfolio over the weekend", "redo my portfolio", "2026-11-28T09:00:00+00:00"),
    ("reply to Initech within the hour", "reply to Initech", "2026-11-25T16:00:00+00:00"),
]


@pytest.mark.parametrize(("text", "expected_text", "expected"), SPLIT_WAYS)
def test_split_the_way_members_write(text: str, expected_text: str, expected: str | None) -> None:
    rest, when = split_text_and_when(text, LONDON_NOW, LONDON)
    assert rest == expected_text
    assert (when.due_at.astimezone(LONDON).isoformat() if when else None) == expected


# What a member sees --------------------------------------------------------------------------


async def test_a_uk_member_gets_the_day_they_wrote(conversation: Conversation) -> None:
    conversation.zones["Ada"] = "Europe/London"
    reply = await conversation.one("/commit book the driving theory test 4/12")
    assert reply.text == (
        "Got it: book the driving theory test\nDue Fri 4 Dec, 09:00 (Europe/London)."
    )


async def test_a_date_that_reads_both_ways_is_asked_with_choices(
    conversation: Conversation,
) -> None:
    conversation.zones["Ada"] = "America/Toronto"  # Canadians write both orders
    reply = await conversation.one("/commit send the references 3/4")
    assert reply.text.startswith(
        "Is “3/4” the 3rd of April or the 4th of March? Write the month as a word"
    )
    assert "#1: send the references" in reply.text
    assert reply.meta["due_at"] is None
    labels = [button.label for button in reply.buttons]
    # both readings, soonest first, with the year: they are in 2027
    assert labels[:2] == ["Thu 4 Mar 2027, 09:00", "Sat 3 Apr 2027, 09:00"]
    assert "Tomorrow morning" in labels  # and the usual choices
    (answer,) = await conversation.dm("4 march")
    assert "Thu 4 Mar, 09:00 (America/Toronto)" in answer.text


async def test_an_hour_without_am_or_pm_offers_both(conversation: Conversation) -> None:
    conversation.zones["Ada"] = "America/New_York"
    reply = await conversation.one("/commit call the recruiter friday at 3")
    assert reply.text.startswith("Is “friday at 3” am or pm?")
    assert [b.label for b in reply.buttons][:2] == ["Fri 27 Nov, 03:00", "Fri 27 Nov, 15:00"]
    other = await conversation.one("/commit update the tracker monday 8")  # no "at": the same
    assert [b.label for b in other.buttons][:2] == ["Mon 30 Nov, 08:00", "Mon 30 Nov, 20:00"]
    (chosen,) = await conversation.press(reply, "Fri 27 Nov, 15:00")
    assert chosen.meta["due_at"] == "2026-11-27T15:00:00-05:00"
    assert "Fri 27 Nov, 15:00 (America/New_York)" in chosen.text


async def test_typos_and_member_words_reach_the_reminder(conversation: Conversation) -> None:
    conversation.zones["Ada"] = "Europe/London"
    reply = await conversation.one("/commit call the agency wednesday arvo")
    assert reply.text == "Got it: call the agency\nDue Wed 2 Dec, 14:00 (Europe/London)."
    reply = await conversation.one("/commit research 3 companies")
    assert reply.meta["due_at"] is None  # "3" is a count, not a day: asked, not guessed
    assert "#2: research 3 companies" in reply.text


async def test_a_time_typed_in_the_dm_that_reads_two_ways_offers_both(
    conversation: Conversation,
) -> None:
    conversation.zones["Ada"] = "America/New_York"
    asked = await conversation.one("/commit tidy my portfolio")
    assert asked.meta["due_at"] is None
    (again,) = await conversation.dm("thursday at 6")
    assert again.text.startswith("Is “thursday at 6” am or pm?")
    assert [b.label for b in again.buttons] == ["Thu 26 Nov, 06:00", "Thu 26 Nov, 18:00"]
    (chosen,) = await conversation.press(again, "Thu 26 Nov, 18:00")
    assert chosen.meta["due_at"] == "2026-11-26T18:00:00-05:00"


async def test_a_typo_is_asked_about_with_the_reading_as_a_button(
    conversation: Conversation,
) -> None:
    conversation.zones["Ada"] = "Europe/London"
    reply = await conversation.one("/commit call the agency wendesday arvo")
    assert reply.text.startswith("Did you mean Wed 2 Dec, 14:00 (Europe/London)?")
    assert reply.meta["due_at"] is None  # nothing set until the member says so
    assert "#1: call the agency" in reply.text
    (chosen,) = await conversation.press(reply, "Wed 2 Dec, 14:00")
    assert chosen.meta["due_at"] == "2026-12-02T14:00:00+00:00"
    named = await conversation.one("/commit call Fridah")
    assert "Fri" not in named.text.split("#2")[0]  # a name: no day read, no day offered
    assert "#2: call Fridah" in named.text


async def test_a_reading_pressed_after_its_moment_has_passed_is_refused(
    conversation: Conversation,
) -> None:
    conversation.zones["Ada"] = "America/New_York"
    reply = await conversation.one("/commit call the recruiter today at 11")
    assert [b.label for b in reply.buttons][:2] == ["Wed 25 Nov, 11:00", "Wed 25 Nov, 23:00"]
    await conversation.advance(timedelta(hours=2))  # 11:00 has gone by
    (late,) = await conversation.press(reply, "Wed 25 Nov, 11:00")
    assert "is already in the past. Pick a later time." in late.text
    assert late.meta.get("due_at") is None
    (chosen,) = await conversation.press(reply, "Wed 25 Nov, 23:00")
    assert chosen.meta["due_at"] == "2026-11-25T23:00:00-05:00"


@pytest.mark.parametrize("stamp", ["", "abc", "١٧٩٨٠٠٠٠٠٠", "²", "999999999999"])
async def test_a_broken_reading_button_asks_for_the_time_again(
    conversation: Conversation, stamp: str
) -> None:
    conversation.zones["Ada"] = "America/New_York"
    reply = await conversation.one("/commit call the recruiter friday at 3")
    commitment_id = reply.meta["commitment_id"]
    (again,) = await conversation.press_id(f"commit:at:{commitment_id}:{stamp}")
    assert "When will you do it? #1: call the recruiter" in again.text
    assert again.meta["due_at"] is None


@pytest.mark.parametrize(
    ("zone", "due"),
    [
        ("Asia/Calcutta", "Fri 4 Dec, 09:00 (Asia/Calcutta)"),  # old spellings of zones
        ("Europe/Kiev", "Fri 4 Dec, 09:00 (Europe/Kiev)"),
        ("America/Buenos_Aires", "Fri 4 Dec, 09:00 (America/Buenos_Aires)"),
        ("US/Eastern", "Mon 12 Apr, 09:00 (US/Eastern)"),
    ],
)
async def test_an_old_zone_name_still_gives_the_countrys_date_order(
    conversation: Conversation, zone: str, due: str
) -> None:
    conversation.zones["Ada"] = zone
    reply = await conversation.one("/commit book the theory test 4/12")
    assert reply.text == f"Got it: book the theory test\nDue {due}."


@pytest.mark.parametrize(
    ("typed", "meant", "slips"),
    [
        ("fridsy", "friday", 1),  # s is next to a
        ("thrusday", "thursday", 1),  # two letters swapped
        ("wendesday", "wednesday", 1),
        ("sundar", "sunday", 2),  # r is far from y: a name more often than a typo
        ("tomorrow", "tomorrow", 0),
        ("xyz", "monday", 2),  # beyond the limit: limit + 1
    ],
)
def test_keyboard_slips(typed: str, meant: str, slips: int) -> None:
    from bot.typos import keyboard_slips

    assert keyboard_slips(typed, meant, 1) == slips
