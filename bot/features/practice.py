"""`/practice`: a hard interview question in the DM, and coach-style feedback on the answer.

The open question lives in `practice_sessions` (one row per member), and the DM is held
for it through the core's DM focus (`ctx.hold_dm("practice", …)`), so an answer sent
after a restart still finds it. Answers are reviewed by a `Reviewer` (see `bot/review`),
stored in `practice_answers`, and shown to their author only.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity
from bot.charts import bar, trend_arrow
from bot.content import Library
from bot.content.schema import Category, Question
from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, Figure, Period, ProgressPart, feature
from bot.replies import Button, ButtonStyle, Reply, Section, Visibility
from bot.review import (
    DIMENSION_TITLES,
    FLAG_FAMILIES,
    FLAG_LABELS,
    Review,
    Reviewer,
    RuleReviewer,
)
from bot.review.text import plural
from bot.router import LeaveReason, Router
from bot.store.database import insert_ignoring_conflict
from bot.store.models import Member, PracticeAnswer, PracticeSession
from bot.text import fold, shorten

CANCEL_WORDS = frozenset(
    {"cancel", "stop", "quit", "exit", "leave", "nevermind", "never mind", "forget it"}
)
SKIP_WORDS = frozenset({"skip", "pass", "next", "next question", "another", "another one"})
"""Typed instead of an answer, these leave the question (cancel) or swap it for another in
the same category (skip); neither is ever graded."""
_COURTESY = frozenset(
    "please thanks thank you ok okay this that it one question for now i ill will the on "
    "just can we lets let me".split()
)
MIN_ANSWER_WORDS = 3
WEAK_BELOW = 60
"""An answer scoring under this is weak: worth another go a few days later."""
RETRY_AFTER = timedelta(days=3)
HISTORY_LIMIT = 10
STORY_HINTS = 3
CATEGORY_ALIASES = {
    "salary": "money",
    "pay": "money",
    "negotiation": "money",
    "behavioral": "behavioural",
    "behaviour": "behavioural",
    "behavior": "behavioural",
    "stories": "behavioural",
    "story": "behavioural",
    "ccar": "behavioural",
    "star": "behavioural",
    "technical": "non-technical",
    "plain": "non-technical",
    "jargon": "non-technical",
    "awkward": "sensitive",
    "hard": "sensitive",
    "gap": "sensitive",
    "close": "closing",
    "end": "closing",
    "skills": "skills-value",
    "value": "skills-value",
    "strengths": "skills-value",
    "fit": "motivation",
}


@feature
class Practice(Feature):
    name = "practice"

    def __init__(self, reviewer: Reviewer | None = None) -> None:
        self.reviewer: Reviewer = reviewer or RuleReviewer()

    def register(self, router: Router) -> None:
        router.add_command(
            "practice",
            "Practise a hard interview question in private and get feedback on your answer.",
            "/practice [category | words] · /practice categories · /practice history",
            self.on_practice,
        )
        router.add_action("practice:start", self.on_start)
        router.add_action("practice:again", self.on_start)
        router.add_action("practice:new", self.on_new)
        router.add_action("practice:compare", self.on_compare)
        router.add_action("practice:cancel", self.on_cancel)
        router.add_action("practice:categories", self.on_categories)
        router.add_action("practice:history", self.on_history)
        router.add_conversation("practice", self.on_text, self.on_leave)

    # -- commands and buttons ---------------------------------------------------------------

    async def on_practice(self, ctx: Context) -> Reply | list[Reply]:
        query = ctx.text.strip()
        folded = fold(query)
        if query and not folded:
            raise UserError("I could not read any words there. Try `/practice sensitive`.")
        if folded in ("categories", "category", "list", "help", "topics"):
            return self._categories(ctx)
        if folded == "history":
            return await self.on_history(ctx)
        if folded in CANCEL_WORDS:
            return await self.on_cancel(ctx)
        if not folded:
            question = await _most_needed(ctx)
        elif (category := category_named(ctx.library, folded)) is not None:
            question = await _pick_in_category(ctx, category)
        else:
            # The same matcher as /tip: a question the words name, or their topic's category.
            found = ctx.library.question(
                folded.replace(" ", "-")
            ) or ctx.services.tip_index.practice_choice(query)
            question = await _pick_in_category(ctx, found) if isinstance(found, Category) else found
        if question is None:
            reply = self._categories(ctx)
            reply.text = (
                f"I have no question that matches “{shorten(query, 80)}”. Pick a category, "
                "or try other words.\n\n" + reply.text
            )
            reply.meta["no_match"] = True
            return reply
        return await start_question(ctx, question.id)

    async def on_start(self, ctx: Context) -> list[Reply]:
        return await start_question(ctx, ctx.args[0] if ctx.args else "")

    async def on_new(self, ctx: Context) -> list[Reply]:
        wanted = ctx.args[0] if ctx.args else ""
        category = ctx.library.category(wanted)
        if category is not None and ctx.library.questions_in(category.id):
            question = await _pick_in_category(ctx, category)
        else:
            question = await _most_needed(ctx)
        return await start_question(ctx, question.id)

    async def on_cancel(self, ctx: Context) -> Reply:
        removed = await ctx.session.execute(
            delete(PracticeSession).where(PracticeSession.member_id == ctx.member.id)
        )
        await ctx.release_dm("practice")
        text = (
            "Okay, I put the question away. `/practice` brings a new one whenever you like."
            if removed.rowcount
            else "You have no open practice question. `/practice` sends you one."
        )
        return ctx.private(Reply(text=text, meta={"cancelled": bool(removed.rowcount)}))

    async def on_categories(self, ctx: Context) -> Reply:
        return self._categories(ctx)

    async def on_compare(self, ctx: Context) -> Reply:
        question = ctx.library.question(ctx.args[0]) if ctx.args else None
        if question is None:
            raise UserError("That question is no longer in the library. `/practice` finds another.")
        attempts = await _attempts(ctx.session, ctx.member, question.id)
        if not attempts:
            return ctx.private(
                Reply(
                    text=f"You haven't answered “{question.text}” yet.",
                    buttons=[Button("Answer it", f"practice:start:{question.id}")],
                    meta={"question_id": question.id, "attempts": []},
                ),
            )
        return ctx.private(_compare_reply(question, attempts, ctx.zone))

    async def on_history(self, ctx: Context) -> Reply:
        rows = await _attempts(ctx.session, ctx.member, None)
        if not rows:
            return ctx.private(
                Reply(
                    text="No practice answers yet. `/practice` sends you a question in private.",
                    meta={"history": []},
                ),
            )
        by_question: dict[str, list[PracticeAnswer]] = defaultdict(list)
        for row in rows:
            by_question[row.question_id].append(row)
        ordered = sorted(by_question.items(), key=lambda kv: kv[1][-1].created_at, reverse=True)
        lines: list[str] = []
        meta: list[dict[str, Any]] = []
        for qid, answers in ordered[:15]:
            question = ctx.library.question(qid)
            label = shorten(question.text, 60) if question else qid
            first, last = answers[0].overall, answers[-1].overall
            arrow = trend_arrow(first, last) if len(answers) > 1 else " "
            lines.append(f"{bar(last)} {last:>3} {arrow} {label} ({len(answers)}×)")
            meta.append({"question_id": qid, "attempts": len(answers), "latest": last})
        weakest = min(ordered, key=lambda kv: kv[1][-1].overall)[0]
        buttons = []
        if ctx.library.question(weakest) is not None:
            buttons.append(
                Button("Retry my weakest", f"practice:again:{weakest}", ButtonStyle.PRIMARY)
            )
        buttons.append(Button("A new question", "practice:new:any"))
        return ctx.private(
            Reply(
                title=f"Your practice ({plural(len(rows), 'answer')})",
                text="\n".join(lines) + "\n\nLatest score per question; ↑ ↓ → compare with your "
                "first try.",
                buttons=buttons,
                meta={"history": meta},
            ),
        )

    # -- the answer, in the DM --------------------------------------------------------------

    async def on_text(self, ctx: Context, state: dict[str, Any]) -> Reply | list[Reply] | None:
        """The member's answer: the DM is held for it while a question is open.

        The core has already taken help, cancel and commands typed without the slash;
        what is left is an answer, a skip, or "I don't know".
        """
        open_row = await _open_session(ctx.session, ctx.member)
        if open_row is None:
            await ctx.release_dm("practice")
            return None
        text = ctx.text.strip()
        folded = fold(text)
        if not folded:
            return None
        control = control_word(folded)
        if control in CANCEL_WORDS:
            return await self.on_cancel(ctx)
        question = ctx.library.question(open_row.question_id)
        if question is None:
            await ctx.session.delete(open_row)
            await ctx.release_dm("practice")
            raise UserError(
                "The question you were answering has been taken out of the library, so I "
                "closed it. `/practice` sends you a new one."
            )
        if control in SKIP_WORDS:
            return await _skip(ctx, question)
        if is_dont_know(folded):
            return _dont_know_reply(question)
        if len(folded.split()) < MIN_ANSWER_WORDS:
            return Reply(
                text="That's only a word or two. Send your whole answer in one message, the way "
                "you'd say it aloud, or type `cancel` to leave the question.",
                visibility=Visibility.DM,
                meta={"question_id": question.id, "waiting": True},
            )
        review = await self.reviewer.review(question, text)
        earlier = await _attempts(ctx.session, ctx.member, question.id)
        answer = PracticeAnswer(
            member_id=ctx.member.id,
            question_id=question.id,
            category=question.category,
            answer=text,
            scores=dict(review.scores),
            overall=review.overall,
            flags=list(review.flags),
            main_fix=review.main_fix.flag if review.main_fix else None,
            reviewer=review.reviewer,
            created_at=ctx.now,
        )
        ctx.session.add(answer)
        await ctx.session.delete(open_row)
        await ctx.release_dm("practice")
        await ctx.session.flush()
        await activity.record(
            ctx.session, ctx.services.db.dialect, ctx.member, ctx.zone, ctx.now, "practice"
        )
        return _feedback_reply(ctx.library, question, review, answer, earlier)

    async def on_leave(self, ctx: Context, state: dict[str, Any], reason: LeaveReason) -> str:
        """Another conversation took the DM, or the member typed `cancel`: close the question."""
        removed = await ctx.session.execute(
            delete(PracticeSession).where(PracticeSession.member_id == ctx.member.id)
        )
        if reason == "cancel":
            return "Okay, I put the question away. `/practice` brings a new one whenever you like."
        if removed.rowcount:
            return "I put away your open practice question; `/practice` brings one back."
        return ""

    # -- views for other features -----------------------------------------------------------

    async def progress(self, ctx: Context) -> ProgressPart:
        rows = (
            await ctx.session.execute(
                select(PracticeAnswer.category, func.count(), func.avg(PracticeAnswer.overall))
                .where(PracticeAnswer.member_id == ctx.member.id)
                .group_by(PracticeAnswer.category)
            )
        ).all()
        practice = {category: (count, round(float(avg))) for category, count, avg in rows}
        answers = sum(c for c, _ in practice.values())
        if answers:
            average = round(sum(c * a for c, a in practice.values()) / answers)
            lines = [f"Practice · {plural(answers, 'answer')}, average {average}"]
        else:
            lines = ["Practice · no answers yet"]
        categories = [c for c in ctx.library.categories if ctx.library.questions_in(c.id)]
        known = {c.id for c in categories}
        for c in categories:
            count, avg = practice.get(c.id, (0, None))
            score = f"{avg:>3}" if avg is not None else "  –"
            lines.append(f"{bar(avg or 0)} {score}  {c.title} ({count})")
        for category, (count, avg) in sorted(practice.items()):
            if category not in known:
                lines.append(f"{bar(avg)} {avg:>3}  {category} ({count})")
        meta = {k: {"count": c, "average": a} for k, (c, a) in practice.items()}
        return ProgressPart("practice", lines, meta, order=10)

    async def retry_question(
        self, session: AsyncSession, member: Member, now: datetime
    ) -> str | None:
        return await weak_question_due(session, member, now)

    async def retry_questions(
        self, session: AsyncSession, member_ids: Sequence[int], now: datetime
    ) -> dict[int, str]:
        """`retry_question` for a batch of members (the nudge claim's), in two queries."""
        return await weak_questions_due(session, member_ids, now)

    async def report_figures(
        self, session: AsyncSession, member_ids: Sequence[int], period: Period
    ) -> list[Figure]:
        """Practice answers given in the period, per member (`docs/coordinators.md`)."""
        rows = await session.execute(
            select(PracticeAnswer.member_id, func.count())
            .where(
                PracticeAnswer.member_id.in_(member_ids),
                PracticeAnswer.created_at >= period.since,
                PracticeAnswer.created_at < period.until,
            )
            .group_by(PracticeAnswer.member_id)
        )
        counts = {member: int(n) for member, n in rows.all()}
        return [Figure("practice_answers", "practice answers", counts, sum(counts.values()), 20)]

    async def digest_counts(
        self, session: AsyncSession, club_id: int, since: datetime, until: datetime
    ) -> dict[str, int]:
        count = await session.scalar(
            select(func.count())
            .select_from(PracticeAnswer)
            .join(Member, Member.id == PracticeAnswer.member_id)
            .where(
                Member.club_id == club_id,
                PracticeAnswer.created_at >= since,
                PracticeAnswer.created_at <= until,
            )
        )
        return {"practice answers": count or 0}

    async def home_sections(self, ctx: Context) -> list[Section]:
        count, average = (
            await ctx.session.execute(
                select(func.count(), func.avg(PracticeAnswer.overall)).where(
                    PracticeAnswer.member_id == ctx.member.id
                )
            )
        ).one()
        if not count:
            return [Section(title="Practice", text="No answers yet: `/practice` asks you one.")]
        return [
            Section(
                title="Practice",
                text=f"{count} answer{'s' if count != 1 else ''}, average {round(average)}/100.",
            )
        ]

    # -- member data ------------------------------------------------------------------------

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        answers = await _attempts(session, member, None)
        open_row = await _open_session(session, member)
        return {
            "practice_answers": [
                {
                    "question_id": a.question_id,
                    "category": a.category,
                    "answer": a.answer,
                    "scores": a.scores,
                    "overall": a.overall,
                    "flags": a.flags,
                    "main_fix": a.main_fix,
                    "reviewer": a.reviewer,
                    "created_at": a.created_at.isoformat(),
                }
                for a in answers
            ],
            "open_question": (
                {"question_id": open_row.question_id, "asked_at": open_row.asked_at.isoformat()}
                if open_row
                else None
            ),
        }

    async def delete_member(self, session: AsyncSession, member: Member) -> int:
        answers = await session.execute(
            delete(PracticeAnswer).where(PracticeAnswer.member_id == member.id)
        )
        sessions = await session.execute(
            delete(PracticeSession).where(PracticeSession.member_id == member.id)
        )
        return (answers.rowcount or 0) + (sessions.rowcount or 0)

    def _categories(self, ctx: Context) -> Reply:
        library = ctx.library
        lines = [
            f"• {c.title} ({len(library.questions_in(c.id))}): {c.summary}"
            for c in library.categories
        ]
        return ctx.private(
            Reply(
                title="Practice categories",
                text="\n".join(lines) + "\n\n`/practice <category>` or `/practice <words>`; "
                "plain `/practice` picks what you need most.",
                buttons=[
                    Button(c.title, f"practice:new:{c.id}")
                    for c in library.categories
                    if library.questions_in(c.id)
                ],
                meta={"categories": [c.id for c in library.categories]},
            ),
        )


# -- the question, opened by a command, a button, or a skip ---------------------------------


async def start_question(ctx: Context, question_id: str) -> list[Reply]:
    """Open `question_id` for the member and send it to their DM (a note in the channel)."""
    question = ctx.library.question(question_id)
    if question is None:
        raise UserError("That question is no longer in the library. `/practice` finds another.")
    notes: list[str] = []
    previous = await _open_session(ctx.session, ctx.member)
    if previous is not None and previous.question_id != question.id:
        old = ctx.library.question(previous.question_id)
        if old is not None:
            notes.append(f"I put away your open question (“{shorten(old.text, 70)}”).")
    # The DM is the question's now; whatever held it (a story draft) is told by the core.
    notes += await ctx.hold_dm(
        "practice",
        {"question_id": question.id},
        waiting_for=f"your answer to “{shorten(question.text, 90)}”",
    )
    await ctx.session.execute(
        insert_ignoring_conflict(
            ctx.services.db.dialect,
            PracticeSession.__table__,
            {"member_id": ctx.member.id, "question_id": question.id, "asked_at": ctx.now},
            ["member_id"],
        )
    )
    await ctx.session.execute(
        update(PracticeSession)
        .where(PracticeSession.member_id == ctx.member.id)
        .values(question_id=question.id, asked_at=ctx.now)
    )
    earlier = await _attempts(ctx.session, ctx.member, question.id)
    stories = await _fitting_stories(ctx, question)
    replies = [_question_reply(ctx.library, question, notes, earlier, stories)]
    if not ctx.in_dm:
        replies.append(
            Reply(
                text="I sent you a question in our DM. Answer it there: only you see it.",
                visibility=Visibility.ONLY_MEMBER,
                meta={"question_id": question.id, "sent_to_dm": True},
            )
        )
    return replies


async def weak_question_due(session: AsyncSession, member: Member, now: datetime) -> str | None:
    """A question the member last answered weakly (under 60) at least 3 days ago, or None.

    Only the latest attempt counts, so a retry (of any score) resets the clock.
    """
    latest: dict[str, PracticeAnswer] = {}
    for row in await _attempts(session, member, None):
        latest[row.question_id] = row
    open_row = await _open_session(session, member)
    due = [
        a
        for a in latest.values()
        if a.overall < WEAK_BELOW
        and a.created_at <= now - RETRY_AFTER
        and (open_row is None or open_row.question_id != a.question_id)
    ]
    if not due:
        return None
    return min(due, key=lambda a: (a.overall, a.created_at, a.question_id)).question_id


async def weak_questions_due(
    session: AsyncSession, member_ids: Sequence[int], now: datetime
) -> dict[int, str]:
    """`weak_question_due` for many members at once: two queries, whatever their number."""
    if not member_ids:
        return {}
    ids = list(member_ids)
    latest: dict[int, dict[str, tuple[int, datetime]]] = defaultdict(dict)
    answers = await session.execute(
        select(
            PracticeAnswer.member_id,
            PracticeAnswer.question_id,
            PracticeAnswer.overall,
            PracticeAnswer.created_at,
        )
        .where(PracticeAnswer.member_id.in_(bindparam("ids", expanding=True)))
        .order_by(PracticeAnswer.created_at, PracticeAnswer.id),
        {"ids": ids},
    )
    for member_id, question_id, overall, created_at in answers:
        latest[member_id][question_id] = (overall, created_at)
    if not latest:
        return {}
    open_question = dict(
        (
            await session.execute(
                select(PracticeSession.member_id, PracticeSession.question_id).where(
                    PracticeSession.member_id.in_(list(latest))
                )
            )
        ).all()
    )
    found: dict[int, str] = {}
    for member_id, questions in latest.items():
        due = [
            (overall, created_at, question_id)
            for question_id, (overall, created_at) in questions.items()
            if overall < WEAK_BELOW
            and created_at <= now - RETRY_AFTER
            and open_question.get(member_id) != question_id
        ]
        if due:
            found[member_id] = min(due)[2]
    return found


# -- choosing a question ---------------------------------------------------------------------


def category_named(library: Library, folded: str) -> Category | None:
    """The category a member means by `folded`: its id, its title, an alias or a near miss."""
    folded = CATEGORY_ALIASES.get(folded, folded)
    names: dict[str, Category] = {}
    for c in library.categories:
        names[fold(c.id)] = c
        names[fold(c.title)] = c
        names[c.id] = c
    if folded in names:
        return names[folded]
    if len(folded.split()) > 2:
        return None
    match = process.extractOne(folded, list(names), scorer=fuzz.ratio, score_cutoff=85)
    return names[match[0]] if match else None


async def _most_needed(ctx: Context) -> Question:
    """Untried categories first (in library order), then the one with the lowest average."""
    library = ctx.library
    usable = [c for c in library.categories if library.questions_in(c.id)]
    if not usable:
        raise UserError("There are no practice questions in the library yet.")
    rows = (
        await ctx.session.execute(
            select(PracticeAnswer.category, func.count(), func.avg(PracticeAnswer.overall))
            .where(PracticeAnswer.member_id == ctx.member.id)
            .group_by(PracticeAnswer.category)
        )
    ).all()
    stats = {category: (count, float(avg)) for category, count, avg in rows}
    untried = [c for c in usable if c.id not in stats]
    if untried:
        return await _pick_in_category(ctx, untried[0])
    order = {c.id: i for i, c in enumerate(usable)}
    weakest = min(usable, key=lambda c: (stats[c.id][1], stats[c.id][0], order[c.id]))
    return await _pick_in_category(ctx, weakest)


async def _pick_in_category(ctx: Context, category: Category) -> Question:
    """A question the member has not answered (stable order per member), else their weakest."""
    questions = ctx.library.questions_in(category.id)
    if not questions:
        raise UserError(f"There are no questions in {category.title} yet.")
    latest: dict[str, PracticeAnswer] = {}
    for row in await _attempts(ctx.session, ctx.member, None):
        latest[row.question_id] = row
    fresh = [q for q in questions if q.id not in latest]
    if fresh:
        return min(fresh, key=lambda q: _member_order(ctx.member.id, q.id))
    return min(questions, key=lambda q: (latest[q.id].overall, latest[q.id].created_at))


def _member_order(member_id: int, question_id: str) -> str:
    """A stable shuffle per member, so two members don't get the same sequence."""
    return hashlib.sha256(f"{member_id}:{question_id}".encode()).hexdigest()


# -- queries ---------------------------------------------------------------------------------


async def _open_session(session: AsyncSession, member: Member) -> PracticeSession | None:
    return await session.scalar(
        select(PracticeSession).where(PracticeSession.member_id == member.id)
    )


async def _attempts(
    session: AsyncSession, member: Member, question_id: str | None
) -> list[PracticeAnswer]:
    """The member's own answers, oldest first (to one question, or all)."""
    query = select(PracticeAnswer).where(PracticeAnswer.member_id == member.id)
    if question_id is not None:
        query = query.where(PracticeAnswer.question_id == question_id)
    return list(await session.scalars(query.order_by(PracticeAnswer.created_at, PracticeAnswer.id)))


async def _fitting_stories(ctx: Context, question: Question) -> list[str]:
    """The member's stories that fit the question, from whichever feature keeps stories."""
    if not question.competencies:
        return []
    lines: list[str] = []
    for feat in ctx.services.features:
        lines += await feat.fitting_stories(
            ctx.session, ctx.member, question.competencies, STORY_HINTS
        )
    return lines[:STORY_HINTS]


# -- replies ---------------------------------------------------------------------------------


def _question_reply(
    library: Library,
    question: Question,
    notes: list[str],
    earlier: Sequence[PracticeAnswer],
    stories: list[str],
) -> Reply:
    category = library.category(question.category)
    words = round(question.target_seconds * 150 / 60)
    lines = [*notes, f"“{question.text}”"] if notes else [f"“{question.text}”"]
    lines.append(
        f"Answer here in one message, the way you'd say it aloud. Aim for about "
        f"{_seconds(question.target_seconds)} (roughly {words} words). Type `cancel` to leave it."
    )
    if earlier:
        last = earlier[-1]
        fix = FLAG_LABELS.get(last.main_fix or "", "")
        lines.append(
            f"Last time you scored {last.overall}/100"
            + (f"; the thing to fix was: {fix}." if fix else ".")
        )
    sections = []
    if stories:
        sections.append(
            Section(
                title="Your stories that could fit",
                text="\n".join(stories),
            )
        )
    return Reply(
        title=f"Practice · {category.title if category else question.category}",
        text="\n\n".join(lines),
        sections=sections,
        buttons=[
            Button("A different question", f"practice:new:{question.category}"),
            Button("Cancel", "practice:cancel"),
        ],
        visibility=Visibility.DM,
        meta={
            "question_id": question.id,
            "category": question.category,
            "target_seconds": question.target_seconds,
        },
    )


def _feedback_reply(
    library: Library,
    question: Question,
    review: Review,
    answer: PracticeAnswer,
    earlier: Sequence[PracticeAnswer],
) -> Reply:
    stats = review.stats
    lines = [
        f"“{shorten(question.text, 140)}”",
        f"About {plural(stats.seconds, 'second')} spoken ({plural(stats.words, 'word')}); the "
        f"target is about {_seconds(stats.target_seconds)}.",
    ]
    if earlier:
        before = earlier[-1].overall
        lines.append(
            f"Attempt {len(earlier) + 1}: last time {before}, now {review.overall} "
            f"{trend_arrow(before, review.overall)}."
        )
    if review.capped:
        lines.append(f"(The overall score is held down: {review.capped}.)")
    sections: list[Section] = []
    if review.strengths:
        sections.append(
            Section(title="What worked", text="\n".join(f"• {s}" for s in review.strengths))
        )
    if review.main_fix is not None:
        sections.append(Section(title="The one thing to fix", text=review.main_fix.text))
    else:
        sections.append(
            Section(
                title="Next step",
                text="Nothing stood out to fix. Say it aloud twice, timing yourself, then try "
                "a harder question.",
            )
        )
    sections.append(
        Section(
            title="A stronger answer, from your own words",
            text="\n".join(step.line for step in review.outline),
        )
    )
    chart = [f"{bar(review.overall)} {review.overall:>3}  Overall"]
    chart += [
        f"{bar(score)} {score:>3}  {DIMENSION_TITLES.get(name, name)}"
        for name, score in review.scores.items()
    ]
    sections.append(Section(title="Scores", text="\n".join(chart)))
    top = ", ".join(f"{w} ×{n}" for w, n in stats.top_words) or "–"
    fillers = ", ".join(f"{w} ×{n}" for w, n in stats.fillers[:4]) or "none"
    sections.append(Section(title="Words", text=f"Most used: {top} · fillers: {fillers}"))
    checking = question.checking
    tip = library.tip(question.tip) if question.tip else None
    if tip is not None:
        checking += f"\n\nMore on this: `/tip {tip.title.lower()}`"
    sections.append(Section(title="What they are really checking", text=checking))
    buttons = [Button("Try again", f"practice:again:{question.id}", ButtonStyle.PRIMARY)]
    if earlier:
        buttons.append(Button("Compare attempts", f"practice:compare:{question.id}"))
    buttons.append(Button("Another question", f"practice:new:{question.category}"))
    return Reply(
        title=f"Feedback · {review.overall}/100",
        text="\n".join(lines),
        sections=sections,
        buttons=buttons,
        visibility=Visibility.DM,
        meta={
            "question_id": question.id,
            "category": question.category,
            "scores": dict(review.scores),
            "overall": review.overall,
            "flags": list(review.flags),
            "serious": list(review.serious),
            "main_fix": review.main_fix.flag if review.main_fix else None,
            "main_fix_text": review.main_fix.text if review.main_fix else None,
            "strengths": list(review.strengths),
            "outline": [step.as_meta() for step in review.outline],
            "flagged_sentences": {flag: list(s) for flag, s in review.flagged.items()},
            "sounds_like": review.sounds_like,
            "capped": review.capped,
            "answer_id": answer.id,
            "attempt": len(earlier) + 1,
            "previous_overall": earlier[-1].overall if earlier else None,
            "words": stats.words,
            "seconds": stats.seconds,
            "reviewer": review.reviewer,
        },
    )


def _compare_reply(question: Question, attempts: list[PracticeAnswer], zone: ZoneInfo) -> Reply:
    shown = attempts[-HISTORY_LIMIT:]
    skipped = len(attempts) - len(shown)
    lines = []
    previous: int | None = attempts[skipped - 1].overall if skipped else None
    for number, a in enumerate(shown, start=skipped + 1):
        local = a.created_at.astimezone(zone)
        arrow = trend_arrow(previous, a.overall) if previous is not None else " "
        lines.append(
            f"{number}. {bar(a.overall)} {a.overall:>3} {arrow}  {local.day} {local:%b %H:%M}"
        )
        previous = a.overall
    first, last = attempts[0], attempts[-1]
    sections = []
    if len(attempts) > 1:
        changes = [
            f"{DIMENSION_TITLES.get(d, d)}: {first.scores[d]} → {last.scores[d]}"
            f" ({last.scores[d] - first.scores[d]:+d})"
            for d in last.scores
            if d in first.scores and last.scores[d] != first.scores[d]
        ]
        fixed, still = fixed_and_open(first.flags, last.flags)
        text = "\n".join(changes) or "The same on every dimension."
        if fixed:
            text += "\nFixed since your first try: " + ", ".join(fixed) + "."
        if still:
            text += "\nStill to work on: " + ", ".join(still[:4]) + "."
        sections.append(Section(title="First try → latest", text=text))
    trend = trend_arrow(first.overall, last.overall)
    summary = (
        f"Trend: {first.overall} → {last.overall} {trend} over {len(attempts)} attempts."
        if len(attempts) > 1
        else "One attempt so far: try again to see a trend."
    )
    return Reply(
        title=f"Your attempts · {shorten(question.text, 70)}",
        text="\n".join(lines) + "\n\n" + summary,
        sections=sections,
        buttons=[Button("Try again", f"practice:again:{question.id}", ButtonStyle.PRIMARY)],
        meta={
            "question_id": question.id,
            "attempts": [a.overall for a in attempts],
            "trend": trend,
            "fixed": fixed_and_open(first.flags, last.flags)[0] if len(attempts) > 1 else [],
            "still_open": fixed_and_open(first.flags, last.flags)[1] if len(attempts) > 1 else [],
        },
    )


def _seconds(seconds: int) -> str:
    if seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    if seconds > 60:
        return f"{seconds // 60} min {seconds % 60} s"
    return plural(seconds, "second")


# -- gentle edges ----------------------------------------------------------------------------

_DONT_KNOW = re.compile(
    r"^(?:(?:um+|erm|uh+|hmm+|honestly|sorry|well|oh|so|i guess|to be honest)\s)*"
    r"(?:i\s(?:really\s|honestly\s|just\s)?(?:dont|do not|didnt)\s(?:really\s)?know|"
    r"(?:i\s(?:have|ve got)\s)?no\s(?:idea|clue)|(?:im|i am)\s(?:not\s(?:really\s)?sure|"
    r"stuck|blank|drawing a blank|lost)|not sure|idk|dunno|no clue|pass me|"
    r"i\s(?:cant|cannot)\s(?:think|answer)|i\s(?:have|ve got)\snothing|"
    r"nothing comes to mind|i\s(?:dont|do not)\shave\san answer|where do i (?:start|begin)|"
    r"how do i (?:start|answer))"
)
DONT_KNOW_MAX_WORDS = 14
_STARTERS = {
    "sensitive": "“In my last role…” and one neutral sentence about what happened",
    "behavioural": "“Last year, when I was working at…”, then what was at stake",
    "motivation": "“What drew me to this was…” and one thing you found out about them",
    "skills-value": "“One thing I'm good at is…, for example…”",
    "money": "“From what I've seen, roles like this pay between … and …”",
    "non-technical": "“In plain words, my job is to…”",
    "closing": "“Yes, I'd like to know…” or one short, clear sentence",
}


def control_word(folded: str) -> str | None:
    """`skip`, `never mind`, `stop`… when that is all the message says (with courtesies)."""
    words = folded.split()
    if not words or len(words) > 6:
        return None
    core = " ".join(w for w in words if w not in _COURTESY)
    if core in CANCEL_WORDS or core in SKIP_WORDS:
        return core
    return None


def is_dont_know(folded: str) -> bool:
    """A short "I don't know" / "no idea" / "I'm stuck", not an answer that starts that way."""
    return len(folded.split()) <= DONT_KNOW_MAX_WORDS and bool(_DONT_KNOW.search(folded))


def _dont_know_reply(question: Question) -> Reply:
    """Kind, with a way in; the question stays open and nothing is graded or stored."""
    points = [p.says for p in question.addresses]
    wants = points[0] if len(points) == 1 else ", ".join(points[:-1]) + " and " + points[-1]
    starter = _STARTERS.get(question.category, "one plain sentence that answers it")
    return Reply(
        text=(
            "That's a fair place to be: this is a hard one, and practising it here is how it "
            f"gets easier. They are really asking for {wants}. A way to start: {starter}. "
            "Say it aloud once, then send me what you've got: rough is fine. Or type `skip` "
            "for another question."
        ),
        visibility=Visibility.DM,
        meta={
            "question_id": question.id,
            "waiting": True,
            "dont_know": True,
            "hint": starter,
        },
    )


async def _skip(ctx: Context, question: Question) -> list[Reply]:
    """Swap the open question for another in its category (any category if it has one)."""
    others = [q for q in ctx.library.questions_in(question.category) if q.id != question.id]
    if not others:
        others = [q for q in ctx.library.questions if q.id != question.id]
    if not others:
        await ctx.session.execute(
            delete(PracticeSession).where(PracticeSession.member_id == ctx.member.id)
        )
        await ctx.release_dm("practice")
        return [Reply(text="Skipped, no score. `/practice` brings a new question.")]
    answered = {a.question_id for a in await _attempts(ctx.session, ctx.member, None)}
    fresh = [q for q in others if q.id not in answered] or others
    nxt = min(fresh, key=lambda q: _member_order(ctx.member.id, q.id))
    replies = await start_question(ctx, nxt.id)
    replies[0].text = "Skipped, no score. Here's another one.\n\n" + replies[0].text
    replies[0].meta["skipped"] = question.id
    return replies


def fixed_and_open(first: Sequence[str], last: Sequence[str]) -> tuple[list[str], list[str]]:
    """Flaws fixed since the first try, and flaws still open, each named once.

    Flags of one family ("a little short" then "too short") are one flaw, so a flaw is
    either fixed or still open, never both.
    """

    def families(flags: Sequence[str]) -> dict[str, str]:
        named: dict[str, str] = {}
        for flag in flags:
            named.setdefault(FLAG_FAMILIES.get(flag, flag), FLAG_LABELS.get(flag, flag))
        return named

    before, now = families(first), families(last)
    fixed = [label for family, label in before.items() if family not in now]
    still = list(now.values())
    return fixed, still
