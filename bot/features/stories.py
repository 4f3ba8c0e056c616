"""`/story`: build CCAR stories step by step in the DM, then keep, edit and tag them.

A draft lives in `story_drafts` (one per member) so the builder survives restarts. Saved
stories are private to their author. The goal is eight ready stories, the number a
well-prepared candidate keeps to hand for "tell me about a time" questions.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, get_args

from rapidfuzz import fuzz, process
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity
from bot.charts import bar
from bot.content import Library
from bot.content.schema import Competency, Question
from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, Figure, Period, ProgressPart, feature
from bot.replies import Button, ButtonStyle, Reply, Section, Visibility
from bot.review.structure import is_concrete, ownership
from bot.review.structure import mode as story_mode
from bot.review.text import Answer
from bot.router import Handler, LeaveReason, Router, number, text
from bot.router import word as one_word
from bot.store.models import Member, Story, StoryDraft
from bot.text import fold, shorten

STORY_GOAL = 8
COMPETENCIES: tuple[str, ...] = get_args(Competency)
PARTS = ("context", "challenge", "action", "result", "why_it_matters")
STEPS = ("title", *PARTS, "competencies")
MAX_TITLE = 120
MAX_PART = 1500
MIN_PART_WORDS = 3
LIST_BUTTONS = 5
COMMON_COUNT = STORY_GOAL
"""How many of the most-asked competencies count as common (one story each is the aim)."""
CANCEL_WORDS = frozenset({"cancel", "stop", "quit", "exit"})
YES_WORDS = frozenset({"ok", "okay", "yes", "y", "sure", "fine", "accept"})
SKIP_WORDS = frozenset({"skip", "none", "no", "pass"})
NumberedHandler = Callable[[Context, Story, str], Awaitable[Reply]]
PART_TITLES = {
    "title": "Title",
    "context": "Context",
    "challenge": "Challenge",
    "action": "Action",
    "result": "Result",
    "why_it_matters": "Why it mattered",
    "competencies": "Strengths it shows",
}
FIELD_NAMES = {
    "title": "title",
    "name": "title",
    "context": "context",
    "situation": "context",
    "challenge": "challenge",
    "problem": "challenge",
    "task": "challenge",
    "action": "action",
    "actions": "action",
    "result": "result",
    "results": "result",
    "outcome": "result",
    "why": "why_it_matters",
    "why_it_matters": "why_it_matters",
    "why-it-matters": "why_it_matters",
    "matters": "why_it_matters",
    "impact": "why_it_matters",
}


@dataclass(frozen=True)
class Prompt:
    question: str
    example: str


PROMPTS = {
    "title": Prompt(
        "What shall we call this story? A few words you'll recognise later.",
        "Office move without a hitch",
    ),
    "context": Prompt(
        "Context: where were you, what was your role, and roughly when? One or two sentences.",
        "Two years ago I was office manager at a 30-person design firm that had to move buildings.",
    ),
    "challenge": Prompt(
        "Challenge: what was at stake, or what stood in the way?",
        "We had three weeks, no budget for a removal firm, and clients expected us to keep "
        "working throughout.",
    ),
    "action": Prompt(
        "Action: what did you do yourself? Say “I”, and give two or three steps.",
        "I mapped every desk to the new floor plan, booked the move for a weekend, and had the "
        "network set up the day before.",
    ),
    "result": Prompt(
        "Result: what changed because of it? A number or something people could see is best.",
        "Everyone was working by 9 on Monday, and we didn't miss a single client call.",
    ),
    "why_it_matters": Prompt(
        "Why it mattered: who benefited, and why should an interviewer care?",
        "The firm kept its biggest client happy through the move and saved about £6,000 on movers.",
    ),
    "competencies": Prompt(
        "Last step: which strengths does this story show? Type a few from the list.",
        "teamwork, initiative",
    ),
}
KEYWORDS: dict[str, tuple[str, ...]] = {
    "leadership": ("led", "lead", "organis", "organiz", "coordinat", "managed", "direction"),
    "conflict": ("disagree", "conflict", "tension", "argument", "dispute", "clash"),
    "failure": ("mistake", "failed", "went wrong", "missed", "not go to plan"),
    "initiative": ("noticed", "nobody asked", "on my own", "volunteer", "took it on", "spotted"),
    "teamwork": ("together", "team", "colleague", "everyone"),
    "problem-solving": ("problem", "solved", "fixed", "root cause", "figured out", "worked out"),
    "communication": ("explain", "present", "wrote", "listened", "update", "told"),
    "adaptability": ("changed", "sudden", "adjust", "switch", "new plan"),
    "customer-focus": ("customer", "client", "user", "patient", "student", "guest"),
    "influence": ("persuad", "convinc", "won over", "buy in", "agreed to"),
    "learning": ("learn", "course", "taught myself", "new skill", "trained"),
    "prioritisation": ("priorit", "deadline", "urgent", "order of"),
    "resilience": ("pressure", "setback", "kept going", "despite", "stress"),
    "achievement": ("record", "award", "target", "saved", "increased", "grew", "%"),
    "motivation": ("proud", "care about", "enjoy", "passion"),
    "self-awareness": ("feedback", "realised", "realized", "reflect", "about myself"),
}


@feature
class Stories(Feature):
    name = "stories"

    def register(self, router: Router) -> None:
        router.add_command(
            "story",
            "Build and keep your CCAR stories (goal: eight ready); see which strengths lack one.",
            "/story",
            self.on_start,
        )
        sub = partial(router.add_subcommand, "story")
        sub("list", "Your stories and how ready each is.", self.on_list, aliases=("all", "mine"))
        sub(
            "show",
            "One story in full.",
            self._numbered(self._cmd_show),
            args=(number(),),
            example="show 2",
        )
        sub(
            "edit",
            "Change one part: title, context, challenge, action, result or why.",
            self._numbered(self._cmd_edit),
            args=(
                number(),
                one_word("FIELD", ask="Say which part to change"),
                text(ask="Give the new text"),
            ),
            example="edit 2 result cut waiting time from 10 days to 4",
        )
        sub(
            "delete",
            "Delete a story (asks first).",
            self._numbered(self._cmd_delete),
            args=(number(),),
            aliases=("remove",),
            example="delete 2",
            destructive=True,
            confirms_itself=True,
        )
        sub(
            "tag",
            "Add strengths a story shows.",
            self._numbered(self._cmd_tag),
            args=(number(), text("WORDS", ask="Which strengths")),
            example="tag 2 teamwork",
        )
        sub(
            "untag",
            "Remove strengths from a story.",
            self._numbered(self._cmd_untag),
            args=(number(), text("WORDS", ask="Which strengths")),
            example="untag 2 teamwork",
        )
        sub("gaps", "Common strengths that have no story yet.", self.on_gaps, aliases=("gap",))
        sub(
            "start",
            "Build a story step by step in our DM (or carry on).",
            self.on_start,
            aliases=("build",),
        )
        sub("new", "Start a fresh story, dropping the draft.", self.on_restart, destructive=True)
        sub(
            "cancel",
            "Drop the story draft.",
            self._discard,
            aliases=tuple(sorted(CANCEL_WORDS - {"cancel"})),
            destructive=True,
        )
        router.add_action("story:start", self.on_start)
        router.add_action("story:restart", self.on_restart)
        router.add_action("story:list", self.on_list)
        router.add_action("story:gaps", self.on_gaps)
        router.add_action("story:show", self.on_show)
        router.add_action("story:askdelete", self.on_ask_delete)
        router.add_action("story:delete", self.on_delete)
        router.add_action("story:keep", self.on_keep)
        router.add_conversation("stories", self.on_text, self.on_leave)

    # -- /story ----------------------------------------------------------------------------

    def _numbered(self, handler: NumberedHandler) -> Handler:
        """A sub-command handler for `VERB N ...`: finds story N for `handler`."""

        async def run(ctx: Context) -> Reply:
            story = await _by_number(ctx.session, ctx.member, int(ctx.args[0]))
            if story is None:
                raise UserError(f"You have no story #{ctx.args[0]}. `/story list` shows yours.")
            rest = " ".join(a for a in ctx.args[1:] if a) or ctx.text
            return await handler(ctx, story, rest.strip())

        return run

    async def _cmd_show(self, ctx: Context, story: Story, _arg: str) -> Reply:
        return ctx.private(_card(ctx.library, story))

    async def _cmd_edit(self, ctx: Context, story: Story, arg: str) -> Reply:
        field_text, _, text = arg.partition(" ")
        field = FIELD_NAMES.get(field_text.lower())
        if field is None:
            raise UserError(
                "Say which part to change: title, context, challenge, action, result or why, "
                f"e.g. `/story edit {story.number} result cut waiting time from 10 days to 4`."
            )
        text = text.strip()
        if not text:
            raise UserError(f"Give the new text, e.g. `/story edit {story.number} {field_text} …`.")
        setattr(story, field, _checked(field, text))
        story.updated_at = ctx.now
        reply = _card(ctx.library, story)
        reply.text = f"Updated the {PART_TITLES[field].lower()}.\n\n" + reply.text
        return ctx.private(reply)

    async def _cmd_delete(self, ctx: Context, story: Story, _arg: str) -> Reply:
        return ctx.private(_confirm_delete(story))

    async def _cmd_tag(self, ctx: Context, story: Story, arg: str) -> Reply:
        found, unknown = parse_competencies(arg)
        if not found:
            raise UserError(_unknown_competencies(unknown))
        story.competencies = [c for c in COMPETENCIES if c in set(story.competencies) | set(found)]
        story.updated_at = ctx.now
        note = f" I didn't recognise: {', '.join(unknown)}." if unknown else ""
        return ctx.private(
            Reply(
                text=f"#{story.number} {story.title} now shows: {', '.join(story.competencies)}."
                + note,
                meta={"story": story.number, "competencies": list(story.competencies)},
            ),
        )

    async def _cmd_untag(self, ctx: Context, story: Story, arg: str) -> Reply:
        found, unknown = parse_competencies(arg)
        if not found:
            raise UserError(_unknown_competencies(unknown))
        story.competencies = [c for c in story.competencies if c not in found]
        story.updated_at = ctx.now
        shown = ", ".join(story.competencies) or "no tags"
        return ctx.private(
            Reply(
                text=f"#{story.number} {story.title} now shows: {shown}.",
                meta={"story": story.number, "competencies": list(story.competencies)},
            ),
        )

    # -- lists and buttons ----------------------------------------------------------------

    async def on_list(self, ctx: Context) -> Reply:
        stories = await _stories(ctx.session, ctx.member)
        ready = sum(1 for s in stories if is_ready(s))
        draft = await _draft(ctx.session, ctx.member)
        if not stories and draft is None:
            return ctx.private(
                Reply(
                    text="No stories yet. `/story` builds one with you, step by step, in our "
                    f"DM. Aim for {STORY_GOAL}: enough to answer most “tell me about a time” "
                    "questions.",
                    buttons=[Button("Build a story", "story:start", ButtonStyle.PRIMARY)],
                    meta={"stories": [], "ready": 0, "goal": STORY_GOAL, "draft": None},
                ),
            )
        if not stories:
            assert draft is not None
            return ctx.private(
                Reply(
                    title=f"Your stories · 0/{STORY_GOAL} ready {_dots(0)}",
                    text="No finished stories yet, but one is half built:\n"
                    + _draft_line(draft)
                    + "\n\n`/story` carries on where you left it; `/story new` starts over.",
                    buttons=[Button("Carry on with it", "story:start", ButtonStyle.PRIMARY)],
                    meta={
                        "stories": [],
                        "ready": 0,
                        "goal": STORY_GOAL,
                        "draft": _draft_meta(draft),
                    },
                ),
            )
        lines = []
        for s in stories:
            tags = ", ".join(s.competencies) or "no tags yet"
            missing = [PART_TITLES[p].lower() for p in PARTS if not getattr(s, p).strip()]
            status = f" (missing: {', '.join(missing)})" if missing else ""
            lines.append(f"#{s.number} {s.title} · {tags}{status}")
        buttons = [
            Button(f"Show #{s.number}", f"story:show:{s.id}") for s in stories[:LIST_BUTTONS]
        ]
        if draft is not None:
            lines.append(_draft_line(draft))
            buttons.insert(0, Button("Carry on with the draft", "story:start", ButtonStyle.PRIMARY))
        buttons.append(Button("Gaps", "story:gaps"))
        return ctx.private(
            Reply(
                title=f"Your stories · {ready}/{STORY_GOAL} ready {_dots(ready)}",
                text="\n".join(lines)
                + "\n\n`/story show N` · `edit N FIELD TEXT` · `tag N WORDS` · `delete N`",
                buttons=buttons,
                meta={
                    "stories": [
                        {"number": s.number, "title": s.title, "competencies": s.competencies}
                        for s in stories
                    ],
                    "ready": ready,
                    "goal": STORY_GOAL,
                    "draft": _draft_meta(draft) if draft else None,
                },
            ),
        )

    async def on_gaps(self, ctx: Context) -> Reply:
        stories = await _stories(ctx.session, ctx.member)
        covered = {c for s in stories for c in s.competencies}
        gaps = [c for c in common_competencies(ctx.library) if c not in covered]
        ready = sum(1 for s in stories if is_ready(s))
        if not gaps:
            text = "Every common strength has at least one story. Well prepared."
        else:
            lines = []
            for c in gaps:
                question = _question_for(ctx.library, c)
                ask = f": try “{shorten(question.text, 80)}”" if question else ""
                lines.append(f"• {c}{ask}")
            text = "No story yet for these strengths interviewers often ask about:\n" + "\n".join(
                lines
            )
        buttons = [Button("Build a story", "story:start", ButtonStyle.PRIMARY)]
        for c in gaps[:3]:
            question = _question_for(ctx.library, c)
            if question is not None:
                buttons.append(Button(f"Practise: {c}", f"practice:start:{question.id}"))
        return ctx.private(
            Reply(
                title=f"Story gaps · {ready}/{STORY_GOAL} ready",
                text=text,
                buttons=buttons,
                meta={"gaps": gaps, "ready": ready, "goal": STORY_GOAL},
            ),
        )

    async def on_show(self, ctx: Context) -> Reply:
        return ctx.private(_card(ctx.library, await self._pressed(ctx)))

    async def on_ask_delete(self, ctx: Context) -> Reply:
        return ctx.private(_confirm_delete(await self._pressed(ctx)))

    async def on_delete(self, ctx: Context) -> Reply:
        story = await self._pressed(ctx)
        await ctx.session.delete(story)
        return ctx.private(
            Reply(
                text=f"Deleted story #{story.number} “{story.title}”.",
                meta={"deleted_story": story.number},
            ),
        )

    async def on_keep(self, ctx: Context) -> Reply:
        return ctx.private(Reply(text="Kept it. Nothing was deleted."))

    async def _pressed(self, ctx: Context) -> Story:
        """The story a button names, only if it belongs to the member who pressed it."""
        raw = ctx.args[0] if ctx.args else ""
        story = None
        if raw.isascii() and raw.isdigit() and len(raw) <= 12:
            story = await ctx.session.scalar(
                select(Story).where(Story.id == int(raw), Story.member_id == ctx.member.id)
            )
        if story is None:
            raise UserError("That story isn't one of yours, or it no longer exists.")
        return story

    # -- the builder ----------------------------------------------------------------------

    async def on_start(self, ctx: Context) -> list[Reply]:
        draft = await _draft(ctx.session, ctx.member)
        if draft is None:
            draft = StoryDraft(
                member_id=ctx.member.id,
                step=STEPS[0],
                fields={},
                paused=False,
                created_at=ctx.now,
                updated_at=ctx.now,
            )
            ctx.session.add(draft)
            await ctx.session.flush()
            lead = "Let's build a story. One step per message; each has a short example."
        else:
            draft.paused = False
            draft.updated_at = ctx.now
            lead = "Let's carry on with your story where you left it."
        # The DM is the draft's now; whatever held it (a practice question) is told by the core.
        notes = await _hold(ctx, draft)
        return self._in_dm(ctx, _step_reply(draft, [*notes, lead], resumed=bool(draft.fields)))

    async def on_restart(self, ctx: Context) -> list[Reply]:
        await ctx.session.execute(delete(StoryDraft).where(StoryDraft.member_id == ctx.member.id))
        return await self.on_start(ctx)

    def _in_dm(self, ctx: Context, reply: Reply) -> list[Reply]:
        if ctx.in_dm:
            return [reply]
        return [
            reply,
            Reply(
                text="I started a story with you in our DM. Only you can see it.",
                visibility=Visibility.ONLY_MEMBER,
                meta={"sent_to_dm": True},
            ),
        ]

    async def _discard(self, ctx: Context) -> Reply:
        removed = await ctx.session.execute(
            delete(StoryDraft).where(StoryDraft.member_id == ctx.member.id)
        )
        await ctx.release_dm("stories")
        text = (
            "Okay, I dropped the story draft. `/story` starts a fresh one whenever you like."
            if removed.rowcount
            else "You have no story draft open."
        )
        return ctx.private(Reply(text=text, meta={"draft_cancelled": bool(removed.rowcount)}))

    async def on_leave(self, ctx: Context, state: dict[str, Any], reason: LeaveReason) -> str:
        """Another conversation took the DM: pause the draft. `cancel`: drop it."""
        draft = await _draft(ctx.session, ctx.member)
        if draft is None:
            return ""
        if reason == "cancel":
            await ctx.session.delete(draft)
            return "Okay, I dropped the story draft. `/story` starts a fresh one whenever you like."
        draft.paused = True
        draft.updated_at = ctx.now
        return "Your story draft is paused; `/story` picks it up where you left it."

    async def on_text(self, ctx: Context, state: dict[str, Any]) -> Reply | None:
        """The next step of the draft: the DM is held for it while the draft is being built.

        The core has already taken help, cancel and commands typed without the slash.
        """
        draft = await _draft(ctx.session, ctx.member)
        if draft is None or draft.paused:
            await ctx.release_dm("stories")
            return None
        text = ctx.text.strip()
        folded = fold(text)
        if not folded:
            return None
        if folded in CANCEL_WORDS:
            return await self._discard(ctx)
        step = draft.step if draft.step in STEPS else STEPS[0]
        if folded == "back":
            draft.step = STEPS[max(0, STEPS.index(step) - 1)]
            draft.updated_at = ctx.now
            await _hold(ctx, draft)
            return _step_reply(draft, ["Back one step."], resumed=True)
        fields = dict(draft.fields)
        tip = ""
        if step == "title":
            fields["title"] = "" if folded in SKIP_WORDS else _checked("title", text)
        elif step == "competencies":
            if folded in YES_WORDS:
                chosen = suggest_competencies(fields)
            elif folded in SKIP_WORDS:
                chosen = []
            else:
                chosen, unknown = parse_competencies(text)
                if unknown or not chosen:
                    return Reply(
                        text=_unknown_competencies(unknown) + " Or type `ok` for my suggestion, "
                        "or `skip`.",
                        visibility=Visibility.DM,
                        meta={"story_step": step, "unknown": unknown},
                    )
            fields["competencies"] = chosen
        else:
            words = folded.split()
            if len(words) < MIN_PART_WORDS:
                return Reply(
                    text="Give me a sentence or two for this part (or `back`, or `cancel`).",
                    visibility=Visibility.DM,
                    meta={"story_step": step, "waiting": True},
                )
            fields[step] = _checked(step, text)
            tip = _tip_for(step, text)
        draft.fields = fields
        draft.updated_at = ctx.now
        following = STEPS.index(step) + 1
        if following < len(STEPS):
            draft.step = STEPS[following]
            await _hold(ctx, draft)
            return _step_reply(draft, [tip] if tip else [])
        return await self._save(ctx, draft)

    async def _save(self, ctx: Context, draft: StoryDraft) -> Reply:
        fields = draft.fields
        highest = await ctx.session.scalar(
            select(func.max(Story.number)).where(Story.member_id == ctx.member.id)
        )
        title = fields.get("title") or shorten(fields.get("challenge") or "My story", 60)
        story = Story(
            member_id=ctx.member.id,
            number=(highest or 0) + 1,
            title=title,
            context=fields.get("context", ""),
            challenge=fields.get("challenge", ""),
            action=fields.get("action", ""),
            result=fields.get("result", ""),
            why_it_matters=fields.get("why_it_matters", ""),
            competencies=list(fields.get("competencies", [])),
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        ctx.session.add(story)
        await ctx.session.delete(draft)
        await ctx.release_dm("stories")
        await ctx.session.flush()
        await activity.record(
            ctx.session, ctx.services.db.dialect, ctx.member, ctx.zone, ctx.now, "story"
        )
        ready, _ = await ready_count(ctx.session, ctx.member)
        reply = _card(ctx.library, story)
        reply.title = f"Saved: #{story.number} {story.title}"
        reply.text = f"Stories ready: {ready}/{STORY_GOAL} {_dots(ready)}\n\n" + reply.text
        reply.visibility = Visibility.DM
        reply.buttons = [
            Button("Build another", "story:start", ButtonStyle.PRIMARY),
            Button("My stories", "story:list"),
            Button("Gaps", "story:gaps"),
        ]
        reply.meta.update({"saved": True, "ready": ready, "goal": STORY_GOAL})
        return reply

    # -- views for other features -----------------------------------------------------------

    async def progress(self, ctx: Context) -> ProgressPart:
        ready, _ = await ready_count(ctx.session, ctx.member)
        lines = [
            f"Stories · {ready}/{STORY_GOAL} ready",
            bar(min(ready, STORY_GOAL), STORY_GOAL, STORY_GOAL),
        ]
        return ProgressPart("stories", lines, {"ready": ready, "goal": STORY_GOAL}, order=20)

    async def fitting_stories(
        self, session: AsyncSession, member: Member, competencies: Sequence[str], limit: int
    ) -> list[str]:
        wanted = set(competencies)
        stories = await _stories(session, member)
        return [f"#{s.number} {s.title}" for s in stories if wanted & set(s.competencies or [])][
            :limit
        ]

    async def report_figures(
        self, session: AsyncSession, member_ids: Sequence[int], period: Period
    ) -> list[Figure]:
        """Stories saved in the period, per member (drafts not finished don't count)."""
        rows = await session.execute(
            select(Story.member_id, func.count())
            .where(
                Story.member_id.in_(member_ids),
                Story.created_at >= period.since,
                Story.created_at < period.until,
            )
            .group_by(Story.member_id)
        )
        counts = {member: int(n) for member, n in rows.all()}
        return [Figure("stories", "stories written", counts, sum(counts.values()), 30)]

    async def digest_counts(
        self, session: AsyncSession, club_id: int, since: datetime, until: datetime
    ) -> dict[str, int]:
        count = await session.scalar(
            select(func.count())
            .select_from(Story)
            .join(Member, Member.id == Story.member_id)
            .where(
                Member.club_id == club_id,
                Story.created_at >= since,
                Story.created_at <= until,
            )
        )
        return {"stories written": count or 0}

    async def home_sections(self, ctx: Context) -> list[Section]:
        stories = await _stories(ctx.session, ctx.member)
        ready = sum(1 for s in stories if is_ready(s))
        covered = {c for s in stories for c in s.competencies}
        gaps = [c for c in common_competencies(ctx.library) if c not in covered][:3]
        text = f"{ready}/{STORY_GOAL} ready {_dots(ready)}"
        if gaps:
            text += f" · no story yet for {', '.join(gaps)}"
        return [Section(title="Stories", text=text)]

    # -- member data ------------------------------------------------------------------------

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        stories = await _stories(session, member)
        draft = await _draft(session, member)
        return {
            "stories": [
                {
                    "number": s.number,
                    "title": s.title,
                    **{p: getattr(s, p) for p in PARTS},
                    "competencies": s.competencies,
                    "created_at": s.created_at.isoformat(),
                    "updated_at": s.updated_at.isoformat(),
                }
                for s in stories
            ],
            "story_draft": (
                {"step": draft.step, "fields": draft.fields, "paused": draft.paused}
                if draft
                else None
            ),
        }

    async def delete_member(self, session: AsyncSession, member: Member) -> int:
        stories = await session.execute(delete(Story).where(Story.member_id == member.id))
        drafts = await session.execute(delete(StoryDraft).where(StoryDraft.member_id == member.id))
        return (stories.rowcount or 0) + (drafts.rowcount or 0)


# -- shared with other features --------------------------------------------------------------


def is_ready(story: Story) -> bool:
    """A story is ready when every CCAR part and why-it-mattered is filled in."""
    return all(getattr(story, p).strip() for p in PARTS)


async def ready_count(session: AsyncSession, member: Member) -> tuple[int, int]:
    """(ready stories, all stories) of the member."""
    stories = await _stories(session, member)
    return sum(1 for s in stories if is_ready(s)), len(stories)


def common_competencies(library: Library) -> list[str]:
    """The competencies story questions ask about most, most asked first."""
    counts = {c: 0 for c in COMPETENCIES}
    for q in library.questions:
        if story_mode(q) == "ccar":
            for c in q.competencies:
                counts[c] += 1
    asked = [c for c in COMPETENCIES if counts[c]]
    return sorted(asked, key=lambda c: (-counts[c], COMPETENCIES.index(c)))[:COMMON_COUNT]


def parse_competencies(text: str) -> tuple[list[str], list[str]]:
    """Competencies named in free text (forgiving spelling), and words that matched none."""
    folded = fold(text)
    found: list[str] = []
    for c in COMPETENCIES:
        phrase = c.replace("-", " ")
        if " " in phrase and re.search(rf"(?<![a-z]){phrase}(?![a-z])", folded):
            found.append(c)
            folded = folded.replace(phrase, " ")
    names = {c.replace("-", ""): c for c in COMPETENCIES}
    unknown: list[str] = []
    for word in folded.split():
        if word in ("and", "or", "the", "a"):
            continue
        match = process.extractOne(word, list(names), scorer=fuzz.ratio, score_cutoff=80)
        if match is None:
            unknown.append(word)
        elif names[match[0]] not in found:
            found.append(names[match[0]])
    return [c for c in COMPETENCIES if c in found], unknown


def suggest_competencies(fields: dict[str, Any], limit: int = 3) -> list[str]:
    """Competencies the story's words point to, strongest first."""
    text = " " + " ".join(str(fields.get(p, "")) for p in ("title", *PARTS)).lower() + " "
    scores = {c: sum(text.count(k) for k in keys) for c, keys in KEYWORDS.items()}
    ranked = sorted(
        (c for c in COMPETENCIES if scores.get(c)),
        key=lambda c: (-scores[c], COMPETENCIES.index(c)),
    )
    return ranked[:limit]


# -- helpers ---------------------------------------------------------------------------------


async def _stories(session: AsyncSession, member: Member) -> list[Story]:
    return list(
        await session.scalars(
            select(Story).where(Story.member_id == member.id).order_by(Story.number)
        )
    )


async def _by_number(session: AsyncSession, member: Member, number: int) -> Story | None:
    return await session.scalar(
        select(Story).where(Story.member_id == member.id, Story.number == number)
    )


def _draft_line(draft: StoryDraft) -> str:
    """`Draft in progress: “Title”, at step 3 of 7 (challenge), paused`."""
    step = draft.step if draft.step in STEPS else STEPS[0]
    title = draft.fields.get("title") or draft.fields.get("context") or ""
    named = f" “{shorten(title, 60)}”" if title else ""
    paused = ", paused" if draft.paused else ""
    return (
        f"Draft in progress{named}: at step {STEPS.index(step) + 1} of {len(STEPS)} "
        f"({PART_TITLES[step].lower()}){paused}"
    )


def _draft_meta(draft: StoryDraft) -> dict[str, Any]:
    step = draft.step if draft.step in STEPS else STEPS[0]
    return {"step": step, "step_number": STEPS.index(step) + 1, "paused": draft.paused}


async def _hold(ctx: Context, draft: StoryDraft) -> list[str]:
    """Hold the DM for the draft's current step, saying which step the bot waits for."""
    step = draft.step if draft.step in STEPS else STEPS[0]
    return await ctx.hold_dm(
        "stories",
        {"step": step},
        waiting_for=f"step {STEPS.index(step) + 1} of your story ({PART_TITLES[step].lower()})",
    )


async def _draft(session: AsyncSession, member: Member) -> StoryDraft | None:
    return await session.scalar(select(StoryDraft).where(StoryDraft.member_id == member.id))


def _checked(field: str, text: str) -> str:
    limit = MAX_TITLE if field == "title" else MAX_PART
    text = " ".join(text.split()) if field == "title" else text.strip()
    if len(text) > limit:
        raise UserError(
            f"That is {len(text)} characters; keep the {PART_TITLES[field].lower()} under "
            f"{limit} so the story stays easy to tell. Nothing was saved."
        )
    return text


def _tip_for(step: str, text: str) -> str:
    """A gentle coaching note after a step, when the words suggest one."""
    answer = Answer.of(text)
    if step == "action":
        i_count, we_count = ownership(answer)
        if we_count > i_count:
            return (
                "Noted. Tip: you said “we” more than “I”. In the interview, say which steps "
                "were yours; you can change it later with `/story edit N action …`."
            )
    if step == "result" and not any(is_concrete(s) for s in answer.sentences):
        return (
            "Noted. Tip: a number or something people could see (time saved, fewer "
            "complaints, a date met) makes a result stick. You can add it later with "
            "`/story edit N result …`."
        )
    return ""


def _step_reply(draft: StoryDraft, notes: list[str], *, resumed: bool = False) -> Reply:
    step = draft.step if draft.step in STEPS else STEPS[0]
    number = STEPS.index(step) + 1
    prompt = PROMPTS[step]
    lines = [n for n in notes if n]
    lines.append(prompt.question)
    if step == "competencies":
        suggestion = suggest_competencies(draft.fields)
        lines.append("Choose from: " + ", ".join(COMPETENCIES) + ".")
        if suggestion:
            lines.append(f"My suggestion from your words: {', '.join(suggestion)} (type `ok`).")
    lines.append(f"Example: “{prompt.example}”")
    current = draft.fields.get(step)
    if resumed and isinstance(current, str) and current:
        lines.append(f"You wrote before: “{shorten(current, 200)}”")
    skip = " · `skip`" if step in ("title", "competencies") else ""
    lines.append(f"`back` for the last step{skip} · `cancel` to stop")
    return Reply(
        title=f"Story builder · step {number} of {len(STEPS)}: {PART_TITLES[step]}",
        text="\n\n".join(lines),
        buttons=[Button("Start over", "story:restart")] if number > 1 else [],
        visibility=Visibility.DM,
        meta={"story_step": step, "step_number": number, "steps": len(STEPS)},
    )


def _card(library: Library, story: Story) -> Reply:
    sections = [
        Section(title=PART_TITLES[p], text=getattr(story, p) or "[not written yet]") for p in PARTS
    ]
    sections.append(
        Section(
            title=PART_TITLES["competencies"],
            text=", ".join(story.competencies) or f"none yet: `/story tag {story.number} …`",
        )
    )
    checks = _checks(story)
    buttons = [Button("Delete…", f"story:askdelete:{story.id}", ButtonStyle.DANGER)]
    question = next(
        (q for c in story.competencies if (q := _question_for(library, c)) is not None), None
    )
    if question is not None:
        buttons.insert(0, Button("Practise with it", f"practice:start:{question.id}"))
    return Reply(
        title=f"#{story.number} {story.title}",
        text="\n".join(checks),
        sections=sections,
        buttons=buttons,
        meta={
            "story": story.number,
            "story_id": story.id,
            "ready": is_ready(story),
            "competencies": list(story.competencies),
        },
    )


def _checks(story: Story) -> list[str]:
    """Quick coaching checks on a saved story."""
    checks = []
    result = Answer.of(story.result)
    if story.result and not any(is_concrete(s) for s in result.sentences):
        checks.append("• The result has no number yet: how much, how many, how fast?")
    i_count, we_count = ownership(Answer.of(story.action))
    if story.action and we_count > i_count:
        checks.append("• The action says “we” more than “I”: make your own part clear.")
    if not story.why_it_matters.strip():
        checks.append("• Add why it mattered: who benefited, and how?")
    if not checks:
        checks.append("Ready to tell: all parts are there, with a concrete result.")
    return checks


def _confirm_delete(story: Story) -> Reply:
    return Reply(
        title=f"Delete #{story.number} “{story.title}”?",
        text="This removes the story for good.",
        buttons=[
            Button("Yes, delete it", f"story:delete:{story.id}", ButtonStyle.DANGER),
            Button("Keep it", "story:keep"),
        ],
        meta={"story": story.number, "confirm_delete": True},
    )


def _question_for(library: Library, competency: str) -> Question | None:
    """A story question mainly about the competency, to practise a story on."""
    matching = [q for q in library.questions if competency in q.competencies]
    if not matching:
        return None
    return min(
        matching,
        key=lambda q: (story_mode(q) != "ccar", q.competencies.index(competency)),
    )


def _unknown_competencies(unknown: list[str]) -> str:
    named = f"I don't know {', '.join(f'“{w}”' for w in unknown[:4])}. " if unknown else ""
    return named + "Use names from this list: " + ", ".join(COMPETENCIES) + "."


def _dots(ready: int) -> str:
    shown = min(ready, STORY_GOAL)
    return "█" * shown + "░" * (STORY_GOAL - shown)
