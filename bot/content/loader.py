"""Load and check the content files; errors name the file and the field.

The shipped library lives in `content/`. A club may add its own directory with
the same file names (every file optional there); its entries are merged in, and
an id that appears twice is an error naming both files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.content.schema import (
    Category,
    Draft,
    DraftsFile,
    PhrasingsFile,
    PlanFile,
    PlanTask,
    Question,
    QuestionsFile,
    QuizFile,
    QuizItem,
    SynonymGroup,
    Tip,
    TipsFile,
    Topic,
    TopicPhrasings,
    TopicsFile,
)

M = TypeVar("M", bound=BaseModel)


class ContentError(Exception):
    """A content file is missing or wrong; the message names the file and the field."""


# file name -> (schema of the file, the lists it holds)
FILES: dict[str, tuple[type[BaseModel], tuple[str, ...]]] = {
    "topics.yaml": (TopicsFile, ("topics",)),
    "tips.yaml": (TipsFile, ("tips",)),
    "questions.yaml": (QuestionsFile, ("categories", "questions")),
    "plan.yaml": (PlanFile, ("plan",)),
    "quiz.yaml": (QuizFile, ("quiz",)),
    "drafts.yaml": (DraftsFile, ("drafts",)),
}
PHRASINGS_FILE = "phrasings.yaml"
"""How members ask (see `PhrasingsFile`); its entries have no ids, so a club's file adds
phrasings to shipped topics instead of clashing with them."""


@dataclass(frozen=True)
class Library:
    """Everything the bot can say, loaded once at start."""

    topics: tuple[Topic, ...]
    tips: tuple[Tip, ...]
    categories: tuple[Category, ...] = ()
    questions: tuple[Question, ...] = ()
    plan: tuple[PlanTask, ...] = ()
    quiz: tuple[QuizItem, ...] = ()
    drafts: tuple[Draft, ...] = ()
    phrasings: tuple[TopicPhrasings, ...] = ()
    out_of_scope: tuple[str, ...] = ()
    synonyms: tuple[SynonymGroup, ...] = ()
    _by_id: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for kind in ("topics", "tips", "categories", "questions", "plan", "quiz", "drafts"):
            for item in getattr(self, kind):
                self._by_id[(kind, item.id)] = item

    def topic(self, topic_id: str) -> Topic | None:
        return self._by_id.get(("topics", topic_id))

    def tip(self, tip_id: str) -> Tip | None:
        return self._by_id.get(("tips", tip_id))

    def category(self, category_id: str) -> Category | None:
        return self._by_id.get(("categories", category_id))

    def question(self, question_id: str) -> Question | None:
        return self._by_id.get(("questions", question_id))

    def task(self, task_id: str) -> PlanTask | None:
        return self._by_id.get(("plan", task_id))

    def quiz_item(self, item_id: str) -> QuizItem | None:
        return self._by_id.get(("quiz", item_id))

    def draft(self, draft_id: str) -> Draft | None:
        return self._by_id.get(("drafts", draft_id))

    def tips_in(self, topic_id: str) -> list[Tip]:
        return [t for t in self.tips if t.topic == topic_id]

    def questions_in(self, category_id: str) -> list[Question]:
        return [q for q in self.questions if q.category == category_id]

    def drafts_for(self, purpose: str) -> list[Draft]:
        return [d for d in self.drafts if d.purpose == purpose]

    def counts(self) -> dict[str, str]:
        """One line per kind, as `jobclub content check` prints them."""
        return {
            "tips": str(len(self.tips)),
            "questions": f"{len(self.questions)} in {len(self.categories)} categories",
            "plan": str(len(self.plan)),
            "quiz": str(len(self.quiz)),
            "drafts": str(len(self.drafts)),
            "phrasings": (
                f"{sum(len(p.say) for p in self.phrasings)} for "
                f"{len({p.topic for p in self.phrasings})} topics, "
                f"{len(self.out_of_scope)} out of scope, {len(self.synonyms)} synonym groups"
            ),
        }

    def phrasings_for(self, topic_id: str) -> list[str]:
        return [text for p in self.phrasings if p.topic == topic_id for text in p.say]


def load_library(directory: Path, club_directory: Path | None = None) -> Library:
    """Read and check the shipped content, plus a club's own, or raise `ContentError`."""
    if not directory.is_dir():
        raise ContentError(f"{directory}: content directory not found")
    if club_directory is not None and not club_directory.is_dir():
        raise ContentError(f"{club_directory}: club content directory not found")
    collected: dict[str, list[tuple[Any, Path]]] = {}
    for name, (model, kinds) in FILES.items():
        sources = [directory / name]
        if club_directory is not None and (club_directory / name).exists():
            sources.append(club_directory / name)
        for path in sources:
            loaded = _load(path, model)
            for kind in kinds:
                collected.setdefault(kind, []).extend(
                    (item, path) for item in getattr(loaded, kind)
                )
    for kind, items in collected.items():
        _unique(kind, items)
    phrasings: list[tuple[TopicPhrasings, Path]] = []
    out_of_scope: list[str] = []
    synonyms: list[SynonymGroup] = []
    for path in (
        directory / PHRASINGS_FILE,
        *([club_directory / PHRASINGS_FILE] if club_directory else []),
    ):
        if not path.exists():
            continue  # optional: without it the matcher learns from the tips and topics alone
        loaded_phrasings = _load(path, PhrasingsFile)
        phrasings.extend((p, path) for p in loaded_phrasings.phrasings)
        out_of_scope.extend(loaded_phrasings.out_of_scope)
        synonyms.extend(loaded_phrasings.synonyms)
    library = Library(
        **{kind: tuple(i for i, _ in items) for kind, items in collected.items()},
        phrasings=tuple(p for p, _ in phrasings),
        out_of_scope=tuple(out_of_scope),
        synonyms=tuple(synonyms),
    )
    _check_references(
        library, {kind: dict((i.id, p) for i, p in v) for kind, v in collected.items()}
    )
    for entry, path in phrasings:
        if library.topic(entry.topic) is None:
            raise ContentError(
                f"{path}: phrasings ({entry.topic}).topic: unknown topic {entry.topic!r}"
            )
    return library


def _check_references(library: Library, where: dict[str, dict[str, Path]]) -> None:
    def require(
        kind: str, item_id: str, field_name: str, target_kind: str, value: str | None
    ) -> None:
        if value is not None and (target_kind, value) not in library._by_id:
            raise ContentError(
                f"{where[kind][item_id]}: {kind} ({item_id}).{field_name}: "
                f"unknown {target_kind.rstrip('s')} {value!r}"
            )

    for topic in library.topics:
        for category in topic.practice:
            require("topics", topic.id, "practice", "categories", category)
    for tip in library.tips:
        require("tips", tip.id, "topic", "topics", tip.topic)
    for question in library.questions:
        require("questions", question.id, "category", "categories", question.category)
        require("questions", question.id, "tip", "tips", question.tip)
        _check_answer_points(question, where["questions"][question.id])
    for task in library.plan:
        require("plan", task.id, "tip", "tips", task.tip)
        require("plan", task.id, "question", "questions", task.question)
        require("plan", task.id, "builds_on", "plan", task.builds_on)
    for item in library.quiz:
        require("quiz", item.id, "tip", "tips", item.tip)


def _check_answer_points(question: Question, path: Path) -> None:
    """Each point a question says an answer must address names concepts the reviewer knows.

    The vocabulary lives with the reviewer (`bot/review/concepts.py`); it is imported here,
    at check time, because the reviewer itself reads the content schema.
    """
    from bot.review.concepts import CONCEPTS, OFF_TOPIC_ONLY

    for n, point in enumerate(question.addresses):
        for name in point.concepts:
            if name not in CONCEPTS or name in OFF_TOPIC_ONLY:
                known = ", ".join(sorted(set(CONCEPTS) - OFF_TOPIC_ONLY))
                raise ContentError(
                    f"{path}: questions ({question.id}).addresses[{n}].concepts: unknown "
                    f"concept {name!r}; known concepts: {known}"
                )


def _unique(kind: str, items: list[tuple[Any, Path]]) -> None:
    first: dict[str, Path] = {}
    for item, path in items:
        if item.id in first:
            other = first[item.id]
            both = f"{other}" if other == path else f"{other} and {path}"
            raise ContentError(f"{path}: {kind}.id: duplicate id {item.id!r} (in {both})")
        first[item.id] = path


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


_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it: the content (phrasings above all) parses about
five times faster, which keeps start-up quick."""


class _StrictLoader(_SafeLoader):  # type: ignore[valid-type,misc]
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
