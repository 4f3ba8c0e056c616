"""One console conversation: who is typing, where, the last buttons, and the clock."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from adapters.console.clockspec import MAX_STEP as MAX_JUMP
from adapters.console.clockspec import ClockSpecError, parse_target
from adapters.console.render import render_json, render_text
from bot.app import JobClubBot
from bot.events import ActionEvent, CommandEvent, MemberRef, MessageEvent, Place, Platform
from bot.replies import Button, Reply, Visibility
from bot.scheduling import Outgoing
from bot.text import clean_input
from bot.timezones import show_time, zone_or_none

log = logging.getLogger(__name__)

CLUB_ID = "console"
CONSOLE_HELP = """\
Type a command as you would in the club channel, e.g. /tip networking
  :dm / :channel      switch between your DM with the bot and the club channel
  plain text          in the DM, goes to the bot as a message (a bare number too: it
                      answers the bot, as it would on Slack or Discord)
  :N or :press N      press button N of the last reply, e.g. :2
  :press ACTION_ID    press any button by its action id, e.g. :press tip:another
  :as NAME            act as another member
  :clock +90m | +1h | +2d | 2026-12-01T09:00   move time forward, delivering what falls due
  :help               this help       :quit   leave"""


@dataclass
class ConsoleSession:
    """Turns console lines into core events and prints replies through `emit`."""

    bot: JobClubBot
    emit: Callable[[str], None]
    user: str
    zone: ZoneInfo
    json_mode: bool = False
    admin: bool = False
    interactive: bool = False
    set_clock: Callable[[datetime], None] | None = None
    in_dm: bool = False
    _buttons: list[Button] = field(default_factory=list)
    _button_place: Place = field(default_factory=Place.channel)
    _delivered: list[Button] = field(default_factory=list)

    @property
    def where(self) -> str:
        return "dm" if self.in_dm else "channel"

    @property
    def prompt(self) -> str:
        return f"[{self.where}] {self.user}> "

    def member_ref(self) -> MemberRef:
        return MemberRef(
            platform=Platform.CONSOLE,
            club_id=CLUB_ID,
            user_id=user_id_for(self.user),
            display_name=self.user,
            is_admin=self.admin,
            tz_hint=self.zone.key,
        )

    def place(self) -> Place:
        return Place.dm(f"dm-{user_id_for(self.user)}") if self.in_dm else Place.channel("club")

    async def handle_line(self, raw: str) -> bool:
        """Handle one input line; returns False when the member asked to quit."""
        try:
            return await self._handle_line(raw)
        except Exception:
            log.exception("console failed on an input line")
            self.say("Sorry, that went wrong on my side. The details are in the log file.")
            return True

    async def _handle_line(self, raw: str) -> bool:
        line = clean_input(raw.replace("\n", " "))
        if not line:
            if raw.strip(" \t\r\n"):
                self.say(
                    "I could not read anything in that line. Type :help for what I understand."
                )
            return True
        if line.startswith(":"):
            return await self._console_command(line[1:])
        # A bare number is text, as on Slack and Discord: a check-in count "3" answers the
        # check-in. Pressing is always explicit (`:3`, `:press 3`), so one line never means
        # two things depending on how many buttons the last reply happened to have.
        if line.startswith("/"):
            name, _, text = line[1:].partition(" ")
            event = CommandEvent(self.member_ref(), self.place(), name, text.strip())
            await self._send(event)
            return True
        if not self.in_dm:
            number = _button_number(line)
            press_hint = (
                f" To press button {number}, type :{number}."
                if number is not None and 1 <= number <= len(self._buttons)
                else ""
            )
            self.say(
                "In the club channel I only answer commands like /tip. "
                "Type :dm to talk to me privately." + press_hint
            )
            return True
        await self._send(MessageEvent(self.member_ref(), self.place(), line))
        return True

    async def _console_command(self, text: str) -> bool:
        name, _, arg = text.strip().partition(" ")
        name, arg = name.lower(), arg.strip()
        if name in ("quit", "q", "exit"):
            return False
        if name == "help":
            self.say(CONSOLE_HELP + "\n\n" + command_list(self.bot, admin=self.admin))
        elif name == "dm":
            self.in_dm = True
            self.say("You are now in your DM with the bot.", quiet_in_json=True)
        elif name == "channel":
            self.in_dm = False
            self.say("You are now in the club channel.", quiet_in_json=True)
        elif name == "as":
            if not clean_input(arg) or not user_id_for(arg):
                self.say("Say who: `:as Sam`.")
            else:
                self.user = arg[:80]
                self._buttons = []
                self.say(f"You are now {self.user}.", quiet_in_json=True)
        elif name == "press":
            await self._press(arg)
        elif _button_number(name) is not None and not arg:
            await self._press(name)
        elif name == "clock":
            await self._clock(arg)
        else:
            self.say(f"`:{name[:30]}` is not a console command. Type :help for the list.")
        return True

    async def _press(self, arg: str) -> None:
        if not arg:
            self.say(
                "Say which button: `:1` or `:press 1`, or an action id such as "
                "`:press tip:another`."
            )
            return
        index = _button_number(arg)
        if index is not None:
            if not 1 <= index <= len(self._buttons):
                count = len(self._buttons)
                self.say(
                    f"There is no button {arg[:12]}: the last reply had {count}."
                    if count
                    else "The last reply had no buttons."
                )
                return
            action = self._buttons[index - 1].action
            place = self._button_place
        else:
            action, place = arg, self.place()
        await self._send(ActionEvent(self.member_ref(), place, action))

    async def _clock(self, arg: str) -> None:
        clock = self.bot.services.clock
        if self.set_clock is None:
            self.say("This console's clock cannot be moved.")
            return
        now = clock.now()
        try:
            target = parse_target(arg, now, self.zone)
        except ClockSpecError as exc:
            self.say(f"I can't move the clock: {exc}.")
            return
        if target - now > MAX_JUMP:
            self.say("That is more than ten years ahead; move the clock in smaller steps.")
            return
        if target < now:
            self.say(
                f"That is in the past (it is now {show_time(now, self.zone)}); "
                "the clock only moves forward."
            )
            return
        self._delivered = []
        dispatcher = self.bot.dispatcher(self._deliver)
        count = await dispatcher.advance_to(target, self.set_clock)
        if count:
            self._buttons, self._button_place = self._delivered, Place.dm()
        self.say(
            f"The time is now {show_time(clock.now(), self.zone)}"
            f" ({count} scheduled message{'s' if count != 1 else ''} went out).",
            quiet_in_json=True,
        )

    async def deliver_live(self, item: Outgoing, at: datetime) -> str | None:
        """A delivery from the background scheduler (real-time console)."""
        self._delivered = []
        await self._deliver(item, at)
        self._buttons, self._button_place = list(self._delivered), Place.dm()
        return None

    async def _deliver(self, item: Outgoing, at: datetime) -> str | None:
        """The console's outbox: print the message as its recipient would see it."""
        if item.group:  # one shared message (practice partners): each member sees it
            for member in item.group:
                await self._deliver(replace(item, member=member, group=()), at)
            return None
        where = "dm" if item.member is not None else "channel"
        to = item.member.display_name if item.member else self.user
        # Stamped on the recipient's wall clock: the time they would see it arrive.
        zone = zone_or_none(item.member.zone) if item.member and item.member.zone else None
        zone = zone or self.zone
        meta = {"kind": item.kind, "delivered_at": at.astimezone(zone).isoformat()}
        if item.reply.attachments:
            meta["files"] = self._save_files(item.reply)
        if self.json_mode:
            self.emit(render_json(to, where, item.reply, meta))
        else:
            first = len(self._delivered) + 1
            channel = item.channel[1] if item.channel else "?"
            reader = f"for {to}" if item.member else f"in #{channel}"
            heading = f"{item.kind} {reader} · {show_time(at, zone)}"
            self.emit(render_text(item.reply, where, first, heading))
        self._delivered.extend(item.reply.buttons)
        return None

    async def _send(self, event: CommandEvent | MessageEvent | ActionEvent) -> None:
        replies = await self.bot.handle(event)
        buttons: list[Button] = []
        for reply in replies:
            where = self._where_for(reply)
            saved = {"files": self._save_files(reply)} if reply.attachments else None
            if self.json_mode:
                self.emit(render_json(self.user, where, reply, saved))
            else:
                self.emit(render_text(reply, where, len(buttons) + 1))
                for path in saved["files"] if saved else []:
                    self.emit(f"(file saved to {path})")
            buttons.extend(reply.buttons)
        if replies:
            self._buttons, self._button_place = buttons, event.place

    def _save_files(self, reply: Reply) -> list[str]:
        """The console cannot show a file: it writes each under ./data/ (pictures in
        charts/, the rest in files/) and says where; the reply's text carries the same facts."""
        paths: list[str] = []
        for attachment in reply.attachments:
            folder = Path("data") / ("charts" if attachment.is_image else "files")
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / (Path(attachment.filename).name or "file")
            path.write_bytes(attachment.data)
            paths.append(str(path))
        return paths

    def _where_for(self, reply: Reply) -> str:
        if reply.visibility is Visibility.ONLY_MEMBER and self.in_dm:
            return "dm"
        return reply.visibility.value

    def say(self, text: str, *, quiet_in_json: bool = False) -> None:
        """A message from the console itself (not the bot)."""
        if self.json_mode:
            if quiet_in_json:
                return
            self.emit(render_json(self.user, "only_you", Reply(text=text), {"console": True}))
        else:
            self.emit(text)


def command_list(bot: JobClubBot, *, admin: bool) -> str:
    """Every bot command with all its forms, read from the router's specs."""
    router = bot.router
    lines = ["Bot commands (type them as in the channel):"]
    for name, spec in router.commands.items():
        lines.append(f"  /{name:<12} {spec.summary}")
        forms = router.forms(name, admin=admin)
        if forms:
            lines.append("  " + " " * 14 + " · ".join(forms))
    return "\n".join(lines)


def _button_number(text: str) -> int | None:
    """`text` as a button number if it is one (ASCII digits only: `int("²")` fails)."""
    if not (text.isascii() and text.isdigit()):
        return None
    return int(text) if len(text) <= 9 else 0  # int() refuses very long digit strings


def user_id_for(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64]
