"""The shape of every content file. Unknown fields are errors, so typos are caught."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
Tag = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

TIP_BODY_MAX = 900


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Topic(Strict):
    """A subject tips are grouped under; `phrases` are how people ask about it."""

    id: Id
    title: Annotated[Line, StringConstraints(max_length=60)]
    summary: Annotated[Line, StringConstraints(max_length=160)]
    phrases: list[Annotated[Line, StringConstraints(max_length=80)]] = Field(default_factory=list)


class Tip(Strict):
    """One piece of advice that fits in a single chat message."""

    id: Id
    title: Annotated[Line, StringConstraints(max_length=80)]
    topic: Id
    tags: list[Tag] = Field(min_length=1, max_length=8)
    body: Annotated[Line, StringConstraints(max_length=TIP_BODY_MAX)]
    try_this: Annotated[Line, StringConstraints(max_length=200)] | None = None


class TopicsFile(Strict):
    topics: list[Topic] = Field(min_length=1)


class TipsFile(Strict):
    tips: list[Tip] = Field(min_length=1)
