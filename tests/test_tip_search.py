"""Tip search on how members actually ask: paraphrases, typos, slang and nonsense.

These check behaviour, not the benchmark figures (those are in bench/tip_eval.py):
a clear question gets its topic, a vague one gets choices, and words no tip answers
get nothing rather than a random tip.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.content import load_library
from bot.content.schema import Category, Question
from bot.content.search import TipIndex
from bot.understanding import Example, Matcher, Vocabulary
from bot.understanding.words import plain_words

CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture(scope="module")
def index() -> TipIndex:
    return TipIndex.for_library(load_library(CONTENT))


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("they hired someone else, now what", "after-rejection"),
        ("how do I explain being fired", "sensitive-questions"),
        ("got sacked last month, how do i explain that", "sensitive-questions"),
        ("there's a gap in my resume", "sensitive-questions"),
        ("thank you note", "thank-you-notes"),
        ("salary expectations", "money"),
        ("the HR person isn't technical", "plain-language"),
        ("who is interviewing me", "research-interviewer"),
        ("STAR stories", "ccar-stories"),
        ("my interview is tomorrow, what should I do tonight", "day-before"),
        ("the interview is on zoom, how do I look good on camera", "video-interviews"),
        ("it's been two weeks and they haven't gotten back to me", "no-reply-follow-up"),
        ("they made me an offer, should I accept straight away?", "offers"),
        ("who should I ask to be my referee", "references"),
        ("my hands shake and my voice goes wobbly when I'm anxious", "nerves"),
        ("what is your greatest weakness", "weaknesses"),
        ("tell me about yourself", "tell-me-about-yourself"),
        ("why do you want to work for us", "why-this-role"),
    ],
)
def test_clear_questions_get_their_topic(index: TipIndex, question: str, topic: str) -> None:
    found = index.match(question)
    assert found.verdict.kind == "answer", found.verdict
    assert found.topic == topic
    assert found.hits and all(h.tip.topic == topic for h in found.hits)


@pytest.mark.parametrize(
    ("typo", "topic"),
    [
        ("thnak you note", "thank-you-notes"),
        ("salarry expectaions", "money"),
        ("reserch the compnay", "research-company"),
        ("refrences for a new job", "references"),
    ],
)
def test_typos_are_forgiven(index: TipIndex, typo: str, topic: str) -> None:
    assert index.match(typo).topic == topic


@pytest.mark.parametrize(
    "words",
    [
        "can you book me a flight",
        "what's the weather like in Leeds",
        "quantum chromodynamics",
        "zzzz qqqq",
        "!!!",
        "",
        "tell me a joke",
    ],
)
def test_words_no_tip_answers_get_no_tip(index: TipIndex, words: str) -> None:
    found = index.match(words)
    assert found.verdict.kind != "answer"
    assert found.hits == []


@pytest.mark.parametrize(
    "words",
    [
        "could you write a covering letter for me",
        "how much will my state pension be",
        "is it going to snow on friday",
        "please apply to these jobs for me",
        "how do i switch off the daily digest",
        "my universal credit was stopped",
    ],
)
def test_job_adjacent_asks_no_tip_answers_get_no_tip(index: TipIndex, words: str) -> None:
    """Work words (letter, jobs, pension) alone do not make a question about interviews."""
    found = index.match(words)
    assert found.verdict.kind != "answer", found.verdict
    assert found.hits == []


def test_a_vague_question_offers_two_or_three_topics_in_order(index: TipIndex) -> None:
    found = index.match("follow up")
    assert found.verdict.kind == "unsure"
    assert 2 <= len(found.verdict.candidates) <= 3
    assert set(found.verdict.candidates) >= {"thank-you-notes", "no-reply-follow-up"}
    ranked = [t for t, _ in found.verdict.ranked]
    assert list(found.verdict.candidates) == ranked[: len(found.verdict.candidates)]


def test_search_is_deterministic(index: TipIndex) -> None:
    first = index.match("follow up after the interview")
    assert first == index.match("follow up after the interview")


def test_huge_queries_are_cut_not_choked_on(index: TipIndex) -> None:
    assert index.match("salary " * 20_000).topic == "money"


def test_tips_inside_a_topic_follow_the_words(index: TipIndex) -> None:
    hits = index.rank_tips("my last pay was much higher than this job", "money")
    assert hits[0].tip.id == "money-pay-gap-explain"
    assert index.rank_tips("how do i stop rambling", "ccar-stories")[0].tip.id == "ccar-two-minutes"


def test_politeness_and_contractions_are_read_through() -> None:
    assert plain_words("Hi there, what's my best bet? Thanks in advance") == [
        "what", "is", "my", "best", "bet",
    ]  # fmt: skip
    assert plain_words("I didn't get it") == ["i", "did", "not", "get", "it"]


def test_typo_fixes_keep_the_first_letter() -> None:
    vocabulary = Vocabulary()
    vocabulary.learn(["light", "salary", "interview"])
    assert vocabulary.correct("salry") == "salary"
    assert vocabulary.correct("intervew") == "interview"
    assert vocabulary.correct("flight") is None


def test_short_words_one_letter_from_a_known_word_are_not_fixed() -> None:
    """ "bread" is a word of its own, not a typo of "break"; swapped letters still are."""
    vocabulary = Vocabulary()
    vocabulary.learn(["break", "thank"])
    assert vocabulary.correct("bread") is None
    assert vocabulary.correct("thnak") == "thank"


def test_one_vowel_for_another_is_a_typo_even_in_a_short_word() -> None:
    """Spelling by ear ("vidio") is fixed; a changed consonant ("bread") still is not."""
    vocabulary = Vocabulary()
    vocabulary.learn(["video", "break"])
    assert vocabulary.correct("vidio") == "video"
    assert vocabulary.correct("bread") is None


def test_a_synonym_that_is_a_contraction_is_not_read_as_its_expansion() -> None:
    """A club listing "id" (photo ID) must not make every "I'd like..." about documents."""
    vocabulary = Vocabulary([["documents", "id", "passport"]])
    assert "~documents" not in vocabulary.features("i'd like some help")[0]
    assert "~documents" in vocabulary.features("do i need my passport")[0]


def test_the_vote_only_ever_lowers_a_topic_score(index: TipIndex) -> None:
    """The naive Bayes vote scales similarity by at most 1, so the answer and
    out-of-scope thresholds keep their meaning."""
    matcher = index.matcher
    plain = dataclasses.replace(matcher.thresholds, vote_share=0.0)
    for words in ("how do i look up who is interviewing me", "my voice shakes", "pay"):
        with_vote = dict(matcher.rank(words))
        without = dict(matcher.rank(words, plain))
        assert all(with_vote[label] <= without[label] + 1e-12 for label in with_vote)
    assert matcher.rank("pay") != matcher.rank("pay", plain)


def test_a_topic_nearly_as_close_as_no_tip_is_still_offered(index: TipIndex) -> None:
    """When a message looks a little more like something no tip answers, the member
    still gets "Did you mean…" with the topic; only a clear out-of-scope gets nothing."""
    near = index.matcher.judge([("out-of-scope", 0.30), ("nerves", 0.20), ("day-before", 0.1)])
    assert near.kind == "unsure" and near.candidates[0] == "nerves"
    far = index.matcher.judge([("out-of-scope", 0.30), ("nerves", 0.12)])
    assert far.kind == "none"


def test_a_club_synonym_teaches_a_new_word() -> None:
    examples = [Example("pay", "how much salary to ask"), Example("sleep", "cannot sleep")]
    plain = Matcher(examples, Vocabulary())
    taught = Matcher(examples, Vocabulary([["salary", "dosh"]]))
    assert plain.decide("dosh").kind == "none"
    assert taught.decide("dosh").best == "pay"


# --- /practice words go through the same matcher ----------------------------------------


def test_practice_words_name_a_question(index: TipIndex) -> None:
    found = index.practice_choice("why was I sacked")
    assert isinstance(found, Question)
    assert found.id == "why-were-you-fired"


def test_practice_words_reach_a_category_through_their_topic(index: TipIndex) -> None:
    found = index.practice_choice("the money talk")
    assert isinstance(found, Question | Category)
    category = found.id if isinstance(found, Category) else found.category
    assert category == "money"


def test_practice_words_that_fit_nothing_pick_nothing(index: TipIndex) -> None:
    assert index.practice_choice("book me a flight") is None
