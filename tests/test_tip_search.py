"""Tip search on how people actually ask: phrasings, typos, and nonsense."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import load_library
from bot.content.search import TipIndex, stem, terms

CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture(scope="module")
def index() -> TipIndex:
    library = load_library(CONTENT)
    return TipIndex(library.tips, library.topics)


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("they hired someone else, now what", "after-rejection"),
        ("I got rejected", "after-rejection"),
        ("should I stay in touch with the manager who said no", "after-rejection"),
        ("how do I explain being fired", "sensitive-questions"),
        ("why was I fired", "sensitive-questions"),
        ("there's a gap in my resume", "sensitive-questions"),
        ("what have you been doing since you lost your job", "sensitive-questions"),
        ("thank you note", "thank-you-notes"),
        ("salary expectations", "money"),
        ("how much should I ask for", "money"),
        ("the HR person isn't technical", "plain-language"),
        ("too much jargon", "plain-language"),
        ("who is interviewing me", "research-interviewer"),
        ("research the company", "research-company"),
        ("STAR stories", "ccar-stories"),
        ("confident but not arrogant", "confidence"),
        ("I'm good at interviews, I'll just wing it", "preparation"),
        ("what do interviewers want", "what-wins-interviews"),
        ("how to describe my accomplishments", "articulate-value"),
        ("my interview is tomorrow, what should I do tonight", "day-before"),
        ("the interview is on zoom, how do I look good on camera", "video-interviews"),
        ("what should I ask them at the end", "questions-to-ask"),
        ("it's been two weeks and they haven't gotten back to me", "no-reply-follow-up"),
        ("should I email again if they don't reply", "no-reply-follow-up"),
        ("I'm worried I come across as arrogant", "confidence"),
        ("how do I tell a story about a project without rambling", "ccar-stories"),
        ("what should my thank you email say", "thank-you-notes"),
        ("how do I look up the person interviewing me", "research-interviewer"),
    ],
)
def test_natural_questions_find_the_right_topic(index: TipIndex, question: str, topic: str) -> None:
    hits = index.search(question)
    assert hits, f"nothing found for {question!r}"
    assert hits[0].tip.topic == topic


@pytest.mark.parametrize(
    ("typo", "topic"),
    [
        ("thnak you note", "thank-you-notes"),
        ("netwroking", "after-rejection"),
        ("salarry negotation", "money"),
        ("reserch the compnay", "research-company"),
    ],
)
def test_typos_are_forgiven(index: TipIndex, typo: str, topic: str) -> None:
    hits = index.search(typo)
    assert hits and hits[0].tip.topic == topic


@pytest.mark.parametrize("nonsense", ["quantum chromodynamics", "zzzz qqqq", "!!!", ""])
def test_nonsense_finds_nothing(index: TipIndex, nonsense: str) -> None:
    assert index.search(nonsense) == []


def test_search_is_deterministic(index: TipIndex) -> None:
    first = [h.tip.id for h in index.search("follow up after the interview")]
    assert first == [h.tip.id for h in index.search("follow up after the interview")]


def test_huge_queries_are_cut_not_choked_on(index: TipIndex) -> None:
    hits = index.search("salary " * 20_000)
    assert hits and hits[0].tip.topic == "money"


def test_stemming_and_stopwords() -> None:
    assert stem("notes") == stem("note")
    assert stem("resume") == "cv"
    assert terms("How do I write the thank-you notes?") == ["write", "thank", "note"]
