"""Filling a message draft's placeholders from what the member told the bot.

A draft says only what the bot knows. Names, the company and the role come from the
member; anything unknown becomes a visible blank for them to fill. Words about time are
never written into a draft's text: `{interview_day}` is rendered when the message is
read (`day_words`), so a thank-you read the next day says "yesterday", not "today".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.content.schema import Draft

BLANKS = {
    "interviewer": "[interviewer's name]",
    "company": "[company]",
    "role": "[role]",
    "topic_discussed": "[something you talked about]",
    "your_name": "[your name]",
    "interview_day": "[the day you met]",
}
"""What a member sees where the bot does not know a value: clearly theirs to fill in."""

_PLACEHOLDER = re.compile(r"\{(" + "|".join(BLANKS) + r")\}")


def day_words(day: date, today: date) -> str:
    """`day` as said on `today`: today, yesterday, tomorrow, on Monday, on 2 December.

    A weekday alone is only used within the week either side, where it cannot be
    mistaken for another one. The one definition of day words: drafts, interview
    reminders and plan nudges ("this one came on Friday") all say days this way, so a
    member never reads the same day written two ways.
    """
    apart = (day - today).days
    named = {0: "today", -1: "yesterday", 1: "tomorrow"}
    if apart in named:
        return named[apart]
    if -7 < apart < 7:
        return f"on {day:%A}"
    year = f" {day.year}" if day.year != today.year else ""
    return f"on {day.day} {day:%B}{year}"


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
