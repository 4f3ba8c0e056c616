"""`/jobclub timezone`, `daystart`, `checkin` and `settings`: a member's own preferences."""

from __future__ import annotations

from tests.conftest import Conversation


async def zone_of(conversation: Conversation, who: str = "Ada") -> str:
    return (await conversation.one("/jobclub settings", who=who)).meta["tz"]


# -- time zone -------------------------------------------------------------------------


async def test_timezone_by_city_abbreviation_or_name(conversation: Conversation) -> None:
    cases = [
        ("berlin", "Europe/Berlin", "Europe/Berlin (UTC+01:00, 15:00 now)"),
        ("pst", "America/Los_Angeles", "America/Los_Angeles (UTC-08:00, 06:00 now)"),
        ("new york", "America/New_York", "America/New_York (UTC-05:00, 09:00 now)"),
        ("Europe/London", "Europe/London", "Europe/London (UTC+00:00, 14:00 now)"),
        ("sydney", "Australia/Sydney", "Australia/Sydney (UTC+11:00, 01:00 now)"),
    ]
    for query, zone, label in cases:
        reply = await conversation.one(f"/jobclub timezone {query}")
        assert reply.meta == {"tz": zone}, query
        assert (
            reply.text == f"Your time zone is now {label}. Every time I show you is in this zone."
        )
        assert await zone_of(conversation) == zone, query


async def test_the_chosen_zone_is_kept(any_db_conversation: Conversation) -> None:
    conversation = any_db_conversation
    await conversation.one("/jobclub timezone berlin")
    shown = await conversation.one("/jobclub timezone")
    assert shown.text.startswith(
        "Your time zone is Europe/Berlin (UTC+01:00, 15:00 now) (you chose it)."
    )
    assert await zone_of(conversation, "Grace") == "UTC"


async def test_an_ambiguous_abbreviation_offers_candidates(conversation: Conversation) -> None:
    ask = await conversation.one("/jobclub timezone ist")
    assert ask.text == "Which one do you mean by “ist”?"
    assert ask.meta["candidates"][0] == "Asia/Kolkata"
    assert {"Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"} <= set(ask.meta["candidates"])
    assert [b.action for b in ask.buttons] == [f"tz:set:{z}" for z in ask.meta["candidates"]]
    assert ask.buttons[0].label.startswith("Asia/Kolkata (UTC+05:30")
    assert await zone_of(conversation) == "UTC"  # nothing chosen yet

    (chosen,) = await conversation.press(ask, "Asia/Kolkata")
    assert chosen.meta == {"tz": "Asia/Kolkata"}
    assert await zone_of(conversation) == "Asia/Kolkata"
    made = await conversation.one("/commit call Ana tomorrow 10am")
    assert "Due Thu 26 Nov, 10:00 (Asia/Kolkata)." in made.text


async def test_forged_zone_buttons_and_nonsense_change_nothing(
    conversation: Conversation,
) -> None:
    for bogus in ("tz:set:Not/AZone", "tz:set:../../etc/passwd", "tz:set:"):
        (reply,) = await conversation.press_id(bogus)
        assert reply.meta["error"] in ("user", "unknown_action"), bogus
    for query in ("qwxzzy", "blursday land", "12345"):
        reply = await conversation.one(f"/jobclub timezone {query}")
        assert reply.meta["error"] == "user", query
        assert reply.text.startswith(f"I don't know “{query}” as a time zone. Try a city near you")
    assert await zone_of(conversation) == "UTC"


async def test_where_the_zone_comes_from(conversation: Conversation) -> None:
    club = await conversation.one("/jobclub timezone")
    assert "(the club's default)" in club.text and club.meta == {"tz": "UTC"}

    conversation.zones["Ada"] = "America/New_York"
    profile = await conversation.one("/jobclub timezone")
    assert "America/New_York" in profile.text and "(from your profile)" in profile.text

    await conversation.one("/jobclub timezone berlin")
    chosen = await conversation.one("/jobclub timezone")
    assert "Europe/Berlin" in chosen.text and "(you chose it)" in chosen.text
    # A choice wins over the profile, including for what a new commitment means.
    made = await conversation.one("/commit call Ana friday 3pm")
    assert made.meta["due_at"] == "2026-11-27T15:00:00+01:00"


async def test_a_new_zone_changes_how_times_are_shown(conversation: Conversation) -> None:
    conversation.zones["Ada"] = "America/New_York"
    await conversation.one("/commit call Ana friday 3pm")
    await conversation.one("/jobclub timezone london")
    listed = await conversation.one("/commitments")
    assert listed.sections[0].text == "#1 call Ana · due Fri 27 Nov, 20:00 (Europe/London)"


# -- day start and check-in ------------------------------------------------------------


async def test_settings_show_zone_day_start_and_checkin(any_db_conversation: Conversation) -> None:
    conversation = any_db_conversation
    conversation.zones["Ada"] = "America/New_York"
    before = await conversation.one("/jobclub settings")
    assert before.title == "Your settings"
    assert before.text.splitlines() == [
        "Time zone: America/New_York (UTC-05:00, 09:00 now)",
        "A date alone means: 09:00",
        "Ask again if still open: 24 hours after",
        "Daily prep nudges: off",
        "Shout-outs by name in the weekly digest: off",
    ]
    assert before.meta["tz"] == "America/New_York" and before.meta["day_start"] == "09:00"

    await conversation.one("/jobclub daystart 07:30")
    await conversation.one("/jobclub still-open 2")
    await conversation.one("/jobclub timezone berlin")
    after = await conversation.one("/jobclub settings")
    assert after.text.splitlines() == [
        "Time zone: Europe/Berlin (UTC+01:00, 15:00 now)",
        "A date alone means: 07:30",
        "Ask again if still open: 2 hours after",
        "Daily prep nudges: off",
        "Shout-outs by name in the weekly digest: off",
    ]
    await conversation.one("/jobclub still-open off")
    assert "Ask again if still open: off" in (
        (await conversation.one("/jobclub settings")).text.splitlines()
    )


async def test_daystart_accepts_clock_times(conversation: Conversation) -> None:
    cases = [("07:30", "07:30"), ("7am", "07:00"), ("8.30", "08:30"), ("19h00", "19:00")]
    for value, shown in [*cases, ("12am", "00:00")]:
        reply = await conversation.one(f"/jobclub daystart {value}")
        assert reply.text == f"A date without a time now means {shown} for you.", value
        assert (await conversation.one("/jobclub settings")).meta["day_start"] == shown


async def test_a_bad_daystart_is_refused_and_nothing_changes(conversation: Conversation) -> None:
    await conversation.one("/jobclub daystart 08:15")
    for value in ("25:00", "7:75", "13pm", "0am", "soon", ""):
        reply = await conversation.one(f"/jobclub daystart {value}")
        assert reply.meta["error"] == "user", value
        assert reply.text == "Give a time such as `/jobclub daystart 08:30` or `7am`."
    assert (await conversation.one("/jobclub settings")).meta["day_start"] == "08:15"


async def test_checkin_values(conversation: Conversation) -> None:
    cases = [
        ("2", "I will ask 2 hours after a reminder if it is still open.", "2 hours after"),
        ("48h", "I will ask 48 hours after a reminder if it is still open.", "48 hours after"),
        (
            "336",
            "I will ask 336 hours after a reminder if it is still open.",
            "336 hours after",
        ),
        ("off", "No more “still open?” questions after a reminder.", ": off"),
        ("0", "No more “still open?” questions after a reminder.", ": off"),
    ]
    for value, said, shown in cases:
        assert (await conversation.one(f"/jobclub still-open {value}")).text == said, value
        lines = (await conversation.one("/jobclub settings")).text.splitlines()
        assert lines[2].endswith(shown), value


async def test_a_bad_checkin_is_refused(conversation: Conversation) -> None:
    for value in ("337", "-1", "1.5", "soon", ""):
        reply = await conversation.one(f"/jobclub still-open {value}")
        assert reply.meta["error"] == "user", value
        assert reply.text == "Give hours between 1 and 336, or `off`: `/jobclub still-open 24`."
    lines = (await conversation.one("/jobclub settings")).text.splitlines()
    assert lines[2] == "Ask again if still open: 24 hours after"


async def test_jobclub_settings_leaves_out_nudges_and_shout_outs(
    conversation: Conversation,
) -> None:
    conversation.zones["Ada"] = "America/New_York"
    await conversation.command("/nudges on at 07:45 mon,wed,fri")
    await conversation.command("/nudges pause until 3 dec")
    await conversation.command("/jobclub shoutouts on")
    reply = await conversation.one("/jobclub settings")
    lines = reply.text.splitlines()
    assert lines[3].startswith("Daily prep nudges: on, Mon, Wed, Fri at 07:45, paused until ")
    assert "Thu 3 Dec" in lines[3]
    assert lines[4] == "Shout-outs by name in the weekly digest: on"
    assert reply.meta["nudges"]["on"] is True and reply.meta["nudges"]["time"] == "07:45"
    assert reply.meta["shoutouts"] is True
    assert "/nudges on" in reply.sections[0].text and "shoutouts" in reply.sections[0].text
    await conversation.command("/nudges off")
    await conversation.command("/jobclub shoutouts off")
    lines = (await conversation.one("/jobclub settings")).text.splitlines()
    assert lines[3:] == [
        "Daily prep nudges: off",
        "Shout-outs by name in the weekly digest: off",
    ]


async def test_the_old_checkin_setting_still_works_and_names_the_new_one(
    conversation: Conversation,
) -> None:
    """`/checkin` is now the weekly check-in; the reminder's follow-up setting moved."""
    reply = await conversation.one("/jobclub checkin 12")
    assert reply.text == (
        "I will ask 12 hours after a reminder if it is still open. (This setting is now "
        "`/jobclub still-open`; `/checkin` is the weekly check-in.)"
    )
    lines = (await conversation.one("/jobclub settings")).text.splitlines()
    assert lines[2] == "Ask again if still open: 12 hours after"
