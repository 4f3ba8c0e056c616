"""Load and check the content files; errors name the file and the field."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.content.schema import Tip, TipsFile, Topic, TopicsFile

M = TypeVar("M", bound=BaseModel)


class ContentError(Exception):
    """A content file is missing or wrong; the message names the file and the field."""


@dataclass(frozen=True)
class Library:
    """Everything the bot can say, loaded once at start."""

    topics: tuple[Topic, ...]
    tips: tuple[Tip, ...]
    _topics_by_id: dict[str, Topic] = field(default_factory=dict, repr=False)
    _tips_by_id: dict[str, Tip] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._topics_by_id.update({t.id: t for t in self.topics})
        self._tips_by_id.update({t.id: t for t in self.tips})

    def topic(self, topic_id: str) -> Topic | None:
        return self._topics_by_id.get(topic_id)

    def tip(self, tip_id: str) -> Tip | None:
        return self._tips_by_id.get(tip_id)

    def tips_in(self, topic_id: str) -> list[Tip]:
        return [t for t in self.tips if t.topic == topic_id]

    def counts(self) -> dict[str, int]:
        """One count per kind, in a stable order (what `jobclub content check` prints)."""
        return {"topics": len(self.topics), "tips": len(self.tips)}


def load_library(directory: Path) -> Library:
    """Read every content file under `directory` and check it, or raise `ContentError`."""
    if not directory.is_dir():
        raise ContentError(f"{directory}: content directory not found")
    topics = _load(directory / "topics.yaml", TopicsFile).topics
    tips = _load(directory / "tips.yaml", TipsFile).tips
    _unique(directory / "topics.yaml", "topics", [t.id for t in topics])
    _unique(directory / "tips.yaml", "tips", [t.id for t in tips])
    known = {t.id for t in topics}
    for i, tip in enumerate(tips):
        if tip.topic not in known:
            raise ContentError(
                f"{directory / 'tips.yaml'}: tips[{i}] ({tip.id}).topic: "
                f"unknown topic {tip.topic!r} (known: {', '.join(sorted(known))})"
            )
    return Library(topics=tuple(topics), tips=tuple(tips))


def _load(path: Path, model: type[M]) -> M:
    try:
        raw: Any = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    except FileNotFoundError:
        raise ContentError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ContentError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise ContentError(f"{path}{where}: not valid YAML: {exc}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ContentError(f"{path}: {_describe(exc, raw)}") from None


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice (the second would silently win)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _describe(exc: ValidationError, raw: Any) -> str:
    error = exc.errors()[0]
    loc = error["loc"]
    parts: list[str] = []
    node = raw
    for step in loc:
        if isinstance(step, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{step}]"]
            node = node[step] if isinstance(node, list) and step < len(node) else None
            if isinstance(node, dict) and "id" in node:
                parts[-1] += f" ({node['id']})"
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return f"{'.'.join(parts) or 'file'}: {error['msg']}"


def _unique(path: Path, kind: str, ids: list[str]) -> None:
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    if dupes:
        raise ContentError(f"{path}: {kind}.id: duplicate id {dupes[0]!r}")
