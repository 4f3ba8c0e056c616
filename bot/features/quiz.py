"""`/quiz`: a short multiple-choice round with buttons, the reason after each answer, a score.

A run is a `quiz_runs` row: open while it is played, done (the member's result) when
finished. Buttons carry the run id and the question's position, so a double click or an
old button can never answer the wrong question.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity
from bot.charts import bar
from bot.content import Library
from bot.content.schema import QuizItem
from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, ProgressPart, feature
from bot.replies import Button, ButtonStyle, Reply
from bot.router import Router
from bot.store.models import Member, QuizRun
from bot.text import fold, shorten

ITEMS_PER_RUN = 5
LETTERS = "ABCDEFGH"
STOP_WORDS = frozenset({"stop", "cancel", "end", "quit"})


@feature
class Quiz(Feature):
    name = "quiz"

    def register(self, router: Router) -> None:
        router.add_command(
            "quiz",
            "A five-question multiple-choice quiz on interview know-how, with the reasons.",
            "/quiz · /quiz stop",
            self.on_quiz,
        )
        router.add_action("quiz:new", self.on_new)
        router.add_action("quiz:restart", self.on_restart)
        router.add_action("quiz:continue", self.on_continue)
        router.add_action("quiz:answer", self.on_answer)
        router.add_action("quiz:stop", self.on_stop)

    async def on_quiz(self, ctx: Context) -> Reply:
        if fold(ctx.text) in STOP_WORDS:
            return await self.on_stop(ctx)
        return await self.on_new(ctx)

    async def on_new(self, ctx: Context) -> Reply:
        """A fresh quiz, unless one is being played: then ask before throwing it away."""
        run = await _open_run(ctx)
        if run is not None:
            total = len(run.item_ids)
            return ctx.private(
                Reply(
                    title="A quiz is in progress",
                    text=f"You're on question {run.position + 1} of {total} "
                    f"({run.score} right so far). Carry on, or start over with new questions?",
                    buttons=[
                        Button("Continue", f"quiz:continue:{run.id}", ButtonStyle.PRIMARY),
                        Button("Start over", "quiz:restart"),
                    ],
                    meta={"run_id": run.id, "position": run.position, "in_progress": True},
                )
            )
        return await self.on_restart(ctx)

    async def on_continue(self, ctx: Context) -> Reply:
        run = await _open_run(ctx)
        if run is None:
            raise UserError("That quiz is already over. `/quiz` starts a fresh one.")
        reply = _question_reply(ctx.library, run)
        reply.text = "Here is where you were.\n\n" + reply.text
        return ctx.private(reply)

    async def on_restart(self, ctx: Context) -> Reply:
        if not ctx.library.quiz:
            raise UserError("There are no quiz questions in the library yet.")
        await _abandon_open(ctx)
        run = QuizRun(
            member_id=ctx.member.id,
            item_ids=await _pick_items(ctx),
            answers=[],
            position=0,
            score=0,
            status="open",
            created_at=ctx.now,
        )
        ctx.session.add(run)
        await ctx.session.flush()
        return ctx.private(_question_reply(ctx.library, run))

    async def on_stop(self, ctx: Context) -> Reply:
        stopped = await _abandon_open(ctx)
        text = (
            "Stopped the quiz. `/quiz` starts a fresh one whenever you like."
            if stopped
            else "You have no quiz running. `/quiz` starts one."
        )
        return ctx.private(Reply(text=text, meta={"stopped": stopped}))

    async def on_answer(self, ctx: Context) -> list[Reply]:
        numbers = [int(a) for a in ctx.args if a.isascii() and a.isdigit() and len(a) <= 9]
        if len(numbers) != len(ctx.args) or len(numbers) not in (2, 3):
            raise UserError("That answer button is broken. `/quiz` starts a fresh quiz.")
        run_id, choice = numbers[0], numbers[-1]
        position = numbers[1] if len(numbers) == 3 else None
        run = await ctx.session.scalar(
            select(QuizRun).where(QuizRun.id == run_id, QuizRun.member_id == ctx.member.id)
        )
        if run is None:
            raise UserError("That quiz isn't yours, or it no longer exists. `/quiz` starts one.")
        if run.status != "open":
            raise UserError("That quiz is already over. `/quiz` starts a fresh one.")
        if position is not None and position != run.position:
            reply = _question_reply(ctx.library, run)
            reply.text = "You already answered that one; here is where you are.\n\n" + reply.text
            return [ctx.private(reply)]
        item = ctx.library.quiz_item(run.item_ids[run.position])
        replies: list[Reply] = []
        if item is None:
            run.answers = [*run.answers, -1]
            replies.append(Reply(text="That question has left the library, so I skipped it."))
        else:
            if not 0 <= choice < len(item.choices):
                raise UserError("That is not one of the choices. Press one of the letters.")
            right = choice == item.answer
            run.answers = [*run.answers, choice]
            run.score += int(right)
            replies.append(_explanation(ctx.library, item, choice, right, run.position))
        run.position += 1
        if run.position < len(run.item_ids):
            replies.append(_question_reply(ctx.library, run))
        else:
            run.status = "done"
            run.finished_at = ctx.now
            await activity.record(
                ctx.session, ctx.services.db.dialect, ctx.member, ctx.zone, ctx.now, "quiz"
            )
            replies.append(_final_reply(ctx.library, run))
        return [ctx.private(r) for r in replies]

    async def progress(self, ctx: Context) -> ProgressPart:
        quizzes = list(
            await ctx.session.scalars(
                select(QuizRun)
                .where(QuizRun.member_id == ctx.member.id, QuizRun.status == "done")
                .order_by(QuizRun.finished_at, QuizRun.id)
            )
        )
        if quizzes:
            best = max(quizzes, key=lambda q: (q.score / max(1, len(q.item_ids)), q.id))
            last = quizzes[-1]
            count = f"{len(quizzes)} quiz{'zes' if len(quizzes) != 1 else ''}"
            lines = [
                f"Quiz · best {best.score}/{len(best.item_ids)}, "
                f"last {last.score}/{len(last.item_ids)} ({count})"
            ]
        else:
            lines = ["Quiz · not taken yet"]
        meta = [{"score": q.score, "total": len(q.item_ids)} for q in quizzes]
        return ProgressPart("quiz", lines, meta, order=30)

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        runs = await session.scalars(
            select(QuizRun).where(QuizRun.member_id == member.id).order_by(QuizRun.id)
        )
        return {
            "quiz_runs": [
                {
                    "items": r.item_ids,
                    "answers": r.answers,
                    "score": r.score,
                    "status": r.status,
                    "created_at": r.created_at.isoformat(),
                    "finished_at": r.finished_at.isoformat() if r.finished_at else None,
                }
                for r in runs
            ]
        }

    async def delete_member(self, session: AsyncSession, member: Member) -> int:
        removed = await session.execute(delete(QuizRun).where(QuizRun.member_id == member.id))
        return removed.rowcount or 0


async def _open_run(ctx: Context) -> QuizRun | None:
    return await ctx.session.scalar(
        select(QuizRun)
        .where(QuizRun.member_id == ctx.member.id, QuizRun.status == "open")
        .order_by(QuizRun.id.desc())
        .limit(1)
    )


async def _abandon_open(ctx: Context) -> bool:
    result = await ctx.session.execute(
        update(QuizRun)
        .where(QuizRun.member_id == ctx.member.id, QuizRun.status == "open")
        .values(status="abandoned", finished_at=ctx.now)
    )
    return bool(result.rowcount)


async def _pick_items(ctx: Context) -> list[str]:
    """Items the member has seen least, in a stable shuffle per member and round."""
    past = list(
        await ctx.session.scalars(
            select(QuizRun.item_ids).where(QuizRun.member_id == ctx.member.id)
        )
    )
    seen = Counter(item for ids in past for item in ids)
    round_number = len(past)

    def order(item: QuizItem) -> tuple[int, str]:
        key = f"{ctx.member.id}:{round_number}:{item.id}".encode()
        return seen[item.id], hashlib.sha256(key).hexdigest()

    return [i.id for i in sorted(ctx.library.quiz, key=order)[:ITEMS_PER_RUN]]


def _question_reply(library: Library, run: QuizRun) -> Reply:
    item = library.quiz_item(run.item_ids[run.position])
    total = len(run.item_ids)
    if item is None:
        return Reply(
            title=f"Quiz · {run.position + 1} of {total}",
            text="This question has left the library. Press Skip to go on.",
            buttons=[Button("Skip", f"quiz:answer:{run.id}:{run.position}:0")],
            meta={"run_id": run.id, "position": run.position, "item_id": None},
        )
    choices = "\n".join(f"{LETTERS[i]}) {c}" for i, c in enumerate(item.choices))
    return Reply(
        title=f"Quiz · {run.position + 1} of {total}",
        text=f"{item.question}\n\n{choices}",
        buttons=[
            Button(LETTERS[i], f"quiz:answer:{run.id}:{run.position}:{i}")
            for i in range(len(item.choices))
        ]
        + [Button("Stop", "quiz:stop")],
        meta={"run_id": run.id, "position": run.position, "item_id": item.id, "total": total},
    )


def _explanation(
    library: Library, item: QuizItem, choice: int, right: bool, position: int
) -> Reply:
    best = f"{LETTERS[item.answer]}) {item.choices[item.answer]}"
    lead = best if right else f"You picked {LETTERS[choice]}; the best answer is {best}"
    text = f"{lead}\n\n{item.explanation}"
    tip = library.tip(item.tip) if item.tip else None
    if tip is not None:
        text += f"\n\nMore on this: `/tip {tip.title.lower()}`"
    return Reply(
        title="✓ Right" if right else "✗ Not quite",
        text=text,
        meta={"item_id": item.id, "position": position, "correct": right, "answer": item.answer},
    )


def _final_reply(library: Library, run: QuizRun) -> Reply:
    total = len(run.item_ids)
    share = run.score / max(1, total)
    if run.score == total:
        comment = "Full marks: you know this ground well. A practice question is the next step."
    elif share >= 0.8:
        comment = "Strong. The one you missed is worth a second read above."
    elif share >= 0.6:
        comment = "A good base. The explanations above cover the ones you missed."
    else:
        comment = "Worth another round: these are the moves candidates miss most often."
    missed = []
    for item_id, choice in zip(run.item_ids, run.answers, strict=False):
        item = library.quiz_item(item_id)
        if item is not None and choice != item.answer:
            missed.append(f"• {shorten(item.question, 90)}")
    text = f"{bar(run.score, total, total)} {run.score}/{total}\n\n{comment}"
    if missed:
        text += "\n\nTo look at again:\n" + "\n".join(missed)
    return Reply(
        title=f"Quiz done: {run.score}/{total}",
        text=text,
        buttons=[
            Button("Another quiz", "quiz:new", ButtonStyle.PRIMARY),
            Button("Practise a question", "practice:new:any"),
        ],
        meta={"run_id": run.id, "score": run.score, "total": total, "finished": True},
    )
