"""Every practice category has a tip topic a member can reach, and the reverse link holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import load_library
from bot.content.search import TipIndex

CONTENT = Path(__file__).resolve().parent.parent / "content"
LIBRARY = load_library(CONTENT)


@pytest.fixture(scope="module")
def index() -> TipIndex:
    return TipIndex.for_library(LIBRARY)


@pytest.mark.parametrize("category", [c.id for c in LIBRARY.categories])
def test_every_practice_category_has_a_topic_with_tips(category: str) -> None:
    topics = [t for t in LIBRARY.topics if category in t.practice]
    assert topics, f"no tip topic links to the practice category {category!r}"
    assert any(len(LIBRARY.tips_in(t.id)) >= 2 for t in topics)


@pytest.mark.parametrize("category", [c.id for c in LIBRARY.categories])
def test_a_linked_topic_is_reachable_from_the_category_words(
    index: TipIndex, category: str
) -> None:
    """Asking /tip in the category's own words lands on (or offers) a topic linked to it."""
    found = LIBRARY.category(category)
    assert found is not None
    verdict = index.understand(f"{found.title}. {found.summary}")
    offered = verdict.candidates or (verdict.best,)
    linked = {t.id for t in LIBRARY.topics if category in t.practice}
    assert linked & set(offered), (category, verdict)


def test_the_new_topics_exist_with_two_tips_each() -> None:
    for topic in ("weaknesses", "tell-me-about-yourself", "nerves", "offers", "references"):
        assert LIBRARY.topic(topic) is not None
        assert len(LIBRARY.tips_in(topic)) >= 2, topic
