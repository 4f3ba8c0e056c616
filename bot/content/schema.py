"""The shape of every content file. Unknown fields are errors, so typos are caught."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
Tag = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

TIP_BODY_MAX = 900
SLACK_SECTION_MAX = 3000
DISCORD_MESSAGE_MAX = 2000

Competency = Literal[
    "leadership",
    "conflict",
    "failure",
    "initiative",
    "teamwork",
    "problem-solving",
    "communication",
    "adaptability",
    "customer-focus",
    "influence",
    "learning",
    "prioritisation",
    "resilience",
    "achievement",
    "motivation",
    "self-awareness",
]
QuestionFlag = Literal["sensitive", "non_technical_audience", "money"]
DraftPurpose = Literal[
    "thank_you", "rejection_appreciation", "stay_connected", "stay_in_touch", "no_decision"
]
PLACEHOLDERS = frozenset(
    {"interviewer", "company", "role", "topic_discussed", "your_name", "interview_day"}
)
_BRACES = re.compile(r"\{([^{}]*)\}")
_DAY_BOUND_WORDS = re.compile(
    r"\b(today|tonight|yesterday|tomorrow|this (morning|afternoon|evening)|(around|right) now)\b",
    re.IGNORECASE,
)
"""Words whose truth depends on the day a draft is read, which is not the day it was
written for: a thank-you read the morning after must not say "today"."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Topic(Strict):
    """A subject tips are grouped under; `phrases` are how people ask about it."""

    id: Id
    title: Annotated[Line, StringConstraints(max_length=60)]
    summary: Annotated[Line, StringConstraints(max_length=160)]
    practice: list[Id] = Field(default_factory=list)
    """Practice categories this topic helps with (`/practice` words reach them through it)."""
    phrases: list[Annotated[Line, StringConstraints(max_length=80)]] = Field(default_factory=list)


class Tip(Strict):
    """One piece of advice that fits in a single chat message."""

    id: Id
    title: Annotated[Line, StringConstraints(max_length=80)]
    topic: Id
    tags: list[Tag] = Field(min_length=1, max_length=8)
    body: Annotated[Line, StringConstraints(max_length=TIP_BODY_MAX)]
    try_this: Annotated[Line, StringConstraints(max_length=200)] | None = None


class Category(Strict):
    """A group of practice questions (`/practice money`)."""

    id: Id
    title: Annotated[Line, StringConstraints(max_length=60)]
    summary: Annotated[Line, StringConstraints(max_length=200)]


class AnswerPoint(Strict):
    """Something an answer to a practice question must address, for the relevance check.

    `says` is how the feedback names it ("what you do about it"); `concepts` are names of
    word families in `bot/review/concepts.py` that show an answer touches it (any one is
    enough). `jobclub content check` refuses a concept name that does not exist.
    """

    says: Annotated[Line, StringConstraints(max_length=120)]
    concepts: list[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]{1,39}$")]] = Field(
        min_length=1, max_length=6
    )


class Question(Strict):
    """A hard interview question to practise, with what a coach would look for."""

    id: Id
    category: Id
    text: Annotated[Line, StringConstraints(max_length=300)]
    checking: Annotated[Line, StringConstraints(max_length=400)]
    """What the interviewer is really checking."""
    strong_answer: Annotated[Line, StringConstraints(max_length=500)]
    """What a strong answer does."""
    pitfalls: list[Annotated[Line, StringConstraints(max_length=200)]] = Field(
        min_length=2, max_length=5
    )
    target_seconds: int = Field(ge=20, le=300)
    competencies: list[Competency] = Field(default_factory=list, max_length=4)
    flags: list[QuestionFlag] = Field(default_factory=list)
    tip: Id | None = None
    """A related tip, offered with the feedback."""
    addresses: list[AnswerPoint] = Field(min_length=1, max_length=4)
    """What an answer must address; one that touches none of it is off topic."""


class PlanTask(Strict):
    """One day of the prep plan: 5 to 15 minutes, linked to a tip or a question."""

    id: Id
    title: Annotated[Line, StringConstraints(max_length=80)]
    minutes: int = Field(ge=5, le=15)
    task: Annotated[Line, StringConstraints(max_length=600)]
    tip: Id | None = None
    question: Id | None = None
    builds_on: Id | None = None
    """An earlier plan task whose result this one uses. Its text then says `{made}` where
    the day that result was made belongs ("the list you made {made}"): the nudge fills in
    "yesterday", "on Monday" or "on Tue 3 Nov" from when it really was, never a guess."""

    @model_validator(mode="after")
    def _linked(self) -> PlanTask:
        if self.tip is None and self.question is None:
            raise ValueError("a plan task links to a tip or a question (or both)")
        if ("{made}" in self.task) != (self.builds_on is not None):
            raise ValueError("a task says {made} exactly when it names the task it builds_on")
        return self


class QuizItem(Strict):
    """A multiple-choice question with the reason the right answer is right."""

    id: Id
    question: Annotated[Line, StringConstraints(max_length=300)]
    choices: list[Annotated[Line, StringConstraints(max_length=200)]] = Field(
        min_length=2, max_length=5
    )
    answer: int = Field(ge=0)
    """Index into `choices` (0 is the first)."""
    explanation: Annotated[Line, StringConstraints(max_length=600)]
    tip: Id | None = None

    @model_validator(mode="after")
    def _answer_in_range(self) -> QuizItem:
        if self.answer >= len(self.choices):
            raise ValueError(f"answer {self.answer} is not one of the {len(self.choices)} choices")
        if len(set(self.choices)) != len(self.choices):
            raise ValueError("two choices are the same")
        return self


class Draft(Strict):
    """A message the member can send, with `{placeholders}` filled from what they told us."""

    id: Id
    title: Annotated[Line, StringConstraints(max_length=80)]
    purpose: DraftPurpose
    months: int | None = Field(default=None, ge=1, le=24)
    """For stay-in-touch check-ins: how long after the interview this one fits."""
    subject: Annotated[Line, StringConstraints(max_length=150)] | None = None
    body: Annotated[Line, StringConstraints(max_length=1500)]

    @field_validator("subject", "body")
    @classmethod
    def _known_placeholders(cls, value: str | None) -> str | None:
        if value is None:
            return value
        unknown = sorted(set(_BRACES.findall(value)) - PLACEHOLDERS)
        if unknown:
            raise ValueError(
                f"unknown placeholder {{{unknown[0]}}}; use {', '.join(sorted(PLACEHOLDERS))}"
            )
        stripped = _BRACES.sub("", value)
        if "{" in stripped or "}" in stripped:
            raise ValueError("a brace that is not part of a {placeholder}")
        if found := _DAY_BOUND_WORDS.search(stripped):
            raise ValueError(
                f"“{found.group(0)}” may be untrue when the draft is read; "
                "say {interview_day}, which is filled in when it is read"
            )
        return value


Phrasing = Annotated[Line, StringConstraints(max_length=600)]


class TopicPhrasings(Strict):
    """How members ask about one tip topic, in their own words: what the matcher learns."""

    topic: Id
    say: list[Phrasing] = Field(min_length=1)


class SynonymGroup(Strict):
    """Words and short phrases that mean the same thing to a member ("sacked", "let go")."""

    words: list[Annotated[Line, StringConstraints(max_length=40)]] = Field(min_length=2)


class PhrasingsFile(Strict):
    """`phrasings.yaml`: training phrasings per topic, questions no tip answers, synonyms."""

    phrasings: list[TopicPhrasings] = Field(default_factory=list)
    out_of_scope: list[Phrasing] = Field(default_factory=list)
    synonyms: list[SynonymGroup] = Field(default_factory=list)


class TopicsFile(Strict):
    topics: list[Topic] = Field(min_length=1)


class TipsFile(Strict):
    tips: list[Tip] = Field(min_length=1)


class QuestionsFile(Strict):
    categories: list[Category] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)


class PlanFile(Strict):
    plan: list[PlanTask] = Field(min_length=1)


class QuizFile(Strict):
    quiz: list[QuizItem] = Field(min_length=1)


class DraftsFile(Strict):
    drafts: list[Draft] = Field(min_length=1)
