"""Feedback after a review of the reviewer: ordinary work stories that the rules misread as
a flaw, and a guard that the word lists owe nothing to the held-back test answers.

Each conversation opens one question with `/practice <id>`, answers in the DM and reads what
the member sees: the flags, the one thing to fix and what worked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from bot.replies import Reply, Visibility
from bot.review import MainFix, Review, WordStats, structure
from bot.review import wordlists as wl
from bot.review.coherence import PRAISE_CONTRADICTS, PRAISE_MODULES, contradictions
from bot.review.text import hits
from bot.text import fold
from tests.conftest import Conversation

ROOT = Path(__file__).resolve().parent.parent


async def feedback(conversation: Conversation, question: str, text: str) -> Reply:
    await conversation.command(f"/practice {question}", dm=True)
    (reply,) = await conversation.dm(text)
    assert reply.visibility is Visibility.DM
    return reply


def section(reply: Reply, title: str) -> str:
    return next((s.text for s in reply.sections if s.title == title), "")


# --- honesty: nothing in the word lists comes only from the held-back test answers ------------


def _answers() -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for path in ("bench/review_answers.yaml", "tests/eval/practice_adversarial.yaml"):
        found += yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))["answers"]
    return found


def test_no_result_action_or_achievement_word_is_found_only_in_test_answers() -> None:
    answers = _answers()
    seen = [fold(a["answer"]) for a in answers if a["split"] != "test"]
    seen += [  # the conversation tests are a fair source too (not this file)
        fold(path.read_text(encoding="utf-8"))
        for path in (ROOT / "tests").glob("test_review*.py")
        if path.name != Path(__file__).name
    ]
    held_back = [fold(a["answer"]) for a in answers if a["split"] == "test"]
    lists = (
        wl.RESULT,
        wl.RESULT_NEAR_NUMBER,
        wl.ACTION_VERBS_IRREGULAR,
        wl.ACHIEVED_SUMS,
        wl.PAY_NOUNS,
    )
    only_test = [
        entry
        for listed in lists
        for entry in listed
        if not any(hits(t, (entry,)) for t in seen) and any(hits(t, (entry,)) for t in held_back)
    ]
    # "grew" predates the test answers: it was in the first reviewer (6849112).
    assert set(only_test) <= {"grew"}, only_test


# --- a work story is not a self-centred reason --------------------------------------------


async def test_low_pay_and_counting_days_off_in_a_work_story_is_not_self_centred(
    conversation: Conversation,
) -> None:
    reply = await feedback(
        conversation,
        "beh-problem-solving",
        "When I was a care coordinator for a home care agency, the pay was low so people kept "
        "leaving and the rota always had holes in it. I worked out how many days off each "
        "carer had left and planned cover four weeks ahead instead of one. I rang every carer "
        "on Fridays to confirm the next week. Missed visits dropped from twelve a month to "
        "two, which meant our clients were not left waiting at home.",
    )
    assert "self_centred" not in reply.meta["flags"]
    assert "Give reasons about the work" not in section(reply, "The one thing to fix")


async def test_leaving_because_the_pay_was_rubbish_is_still_about_what_you_get(
    conversation: Conversation,
) -> None:
    reply = await feedback(
        conversation,
        "beh-failure",
        "I left the warehouse job because the pay was rubbish, so there is not much of a "
        "story there. I would rather talk about the sorting mistake I made at the depot, "
        "which I fixed by checking every cage the next morning.",
    )
    assert "self_centred" in reply.meta["flags"]


async def test_a_perk_question_without_a_question_mark_is_still_a_question(
    conversation: Conversation,
) -> None:
    reply = await feedback(
        conversation,
        "questions-for-us",
        "is there free parking for staff. and how many days holiday do i get in year one",
    )
    assert reply.meta["main_fix"] == "self_centred"


# --- beating the plan is not beating the other people ---------------------------------------


async def test_finishing_faster_than_people_expected_is_not_a_boast(
    conversation: Conversation,
) -> None:
    reply = await feedback(
        conversation,
        "beh-initiative",
        "In my last job as an accounts assistant the yearly stock audit always ran late and "
        "held up the year-end close. I offered to write a checklist and split the counting by "
        "aisle between four of us. I finished the audit faster than people expected, in "
        "three days instead of six, which meant the accounts closed on time for the first "
        "time in years.",
    )
    assert "cocky" not in reply.meta["flags"]


async def test_better_than_most_managers_is_still_a_boast(conversation: Conversation) -> None:
    reply = await feedback(
        conversation,
        "greatest-strength",
        "Honestly I am better at planning than most managers I have worked under, they just "
        "make it up as they go along and I never do.",
    )
    assert "cocky" in reply.meta["flags"]


# --- a saving said per year is not a salary figure ----------------------------------------


async def test_a_saving_per_year_is_not_a_single_salary_number(
    conversation: Conversation,
) -> None:
    reply = await feedback(
        conversation,
        "why-worth-that",
        "In my last role I ran the maintenance contracts, and renegotiating them ended up "
        "saving roughly ninety thousand a year. I looked at similar roles in the region and "
        "my range sits in the middle of what they pay, and I'm flexible on the whole package. "
        "What range have you set for the role?",
    )
    assert "single_number" not in reply.meta["flags"]


# --- everyday steps are not results -------------------------------------------------------


async def test_raising_it_with_a_manager_and_passing_it_on_is_not_a_result(
    conversation: Conversation,
) -> None:
    reply = await feedback(
        conversation,
        "beh-customer",
        "When I worked in a phone shop, a customer's contract had been set up on the wrong "
        "tariff. I checked the account with her at the counter. I raised it with my manager "
        "and passed it on to head office. Later a customer came back furious about the same "
        "thing.",
    )
    assert "no_result" in reply.meta["flags"]
    assert "A concrete result" not in section(reply, "What worked")


async def test_five_stars_and_three_weeks_later_are_still_results(
    conversation: Conversation,
) -> None:
    reply = await feedback(
        conversation,
        "beh-customer",
        "At the hotel front desk a guest was angry that his room faced the lift. I apologised, "
        "moved him to a quiet room on the top floor and sent up breakfast on the house. He "
        "gave us five stars online, and three weeks later he booked again for his family.",
    )
    assert not {"no_result", "vague_result"} & set(reply.meta["flags"])


async def test_a_house_move_told_to_the_work_environment_question_misses_its_point(
    conversation: Conversation,
) -> None:
    reply = await feedback(
        conversation,
        "best-work-environment",
        "Last year I moved somewhere new, a flat near the river. It was busy with boxes for "
        "weeks. My brother helped and I have a lot of respect for him. We finished painting "
        "in the spring and the place looks great now.",
    )
    assert {"misses_point", "off_topic"} & set(reply.meta["flags"])


# --- a present-tense story is a story ------------------------------------------------------


async def test_a_short_present_tense_story_asks_for_the_action_not_off_topic(
    conversation: Conversation,
) -> None:
    reply = await feedback(
        conversation,
        "beh-pressure",
        "Saturdays at the bakery, two of us off sick and eighty orders to go out by seven. I "
        "come in at four and do the bread first, cakes last. I ring the cafes that can wait. "
        "Every order goes out on time.",
    )
    assert "off_topic" not in reply.meta["flags"]
    assert "Answer the question they asked" not in section(reply, "The one thing to fix")


# --- coherence: every strength is known to the contradiction check ---------------------------


def _strength_praise() -> list[tuple[str, str]]:
    """For every `Strength(weight, lead, …)` in bot/review: its module and the name of the
    `Praise` its lead is built from (`X.lead`, or an f-string opening with `{X.lead}`)."""
    found: list[tuple[str, str]] = []
    for path in sorted((ROOT / "bot/review").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Strength"):
                continue
            lead = node.args[1]
            if isinstance(lead, ast.JoinedStr) and isinstance(lead.values[0], ast.FormattedValue):
                lead = lead.values[0].value
            ok = isinstance(lead, ast.Attribute) and lead.attr == "lead"
            assert ok, f"{path.name}:{node.lineno}: build the lead from a declared Praise"
            assert isinstance(lead, ast.Attribute) and isinstance(lead.value, ast.Name)
            found.append((path.stem, lead.value.id))
    return found


def test_every_strength_is_built_from_praise_the_coherence_check_reads() -> None:
    modules = {m.__name__.rsplit(".", 1)[1]: m for m in PRAISE_MODULES}
    used = _strength_praise()
    assert used
    for module, name in used:
        assert module in modules, f"{module}.py gives strengths: add it to PRAISE_MODULES"
        praise = getattr(modules[module], name)
        assert praise in modules[module].PRAISES, f"{module}.{name} is not in its PRAISES"


def test_the_contradiction_check_reads_a_reworded_strength() -> None:
    leads = [lead for lead, _ in PRAISE_CONTRADICTS]
    assert structure.CONCRETE_RESULT.lead in leads
    review = Review(
        question_id="beh-teamwork",
        reviewer="test",
        scores={},
        overall=70,
        flags=["vague_result"],
        strengths=[f"{structure.CONCRETE_RESULT.lead}“we finished early”"],
        main_fix=MainFix("vague_result", "structure", "…"),
        outline=[],
        notes={},
        stats=WordStats(words=10, seconds=4, target_seconds=120),
    )
    assert any("vague_result" in c for c in contradictions(review))
