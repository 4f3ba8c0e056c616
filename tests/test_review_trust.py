"""Feedback a member can trust (bench/eval_review.py): what the member sees when the answer
is good but phrased in ways the rules once misread, and when it answers something else.

Each conversation opens one question with `/practice <id>`, answers in the DM and reads the
feedback reply: its text, its sections and its meta (flags, main fix, strengths).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.content import load_library
from bot.replies import Reply, Visibility
from bot.review import MainFix, Review, RuleReviewer, WordStats
from bot.review.coherence import contradictions
from tests.conftest import Conversation


async def feedback(conversation: Conversation, question: str, text: str) -> Reply:
    await conversation.command(f"/practice {question}", dm=True)
    (reply,) = await conversation.dm(text)
    assert reply.visibility is Visibility.DM
    assert reply.meta["question_id"] == question
    return reply


def section(reply: Reply, title: str) -> str:
    return next((s.text for s in reply.sections if s.title == title), "")


async def test_a_strength_backed_by_a_work_story_is_neither_off_topic_nor_private(
    conversation: Conversation,
) -> None:
    reply = await feedback(
        conversation,
        "greatest-strength",
        "My greatest strength is keeping calm when plans fall apart. At the bakery where I was "
        "shift lead, our delivery van broke down at five in the morning on a Saturday with "
        "forty cafe orders loaded. I rang two drivers from our sister shop, split the round "
        "between their cars and took the nearest cafes myself. Every cafe had its bread "
        "before opening.",
    )
    assert not {"off_topic", "private_details"} & set(reply.meta["flags"])
    assert "Answer the question they asked" not in section(reply, "The one thing to fix")
    assert section(reply, "What worked")
    assert reply.meta["overall"] >= 75


async def test_things_getting_less_chaotic_is_not_blaming_anyone(
    conversation: Conversation,
) -> None:
    reply = await feedback(
        conversation,
        "beh-improved-process",
        "At the vet clinic where I did reception, the morning phone queue was twenty calls "
        "deep by nine. I suggested an online form for repeat prescriptions and set it up with "
        "our booking supplier. Within two months morning calls fell by a third, and the "
        "practice manager said the front desk was far less chaotic, which meant vets started "
        "on time.",
    )
    assert "blame" not in reply.meta["flags"]
    assert "former boss" not in section(reply, "The one thing to fix")


async def test_a_budget_run_is_evidence_not_a_salary_figure(conversation: Conversation) -> None:
    reply = await feedback(
        conversation,
        "why-worth-that",
        "Because of what I deliver: I ran a fleet budget of three million and came in under "
        "it for three years, saving roughly ninety thousand. I also hold the transport "
        "manager licence your advert asks for. The range I gave sits in the middle of what I "
        "found for similar roles, and I'm open to the whole package.",
    )
    assert "single_number" not in reply.meta["flags"]
    assert reply.meta["main_fix"] != "single_number"


async def test_a_salary_figure_told_to_a_story_question_is_off_topic(
    conversation: Conversation,
) -> None:
    reply = await feedback(
        conversation,
        "beh-pressure",
        "I'd be looking for around fifty thousand, plus a decent pension and the usual "
        "holidays. That's what similar jobs nearby seem to offer.",
    )
    assert reply.meta["main_fix"] == "off_topic"
    fix = section(reply, "The one thing to fix")
    assert "Answer the question they asked" in fix
    assert reply.meta["overall"] <= 40
    assert not section(reply, "What worked")


async def test_a_short_answer_missing_its_parts_is_held_below_strong_and_told_why(
    conversation: Conversation,
) -> None:
    reply = await feedback(
        conversation,
        "beh-initiative",
        "At the library where I volunteer on Saturdays, I saw returned books piling up on a "
        "trolley by the desk for days at a time, and people kept asking for titles that were "
        "sitting right there. Nobody asked me to, but I started shelving them during the quiet "
        "hours, and I made colour labels for each section of shelves so anyone could do it. I "
        "showed the other volunteers how the labels worked.",
    )
    assert reply.meta["overall"] <= 74
    assert "a_bit_short" in reply.meta["flags"]
    assert "held down" in reply.text


async def test_too_short_to_judge_says_so_and_praises_nothing_about_brevity(
    conversation: Conversation,
) -> None:
    reply = await feedback(conversation, "cv-gap", "family stuff, all fine now")
    assert "too_short" in reply.meta["flags"]
    assert "held down: too short to judge fully" in reply.text
    assert not any(s.startswith("Brief") for s in reply.meta["strengths"])


async def test_declining_to_judge_other_candidates_is_not_a_boast(
    conversation: Conversation,
) -> None:
    reply = await feedback(
        conversation,
        "what-sets-you-apart",
        "I don't know the other candidates, so I can only tell you what I bring. I've done "
        "both the warehouse floor and the planning desk, six years each, so I plan shifts "
        "knowing what a late truck does to the people loading it. Last year that helped me "
        "cut overtime on my site by a quarter.",
    )
    assert "cocky" not in reply.meta["flags"]


async def test_questions_only_about_perks_are_about_what_you_get(
    conversation: Conversation,
) -> None:
    reply = await feedback(
        conversation,
        "questions-for-us",
        "How many days off would I get in the first year? And when is the first pay rise?",
    )
    assert reply.meta["main_fix"] == "self_centred"


async def test_apologising_to_a_customer_in_the_story_is_not_apologising(
    conversation: Conversation,
) -> None:
    reply = await feedback(
        conversation,
        "beh-customer",
        "At the garage a customer came back furious because her car still rattled after a "
        "repair we'd charged her for. I apologised to her, took the car out with her myself "
        "and heard it too. I put it back on the ramp that afternoon at no cost, found a loose "
        "heat shield the first mechanic had missed, and drove it back to her house. She "
        "left us a five-star review the next week and has booked every service with us since.",
    )
    assert "apologising" not in reply.meta["flags"]


def test_the_contradiction_check_catches_praise_beside_its_own_flag() -> None:
    review = Review(
        question_id="beh-teamwork",
        reviewer="test",
        scores={},
        overall=70,
        flags=["no_result", "too_short", "a_bit_short"],
        strengths=["A concrete result: “we finished early”"],
        main_fix=MainFix("blame", "framing", "…"),
        outline=[],
        notes={},
        stats=WordStats(words=10, seconds=4, target_seconds=120),
    )
    found = contradictions(review)
    assert any("A concrete result" in c for c in found)
    assert any("two degrees" in c for c in found)
    assert any("main fix blame" in c for c in found)


def test_no_feedback_on_the_eval_answers_contradicts_itself() -> None:
    """Every answer in the adversarial set and the train and dev answers of
    bench/review_answers.yaml (test stays held back) gets feedback without a contradiction."""
    root = Path(__file__).resolve().parent.parent
    library = load_library(root / "content")
    reviewer = RuleReviewer()
    rows = yaml.safe_load((root / "tests/eval/practice_adversarial.yaml").read_text())["answers"]
    rows += [
        row
        for row in yaml.safe_load((root / "bench/review_answers.yaml").read_text())["answers"]
        if row["split"] != "test"
    ]
    assert len(rows) > 150
    found = {}
    for row in rows:
        question = library.question(row["question"])
        assert question is not None, row["question"]
        clashes = contradictions(reviewer.review_now(question, row["answer"]))
        if clashes:
            found[row["id"]] = clashes
    assert found == {}
