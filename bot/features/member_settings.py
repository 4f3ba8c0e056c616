"""`/jobclub timezone`, `daystart`, `still-open` and `settings`: a member's own preferences.

`still-open` was called `checkin` until the weekly check-in (`/checkin`) took the word;
`/jobclub checkin HOURS` still works and says the new name."""

from __future__ import annotations

from bot import commitments as store
from bot import nudges
from bot.clocktime import parse_minutes
from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, feature
from bot.replies import Button, Reply, Section, Visibility
from bot.router import Router
from bot.text import shorten
from bot.timezones import show_time, zone_or_none
from bot.zones import match_zone, zone_label


@feature
class MemberSettings(Feature):
    name = "member_settings"

    def register(self, router: Router) -> None:
        router.add_subcommand(
            "jobclub",
            "timezone",
            "Set your time zone, e.g. `/jobclub timezone berlin`.",
            self.on_timezone,
        )
        router.add_subcommand(
            "jobclub",
            "daystart",
            "What time a date without a time means for you, e.g. `/jobclub daystart 08:30`.",
            self.on_daystart,
        )
        router.add_subcommand(
            "jobclub",
            "still-open",
            "Hours after a reminder to ask once more if it is still open (`off` for none).",
            self.on_checkin,
        )
        router.add_subcommand(
            "jobclub",
            "checkin",
            "The old name of `still-open` (the weekly check-in is `/checkin`).",
            self.on_old_checkin,
        )
        router.add_subcommand("jobclub", "settings", "Your settings.", self.on_settings)
        router.add_action("tz:set", self.on_zone_chosen)

    async def on_timezone(self, ctx: Context) -> Reply:
        query = ctx.text.strip()
        if not query:
            return self._show_zone(ctx)
        match = match_zone(query, ctx.now)
        if match.zone:
            return await self._set_zone(ctx, match.zone)
        if match.candidates:
            # One candidate is a spelling we were not sure of: asked, never set.
            question = "Which one do" if len(match.candidates) > 1 else "Is this the one"
            return Reply(
                text=f"{question} you mean by “{shorten(query, 40)}”?",
                buttons=[Button(zone_label(z, ctx.now), f"tz:set:{z}") for z in match.candidates],
                visibility=Visibility.ONLY_MEMBER,
                meta={"candidates": list(match.candidates)},
            )
        raise UserError(
            f"I don't know “{shorten(query, 40)}” as a time zone. Try a city near you, "
            "e.g. `/jobclub timezone berlin` or `/jobclub timezone new york`."
        )

    async def on_zone_chosen(self, ctx: Context) -> Reply:
        name = ":".join(ctx.args)
        if zone_or_none(name) is None:
            raise UserError("That time zone is not one I know. Try `/jobclub timezone` again.")
        return await self._set_zone(ctx, name)

    async def _set_zone(self, ctx: Context, name: str) -> Reply:
        ctx.member.tz = name
        # Today's nudge stays where it was; the new zone counts from the next day.
        await nudges.reschedule(ctx.session, ctx.member, ctx.zone, ctx.now, keep_today=True)
        return Reply(
            text=f"Your time zone is now {zone_label(name, ctx.now)}. "
            "Every time I show you is in this zone.",
            visibility=Visibility.ONLY_MEMBER,
            meta={"tz": name},
        )

    def _show_zone(self, ctx: Context) -> Reply:
        source = (
            "you chose it"
            if ctx.member.tz
            else "from your profile"
            if ctx.member.platform_tz
            else "the club's default"
        )
        return Reply(
            text=f"Your time zone is {zone_label(ctx.zone.key, ctx.now)} ({source}). "
            "Change it with `/jobclub timezone CITY`.",
            visibility=Visibility.ONLY_MEMBER,
            meta={"tz": ctx.zone.key},
        )

    async def on_daystart(self, ctx: Context) -> Reply:
        minutes = parse_minutes(ctx.text)
        if minutes is None:
            raise UserError("Give a time such as `/jobclub daystart 08:30` or `7am`.")
        ctx.member.day_start_minutes = minutes
        return Reply(
            text=f"A date without a time now means {minutes // 60:02d}:{minutes % 60:02d} for you.",
            visibility=Visibility.ONLY_MEMBER,
            meta={"day_start": f"{minutes // 60:02d}:{minutes % 60:02d}"},
        )

    async def on_checkin(self, ctx: Context) -> Reply:
        arg = ctx.text.strip().lower().removesuffix("h").strip()
        if arg in ("off", "none", "0"):
            ctx.member.checkin_hours = 0
            text = "No more “still open?” questions after a reminder."
        elif arg.isascii() and arg.isdigit() and 1 <= int(arg) <= 24 * 14:
            ctx.member.checkin_hours = int(arg)
            text = f"I will ask {arg} hours after a reminder if it is still open."
        else:
            raise UserError("Give hours between 1 and 336, or `off`: `/jobclub still-open 24`.")
        return Reply(text=text, visibility=Visibility.ONLY_MEMBER)

    async def on_old_checkin(self, ctx: Context) -> Reply:
        """The old form keeps working, and says the new name once more each time."""
        reply = await self.on_checkin(ctx)
        reply.text += (
            " (This setting is now `/jobclub still-open`; `/checkin` is the weekly check-in.)"
        )
        return reply

    async def on_settings(self, ctx: Context) -> Reply:
        """Every setting a member can change, each with the command that changes it."""
        member = ctx.member
        start = store.day_start(member)
        delay = store.checkin_delay(member)
        checkin = f"{int(delay.total_seconds() // 3600)} hours after" if delay else "off"
        prefs = nudges.NudgePrefs.of(member)
        paused = (
            member.nudges_paused_until
            if member.nudges_paused_until and member.nudges_paused_until > ctx.now
            else None
        )
        if member.nudges_on:
            nudge = f"on, {nudges.describe_days(prefs.days)} at {prefs.time:%H:%M}"
            if paused:
                nudge += f", paused until {show_time(paused, ctx.zone)}"
        else:
            nudge = "off"
        shoutouts = "on" if member.shoutouts else "off"
        return Reply(
            title="Your settings",
            text=(
                f"Time zone: {zone_label(ctx.zone.key, ctx.now)}\n"
                f"A date alone means: {start:%H:%M}\n"
                f"Ask again if still open: {checkin}\n"
                f"Daily prep nudges: {nudge}\n"
                f"Shout-outs by name in the weekly digest: {shoutouts}"
            ),
            sections=[
                Section(
                    text="Change them with `/jobclub timezone CITY`, `/jobclub daystart 08:30`, "
                    "`/jobclub still-open 24`, `/nudges on at 08:30 weekdays` (or `off`) and "
                    "`/jobclub shoutouts on` (or `off`)."
                )
            ],
            visibility=Visibility.ONLY_MEMBER,
            meta={
                "tz": ctx.zone.key,
                "day_start": f"{start:%H:%M}",
                "checkin_hours": int(delay.total_seconds() // 3600) if delay else 0,
                "nudges": {
                    "on": member.nudges_on,
                    "days": prefs.days,
                    "time": f"{prefs.time:%H:%M}",
                    "paused_until": paused.astimezone(ctx.zone).isoformat() if paused else None,
                },
                "shoutouts": member.shoutouts,
            },
        )
