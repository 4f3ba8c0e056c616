"""The three inbound events every adapter translates into, and who/where they come from."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Platform(StrEnum):
    CONSOLE = "console"
    SLACK = "slack"
    DISCORD = "discord"


@dataclass(frozen=True, slots=True)
class MemberRef:
    """A member as the platform knows them.

    `tz_hint` is the zone the platform reports (e.g. a Slack profile); a zone the
    member chose in the bot always wins over it.
    """

    platform: Platform
    club_id: str
    user_id: str
    display_name: str
    is_admin: bool = False
    tz_hint: str | None = None


class PlaceKind(StrEnum):
    CHANNEL = "channel"
    DM = "dm"


@dataclass(frozen=True, slots=True)
class Place:
    """Where an event happened: a club channel or the member's DM with the bot."""

    kind: PlaceKind
    channel_id: str | None = None

    @property
    def is_dm(self) -> bool:
        return self.kind is PlaceKind.DM

    @classmethod
    def dm(cls, channel_id: str | None = None) -> Place:
        return cls(PlaceKind.DM, channel_id)

    @classmethod
    def channel(cls, channel_id: str | None = None) -> Place:
        return cls(PlaceKind.CHANNEL, channel_id)


@dataclass(frozen=True, slots=True)
class CommandEvent:
    """A slash command: `/tip networking` is name `tip`, text `networking`."""

    member: MemberRef
    place: Place
    name: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class MessageEvent:
    """Free text the member wrote to the bot in a DM."""

    member: MemberRef
    place: Place
    text: str


@dataclass(frozen=True, slots=True)
class ActionEvent:
    """A button press; `action_id` is stable (e.g. `commit:done:42`) so it works after restarts."""

    member: MemberRef
    place: Place
    action_id: str
    value: str | None = None


Event = CommandEvent | MessageEvent | ActionEvent
