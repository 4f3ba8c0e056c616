"""What the core says back: a platform-neutral `Reply` that adapters render."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Visibility(StrEnum):
    """Who sees a reply. The values are the console's `where` names."""

    ONLY_MEMBER = "only_you"
    CHANNEL = "channel"
    DM = "dm"


class ButtonStyle(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True, slots=True)
class Button:
    """A button; `action` is the stable action id routed back to the core when pressed."""

    label: str
    action: str
    style: ButtonStyle = ButtonStyle.DEFAULT


@dataclass(frozen=True, slots=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Section:
    """A block of text with an optional heading and label/value fields."""

    text: str = ""
    title: str | None = None
    fields: tuple[Field, ...] = ()


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a reply: a PNG chart, a CSV report.

    `alt` states what it holds in words, for screen readers and for platforms where only
    the text arrives; the reply's own text carries the same facts, so nothing depends on
    the file arriving. Adapters upload it where they can (Slack files, Discord
    attachments) and the console writes it under ./data/ and prints the path.
    """

    data: bytes
    filename: str
    alt: str
    mime: str = "application/octet-stream"

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


@dataclass(slots=True)
class Reply:
    """Plain text (adapters escape it), optional sections and buttons, and a visibility.

    `meta` carries machine-readable facts (e.g. `tip_id`) for tests and the
    console's JSON mode; adapters never show it.
    """

    text: str
    title: str | None = None
    sections: list[Section] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    visibility: Visibility = Visibility.ONLY_MEMBER
    meta: dict[str, Any] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)
    """Optional files: adapters that can upload them do; the text stays the fallback."""

    @property
    def image(self) -> Attachment | None:
        """The first picture among the attachments, if any."""
        return next((a for a in self.attachments if a.is_image), None)

    def plain_text(self) -> str:
        """Everything a person reads, as plain text (used by the console and fallbacks)."""
        parts: list[str] = []
        if self.title:
            parts.append(self.title)
        if self.text:
            parts.append(self.text)
        for section in self.sections:
            lines: list[str] = []
            if section.title:
                lines.append(section.title)
            if section.text:
                lines.append(section.text)
            lines.extend(f"{f.label}: {f.value}" for f in section.fields)
            if lines:
                parts.append("\n".join(lines))
        return "\n\n".join(parts)
