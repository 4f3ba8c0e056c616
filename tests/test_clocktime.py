"""One reading of clock times for the whole bot: settings, nudges, repeats and due times."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.clocktime import (
    TimeOfDay,
    TimeOfDayError,
    parse_minutes,
    parse_time_of_day,
    take_time_of_day,
)
from bot.nudges import parse_schedule
from bot.recurrence import parse_recurrence
from bot.when import WhenError, parse_when
from tests.conftest import Conversation

# phrase → (24-hour time, am/pm left open). UK, US and European ways of writing a time.
WHOLE = {
    "8": ("08:00", True),
    "08": ("08:00", True),
    "at 8": ("08:00", True),
    "eight": ("08:00", True),
    "8 o'clock": ("08:00", True),
    "8ish": ("08:00", True),
    "around 8": ("08:00", True),
    "20": ("20:00", False),
    "0": ("00:00", False),
    "8am": ("08:00", False),
    "8 am": ("08:00", False),
    "8a.m.": ("08:00", False),
    "8 A.M.": ("08:00", False),
    "8pm": ("20:00", False),
    "8 PM": ("20:00", False),
    "8p.m": ("20:00", False),
    "12am": ("00:00", False),
    "12pm": ("12:00", False),
    "12:30am": ("00:30", False),
    "7:45pm": ("19:45", False),
    "08:00": ("08:00", False),
    "8:05": ("08:05", False),
    "20:15": ("20:15", False),
    "0800": ("08:00", False),
    "1930": ("19:30", False),
    "1930 hours": ("19:30", False),
    "19h00": ("19:00", False),
    "19h30": ("19:30", False),
    "20h": ("20:00", False),
    "8.30": ("08:30", False),
    "8.30pm": ("20:30", False),
    "half past 7": ("07:30", True),
    "half past 7 pm": ("19:30", False),
    "half 7": ("07:30", True),
    "quarter past 9": ("09:15", True),
    "a quarter to 9": ("08:45", True),
    "quarter to 12": ("11:45", True),
    "10 past 6": ("06:10", True),
    "twenty to 8": ("07:40", True),
    "noon": ("12:00", False),
    "12 noon": ("12:00", False),
    "midday": ("12:00", False),
    "noonish": ("12:00", False),
    "lunchtime": ("12:00", False),
    "midnight": ("23:59", False),
    "morning": ("09:00", False),
    "in the morning": ("09:00", False),
    "this afternoon": ("14:00", False),
    "afternoon": ("14:00", False),
    "this evening": ("19:00", False),
    "in the evening": ("19:00", False),
    "tonight": ("19:00", False),
    "tonite": ("19:00", False),
    "at night": ("19:00", False),
    "8 in the morning": ("08:00", False),
    "8 in the evening": ("20:00", False),
    "3 in the afternoon": ("15:00", False),
    "11 at night": ("23:00", False),
    "2 at night": ("02:00", False),
    "12 at night": ("23:59", False),
    "tonight at 8": ("20:00", False),
    "this evening at 7:30": ("19:30", False),
    "8pm tonight": ("20:00", False),
    "at 7 in the morning": ("07:00", False),
}


@pytest.mark.parametrize(("phrase", "expected"), WHOLE.items())
def test_a_whole_phrase_is_one_time(phrase: str, expected: tuple[str, bool]) -> None:
    found = parse_time_of_day(phrase)
    assert found is not None, phrase
    assert (f"{found.at:%H:%M}", found.bare) == expected
    assert parse_time_of_day(phrase.upper()) == found  # case never matters
    assert parse_minutes(phrase) == found.at.hour * 60 + found.at.minute


def test_tonight_and_this_evening_name_today() -> None:
    for phrase in ("tonight", "this evening", "this afternoon", "tonight at 8"):
        assert parse_time_of_day(phrase).today  # type: ignore[union-attr]
    for phrase in ("in the evening", "8pm", "evening"):
        assert not parse_time_of_day(phrase).today  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "phrase",
    [
        "25:00", "7:75", "13pm", "0am", "24h", "noon pm", "3pm in the morning",
        "9am in the evening", "soon", "", "8 8", "half to 7", "quarter", "2500", "tomorrow",
    ],
)  # fmt: skip
def test_what_is_not_a_time_of_day(phrase: str) -> None:
    assert parse_time_of_day(phrase) is None
    assert parse_minutes(phrase) is None


SENTENCES = [
    # words around a time: (time, the words left)
    ("friday 3pm", "15:00", "friday"),
    ("tomorrow at 10 in the morning", "10:00", "tomorrow"),
    ("thu 3 dec 2pm", "14:00", "thu 3 dec"),
    ("2026-12-03 14:00", "14:00", "2026-12-03"),
    ("at 8 tomorrow evening", "20:00", "tomorrow"),
    ("friday afternoon", "14:00", "friday"),
    ("weekday mornings", "09:00", "weekday"),
    ("next tuesday at 19h00", "19:00", "next tuesday"),
    ("sunday at half past 9", "09:30", "sunday"),
]


@pytest.mark.parametrize(("text", "expected", "rest"), SENTENCES)
def test_a_time_inside_words(text: str, expected: str, rest: str) -> None:
    found, left = take_time_of_day(text)
    assert found is not None and f"{found.at:%H:%M}" == expected
    assert left == rest


@pytest.mark.parametrize(
    "text",
    ["prepare 3 stories", "3 dec", "feb 30", "monday 9", "in 5 minutes", "12/3", "read 2 chapters"],
)
def test_a_plain_number_is_not_a_time_without_a_sign(text: str) -> None:
    assert take_time_of_day(text) == (None, text)


@pytest.mark.parametrize("text", ["tomorrow morning 3pm", "3pm and 4pm", "at 25:00 friday"])
def test_contradictions_are_errors_not_guesses(text: str) -> None:
    with pytest.raises(TimeOfDayError):
        take_time_of_day(text)


NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # Wed 10:00 in New York
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("8pm", "20:00"),
        ("19h00", "19:00"),
        ("half past 7pm", "19:30"),
        ("noon", "12:00"),
        ("midnight", "23:59"),
        ("tonight", "19:00"),
        ("this evening", "19:00"),
        ("8 in the evening", "20:00"),
        ("at 20", "20:00"),
    ],
)
def test_the_same_words_mean_the_same_time_everywhere(words: str, expected: str) -> None:
    """A due time, a repeat, a nudge and a setting all read a time alike."""
    setting = parse_time_of_day(words)
    assert setting is not None and f"{setting.at:%H:%M}" == expected
    nudge = parse_schedule(f"weekdays {words}")
    assert nudge is not None and nudge.at == setting.at
    _, rule = parse_recurrence(f"stretch every day {'' if words[0].isalpha() else 'at '}{words}")
    assert rule is not None and (rule.hour, rule.minute) == (setting.at.hour, setting.at.minute)
    # "tonight" and "this evening" name their day already ("tomorrow this evening" is asked)
    today = words == "tonight" or words.startswith("this ")
    due = parse_when(words if today else f"tomorrow {words}", NOW, NEW_YORK)
    assert f"{due.due_at.astimezone(NEW_YORK):%H:%M}" == expected


def test_an_hour_alone_is_asked_about_only_for_a_deadline() -> None:
    """'8' is 08:00 for a nudge or a repeat; a one-off deadline asks rather than risk 8pm."""
    assert parse_schedule("weekdays 8") == parse_schedule("weekdays at 08:00")
    assert parse_recurrence("standup every weekday at 8")[1].hour == 8  # type: ignore[union-attr]
    with pytest.raises(WhenError, match="am or pm"):
        parse_when("friday at 8", NOW, NEW_YORK)
    assert TimeOfDay(time(8, 0), bare=True).minutes == 480


# -- the bugs, as a member meets them ------------------------------------------------------


async def test_nudges_on_weekdays_at_8_is_understood(conversation: Conversation) -> None:
    """Bug: `/nudges on weekdays at 8` was refused ("I could not read …")."""
    reply = await conversation.one("/nudges on weekdays at 8")
    assert reply.text.startswith("Nudges are on.\nNudges: on, weekdays at 08:00 (UTC).")
    assert (reply.meta["days"], reply.meta["time"]) == ("1111100", "08:00")
    for typed, days, at in [
        ("/nudges on every weekday at 7:30am", "1111100", "07:30"),
        ("/nudges on mon-fri 19h00", "1111100", "19:00"),
        ("/nudges on weekday mornings", "1111100", "09:00"),
        ("/nudges on at half past 6 mon, wed and fri", "1010100", "06:30"),
        ("/nudges on daily at 9pm", "1111111", "21:00"),
    ]:
        reply = await conversation.one(typed)
        assert (reply.meta["days"], reply.meta["time"]) == (days, at), typed
    refused = await conversation.one("/nudges on weekdays at teatime")
    assert refused.meta["error"] == "user"
    assert "/nudges on weekdays at 8" in refused.text


async def test_every_weekday_and_tonight_are_read_as_times(conversation: Conversation) -> None:
    """Bug: `every weekday` and `tonight` were not read as times."""
    conversation.zones["Ada"] = "Europe/London"  # Wed 25 Nov 2026, 14:00 in London
    repeat = await conversation.one("/commit apply to one job every weekday tonight")
    assert repeat.text == (
        "Got it: apply to one job\nDue Wed 25 Nov, 19:00 (Europe/London). "
        "Repeats every weekday at 19:00."
    )
    weekdays = await conversation.one("/commit check the job board weekdays at 8")
    assert weekdays.text.endswith(
        "Due Thu 26 Nov, 08:00 (Europe/London). Repeats every weekday at 08:00."
    )
    on = await conversation.one("/nudges on every weekday")
    assert on.meta["days"] == "1111100"
    nudge = await conversation.one("/nudges time tonight")
    assert nudge.meta["time"] == "19:00"
    start = await conversation.one("/jobclub daystart half past 7")
    assert start.meta["day_start"] == "07:30"
