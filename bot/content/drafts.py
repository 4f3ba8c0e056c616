"""Filling a message draft's placeholders from what the member told the bot."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content.schema import Draft

BLANKS = {
    "interviewer": "[interviewer's name]",
    "company": "[company]",
    "role": "[role]",
    "topic_discussed": "[something you talked about]",
    "your_name": "[your name]",
}
"""What a member sees where the bot does not know a value: clearly theirs to fill in."""

_PLACEHOLDER = re.compile(r"\{(" + "|".join(BLANKS) + r")\}")


@dataclass(frozen=True)
class FilledDraft:
    title: str
    subject: str | None
    body: str
    blanks: tuple[str, ...]
    """Placeholders left for the member, e.g. ('interviewer',)."""

    def as_text(self) -> str:
        subject = f"Subject: {self.subject}\n\n" if self.subject else ""
        return subject + self.body


def fill(draft: Draft, values: dict[str, str | None]) -> FilledDraft:
    """Replace every placeholder once; unknown or empty values become marked blanks."""
    blanks: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        value = (values.get(name) or "").strip()
        if value:
            return value
        if name not in blanks:
            blanks.append(name)
        return BLANKS[name]

    subject = _PLACEHOLDER.sub(replace, draft.subject) if draft.subject else None
    body = _PLACEHOLDER.sub(replace, draft.body)
    return FilledDraft(draft.title, subject, body, tuple(blanks))
