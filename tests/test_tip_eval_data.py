"""The tip evaluation set is big enough, split cleanly, and kept out of the training text."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.content import load_library
from bot.content.search import OUT_OF_SCOPE
from bot.text import fold

ROOT = Path(__file__).resolve().parent.parent
DATA = yaml.safe_load((ROOT / "bench" / "tip_questions.yaml").read_text(encoding="utf-8"))
LIBRARY = load_library(ROOT / "content")


def questions(label: str, *splits: str) -> list[str]:
    return [q for s in splits for q in DATA["labels"][label].get(s) or []]


def test_every_topic_has_25_questions_and_40_are_out_of_scope() -> None:
    labels = DATA["labels"]
    assert set(labels) == {t.id for t in LIBRARY.topics} | {OUT_OF_SCOPE}
    for label in labels:
        need = 40 if label == OUT_OF_SCOPE else 25
        assert len(questions(label, "train", "dev", "test")) >= need, label
        assert questions(label, "test"), label


def test_splits_do_not_share_a_question() -> None:
    seen: dict[str, str] = {}
    for label in DATA["labels"]:
        for split in ("train", "dev", "test"):
            for q in questions(label, split):
                assert fold(q) not in seen, (q, seen.get(fold(q)), split)
                seen[fold(q)] = split


def test_no_dev_or_test_question_ships_as_training_text() -> None:
    shipped = {fold(p) for entry in LIBRARY.phrasings for p in entry.say}
    shipped |= {fold(p) for p in LIBRARY.out_of_scope}
    shipped |= {fold(p) for t in LIBRARY.topics for p in (*t.phrases, t.title, t.summary)}
    shipped |= {fold(t.title) for t in LIBRARY.tips}
    held_out = {fold(q) for label in DATA["labels"] for q in questions(label, "dev", "test")}
    assert sorted(shipped & held_out) == []


def test_content_check_counts_the_phrasings() -> None:
    counts = LIBRARY.counts()
    total = sum(len(p.say) for p in LIBRARY.phrasings)
    assert counts["phrasings"].startswith(f"{total} for {len(LIBRARY.topics)} topics")
    assert f"{len(LIBRARY.out_of_scope)} out of scope" in counts["phrasings"]
