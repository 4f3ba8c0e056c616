"""Stay-in-touch contacts: `/jobclub contact add|log` and `/jobclub contacts`.

Logging a real contact resets that person's clock: the remaining stay-in-touch
reminders move so the next one comes a full interval after the contact, not on the
old schedule (the feature contact-nurturing tools are most asked for).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import commitments as store
from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, feature
from bot.recurrence import Recurrence
from bot.replies import Reply, Section, Visibility
from bot.router import Router
from bot.store.models import Commitment, Contact, Member
from bot.text import shorten
from bot.timezones import add_months, local_instant, show_time

_ADD = re.compile(
    r"^(?P<name>.+?)(?:\s+(?:at|from)\s+(?P<company>.+?))?"
    r"(?:\s+every\s+(?P<n>\d{1,2})?\s*(?P<unit>weeks?|months?))?$",
    re.IGNORECASE,
)
_STAY_IN_TOUCH = re.compile(r"^stay-in-touch-(\d+)-months?$")
DEFAULT_CADENCE_MONTHS = 3
MAX_NOTE = 500


@feature
class Contacts(Feature):
    name = "contacts"

    def register(self, router: Router) -> None:
        router.add_subcommand(
            "jobclub",
            "contact",
            "`contact add NAME [at COMPANY] [every N months]` · `contact log NAME [note]`.",
            self.on_contact,
        )
        router.add_subcommand(
            "jobclub", "contacts", "People you stay in touch with.", self.on_contacts
        )

    async def on_contact(self, ctx: Context) -> Reply:
        verb, _, rest = ctx.text.strip().partition(" ")
        verb, rest = verb.lower(), rest.strip()
        if verb == "add" and rest:
            return await self._add(ctx, rest)
        if verb == "log" and rest:
            return await self._log(ctx, rest)
        raise UserError(
            "Try `/jobclub contact add Ana Ruiz at Acme every 3 months` or "
            "`/jobclub contact log Ana had coffee, she mentioned a new team`."
        )

    async def _add(self, ctx: Context, rest: str) -> Reply:
        found = _ADD.match(rest)
        if not found or len(found["name"]) > 200:
            raise UserError("Give a name, e.g. `/jobclub contact add Ana Ruiz at Acme`.")
        name, company = found["name"].strip(), (found["company"] or "").strip() or None
        if company and len(company) > 200:
            raise UserError("Keep the company name under 200 characters.")
        count = int(found["n"] or 1) if found["unit"] else DEFAULT_CADENCE_MONTHS
        months = count if not found["unit"] or found["unit"].lower().startswith("month") else 0
        weeks = count if found["unit"] and found["unit"].lower().startswith("week") else 0
        if not 1 <= (months or weeks) <= 24:
            raise UserError("Pick a rhythm between every 1 and every 24 months (or weeks).")
        contact = Contact(
            member_id=ctx.member.id,
            name=name,
            company=company,
            how_met=None,
            cadence_days=months * 30 or weeks * 7,
            notes=[],
            created_at=ctx.now,
        )
        ctx.session.add(contact)
        await ctx.session.flush()
        start = store.day_start(ctx.member)
        rule = Recurrence(
            unit="month" if months else "week",
            every=months or weeks,
            hour=start.hour,
            minute=start.minute,
        ).anchored(ctx.now, ctx.zone)
        due = _due_after(ctx, months, weeks)
        label = f"{name} ({company})" if company else name
        commitment = await store.create(
            ctx.session,
            ctx.member,
            f"Get in touch with {label}",
            due,
            ctx.now,
            source="contact",
            recurrence=rule,
            contact_id=contact.id,
        )
        return Reply(
            text=f"Added {label}. I will remind you to get in touch {rule.describe()}, "
            f"first on {show_time(due, ctx.zone)}. After a real conversation, "
            f"`/jobclub contact log {name.split()[0]}` resets the clock.",
            visibility=Visibility.ONLY_MEMBER,
            meta={"contact_id": contact.id, "commitment_id": commitment.id},
        )

    async def _log(self, ctx: Context, rest: str) -> Reply:
        contact, note = await _find(ctx, rest)
        if len(note) > MAX_NOTE:
            raise UserError(f"Keep the note under {MAX_NOTE} characters. Nothing was saved.")
        contact.last_contact_at = ctx.now
        if note:
            contact.notes = [*contact.notes, {"at": ctx.now.isoformat(), "note": note}]
        moved = await _reset_clock(ctx, contact)
        lines = [
            f"#{c.number} {c.text} · {show_time(c.due_at, ctx.zone, ctx.now)}"
            for c in moved
            if c.due_at
        ]
        return Reply(
            text=f"Logged a contact with {contact.name}. Nice: that is how seeds sprout."
            + ("\nI moved the next reminders on from today:" if lines else ""),
            sections=[Section(text="\n".join(lines))] if lines else [],
            visibility=Visibility.ONLY_MEMBER,
            meta={
                "contact_id": contact.id,
                "moved": [
                    {"commitment_id": c.id, "due_at": c.due_at.astimezone(ctx.zone).isoformat()}
                    for c in moved
                    if c.due_at
                ],
            },
        )

    async def on_contacts(self, ctx: Context) -> Reply:
        rows = list(
            await ctx.session.scalars(
                select(Contact).where(Contact.member_id == ctx.member.id).order_by(Contact.name)
            )
        )
        if not rows:
            return Reply(
                text="No contacts yet. `/rejected Acme, Ana` or "
                "`/jobclub contact add Ana at Acme every 3 months` adds one.",
                visibility=Visibility.ONLY_MEMBER,
                meta={"contacts": []},
            )
        lines = []
        for c in rows:
            last = show_time(c.last_contact_at, ctx.zone) if c.last_contact_at else "not yet"
            lines.append(f"{c.name}{f' ({c.company})' if c.company else ''} · last contact {last}")
        return Reply(
            title="People you stay in touch with",
            text="\n".join(lines),
            visibility=Visibility.ONLY_MEMBER,
            meta={"contacts": [c.id for c in rows]},
        )

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        rows = await session.scalars(select(Contact).where(Contact.member_id == member.id))
        return {
            "contacts": [
                {
                    "name": c.name,
                    "company": c.company,
                    "role": c.role,
                    "how_met": c.how_met,
                    "last_contact_at": c.last_contact_at.isoformat() if c.last_contact_at else None,
                    "notes": c.notes,
                }
                for c in rows
            ]
        }

    async def delete_member(self, session: AsyncSession, member: Member) -> int:
        result = await session.execute(delete(Contact).where(Contact.member_id == member.id))
        return result.rowcount or 0


async def _find(ctx: Context, rest: str) -> tuple[Contact, str]:
    """The member's contact named at the start of `rest`, and the note after it."""
    rows = list(
        await ctx.session.scalars(select(Contact).where(Contact.member_id == ctx.member.id))
    )
    if not rows:
        raise UserError("You have no contacts yet. `/jobclub contact add NAME` adds one.")
    lowered = rest.lower()
    # Longest name first, so "Ana Ruiz" wins over "Ana" when both exist.
    for contact in sorted(rows, key=lambda c: -len(c.name)):
        for candidate in (contact.name, contact.name.split()[0]):
            if re.match(re.escape(candidate.lower()) + r"(?=$|[\s,.:;!?-])", lowered):
                return contact, rest[len(candidate) :].strip(" ,.:;!?-")
    first = rest.split()[0].strip(",.:;!?-")
    match = process.extractOne(first, {c.id: c.name for c in rows}, scorer=fuzz.WRatio)
    names = ", ".join(c.name for c in rows[:8])
    hint = f" Did you mean {match[0]}?" if match and match[1] >= 70 else ""
    raise UserError(f"I don't know “{shorten(first, 40)}” among your contacts.{hint} ({names})")


async def _reset_clock(ctx: Context, contact: Contact) -> list[Commitment]:
    rows = list(
        await ctx.session.scalars(
            select(Commitment)
            .where(
                Commitment.member_id == ctx.member.id,
                Commitment.contact_id == contact.id,
                Commitment.status == "open",
            )
            .order_by(Commitment.due_at)
        )
    )
    moved: list[Commitment] = []
    ladder_steps = [(c, _months_of(c)) for c in rows if _months_of(c) is not None]
    if ladder_steps:
        done = await ctx.session.scalars(
            select(Commitment.draft_id).where(
                Commitment.contact_id == contact.id, Commitment.status != "open"
            )
        )
        passed = max((m for d in done if (m := _months_from(d)) is not None), default=0)
        for commitment, months in ladder_steps:
            assert months is not None
            due = _due_after(ctx, months - passed, 0)
            store.schedule(commitment, due, ctx.now)
            moved.append(commitment)
    for commitment in rows:
        rule = store.recurrence_of(commitment)
        if rule is None or commitment in moved:
            continue
        months = rule.every if rule.unit == "month" else 0
        weeks = rule.every if rule.unit == "week" else 0
        due = _due_after(ctx, months, weeks)
        # Re-anchor the rhythm on the real contact, or the next repeat snaps back to the old day.
        rule = replace(rule, day=None, weekday=None).anchored(due, ctx.zone)
        commitment.recurrence = rule.to_json()
        store.schedule(commitment, due, ctx.now)
        moved.append(commitment)
    return moved


def _months_of(commitment: Commitment) -> int | None:
    return _months_from(commitment.draft_id)


def _months_from(draft_id: str | None) -> int | None:
    found = _STAY_IN_TOUCH.match(draft_id or "")
    return int(found.group(1)) if found else None


def _due_after(ctx: Context, months: int, weeks: int) -> datetime:
    """The member's day start, `months` and `weeks` after today (at least tomorrow)."""
    today = ctx.now.astimezone(ctx.zone).date()
    day = add_months(today, months) + timedelta(weeks=weeks)
    day = max(day, today + timedelta(days=1))
    return local_instant(day, store.day_start(ctx.member), ctx.zone)
