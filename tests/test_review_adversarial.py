"""Adversarial answers (tests/eval/practice_adversarial.yaml), one row each: the expected
flags, bounds on the overall score, which fix is the main one, and that nothing the
member should not say comes back as a strength or in the outline."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import Library, load_library
from bot.review import Review, RuleReviewer
from bot.review.severity import SERIOUS

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "eval" / "practice_adversarial.yaml"
ROWS: list[dict[str, Any]] = yaml.safe_load(DATA.read_text(encoding="utf-8"))["answers"]
SERIOUS_FLAWS = [s.flag for s in SERIOUS.values() if s.flag != "inflexible"]


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(ROOT / "content")


def _quoted(review: Review) -> str:
    """Everything the feedback offers back in the member's own words."""
    parts = list(review.strengths) + [step.quote or "" for step in review.outline]
    return " ".join(parts).lower()


def test_the_data_covers_every_serious_flaw_four_times_and_has_controls(
    library: Library,
) -> None:
    assert len(ROWS) >= 60
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    assert sum(1 for r in ROWS if r.get("strong")) >= 15
    for flaw in SERIOUS_FLAWS:
        rows = [r for r in ROWS if flaw in r.get("flags", [])]
        assert len(rows) >= 4, flaw
        assert len({r["question"] for r in rows}) >= 4, flaw
    categories = Counter(library.question(r["question"]).category for r in ROWS)  # type: ignore[union-attr]
    assert len(categories) == len(library.categories)
    assert {r["split"] for r in ROWS} == {"train", "dev", "test"}


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_adversarial_answer(row: dict[str, Any], library: Library) -> None:
    question = library.question(row["question"])
    assert question is not None, row["question"]
    review = RuleReviewer().review_now(question, row["answer"])
    seen = f"flags={review.flags} main={review.main_fix} overall={review.overall}"

    low, high = row["overall"]
    assert low <= review.overall <= high, seen
    assert set(row.get("flags", [])) <= set(review.flags), seen
    assert not set(row.get("absent", [])) & set(review.flags), seen
    if row.get("strong"):
        assert not set(review.flags) & set(SERIOUS), seen
        assert review.strengths, "a strong answer hears what worked"

    wanted = row["main_fix"]
    got = review.main_fix.flag if review.main_fix else None
    if wanted == "polish":
        assert got not in SERIOUS, seen
    else:
        assert got in (wanted if isinstance(wanted, list) else [wanted]), seen
        if got in SERIOUS:
            assert review.serious and review.serious[0] == got, seen

    quoted = _quoted(review)
    for piece in row.get("avoid", []):
        assert piece.lower() not in quoted, piece
    for flag, sentences in review.flagged.items():
        for sentence in sentences:
            assert sentence.lower() not in quoted, (flag, sentence)
            assert sentence.lower()[:60] not in quoted, (flag, sentence)


def test_off_topic_feedback_says_what_the_question_asks(library: Library) -> None:
    row = next(r for r in ROWS if r["id"] == "salary-teamwork-story")
    question = library.question(row["question"])
    assert question is not None
    review = RuleReviewer().review_now(question, row["answer"])
    assert review.main_fix is not None
    assert "researched range" in review.main_fix.text
    assert review.sounds_like == "a story about teamwork"
    assert review.strengths == []
    assert all(step.quote is None for step in review.outline)
