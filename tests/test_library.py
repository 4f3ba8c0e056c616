"""The advice library as a whole: minimums, limits, links, drafts, and a club's own content."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.content import ContentError, Library, load_library
from bot.content.drafts import BLANKS, fill
from bot.content.schema import DISCORD_MESSAGE_MAX, SLACK_SECTION_MAX
from bot.settings import DEFAULT_CONTENT_DIR

REQUIRED_TOPICS = {
    "after-rejection",
    "thank-you-notes",
    "what-wins-interviews",
    "plain-language",
    "research-interviewer",
    "research-company",
    "articulate-value",
    "ccar-stories",
    "confidence",
    "sensitive-questions",
    "money",
    "preparation",
    "day-before",
    "video-interviews",
    "questions-to-ask",
    "no-reply-follow-up",
}
RAW_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(DEFAULT_CONTENT_DIR)


def test_minimum_counts(library: Library) -> None:
    assert len(library.tips) >= 40
    assert len(library.questions) >= 60
    assert len(library.categories) >= 6
    assert len(library.plan) >= 30
    assert len(library.quiz) >= 25
    assert len(library.drafts) >= 5


def test_every_required_topic_has_two_tips(library: Library) -> None:
    per_topic = Counter(t.topic for t in library.tips)
    assert REQUIRED_TOPICS <= {t.id for t in library.topics}
    assert {t.id: per_topic[t.id] for t in library.topics if per_topic[t.id] < 2} == {}


def test_every_category_has_questions_and_flags_fit(library: Library) -> None:
    per_category = Counter(q.category for q in library.questions)
    assert all(per_category[c.id] >= 5 for c in library.categories), per_category
    assert any("sensitive" in q.flags for q in library.questions)
    assert any("money" in q.flags for q in library.questions)
    assert any("non_technical_audience" in q.flags for q in library.questions)
    assert sum(1 for q in library.questions if q.competencies) >= 20


def test_plan_tasks_link_somewhere_real(library: Library) -> None:
    for task in library.plan:
        assert 5 <= task.minutes <= 15
        assert task.tip is None or library.tip(task.tip) is not None
        assert task.question is None or library.question(task.question) is not None


def test_quiz_answers_are_choices(library: Library) -> None:
    for item in library.quiz:
        assert 0 <= item.answer < len(item.choices)
        assert item.explanation


def test_everything_fits_one_platform_message(library: Library) -> None:
    def fits(text: str) -> bool:
        return len(text) <= min(SLACK_SECTION_MAX, DISCORD_MESSAGE_MAX)

    for tip in library.tips:
        assert fits(f"{tip.title}\n\n{tip.body}\n\nTry this now: {tip.try_this or ''}"), tip.id
    for q in library.questions:
        assert fits(f"{q.text}\n{q.checking}\n{q.strong_answer}\n" + "\n".join(q.pitfalls)), q.id
    for task in library.plan:
        assert fits(f"{task.title}\n{task.task}"), task.id
    for item in library.quiz:
        assert fits(f"{item.question}\n" + "\n".join(item.choices) + item.explanation), item.id
    for draft in library.drafts:
        assert fits(fill(draft, {}).as_text()), draft.id


def test_every_draft_renders_without_raw_placeholders(library: Library) -> None:
    purposes = {d.purpose for d in library.drafts}
    assert {
        "thank_you",
        "rejection_appreciation",
        "stay_connected",
        "stay_in_touch",
        "no_decision",
    } <= purposes
    months = sorted(d.months for d in library.drafts if d.purpose == "stay_in_touch")
    assert months == [1, 3, 6, 12]
    values = {
        "interviewer": "Ana",
        "company": "Acme",
        "role": "analyst",
        "topic_discussed": "the data migration",
        "your_name": "Sam",
    }
    for draft in library.drafts:
        full = fill(draft, values).as_text()
        assert not RAW_PLACEHOLDER.search(full) and "{" not in full, draft.id
        empty = fill(draft, {})
        assert "{" not in empty.as_text() and "}" not in empty.as_text(), draft.id
        for name in empty.blanks:
            assert BLANKS[name] in empty.as_text()


def test_fill_uses_values_once_and_marks_blanks() -> None:
    library = load_library(DEFAULT_CONTENT_DIR)
    draft = library.drafts_for("thank_you")[0]
    filled = fill(draft, {"interviewer": "Ana {company}", "company": "Acme", "your_name": " "})
    assert "Ana {company}" in filled.as_text()  # a value is never expanded again
    assert "your_name" in filled.blanks and "[your name]" in filled.body


# --- a club's own content --------------------------------------------------------------


def club_dir(tmp_path: Path, tips: list[dict[str, object]]) -> Path:
    directory = tmp_path / "club"
    directory.mkdir()
    (directory / "tips.yaml").write_text(yaml.safe_dump({"tips": tips}), encoding="utf-8")
    return directory


def test_club_content_is_merged(tmp_path: Path) -> None:
    extra = {
        "id": "club-meetup-etiquette",
        "title": "Bring one question to the Thursday meetup",
        "topic": "preparation",
        "tags": ["meetup", "club"],
        "body": "Our club meets on Thursdays. Bring one interview question you found hard.",
    }
    library = load_library(DEFAULT_CONTENT_DIR, club_dir(tmp_path, [extra]))
    base = load_library(DEFAULT_CONTENT_DIR)
    assert len(library.tips) == len(base.tips) + 1
    assert library.tip("club-meetup-etiquette") is not None


def test_club_duplicate_id_names_both_files(tmp_path: Path) -> None:
    base = load_library(DEFAULT_CONTENT_DIR)
    clash = base.tips[0].model_dump(exclude_none=True)
    directory = club_dir(tmp_path, [clash])
    with pytest.raises(ContentError) as info:
        load_library(DEFAULT_CONTENT_DIR, directory)
    message = str(info.value)
    assert str(DEFAULT_CONTENT_DIR / "tips.yaml") in message
    assert str(directory / "tips.yaml") in message
    assert base.tips[0].id in message


def test_club_tip_with_unknown_topic_names_the_club_file(tmp_path: Path) -> None:
    bad = {"id": "x-1", "title": "T", "topic": "nope", "tags": ["a"], "body": "B"}
    directory = club_dir(tmp_path, [bad])
    with pytest.raises(ContentError, match=r"club/tips\.yaml.*topic"):
        load_library(DEFAULT_CONTENT_DIR, directory)


def test_missing_club_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="club content directory not found"):
        load_library(DEFAULT_CONTENT_DIR, tmp_path / "missing")


def test_a_copy_of_the_shipped_content_loads(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_CONTENT_DIR, tmp_path / "c")
    assert load_library(tmp_path / "c").counts() == load_library(DEFAULT_CONTENT_DIR).counts()
